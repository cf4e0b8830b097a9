"""The import wizard's last step: write the rows, push the undo step, say what happened."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from planner.importing.mapping import save_profile

from ui.import_command import ImportCommand
from ui.import_pages import StepPage, hint_label
from ui.import_preview import magnet_text
from ui.import_state import KIND_LABELS
from ui.import_steps import shown_rows, write_rows
from ui.resources import icon

if TYPE_CHECKING:
    from planner.importing.commit import ImportResult
    from planner.importing.validate import ImportPreview, RowResult
    from planner.workspace import Workspace

    from ui.import_state import Cancel, Progress
    from ui.import_wizard import ImportWizard

TABLE_LABELS = {
    "products": "Products",
    "parts": "Magnet parts",
    "bom_lines": "BOM lines",
    "build_plan": "Build-plan quantities",
    "stock": "Stock records",
    "orders": "Orders",
    "licences": "Licences",
    "suppliers": "Suppliers",
}
_MAX_ROWS = 1000


class ResultPage(StepPage):
    """Writes the checked rows in one transaction and shows what was imported and skipped."""

    key, step_name = "result", "Result"
    title = "Import"
    subtitle = "The rows are written in one transaction: all of them, or none."

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.command: ImportCommand | None = None
        self._shown: dict[int, RowResult] = {}
        self.headline = QLabel()
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.headline.setFont(font)
        self.written = QTreeWidget()
        self.written.setHeaderLabels(["Table", "Added", "Updated", "Removed"])
        self.written.setRootIsDecorated(False)
        self.written.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rows = QTreeWidget()
        self.rows.setHeaderLabels(["Row", "Key", "What"])
        self.rows.setColumnWidth(0, 150)
        self.rows.setColumnWidth(1, 220)
        self.undo_note = hint_label()
        self.undo_button = QPushButton(icon("undo"), "Undo this import")
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_note, 1)
        undo_row.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.written)
        layout.addWidget(self.rows, 1)
        layout.addLayout(undo_row)
        self._clear()

    def _clear(self) -> None:
        self.headline.setText("")
        self.written.clear()
        self.rows.clear()
        self.undo_note.setText("")
        self.undo_button.hide()

    def enter(self) -> None:
        """Reimplemented from StepPage.enter: write the rows (once)."""
        state = self.state
        if state.result is not None or state.preview is None:
            return
        self._clear()
        self.headline.setText("Importing…")
        step = partial(_write, state.preview, self.wizard.session.workspace, state.skip_errors)
        self.wizard.runner.run("Importing…", step, self._on_written)

    def _on_written(self, written: tuple[ImportResult, dict[int, RowResult]]) -> None:
        result, self._shown = written
        state = self.state
        assert state.preview is not None
        assert state.path is not None
        state.result = result
        label = KIND_LABELS[state.kind]
        what = label if label.startswith("BOM") else label.lower()
        text = f"Import {what} from {state.path.name}"
        self.command = ImportCommand(
            self.wizard.session, state.preview, result, skip_errors=state.skip_errors, text=text
        )
        self.wizard.undo_stack.push(self.command)
        if state.remember_mapping and state.mapping is not None:
            save_profile(self.wizard.session.workspace, state.mapping)
        self.wizard.keep_open()
        self._show(result)
        self.wizard.imported.emit(result)
        self.ready_changed.emit()

    def _show(self, result: ImportResult) -> None:
        rows = len(result.imported_rows)
        target = f" into product “{self.state.product}”" if self.state.kind == "bom" else ""
        self.wizard.set_heading(
            "Import finished", "Written in one transaction; one undo step takes it all back."
        )
        self.headline.setText(f"Imported {rows:,} row{'s' if rows != 1 else ''}{target}.")
        tables = [*result.inserted, *result.updated, *result.deleted]
        for table in dict.fromkeys(tables):
            counts = (
                len(result.inserted.get(table, [])),
                len(result.updated.get(table, [])),
                len(result.deleted.get(table, [])),
            )
            item = QTreeWidgetItem([TABLE_LABELS.get(table, table), *map(_count, counts)])
            self.written.addTopLevelItem(item)
        height = self.written.header().height() + 4
        height += sum(self.written.sizeHintForRow(r) for r in range(len(set(tables))))
        self.written.setFixedHeight(max(height, 60))
        self._fill_rows(result)
        self.undo_note.setText(
            "The whole import is one step on the undo stack: Edit ▸ Undo (Ctrl+Z) takes "
            "it back exactly, in one go."
        )
        self.undo_button.show()

    def _fill_rows(self, result: ImportResult) -> None:
        preview = self.state.preview
        assert preview is not None
        by_row = self._shown
        imported = QTreeWidgetItem([f"Imported ({len(result.imported_rows):,})", ""])
        for row in result.imported_rows[:_MAX_ROWS]:
            found = by_row[row]
            what = magnet_text(found) if preview.kind == "bom" else "; ".join(found.messages)
            imported.addChild(QTreeWidgetItem([str(row + 1), found.key or "", what]))
        skipped = sorted(result.skipped_rows.items())
        left_out = QTreeWidgetItem([f"Not imported ({len(skipped):,})", ""])
        for row, why in skipped[:_MAX_ROWS]:
            key = by_row[row].key if row in by_row else ""
            left_out.addChild(QTreeWidgetItem([str(row + 1), key or "", why]))
        for group, total in ((imported, len(result.imported_rows)), (left_out, len(skipped))):
            if total > _MAX_ROWS:
                group.addChild(QTreeWidgetItem(["…", "", f"{total - _MAX_ROWS:,} more rows"]))
            group.setFirstColumnSpanned(True)
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
        self.rows.addTopLevelItems([imported, left_out])
        imported.setExpanded(True)
        left_out.setExpanded(True)
        for item in (imported, left_out):
            item.setFirstColumnSpanned(True)

    @Slot()
    def _on_undo_button_clicked(self) -> None:
        stack = self.wizard.undo_stack
        if self.command is not None and stack.command(stack.index() - 1) is self.command:
            stack.undo()
            self.undo_note.setText("Undone: the workspace is as it was before the import.")
            self.undo_button.hide()

    def is_ready(self) -> bool:
        """Reimplemented from StepPage.is_ready: the rows were written."""
        return self.state.result is not None

    def can_go_back(self) -> bool:
        """Reimplemented from StepPage.can_go_back: only before the import was written."""
        return self.state.result is None

    def next_text(self) -> str:
        """Reimplemented from StepPage.next_text."""
        return "Close"


def _write(
    preview: ImportPreview,
    workspace: Workspace,
    skip_errors: bool,
    progress: Progress,
    cancel: Cancel,
) -> tuple[ImportResult, dict[int, RowResult]]:
    result = write_rows(preview, workspace, skip_errors, progress, cancel)
    return result, shown_rows(preview, result, _MAX_ROWS)


def _count(value: int) -> str:
    return f"{value:,}" if value else "–"
