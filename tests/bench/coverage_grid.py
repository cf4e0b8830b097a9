"""Coverage grid over a 20,000-part plan: first paint, and scrolling like the parts table."""

from __future__ import annotations

from planner.engine import run_plan
from tests.bench.common import Ratio
from tests.bench.paint import against_plain_model
from tests.bench.plan_engine import problem


def run() -> list[Ratio]:
    """Measure the coverage grid for the benchmark plan (20,000 parts × 24 months)."""
    from PySide6.QtWidgets import QApplication

    from ui.coverage_model import CoverageModel

    app = QApplication.instance() or QApplication([])
    model = CoverageModel()
    model.set_plan(run_plan(problem()))
    paint, ours, plain = against_plain_model(app, model)
    return [
        Ratio(
            f"coverage grid {model.rowCount():,} parts: first paint (ms / 100 ms budget)",
            paint / 0.1,
            1.0,
            f"first paint {paint * 1000:.0f} ms",
        ),
        Ratio(
            "coverage grid: 100 page-downs vs plain list model",
            ours / plain,
            1.5,
            f"ours {ours * 1000:.0f} ms, plain {plain * 1000:.0f} ms",
        ),
    ]
