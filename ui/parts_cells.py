"""Cell values of the parts table: stored columns, derived facts and cached texts per row."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor, QFont

from planner.families import Family, family_info

from ui.parts_columns import (
    COLUMNS,
    DESCRIPTION,
    DIMENSIONS,
    FAMILY,
    FAMILY_LABELS,
    FORM_LABELS,
    GRADE,
    LICENCE,
    MASS,
    MEASURED_DY,
    MEASURED_TB,
    SUPPLIER,
    count_text,
    grams_text,
    number_text,
    plain,
    price_text,
)
from ui.parts_insight import (
    NEED_ICON,
    NEED_RANK,
    NEED_TEXT,
    Derived,
    InsightCache,
    LicenceView,
    grade_summary,
)
from ui.resources import STATUS_COLORS, icon

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from PySide6.QtGui import QIcon

    from planner.parts import SupplierRecord

    from ui.session import WorkspaceSession

# The part columns the table holds, loaded with one query; "id" first.
FIELDS = (
    "id", "part_number", "description", "family", "grade", "shape", "dimensions",
    "stated_mass_g", "coating", "measured_dy_pct", "measured_tb_pct", "form", "supplier_id",
    "unit_price", "currency", "lead_time_days", "moq", "order_multiple",
)  # fmt: skip
(
    F_ID, F_NUMBER, F_DESCRIPTION, F_FAMILY, F_GRADE, F_SHAPE, F_DIMENSIONS, F_STATED,
    F_COATING, F_DY, F_TB, F_FORM, F_SUPPLIER, F_PRICE, F_CURRENCY, F_LEAD, F_MOQ, F_MULTIPLE,
) = range(len(FIELDS))  # fmt: skip
# Table column -> field shown as it is stored (None: the column has its own formatting).
_STORED = [FIELDS.index(c.field) if c.field in FIELDS else None for c in COLUMNS]
_TEXT_FIELDS = {F_NUMBER, F_DESCRIPTION, F_GRADE, F_SHAPE, F_COATING, F_CURRENCY}
_COUNT_FIELDS = {F_LEAD, F_MOQ, F_MULTIPLE}
_ITALIC = QFont()
_ITALIC.setItalic(True)
_GREY = QColor("#8a8f98")
_MEASURED_TIP = "From the supplier's test report; a measurement decides the Dy/Tb question"


class PartCells:
    """Parts as one list per field, with per-cell text caches filled on first request.

    Attributes:
        values: One list per FIELDS entry, row-aligned; values[0] are the part ids.
        texts: One list of cached display texts per table column.
        suppliers: Supplier by id.
    """

    def __init__(self, session: WorkspaceSession) -> None:
        self._session = session
        self.values: list[list[Any]] = [[] for _ in FIELDS]
        self.texts: list[list[str | None]] = [[] for _ in COLUMNS]
        self.suppliers: Mapping[int, SupplierRecord] = {}
        self._derived: list[Derived | None] = []
        self._licences: list[LicenceView | None] = []
        self._search: list[str | None] = []
        self._rows: dict[int, int] = {}
        self._insight = InsightCache(session.rule_set, session.today, {})
        self._display: list[Callable[[int], str]] = [
            self._stored_text(field) for field in _STORED
        ]
        self._tooltips: dict[int, Callable[[int], str | None]] = {
            LICENCE: lambda row: self.licence(row).tooltip,
            MASS: lambda row: self.derived(row).mass.explanation,
            GRADE: self._grade_tip,
            DIMENSIONS: self._dimensions_tip,
            FAMILY: self._family_tip,
            MEASURED_DY: lambda _row: _MEASURED_TIP,
            MEASURED_TB: lambda _row: _MEASURED_TIP,
            DESCRIPTION: lambda row: self.values[F_DESCRIPTION][row] or None,
            SUPPLIER: lambda row: self.display(row, SUPPLIER) or None,
        }
        for column, method in (
            (FAMILY, self._family_text),
            (DIMENSIONS, self._dimensions_text),
            (MASS, self._mass_text),
            (SUPPLIER, self._supplier_text),
            (LICENCE, self._licence_text),
        ):
            self._display[column] = method

    @property
    def ids(self) -> list[int]:
        """Return the part ids, one per row, in table order."""
        return self.values[F_ID]

    def row_of(self, part_id: int) -> int | None:
        """Return the row of a part, or None."""
        return self._rows.get(part_id)

    def _reindex(self) -> None:
        self._rows = {part_id: row for row, part_id in enumerate(self.ids)}

    # -- storage -----------------------------------------------------------------------

    def load(
        self, records: Sequence[Sequence[Any]], suppliers: Mapping[int, SupplierRecord]
    ) -> None:
        """Replace every row with `records` (tuples in FIELDS order, sorted by id)."""
        count = len(records)
        self.values = [list(c) for c in zip(*records, strict=True)] if records else []
        self.values = self.values or [[] for _ in FIELDS]
        self.texts = [[None] * count for _ in COLUMNS]
        self._derived, self._licences = [None] * count, [None] * count
        self._search = [None] * count
        self._reindex()
        self.reset_suppliers(suppliers)

    def reset_suppliers(self, suppliers: Mapping[int, SupplierRecord]) -> None:
        """Take new suppliers (and rule set or date) and forget what depends on them."""
        self.suppliers = suppliers
        self._insight.reset_licences(self._session.rule_set, self._session.today, suppliers)
        count = len(self.ids)
        self._licences = [None] * count
        self._search = [None] * count
        self.texts[SUPPLIER] = [None] * count
        self.texts[LICENCE] = [None] * count

    def replace(self, row: int, record: Sequence[Any]) -> None:
        """Replace one row's stored values and forget its cached texts."""
        for column, value in zip(self.values, record, strict=True):
            column[row] = value
        for texts in self.texts:
            texts[row] = None
        self._derived[row] = self._licences[row] = self._search[row] = None

    def insert(self, row: int, records: Sequence[Sequence[Any]]) -> None:
        """Insert rows before `row`."""
        for column, new in zip(self.values, zip(*records, strict=True), strict=True):
            column[row:row] = new
        for cache in self._caches():
            cache[row:row] = [None] * len(records)
        self._reindex()

    def remove(self, first: int, stop: int) -> None:
        """Remove rows first..stop-1."""
        for column in (*self.values, *self._caches()):
            del column[first:stop]
        self._reindex()

    def sorted_rows(self, column: int, *, descending: bool) -> list[int]:
        """Return the rows in the order of a column's sort values, blanks last either way.

        Python's sort is stable, so equal values keep their current order.
        """
        keys = [self.sort_value(row, column) for row in range(len(self.ids))]
        present = [row for row, key in enumerate(keys) if key is not None]
        present.sort(key=keys.__getitem__, reverse=descending)
        return present + [row for row, key in enumerate(keys) if key is None]

    def reorder(self, order: Sequence[int]) -> None:
        """Put the rows in `order` (new row -> old row)."""
        if len(order) < 2:
            return
        pick = itemgetter(*order)
        for column in (*self.values, *self._caches()):
            column[:] = pick(column)
        self._reindex()

    def _caches(self) -> list[list[Any]]:
        return [*self.texts, self._derived, self._licences, self._search]

    # -- derived facts -------------------------------------------------------------------

    def derived(self, row: int) -> Derived:
        """Return what a row's grade, dimensions and mass mean (memoised)."""
        found = self._derived[row]
        if found is None:
            v = self.values
            found = self._derived[row] = self._insight.derived(
                v[F_FAMILY][row], v[F_GRADE][row], v[F_SHAPE][row], v[F_DIMENSIONS][row],
                v[F_STATED][row],
            )  # fmt: skip
        return found

    def licence(self, row: int) -> LicenceView:
        """Return a row's licence answer (memoised by the facts that decide it)."""
        found = self._licences[row]
        if found is None:
            v = self.values
            key = (
                v[F_FAMILY][row], v[F_GRADE][row], v[F_DY][row], v[F_TB][row], v[F_FORM][row],
                v[F_SUPPLIER][row],
            )  # fmt: skip
            found = self._licences[row] = self._insight.licence(key)
        return found

    def search_text(self, row: int) -> str:
        """Return the lower-case text searched: part number, description, grade, supplier."""
        found = self._search[row]
        if found is None:
            v = self.values
            words = [v[F_NUMBER][row], v[F_DESCRIPTION][row], v[F_GRADE][row]]
            words.append(self.display(row, SUPPLIER))
            found = self._search[row] = "\n".join(w or "" for w in words).casefold()
        return found

    # -- roles ---------------------------------------------------------------------------

    def display(self, row: int, column: int) -> str:
        """Return (and cache) the display text of a cell."""
        text = self.texts[column][row] = self._display[column](row)
        return text

    def edit_text(self, row: int, column: int) -> str | None:
        """Return the plain text of a cell, as editors and Excel take it."""
        field = _STORED[column]
        value = self.values[field][row] if field is not None else None
        if field in _TEXT_FIELDS or field == F_DIMENSIONS:
            return value or ""
        if field == F_FAMILY:
            return FAMILY_LABELS.get(str(value), str(value))
        if field == F_FORM:
            return FORM_LABELS.get(str(value), "")
        if field == F_SUPPLIER:
            supplier = self.suppliers.get(value) if value is not None else None
            return supplier.name if supplier is not None else ""
        if column == MASS:
            grams = self.derived(row).mass.grams
            return "" if grams is None else f"{grams:.4g}"
        if column == LICENCE:
            return NEED_TEXT[self.licence(row).need]
        return plain(value)

    def sort_value(self, row: int, column: int) -> Any:
        """Return the value a cell sorts by: numbers as numbers, None for blanks."""
        field = _STORED[column]
        if column == MASS:
            return self.derived(row).mass.grams
        if column == LICENCE:
            return NEED_RANK[self.licence(row).need]
        if field is not None and COLUMNS[column].numeric:
            return self.values[field][row]
        cached = self.texts[column][row]
        text = cached if cached is not None else self.display(row, column)
        return text.casefold() or None

    def tooltip(self, row: int, column: int) -> str | None:
        """Return a cell's tooltip: reasons, explanations and problems."""
        method = self._tooltips.get(column)
        return method(row) if method is not None else None

    def _grade_tip(self, row: int) -> str | None:
        derived = self.derived(row)
        if derived.grade_problem:
            return f"Grade not readable: {derived.grade_problem}"
        return grade_summary(derived.grade) if derived.grade is not None else None

    def _dimensions_tip(self, row: int) -> str | None:
        problem = self.derived(row).dimension_problem
        return f"Dimensions not readable: {problem}" if problem else None

    def _family_tip(self, row: int) -> str:
        info = family_info(Family(self.values[F_FAMILY][row]))
        return f"{info.label}: {info.density_g_cm3:g} g/cm³, up to {info.max_temp_c} °C"

    def decoration(self, row: int, column: int) -> QIcon | None:
        """Return a cell's icon: licence need, or a warning on unreadable data."""
        if column == LICENCE:
            return icon(NEED_ICON[self.licence(row).need])
        if column == GRADE and self.derived(row).grade_problem:
            return icon("warning")
        if column == DIMENSIONS and self.derived(row).dimension_problem:
            return icon("warning")
        return None

    def font(self, row: int, column: int) -> QFont | None:
        """Return italics for estimated masses."""
        if column == MASS and self.derived(row).mass_estimated:
            return _ITALIC
        return None

    def foreground(self, row: int, column: int) -> QColor | None:
        """Return the licence colour, or grey for an unknown mass."""
        if column == LICENCE:
            return QColor(STATUS_COLORS[NEED_ICON[self.licence(row).need]])
        if column == MASS and self.derived(row).mass.grams is None:
            return _GREY
        return None

    def status(self, row: int, column: int) -> str | None:
        """Return a status key: the licence need, "warning" for unreadable data, mass origin."""
        if column == LICENCE:
            return self.licence(row).need.value
        if column == MASS:
            return self.derived(row).mass.origin.value
        if column == GRADE and self.derived(row).grade_problem:
            return "warning"
        if column == DIMENSIONS and self.derived(row).dimension_problem:
            return "warning"
        return None

    # -- display texts -----------------------------------------------------------------

    def _stored_text(self, field: int | None) -> Callable[[int], str]:
        """Return the display function of a column that shows a stored field."""
        if field is None:
            return lambda row: ""
        at = field
        if at in _COUNT_FIELDS:
            return lambda row: count_text(self.values[at][row])
        if at == F_FORM:
            return lambda row: FORM_LABELS.get(self.values[F_FORM][row], "")
        if at == F_PRICE:
            return lambda row: price_text(self.values[at][row], self.values[F_CURRENCY][row])
        if at in _TEXT_FIELDS:
            return lambda row: self.values[at][row] or ""
        return lambda row: number_text(self.values[at][row])

    def _family_text(self, row: int) -> str:
        value = str(self.values[F_FAMILY][row])
        return FAMILY_LABELS.get(value, value)

    def _dimensions_text(self, row: int) -> str:
        dims = self.derived(row).dimensions
        return dims.describe() if dims is not None else self.values[F_DIMENSIONS][row] or ""

    def _mass_text(self, row: int) -> str:
        mass = self.derived(row)
        if mass.mass.grams is None:
            return "unknown"
        if mass.mass_estimated:
            return f"{grams_text(mass.mass.grams)} est."
        return f"{number_text(mass.mass.grams)} g"  # as the buyer stated it

    def _supplier_text(self, row: int) -> str:
        key = self.values[F_SUPPLIER][row]
        supplier = self.suppliers.get(key) if key is not None else None
        if supplier is None:
            return "" if key is None else f"#{key}"
        return f"{supplier.country} · {supplier.name}"  # the country first: it decides most

    def _licence_text(self, row: int) -> str:
        return NEED_TEXT[self.licence(row).need]
