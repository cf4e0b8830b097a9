"""One long import step at a time off the GUI thread, shown in a progress panel with Cancel."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from planner.importing import ReadCancelledError, ReadError
from planner.importing.validate import ImportCancelledError
from planner.workspace import ValidationError

from ui.background import CancelledError, run_in_background
from ui.import_state import describe_read_error
from ui.import_steps import quiet_collector

if TYPE_CHECKING:
    from collections.abc import Callable

    from ui.background import Task, TaskControl
    from ui.import_state import Cancel, Progress

T = TypeVar("T")
_LOG = logging.getLogger(__name__)
_REPORT_SECONDS = 0.05  # at most 20 progress updates a second reach the GUI thread


def user_message(error: Exception) -> str:
    """Return what to tell the buyer about a failed step (never a traceback)."""
    if isinstance(error, ReadError):
        return describe_read_error(error)
    if isinstance(error, ValidationError):
        return f"Nothing was imported: {error}"
    if isinstance(error, MemoryError):
        return "The file needs more memory than this computer has free; nothing was imported."
    return f"The step failed and nothing was imported ({type(error).__name__}: {error})."


class ProgressPanel(QWidget):
    """A status line, a progress bar and a Cancel button, shown while a step runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(14)
        self.bar.setMinimumWidth(220)
        self.cancel_button = QPushButton("Cancel step")
        self.cancel_button.setToolTip("Stop this step; nothing is written to the workspace")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def show_progress(self, message: str, done: int, total: int) -> None:
        """Show `message` with "done of total rows", or a busy bar when total is 0."""
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(min(1000, round(1000 * done / total)))
            self.label.setText(f"{message} {done:,} of {total:,} rows")
        else:
            self.bar.setRange(0, 0)
            self.label.setText(message)


class StepRunner(QObject):
    """Runs one step at a time on a worker thread; callbacks come back on the GUI thread.

    The step function gets `progress(done, total)` (total 0 means "busy") and `cancel()`
    callbacks; it must not touch widgets. A cancelled or failed step changes nothing.

    Signals:
        busy_changed: True when a step starts, False when it ends.
        failed: The message to show for a step that failed.
        cancelled: A step was cancelled.
    """

    busy_changed = Signal(bool)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, panel: ProgressPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self._task: Task[Any] | None = None
        self._message = ""
        panel.cancel_button.clicked.connect(self.cancel)

    @property
    def busy(self) -> bool:
        """Whether a step is running."""
        return self._task is not None

    def run(
        self,
        message: str,
        step: Callable[[Progress, Cancel], T],
        on_done: Callable[[T], object],
    ) -> None:
        """Start `step` on a worker thread; call `on_done(result)` when it succeeds."""
        assert self._task is None, "one import step at a time"
        self._message = message

        def job(control: TaskControl) -> T:
            last = 0.0

            def progress(done: int, total: int) -> None:
                nonlocal last
                control.check()
                now = time.monotonic()
                if total == 0 or done >= total or now - last >= _REPORT_SECONDS:
                    last = now
                    control.progress(done, total, "")

            try:
                return quiet_collector(lambda: step(progress, lambda: control.cancelled))
            except (ReadCancelledError, ImportCancelledError) as exc:
                raise CancelledError from exc

        def succeeded(result: T) -> None:
            # The result is taken in before the step counts as over, so a page can keep
            # the wizard open (an import that finished before a cancel reached it).
            self._task = None
            self.panel.hide()
            try:
                on_done(result)
            finally:
                self.busy_changed.emit(self.busy)

        self.panel.show_progress(message, 0, 0)
        self.panel.cancel_button.setEnabled(True)
        self.panel.show()
        self._task = run_in_background(
            job,
            on_success=succeeded,
            on_error=self._on_error,
            on_progress=self._on_progress,
            on_cancel=self._on_cancel,
        )
        self.busy_changed.emit(True)

    @Slot()
    def cancel(self) -> None:
        """Ask the running step to stop (nothing is written)."""
        if self._task is not None:
            self._task.cancel()
            self.panel.cancel_button.setEnabled(False)
            self.panel.label.setText("Cancelling…")

    def _end(self) -> None:
        self._task = None
        self.panel.hide()
        self.busy_changed.emit(False)

    def _on_progress(self, done: int, total: int, _: str) -> None:
        if self._task is not None and not self._task.control.cancelled:
            self.panel.show_progress(self._message, done, total)

    def _on_error(self, error: Exception, trace: str) -> None:
        if not isinstance(error, ReadError | ValidationError):
            _LOG.error("import step failed: %s\n%s", error, trace)
        self._end()
        self.failed.emit(user_message(error))

    def _on_cancel(self) -> None:
        self._end()
        self.cancelled.emit()
