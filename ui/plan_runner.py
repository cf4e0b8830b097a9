"""Planning runs off the GUI thread: the job, what it returns, and a runner with cancel.

The Plan page, the scenario comparison and the Dashboard all plan the same way: read the
workspace into a snapshot, run the engine, explain the purchases in words. The job is
built on the GUI thread from plain values (workspace, rule set, today), so the worker
never touches a QObject (STYLE.md §7).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget
from shiboken6 import isValid

from ui.background import run_in_background

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from planner.engine import SourceProvider
    from planner.plan_model import Scenario
    from planner.plan_result import Plan

    from ui.background import Task, TaskControl
    from ui.session import WorkspaceSession

T = TypeVar("T")
_CHECK_EVERY = 2000  # explanations written between two cancel checks
EXPLAIN_LIMIT = 50_000
"""Purchases explained on the worker; the views explain any further ones when shown."""

PLAN_ENTITIES = frozenset(
    {"parts", "bom_lines", "build_plan", "stock", "orders", "licences", "rule_overrides"}
    | {"products", "suppliers", "licence_items", "licence_events", "meta", "rules"}
)
"""Workspace tables whose changes make a plan out of date."""


@dataclass(frozen=True, eq=False)
class PlanOutcome:
    """A finished planning run and the words the views show with it.

    Attributes:
        plan: The engine's result.
        reasons: Why each recommended purchase is there, in words (by row; at most
            `EXPLAIN_LIMIT`).
        seconds: How long the run took.
        finished_at: When it finished (local time).
    """

    plan: Plan
    reasons: tuple[str, ...]
    seconds: float
    finished_at: datetime


def plan_job(
    session: WorkspaceSession,
    scenario: Scenario,
    *,
    sources: SourceProvider | None = None,
    explain: bool = True,
) -> Callable[[TaskControl], PlanOutcome]:
    """Return a background job planning the session's workspace under `scenario`.

    Args:
        session: Read here, on the GUI thread; the job keeps only plain values.
        scenario: The planning assumptions.
        sources: Candidate sources per part (the alternatives extension point); default:
            each part's current supplier.
        explain: Whether to explain each recommended purchase in words.
    """
    workspace, rule_set, today = session.workspace, session.rule_set, session.today

    def job(control: TaskControl) -> PlanOutcome:
        from planner.engine import run_plan
        from planner.plan_snapshot import build_snapshot
        from planner.plan_text import recommendation_reason

        started = time.perf_counter()
        control.progress(0, 3, "Reading the workspace…")
        snapshot = build_snapshot(workspace, scenario, today=today, rule_set=rule_set)
        control.progress(1, 3, "Projecting stock, runouts and purchases…")
        plan = run_plan(snapshot, sources=sources)
        control.progress(2, 3, "Explaining the purchases…")
        # Touch the cached arrivals here so the chart never computes them on the GUI thread.
        _ = plan.arrivals_firm, plan.arrivals_pending
        reasons: list[str] = []
        for row in range(min(len(plan.recommendations), EXPLAIN_LIMIT) if explain else 0):
            if row % _CHECK_EVERY == 0:
                control.check()
            reasons.append(recommendation_reason(plan, row))
        control.progress(3, 3, "Done")
        return PlanOutcome(plan, tuple(reasons), time.perf_counter() - started, datetime.now())

    return job


def basis_text(outcome: PlanOutcome, rules_as_of: date) -> str:
    """Return what a plan assumes, in one line: scenario, review time, rules, when."""
    from ui.plan_format import day_text

    snapshot = outcome.plan.snapshot
    scenario = snapshot.scenario
    notes = len(snapshot.notes)
    text = (
        f"Scenario “{scenario.name}”: licence review {snapshot.review_working_days} "
        f"Chinese working days ({snapshot.review_basis}); pending licences "
        f"{scenario.pending_label}; {scenario.horizon} {scenario.bucket.value}s from "
        f"{day_text(scenario.start)}; rules as of {day_text(rules_as_of)}; "
        f"calculated {outcome.finished_at:%H:%M} in {outcome.seconds:.2f} s"
    )
    if notes:
        text += f" · {notes} data note{'s' if notes != 1 else ''} (hover to read)"
    return text


class PlanRunner(QObject):
    """Runs one background job at a time; a new run or Cancel drops the old one's result.

    Each runner has its own thread pool, so `wait()` can make sure no job still reads a
    workspace that is about to close.

    Signals:
        busy_changed: True when a job starts, False when it ends, fails or is cancelled.
        progressed: Steps done, steps in all, and what is being done.
        failed: What went wrong, in words.
        cancelled: The running job was cancelled; the previous result stays.
    """

    busy_changed = Signal(bool)
    progressed = Signal(int, int, str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._task: Task[Any] | None = None
        # Dropped tasks stay referenced until they end, so their signals outlive the worker.
        self._running: set[Task[Any]] = set()

    @property
    def busy(self) -> bool:
        """Whether a job is running (not counting cancelled ones winding down)."""
        return self._task is not None

    def start(self, job: Callable[[TaskControl], T], on_done: Callable[[T], object]) -> None:
        """Run `job` on a worker thread, then `on_done(result)` on the GUI thread."""
        if self._task is not None:
            self._task.cancel()
        task: Task[Any] | None = None

        def finish() -> bool:
            if not isValid(self):  # the page went away while the job ran
                return False
            self._running.discard(task)
            if task is not self._task or task is None or task.control.cancelled:
                return False
            self._task = None
            self.busy_changed.emit(False)
            return True

        def succeeded(result: T) -> None:
            if finish():
                on_done(result)

        def errored(error: Exception, trace: str) -> None:
            if finish():
                self.failed.emit(_words(error, trace))

        def progressed(done: int, total: int, message: str) -> None:
            if isValid(self) and task is self._task:
                self.progressed.emit(done, total, message)

        task = run_in_background(
            job,
            on_success=succeeded,
            on_error=errored,
            on_progress=progressed,
            on_cancel=finish,
            pool=self._pool,
        )
        self._running.add(task)
        was_busy, self._task = self._task is not None, task
        if not was_busy:
            self.busy_changed.emit(True)

    @Slot()
    def cancel(self) -> None:
        """Cancel the running job at once; its result, if it still comes, is dropped."""
        if self._task is None:
            return
        self._task.cancel()
        self._task = None
        self.busy_changed.emit(False)
        self.cancelled.emit()

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until no job runs any more (before the workspace closes)."""
        return self._pool.waitForDone(msecs)


