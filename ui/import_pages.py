"""The import wizard's file, sheet and result steps, and the base class of every step."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.importing.validate import MODES
from planner.schema import Product

from ui.import_state import KIND_LABELS, MODE_LABELS, ImportState, mode_help
from ui.import_steps import load_file
from ui.resources import icon

if TYPE_CHECKING:
    from ui.import_steps import Loaded
    from ui.import_wizard import ImportWizard

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.tsv *.txt);;All files (*)"
_MAX_NOTICES = 60


def hint_label(text: str = "") -> QLabel:
    """Return a wrapped, muted label for explanations under a control."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def _stacked(top: QWidget | QHBoxLayout, hint: QLabel) -> QWidget:
    """Return a form field: a control (or a row of them) with its hint just below."""
    box = QWidget()
    box.setMinimumWidth(640)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    if isinstance(top, QHBoxLayout):
        layout.addLayout(top)
    else:
        layout.addWidget(top, 0, Qt.AlignmentFlag.AlignLeft)
    layout.addWidget(hint)
    return box


class StepPage(QWidget):
    """One step of the wizard; the wizard calls `enter` when it comes on screen.

    Signals:
        ready_changed: Whether Next is possible may have changed.
    """

    ready_changed = Signal()
    key = ""
    step_name = ""
    title = ""
    subtitle = ""
    usable_while_busy = False

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard = wizard

    @property
    def state(self) -> ImportState:
        """The wizard's state."""
        return self.wizard.state

    def enter(self) -> None:
        """Show the state; start the step's long work when it is not done yet."""

    def leave(self) -> None:
        """Keep what the user set before the wizard moves on."""

    def is_ready(self) -> bool:
        """Whether Next is possible."""
        return True

    def can_go_back(self) -> bool:
        """Whether Back is possible."""
        return True

    def next_text(self) -> str:
        """The text of the Next button on this step."""
        return "Next >"


