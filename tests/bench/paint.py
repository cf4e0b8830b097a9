"""Measure the time from showing a view to the end of its first paint."""

from __future__ import annotations

import statistics
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject


class _Watch(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return False


def first_paint_seconds(app: Any, view: Any, model: Any) -> float:
    """Set the model, show the view and return seconds until its viewport painted."""
    watch = _Watch()
    view.viewport().installEventFilter(watch)
    start = time.perf_counter()
    view.setModel(model)
    view.show()
    while watch.painted_at is None and time.perf_counter() - start < 10:
        app.processEvents()
    app.processEvents()
    end = time.perf_counter()
    view.viewport().removeEventFilter(watch)
    return end - start


def page_down(view: Any, app: Any, steps: int = 100) -> float:
    """Return seconds for `steps` page-down scrolls of a view, each repainted."""
    bar = view.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    start = time.perf_counter()
    for _ in range(steps):
        bar.setValue(bar.value() + bar.pageStep())
        app.processEvents()
    return time.perf_counter() - start


def against_plain_model(app: Any, model: Any, runs: int = 5) -> tuple[float, float, float]:
    """Time `model` against a minimal list-backed model holding the same texts.

    Returns the median first paint of `model`, and the median seconds of 100 page-downs
    over `model` and over the plain model, each in a 1400×900 view, interleaved.
    """
    from PySide6.QtCore import QAbstractTableModel, QModelIndex
    from PySide6.QtWidgets import QTableView

    rows, columns = model.rowCount(), model.columnCount()
    texts = [[str(model.index(r, c).data() or "") for c in range(columns)] for r in range(rows)]

    class PlainModel(QAbstractTableModel):
        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else rows

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else columns

        def data(self, index: Any, role: int = 0) -> Any:
            return texts[index.row()][index.column()] if role == 0 else None

    paints: list[float] = []
    ours: list[float] = []
    plain: list[float] = []
    for _ in range(runs):
        for target, times in ((model, ours), (PlainModel(), plain)):
            view = QTableView()
            view.resize(1400, 900)
            paint = first_paint_seconds(app, view, target)
            if target is model:
                paints.append(paint)
            times.append(page_down(view, app))
            view.close()
    return statistics.median(paints), statistics.median(ours), statistics.median(plain)
