"""guess_table (bulk row scan) answers exactly as the row-by-row original on messy sheets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.importing import CellError
from planner.importing import table as table_module
from planner.importing.table import cell_text, guess_table
from planner.importing.table_scan import number_proof
from tests.helpers import table_reference

if TYPE_CHECKING:
    from planner.importing.table import TableGuess

Row = list[object]

HEADERS = [
    "Part number", "Part #", "Description", "Qty", "QTY.", "Menge", "Pos", "Item",
    "Unit price (EUR)", "Grade", "Reference", "Notes", "Supplier", "Mass (g)", "Dimensions",
    "Total", "Sum", "2024", "yes", "#N/A", "Σ Stück", "İtem", "Kg", "no", "Type", "Description",
]  # fmt: skip
WORDS = [
    "Total", "TOTAL:", "Subtotal", "sub-total", "Sub Total", "Grand total", "Summe",
    "Zwischensumme", "Gesamtsumme", "GESAMT", "somme", "Suma", "sum", "Totals", "ſum",
    "zwıschensumme", "Totalizer", "Summary", "Consumables", "Grade N42", "Steel", "Magnets",
    "Electronics", "N42 disc 6x3", "Ring magnet 10x5x3", "M-001", "MG-000123", "12345",
    "4", "2.5", "0", "-1", "1e3", "nan", "inf", "Ölfilter", "Ø 10 mm", "αβΣ", "İstanbul",
    "Kelvin K", "x", "AB", "Type A", "Notes", "#N/A", "#div/0!", " Total", "\tSumme",
    "\u00a0Total", "\u3000sum", "To\x00tal", "\x00", "  ", "\x01", "a\x01b", "ΣΑΣ", "ﬁne",
]  # fmt: skip

plain_cells = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(HEADERS),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from([0.0, -0.0, 1.0, 4.0, 2.5, 1e20, float("nan"), 12.0]),
    st.integers(-5, 500),
    st.sampled_from([0, 10**400, True, False]),
)
odd_cells = st.sampled_from(
    [
        None, "", None, "", " ", date(2027, 1, 4), datetime(2027, 1, 4, 12, 30),
        datetime(2027, 1, 4), time(8, 0), timedelta(0), timedelta(days=2),
        CellError("#N/A"), CellError(""), "#N/A", "\x00",
    ]
)  # fmt: skip
cells = st.one_of(plain_cells, odd_cells)
blank = st.sampled_from([None, ""])
TYPED = {
    "text": st.sampled_from(WORDS[19:30]),
    "number": st.one_of(st.integers(0, 99), st.sampled_from([1.5, 4.0, 0.25])),
    "mixed": cells,
    "date": st.sampled_from([date(2027, 1, 4), datetime(2027, 2, 1, 9, 0)]),
    "sparse text": st.one_of(blank, st.sampled_from(WORDS[19:30])),
    "sparse number": st.one_of(blank, st.integers(0, 9)),
}
SHAPES = ["data"] * 10 + ["odd", "label", "total", "blank", "blank", "header", "short", "wide"]


@st.composite
def sheets(draw: st.DrawFn) -> list[Row]:
    """A messy sheet: titles, a header, typed columns with odd cells, labels, totals."""
    width = draw(st.integers(1, 7))
    lead = draw(st.integers(0, 2))
    kinds = draw(st.lists(st.sampled_from(list(TYPED)), min_size=width, max_size=width))
    names = st.one_of(st.sampled_from(HEADERS), st.none(), st.just(""))
    header: Row = [None] * lead + draw(st.lists(names, min_size=width, max_size=width))
    rows: list[Row] = draw(st.lists(st.lists(cells, max_size=3), max_size=3))  # titles
    rows.append(header)
    for _ in range(draw(st.integers(0, 80))):
        shape = draw(st.sampled_from(SHAPES))
        data: Row = [None] * lead + [draw(TYPED[k]) for k in kinds]
        if shape == "data":
            if draw(st.integers(0, 5)) == 0:
                data[draw(st.integers(0, len(data) - 1))] = draw(cells)
        elif shape == "odd":
            data = draw(st.lists(cells, max_size=lead + width + 1))
        elif shape in ("label", "total"):
            data = [None] * (lead + width)
            at = draw(st.sampled_from([lead, lead, draw(st.integers(lead, lead + width - 1))]))
            data[at] = draw(st.sampled_from(WORDS if shape == "label" else WORDS[:19]))
            if shape == "total":
                data[-1] = draw(st.one_of(plain_cells, st.none()))
        elif shape == "blank":
            data = draw(st.sampled_from([[], [None] * (lead + width), [""] * (lead + width)]))
        elif shape == "header":  # the header again, some names changed
            data = [
                draw(st.sampled_from([c, str(c).upper(), f" {c} ", "Steel", None, 7]))
                if c
                else c
                for c in header
            ]
        elif shape == "short":
            data = data[: draw(st.integers(0, lead + width))]
        elif shape == "wide":
            data += [None, draw(cells)]
        rows.append(data)
    return rows


def _same(new: TableGuess, old: table_reference.TableGuess) -> None:
    assert (new.header_row, new.first_data_row, new.last_data_row) == (
        old.header_row, old.first_data_row, old.last_data_row,
    )  # fmt: skip
    assert new.columns == old.columns
    assert new.skipped_rows == old.skipped_rows
    assert list(new.skipped_rows) == list(old.skipped_rows)
    assert new.notes == old.notes
    assert list(new.data) == list(old.data)
    assert list(new.data_rows()) == list(old.data_rows())
    assert new.confidence == old.confidence


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=sheets(), chunk=st.sampled_from([2, 3, 8, 32]), extent=st.integers(0, 3))
def test_same_answers_as_the_row_by_row_walk(rows: list[Row], chunk: int, extent: int) -> None:
    kwargs: dict[str, int] = {}
    if extent == 1 and len(rows) > 3:
        kwargs = {"header_row": 2}
    elif extent == 2 and len(rows) > 6:
        kwargs = {"first_data_row": 4, "last_data_row": len(rows) - 2}
    with (
        mock.patch.object(table_module, "CHUNK", chunk),
        mock.patch.object(table_module, "MIN_ROWS", min(chunk, 2)),
    ):
        new = guess_table(rows, **kwargs)
    _same(new, table_reference.guess_table(rows, **kwargs))


def _bom(rows: int) -> list[Row]:
    header: Row = ["Pos", "Part number", "Description", "Qty", "Unit price (EUR)", "Notes"]
    body: list[Row] = [
        [i + 1, f"MG-{i:06d}", f"NdFeB block magnet {5 + i % 31}x{2 + i % 13}x2 mm",
         1 + i % 12, round(0.05 + (i % 400) / 100, 2), "spare" if i % 7 == 0 else None]
        for i in range(rows)
    ]  # fmt: skip
    return [header, *body]


def test_long_plain_sheet() -> None:
    rows = _bom(5000)
    _same(guess_table(rows), table_reference.guess_table(rows))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inserts=st.lists(
        st.tuples(st.integers(1, 4999), st.one_of(st.lists(cells, max_size=8), st.just([]))),
        max_size=12,
    )
)
def test_long_sheet_with_odd_rows(inserts: list[tuple[int, Row]]) -> None:
    rows = _bom(5000)
    for at, row in sorted(inserts, key=lambda item: item[0], reverse=True):
        rows.insert(at, row)
    _same(guess_table(rows), table_reference.guess_table(rows))


ODD_ROWS: list[Row] = [
    [1, "Part number", "Description", 2, 3.5, "Notes"],  # a repeated header by 60%
    ["Magnets", None, None, None, None, None],  # a section label (first column)
    [None, None, "Magnets", None, None, None],  # one cell, elsewhere: data
    [None, None, None, None, None, "Electronics"],
    ["Total", None, None, 24, 8.5, None],  # total words, in number columns too
    [None, "  Summe", None, 3, None, None],
    [None, "ſumme", None, 3, None, None],
    [None, "Zwıschensumme", None, 3, None, None],
    [7, "MG-1", "İnox ring", 2, 1.0, "GESAMT"],
    [7, "MG-1", "nul\x00", 2, 1.0, "To\x00tal"],
    [7, "MG-1", float("nan"), 2, 1.0, None],
    [7, "MG-1", "disc", "2 pcs", CellError("#N/A"), date(2027, 1, 4)],
    [7, "Grand total", "disc", 2, 1.0, "x"],  # each total word, in a full row
    [7, "MG-1", "Sub-total", 2, 1.0, "x"],
    [7, "MG-1", "disc", 2, 1.0, "Zwischensumme"],
    [7, "Gesamt", "disc", 2, 1.0, "x"],
    [7, "MG-1", "Somme", 2, 1.0, "x"],
    [7, "MG-1", "disc", 2, 1.0, "Totals"],
    [7, "suma", "disc", 2, 1.0, "x"],
    [7, "MG-1", "disc", "n/a", 1.0, "x"],  # text among numbers: harmless,
    [7, "MG-1", "disc", "Summe", 1.0, "x"],  # a total word,
    ["Pos", "Part number", "Description", "Qty", 2.0, None],  # header names
    [7, 12345.0, "disc", 2, 1.0, None],
    [7, "MG-1"],
    [],
    ["", "", "", "", "", ""],
    [None, "Prepared by", "J. Smith"],
]


def test_long_sheet_with_each_kind_of_odd_row() -> None:
    for odd in ODD_ROWS:  # alone, where a block starts
        rows = _bom(2100)
        rows.insert(2049, odd)
        _same(guess_table(rows), table_reference.guess_table(rows))
    for at in (1, 62, 2030, 4940):  # all of them, a few rows apart, across block edges
        rows = _bom(5000)
        for offset, odd in reversed(list(enumerate(ODD_ROWS))):
            rows.insert(at + 3 * offset, odd)
        _same(guess_table(rows), table_reference.guess_table(rows))


def test_header_repeated_in_three_of_five_columns_among_numbers() -> None:
    rows: list[Row] = [["Pos", "Part number", "Description", "Qty", "Finish"]]
    rows += [[i, f"P-{i}", "disc 6x3", 1 + i % 4, "NiCuNi"] for i in range(300)]
    rows.insert(150, [150, "part number", "DESCRIPTION", 2, "Finish"])
    guess = guess_table(rows)
    assert guess.skipped_rows == {150: "repeated header row"}
    _same(guess, table_reference.guess_table(rows))


def test_blank_numbers_and_yes_no_cells_and_longer_lower_case() -> None:
    nan = float("nan")
    rows = _bom(3000)
    rows.insert(700, [nan, "", "", nan, nan, None])  # NaN reads as blank: a blank row
    for at in range(1000, 1100):  # "İ".lower() is two characters long
        rows[at][5] = "İ" * 5
    rows.insert(1200, [1, "Total", None, 24, 8.5, None])
    _same(guess_table(rows), table_reference.guess_table(rows))
    switches: list[Row] = [["Pos", "yes", "Part number", "Description", "no"]]
    switches += [[i, i % 2 == 0, f"P-{i}", "disc", i % 3 == 0] for i in range(300)]
    switches.insert(150, [1, True, "part number", "x", False])  # yes, no: a repeated header
    guess = guess_table(switches)
    assert guess.skipped_rows == {150: "repeated header row"}
    _same(guess, table_reference.guess_table(switches))
    dated: list[Row] = [["Pos", "Part number", "Delivery", "Qty"]]
    dated += [[i, f"P-{i}", date(2027, 1, 1 + i % 28), 2] for i in range(300)]
    dated.insert(100, [5, "P-5", "Total", 3])  # text among dates
    dated.insert(200, [6, "P-6", float("nan"), 3])
    _same(guess_table(dated), table_reference.guess_table(dated))


@given(
    st.one_of(
        st.booleans(),
        st.integers(),
        st.floats(),
        st.dates(),
        st.datetimes(timezones=st.timezones()),
        st.times(timezones=st.timezones()),
        st.timedeltas(),
    )
)
def test_no_number_or_date_reads_as_a_number_proof_header(cell: object) -> None:
    assert not number_proof(cell_text(cell))
