"""Lookups of parts by number in the parts model and the workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.schema import Part

if TYPE_CHECKING:
    from ui.parts_model import PartsTableModel
    from ui.session import WorkspaceSession


def row_of(model: PartsTableModel, number: str) -> int:
    """Return the source row of a part number."""
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == number)


def cell(model: PartsTableModel, number: str, column: int, role: int = 0) -> Any:
    """Return a cell of the part with this number."""
    return model.index(row_of(model, number), column).data(role)


def stored(session: WorkspaceSession, number: str) -> Part:
    """Return the stored part with this number."""
    return next(p for p in session.workspace.all(Part) if p.part_number == number)
