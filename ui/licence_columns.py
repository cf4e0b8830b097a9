"""The columns of the licences table: header, cell text, sort value, tooltip and colour.

One table (`COLUMNS`) says how each column reads a `LicenceRow`; the model only serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor

from planner.licences import LicenceStatus

from ui.grid_delegates import format_pieces, plain_number
from ui.resources import STATUS_COLORS

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from planner.licence_rows import LicenceRow

GREY = "#8a8f98"
STATUS_COLOURS: dict[LicenceStatus, str] = {
    LicenceStatus.DRAFT: "#5f7186",
    LicenceStatus.DOCUMENTS_PENDING: "#5f7186",
    LicenceStatus.SUBMITTED: STATUS_COLORS["warning"],
    LicenceStatus.UNDER_REVIEW: STATUS_COLORS["warning"],
    LicenceStatus.INFORMATION_REQUESTED: STATUS_COLORS["warning"],
    LicenceStatus.RESUBMITTED: STATUS_COLORS["warning"],
    LicenceStatus.APPROVED: STATUS_COLORS["not-required"],
    LicenceStatus.REJECTED: STATUS_COLORS["error"],
    LicenceStatus.WITHDRAWN: GREY,
    LicenceStatus.EXPIRED: GREY,
    LicenceStatus.USED_UP: GREY,
}
"""Colour of each status in the table, the timeline and the detail panel."""
_STATUS_ORDER = {status: position for position, status in enumerate(LicenceStatus)}
_NO_DATE = "9999-12-31"  # sorts undated rows last


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def _expected(row: LicenceRow) -> str:
    forecast = row.forecast
    if forecast.date is None:
        return ""
    marks = ("*" if forecast.provisional else "") + ("~" if forecast.estimated_calendar else "")
    return f"{forecast.date.isoformat()}{marks}"


def parts_text(row: LicenceRow) -> str:
    """Return the parts applied for, e.g. "MG-1401 250,000; MG-1402 250,000"."""
    return "; ".join(f"{p.part_number} {format_pieces(p.quantity)}" for p in row.parts)


def _count(value: float | None) -> str:
    return format_pieces(value) if value is not None else ""


@dataclass(frozen=True)
class Column:
    """One column: its header, alignment and how a row's cell reads and sorts.

    Attributes:
        key: Stable name.
        header: Header text.
        text: The cell's display text.
        sort: The cell's sort value (one type per column).
        numeric: Right-aligned when True.
        copy: The text copied to Excel, when it differs from the display.
    """

    key: str
    header: str
    text: Callable[[LicenceRow], str]
    sort: Callable[[LicenceRow], Any]
    numeric: bool = False
    copy: Callable[[LicenceRow], str] | None = None


COLUMNS: tuple[Column, ...] = (
    Column("reference", "Licence", lambda r: r.reference, lambda r: r.reference),
    Column(
        "supplier",
        "Exporter",
        lambda r: f"{r.supplier} ({r.country})" if r.country else r.supplier,
        lambda r: r.supplier,
    ),
    Column("status", "Status", lambda r: r.status.label, lambda r: _STATUS_ORDER[r.status]),
    Column(
        "submitted",
        "Submitted",
        lambda r: _iso(r.licence.submitted_on),
        lambda r: _iso(r.licence.submitted_on) or _NO_DATE,
    ),
    Column(
        "expected",
        "Expected decision",
        _expected,
        lambda r: _iso(r.forecast.date) or _NO_DATE,
    ),
    Column(
        "elapsed",
        "Elapsed (WD)",
        lambda r: "" if r.working_days_elapsed is None else str(r.working_days_elapsed),
        lambda r: -1 if r.working_days_elapsed is None else r.working_days_elapsed,
        numeric=True,
    ),
    Column(
        "overdue",
        "Overdue (WD)",
        lambda r: str(r.overdue_days) if r.overdue_days else "",
        lambda r: r.overdue_days,
        numeric=True,
    ),
    Column(
        "validity_end",
        "Valid until",
        lambda r: _iso(r.validity_end),
        lambda r: _iso(r.validity_end) or _NO_DATE,
    ),
    Column("parts", "Parts (pcs applied for)", parts_text, parts_text),
    Column(
        "orders",
        "Orders",
        lambda r: ", ".join(o.reference for o in r.orders),
        lambda r: ", ".join(o.reference for o in r.orders),
    ),
    Column(
        "kind",
        "Kind",
        lambda r: r.licence.kind + (" (amendment)" if r.licence.is_amendment else ""),
        lambda r: r.licence.kind,
    ),
    Column(
        "approved",
        "Approved (pcs)",
        lambda r: _count(r.licence.quantity_approved),
        lambda r: r.licence.quantity_approved or -1.0,
        numeric=True,
        copy=lambda r: plain_number(r.licence.quantity_approved),
    ),
    Column(
        "shipped",
        "Shipped (pcs)",
        lambda r: _count(r.quantity_shipped) if r.orders else "",
        lambda r: r.quantity_shipped,
        numeric=True,
        copy=lambda r: plain_number(r.quantity_shipped),
    ),
    Column(
        "left",
        "Left (pcs)",
        lambda r: _count(r.quantity_left),
        lambda r: -1.0 if r.quantity_left is None else r.quantity_left,
        numeric=True,
        copy=lambda r: plain_number(r.quantity_left),
    ),
    Column(
        "documents",
        "Documents",
        lambda r: f"{r.documents_done}/{r.documents_total}",
        lambda r: r.documents_done / r.documents_total if r.documents_total else 0.0,
        numeric=True,
    ),
)
COLUMN_OF = {column.key: position for position, column in enumerate(COLUMNS)}
HEADER_TIPS = {
    "expected": "Expected MOFCOM decision in Chinese working days under the chosen review "
    "time; * if (re)submitted today (provisional), ~ holiday calendar not yet published",
    "elapsed": "Chinese working days on the review clock (to the decision once decided)",
    "overdue": "Chinese working days past the expected decision without a decision",
    "left": "Approved pieces not yet used by shipped or received linked orders",
    "documents": "Checklist documents done / total",
}


def tooltip(row: LicenceRow, key: str) -> str | None:
    """Return the tooltip of a cell: how a date was computed, alerts, the full text."""
    if key == "expected":
        forecast = row.forecast
        notes = []
        if forecast.provisional:
            notes.append("Provisional: assumes the application is (re)submitted today.")
        if forecast.estimated_calendar:
            notes.append(
                "~ A year in the span has no published make-up workdays yet: the date may "
                "move when the State Council publishes the holiday calendar."
            )
        return "\n".join([forecast.basis, *notes])
    if key == "overdue" and row.overdue_days:
        return f"Decision overdue by {row.overdue_days} Chinese working days"
    if key in ("reference", "status") and row.alerts:
        return "\n".join(alert.text for alert in row.alerts)
    if key == "orders" and row.orders:
        return "\n".join(
            f"{o.reference}: {format_pieces(o.quantity)} pcs, {o.status}" for o in row.orders
        )
    if key == "parts":
        return parts_text(row).replace("; ", "\n") or None
    if key == "supplier":
        return COLUMNS[COLUMN_OF["supplier"]].text(row)
    return None


def foreground(row: LicenceRow, key: str) -> QColor | None:
    """Return the text colour of a cell: status colours, overdue and used-up in red."""
    if key == "overdue" and row.overdue_days:
        return QColor(STATUS_COLORS["error"])
    if key == "status":
        return QColor(
            STATUS_COLORS["error"] if row.overdue_days else STATUS_COLOURS[row.status]
        )
    if key == "left" and row.quantity_left is not None and row.quantity_left <= 0:
        return QColor(STATUS_COLORS["error"])
    return None
