"""Background tasks: results, errors, cancel reach the GUI thread; a closed window is quiet."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QThreadPool
from shiboken6 import delete

from ui.background import TaskControl, run_in_background

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_the_result_and_progress_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: list[object] = []
    gui = threading.get_ident()

    def work(control: TaskControl) -> int:
        control.progress(1, 2, "half")
        return 42

    def done(result: int) -> None:
        seen.append((result, threading.get_ident() == gui))

    task = run_in_background(
        work,
        on_success=done,
        on_error=lambda exc, _trace: seen.append(exc),
        on_progress=lambda done, total, text: seen.append((done, total, text)),
    )
    qtbot.waitUntil(lambda: (42, True) in seen)
    assert (1, 2, "half") in seen
    assert task.control.cancelled is False


def test_an_error_and_a_cancel_are_reported(qtbot: QtBot) -> None:
    errors: list[str] = []
    cancelled: list[bool] = []

    def broken(_control: TaskControl) -> None:
        raise ValueError("the file is damaged")

    run_in_background(broken, on_success=print, on_error=lambda e, _t: errors.append(str(e)))
    qtbot.waitUntil(lambda: errors == ["the file is damaged"])

    started, release = threading.Event(), threading.Event()

    def slow(control: TaskControl) -> None:
        started.set()
        release.wait(5)
        control.check()

    task = run_in_background(
        slow, on_success=print, on_error=print, on_cancel=lambda: cancelled.append(True)
    )
    assert started.wait(5)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: cancelled == [True])


def test_a_task_finishing_after_its_window_closed_raises_nothing(qtbot: QtBot) -> None:
    """The window (and the task's signals) can go while the work still runs."""
    started, release = threading.Event(), threading.Event()
    finished = threading.Event()
    got: list[object] = []

    def slow(control: TaskControl) -> int:
        started.set()
        release.wait(5)
        control.progress(1, 1)
        finished.set()
        return 1

    task = run_in_background(
        slow, on_success=got.append, on_error=lambda exc, _t: got.append(exc)
    )
    assert started.wait(5)
    delete(task.signals)  # what closing the page that owned the task does
    release.set()
    assert finished.wait(5)
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(20)
    assert got == []  # nobody to tell, and no exception in the worker thread
