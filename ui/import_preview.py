"""The import wizard's check step: every row as ok, warning or error, with a reason per cell."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.importing.error_workbook import write_error_workbook
from planner.importing.field_specs import KIND_FIELDS
from planner.importing.mapping import field_label
from planner.importing.table import cell_text

from ui.import_pages import StepPage, hint_label
from ui.import_steps import Checked, check_and_sort, row_category
from ui.resources import icon
from ui.roles import StatusRole

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.importing.validate import ImportPreview, RowResult

    from ui.import_wizard import ImportWizard

    AnyIndex = QModelIndex | QPersistentModelIndex

CATEGORIES = ("ok", "warning", "error", "skipped")
CATEGORY_LABELS = {"ok": "OK", "warning": "Warnings", "error": "Errors", "skipped": "Skipped"}
_ICONS = {"ok": "not-required", "warning": "warning", "error": "error", "skipped": "info"}
_CELL_COLOURS = {"error": "#f8c9c4", "warning": "#fff2b3"}
_GREY = "#8a8f98"
_MAGNET = "#1f6f43"  # a recognised magnet stands out among the skipped lines
_DISPLAY = Qt.ItemDataRole.DisplayRole


def format_value(value: object) -> str:
    """Return a parsed value as a buyer reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def magnet_text(row: RowResult) -> str:
    """Return what a BOM line says about a magnet: family, grade, shape, size and mass."""
    guess = row.magnet
    if row.action == "skip":
        if guess is not None and guess.contains_magnets:
            return "contains magnets: skipped"
        return "not a magnet: skipped"
    if row.new_part is None:
        return f"existing part {row.key}" if row.key else ""
    from planner.families import Family, family_info

    part = row.new_part
    bits = [family_info(Family(part["family"])).label] if part.get("family") else []
    bits += [str(part[name]) for name in ("grade", "dimensions") if part.get(name)]
    if guess is not None and guess.mass_g is not None:
        bits.append(f"{guess.mass_g:.3g} g ({guess.mass_origin})")
    return "✓ " + " · ".join(bits)


