"""Planning inputs: the scenario and the snapshot, plain frozen values the engine reads.

Dates inside a snapshot are proleptic ordinals (`date.toordinal()`), so the engine works on
int64 arrays and the reference implementation on plain ints. An open licence validity is
stored as `date.min` / `date.max`; `NEVER` (one past `date.max`) marks "no date" in plans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.periods import Bucket

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]
    Int8Array = npt.NDArray[np.int8]
    Int16Array = npt.NDArray[np.int16]
    Int32Array = npt.NDArray[np.int32]

MIN_DAY = date.min.toordinal()
MAX_DAY = date.max.toordinal()
NEVER = MAX_DAY + 1
HORIZON_RANGE = (3, 36)
REVIEW_CHOICES = ("statutory", "median", "p90")


def day_of(day: date | None, default: int) -> int:
    """Return the ordinal of `day`, or `default` when it is None."""
    return default if day is None else day.toordinal()


def date_of(day: int) -> date | None:
    """Return the date of an ordinal, or None for `NEVER` and other non-dates."""
    return date.fromordinal(day) if 0 < day <= MAX_DAY else None


class PendingMode(StrEnum):
    """How a scenario treats supply waiting on a pending licence."""

    COUNTED = "counted"
    DELAYED = "delayed"
    REJECTED = "rejected"


class ScenarioError(ValueError):
    """Planning assumptions that cannot be used, with the offending setting."""


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """Planning assumptions.

    Attributes:
        name: Display name; unique among a workspace's saved scenarios.
        start: First day of the plan; the first period runs from here to its bucket's end.
        horizon: Number of periods, 3 to 36.
        bucket: Period size.
        review_days: Licence review in Chinese working days: "statutory" (the rule set's
            45, or 20 for an amendment), the workspace's observed "median" or "p90", or a
            number of working days.
        pending: Pending licences arrive as expected, later by `pending_delay_working_days`
            (delayed), or never (rejected).
        pending_delay_working_days: Extra Chinese working days on every expected decision
            when `pending` is DELAYED.
        qualification_days_default: Qualification time of a supplier that is not yet
            qualified and records none (alternative sources only).
        count_start_day: Whether review clocks count the submission day as day 1.
    """

    name: str = "Base"
    start: date
    horizon: int = 12
    bucket: Bucket = Bucket.MONTH
    review_days: str | int = "statutory"
    pending: PendingMode = PendingMode.COUNTED
    pending_delay_working_days: int = 0
    qualification_days_default: int = 150
    count_start_day: bool = False

    def __post_init__(self) -> None:
        low, high = HORIZON_RANGE
        if not low <= self.horizon <= high:
            raise ScenarioError(f"horizon must be {low} to {high} periods, not {self.horizon}")
        if isinstance(self.review_days, int):
            if not 1 <= self.review_days <= 1000:
                raise ScenarioError(f"review days must be 1 to 1000, not {self.review_days}")
        elif self.review_days not in REVIEW_CHOICES:
            raise ScenarioError(
                f"review days must be {', '.join(REVIEW_CHOICES)} or a number, "
                f"not {self.review_days!r}"
            )
        if self.pending_delay_working_days < 0 or self.qualification_days_default < 0:
            raise ScenarioError("delays and qualification days cannot be negative")

    @property
    def pending_label(self) -> str:
        """How pending licences are treated, in words (e.g. "delayed by 20 working days")."""
        if self.pending is PendingMode.DELAYED:
            return f"delayed by {self.pending_delay_working_days} working days"
        return self.pending.value

    def to_settings(self) -> dict[str, Any]:
        """Return the scenario as JSON-ready settings (the name is stored apart)."""
        return {
            "start": self.start.isoformat(),
            "horizon": self.horizon,
            "bucket": self.bucket.value,
            "review_days": self.review_days,
            "pending": self.pending.value,
            "pending_delay_working_days": self.pending_delay_working_days,
            "qualification_days_default": self.qualification_days_default,
            "count_start_day": self.count_start_day,
        }

    @classmethod
    def from_settings(cls, name: str, settings: dict[str, Any], *, start: date) -> Scenario:
        """Read saved settings; `start` is used when they hold no start date.

        Raises:
            ScenarioError: A setting is missing its meaning or out of range.
        """
        try:
            review = settings.get("review_days", "statutory")
            return cls(
                name=name,
                start=date.fromisoformat(settings["start"]) if settings.get("start") else start,
                horizon=int(settings.get("horizon", 12)),
                bucket=Bucket(settings.get("bucket", "month")),
                review_days=int(review) if isinstance(review, int | float) else str(review),
                pending=PendingMode(settings.get("pending", "counted")),
                pending_delay_working_days=int(settings.get("pending_delay_working_days", 0)),
                qualification_days_default=int(settings.get("qualification_days_default", 150)),
                count_start_day=bool(settings.get("count_start_day", False)),
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ScenarioError):
                raise
            raise ScenarioError(f"scenario {name!r} has unreadable settings: {exc}") from exc


# -- snapshot tables ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Products:
    """Products and sub-assemblies, by index.

    Attributes:
        id: Workspace ids.
        name: Names.
        kind: "product" or "assembly".
    """

    id: IntArray
    name: tuple[str, ...]
    kind: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Bom:
    """BOM lines: parent product index -> child part index or child product index (-1 none).

    Attributes:
        parent: Parent product index.
        child_part: Child part index, or -1.
        child_product: Child product index, or -1.
        pieces: Pieces per parent unit.
        scrap_pct: Scrap percentage added to the pieces.
    """

    parent: IntArray
    child_part: IntArray
    child_product: IntArray
    pieces: FloatArray
    scrap_pct: FloatArray


@dataclass(frozen=True, eq=False)
class BuildPlan:
    """Quantities to build, already counted into the scenario's periods.

    Attributes:
        product: Product index.
        period: Period index.
        qty: Units to build in that period.
    """

    product: IntArray
    period: IntArray
    qty: FloatArray


@dataclass(frozen=True, eq=False)
class Suppliers:
    """Suppliers, by index.

    Attributes:
        id: Workspace ids.
        name: Names.
        country: ISO country codes.
        from_china: Whether the supplier ships from China (a Chinese export licence applies).
        transit_days: Days from dispatch to arrival (35 when not recorded).
        qualified: Whether the supplier is qualified.
        qualification_days: Days to qualify it when it is not (0 when qualified).
    """

    id: IntArray
    name: tuple[str, ...]
    country: tuple[str, ...]
    from_china: BoolArray
    transit_days: IntArray
    qualified: BoolArray
    qualification_days: IntArray


@dataclass(frozen=True, eq=False)
class Parts:
    """Magnet parts, by index, sorted by part number.

    Attributes:
        id: Workspace ids.
        number: Part numbers.
        supplier: Current supplier index, or -1.
        lead_days: Production lead time in days (the part's, else its supplier's, else 0).
        moq: Minimum order quantity (0 when none).
        multiple: Order multiple (1 when none).
        unit_price: Price per piece (NaN when unknown).
        currency: Currency of the price ("" when unknown).
        controlled: Per part and period: a Chinese export licence is needed if shipped
            from China on that period's first day (UNVERIFIED counts as needed).
        unverified: The licence need was UNVERIFIED in some period and taken as needed.
        licence_need: The licence evaluation with the current supplier on `today`.
        grams: Mass per piece (0 when unknown).
        dy_tb_pct: Dy+Tb content, wt%.
        sm_pct: Sm content, wt%.
        on_hand: Pieces in stock.
        safety: Safety stock in pieces.
    """

    id: IntArray
    number: tuple[str, ...]
    supplier: IntArray
    lead_days: IntArray
    moq: FloatArray
    multiple: FloatArray
    unit_price: FloatArray
    currency: tuple[str, ...]
    controlled: BoolArray
    unverified: BoolArray
    licence_need: tuple[str, ...]
    grams: FloatArray
    dy_tb_pct: FloatArray
    sm_pct: FloatArray
    on_hand: FloatArray
    safety: FloatArray


@dataclass(frozen=True, eq=False)
class Orders:
    """Open, planned and shipped orders (cancelled and received ones are left out).

    Attributes:
        id: Workspace ids.
        reference: Order references.
        part: Part index.
        supplier: Supplier index.
        qty: Pieces.
        order_day: Order date (MIN_DAY when unknown).
        eta: Expected arrival (estimated when the order records none).
        licence: Licence index, or -1.
        shipped: The goods have left the supplier.
    """

    id: IntArray
    reference: tuple[str, ...]
    part: IntArray
    supplier: IntArray
    qty: FloatArray
    order_day: IntArray
    eta: IntArray
    licence: IntArray
    shipped: BoolArray


@dataclass(frozen=True, eq=False)
class Licences:
    """Licence applications with what the scenario expects of them.

    Attributes:
        id: Workspace ids.
        reference: References.
        status: LicenceStatus values.
        expected_decision: Expected decision of a pending application (0 otherwise).
        decision_basis: How the expected decision was found, in words.
        valid_from: First valid day (MIN_DAY when open).
        valid_until: Last valid day (MAX_DAY when open).
        quantity_left: Approved pieces not used by shipped orders (inf when unlimited).
    """

    id: IntArray
    reference: tuple[str, ...]
    status: tuple[str, ...]
    expected_decision: IntArray
    decision_basis: tuple[str, ...]
    valid_from: IntArray
    valid_until: IntArray
    quantity_left: FloatArray


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything a planning run reads, detached from the database.

    Attributes:
        scenario: The assumptions.
        today: The day the plan is made (late orders, overdue decisions).
        bounds: Period boundaries as ordinals: period t is [bounds[t], bounds[t + 1]).
        labels: Period labels ("Dec 2026", "2026-W49").
        review_working_days: Review time of a new application, in Chinese working days.
        review_basis: Where `review_working_days` comes from, in words.
        notes: Data problems found while reading the workspace, in words.
    """

    scenario: Scenario
    today: date
    bounds: IntArray
    labels: tuple[str, ...]
    review_working_days: int
    review_basis: str
    products: Products
    bom: Bom
    build: BuildPlan
    suppliers: Suppliers
    parts: Parts
    orders: Orders
    licences: Licences
    notes: tuple[str, ...] = field(default=())

    @property
    def period_count(self) -> int:
        """Number of periods."""
        return len(self.bounds) - 1

    def period_starts(self) -> list[date]:
        """Return the first day of each period."""
        return [date.fromordinal(int(day)) for day in self.bounds[:-1]]

    def part_index(self, number: str) -> int:
        """Return the index of a part by number; raise KeyError when absent."""
        return self.parts.number.index(number)

    def product_index(self, name: str) -> int:
        """Return the index of a product by name; raise KeyError when absent."""
        return self.products.name.index(name)


def int_array(values: Any) -> IntArray:
    """Return `values` as an int64 array."""
    return np.asarray(values, dtype=np.int64).reshape(-1)


def float_array(values: Any) -> FloatArray:
    """Return `values` as a float64 array."""
    return np.asarray(values, dtype=np.float64).reshape(-1)


def bool_array(values: Any) -> BoolArray:
    """Return `values` as a bool array."""
    return np.asarray(values, dtype=np.bool_)


def weighted_counts(cells: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Return the sum of `weights` per cell index in 0..size-1 (`np.bincount`)."""
    return np.asarray(np.bincount(cells, weights=weights, minlength=size), dtype=np.float64)
