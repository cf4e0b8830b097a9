"""Read values as buyers type or paste them: numbers with units, decimal commas, dates."""

from __future__ import annotations

import re
from datetime import date, datetime

_NUMBER = re.compile(r"^[+-]?(\d[\d\s',.]*)?\d?$")
_STRIP = re.compile(r"\s*(pcs|pc|pieces|g|kg|%|€|\$|eur|usd|cny|rmb|days?|d)\s*$", re.I)


class ValueReadError(ValueError):
    """A cell that cannot be read; the message says why in plain words."""


def parse_number(text: str) -> float:
    """Read "1,234.5", "1.234,5", "2,5", "1 200", "12 %" or "3 g" as a float.

    Raises:
        ValueReadError: the text is not a number (e.g. "many", "~3M", "1 pair").
    """
    raw = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    cleaned = _STRIP.sub("", raw).strip().lstrip("$€").strip()
    if not cleaned or not _NUMBER.match(cleaned):
        raise ValueReadError(f"{text.strip()!r} is not a number")
    cleaned = cleaned.replace(" ", "").replace("'", "")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1 and (
        not re.search(r",\d{3}$", cleaned) or re.match(r"^[+-]?0,", cleaned)
    ):  # "0,002" cannot be thousands grouping: it is a decimal comma
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueReadError(f"{text.strip()!r} is not a number") from None


def parse_count(text: str) -> int:
    """Read a whole number of pieces or days; refuse fractions."""
    value = parse_number(text)
    if value != int(value):
        raise ValueReadError(f"{text.strip()!r} must be a whole number")
    return int(value)


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%b-%Y", "%d %b %Y")


def parse_date(text: str) -> date:
    """Read 2026-12-01, 01.12.2026, 01/12/2026 (day first), 1-Dec-2026 or 1 Dec 2026."""
    raw = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueReadError(f"{raw!r} is not a date (use YYYY-MM-DD)")
