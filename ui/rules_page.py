"""Rules page: the rule set with each rule's state on a chosen date, sources and overrides."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt, QUrl, Slot
from PySide6.QtGui import QCursor, QDesktopServices
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import rule_override_dialog
from ui.grid_delegates import SearchProxy, quieten
from ui.licence_commands import (
    AddRuleOverrideCommand,
    RemoveRuleOverrideCommand,
    push_refusable,
)
from ui.licence_dialogs import date_edit
from ui.page import Page
from ui.resources import STATUS_COLORS, icon
from ui.rule_detail import rule_html
from ui.rules_model import (
    RULE_COLUMN_OF,
    RuleOverridesModel,
    RulesModel,
    banner_lines,
    state_words,
)
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.rules import Rule, RuleOverride
    from planner.workspace import Change

    from ui.session import WorkspaceSession
    from ui.settings import Settings

_OWNER = "RulesPage"
_WIDTHS = (200, 118, 150, 360, 260, 170, 250, 180, 86, 220)
_SEARCH_COLUMNS = tuple(range(len(_WIDTHS)))
_WEB = {"http", "https"}


class RulesPage(Page):
    """The export-control rule set, its state on a date, and the workspace's overrides.

    Attributes:
        rules_model: The rules (None without a workspace).
        overrides_model: The local overrides (None without a workspace).
        rules_proxy: Search and sorting of the rules.
        rules_view: The rules table.
        overrides_view: The overrides table.
        detail: The selected rule in full, with clickable sources.
        banner: Rules whose known status has run out, and what to do.
        info: Rule set version, as-of and review dates.
        date_picker: The date whose states are shown (default today).
        search: Search of the rules.
        add_override_button: Records an override of the selected rule.
        remove_override_button: Removes the selected override.
    """

    key = "rules"
    title = "Rules"
    icon_name = "rules"

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        self.rules_model: RulesModel | None = None
        self.overrides_model: RuleOverridesModel | None = None
        self.rules_proxy = SearchProxy(_SEARCH_COLUMNS, parent=self)
        self.rules_view = ExcelTableView(self)
        self.overrides_view = ExcelTableView(self)
        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._on_detail_anchor_clicked)
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setObjectName("rulesBanner")
        self.banner.setStyleSheet(
            f"QLabel#rulesBanner {{ border-left: 4px solid {STATUS_COLORS['warning']}; "
            "background: rgba(217, 142, 4, 28); padding: 6px 8px; }"
        )
        self.info = QLabel(self)
        quieten(self.info)
        self.date_picker: QDateEdit = date_edit(dt.date.today())
        self.date_picker.dateChanged.connect(self._on_date_changed)
        self.today_button = QPushButton("Today")
        self.today_button.clicked.connect(self._on_today_clicked)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search rules, elements, sources…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.rules_proxy.set_search)
        self.add_override_button = QPushButton(icon("add"), "Add override…")
        self.add_override_button.setToolTip(
            "Record what an official source says about the rule"
        )
        self.add_override_button.clicked.connect(self.request_override)
        self.remove_override_button = QPushButton(icon("delete"), "Remove override")
        self.remove_override_button.clicked.connect(self._on_remove_clicked)
        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._left = QSplitter(Qt.Orientation.Vertical, self._splitter)
        self._build_layout()
        self._set_up_views()
        self.set_session(None)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(QLabel("Status on:"))
        top.addWidget(self.date_picker)
        top.addWidget(self.today_button)
        top.addWidget(self.search, 1)
        overrides = QWidget()
        column = QVBoxLayout(overrides)
        column.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        hint = QLabel("what you verified on MOFCOM, applied on top of the shipped rule set")
        quieten(hint)
        bar.addWidget(QLabel("<b>Local overrides</b>"))
        bar.addWidget(hint, 1)
        bar.addWidget(self.remove_override_button)
        column.addLayout(bar)
        column.addWidget(self.overrides_view)
        self._left.addWidget(self.rules_view)
        self._left.addWidget(overrides)
        self._left.setStretchFactor(0, 3)
        self._left.setStretchFactor(1, 1)
        self._left.setChildrenCollapsible(False)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.detail, 1)
        side.addWidget(self.add_override_button, 0, Qt.AlignmentFlag.AlignRight)
        self._splitter.addWidget(self._left)
        self._splitter.addWidget(right)
        self._splitter.setStretchFactor(0, 1)
        self._splitter.setChildrenCollapsible(False)
        self._splitter.setSizes([740, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self._splitter, 1)

    def _set_up_views(self) -> None:
        self.rules_view.setModel(self.rules_proxy)
        self.rules_view.setSelectionBehavior(ExcelTableView.SelectionBehavior.SelectRows)
        self.rules_view.selectionModel().currentRowChanged.connect(
            self._on_rule_current_changed
        )
        self.rules_view.clicked.connect(self._on_rules_view_clicked)
        self.overrides_view.setSelectionBehavior(ExcelTableView.SelectionBehavior.SelectRows)
        self.overrides_view.setSortingEnabled(False)  # oldest first, as they apply
        # The rule set's own order (Announcement 18 first) until a header is clicked.
        self.rules_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        for view in (self.rules_view, self.overrides_view):
            view.status_message.connect(self.status_message)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    # -- Page interface -------------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Reimplemented from Page.set_session: show the session's rule set on its today."""
        if self.session is not None:
            self.session.changed.disconnect(self._on_session_changed)
        super().set_session(session)
        for model in (self.rules_model, self.overrides_model):
            if model is not None:
                model.deleteLater()
        self.rules_model = self.overrides_model = None
        # Qt accepts no source (QAbstractProxyModel::setSourceModel); the stubs do not.
        self.rules_proxy.setSourceModel(None)  # type: ignore[arg-type]
        self.setEnabled(session is not None)
        if session is not None:
            today = session.today
            self.date_picker.blockSignals(True)
            self.date_picker.setDate(QDate(today.year, today.month, today.day))
            self.date_picker.blockSignals(False)
            self.rules_model = RulesModel(session, today, parent=self)
            self.overrides_model = RuleOverridesModel(session, parent=self)
            self.rules_proxy.setSourceModel(self.rules_model)
            self.overrides_view.setModel(self.overrides_model)
            self.overrides_view.selectionModel().selectionChanged.connect(self._update_buttons)
            session.changed.connect(self._on_session_changed)
            for position, width in enumerate(_WIDTHS):
                self.rules_view.horizontalHeader().resizeSection(position, width)
            for position, width in enumerate((220, 260, 320, 90, 130)):
                self.overrides_view.horizontalHeader().resizeSection(position, width)
            # Open on the first rule to verify, else the first rule.
            day, rules = session.today, session.rule_set.rules
            unknown = [r.id for r in rules if state_words(r, day) == "unverified"]
            if rules:
                self.select_rule(unknown[0] if unknown else rules[0].id)
        self._show_all()

    def focus_search(self) -> None:
        """Reimplemented from Page.focus_search."""
        self.search.setFocus()
        self.search.selectAll()

    def default_edit_target(self) -> ExcelTableView:
        """Return the rules table for the Edit menu."""
        return self.rules_view

    def save_state(self) -> None:
        """Reimplemented from Page.save_state: splitters and columns."""
        self.settings.set_state(_OWNER, "splitter", self._splitter.saveState())
        self.settings.set_state(_OWNER, "left", self._left.saveState())
        self.settings.set_state(
            _OWNER, "header", self.rules_view.horizontalHeader().saveState()
        )

    def restore_state(self) -> None:
        """Reimplemented from Page.restore_state."""
        for key, widget in (("splitter", self._splitter), ("left", self._left)):
            state = self.settings.state(_OWNER, key)
            if state is not None:
                widget.restoreState(state)
        header = self.settings.state(_OWNER, "header")
        if header is not None:
            self.rules_view.horizontalHeader().restoreState(header)

    def status_counts(self) -> str:
        """Return e.g. "9 rules · 4 unverified · 1 local override"."""
        if self.session is None:
            return ""
        rules, day = self.session.rule_set.rules, self.day()
        unknown = sum(1 for r in rules if state_words(r, day) == "unverified")
        local = self.overrides_model.rowCount() if self.overrides_model is not None else 0
        return f"{len(rules)} rules · {unknown} unverified · {local} local override(s)"

    # -- actions --------------------------------------------------------------------------

    def day(self) -> dt.date:
        """Return the date whose states are shown."""
        value = self.date_picker.date()
        return dt.date(value.year(), value.month(), value.day())

    def set_day(self, day: dt.date) -> None:
        """Show the states on `day`."""
        self.date_picker.setDate(QDate(day.year, day.month, day.day))

    def selected_rule(self) -> Rule | None:
        """Return the rule selected in the table, if any."""
        current = self.rules_view.currentIndex()
        if self.rules_model is None or not current.isValid():
            return None
        return self.rules_model.rule(self.rules_proxy.mapToSource(current).row())

    def select_rule(self, rule_id: str) -> None:
        """Select a rule in the table (clearing the search when it hides the rule)."""
        if self.rules_model is None:
            return
        source = self.rules_model.index(self.rules_model.row_of(rule_id), 0)
        if not self.rules_proxy.mapFromSource(source).isValid():
            self.search.clear()
        self.rules_view.setCurrentIndex(self.rules_proxy.mapFromSource(source))

    @Slot()
    def request_override(self) -> None:
        """Ask what changed about the selected rule and record it as a local override."""
        rule = self.selected_rule()
        if rule is None or self.session is None:
            self.status_message.emit("Select a rule first")
            return
        dialog = rule_override_dialog.RuleOverrideDialog(rule, self.session.today, parent=self)
        if dialog.exec() == rule_override_dialog.RuleOverrideDialog.DialogCode.Accepted:
            self.add_override(dialog.override())

    def add_override(self, override: RuleOverride) -> str:
        """Store a local override (one undo step); return a refusal or ""."""
        if self.session is None:
            return "no workspace open"
        reason = push_refusable(self.undo_stack, AddRuleOverrideCommand(self.session, override))
        self.status_message.emit(
            f"⚠ {reason}" if reason else f"Local override of {override.rule_id} recorded"
        )
        return reason

    def remove_override(self, row_id: int, rule_id: str) -> str:
        """Remove a stored override (one undo step); return a refusal or ""."""
        if self.session is None:
            return "no workspace open"
        command = RemoveRuleOverrideCommand(self.session, row_id, rule_id)
        reason = push_refusable(self.undo_stack, command)
        if reason:
            self.status_message.emit(f"⚠ {reason}")
        return reason

    def open_source(self, url: str) -> None:
        """Open a source in the web browser."""
        link = QUrl(url)
        if link.scheme() in _WEB:
            QDesktopServices.openUrl(link)

    # -- refreshing -----------------------------------------------------------------------

    def _show_all(self) -> None:
        self._show_banner()
        self._show_detail()
        self._update_buttons()

    def _show_banner(self) -> None:
        session = self.session
        if session is None:
            self.banner.hide()
            self.info.clear()
            return
        day, rule_set = self.day(), session.rule_set
        lines = banner_lines(rule_set, day)
        unknown = sum(1 for rule in rule_set.rules if state_words(rule, day) == "unverified")
        when = "Today" if day == session.today else f"On {day}"
        rules = "1 rule has" if unknown == 1 else f"{unknown} rules have"
        self.banner.setVisible(bool(lines))
        self.banner.setText(
            f"<b>{when}, {rules} no verified status.</b><br>"
            + "<br>".join(f"• {escape(line, quote=False)}" for line in lines)
        )
        local = len(rule_set.overrides)
        self.info.setText(
            f"Rule set {escape(rule_set.version)} · latest verified material "
            f"{rule_set.as_of:%d %b %Y} · reviewed {rule_set.reviewed_on:%d %b %Y} · "
            f"{local} local override{'' if local == 1 else 's'}"
        )

    def _show_detail(self) -> None:
        rule = self.selected_rule()
        if rule is None or self.session is None:
            self.detail.setHtml("<p><i>Select a rule to read it in full.</i></p>")
            return
        self.detail.setHtml(rule_html(rule, self.session.rule_set, self.day()))

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity in ("rule_overrides", "rules"):
            self._show_all()

    @Slot(QDate)
    def _on_date_changed(self, _date: QDate) -> None:
        if self.rules_model is not None:
            self.rules_model.set_day(self.day())
            self.rules_model.headerDataChanged.emit(
                Qt.Orientation.Horizontal, RULE_COLUMN_OF["state"], RULE_COLUMN_OF["state"]
            )
        self._show_all()

    @Slot()
    def _on_today_clicked(self) -> None:
        if self.session is not None:
            self.set_day(self.session.today)

    @Slot(QModelIndex, QModelIndex)
    def _on_rule_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail()
        self._update_buttons()

    @Slot(QModelIndex)
    def _on_rules_view_clicked(self, index: QModelIndex) -> None:
        rule = self.selected_rule()
        if rule is None or index.column() != RULE_COLUMN_OF["sources"] or not rule.sources:
            return
        if len(rule.sources) == 1:
            self.open_source(rule.sources[0].url)
            return
        menu = QMenu(self)
        for source in rule.sources:
            action = menu.addAction(source.title)
            action.triggered.connect(lambda _=False, url=source.url: self.open_source(url))
        menu.popup(QCursor.pos())

    @Slot(QUrl)
    def _on_detail_anchor_clicked(self, url: QUrl) -> None:
        self.open_source(url.toString())

    @Slot()
    def _update_buttons(self) -> None:
        self.add_override_button.setEnabled(self.selected_rule() is not None)
        # No selection model until the overrides model is set (the stubs say otherwise).
        selected: QItemSelectionModel | None = self.overrides_view.selectionModel()
        chosen = selected is not None and selected.hasSelection()
        self.remove_override_button.setEnabled(chosen and self.overrides_model is not None)

    @Slot()
    def _on_remove_clicked(self) -> None:
        current = self.overrides_view.currentIndex()
        if self.overrides_model is not None and current.isValid():
            stored = self.overrides_model.stored(current.row())
            self.remove_override(stored.row_id, stored.rule_id)
