"""Columns, roles and number formats of the BOM tree."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

from ui.roles import ALIGN, DECORATION, DISPLAY, EDIT, FONT, TOOLTIP, EditTextRole

_USER = int(Qt.ItemDataRole.UserRole)
# Id of the magnet part of a part row (None elsewhere).
PartIdRole = _USER + 40
# Id of the product of a product or sub-assembly row (None for part rows).
ProductIdRole = _USER + 41
# Id of the BOM line behind a row (None for top-level product rows).
LineIdRole = _USER + 42


class Column(IntEnum):
    """Columns of the BOM tree."""

    ITEM = 0
    PIECES = 1
    SCRAP = 2
    GROSS = 3
    LICENCE = 4
    NOTE = 5


HEADERS = ("Item", "Pieces per unit", "Scrap %", "Gross per top unit", "Licence", "Note")
HEADER_TIPS = (
    "Part number and description, or sub-assembly",
    "Pieces per unit of the parent",
    "Scrap allowance in percent",
    "Pieces per unit of the top-level product, scrap included, through sub-assemblies",
    "Whether a Chinese export licence is required on the evaluation date",
    "Free note",
)
FIELDS = {Column.PIECES: "pieces_per_unit", Column.SCRAP: "scrap_pct", Column.NOTE: "note"}
NUMERIC = frozenset({Column.PIECES, Column.SCRAP, Column.GROSS})
HANDLED = frozenset({DISPLAY, EDIT, EditTextRole, DECORATION, TOOLTIP, ALIGN, FONT})
IDS = (PartIdRole, ProductIdRole, LineIdRole)
STRUCTURE = frozenset({"bom_lines", "products", "parts"})
NEED_TEXT = {
    "required": "Required",
    "not_required": "Not required",
    "unverified": "Unverified",
}


def plain(value: float) -> str:
    """Return a number as a buyer types it: "10", "0.25", "1.005"."""
    return f"{value:.10g}"


def shown(value: float) -> str:
    """Return a number for display with grouping and at most four decimals."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")
