"""Coverage grid over a 20,000-part plan: first paint, and scrolling like the parts table."""

from __future__ import annotations

import statistics
from typing import Any

from planner.engine import run_plan
from tests.bench.common import Ratio
from tests.bench.paint import first_paint_seconds
from tests.bench.parts_table import page_down
from tests.bench.plan_engine import problem


def run() -> list[Ratio]:
    """Measure the coverage grid for the benchmark plan (20,000 parts × 24 months)."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex
    from PySide6.QtWidgets import QApplication, QTableView

    from ui.coverage_model import CoverageModel

    app = QApplication.instance() or QApplication([])
    plan = run_plan(problem())
    model = CoverageModel()
    model.set_plan(plan)
    rows, columns = model.rowCount(), model.columnCount()
    texts = [[str(model.index(r, c).data() or "") for c in range(columns)] for r in range(rows)]

    class PlainModel(QAbstractTableModel):
        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else rows

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else columns

        def data(self, index: Any, role: int = 0) -> Any:
            return texts[index.row()][index.column()] if role == 0 else None

    paints, ours, plain = [], [], []
    for _ in range(5):
        view = QTableView()
        view.resize(1400, 900)
        paints.append(first_paint_seconds(app, view, model))
        ours.append(page_down(view, app))
        view.close()
        baseline = QTableView()
        baseline.resize(1400, 900)
        first_paint_seconds(app, baseline, PlainModel())
        plain.append(page_down(baseline, app))
        baseline.close()
    paint = statistics.median(paints)
    scroll = statistics.median(ours) / statistics.median(plain)
    return [
        Ratio(
            f"coverage grid {rows:,} parts: first paint (ms / 100 ms budget)",
            paint / 0.1,
            1.0,
            f"first paint {paint * 1000:.0f} ms",
        ),
        Ratio(
            "coverage grid: 100 page-downs vs plain list model",
            scroll,
            1.5,
            f"ours {statistics.median(ours) * 1000:.0f} ms, "
            f"plain {statistics.median(plain) * 1000:.0f} ms",
        ),
    ]
