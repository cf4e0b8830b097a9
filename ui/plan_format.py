"""How plan figures read on screen and in copied cells: dates, pieces, colours."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor

_MAX_DAY = date.max.toordinal()

NONE_IN_HORIZON = "—"
"""Shown where no date falls within the plan's horizon."""

# Pale cell backgrounds with dark text on top, readable on light and dark palettes alike.
FIRM_BACKGROUND = QColor("#d6f0dd")
PENDING_BACKGROUND = QColor("#fce3b0")
SHORT_BACKGROUND = QColor("#f7cfcb")
CELL_TEXT = QColor("#1d1f23")
FIRM_LINE = QColor("#2e8b57")
PENDING_LINE = QColor("#d98e04")
SHORT_LINE = QColor("#d0433a")
SAFETY_LINE = QColor("#3b7dd8")


def day_text(day: date | None) -> str:
    """Return a date as buyers read it ("21 Jan 2027"), or "—" for none."""
    return NONE_IN_HORIZON if day is None else f"{day.day} {day:%b %Y}"


def _date_of(ordinal: int) -> date | None:
    # As planner.plan_model.date_of, without importing numpy before the first paint.
    return date.fromordinal(ordinal) if 0 < ordinal <= _MAX_DAY else None


def ordinal_text(ordinal: int) -> str:
    """Return a plan day (an ordinal, `NEVER` for none) as `day_text` does."""
    return day_text(_date_of(int(ordinal)))


def ordinal_iso(ordinal: int) -> str:
    """Return a plan day as ISO text for Excel ("" for none)."""
    day = _date_of(int(ordinal))
    return "" if day is None else day.isoformat()


def pieces_text(value: float) -> str:
    """Return pieces rounded to whole ones with separators: "12,400", "−3,200", "−1.01 M"."""
    rounded = round(float(value))
    text = f"{abs(rounded) / 1e6:.2f} M" if abs(rounded) >= 1_000_000 else f"{abs(rounded):,}"
    return f"−{text}" if rounded < 0 else text


def plain_pieces(value: float) -> str:
    """Return pieces as Excel wants them: "12400", "-3200"."""
    return str(round(float(value)))
