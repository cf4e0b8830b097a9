"""Parts table with 100,000 parts: first paint after load, scrolling against a plain model."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from planner.rules import load_rule_set
from planner.schema import Part, Supplier
from planner.workspace import Workspace
from tests.bench.common import Ratio

ROWS = 100_000
GRADES = ["N42SH", "N52", "N38UH", "N35", "N48H", "YXG-28", "Y30BH", "N45UH", "SmCo5", "BNP-8"]
FAMILIES = [
    "sintered_ndfeb",
    "sintered_ndfeb",
    "sintered_ndfeb",
    "sintered_ndfeb",
    "sintered_ndfeb",
    "sm2co17",
    "ferrite",
    "sintered_ndfeb",
    "smco5",
    "bonded_ndfeb",
]


def make_workspace(path: Path, rows: int = ROWS) -> Workspace:
    """Create a workspace with `rows` parts over a few suppliers (fast bulk insert)."""
    workspace = Workspace.create(path)
    with workspace.transaction() as session:
        for index, country in enumerate(("CN", "IN", "VN", "DE")):
            session.add(
                Supplier(id=index + 1, name=f"Supplier {index} ({country})", country=country)
            )
        session.flush()
        session.execute(
            insert(Part),
            [
                {
                    "part_number": f"MG-{i:06d}",
                    "description": f"Magnet {i % 977} for assembly {i % 131}",
                    "family": FAMILIES[i % 10],
                    "grade": GRADES[i % 10],
                    "shape": "block",
                    "dimensions": f"block {10 + i % 20} × {5 + i % 7} × {2 + i % 3} mm",
                    "form": "bare",
                    "supplier_id": 1 + i % 4,
                    "unit_price": 0.1 + (i % 100) / 100,
                    "currency": "USD",
                    "lead_time_days": 30 + i % 40,
                    "moq": 1000,
                    "order_multiple": 500,
                    "notes": "",
                    "coating": "Ni-Cu-Ni",
                    "version": 1,
                }
                for i in range(rows)
            ],
        )
    return workspace


def run() -> list[Ratio]:
    """Measure first paint and page-down scrolling of the parts table."""
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from tests.bench.paint import against_plain_model

    from ui.parts_model import PartsTableModel
    from ui.session import WorkspaceSession

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        workspace = make_workspace(Path(folder) / "big.magplan")
        session = WorkspaceSession(workspace, load_rule_set())
        load_start = time.perf_counter()
        model = PartsTableModel(session, undo_stack=QUndoStack())
        load = time.perf_counter() - load_start
        paint, ours, plain = against_plain_model(app, model)
        session.close()
    scroll = ours / plain
    return [
        Ratio(
            "parts table 100k: first paint after load (ms / 100 ms budget)",
            paint / 0.1,
            1.0,
            f"first paint {paint * 1000:.0f} ms, model load {load * 1000:.0f} ms",
        ),
        Ratio(
            "parts table 100k: 100 page-downs vs plain list model",
            scroll,
            1.5,
            f"ours {ours * 1000:.0f} ms, plain {plain * 1000:.0f} ms",
        ),
    ]
