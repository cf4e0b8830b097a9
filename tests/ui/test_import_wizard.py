"""The import wizard: corpus BOMs end to end, hostile files, cancel, responsiveness, exports."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from planner.importing import CATEGORIES, ReadError
from planner.importing.table import guess_table
from planner.schema import AuditEntry, BomLine, Part, Product

from ui.import_models import MappingModel, SheetRowsModel
from ui.import_pages import SheetPage
from ui.import_preview import PreviewModel, PreviewPage, magnet_text
from ui.import_state import CATEGORY_LABELS, describe_read_error, guess_kind
from ui.import_steps import row_category
from ui.import_table_page import MappingPage, TablePage
from ui.import_wizard import ImportWizard

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from planner.importing import Category
    from planner.importing.validate import RowResult

    from ui.main_window import MainWindow
    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


VORON = "boms/voron1_300x300_generated_bom.csv"
ENCRYPTED = [
    "calamine__pass_protected.ods",
    "calamine__pass_protected.xlsb",
    "poi__password.xls",
    "poi__protected_passtika.xlsx",
]


class LatencyProbe:
    """Measures the longest gap between ticks of a 10 ms timer (the event loop's latency)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.max_gap = 0.0
        self._last = time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.max_gap


@pytest.fixture
def make_wizard(
    qtbot: QtBot, empty_session: WorkspaceSession, undo_stack: QUndoStack
) -> Iterator[Callable[[Path], ImportWizard]]:
    """Return a factory of wizards over the empty workspace, reading `path` at once."""
    made: list[ImportWizard] = []

    def make(path: Path) -> ImportWizard:
        wizard = ImportWizard(empty_session, undo_stack=undo_stack, path=path)
        qtbot.addWidget(wizard)
        made.append(wizard)
        wait_idle(qtbot, wizard)
        return wizard

    yield make
    for wizard in made:  # never leave a worker thread running into the next test
        if wizard.busy:
            wizard.runner.cancel()
            wait_idle(qtbot, wizard)


def wait_idle(qtbot: QtBot, wizard: ImportWizard, timeout: int = 60_000) -> None:
    """Wait until the wizard's background step has ended."""
    qtbot.waitUntil(lambda: not wizard.busy, timeout=timeout)


def advance(qtbot: QtBot, wizard: ImportWizard, step: str) -> None:
    """Press Next until `step` is on screen and its work is done."""
    while wizard.current_step != step:
        before = wizard.current_step
        wizard.go_next()
        wait_idle(qtbot, wizard)
        assert wizard.current_step != before, f"stuck on {before}: {wizard.error_text()}"
    assert wizard.error_text() == ""


def counts(session: WorkspaceSession) -> dict[str, int]:
    """Return the number of records per table that an import can touch."""
    ws = session.workspace
    return {m.__tablename__: ws.count(m) for m in (Product, Part, BomLine, AuditEntry)}


def preview_rows(wizard: ImportWizard) -> list[RowResult]:
    preview = wizard.state.preview
    assert preview is not None
    return preview.rows


def test_voron_bom_imports_the_magnet_and_one_undo_removes_everything(
    corpus: Path,
    make_wizard: Callable[[Path], ImportWizard],
    qtbot: QtBot,
    empty_session: WorkspaceSession,
    undo_stack: QUndoStack,
) -> None:
    before = counts(empty_session)
    wizard = make_wizard(corpus / VORON)
    assert wizard.state.kind == "bom"  # guessed: it has Qty and Description
    assert "guessed from the headers" in wizard.file_page.kind_hint.text()
    assert wizard.state.product == "voron1_300x300_generated_bom"
    advance(qtbot, wizard, "preview")
    rows = {str(r.value("description")): r for r in preview_rows(wizard)}
    magnet = rows["6x3mm Neodimium Magnet"]
    assert row_category(magnet) == "ok"
    assert magnet.value("quantity") == 8
    assert magnet_text(magnet).startswith("✓ Sintered NdFeB")
    motor = rows["NEMA17 Motor 17HS19-2004S"]
    assert row_category(motor) == "skipped"
    assert magnet_text(motor) in {"not a magnet: skipped", "contains magnets: skipped"}
    assert wizard.next_button.text() == "Import 1 row"
    advance(qtbot, wizard, "result")
    ws = empty_session.workspace
    (line,) = ws.all(BomLine)
    assert line.pieces_per_unit == 8
    (part,) = ws.all(Part)
    assert "6x3mm" in part.description
    assert [p.name for p in ws.all(Product)] == ["voron1_300x300_generated_bom"]
    assert undo_stack.count() == 1
    assert undo_stack.undoText().startswith("Import BOM lines from voron1")
    assert wizard.next_button.text() == "Close"
    undo_stack.undo()
    after_undo = counts(empty_session)
    assert {k: v for k, v in after_undo.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
    undo_stack.redo()  # commits the stored preview again
    assert len(ws.all(BomLine)) == 1
    undo_stack.undo()
    assert ws.count(Part) == ws.count(BomLine) == ws.count(Product) == 0


def test_fractal_xlsx_imports_its_magnet(
    corpus: Path,
    make_wizard: Callable[[Path], ImportWizard],
    qtbot: QtBot,
    empty_session: WorkspaceSession,
) -> None:
    wizard = make_wizard(corpus / "boms" / "fractal5pro_BOM.xlsx")
    assert wizard.state.kind == "bom"
    sheet_page = wizard.page("sheet")
    advance(qtbot, wizard, "sheet")
    assert sheet_page.is_ready()
    advance(qtbot, wizard, "preview")
    importable = [r for r in preview_rows(wizard) if row_category(r) in {"ok", "warning"}]
    assert len(importable) == 1
    advance(qtbot, wizard, "result")
    assert empty_session.workspace.count(Part) == 1
    assert empty_session.workspace.count(BomLine) == 1


@pytest.mark.parametrize("name", ENCRYPTED)
def test_an_encrypted_file_gets_one_clear_message_and_changes_nothing(
    corpus: Path,
    make_wizard: Callable[[Path], ImportWizard],
    empty_session: WorkspaceSession,
    name: str,
) -> None:
    before = counts(empty_session)
    wizard = make_wizard(corpus / "badinputs" / "encrypted" / name)
    message = wizard.error_text()
    assert message.startswith(f"{name} is password-protected (encrypted)")
    assert "without a password" in message
    assert "Traceback" not in message
    assert not wizard.next_button.isEnabled()
    assert counts(empty_session) == before


def test_a_damaged_file_names_its_category(
    corpus: Path, make_wizard: Callable[[Path], ImportWizard]
) -> None:
    wizard = make_wizard(corpus / "badinputs" / "corrupt" / "excelize__BadWorkbook.xlsx")
    assert "excelize__BadWorkbook.xlsx is damaged" in wizard.error_text()
    assert "(damaged file)" in wizard.error_text()


def write_parts_csv(path: Path, rows: int) -> Path:
    """Write a parts list of `rows` magnets."""
    with path.open("w", encoding="utf-8") as out:
        out.write("Part number,Description,Grade,Dimensions\n")
        for i in range(rows):
            out.write(f"MG-{i:07d},Block magnet {i % 97},N42SH,{10 + i % 20}x5x2 mm\n")
    return path


def test_cancel_during_a_large_import_changes_nothing_and_the_window_stays_responsive(
    tmp_path: Path,
    qtbot: QtBot,
    empty_session: WorkspaceSession,
    undo_stack: QUndoStack,
) -> None:
    path = write_parts_csv(tmp_path / "parts.csv", 200_000)
    before = counts(empty_session)
    probe = LatencyProbe()
    probe.start()
    wizard = ImportWizard(empty_session, undo_stack=undo_stack, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    wait_idle(qtbot, wizard)
    assert wizard.state.kind == "parts"
    advance(qtbot, wizard, "mapping")
    wizard.go_next()  # validation starts in the background
    panel = wizard.progress_panel
    qtbot.waitUntil(lambda: " of 200,000 rows" in panel.label.text(), timeout=60_000)
    panel.cancel_button.click()
    wait_idle(qtbot, wizard)
    gap = probe.stop()
    assert "Cancelled" in wizard.error_text()
    assert wizard.state.preview is None
    assert counts(empty_session) == before
    assert undo_stack.count() == 0
    # The target is 100 ms; this machine is noisy, so the test allows more.
    assert gap < 0.25, f"the event loop stalled for {gap * 1000:.0f} ms"


def test_closing_during_a_read_cancels_it(
    tmp_path: Path, qtbot: QtBot, empty_session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    path = write_parts_csv(tmp_path / "parts.csv", 100_000)
    wizard = ImportWizard(empty_session, undo_stack=undo_stack, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.busy
    wizard.reject()
    assert wizard.isVisible()  # stays until the step has stopped
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=60_000)
    assert not wizard.busy


def test_rows_with_errors_block_the_import_until_skipped_and_go_to_the_error_workbook(
    tmp_path: Path,
    make_wizard: Callable[[Path], ImportWizard],
    qtbot: QtBot,
    empty_session: WorkspaceSession,
) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    source = tmp_path / "bom.csv"
    source.write_text(
        "Description,Qty\n"
        "N52 disc magnet 10x3 mm,4\n"
        "N35 block magnet 20x10x5 mm,~3M\n"
        "M3 screw,12\n",
        encoding="utf-8",
    )
    wizard = make_wizard(source)
    advance(qtbot, wizard, "preview")
    page = wizard.page("preview")
    assert isinstance(page, PreviewPage)
    assert page.counts == {"ok": 1, "warning": 0, "error": 1, "skipped": 1}
    assert not wizard.next_button.isEnabled()
    model = page.model
    bad = next(r for r in range(model.rowCount()) if row_category(model.row_at(r)) == "error")
    quantity = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Quantity"
    )
    assert "~3M" in str(
        model.index(bad, quantity).data(Qt.ItemDataRole.ToolTipRole)
    )  # tooltip: reason and raw value
    target = tmp_path / "problems.xlsx"
    page.save_error_workbook(target)
    wait_idle(qtbot, wizard)
    book = load_workbook(target, read_only=True)
    header = next(book["Import"].iter_rows(max_row=1, values_only=True))
    book.close()
    assert "Problems" in header
    page.skip_box.setChecked(True)
    assert wizard.next_button.isEnabled()
    assert wizard.next_button.text() == "Import 1 row"
    advance(qtbot, wizard, "result")
    assert empty_session.workspace.count(BomLine) == 1


def test_the_header_row_and_mapping_can_be_corrected(
    tmp_path: Path, make_wizard: Callable[[Path], ImportWizard], qtbot: QtBot
) -> None:
    source = tmp_path / "odd.csv"
    source.write_text(
        "Magnet order list,,\n,,\nItem,Amount,Remark\nN42 ring magnet 10x5x3 mm,6,x\n",
        encoding="utf-8",
    )
    wizard = make_wizard(source)
    advance(qtbot, wizard, "table")
    table = wizard.page("table")
    assert isinstance(table, TablePage)
    assert table.model.role_of(0).startswith("Skipped")
    table.set_header_row(2)
    wait_idle(qtbot, wizard)
    guess = wizard.state.guess
    assert guess is not None
    assert guess.header_row == 2
    assert list(guess.data_rows()) == [3]
    advance(qtbot, wizard, "mapping")
    mapping_page = wizard.page("mapping")
    assert isinstance(mapping_page, MappingPage)
    mapping = wizard.state.mapping
    assert mapping is not None
    assert mapping.matches[1].field == "quantity"  # "Amount", recognised
    mapping_page.choose_field(1, "ignore")
    assert "Quantity" in mapping_page.missing.text()
    assert not wizard.next_button.isEnabled()
    mapping_page.choose_field(2, "quantity")  # the user's choice wins, even a wrong one
    assert mapping.matches[2].origin == "user"
    mapping_page.choose_field(2, "note")
    mapping_page.choose_field(1, "quantity")
    assert wizard.state.overrides == {1: "quantity", 2: "note"}
    assert mapping.matches[1].origin == "user"
    assert wizard.next_button.isEnabled()


def test_models_pass_the_model_tester(
    corpus: Path,
    make_wizard: Callable[[Path], ImportWizard],
    qtbot: QtBot,
    qtmodeltester: ModelChecker,
) -> None:
    wizard = make_wizard(corpus / VORON)
    advance(qtbot, wizard, "preview")
    for page in wizard.pages:
        model = getattr(page, "model", None)
        if model is not None:
            assert isinstance(model, SheetRowsModel | MappingModel | PreviewModel)
            qtmodeltester.check(model)


def test_dropping_a_spreadsheet_opens_the_wizard_and_file_import_exists(
    corpus: Path,
    make_main_window: Callable[[], MainWindow],
    sample_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    opened: list[ImportWizard] = []

    def record(wizard: ImportWizard) -> None:
        opened.append(wizard)

    monkeypatch.setattr(ImportWizard, "open", record)
    window = make_main_window()
    action = window.actions_by_name["import"]
    assert action.text() == "&Import…"
    assert action.shortcut().toString() == "Ctrl+I"
    assert window.open_workspace(sample_path)
    window.handle_dropped([corpus / "boms" / "fractal5pro_BOM.xlsx"])
    (wizard,) = opened
    assert wizard.state.path == corpus / "boms" / "fractal5pro_BOM.xlsx"
    assert wizard.undo_stack is window.undo_stack
    wait_idle(qtbot, wizard)
    wizard.reject()
    action.trigger()
    assert len(opened) == 2
    assert opened[1].state.path is None
    opened[1].reject()


def test_without_a_workspace_the_import_explains_what_to_do(
    make_main_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: seen.append(text))
    window = make_main_window()
    window.handle_dropped([Path("bom.xlsx")])
    assert "bom.xlsx" in seen[0]
    assert "import wizard" in seen[0]


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        ("bom", ["Item", "Description", "Qty"]),
        ("parts", ["Part number", "Grade", "Dimensions", "Coating", "Unit price"]),
        ("build-plan", ["Product", "Jan 2027", "Feb 2027", "Mar 2027"]),
        ("stock", ["Part number", "On hand", "Safety stock", "Counted on"]),
        ("orders", ["PO number", "Part number", "Supplier", "Quantity", "ETA"]),
        ("licences", ["Licence number", "Supplier", "Status", "Valid until"]),
        ("suppliers", ["Supplier", "Country", "MOQ", "Lead time"]),
    ],
)
def test_the_kind_is_guessed_from_the_headers(kind: str, headers: list[str]) -> None:
    rows: list[list[object]] = [list(headers), ["x"] * len(headers), ["y"] * len(headers)]
    guessed, why = guess_kind(rows, guess_table(rows, header_row=0))
    assert guessed == kind
    assert why.startswith("guessed from the headers")


def test_headers_that_name_nothing_guess_no_kind() -> None:
    rows: list[list[object]] = [["Foo", "Bar"], ["1", "2"]]
    assert guess_kind(rows, guess_table(rows, header_row=0)) == (None, "")


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_read_error_names_file_sheet_and_category(category: Category) -> None:
    message = describe_read_error(ReadError(category, Path("/x/budget.xlsx"), "Q3"))
    assert message.startswith("budget.xlsx, sheet “Q3” ")
    assert f"({CATEGORY_LABELS[category]})" in message


def test_hidden_sheets_are_listed_unticked_and_another_sheet_can_be_read(
    tmp_path: Path, make_wizard: Callable[[Path], ImportWizard], qtbot: QtBot
) -> None:
    import xlsxwriter

    path = tmp_path / "rotor.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Rotor BOM").write_row(0, 0, ["Description", "Qty"])
    book.get_worksheet_by_name("Rotor BOM").write_row(1, 0, ["Disc magnet 10x3 mm N52", 4])
    hidden = book.add_worksheet("Old prices")
    hidden.write_row(0, 0, ["Description", "Qty"])
    hidden.write_row(1, 0, ["Ring magnet 10x5x3 mm N42", 6])
    hidden.hide()
    book.close()
    wizard = make_wizard(path)
    advance(qtbot, wizard, "sheet")
    page = wizard.page("sheet")
    assert isinstance(page, SheetPage)
    items = [page.sheets.topLevelItem(i) for i in range(page.sheets.topLevelItemCount())]
    ticked = {i.text(0): i.checkState(0) == Qt.CheckState.Checked for i in items if i}
    assert ticked == {"Rotor BOM": True, "Old prices": False}
    assert "hidden" in next(i.text(3) for i in items if i and i.text(0) == "Old prices")
    page.choose_sheet("Old prices")
    advance(qtbot, wizard, "preview")
    (row,) = preview_rows(wizard)
    assert row.value("quantity") == 6


def test_a_missing_file_is_named(
    tmp_path: Path, make_wizard: Callable[[Path], ImportWizard]
) -> None:
    wizard = make_wizard(tmp_path / "gone.xlsx")
    assert wizard.error_text().startswith("gone.xlsx was not found")
    assert not wizard.next_button.isEnabled()
