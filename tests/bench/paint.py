"""Measure the time from showing a view to the end of its first paint."""

from __future__ import annotations

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