class PreviewModel(QAbstractTableModel):
    """The validated rows: sheet row, status, magnet (BOM), one column per field, messages.

    The model filters by category itself, from index lists made on the worker thread:
    a QSortFilterProxyModel would call filterAcceptsRow in Python for every one of up to
    a million rows on each change, freezing the window for seconds (bench import_pipeline).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview: ImportPreview | None = None
        self._checked: Checked | None = None
        self._shown: list[int] | None = None  # indices into preview.rows; None: all
        self._cells: Sequence[Sequence[object]] = []
        self._fields: list[tuple[str, str, int | None]] = []  # (field, label, sheet column)
        self._lead: list[str] = []

    def set_preview(self, checked: Checked, cells: Sequence[Sequence[object]]) -> None:
        """Show checked rows; `cells` are the sheet's cells (for the values as typed)."""
        self.beginResetModel()
        preview = checked.preview
        self.preview, self._checked, self._cells, self._shown = preview, checked, cells, None
        mapping = preview.mapping
        by_field = {m.field: c for c, m in mapping.matches.items()}
        self._fields = [
            (name, field_label(name), by_field[name])
            for name in KIND_FIELDS[preview.kind]
            if name in by_field
        ]
        for column, period in sorted(mapping.periods.items(), key=lambda item: item[1]):
            self._fields.append((period.isoformat(), f"{period:%b %Y}", column))
        self._lead = ["Row", "Status"] + (["Magnet?"] if preview.kind == "bom" else [])
        self.endResetModel()

    def show_only(self, wanted: str | None) -> None:
        """Show the rows of one category (ok, warning, error, skipped), or all for None."""
        self.beginResetModel()
        found = self._checked.by_category.get(wanted) if self._checked and wanted else None
        self._shown = None if wanted is None else (found or [])
        self.endResetModel()

    def row_at(self, row: int) -> RowResult:
        """Return the row result on a line."""
        assert self.preview is not None
        return self.preview.rows[row if self._shown is None else self._shown[row]]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        if parent.isValid() or self.preview is None:
            return 0
        return len(self.preview.rows) if self._shown is None else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(self._lead) + len(self._fields) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        if section < len(self._lead):
            return self._lead[section]
        section -= len(self._lead)
        return self._fields[section][1] if section < len(self._fields) else "Messages"

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if not index.isValid() or self.preview is None:
            return None
        result = self.row_at(index.row())
        kind = row_category(result)
        if role == StatusRole:
            return kind
        section = index.column()
        if section < len(self._lead):
            return self._lead_data(self._lead[section], result, kind, role)
        section -= len(self._lead)
        if section < len(self._fields):
            return self._field_data(self._fields[section], result, kind, role)
        if role in {_DISPLAY, Qt.ItemDataRole.ToolTipRole}:
            return "; ".join(result.problems() if result.status != "ok" else result.messages)
        return self._grey(kind, role)

    def _lead_data(self, name: str, result: RowResult, kind: str, role: int) -> Any:
        if name == "Row":
            if role == _DISPLAY:
                return str(result.source_row + 1)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif name == "Status":
            if role == _DISPLAY:
                return {"ok": "OK", "skipped": "Skipped"}.get(kind, kind.capitalize())
            if role == Qt.ItemDataRole.DecorationRole:
                return icon(_ICONS[kind])
        elif role == _DISPLAY:
            return magnet_text(result)
        elif role == Qt.ItemDataRole.ForegroundRole and result.new_part is not None:
            return QBrush(QColor(_MAGNET))
        elif role == Qt.ItemDataRole.ToolTipRole and result.magnet is not None:
            return f"{magnet_text(result)}\n{'; '.join(result.magnet.reasons)}"
        return self._grey(kind, role)

    def _field_data(
        self, spec: tuple[str, str, int | None], result: RowResult, kind: str, role: int
    ) -> Any:
        name, _, column = spec
        cell = result.cells.get(name)
        status = cell.status if cell is not None else "ok"
        if role == _DISPLAY:
            if cell is not None and cell.value is not None:
                return format_value(cell.value)
            return self._raw(result, column)
        if role == Qt.ItemDataRole.ToolTipRole and cell is not None and cell.reason:
            raw = self._raw(result, column)
            return f"{cell.reason}\nIn the file: {raw!r}" if raw else cell.reason
        if role == Qt.ItemDataRole.BackgroundRole and status in _CELL_COLOURS:
            return QBrush(QColor(_CELL_COLOURS[status]))
        return self._grey(kind, role)

    def _raw(self, result: RowResult, column: int | None) -> str:
        if column is None:
            return ""
        cells = self._cells[result.source_row]
        return cell_text(cells[column]) if column < len(cells) else ""

    @staticmethod
    def _grey(kind: str, role: int) -> Any:
        if kind != "skipped":
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(_GREY))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        return None