class FilePage(StepPage):
    """The file, what it holds (kind), the product of a BOM and the import mode."""

    key, step_name = "file", "File"
    title = "Choose the file and what it holds"
    subtitle = (
        "Any layout works: no template needed. The wizard finds the table and the columns, "
        "and you can correct both."
    )
    usable_while_busy = True

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._kind_touched = False
        self._default_product = ""
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Choose an .xlsx, .xls, .ods or .csv file…")
        self.path_edit.returnPressed.connect(self._on_path_edit_return_pressed)
        self.browse_button = QPushButton(icon("open"), "Browse…")
        self.browse_button.clicked.connect(self.browse)
        self.file_status = hint_label()
        self.kind_combo = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.kind_hint = hint_label()
        self.product_combo = QComboBox()
        self.product_combo.setEditable(True)
        self.product_combo.setMinimumWidth(320)
        self.product_combo.editTextChanged.connect(self._on_product_changed)
        self.product_hint = hint_label(
            "The BOM lines go under this product; it is created when it does not exist."
        )
        self.mode_group = QButtonGroup(self)
        self.mode_hint = hint_label()
        self._build()
        wizard.runner.busy_changed.connect(self._on_runner_busy_changed)
        self._sync_kind()

    def _build(self) -> None:
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        modes = QHBoxLayout()
        for mode in MODES:
            button = QRadioButton(MODE_LABELS[mode])
            button.setProperty("mode", mode)
            self.mode_group.addButton(button)
            modes.addWidget(button)
            button.setChecked(mode == self.state.mode)
        modes.addStretch(1)
        self.mode_group.buttonToggled.connect(self._on_mode_toggled)
        self.kind_combo.setMinimumWidth(320)
        self.product_box = _stacked(self.product_combo, self.product_hint)
        form = QFormLayout(self)
        form.setContentsMargins(0, 8, 0, 0)
        form.setVerticalSpacing(16)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("File:", _stacked(path_row, self.file_status))
        form.addRow("Import as:", _stacked(self.kind_combo, self.kind_hint))
        form.addRow("Product:", self.product_box)
        self.product_row_label = form.labelForField(self.product_box)
        form.addRow("Mode:", _stacked(modes, self.mode_hint))

    # -- choosing a file ---------------------------------------------------------------

    @Slot()
    def browse(self) -> None:
        """Ask for a file and read it."""
        start = str(self.state.path.parent) if self.state.path is not None else ""
        name, _ = QFileDialog.getOpenFileName(self, "Import a spreadsheet", start, FILE_FILTER)
        if name:
            self.set_path(Path(name))

    @Slot()
    def _on_path_edit_return_pressed(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.set_path(Path(text))

    def set_path(self, path: Path) -> None:
        """Read `path` in the background: its sheets, the first sheet, the table in it."""
        if self.wizard.busy:
            return
        self.path_edit.setText(str(path))
        self.state.path = path
        self.state.forget_file()
        self.file_status.setText("")
        self.ready_changed.emit()
        if not path.is_file():
            self.wizard.show_error(
                f"{path.name} was not found: check the folder and the name, "
                "or choose the file with Browse…"
            )
            return
        self.wizard.show_error("")
        if not self._product_touched():
            self._default_product = path.stem
            self.product_combo.setEditText(path.stem)
        self.wizard.runner.run(
            f"Reading {path.name}…", partial(load_file, path), self._on_loaded
        )
        self.ready_changed.emit()

    def _product_touched(self) -> bool:
        text = self.product_combo.currentText().strip()
        return bool(text) and text != self._default_product

    def _on_loaded(self, loaded: Loaded) -> None:
        state = self.state
        state.info, state.sheet, state.guess = loaded.info, loaded.data.name, loaded.guess
        state.sheets[loaded.data.name] = loaded.data
        if loaded.kind is not None and not self._kind_touched:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(loaded.kind))
            self._kind_touched = False
            self.kind_hint.setText(f"“{KIND_LABELS[loaded.kind]}”: {loaded.why}.")
        info = loaded.info
        visible = [s for s in info.sheets if not s.hidden]
        sheet = next((s for s in info.sheets if s.name == loaded.data.name), None)
        columns = sheet.columns if sheet is not None else 0
        extent = f"{len(loaded.data.rows):,} rows × {columns:,} columns"
        parts = [f"{info.kind.upper()} file", extent]
        if info.kind != "csv":
            parts.insert(1, f"{len(visible)} visible sheet(s) of {len(info.sheets)}")
        else:
            parts.append(f"encoding {info.encoding}, delimiter “{info.delimiter}”")
        self.file_status.setText(" · ".join(parts))
        self.ready_changed.emit()

    # -- kind, product, mode -----------------------------------------------------------

    def _sync_kind(self) -> None:
        kind = self.state.kind
        bom = kind == "bom"
        self.product_box.setVisible(bom)
        if self.product_row_label is not None:
            self.product_row_label.setVisible(bom)
        self.mode_hint.setText(mode_help(kind, self.state.mode))
        if bom and self.product_combo.count() == 0:
            names = sorted(p.name for p in self.wizard.session.workspace.all(Product))
            text = self.product_combo.currentText()
            self.product_combo.addItems(names)
            self.product_combo.setEditText(text)

    @Slot(int)
    def _on_kind_combo_changed(self, _: int) -> None:
        kind = str(self.kind_combo.currentData())
        if kind != self.state.kind:
            self._kind_touched = True
            self.kind_hint.setText("")
            self.state.kind = kind
            self.state.mapping = self.state.preview = None
            self.state.overrides = {}
        self._sync_kind()
        self.ready_changed.emit()

    @Slot(str)
    def _on_product_changed(self, text: str) -> None:
        self.state.product = text.strip()
        self.state.preview = None
        self.ready_changed.emit()

    @Slot()
    def _on_mode_toggled(self, *_: object) -> None:
        button = self.mode_group.checkedButton()
        if button is not None:
            self.state.mode = str(button.property("mode"))
            self.state.preview = None
        self._sync_kind()

    def choose(self, *, kind: str | None = None, mode: str | None = None,
               product: str | None = None) -> None:  # fmt: skip
        """Set the kind, mode or product as the user would."""
        if kind is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        if mode is not None:
            for button in self.mode_group.buttons():
                button.setChecked(button.property("mode") == mode)
        if product is not None:
            self.product_combo.setEditText(product)

    @Slot(bool)
    def _on_runner_busy_changed(self, busy: bool) -> None:
        self.browse_button.setEnabled(not busy)
        self.path_edit.setReadOnly(busy)

    def is_ready(self) -> bool:
        """Reimplemented from StepPage.is_ready: a file read and, for a BOM, a product."""
        state = self.state
        loaded = state.info is not None and bool(state.rows)
        return loaded and (state.kind != "bom" or bool(state.product))


