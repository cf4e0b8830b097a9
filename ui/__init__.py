"""Magnet Planner desktop interface (PySide6)."""

import builtins
import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Start-up allocates hundreds of thousands of long-lived objects (module and class
# definitions); collecting them again and again cost ~35 ms before the first paint
# (`make bench`). Collection resumes with `resume_gc()` once the window has painted.
_THRESHOLDS = gc.get_threshold()
gc.set_threshold(1_000_000, _THRESHOLDS[1], _THRESHOLDS[2])


def resume_gc() -> None:
    """Restore the garbage collector's normal thresholds."""
    gc.set_threshold(*_THRESHOLDS)


# Python's own import, before shiboken6 (PySide6) wraps it: see plain_imports.
_IMPORT = builtins.__import__


@contextmanager
def plain_imports() -> Iterator[None]:
    """Import modules that never use Qt without shiboken6's import hook.

    Once PySide6 is loaded, its hook reads the source of every newly imported module to
    look for "PySide6" (for `from __feature__ import ...`, which this app never uses).
    That made opening the ORM workspace after the first paint (SQLAlchemy and the planner,
    which never import Qt) ~0.1 s slower: 0.39 s against 0.28 s, medians of 7 interleaved
    runs of `WorkspaceSession.load` on the sample.
    """
    hooked = builtins.__import__
    builtins.__import__ = _IMPORT
    try:
        yield
    finally:
        builtins.__import__ = hooked


# Import what the first paint needs from the planner before PySide6, for the same reason:
# once shiboken6 is loaded, every later import is slower (`make bench`). SQLAlchemy is not
# among them: the first window reads the workspace with sqlite3 (planner.quickread) and the
# ORM is opened after it has painted (ui.session).
import planner.fields  # noqa: E402
import planner.parts  # noqa: E402
import planner.quickread  # noqa: E402
import planner.rule_data  # noqa: E402
import planner.tsv  # noqa: E402

__all__ = ["plain_imports", "planner", "resume_gc"]
