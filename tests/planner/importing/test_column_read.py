"""The bulk column reader gives every row the cells the cell-by-cell reader would."""

from __future__ import annotations

import math
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.importing import CellError
from planner.importing.column_read import ColumnReader
from planner.importing.field_specs import KIND_FIELDS
from planner.importing.mapping import map_columns
from planner.importing.table import TableGuess, guess_table
from planner.importing.validate import values_of
from tests.helpers.row_reference import read_row

SUPPLIERS = {"Ningbo Magnet Co": 1, "Acme": 2}
HEADERS = {
    "bom": [
        "Pos", "Part number", "Description", "Qty", "Reference", "Family", "Grade", "Shape",
        "Dimensions", "Mass (kg)", "Coating", "Unit price (EUR)", "Lead time (weeks)",
        "Supplier", "MOQ", "Scrap (%)",
    ],
    "parts": [
        "Part number", "Family", "Grade", "Shape", "Dimensions", "Weight (g)", "Coating",
        "Supplier", "Price", "Currency", "Lead time", "Order multiple", "Dy %", "Notes",
    ],
}  # fmt: skip
POOL: list[object] = [
    None, "", "  ", "#N/A", " #ref! ", CellError("#DIV/0!"), True, False, 0, 1, -1,
    7, 2.5, 3.0, -4.0, 1e16, math.nan, "N42", "n42sh", "N60SH", "SmCo", "sm2co17",
    "NdFeB", "ferrite", "block", "Disc", "ring", "banana", "10x5x3", "10x5x3 mm",
    "⌀8 x 2.5mm", "D10x5", "1,5", "~3", "many", "12", " MG-1 ", "x" * 600,
    "a\x00b", "EUR", "usd", "€", "Acme", "acme", "Nobody Ltd", "2026-12-01",
    date(2026, 1, 5), datetime(2026, 2, 3, 4, 5),
]  # fmt: skip
CELLS = st.one_of(
    st.sampled_from(POOL),
    st.text(max_size=8),
    st.integers(min_value=-3, max_value=10**6),
    st.floats(allow_nan=False, min_value=-10, max_value=1e5),
)


def mapped(kind: str, body: list[list[object]]) -> tuple[list[list[object]], TableGuess]:
    rows: list[list[object]] = [list(HEADERS[kind]), *body]
    return rows, guess_table([*rows[:1], ["x"] * len(HEADERS[kind])])


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["bom", "parts"]),
    data=st.data(),
    block_size=st.integers(min_value=1, max_value=7),
)
def test_bulk_reading_matches_reading_cell_by_cell(
    kind: str, data: st.DataObject, block_size: int
) -> None:
    width = len(HEADERS[kind])
    columns = data.draw(st.lists(CELLS, min_size=1, max_size=6), label="column pool")
    body = data.draw(
        st.lists(
            st.lists(
                st.one_of(st.sampled_from(columns), CELLS), min_size=width - 3, max_size=width
            ),
            min_size=1,
            max_size=12,
        ),
        label="rows",
    )
    rows, guess = mapped(kind, body)
    mapping = map_columns(rows, guess, kind)
    reader = ColumnReader(mapping, SUPPLIERS)
    # All rows in order, or some (blank rows are left out), in order or not.
    every = list(range(1, len(rows)))
    some = st.lists(st.sampled_from(every), min_size=1, unique=True)
    indices = data.draw(st.just(every) | some.map(sorted) | some, label="indices")
    got = []
    for start in range(0, len(indices), block_size):  # the memo is shared between blocks
        got.extend(reader.read(rows, indices[start : start + block_size]).rows)
    expected = [read_row(rows, index, mapping, SUPPLIERS) for index in indices]
    names = (*KIND_FIELDS[kind], "currency")
    values = [[row.value(name) for name in names] for row in expected]
    # Values field by field, as a commit takes them, for all rows or some (the others
    # being skipped), before the rows make their cells.
    kept = data.draw(st.lists(st.booleans(), min_size=len(got), max_size=len(got)))
    for chosen in ([True] * len(got), kept):
        picked = [r for r, keep in zip(got, chosen, strict=True) if keep]
        by_field = values_of(picked, names)
        assert [list(v) for v in zip(*by_field, strict=True)] == [
            v for v, keep in zip(values, chosen, strict=True) if keep
        ]
    for index, result, reference, own in zip(indices, got, expected, values, strict=True):
        assert result.source_row == reference.source_row
        assert result.status == reference.status, rows[index]
        assert result.values(*names) == own, rows[index]
        assert list(result.cells.items()) == list(reference.cells.items()), rows[index]


def test_the_header_currency_goes_only_to_priced_rows() -> None:
    rows, guess = mapped("bom", [[1, "A", "magnet", 2] + [None] * 7 + [1.5], [2, "B"]])
    reader = ColumnReader(map_columns(rows, guess, "bom"), SUPPLIERS)
    priced, unpriced = reader.read(rows, [1, 2]).rows
    assert priced.cells["currency"].value == "EUR"
    assert list(priced.cells).index("currency") == list(priced.cells).index("unit_price") - 1
    assert "currency" not in unpriced.cells


def test_mutable_values_are_not_shared_between_rows() -> None:
    rows: list[list[object]] = [["Name", "Country", "Certifications"]]
    rows += [["S1", "India", "IATF 16949, ISO 9001"], ["S2", "India", "IATF 16949, ISO 9001"]]
    guess = guess_table(rows)
    reader = ColumnReader(map_columns(rows, guess, "suppliers"), SUPPLIERS)
    first, second = reader.read(rows, [1, 2]).rows
    assert first.cells["certifications"].value == ["IATF 16949", "ISO 9001"]
    assert first.cells["certifications"].value is not second.cells["certifications"].value
