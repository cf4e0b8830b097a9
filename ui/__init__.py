"""Magnet Planner desktop interface (PySide6)."""

import gc

# Start-up allocates hundreds of thousands of long-lived objects (module and class
# definitions); collecting them again and again cost ~35 ms before the first paint
# (`make bench`). Collection resumes with `resume_gc()` once the window has painted.
_THRESHOLDS = gc.get_threshold()
gc.set_threshold(1_000_000, _THRESHOLDS[1], _THRESHOLDS[2])


def resume_gc() -> None:
    """Restore the garbage collector's normal thresholds."""
    gc.set_threshold(*_THRESHOLDS)


# Import the data layer before PySide6: once shiboken6 is loaded it hooks every later import,
# which made loading SQLAlchemy and the planner ~0.15 s slower at start-up (`make bench`).
import sqlalchemy.dialects.sqlite  # noqa: E402

import planner.parts  # noqa: E402
import planner.workspace  # noqa: E402
import planner.workspace_rules  # noqa: E402

__all__ = ["planner", "resume_gc", "sqlalchemy"]
