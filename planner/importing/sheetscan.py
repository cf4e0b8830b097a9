"""What the pre-scan learns about one sheet, and how a scan can fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.importing.model import Limits

MAX_FLAGGED = 10_000  # error cells / formula cells remembered per sheet


class ScanError(ValueError):
    """The part is not well-formed (damaged) or carries a DTD (unsafe)."""

    def __init__(self, message: str, *, unsafe: bool = False) -> None:
        """Remember whether the problem is a safety one."""
        super().__init__(message)
        self.unsafe = unsafe


@dataclass
class SheetScan:
    """What the pre-scan learned about one sheet; positions are 0-based.

    Attributes:
        rows: rows up to the last cell with a value.
        columns: columns up to the last cell with a value.
        errors: (row, column, code) of cells holding an Excel error.
        formulas: (row, column) of formula cells without a stored result.
    """

    rows: int = 0
    columns: int = 0
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    formulas: list[tuple[int, int]] = field(default_factory=list)

    def over(self, limits: Limits) -> bool:
        """Return True when the extent is beyond what the limits allow."""
        return (
            self.rows > limits.max_rows
            or self.columns > limits.max_columns
            or self.rows * self.columns > limits.max_cells
        )

    def copy(self) -> SheetScan:
        """Return a copy whose lists can be changed without changing this one."""
        return SheetScan(self.rows, self.columns, list(self.errors), list(self.formulas))

    def merged(self, other: SheetScan) -> SheetScan:
        """Return the scan of both halves of a part."""
        return SheetScan(
            max(self.rows, other.rows),
            max(self.columns, other.columns),
            (self.errors + other.errors)[:MAX_FLAGGED],
            (self.formulas + other.formulas)[:MAX_FLAGGED],
        )
