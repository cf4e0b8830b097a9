"""Tab-separated text as Excel and LibreOffice put it on the clipboard."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def parse_tsv(text: str) -> list[list[str]]:
    """Split clipboard text into rows of cells.

    Handles quoted cells with tabs or line breaks (Excel quotes those), CRLF line ends,
    and the trailing line break Excel adds; a blank last line is dropped.
    """
    if not text:
        return []
    reader = csv.reader(
        io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")),
        delimiter="\t",
        quotechar='"',
    )
    rows = [[cell.replace("\x00", "") for cell in row] for row in reader]
    while rows and all(not cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def format_tsv(rows: Sequence[Sequence[str]]) -> str:
    """Join rows of cells into clipboard text that Excel pastes cell by cell."""
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter="\t", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class Rejection:
    """A pasted cell or row that was refused, with where and why (1-based for people)."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class PasteReport:
    """What a paste did: how many rows or cells it took and what it refused."""

    accepted: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        """One line such as "48 rows pasted, 2 rejected"."""
        refused = len({r.row for r in self.rejected})
        text = f"{self.accepted} pasted"
        return f"{text}, {refused} row(s) with refused cells" if refused else text
