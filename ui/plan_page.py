"""The Plan page: scenario bar, coverage, line stops, purchase plan and scenario comparison.

Plans are calculated off the GUI thread (`ui.plan_runner`) when the page first shows a
workspace and when the buyer asks (Recalculate, Ctrl+Shift+R, or picking a saved
scenario). Edits to the workspace never re-plan by themselves: the page says the plan is
out of date and offers Recalculate.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from planner.schema import Order

from ui.grid_delegates import quieten
from ui.page import Page
from ui.plan_commands import (
    DeleteScenarioCommand,
    SaveScenarioCommand,
    accept_purchases,
    accepted_message,
)
from ui.plan_panels import CoveragePanel, PurchasePanel
from ui.plan_runner import PLAN_ENTITIES, PlanRunner, ProgressStrip, basis_text, plan_job
from ui.plan_toolbar import RECALCULATE_KEYS, ScenarioBar, StaleBanner, plan_start
from ui.resources import STATUS_COLORS, icon
from ui.scenario_compare import ComparePanel

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.engine import SourceProvider
    from planner.plan_result import Plan
    from planner.workspace import Change

    from ui.plan_runner import PlanOutcome
    from ui.session import WorkspaceSession
    from ui.settings import Settings
    from ui.table_view import ExcelTableView

_OWNER = "PlanPage"
CHANGED = "The workspace changed since this plan was calculated: recalculate to see the effect."
ACCEPTED_NOTE = "Recalculate to include accepted orders."
SETTINGS = "The scenario settings changed."


class PlanPage(Page):
    """Coverage, line stops and purchases of a plan under a chosen scenario.

    Attributes:
        bar: Scenario controls and Recalculate.
        banner: Shown while the plan on screen is out of date.
        message: Errors and the result of the last action.
        basis: What the plan on screen assumes.
        tabs: Coverage, purchase plan and scenario comparison.
        coverage: Grid, chart and line stops.
        purchases: The purchase plan.
        comparison: Two saved scenarios side by side.
        runner: Calculates plans off the GUI thread.
        outcome: The plan on screen with its explanations (None before the first).
        stale: Why the plan on screen is out of date ("" when it is current).
        source_provider: Candidate sources per part for recommendations: the extension
            point for alternative suppliers (None: each part's current supplier).
        recalculate_action: Recalculate (Ctrl+Shift+R) while the page has the focus.

    Signals:
        plan_changed: A newly calculated plan is on screen.
    """

    key = "plan"
    title = "Plan"
    icon_name = "plan"
    plan_changed = Signal()

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        self.outcome: PlanOutcome | None = None
        self.stale = ""
        self.source_provider: SourceProvider | None = None
        self._accepted: dict[int, int] = {}  # purchase row -> planned order id
        self.runner = PlanRunner(self)
        self.bar = ScenarioBar(self)
        self.banner = StaleBanner(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.basis = QLabel(self)
        self.basis.setWordWrap(True)
        quieten(self.basis)
        self.coverage = CoveragePanel(self)
        self.purchases = PurchasePanel(self)
        self.comparison = ComparePanel(self._start, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.coverage, "Coverage")
        self.tabs.addTab(self.purchases, "Purchase plan")
        self.tabs.addTab(self.comparison, "Compare scenarios")
        self.recalculate_action = QAction(icon("plan"), "Recalculate", self)
        self.recalculate_action.setShortcut(RECALCULATE_KEYS)
        self.recalculate_action.setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.addAction(self.recalculate_action)
        self._build_layout()
        self._connect()
        self.set_session(None)

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.bar)
        layout.addWidget(ProgressStrip(self.runner, self))
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(self.basis)
        layout.addWidget(self.tabs, 1)

    def _connect(self) -> None:
        self.recalculate_action.triggered.connect(self.recalculate)
        self.bar.recalculate_requested.connect(self.recalculate)
        self.banner.button.clicked.connect(self.recalculate)
        self.bar.settings_changed.connect(self._on_bar_settings_changed)
        self.bar.scenario_chosen.connect(self._on_bar_scenario_chosen)
        self.bar.save_requested.connect(self.save_scenario_as)
        self.bar.delete_requested.connect(self.delete_scenario)
        self.runner.busy_changed.connect(self._on_runner_busy_changed)
        self.runner.failed.connect(self._on_runner_failed)
        self.runner.cancelled.connect(self._on_runner_cancelled)
        self.coverage.part_selected.connect(self.purchases.set_selected_part)
        self.purchases.accept_requested.connect(self.accept_purchases)

    # -- Page interface -------------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Reimplemented from Page.set_session: plan the new workspace in the background."""
        self.runner.cancel()
        self.runner.wait()
        if self.session is not None and isValid(self.session):
            self.session.changed.disconnect(self._on_session_changed)
        super().set_session(session)
        self._show(None)
        self._set_stale("")
        self._say("")
        for widget in (self.bar, self.tabs):
            widget.setEnabled(session is not None)
        self.recalculate_action.setEnabled(session is not None)
        names = self._names()
        self.comparison.set_session(session, names)
        if session is None:
            self.basis.setText("Open a workspace to plan it.")
            return
        session.changed.connect(self._on_session_changed)
        self.bar.set_names(names, self.bar.current_name())
        self.recalculate()

    def busy(self) -> bool:
        """Whether a plan is being calculated (the screenshot waits for it)."""
        return self.runner.busy or self.comparison.runner.busy

    def focus_search(self) -> None:
        """Reimplemented from Page.focus_search: the search of the tab shown."""
        if self.tabs.currentWidget() is self.purchases:
            search = self.purchases.search
        else:
            self.tabs.setCurrentWidget(self.coverage)
            search = self.coverage.search
        search.setFocus()
        search.selectAll()

    def default_edit_target(self) -> ExcelTableView:
        """Return the table of the tab shown, for the Edit menu."""
        widget = self.tabs.currentWidget()
        if widget is self.purchases:
            return self.purchases.view
        return self.comparison.view if widget is self.comparison else self.coverage.view

    def save_state(self) -> None:
        """Reimplemented from Page.save_state: splitters and column layout."""
        coverage = self.coverage
        self.settings.set_state(_OWNER, "splitter", coverage.splitter.saveState())
        self.settings.set_state(_OWNER, "bottom", coverage.bottom.saveState())
        self.settings.set_state(
            _OWNER, "purchases", self.purchases.view.horizontalHeader().saveState()
        )

    def restore_state(self) -> None:
        """Reimplemented from Page.restore_state."""
        coverage = self.coverage
        for key, splitter in (("splitter", coverage.splitter), ("bottom", coverage.bottom)):
            state = self.settings.state(_OWNER, key)
            if state is not None:
                splitter.restoreState(state)
        header = self.settings.state(_OWNER, "purchases")
        if header is not None:
            self.purchases.view.horizontalHeader().restoreState(header)

    def status_counts(self) -> str:
        """Return e.g. "25 parts: 14 run out (firm only) · 231 purchases, 150 late"."""
        if self.outcome is None:
            return ""
        from planner.plan_model import NEVER

        plan = self.outcome.plan
        parts = len(plan.snapshot.parts.id)
        short = int((plan.runout_firm < NEVER).sum())
        late = int((plan.recommendations.status > 0).sum())
        purchases = len(plan.recommendations)
        return (
            f"{parts} parts: {short} run out (firm only) · {purchases} purchases, {late} late"
        )

    # -- planning -------------------------------------------------------------------------

    @property
    def plan(self) -> Plan | None:
        """Return the plan on screen."""
        return self.outcome.plan if self.outcome is not None else None

    def set_source_provider(self, provider: SourceProvider | None) -> None:
        """Plan with other candidate sources per part (the alternative-suppliers hook).

        The sourcing feature passes a `planner.engine.SourceProvider` returning each
        part's current supplier and its qualified alternatives; None goes back to the
        current supplier only. The plan on screen goes out of date.
        """
        self.source_provider = provider
        self._set_stale("The candidate suppliers changed.")

    def _start(self) -> date:
        assert self.session is not None
        return plan_start(self.session)

    @Slot()
    def recalculate(self) -> None:
        """Plan again under the scenario bar's assumptions, off the GUI thread."""
        session = self.session
        if session is None:
            return
        from planner.plan_model import ScenarioError

        try:
            scenario = self.bar.scenario(self._start())
        except ScenarioError as exc:
            self._say(str(exc), warning=True)
            return
        self._say("")
        job = plan_job(session, scenario, sources=self.source_provider)
        self.runner.start(job, self._on_plan_done)

    def _on_plan_done(self, outcome: PlanOutcome) -> None:
        self._show(outcome)
        self._set_stale("")
        self.plan_changed.emit()
        self.status_message.emit(f"Plan calculated in {outcome.seconds:.2f} s")

    def _show(self, outcome: PlanOutcome | None) -> None:
        self.outcome = outcome
        self._accepted = {}
        plan = outcome.plan if outcome is not None else None
        today = self.session.today if self.session is not None else date.today()
        self.coverage.set_plan(plan, today)
        self.purchases.set_plan(plan, outcome.reasons if outcome is not None else ())
        count = len(plan.recommendations) if plan is not None else 0
        self.tabs.setTabText(
            1, f"Purchase plan ({count})" if plan is not None else "Purchase plan"
        )
        self.basis.setText(self._basis())
        self.basis.setToolTip("\n".join(plan.snapshot.notes) if plan is not None else "")

    def _basis(self) -> str:
        if self.session is None:
            return ""
        if self.outcome is None:
            return "Calculating…"
        return basis_text(self.outcome, self.session.rule_set.as_of)

    def _set_stale(self, reason: str) -> None:
        if reason and self.outcome is None:
            return  # nothing on screen to be out of date
        self.stale = reason
        self.banner.text.setText(f"<b>This plan is out of date.</b> {reason}" if reason else "")
        self.banner.setVisible(bool(reason))

    def _say(self, text: str, *, warning: bool = False) -> None:
        self.message.setVisible(bool(text))
        self.message.setText(("⚠ " if warning else "") + text)
        self.message.setStyleSheet(f"color: {STATUS_COLORS['warning']};" if warning else "")

    # -- accepting purchases --------------------------------------------------------------

    @Slot(list)
    def accept_purchases(self, rows: list[int]) -> None:
        """Turn recommended purchases into planned orders, as one undo step."""
        session, plan = self.session, self.plan
        if session is None or plan is None or not rows:
            return
        keys = accept_purchases(self.undo_stack, session, plan, rows)
        self._accepted.update(zip(rows, keys, strict=True))
        self._refresh_accepted()
        self._say(accepted_message(plan, rows))
        self._set_stale(ACCEPTED_NOTE)

    def _refresh_accepted(self) -> int:
        """Mark the purchases whose planned orders still exist; return how many."""
        if self.session is None or not self._accepted:
            return 0
        workspace = self.session.workspace
        live = {row for row, key in self._accepted.items() if workspace.get(Order, key)}
        self.purchases.model.set_accepted(frozenset(live))
        return len(live)

    # -- scenarios ------------------------------------------------------------------------

    def _names(self) -> list[str]:
        if self.session is None:
            return []
        from planner.scenarios import scenario_names

        return scenario_names(self.session.workspace)

    @Slot()
    def save_scenario_as(self) -> None:
        """Ask for a name and save the bar's assumptions under it (undoable)."""
        if self.session is None:
            return
        suggested = self.bar.current_name() or self.bar.describe()
        name, ok = QInputDialog.getText(
            self, "Save scenario", "Name of the scenario:", QLineEdit.EchoMode.Normal, suggested
        )
        name = name.strip()
        if ok and name:
            self.save_scenario(name)

    def save_scenario(self, name: str) -> None:
        """Save the bar's assumptions as scenario `name` (undoable)."""
        from dataclasses import replace

        assert self.session is not None
        scenario = replace(self.bar.scenario(self._start()), name=name)
        self.undo_stack.push(SaveScenarioCommand(self.session, scenario))
        self.bar.set_names(self._names(), name)

    @Slot()
    def delete_scenario(self) -> None:
        """Delete the saved scenario chosen in the bar (undoable)."""
        name = self.bar.current_name()
        if self.session is not None and name:
            self.undo_stack.push(DeleteScenarioCommand(self.session, name))

    # -- slots ----------------------------------------------------------------------------

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity == "scenarios":
            names = self._names()
            current = self.bar.current_name()
            self.bar.set_names(names, current if current in names else None)
            self.comparison.set_names(names)
            return
        if change.entity not in PLAN_ENTITIES:
            return
        if change.entity == "orders":
            self._refresh_accepted()
        accepted = bool(self.purchases.model.accepted)
        self._set_stale(ACCEPTED_NOTE if accepted else CHANGED)

    @Slot(str)
    def _on_bar_scenario_chosen(self, name: str) -> None:
        from planner.plan_model import ScenarioError
        from planner.scenarios import load_scenario

        assert self.session is not None
        try:
            scenario = load_scenario(self.session.workspace, name, start=self._start())
        except ScenarioError as exc:
            self._say(str(exc), warning=True)
            return
        self.bar.set_scenario(scenario)
        self.recalculate()

    @Slot()
    def _on_bar_settings_changed(self) -> None:
        self._set_stale(SETTINGS + " Recalculate to apply them.")

    @Slot(bool)
    def _on_runner_busy_changed(self, busy: bool) -> None:
        self.bar.recalculate_button.setEnabled(not busy)
        self.banner.button.setEnabled(not busy)
        if busy and self.outcome is None:
            self.basis.setText("Calculating…")

    @Slot(str)
    def _on_runner_failed(self, text: str) -> None:
        self._say(text, warning=True)
        self.basis.setText(self._basis() if self.outcome is not None else "")

    @Slot()
    def _on_runner_cancelled(self) -> None:
        shown = "the previous plan stays on screen" if self.outcome else "no plan calculated"
        self._say(f"Recalculation cancelled: {shown}.")
        if self.outcome is None:
            self.basis.setText("")
