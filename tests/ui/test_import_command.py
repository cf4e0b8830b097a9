"""ImportCommand: an import already written is pushed as one undo step, undone exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from planner.importing.commit import commit
from planner.importing.mapping import map_columns
from planner.importing.table import guess_table
from planner.importing.validate import validate
from planner.schema import BomLine, Part, Product

import ui.import_command
from ui.import_command import ImportCommand, touched_tables

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.importing.validate import ImportPreview
    from planner.workspace import Change

    from ui.session import WorkspaceSession

ROWS: list[list[Any]] = [
    ["Description", "Qty", "Grade"],
    ["Disc magnet 10x3 mm", 4, "N52"],
    ["Block magnet 20x10x5 mm", 2, "N42SH"],
    ["M3 screw", 12, None],
]


def checked(session: WorkspaceSession) -> ImportPreview:
    """Validate ROWS as BOM lines of product "Rotor"."""
    guess = guess_table(ROWS)
    mapping = map_columns(ROWS, guess, "bom")
    return validate(ROWS, guess, mapping, session.workspace, product="Rotor")


def tables(session: WorkspaceSession) -> tuple[int, int, int]:
    ws = session.workspace
    return ws.count(Product), ws.count(Part), ws.count(BomLine)


@pytest.fixture
def changes(empty_session: WorkspaceSession) -> list[Change]:
    seen: list[Change] = []
    empty_session.changed.connect(seen.append)
    return seen


def test_the_first_redo_only_announces_what_the_background_commit_wrote(
    empty_session: WorkspaceSession,
    undo_stack: QUndoStack,
    changes: list[Change],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    preview = checked(empty_session)
    result = commit(empty_session.workspace, preview)
    assert tables(empty_session) == (1, 2, 2)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("push must not write the import again")

    monkeypatch.setattr(ui.import_command, "commit", refuse)
    command = ImportCommand(
        empty_session, preview, result, skip_errors=False, text="Import BOM from rotor.csv"
    )
    undo_stack.push(command)
    assert tables(empty_session) == (1, 2, 2)
    assert {c.entity for c in changes} == {"products", "parts", "bom_lines"}
    assert all(c.kind == "reset" for c in changes)
    assert undo_stack.undoText() == "Import BOM from rotor.csv"


def test_undo_removes_everything_and_redo_writes_it_again(
    empty_session: WorkspaceSession, undo_stack: QUndoStack, changes: list[Change]
) -> None:
    preview = checked(empty_session)
    result = commit(empty_session.workspace, preview)
    undo_stack.push(ImportCommand(empty_session, preview, result, skip_errors=False, text="i"))
    changes.clear()
    undo_stack.undo()
    assert tables(empty_session) == (0, 0, 0)
    assert {c.entity for c in changes} == {"products", "parts", "bom_lines"}
    undo_stack.redo()
    assert tables(empty_session) == (1, 2, 2)
    command = undo_stack.command(0)
    assert isinstance(command, ImportCommand)
    assert command.result is not result  # a fresh commit of the same preview
    lines = empty_session.workspace.all(BomLine)
    assert sorted(line.pieces_per_unit for line in lines) == [2, 4]
    undo_stack.undo()
    assert tables(empty_session) == (0, 0, 0)


def test_an_update_import_is_undone_to_the_previous_values(
    session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    ws = session.workspace
    part = ws.all(Part)[0]
    rows: list[list[Any]] = [["Part number", "Lead time"], [part.part_number, 99]]
    guess = guess_table(rows)
    mapping = map_columns(rows, guess, "parts")
    preview = validate(rows, guess, mapping, ws, mode="update")
    assert not preview.has_errors
    result = commit(ws, preview)
    undo_stack.push(ImportCommand(session, preview, result, skip_errors=False, text="u"))
    assert touched_tables(result) == ["parts"]
    fresh = ws.get(Part, part.id)
    assert fresh is not None
    assert fresh.lead_time_days == 99
    undo_stack.undo()
    restored = ws.get(Part, part.id)
    assert restored is not None
    assert restored.lead_time_days == part.lead_time_days
    assert restored.version == part.version
