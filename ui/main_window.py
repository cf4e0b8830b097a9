"""The main window: a composition root that wires pages, actions, undo and the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from planner.storage import WorkspaceError, backup_sqlite

from ui import plain_imports
from ui.alerts_badge import install_alert_badges
from ui.menus import build_menus, fill_recent_menu
from ui.pages import PAGES
from ui.paste_report import show_paste_report
from ui.resources import app_icon, icon
from ui.start_page import StartPage
from ui.table_view import EditTarget

if TYPE_CHECKING:
    from planner.quickread import QuickReader
    from planner.tsv import PasteReport
    from planner.workspace import Workspace

    from ui.page import Page
    from ui.session import WorkspaceSession
    from ui.settings import Settings

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".txt"}
WORKSPACE_FILTER = "Magnet Planner workspaces (*.magplan);;All files (*)"


class MainWindow(QMainWindow):
    """Navigation list on the left, one page per entry on the right.

    Attributes:
        undo_stack: The one undo stack for every edit in the open workspace.
        session: The open workspace, or None.

    Signals:
        session_opened: The new session after a workspace opened, None after it closed.
    """

    session_opened = Signal(object)
    recent_menu: QMenu

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session: WorkspaceSession | None = None
        self._stale_pages: set[Page] = set()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_undo_clean_changed)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.page_specs = PAGES
        self._built: dict[str, Page] = {}
        self.start_page = StartPage()
        self._build_body()
        self.actions_by_name: dict[str, QAction] = build_menus(self)
        self._build_status_bar()
        self._connect_start_page()
        self._refresh_recent()
        self._show_workspace_state()
        install_alert_badges(self)
        self.resize(1360, 860)
        self._restore_geometry()

    # -- construction ------------------------------------------------------------------

    def _build_body(self) -> None:
        self.navigation = QListWidget()
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setSpacing(1)
        self.navigation.setMinimumWidth(170)
        self.navigation.setMaximumWidth(260)
        self.navigation.setFrameShape(QListWidget.Shape.NoFrame)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        for spec in self.page_specs:
            item = QListWidgetItem(icon(spec.icon_name), spec.title)
            item.setSizeHint(QSize(0, 34))
            self.navigation.addItem(item)
            self.stack.addWidget(QWidget())  # stands in until the page is first shown
        self.navigation.currentRowChanged.connect(self._on_navigation_row_changed)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 1160])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _build_status_bar(self) -> None:
        self.path_label = QLabel()
        self.rules_label = QLabel()
        self.counts_label = QLabel()
        for label in (self.path_label, self.counts_label, self.rules_label):
            label.setContentsMargins(6, 0, 6, 0)
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.rules_label)

    def _connect_start_page(self) -> None:
        self.start_page.new_requested.connect(self.new_workspace)
        self.start_page.open_requested.connect(self.choose_workspace)
        self.start_page.sample_requested.connect(self.open_sample)
        self.start_page.recent_chosen.connect(self.open_workspace)

    # -- pages -------------------------------------------------------------------------

    @property
    def pages(self) -> list[Page]:
        """Return the pages built so far, in navigation order."""
        return [self._built[s.key] for s in self.page_specs if s.key in self._built]

    def page(self, key: str) -> Page:
        """Return the page with the given key ("products", "build-plan" ...), building it.

        A page shows the open workspace once it has been on screen (see show_page).
        """
        if key in self._built:
            return self._built[key]
        keys = [spec.key for spec in self.page_specs]
        if key not in keys:
            raise KeyError(f"no page {key!r}; pages: {', '.join(keys)}")
        spec = self.page_specs[keys.index(key)]
        page = spec.build(self.undo_stack, self.settings)
        page.status_message.connect(self._on_page_status_message)
        page.pasted.connect(self.show_paste_report)
        if hasattr(page, "navigate"):  # pages linking to others (the Dashboard)
            page.navigate.connect(self.show_page)
        slot = self.stack.widget(keys.index(key) + 1)
        assert slot is not None
        self.stack.insertWidget(keys.index(key) + 1, page)
        self.stack.removeWidget(slot)
        slot.deleteLater()
        self._built[key] = page
        if self.session is not None:
            self._stale_pages.add(page)
        return page

    def show_page(self, key: str) -> None:
        """Switch to a page."""
        self.page(key)
        self.navigation.setCurrentRow([spec.key for spec in self.page_specs].index(key))

    def current_page(self) -> Page | None:
        """Return the page on screen, or None on the start page."""
        widget = self.stack.currentWidget()
        return next((page for page in self._built.values() if page is widget), None)

    @Slot(int)
    def _on_navigation_row_changed(self, row: int) -> None:
        if self.session is not None and 0 <= row < len(self.page_specs):
            page = self.page(self.page_specs[row].key)
            if page in self._stale_pages:
                self._stale_pages.discard(page)
                page.set_session(self.session)
                page.restore_state()
            self.stack.setCurrentWidget(page)
            self._update_counts()

    # -- workspace lifecycle -----------------------------------------------------------

    def open_workspace(self, path: Path) -> bool:
        """Open a workspace file; say why in a message box when it cannot be opened.

        An up-to-date file is checked and shown through plain sqlite3 reads; SQLAlchemy and
        the ORM workspace load once the window has painted (`WorkspaceSession.reader`).
        """
        from planner.quickread import QuickReader

        try:
            source: Workspace | QuickReader | None = QuickReader.open(path)
            if source is None:  # a schema update (or a refusal) is the ORM's job
                with plain_imports():
                    from planner.workspace import Workspace

                source = Workspace.open(path)
        except WorkspaceError as exc:
            self._complain("Cannot open workspace", exc.message, str(exc.location))
            return False
        self._attach(source)
        return True

    def _attach(self, source: Workspace | QuickReader) -> None:
        from planner.quickread import QuickReader

        from ui.session import WorkspaceSession

        self.close_workspace()
        if isinstance(source, QuickReader):
            rule_set = source.rule_set()
        else:
            from planner.workspace_rules import workspace_rule_set

            rule_set = workspace_rule_set(source)
        self.session = WorkspaceSession(source, rule_set, parent=self)
        self.session.changed.connect(self._update_counts)
        self.session.load_after_paint(self)
        # Pages load the workspace when first shown, so opening one paints quickly.
        self._stale_pages = set(self.pages)
        if self.session.location.path is not None:
            self.settings.add_recent_file(self.session.location.path)
        self._refresh_recent()
        self._show_workspace_state()
        if self.navigation.currentRow() < 0:
            self.show_page("products")
        else:
            self._on_navigation_row_changed(self.navigation.currentRow())
        self.session_opened.emit(self.session)

    def close_workspace(self) -> None:
        """Close the open workspace (its data is already saved)."""
        if self.session is None:
            return
        for page in self.pages:
            if page not in self._stale_pages:
                page.save_state()
                page.set_session(None)
        self._stale_pages = set()
        self.undo_stack.clear()
        self.session.close()
        self.session.deleteLater()
        self.session = None
        self.session_opened.emit(None)
        self._show_workspace_state()

    @Slot()
    def choose_workspace(self) -> None:
        """Ask for a workspace file and open it."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Open workspace", self.settings.last_directory(), WORKSPACE_FILTER
        )
        if path:
            self.settings.set_last_directory(Path(path).parent)
            self.open_workspace(Path(path))

    @Slot()
    def new_workspace(self) -> None:
        """Ask where to create an empty workspace and open it."""
        with plain_imports():  # SQLAlchemy, faster without shiboken6's import hook
            from planner.workspace import Workspace

        path, _ = QFileDialog.getSaveFileName(
            self, "New workspace", self.settings.last_directory(), WORKSPACE_FILTER
        )
        if not path:
            return
        target = Path(path) if path.endswith(".magplan") else Path(path + ".magplan")
        if target.exists():
            self._complain(
                "Cannot create workspace", "a file with this name already exists", str(target)
            )
            return
        try:
            self._attach(Workspace.create(target))
        except WorkspaceError as exc:
            self._complain("Cannot create workspace", exc.message, str(target))

    @Slot()
    def open_sample(self) -> None:
        """Build a fresh copy of the sample workspace and open it."""
        with plain_imports():  # SQLAlchemy, faster without shiboken6's import hook
            from planner.sample import build_sample

        folder = Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        )
        target = folder / "Sample.magplan"
        if self.session is not None and self.session.location.path == target:
            self.close_workspace()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        self._attach(build_sample(target))

    @Slot()
    def save_copy_as(self) -> None:
        """Write a consistent copy of the open workspace to a new file."""
        source = self.session.location.path if self.session is not None else None
        if source is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy as", self.settings.last_directory(), WORKSPACE_FILTER
        )
        if not path:
            return
        target = Path(path) if path.endswith(".magplan") else Path(path + ".magplan")
        if target.resolve() == source.resolve():
            self._complain(
                "Cannot save copy", "choose another file than the open one", str(target)
            )
            return
        try:
            target.unlink(missing_ok=True)
            backup_sqlite(source, target)
        except OSError as exc:
            self._complain("Cannot save copy", exc.strerror or str(exc), str(target))
            return
        self.statusBar().showMessage(f"Saved a copy to {target}", 6000)

    def _complain(self, title: str, message: str, where: str) -> None:
        QMessageBox.critical(self, title, f"<b>{where}</b><br><br>{message}")

    # -- state shown in title and status bar -------------------------------------------

    def _show_workspace_state(self) -> None:
        has = self.session is not None
        self.navigation.setEnabled(has)
        for name in ("close", "save_copy"):
            self.actions_by_name[name].setEnabled(has)
        if self.session is None:
            self.stack.setCurrentWidget(self.start_page)
            self.navigation.clearSelection()
            self.setWindowTitle("Magnet Planner")
            self.path_label.setText("No workspace open")
            self.rules_label.clear()
            self.counts_label.clear()
            return
        self.setWindowTitle(f"{self.session.name}[*] — Magnet Planner")
        self.setWindowModified(not self.undo_stack.isClean())
        self.path_label.setText(str(self.session.location))
        rule_set = self.session.rule_set
        self.rules_label.setText(f"Rule set as of {rule_set.as_of:%d %b %Y}")
        self.rules_label.setToolTip(
            f"Rule set {rule_set.version}, last verified {rule_set.as_of.isoformat()}, "
            f"reviewed {rule_set.reviewed_on.isoformat()}"
        )
        self._update_counts()

    def _update_counts(self, *_: object) -> None:
        page = self.current_page()
        self.counts_label.setText(page.status_counts() if page is not None else "")

    def _refresh_recent(self) -> None:
        recent = self.settings.recent_files()
        self.start_page.set_recent(recent)
        fill_recent_menu(self, recent)

    @Slot(str)
    def _on_page_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    @Slot(bool)
    def _on_undo_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    # -- Edit menu dispatch ------------------------------------------------------------

    def edit_target(self) -> EditTarget | None:
        """Return the widget the Edit menu acts on: the focused table or its page's."""
        widget = QApplication.focusWidget()
        while widget is not None:
            if isinstance(widget, EditTarget):
                return widget
            widget = widget.parentWidget()
        page = self.current_page()
        target = getattr(page, "default_edit_target", lambda: None)()
        return target if isinstance(target, EditTarget) else None

    def show_paste_report(self, report: PasteReport) -> None:
        """Summarise a paste in the status bar, and in a dialog when cells were refused."""
        self.statusBar().showMessage(report.summary(), 8000)
        if report.rejected:
            show_paste_report(self, report)

    # -- drag and drop -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Reimplemented from QWidget.dragEnterEvent: accept workspaces and spreadsheets."""
        urls = event.mimeData().urls()
        if urls and all(url.isLocalFile() for url in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Reimplemented from QWidget.dropEvent."""
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls()]
        event.acceptProposedAction()
        self.handle_dropped(paths)

    def handle_dropped(self, paths: list[Path]) -> None:
        """Open a dropped workspace, or the import wizard for a dropped spreadsheet."""
        for path in paths:
            if path.suffix.lower() == ".magplan":
                self.open_workspace(path)
                return
        sheets = [p for p in paths if p.suffix.lower() in SPREADSHEET_SUFFIXES]
        if sheets:
            from ui.import_wizard import start_import

            start_import(self, sheets[0])
        else:
            names = ", ".join(p.name for p in paths)
            QMessageBox.warning(self, "Cannot open", f"{names}: not a workspace or spreadsheet")

    # -- window state ------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.state("MainWindow", "geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.settings.state("MainWindow", "splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Reimplemented from QWidget.closeEvent: remember layout, close the workspace."""
        self.settings.set_state("MainWindow", "geometry", self.saveGeometry())
        self.settings.set_state("MainWindow", "splitter", self.splitter.saveState())
        self.close_workspace()
        self.settings.sync()
        event.accept()