class PreviewPage(StepPage):
    """Every row checked before anything is written, with counts, filters and exports."""

    key, step_name = "preview", "Check"
    title = "Check the rows before importing"
    subtitle = (
        "Nothing is written yet. Hover a coloured cell to read why; fix the file with the "
        "error workbook, or import the good rows and skip the rest."
    )

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.model = PreviewModel(self)
        self.checked: Checked | None = None
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.horizontalHeader().setResizeContentsPrecision(60)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.filters = QButtonGroup(self)
        self.filter_buttons: dict[str | None, QToolButton] = {}
        self.notes = hint_label()
        self.skip_box = QCheckBox("Import the good rows and skip the rows with errors")
        self.skip_box.toggled.connect(self._on_skip_box_toggled)
        self.workbook_button = QPushButton(icon("export"), "Save error workbook…")
        self.workbook_button.clicked.connect(self._on_workbook_button_clicked)
        self.blocked = QLabel()
        self.blocked.setWordWrap(True)
        self._build()

    def _build(self) -> None:
        bar = QHBoxLayout()
        for wanted in (None, *CATEGORIES):
            button = QToolButton()
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            if wanted is not None:
                button.setIcon(icon(_ICONS[wanted]))
            button.clicked.connect(partial(self.show_only, wanted))
            self.filters.addButton(button)
            self.filter_buttons[wanted] = button
            bar.addWidget(button)
        self.filter_buttons[None].setChecked(True)
        bar.addStretch(1)
        bar.addWidget(self.workbook_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_box)
        bottom.addWidget(self.blocked, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notes)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def enter(self) -> None:
        """Reimplemented from StepPage.enter: validate the rows unless nothing changed."""
        state = self.state
        if state.preview is None or self.checked is None:
            self.checked = None
            step = partial(check_and_sort, state, self.wizard.session.workspace)
            self.wizard.runner.run("Checking rows…", step, self._on_checked)
        else:
            self._show()

    def _on_checked(self, checked: Checked) -> None:
        self.state.preview, self.checked = checked.preview, checked
        self._show()
        self.ready_changed.emit()

    @property
    def counts(self) -> dict[str, int]:
        """Rows per category (ok, warning, error, skipped); empty before the check."""
        checked = self.checked
        return {c: checked.count(c) for c in CATEGORIES} if checked is not None else {}

    def _show(self) -> None:
        checked = self.checked
        assert checked is not None
        preview = checked.preview
        self.model.set_preview(checked, self.state.rows)
        total = len(preview.rows)
        for wanted, button in self.filter_buttons.items():
            label = "All" if wanted is None else CATEGORY_LABELS[wanted]
            count = total if wanted is None else self.counts[wanted]
            button.setText(f"{label}  {count:,}")
            button.setEnabled(wanted is None or count > 0)
        self.show_only(None)
        self.filter_buttons[None].setChecked(True)
        notes = [self._headline(), *preview.notes[:4]]
        if len(preview.notes) > 4:
            notes.append(f"… and {len(preview.notes) - 4} more notes")
        self.notes.setText("\n".join(notes))
        self.skip_box.setEnabled(self.counts["error"] > 0)
        self.skip_box.setChecked(self.state.skip_errors and self.counts["error"] > 0)
        self._size_columns()
        self._explain()

    def _headline(self) -> str:
        counts = self.counts
        good = counts["ok"] + counts["warning"]
        text = f"{good:,} row{'s' if good != 1 else ''} can be imported"
        if counts["error"]:
            text += f", {counts['error']:,} have errors"
        if counts["skipped"]:
            why = "not magnets" if self.state.kind == "bom" else "the same as another row"
            text += f"; {counts['skipped']:,} are skipped ({why})"
        return text + "."

    def _size_columns(self) -> None:
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(240, self.view.columnWidth(column) + 8))

    def show_only(self, wanted: str | None, *_: object) -> None:
        """Filter the rows by category (None shows all)."""
        self.model.show_only(wanted)
        self.filter_buttons[wanted].setChecked(True)

    def rows_to_write(self) -> int:
        """Return how many rows the import would write."""
        counts = self.counts
        if not counts or (counts["error"] and not self.state.skip_errors):
            return 0
        return counts["ok"] + counts["warning"]

    def _explain(self) -> None:
        errors = self.counts.get("error", 0)
        if self.state.preview is not None and errors and not self.state.skip_errors:
            text = (
                f"{errors:,} row(s) have errors: nothing is imported until they are fixed "
                "(save the error workbook, fix, import again) or skipped."
            )
        elif self.state.preview is not None and not self.rows_to_write():
            text = "No row to import."
        else:
            text = ""
        self.blocked.setText(text)
        self.blocked.setStyleSheet("color: #b3261e;" if text else "")

    @Slot(bool)
    def _on_skip_box_toggled(self, checked: bool) -> None:
        self.state.skip_errors = checked
        self._explain()
        self.ready_changed.emit()

    @Slot()
    def _on_workbook_button_clicked(self) -> None:
        path = self.state.path
        start = str(path.with_name(f"{path.stem} - problems.xlsx")) if path else ""
        name, _ = QFileDialog.getSaveFileName(
            self, "Save error workbook", start, "Excel workbook (*.xlsx)"
        )
        if name:
            self.save_error_workbook(Path(name if name.endswith(".xlsx") else name + ".xlsx"))

    def save_error_workbook(self, target: Path) -> None:
        """Write the rows with a Problems column and marked cells (in the background)."""
        preview, rows = self.state.preview, self.state.rows
        assert preview is not None

        def write(_progress: object, _cancel: object) -> Path:
            return write_error_workbook(target, rows, preview)

        self.wizard.runner.run("Writing the error workbook…", write, self._on_workbook_written)

    def _on_workbook_written(self, target: Path) -> None:
        self.blocked.setStyleSheet("")
        self.blocked.setText(f"Error workbook saved: {target}")

    def is_ready(self) -> bool:
        """Reimplemented from StepPage.is_ready: rows to write and no unskipped errors."""
        return self.rows_to_write() > 0

    def next_text(self) -> str:
        """Reimplemented from StepPage.next_text."""
        count = self.rows_to_write()
        return f"Import {count:,} row{'s' if count != 1 else ''}" if count else "Import"
