"""Editable fields: labels, units and how text typed or pasted by a buyer becomes a value.

One table of specs per entity drives table columns, validating editors, paste and import,
so every path applies the same rules and the same wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.families import Family, family_info, parse_family
from planner.grades import GradeError, parse_grade
from planner.shapes import DimensionError, Shape, parse_dimensions
from planner.values import ValueReadError, parse_count, parse_date, parse_number

if TYPE_CHECKING:
    from datetime import date


class FieldError(ValueError):
    """A value refused for a field; `reason` is the sentence shown next to the cell."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class Context:
    """What a parser may need beyond the text: the row's other values and lookups."""

    family: Family | None = None
    shape: Shape | None = None
    suppliers: Mapping[str, int] = field(default_factory=dict)


Parser = Callable[[str, Context], Any]


@dataclass(frozen=True)
class FieldSpec:
    """One editable field.

    Attributes:
        name: Column name in the workspace.
        label: Header text.
        unit: Unit shown in the header, e.g. "g" or "%".
        parse: Turns non-empty text into the stored value or raises FieldError/ValueReadError.
        required: Whether an empty cell is refused.
        choices: Allowed values for a combo editor.
    """

    name: str
    label: str
    parse: Parser
    unit: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """Header with unit, e.g. "Mass (g)"."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def read(self, text: str | None, context: Context | None = None) -> Any:
        """Return the value to store for `text` (None for an empty optional cell).

        Raises:
            FieldError: the text is not acceptable; the reason says why.
        """
        raw = (text or "").strip()
        if not raw:
            if self.required:
                raise FieldError(self.name, f"{self.label} is required")
            return None
        try:
            return self.parse(raw, context or Context())
        except FieldError:
            raise
        except (ValueReadError, GradeError, DimensionError) as exc:
            reason = getattr(exc, "reason", None) or str(exc)
            raise FieldError(self.name, reason) from exc


@dataclass(frozen=True)
class TextParser:
    """Free text up to `limit` characters (a class, so bulk readers can recognise it)."""

    limit: int

    def __call__(self, raw: str, _: Context) -> str:
        """Return the text, or raise ValueReadError when it is too long."""
        if len(raw) > self.limit:
            raise ValueReadError(f"longer than {self.limit} characters")
        return raw.replace("\x00", "")


def text(limit: int = 200) -> Parser:
    """Return a parser for free text up to `limit` characters."""
    return TextParser(limit)


def number(
    low: float | None = None, high: float | None = None, *, above: bool = False
) -> Parser:
    """Return a parser for a number in [low, high] (or (low, high] when `above`)."""

    def parse(raw: str, _: Context) -> float:
        value = parse_number(raw)
        if low is not None and (value <= low if above else value < low):
            raise ValueReadError(f"must be {'more than' if above else 'at least'} {low:g}")
        if high is not None and value > high:
            raise ValueReadError(f"must be at most {high:g}")
        return value

    return parse


@dataclass(frozen=True)
class CountParser:
    """A whole number of at least `low` (a class, so bulk readers can recognise it)."""

    low: int

    def __call__(self, raw: str, _: Context) -> int:
        """Return the number, or raise ValueReadError."""
        value = parse_count(raw)
        if value < self.low:
            raise ValueReadError(f"must be at least {self.low}")
        return value


def count(low: int = 0) -> Parser:
    """Return a parser for a whole number of at least `low`."""
    return CountParser(low)


def a_date(raw: str, _: Context) -> date:
    """Parse a date."""
    return parse_date(raw)


def choice(options: Mapping[str, str]) -> Parser:
    """Return a parser accepting a value or its label (case-insensitive)."""
    lookup = {k.lower(): k for k in options} | {v.lower(): k for k, v in options.items()}

    def parse(raw: str, _: Context) -> str:
        key = lookup.get(raw.lower().replace("-", " ").replace("_", " ")) or lookup.get(
            raw.lower()
        )
        if key is None:
            raise ValueReadError(f"{raw!r} is not one of: {', '.join(options.values())}")
        return key

    return parse


def family_value(raw: str, _: Context) -> str:
    """Parse a magnet family name or alias."""
    family = parse_family(raw)
    if family is None:
        labels = ", ".join(family_info(f).label for f in Family)
        raise ValueReadError(f"{raw!r} is not a magnet family ({labels})")
    return family.value


def grade_value(raw: str, context: Context) -> str:
    """Parse a grade in the row's family; store its canonical text."""
    return parse_grade(raw, family=context.family).text


