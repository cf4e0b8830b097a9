"""The fast pre-scan path: which tags it takes for cells, and which it leaves to the parser."""

from __future__ import annotations

import io

import pytest

from planner.importing.fastscan import fast_scan
from planner.importing.model import Limits
from planner.importing.sheetxml import SheetScan, _slow_scan
from tests.helpers.hostile import MAIN

HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
ROWS = '<row r="1"><c r="A1"><v>1</v></c><c r="C1" t="e"><v>#N/A</v></c></row>'
ROWS += '<row r="4"><c r="B4"><f>A1</f></c></row>'


def _both(xml: str) -> tuple[SheetScan | None, SheetScan]:
    """Scan with the fast path alone and with the exact parser."""
    data = xml.encode()
    exact = SheetScan()
    _slow_scan(io.BytesIO(data), exact, Limits())
    return fast_scan(io.BytesIO(data), Limits()), exact


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('<cols><col min="1" max="3" width="12.5" customWidth="1"/></cols>', ""),
        ("", '<conditionalFormatting sqref="A1"><cfRule type="x" priority="1"/>'),
        ("", '<colBreaks count="1"><brk id="2"/></colBreaks>'),
        ('<customSheetViews><customSheetView guid="{0}"/></customSheetViews>', ""),
    ],
)
def test_elements_starting_with_c_are_not_odd_cells(before: str, after: str) -> None:
    """`<cols>` (Excel writes it whenever a column has a width) and other `<c…>` elements
    keep the fast path, with the exact parser's answer."""
    closing = "</conditionalFormatting>" if after.startswith("<cond") else ""
    xml = f"{HEAD}{before}<sheetData>{ROWS}</sheetData>{after}{closing}</worksheet>"
    fast, exact = _both(xml)
    assert fast is not None
    assert (fast.rows, fast.columns) == (exact.rows, exact.columns) == (4, 3)
    assert fast.errors == exact.errors == [(0, 2, "#N/A")]
    assert fast.formulas == exact.formulas == [(3, 1)]


@pytest.mark.parametrize(
    ("cell", "columns"),
    [
        ('<c s="1" r="D9"><v>1</v></c>', 4),  # r not first
        ("<c><v>1</v></c>", 3),  # no reference: column A of row 9
        ('<c\tr="D9"><v>1</v></c>', 4),  # odd spacing
        ('<c r="d9"><v>1</v></c>', 4),  # lower case
    ],
)
def test_odd_cell_tags_still_go_to_the_exact_parser(cell: str, columns: int) -> None:
    """A cell tag not in canonical form makes the fast path give up."""
    xml = f'{HEAD}<cols><col min="1" max="1"/></cols><sheetData>{ROWS}'
    xml += f'<row r="9">{cell}</row></sheetData></worksheet>'
    fast, exact = _both(xml)
    assert fast is None
    assert (exact.rows, exact.columns) == (9, columns)


def test_prefixed_cell_after_cols_is_not_missed() -> None:
    """A prefixed cell (calamine reads it) is never skipped by the fast path."""
    xml = f'{HEAD}<cols><col min="1" max="1"/></cols><sheetData>{ROWS}'
    xml += '<row r="5" xmlns:q="urn:q"><q:c r="XFD1048576"><v>2</v></q:c></row>'
    xml += "</sheetData></worksheet>"
    fast, exact = _both(xml)
    assert fast is None
    assert (exact.rows, exact.columns) == (1_048_576, 16_384)