class SheetPage(StepPage):
    """The file's sheets with their real sizes, and what the reader noticed."""

    key, step_name = "sheet", "Sheet"
    title = "Pick the sheet"
    subtitle = (
        "Every sheet with its real size (cells that hold values). Hidden sheets are listed "
        "but not ticked."
    )

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.sheets = QTreeWidget()
        self.sheets.setHeaderLabels(["Sheet", "Rows", "Columns", "Note"])
        self.sheets.setRootIsDecorated(False)
        self.sheets.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.sheets.itemChanged.connect(self._on_sheet_item_changed)
        self.notices = QListWidget()
        self.notices.setIconSize(QSize(16, 16))
        self.notices.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sheets, 3)
        layout.addWidget(QLabel("<b>What the reader noticed</b>"))
        layout.addWidget(self.notices, 2)

    def enter(self) -> None:
        """Reimplemented from StepPage.enter: list the sheets and notices."""
        info = self.state.info
        self.sheets.blockSignals(True)
        self.sheets.clear()
        for sheet in info.sheets if info is not None else ():
            note = (
                "hidden in the workbook: not imported unless you tick it"
                if sheet.hidden
                else ""
            )
            if not sheet.rows:
                note = note or "empty"
            item = QTreeWidgetItem([sheet.name, f"{sheet.rows:,}", f"{sheet.columns:,}", note])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = sheet.name == self.state.sheet
            item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            for column in (1, 2):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            if sheet.hidden:
                item.setIcon(0, icon("info"))
            if sheet.hidden or not sheet.rows:
                for column in range(4):
                    item.setForeground(column, QBrush(QColor("#8a8f98")))
            self.sheets.addTopLevelItem(item)
        self.sheets.blockSignals(False)
        for column in range(3):
            self.sheets.resizeColumnToContents(column)
        self._fill_notices()

    def _fill_notices(self) -> None:
        self.notices.clear()
        info = self.state.info
        if info is None:
            return
        texts: list[tuple[str, str]] = []
        if info.kind == "csv":
            texts.append(("info", f"Text encoding: {info.encoding}"))
            texts.append(("info", f"Field delimiter: “{info.delimiter}”"))
            if info.decimal_comma:
                texts.append(("info", "Numbers use a decimal comma (1.234,5 reads as 1234.5)"))
        texts += [("warning", str(notice)) for notice in info.notices]
        data = self.state.sheets.get(self.state.sheet or "")
        if data is not None:
            texts += [("warning", str(notice)) for notice in data.notices]
        if not texts:
            texts.append(("info", "Nothing unusual: the file reads cleanly."))
        for name, text in texts[:_MAX_NOTICES]:
            self.notices.addItem(QListWidgetItem(icon(name), text))
        if len(texts) > _MAX_NOTICES:
            self.notices.addItem(f"… and {len(texts) - _MAX_NOTICES:,} more")

    @Slot(QTreeWidgetItem, int)
    def _on_sheet_item_changed(self, item: QTreeWidgetItem, _: int) -> None:
        name = item.text(0)
        if item.checkState(0) == Qt.CheckState.Checked:
            self.choose_sheet(name)
        elif name == self.state.sheet:
            self.state.sheet = None
            self.ready_changed.emit()

    def choose_sheet(self, name: str) -> None:
        """Tick one sheet (and untick the others)."""
        self.sheets.blockSignals(True)
        for row in range(self.sheets.topLevelItemCount()):
            item = self.sheets.topLevelItem(row)
            assert item is not None
            ticked = item.text(0) == name
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.sheets.blockSignals(False)
        if name != self.state.sheet:
            self.state.sheet = name
            self.state.forget_table()
        self._fill_notices()
        self.ready_changed.emit()

    def is_ready(self) -> bool:
        """Reimplemented from StepPage.is_ready: one sheet ticked."""
        return self.state.sheet is not None
