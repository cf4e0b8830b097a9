"""Run long work off the GUI thread with progress and cancel (STYLE.md §7)."""

from __future__ import annotations

import threading
import traceback
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

if TYPE_CHECKING:
    from collections.abc import Callable

ResultT = TypeVar("ResultT")


class CancelledError(Exception):
    """Raised inside a task when the user cancelled it."""


class TaskControl:
    """What a task sees: report progress, check for cancel."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Report progress; raise CancelledError when the user asked to stop."""
        self.check()
        _deliver(self._signals, "progressed", done, total, message)

    def check(self) -> None:
        """Raise CancelledError when the user asked to stop."""
        if self._cancel.is_set():
            raise CancelledError

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel was asked for."""
        return self._cancel.is_set()


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


class _Runnable(QRunnable, Generic[ResultT]):
    def __init__(
        self, fn: Callable[[TaskControl], ResultT], signals: _Signals, control: TaskControl
    ) -> None:
        super().__init__()
        self._fn, self._signals, self._control = fn, signals, control

    def run(self) -> None:
        try:
            result = self._fn(self._control)
        except CancelledError:
            _deliver(self._signals, "cancelled")
        except Exception as exc:
            _deliver(self._signals, "failed", exc, traceback.format_exc())
        else:
            _deliver(self._signals, "succeeded", result)


def _deliver(signals: _Signals, name: str, *args: Any) -> None:
    """Emit a task's signal unless whoever waited for it is gone (a window closed while
    the task ran): then there is nobody to tell, and no error to show."""
    if not isValid(signals):
        return
    try:
        getattr(signals, name).emit(*args)
    except RuntimeError:
        if isValid(signals):  # a real error, not a receiver that closed meanwhile
            raise


class Task(Generic[ResultT]):
    """A running background task; keep a reference until it finishes."""

    def __init__(self, control: TaskControl, signals: _Signals) -> None:
        self.control = control
        self.signals = signals

    def cancel(self) -> None:
        """Ask the task to stop."""
        self.control.cancel()


def run_in_background(
    fn: Callable[[TaskControl], ResultT],
    *,
    on_success: Callable[[ResultT], Any],
    on_error: Callable[[Exception, str], Any],
    on_progress: Callable[[int, int, str], Any] | None = None,
    on_cancel: Callable[[], Any] | None = None,
    pool: QThreadPool | None = None,
) -> Task[ResultT]:
    """Run `fn(control)` on a worker thread; callbacks run on the GUI thread.

    The worker must not touch widgets; it reports through `control.progress`.
    """
    signals = _Signals()
    control = TaskControl(signals)
    signals.succeeded.connect(on_success)
    signals.failed.connect(on_error)
    if on_progress is not None:
        signals.progressed.connect(on_progress)
    if on_cancel is not None:
        signals.cancelled.connect(on_cancel)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, signals, control))
    return Task(control, signals)
