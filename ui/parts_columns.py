"""The columns of the parts table: headers, the field each edits, alignment, number formats."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from planner.families import Family, family_info
from planner.fields import FORMS, PART_FIELDS, spec

from ui.roles import LEFT, RIGHT

FAMILY_LABELS = {f.value: family_info(f).label for f in Family}


@dataclass(frozen=True)
class PartColumn:
    """One column of the parts table.

    Attributes:
        header: Header text (with unit), also what copy puts above the cells.
        field: The part field the column edits (a PART_FIELDS name), None when read-only.
        numeric: Whether values are numbers (right-aligned, sorted as numbers).
        sample: Typical widest content, for default column widths.
        tip: Header tooltip.
    """

    header: str
    field: str | None
    numeric: bool = False
    sample: str = ""
    tip: str = ""

    @property
    def alignment(self) -> int:
        """Return the text alignment as a plain int (see ui.roles)."""
        return RIGHT if self.numeric else LEFT


def _edit(name: str, *, numeric: bool = False, sample: str = "", tip: str = "") -> PartColumn:
    return PartColumn(spec(PART_FIELDS, name).header, name, numeric, sample, tip)


COLUMNS: tuple[PartColumn, ...] = (
    _edit("part_number", sample="MG-1001-XX"),
    _edit("description", sample="Traction rotor block, HRE-free trial"),
    _edit("family", sample="Hot-deformed NdFeB"),
    _edit("grade", sample="N38UH GBD"),
    _edit("shape", sample="block"),
    _edit("dimensions", sample="arc R25/R21 40° × 30 mm "),
    PartColumn(
        "Mass per piece (g)",
        None,
        numeric=True,
        sample="1,450 g est.",
        tip="Stated mass when given, else estimated from the dimensions (in italics, “est.”)",
    ),
    _edit("stated_mass_g", numeric=True, sample="1,450"),
    _edit("coating", sample="Ni-Cu-Ni"),
    _edit("measured_dy_pct", numeric=True, sample="2.1"),
    _edit("measured_tb_pct", numeric=True, sample="0.4"),
    _edit("form", sample="bare magnet"),
    _edit("supplier_id", sample="CN · Ganzhou Ferrite & Alnico Works (fictional)"),
    _edit("unit_price", numeric=True, sample="1,210.00 USD"),
    _edit("currency", sample="USD"),
    _edit("lead_time_days", numeric=True, sample="120"),
    _edit("moq", numeric=True, sample="20,000"),
    _edit("order_multiple", numeric=True, sample="10,000"),
    PartColumn(
        "Licence",
        None,
        sample="not required",
        tip="Chinese export licence need on the evaluation date; hover a cell for the reasons",
    ),
)
(
    PART_NUMBER, DESCRIPTION, FAMILY, GRADE, SHAPE, DIMENSIONS, MASS, STATED_MASS, COATING,
    MEASURED_DY, MEASURED_TB, FORM, SUPPLIER, UNIT_PRICE, CURRENCY, LEAD_TIME, MOQ,
    ORDER_MULTIPLE, LICENCE,
) = range(len(COLUMNS))  # fmt: skip
COLUMN_OF_FIELD = {c.field: i for i, c in enumerate(COLUMNS) if c.field is not None}
FORM_LABELS = dict(FORMS)


def default_column_widths(metrics: QFontMetrics | None = None) -> list[int]:
    """Return a sensible width in pixels for each column (header or sample, and padding).

    Args:
        metrics: Font metrics of the view; the application font's when None.
    """
    if metrics is None:
        metrics = QFontMetrics(QApplication.font())
    padding = metrics.horizontalAdvance("M") * 2 + 12
    icon_room = {GRADE: 22, DIMENSIONS: 22, LICENCE: 22}
    return [
        max(
            metrics.horizontalAdvance(column.header) + padding,
            metrics.horizontalAdvance(column.sample) + padding + icon_room.get(i, 0),
        )
        for i, column in enumerate(COLUMNS)
    ]


def plain(value: float | None) -> str:
    """Return a number as plain text for editors and Excel ("1450", "0.92"), "" for None."""
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def number_text(value: float | None) -> str:
    """Return a number with thousands separators and up to four decimals."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def count_text(value: int | None) -> str:
    """Return a whole number with thousands separators."""
    return "" if value is None else f"{value:,}"


def price_text(value: float | None, currency: str | None) -> str:
    """Return a unit price with at least two decimals and its currency, e.g. "0.92 USD"."""
    if value is None:
        return ""
    digits = f"{value:,.4f}".rstrip("0")
    if len(digits.partition(".")[2]) < 2:
        digits = f"{value:,.2f}"
    return f"{digits} {currency}" if currency else digits


def grams_text(grams: float) -> str:
    """Return a mass in grams to about three significant figures, e.g. "14.5 g"."""
    if grams >= 100:
        return f"{grams:,.0f} g"
    if grams >= 10:
        return f"{grams:.1f} g"
    if grams >= 1:
        return f"{grams:.2f} g"
    return f"{grams:.3g} g"
