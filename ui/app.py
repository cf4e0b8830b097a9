"""Start the desktop app: `magnet-planner [WORKSPACE] [--screenshot OUT.png --page NAME]`."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from planner import __version__

from ui import resume_gc

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ui.main_window import MainWindow

ORGANIZATION = "MagnetPlanner"
APPLICATION = "Magnet Planner"


class PaintWatcher(QObject):
    """Notices the first paint of a widget (the page is really on screen)."""

    def __init__(self, target: QObject) -> None:
        super().__init__(target)
        self.painted = False
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Reimplemented from QObject.eventFilter."""
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="magnet-planner", description=APPLICATION)
    parser.add_argument("workspace", nargs="?", type=Path, help="workspace file to open")
    parser.add_argument("--version", action="version", version=f"Magnet Planner {__version__}")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="render the window offscreen to a PNG and exit",
    )
    parser.add_argument("--page", default=None, help="page to show (e.g. products)")
    parser.add_argument("--size", default="1360x860", help="window size WxH for --screenshot")
    parser.add_argument("--sample", action="store_true", help="open a fresh sample workspace")
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


def show_until_painted(app: QApplication, window: MainWindow, timeout: float = 15.0) -> bool:
    """Show the window and process events until its current page has painted."""
    target = window.stack.currentWidget()
    assert target is not None
    watcher = PaintWatcher(target)
    window.show()
    deadline = time.monotonic() + timeout
    while not watcher.painted and time.monotonic() < deadline:
        # One pass at a time: work queued once the window has painted (opening the ORM
        # workspace, ui.session) comes after, not before, the first paint.
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
    # A page still calculating off the GUI thread (a plan) is shown with its result.
    busy = getattr(window.current_page(), "busy", None)
    while callable(busy) and busy() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return watcher.painted


def wait_until_painted(app: QApplication, window: MainWindow, timeout: float = 15.0) -> bool:
    """Show the window until its current page has painted, then let pending events run."""
    painted = show_until_painted(app, window, timeout)
    app.processEvents()
    return painted


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"magnet-planner: --size must be WxH, not {text!r}") from None
    return width, height


def _throwaway_settings() -> QSettings:
    """Return settings in a temporary file: a screenshot must not change the user's
    recent files or window layout, nor depend on them."""
    folder = Path(tempfile.mkdtemp(prefix="magnet-planner-shot-"))
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def build_window(args: argparse.Namespace) -> MainWindow:
    """Create the main window and open what the command line asks for."""
    from ui.main_window import MainWindow
    from ui.resources import register_search_path
    from ui.settings import Settings

    register_search_path()
    settings = Settings(_throwaway_settings()) if args.screenshot is not None else Settings()
    window = MainWindow(settings)
    if args.page:
        window.show_page(args.page)
    if args.sample:
        window.open_sample()
    elif args.workspace is not None:
        if not window.open_workspace(args.workspace):
            raise SystemExit(3)
    elif args.screenshot is None and settings.preferences().reopen_last:
        recent = settings.recent_files()
        if recent:
            window.open_workspace(recent[0])
    return window


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; return the exit code."""
    if getattr(sys, "frozen", False):
        # A frozen build is its own import worker process (planner.importing.worker).
        from planner.importing.worker import run_worker_if_requested

        run_worker_if_requested(list(argv) if argv is not None else None)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("magnet-planner")
    window = build_window(args)
    if args.screenshot is not None:
        window.resize(*_size(args.size))
        if not wait_until_painted(app, window):
            sys.stderr.write("magnet-planner: the window did not paint\n")
            return 1
        saved = window.grab().save(str(args.screenshot))
        window.close()
        return 0 if saved else 1
    if args.quit_after_paint:
        show_until_painted(app, window)
        resume_gc()
        # The benchmark times process start to this line (not interpreter teardown).
        sys.stdout.write("painted\n")
        sys.stdout.flush()
        window.close()
        return 0
    window.show()
    QTimer.singleShot(0, resume_gc)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