def dimensions_value(raw: str, context: Context) -> str:
    """Parse dimensions; store the canonical description.

    The row's shape reads ambiguous text ("10x5x3" on a ring); text that says its own
    shape ("12x5x3mm" typed on a disc row) is taken as it says, and the shape follows.
    """
    try:
        return parse_dimensions(raw, shape=context.shape).describe()
    except DimensionError:
        if context.shape is None:
            raise
        return parse_dimensions(raw).describe()


def supplier_value(raw: str, context: Context) -> int:
    """Find a supplier by name (case-insensitive)."""
    matches = {name.lower(): key for name, key in context.suppliers.items()}
    if raw.lower() not in matches:
        raise ValueReadError(f"no supplier named {raw!r}; add it on the Suppliers page first")
    return matches[raw.lower()]


def currency_value(raw: str, _: Context) -> str:
    """Parse an ISO 4217 currency code."""
    code = raw.strip().upper()
    symbols = {"€": "EUR", "$": "USD", "¥": "CNY", "RMB": "CNY", "£": "GBP", "₹": "INR"}
    code = symbols.get(code, code)
    if len(code) != 3 or not code.isalpha():
        raise ValueReadError(f"{raw!r} is not a currency code such as EUR, USD or CNY")
    return code


SHAPES = {s.value: s.value for s in Shape}
FORMS = {"bare": "bare magnet", "assembly": "assembly"}

PART_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("part_number", "Part number", text(120), required=True),
    FieldSpec("description", "Description", text(500)),
    FieldSpec(
        "family", "Family", family_value, required=True, choices=tuple(f.value for f in Family)
    ),
    FieldSpec("grade", "Grade", grade_value),
    FieldSpec("shape", "Shape", choice(SHAPES), choices=tuple(SHAPES)),
    FieldSpec("dimensions", "Dimensions", dimensions_value),
    FieldSpec("stated_mass_g", "Stated mass", number(0, 100_000, above=True), unit="g"),
    FieldSpec("coating", "Coating", text(40)),
    FieldSpec("measured_dy_pct", "Measured Dy", number(0, 100), unit="wt%"),
    FieldSpec("measured_tb_pct", "Measured Tb", number(0, 100), unit="wt%"),
    FieldSpec("form", "Form", choice(FORMS), choices=tuple(FORMS)),
    FieldSpec("supplier_id", "Supplier", supplier_value),
    FieldSpec("unit_price", "Unit price", number(0)),
    FieldSpec("currency", "Currency", currency_value),
    FieldSpec("lead_time_days", "Lead time", count(0), unit="days"),
    FieldSpec("moq", "MOQ", count(1), unit="pcs"),
    FieldSpec("order_multiple", "Order multiple", count(1), unit="pcs"),
    FieldSpec("notes", "Notes", text(2000)),
)

BOM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "pieces_per_unit", "Pieces per unit", number(0, 1_000_000, above=True), required=True
    ),
    FieldSpec("scrap_pct", "Scrap", number(0, 99.9), unit="%"),
    FieldSpec("note", "Note", text(500)),
)

STOCK_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("on_hand", "On hand", number(0), unit="pcs"),
    FieldSpec("safety_stock", "Safety stock", number(0), unit="pcs"),
    FieldSpec("counted_on", "Counted on", a_date),
)

ORDER_STATUSES = {s: s for s in ("planned", "open", "shipped", "received", "cancelled")}

ORDER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("reference", "Order", text(120)),
    FieldSpec("quantity", "Quantity", number(0, above=True), unit="pcs", required=True),
    FieldSpec("order_date", "Order date", a_date),
    FieldSpec("expected_arrival", "Expected arrival", a_date),
    FieldSpec(
        "status", "Status", choice(ORDER_STATUSES), required=True, choices=tuple(ORDER_STATUSES)
    ),
    FieldSpec("unit_price", "Unit price", number(0)),
    FieldSpec("currency", "Currency", currency_value),
)


def spec(specs: tuple[FieldSpec, ...], name: str) -> FieldSpec:
    """Return the spec called `name` (KeyError lists the known ones)."""
    for item in specs:
        if item.name == name:
            return item
    raise KeyError(f"unknown field {name!r}; known: {[s.name for s in specs]}")
