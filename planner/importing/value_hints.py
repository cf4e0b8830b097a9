"""What cells say beyond their header: build-plan periods, and columns known by their values.

A header such as "Jan 2027", "2027-01", "01/2027", "M01" or "2027-W05" names a period; a
column whose values mostly read as grades (N42SH), dimensions (12x5x3mm) or counts is
recognised even when its header says little.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from planner.families import parse_family
from planner.grades import GradeError, parse_grade
from planner.importing.table import cell_text
from planner.periods import add_months
from planner.shapes import DimensionError, Shape, parse_dimensions

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.importing.mapping import ColumnMatch

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january januar ene enero janv janvier",
        "feb february februar febrero fev fevr fevrier",
        "mar march marz mrz marzo mars",
        "apr april abr abril avr avril",
        "may mai mayo",
        "jun june juni junio juin",
        "jul july juli julio juil juillet",
        "aug august ago agosto aout",
        "sep sept september septiembre septembre",
        "oct october okt oktober octubre octobre",
        "nov november noviembre novembre",
        "dec december dez dezember dic diciembre decembre",
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names.split(), _number))

_NAME_Y = re.compile(r"^([a-z]+)\.?[\s\-/'.]*(\d{4}|\d{2})$")
_Y_NAME = re.compile(r"^(\d{4})[\s\-/.]*([a-z]+)$")
_REL = re.compile(r"^m\s*(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})\s*-?\s*w\s*(\d{1,2})$")
_WEEK_FIRST = re.compile(r"^(?:kw|cw|wk|w)\s*(\d{1,2})\s*[-/ ]\s*(\d{4})$")
# Numeric forms: (pattern, group of the year, group of the month).
_NUMERIC = (
    (re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$"), 1, 2),  # 2027-01
    (re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$"), 2, 1),  # 01/2027
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})"), 1, 2),  # 2027-01-01
)


def _fold(text: str) -> str:
    return text.strip().lower().replace("ä", "a").replace("é", "e").replace("û", "u")


def _month(year: int, month: int) -> date | None:
    if year < 100:
        year += 2000
    if 1 <= month <= 12 and 1900 <= year <= 2200:
        return date(year, month, 1)
    return None


def period_of_header(cell: object, start: date) -> date | None:
    """Return the period a header or cell names, or None.

    Months come back as their first day, ISO weeks ("2027-W05", "KW5 2027") as their
    Monday, and "M01".."M36" as months counted from `start`.
    """
    if isinstance(cell, datetime):
        return cell.date().replace(day=1)
    if isinstance(cell, date):
        return cell.replace(day=1)
    text = _fold(cell_text(cell))
    if not text or len(text) > 20:
        return None
    for pattern, year, month in _NUMERIC:
        if match := pattern.match(text):
            return _month(int(match[year]), int(match[month]))
    if (match := _NAME_Y.match(text)) and match[1] in _MONTHS:
        return _month(int(match[2]), _MONTHS[match[1]])
    if (match := _Y_NAME.match(text)) and match[2] in _MONTHS:
        return _month(int(match[1]), _MONTHS[match[2]])
    if match := _REL.match(text):
        months = int(match[1])
        return add_months(start, months - 1) if 1 <= months <= 36 else None
    return _week(text)


def _week(text: str) -> date | None:
    if match := _WEEK.match(text):
        year, week = match[1], match[2]
    elif match := _WEEK_FIRST.match(text):
        year, week = match[2], match[1]
    else:
        return None
    try:
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def looks_like_grade(text: str) -> bool:
    """Return whether a value names a magnet grade (N42SH, Y30BH) rather than a family."""
    if len(text) > 24 or parse_family(text) is not None:
        return False
    try:
        parse_grade(text)
    except GradeError:
        return False
    return True


def looks_like_family(text: str) -> bool:
    """Return whether a value names a magnet family (NdFeB, ferrite, SmCo ...)."""
    return len(text) <= 40 and text[:1].isalpha() and parse_family(text) is not None


def looks_like_dimensions(text: str) -> bool:
    """Return whether a value reads as magnet dimensions (12x5x3mm, ⌀8 x 2.5)."""
    if len(text) > 60 or not re.search(r"\d", text):
        return False
    try:
        parse_dimensions(text)
    except DimensionError:
        try:
            parse_dimensions(text, shape=Shape.DISC)
        except DimensionError:
            return False
    return True


def _is_count(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value >= 0 and value.is_integer()


_GENERIC = frozenset({"name", "description", "note", "notes"})
_QUANTITY_FIELDS = ("quantity", "build_quantity", "order_quantity", "on_hand")
_VALUE_TESTS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("grade", looks_like_grade),
    ("family", looks_like_family),
    ("dimensions", looks_like_dimensions),
)


def _share(texts: list[str], test: Callable[[str], bool]) -> float:
    return sum(1 for t in texts if test(t)) / len(texts) if texts else 0.0


def value_matches(
    kind: str,
    headers: dict[int, str],
    samples: dict[int, list[str]],
    matches: dict[int, ColumnMatch],
) -> dict[int, ColumnMatch]:
    """Return `matches` completed and corrected by what the columns hold.

    A column matched as grade whose values read as families (a "Material" column
    holding "NdFeB") becomes the family column, and the other way round; unmatched
    columns whose values mostly read as grades, families, dimensions or counts fill
    those fields when no header did.
    """
    from planner.importing.field_specs import KIND_FIELDS
    from planner.importing.mapping import ColumnMatch, header_score

    found = dict(matches)
    fields = KIND_FIELDS[kind]
    _specific_values(found, samples, fields)
    for column, match in list(found.items()):
        swap = {"grade": "family", "family": "grade"}.get(match.field)
        texts = samples.get(column, [])
        if not swap or len(texts) < 3 or swap not in fields:
            continue
        tests = dict(_VALUE_TESTS)
        better = _share(texts, tests[swap]) > max(0.5, _share(texts, tests[match.field]))
        if better and all(m.field != swap for m in found.values()):
            found[column] = ColumnMatch(
                column, match.header, swap, match.confidence, None, "values"
            )
    used = {m.field for m in found.values()}
    for name, test in _VALUE_TESTS:
        if name not in fields or name in used:
            continue
        best = max(
            (
                (_share(texts, test), -column)
                for column, texts in samples.items()
                if column not in found and len(texts) >= 2
            ),
            default=(0.0, 0),
        )
        if best[0] >= 0.6:
            column = -best[1]
            confidence = round(0.4 + 0.4 * best[0], 2)
            found[column] = ColumnMatch(
                column, headers[column], name, confidence, None, "values"
            )
            used.add(name)
    quantity = next((f for f in _QUANTITY_FIELDS if f in fields and f not in used), None)
    if quantity is not None:
        candidates = [
            (header_score(headers[column], quantity), -column)
            for column, texts in samples.items()
            if column not in found and _counts(texts)
        ]
        if candidates:
            column = -max(candidates)[1]
            found[column] = ColumnMatch(column, headers[column], quantity, 0.55, None, "values")
    return found


def _specific_values(
    found: dict[int, ColumnMatch], samples: dict[int, list[str]], fields: tuple[str, ...]
) -> None:
    """Give a free-text column ("Spec") whose values are grades or sizes their field."""
    from planner.importing.mapping import ColumnMatch

    for column, match in list(found.items()):
        texts = samples.get(column, [])
        if match.field not in _GENERIC or len(texts) < 2:
            continue
        for name, test in _VALUE_TESTS:
            taken = any(m.field == name for m in found.values())
            if name in fields and not taken and _share(texts, test) >= 0.8:
                found[column] = ColumnMatch(column, match.header, name, 0.8, None, "values")
                break


def _counts(texts: list[str]) -> bool:
    """Whether a column holds counts that are not just a running line number."""
    if len(texts) < 2 or _share(texts, _is_count) < 0.8:
        return False
    numbers = [float(t) for t in texts if _is_count(t)]
    return numbers != [float(i) for i in range(1, len(numbers) + 1)]
