"""The import wizard: file → sheet → table → columns → check → result, one step at a time.

A dialog with the steps listed on the left. Reading, finding the table, validating and
writing run on a worker thread through `StepRunner` (ui/background.py underneath) with a
progress bar and Cancel, so the window never freezes. The dialog is modal while open:
nothing else edits the workspace while a step reads or writes it. The import is pushed
to the undo stack as one `ImportCommand`.

Public API: `start_import(window, path)` from the main window (drop or File ▸ Import…),
or `open_import_wizard(session, undo_stack, path, parent)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.import_pages import FilePage, SheetPage
from ui.import_preview import PreviewPage
from ui.import_result import ResultPage
from ui.import_runner import ProgressPanel, StepRunner
from ui.import_state import ImportState
from ui.import_steps import release_frozen
from ui.import_table_page import MappingPage, TablePage
from ui.resources import STATUS_COLORS, icon

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QCloseEvent, QUndoStack

    from ui.import_pages import StepPage
    from ui.main_window import MainWindow
    from ui.session import WorkspaceSession


class ErrorBanner(QFrame):
    """A red-edged message above a step, for what went wrong and what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importErrorBanner")
        self.setStyleSheet(
            "#importErrorBanner { background: #fdecea; border-left: 4px solid "
            f"{STATUS_COLORS['error']}; border-radius: 3px; }}"
        )
        self.icon = QLabel()
        self.icon.setPixmap(icon("error").pixmap(QSize(20, 20)))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setStyleSheet("color: #5f1a14;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        self.hide()

    def show_message(self, text: str) -> None:
        """Show `text`, or hide the banner when it is empty."""
        self.text.setText(text)
        self.setVisible(bool(text))


class ImportWizard(QDialog):
    """Guides a buyer through importing one sheet into the open workspace.

    Attributes:
        state: What has been chosen and computed so far.
        session: The open workspace.
        undo_stack: Where the import goes as one step.
        runner: Runs the long steps off the GUI thread.

    Signals:
        imported: The ImportResult after the import was written and pushed to undo.
    """

    imported = Signal(object)

    def __init__(
        self,
        session: WorkspaceSession,
        *,
        undo_stack: QUndoStack,
        path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a spreadsheet")
        self.setWindowIcon(icon("import"))
        self.state = ImportState()
        self.session, self.undo_stack = session, undo_stack
        self.progress_panel = ProgressPanel()
        self.runner = StepRunner(self.progress_panel, self)
        self.banner = ErrorBanner()
        self._closing = False
        self.pages: list[StepPage] = [
            FilePage(self), SheetPage(self), TablePage(self),
            MappingPage(self), PreviewPage(self), ResultPage(self),
        ]  # fmt: skip
        self._build()
        self.runner.busy_changed.connect(self._on_runner_busy_changed)
        self.runner.failed.connect(self.show_error)
        self.runner.cancelled.connect(self._on_runner_cancelled)
        for page in self.pages:
            page.ready_changed.connect(self._refresh_buttons)
        self._show(0)
        self.resize(1120, 740)
        if path is not None:
            self.file_page.set_path(path)

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        self.steps = QListWidget()
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setFixedWidth(190)
        self.steps.setFrameShape(QFrame.Shape.NoFrame)
        self.steps.setSpacing(2)
        self.steps.setStyleSheet(
            "QListWidget { background: palette(alternate-base); padding: 12px 6px; }"
            "QListWidget::item { padding: 7px 8px; border-radius: 4px; }"
            "QListWidget::item:selected { background: #d6e4f7; color: palette(text); }"
        )
        self.steps.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        for number, page in enumerate(self.pages, start=1):
            item = QListWidgetItem(f"{number}   {page.step_name}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.steps.addItem(item)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
        self.back_button = QPushButton("< Back")
        self.next_button = QPushButton("Next >")
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.cancel_button):
            buttons.addWidget(button)
        body = QVBoxLayout()
        body.setContentsMargins(18, 14, 18, 12)
        body.addWidget(self.title)
        body.addWidget(self.subtitle)
        body.addSpacing(6)
        body.addWidget(self.banner)
        body.addWidget(self.stack, 1)
        body.addWidget(self.progress_panel)
        body.addSpacing(4)
        body.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.steps)
        layout.addLayout(body, 1)

    # -- pages -------------------------------------------------------------------------

    @property
    def file_page(self) -> FilePage:
        """The file step."""
        page = self.pages[0]
        assert isinstance(page, FilePage)
        return page

    def page(self, key: str) -> StepPage:
        """Return the page of a step ("file", "sheet", "table", "mapping", "preview" ...)."""
        return next(page for page in self.pages if page.key == key)

    @property
    def current_step(self) -> str:
        """The key of the step on screen."""
        return self.pages[self.stack.currentIndex()].key

    @property
    def busy(self) -> bool:
        """Whether a long step is running."""
        return self.runner.busy

    def _show(self, index: int) -> None:
        page = self.pages[index]
        self.stack.setCurrentIndex(index)
        self.title.setText(page.title)
        self.subtitle.setText(page.subtitle)
        for row in range(self.steps.count()):
            item = self.steps.item(row)
            font = QFont(item.font())
            font.setBold(row == index)
            item.setFont(font)
            item.setForeground(self.palette().text() if row <= index else self._faint())
        self.steps.setCurrentRow(index)
        self.show_error("")
        page.enter()
        self._refresh_buttons()

    def _faint(self) -> QBrush:
        return self.palette().placeholderText()

    @Slot()
    def go_next(self) -> None:
        """Move to the next step (Close on the last one), when the current one is ready."""
        index = self.stack.currentIndex()
        page = self.pages[index]
        if self.busy or not page.is_ready():
            return
        if index == len(self.pages) - 1:
            self.accept()
            return
        page.leave()
        self._show(index + 1)

    @Slot()
    def go_back(self) -> None:
        """Move to the previous step."""
        index = self.stack.currentIndex()
        if not self.busy and index > 0 and self.pages[index].can_go_back():
            self._show(index - 1)

    @Slot()
    def _refresh_buttons(self) -> None:
        index = self.stack.currentIndex()
        page = self.pages[index]
        busy = self.busy
        last = index == len(self.pages) - 1
        self.back_button.setEnabled(not busy and index > 0 and page.can_go_back())
        self.next_button.setEnabled(not busy and page.is_ready())
        self.next_button.setText(page.next_text())
        self.cancel_button.setVisible(not (last and page.is_ready()))
        page.setEnabled(not busy or page.usable_while_busy)

    # -- errors and long steps ---------------------------------------------------------

    @Slot(str)
    def show_error(self, text: str) -> None:
        """Show what went wrong above the step (an empty text hides the banner)."""
        self.banner.show_message(text)

    def set_heading(self, title: str, subtitle: str) -> None:
        """Change the title and subtitle above the current step."""
        self.title.setText(title)
        self.subtitle.setText(subtitle)

    def error_text(self) -> str:
        """Return the message shown in the banner, or ""."""
        return "" if self.banner.isHidden() else self.banner.text.text()

    @Slot(bool)
    def _on_runner_busy_changed(self, busy: bool) -> None:
        if not busy and self._closing:
            super().reject()
            return
        self._refresh_buttons()

    @Slot()
    def _on_runner_cancelled(self) -> None:
        if not self._closing:
            self.show_error("Cancelled: nothing was written to the workspace.")

    def keep_open(self) -> None:
        """Stay open after a close was asked for (the import finished before the cancel)."""
        self._closing = False

    def done(self, result: int) -> None:
        """Reimplemented from QDialog.done: hand frozen objects back to the collector."""
        super().done(result)
        release_frozen()

    def reject(self) -> None:
        """Reimplemented from QDialog.reject: cancel a running step first, then close."""
        if self.busy:
            self._closing = True
            self.runner.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Reimplemented from QWidget.closeEvent: never close under a running step."""
        if self.busy:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


def open_import_wizard(
    session: WorkspaceSession,
    undo_stack: QUndoStack,
    path: Path | None = None,
    parent: QWidget | None = None,
) -> ImportWizard:
    """Open the wizard, modal, over `parent`; it deletes itself when closed."""
    wizard = ImportWizard(session, undo_stack=undo_stack, path=path, parent=parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.setWindowModality(Qt.WindowModality.ApplicationModal)
    wizard.open()
    return wizard


def start_import(window: MainWindow, path: Path | None = None) -> ImportWizard | None:
    """Open the wizard from the main window (File ▸ Import… or a dropped spreadsheet)."""
    if window.session is None:
        name = f"<b>{path.name}</b><br><br>" if path is not None else ""
        QMessageBox.information(
            window,
            "Spreadsheet import",
            f"{name}Open or create a workspace first: the import wizard adds the rows to "
            "the open workspace.",
        )
        return None
    return open_import_wizard(window.session, window.undo_stack, path, window)