def _words(error: Exception, trace: str) -> str:
    from planner.bom import BomCycleError
    from planner.plan_model import ScenarioError
    from planner.workspace import ValidationError

    if isinstance(error, BomCycleError | ScenarioError | ValidationError):
        return f"The plan cannot be calculated: {error}"
    import logging

    logging.getLogger(__name__).error("planning failed: %s\n%s", error, trace)
    return f"The plan could not be calculated ({type(error).__name__}: {error})."


class ProgressStrip(QWidget):
    """What a running calculation is doing, a progress bar and a Cancel button.

    Attributes:
        label: The step in words.
        bar: Steps done.
        cancel_button: Cancels the calculation; the previous result stays on screen.
    """

    def __init__(self, runner: PlanRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Calculating…")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        self.bar.setFixedWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop calculating; the previous plan stays on screen")
        self.cancel_button.clicked.connect(runner.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        runner.busy_changed.connect(self._on_runner_busy_changed)
        runner.progressed.connect(self._on_runner_progressed)
        self.hide()

    @Slot(bool)
    def _on_runner_busy_changed(self, busy: bool) -> None:
        if busy:
            self.bar.setRange(0, 0)
            self.label.setText("Calculating…")
        self.setVisible(busy)

    @Slot(int, int, str)
    def _on_runner_progressed(self, done: int, total: int, message: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(message)
