"""Table detection: header row, extent and skipped rows in messy buyer sheets."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.importing import CellError
from planner.importing.table import (
    TableGuess,
    cell_text,
    column_letter,
    error_code,
    guess_table,
)

Row = list[object]


def test_plain_table() -> None:
    rows: list[Row] = [
        ["Part No.", "Description", "Qty"],
        ["A1", "N42 10x5x2", 4],
        ["A2", "x", 2],
    ]
    guess = guess_table(rows)
    assert (guess.header_row, guess.first_data_row, guess.last_data_row) == (0, 1, 2)
    assert guess.columns == [0, 1, 2]
    assert list(guess.data_rows()) == [1, 2]
    assert guess.skipped_rows == {}
    assert guess.confidence > 0.8


def test_title_rows_merged_title_and_empty_leading_columns() -> None:
    rows: list[Row] = [
        [None, None, "Bill of Materials – Motor M7", None, None],  # merged title
        [None, None, "Rev. C, 2027-01-04"],
        [],
        [None, None, "Pos", "Part number", "Beschreibung", "Menge"],
        [None, None, 1, "M7-001", "Ringmagnet N42SH 10x5x3", 8],
        [None, None, 2, "M7-002", "Welle", 1],
    ]
    guess = guess_table(rows)
    assert guess.header_row == 3
    assert guess.columns == [2, 3, 4, 5]
    assert list(guess.data_rows()) == [4, 5]
    assert guess.skipped_rows == {
        0: "above the table (title or notes)",
        1: "above the table (title or notes)",
    }


def test_section_labels_totals_and_summary_block() -> None:
    rows: list[Row] = [
        ["Item", "Description", "Quantity", "Unit price"],
        ["Electronics"],
        ["C1", "Capacitor 100nF", 10, 0.01],
        ["Magnets"],
        ["M1", "N52 12x5x3mm", 8, 0.4],
        ["M2", "N35 disc 6x3", 4, 0.2],
        ["Subtotal", None, 12, 4.0],
        ["M3", "Ferrite ring magnet 20x10x5", 2, 0.3],
        ["Total", None, 24, 8.5],
        [],
        ["Prepared by", "J. Smith"],
        ["Approved", "2027-01-01"],
    ]
    guess = guess_table(rows)
    assert guess.header_row == 0
    assert list(guess.data_rows()) == [2, 4, 5, 7]
    assert guess.skipped_rows[1] == "section label 'Electronics'"
    assert guess.skipped_rows[3] == "section label 'Magnets'"
    assert guess.skipped_rows[6] == "total row ('Subtotal')"
    assert guess.skipped_rows[8].startswith("below the table")
    assert guess.skipped_rows[10] == "below the table"
    assert guess.last_data_row == 7


def test_repeated_header_block_is_skipped_and_noted() -> None:
    header: Row = ["Part #", "Description", "Qty"]
    rows: list[Row] = [
        header,
        ["P1", "magnet", 1],
        ["P2", "x", 2],
        list(header),
        ["P3", "y", 3],
    ]
    guess = guess_table(rows)
    assert list(guess.data_rows()) == [1, 2, 4]
    assert guess.skipped_rows == {3: "repeated header row"}


def test_side_by_side_tables_pick_the_first_and_report_the_other() -> None:
    rows: list[Row] = [
        ["Part", "Qty", None, "Part", "Qty"],
        ["Magnet A", 4, None, "Magnet B", 6],
        ["Magnet C", 2, None, "Magnet D", 1],
    ]
    guess = guess_table(rows)
    assert guess.columns == [0, 1]
    assert any("columns D–E" in note for note in guess.notes)


def test_user_sets_the_header_row_and_the_extent() -> None:
    rows: list[Row] = [["a", "b"], ["Qty", "Description"], [1, "x"], [2, "y"], [3, "z"]]
    guess = guess_table(rows, header_row=1, last_data_row=3)
    assert (guess.header_row, list(guess.data_rows())) == (1, [2, 3])
    assert guess.confidence == pytest.approx(1.0)


def test_header_only_sheet_has_no_data_rows() -> None:
    guess = guess_table([["Component ID", "Part Number", "Quantity", "Price"]])
    assert guess.header_row == 0
    assert list(guess.data_rows()) == []
    assert guess.last_data_row < guess.first_data_row


def test_sheet_without_header_names_columns_by_letter() -> None:
    rows: list[Row] = [[1, 2.5, 3], [4, 5.5, 6], [7, 8.5, 9]]
    guess = guess_table(rows)
    assert guess.header_row is None
    assert list(guess.data_rows()) == [0, 1, 2]
    assert guess.headers(rows) == {0: "Column A", 1: "Column B", 2: "Column C"}
    assert guess.notes


def test_empty_sheet() -> None:
    guess = guess_table([])
    assert list(guess.data_rows()) == []


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        (4.0, "4"),
        (2.5, "2.5"),
        (7, "7"),
        (True, "yes"),
        (date(2027, 1, 4), "2027-01-04"),
        (datetime(2027, 1, 4), "2027-01-04"),
        ("  N42 \x00", "N42"),
        (float("nan"), ""),
    ],
)
def test_cell_text(cell: object, text: str) -> None:
    assert cell_text(cell) == text


def test_error_cells_from_excel_files_and_from_csv_text() -> None:
    assert cell_text(CellError("#REF!")) == "#REF!"
    assert error_code(CellError("#DIV/0!")) == "#DIV/0!"
    assert error_code("#N/A") == "#N/A"
    assert error_code("N/A") is None
    assert error_code(3) is None


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip


def test_repeated_header_rows_are_noted() -> None:
    header: Row = ["Part #", "Description", "Qty"]
    guess = guess_table([header, ["P1", "a", 1], ["P2", "b", 2], list(header), ["P3", "c", 3]])
    assert guess.notes == ["repeated header row(s) skipped: sheet row 4"]


def test_a_very_wide_sheet_is_cut_to_a_readable_table() -> None:
    header: Row = ["Description", "Qty", *(f"x{i}" for i in range(5000))]
    guess = guess_table([header, ["magnet 6x3", 4, *range(5000)]])
    assert len(guess.columns) == 256
    assert any("first 256" in note for note in guess.notes)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 60), max_size=40, unique=True).map(sorted),
    st.integers(0, 60),
    st.integers(-1, 60),
    st.integers(0, 50),
)
def test_the_first_data_rows_and_their_count_match_the_data_rows(
    data: list[int], first: int, last: int, count: int
) -> None:
    guess = TableGuess(
        header_row=None, first_data_row=first, last_data_row=last, columns=[0], data=data
    )
    assert guess.first_data_rows(count) == list(guess.data_rows()[:count])
    assert guess.data_count() == len(guess.data_rows())
