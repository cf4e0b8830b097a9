"""The import wizard's table step (header row and extent) and columns step (the mapping)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from planner.importing.table import column_letter

from ui.import_models import (
    SHOWN_ROWS,
    ConfidenceDelegate,
    FieldDelegate,
    MappingModel,
    SheetRowsModel,
)
from ui.import_pages import StepPage, hint_label
from ui.import_state import TableChoice
from ui.import_steps import build_mapping, find_table, load_sheet
from ui.resources import STATUS_COLORS, icon

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.importing import SheetData
    from planner.importing.mapping import ColumnMapping
    from planner.importing.table import TableGuess
    from planner.workspace import Workspace

    from ui.import_wizard import ImportWizard


class TablePage(StepPage):
    """The top of the sheet with the header row and the data rows found; all adjustable."""

    key, step_name = "table", "Table"
    title = "Check where the table is"
    subtitle = (
        "The header row is highlighted and skipped rows are greyed with the reason. "
        "Right-click a row, or use the row numbers below, to change the header or extent."
    )

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.model = SheetRowsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setDefaultSectionSize(110)
        # Widths from the first 60 rows: measuring all 200 shown took ~35 ms of the GUI
        # thread on entering the step, the longest pause of a 500,000-row import.
        self.view.horizontalHeader().setResizeContentsPrecision(60)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.notes = hint_label()
        self.header_spin = self._spin("none", self._on_header_spin_changed)
        self.first_spin = self._spin("", self._on_extent_spin_changed)
        self.last_spin = self._spin("", self._on_extent_spin_changed)
        self.header_button = QPushButton("Selected row is the header")
        self.header_button.clicked.connect(self._on_header_button_clicked)
        self.detect_button = QPushButton("Detect again")
        self.detect_button.clicked.connect(self.detect_again)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self.refind)
        controls = QHBoxLayout()
        for text, widget in (
            ("Header row", self.header_spin),
            ("Data from row", self.first_spin),
            ("to row", self.last_spin),
        ):
            controls.addWidget(QLabel(text))
            controls.addWidget(widget)
            controls.addSpacing(8)
        controls.addWidget(self.header_button)
        controls.addWidget(self.detect_button)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)

    def _spin(self, special: str, slot: object) -> QSpinBox:
        spin = QSpinBox()
        spin.setMinimum(0 if special else 1)
        spin.setSpecialValueText(special)
        spin.setMinimumWidth(90)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(slot)
        return spin

    # -- long work ---------------------------------------------------------------------

    def enter(self) -> None:
        """Reimplemented from StepPage.enter: read the sheet and find the table if needed."""
        state = self.state
        name = state.sheet or ""
        if name not in state.sheets and state.path is not None and state.info is not None:
            expected = next((s.rows for s in state.info.sheets if s.name == name), 0)
            step = partial(load_sheet, state.path, name, expected)
            self.wizard.runner.run(f"Reading sheet “{name}”…", step, self._on_sheet_read)
        elif state.guess is None and state.rows:
            self.refind()
        else:
            self._show()

    def _on_sheet_read(self, result: tuple[SheetData, TableGuess]) -> None:
        data, guess = result
        self.state.sheets[data.name] = data
        self._take(guess)

    @Slot()
    def refind(self) -> None:
        """Find the table again with the header row and extent set (in the background)."""
        if self.wizard.busy:
            self._debounce.start()
            return
        step = partial(_find, self.state.rows, self.state.choice)
        self.wizard.runner.run("Finding the table…", step, self._take)

    def _take(self, guess: TableGuess) -> None:
        self.state.guess = guess
        self.state.mapping = self.state.preview = None
        self._show()
        self.ready_changed.emit()

    # -- showing -----------------------------------------------------------------------

    def _show(self) -> None:
        state, guess = self.state, self.state.guess
        rows = state.rows
        self.model.set_table(rows, guess)
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            width = self.view.columnWidth(column)
            self.view.setColumnWidth(column, min(260 if column == 0 else 220, max(60, width)))
        for spin in (self.header_spin, self.first_spin, self.last_spin):
            spin.blockSignals(True)
            spin.setMaximum(max(1, len(rows)))
        if guess is not None:
            self.header_spin.setValue(0 if guess.header_row is None else guess.header_row + 1)
            self.first_spin.setValue(guess.first_data_row + 1)
            self.last_spin.setValue(max(guess.first_data_row, guess.last_data_row) + 1)
        for spin in (self.header_spin, self.first_spin, self.last_spin):
            spin.blockSignals(False)
        self.summary.setText(_summary(guess, len(rows)))
        data = state.sheets.get(state.sheet or "")
        notes = [str(notice) for notice in data.notices][:3] if data is not None else []
        notes += list(guess.notes) if guess is not None else []
        if len(rows) > SHOWN_ROWS:
            notes.append(f"showing the first {SHOWN_ROWS} of {len(rows):,} rows")
        self.notes.setText("; ".join(notes))
        self.notes.setVisible(bool(notes))

    # -- user changes ------------------------------------------------------------------

    def set_header_row(self, row: int | None) -> None:
        """Make a sheet row (0-based) the header, or say there is none; data follows it."""
        self.state.choice = TableChoice(header_row=row, no_header=row is None)
        self.refind()

    def set_extent(self, first: int | None = None, last: int | None = None) -> None:
        """Set the first and/or last data row (0-based), keeping the header."""
        choice = self.state.choice
        guess = self.state.guess
        if guess is not None and choice.header_row is None and not choice.no_header:
            choice.header_row = guess.header_row
        if first is not None:
            choice.first_data_row = first
        if last is not None:
            choice.last_data_row = last
        self.refind()

    @Slot()
    def detect_again(self) -> None:
        """Forget the user's header and extent and let the detection decide."""
        self.state.choice = TableChoice()
        self.refind()

    @Slot(int)
    def _on_header_spin_changed(self, value: int) -> None:
        self.state.choice = TableChoice(header_row=value - 1 if value else None,
                                        no_header=value == 0)  # fmt: skip
        self._debounce.start()

    @Slot(int)
    def _on_extent_spin_changed(self, _: int) -> None:
        choice = self.state.choice
        guess = self.state.guess
        if guess is not None and choice.header_row is None and not choice.no_header:
            choice.header_row = guess.header_row
        choice.first_data_row = self.first_spin.value() - 1
        choice.last_data_row = self.last_spin.value() - 1
        self._debounce.start()

    @Slot()
    def _on_header_button_clicked(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.set_header_row(rows[0].row())

    @Slot(QPoint)
    def _on_view_context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        row = index.row()
        menu = QMenu(self)
        menu.addAction(f"Use row {row + 1} as the header", lambda: self.set_header_row(row))
        menu.addAction(f"Data starts at row {row + 1}", lambda: self.set_extent(first=row))
        menu.addAction(f"Data ends at row {row + 1}", lambda: self.set_extent(last=row))
        menu.addSeparator()
        menu.addAction("The sheet has no header row", lambda: self.set_header_row(None))
        menu.exec(self.view.viewport().mapToGlobal(point))

    def is_ready(self) -> bool:
        """Reimplemented from StepPage.is_ready: a table with data rows."""
        guess = self.state.guess
        return guess is not None and guess.data_count() > 0


def _find(rows: object, choice: TableChoice, progress: object, cancel: object) -> TableGuess:
    del progress, cancel  # guess_table has no progress of its own: the bar shows "busy"
    return find_table(rows, choice)  # type: ignore[arg-type]


def _map(
    rows: Sequence[Sequence[object]],
    guess: TableGuess,
    kind: str,
    overrides: dict[int, str],
    workspace: Workspace,
    progress: object,
    cancel: object,
) -> ColumnMapping:
    del progress, cancel  # quick: the bar shows "busy"
    return build_mapping(rows, guess, kind, overrides, workspace)


def _summary(guess: TableGuess | None, total: int) -> str:
    if guess is None:
        return ""
    header = "none" if guess.header_row is None else f"row {guess.header_row + 1}"
    count = guess.data_count()
    columns = guess.columns
    span = f"{column_letter(columns[0])}–{column_letter(columns[-1])}" if columns else "none"
    return (
        f"<b>Header:</b> {header} &nbsp;·&nbsp; <b>Data:</b> rows {guess.first_data_row + 1}"
        f"–{guess.last_data_row + 1} of {total:,}: <b>{count:,}</b> to read, "
        f"{len(guess.skipped_rows):,} skipped &nbsp;·&nbsp; <b>Columns:</b> {span} "
        f"({len(columns)}) &nbsp;·&nbsp; {guess.confidence:.0%} sure"
    )


class MappingPage(StepPage):
    """One line per source column: what it holds, how sure, and where that came from."""

    key, step_name = "mapping", "Columns"
    title = "Match the columns to fields"
    subtitle = (
        "Pick what each column holds, or leave it not imported. Required fields are starred; "
        "units in headers such as “Mass (kg)” or “Price (EUR)” are converted."
    )

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.model = MappingModel(self)
        self.model.field_chosen.connect(self._on_field_chosen)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(32)
        self.view.setWordWrap(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setItemDelegateForColumn(MappingModel.CONFIDENCE, ConfidenceDelegate(self))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.profile_note = QLabel()
        self.profile_note.setWordWrap(True)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet(f"color: {STATUS_COLORS['error']}; font-weight: bold;")
        self.remember_box = QCheckBox("Remember this mapping for files with the same columns")
        self.remember_box.setChecked(self.state.remember_mapping)
        self.remember_box.toggled.connect(self._on_remember_toggled)
        note_row = QHBoxLayout()
        self.profile_icon = QLabel()
        self.profile_icon.setPixmap(icon("info").pixmap(QSize(16, 16)))
        note_row.addWidget(self.profile_icon)
        note_row.addWidget(self.profile_note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(note_row)
        layout.addWidget(self.missing)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.remember_box)

    def enter(self) -> None:
        """Reimplemented from StepPage.enter: map the columns (saved mapping first)."""
        state = self.state
        assert state.guess is not None
        if state.mapping is None or state.mapping.kind != state.kind:
            ws = self.wizard.session.workspace
            step = partial(_map, state.rows, state.guess, state.kind, dict(state.overrides), ws)
            self.model.clear()
            self.wizard.runner.run("Matching the columns…", step, self._on_mapped)
        else:
            self._show()

    def _on_mapped(self, mapping: ColumnMapping) -> None:
        self.state.mapping = mapping
        self._show()
        self.ready_changed.emit()

    def _show(self) -> None:
        state = self.state
        assert state.guess is not None
        assert state.mapping is not None
        self.view.setItemDelegateForColumn(MappingModel.FIELD, FieldDelegate(state.kind, self))
        self.model.set_mapping(state.mapping, state.rows, state.guess)
        for row in range(self.model.rowCount()):
            self.view.openPersistentEditor(self.model.index(row, MappingModel.FIELD))
        for column in (0, 1, 4, 5):
            self.view.resizeColumnToContents(column)
        self.view.setColumnWidth(1, min(260, self.view.columnWidth(1)))
        self.view.setColumnWidth(MappingModel.FIELD, 230)
        self.view.setColumnWidth(MappingModel.CONFIDENCE, 120)
        self._show_notes()

    def _show_notes(self) -> None:
        mapping = self.state.mapping
        assert mapping is not None
        profile = mapping.from_profile
        self.profile_note.setText(
            "Using the saved mapping for this layout of columns (from an earlier import); "
            "change any line to override it."
            if profile
            else "Matched by header names and by the values in each column."
        )
        missing = mapping.missing()
        self.missing.setText(
            f"Required: choose the column that holds {', '.join(missing)}." if missing else ""
        )
        self.missing.setVisible(bool(missing))

    def choose_field(self, column: int, name: str) -> None:
        """Map a sheet column (0-based) to a field, or "ignore", as the combo would."""
        row = next(r for r in range(self.model.rowCount()) if self.model.column_at(r) == column)
        self.model.setData(self.model.index(row, MappingModel.FIELD), name)

    @Slot(int, str)
    def _on_field_chosen(self, column: int, name: str) -> None:
        overrides = self.state.overrides
        if name != "ignore":
            for other in [c for c, n in overrides.items() if n == name and c != column]:
                overrides[other] = "ignore"
        overrides[column] = name
        self.state.preview = None
        self._show_notes()
        self.ready_changed.emit()

    @Slot(bool)
    def _on_remember_toggled(self, checked: bool) -> None:
        self.state.remember_mapping = checked

    def is_ready(self) -> bool:
        """Reimplemented from StepPage.is_ready: every required field has a column."""
        mapping = self.state.mapping
        return mapping is not None and not mapping.missing()
