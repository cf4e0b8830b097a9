"""The values the reader hands out: errors, notices, cells."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from planner.importing import CATEGORIES, Category, CellError, Notice, ReadError
from planner.importing.model import column_index, column_name


@pytest.mark.parametrize("category", CATEGORIES)
def test_read_error_is_one_line_naming_file_and_sheet(category: Category) -> None:
    """str() names the file and sheet and says what is wrong, on one line."""
    error = ReadError(category, Path("/in/BOM 2025.xlsx"), "Parts", detail="x" * 500)
    text = str(error)
    assert text.startswith("“BOM 2025.xlsx”, sheet “Parts”: ")
    assert "\n" not in text
    assert "x" * 10 not in text  # the technical detail stays out of the message
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.category, copy.file, copy.sheet, copy.detail) == (
        error.category,
        error.file,
        error.sheet,
        error.detail,
    )


def test_notice_text() -> None:
    """Notices name sheet and cell when they have them."""
    assert str(Notice("S", 6, 1, "cut")) == "S!B7: cut"
    assert str(Notice("S", 6, None, "row 7 has 5 cells")) == "S: row 7 has 5 cells"
    assert str(Notice(None, None, None, "encoding: Windows-1252")) == "encoding: Windows-1252"


def test_cell_error_is_not_blank() -> None:
    """An error value is its code, never equal to a blank or to the same text."""
    error = CellError("#N/A")
    text: object = "#N/A"
    assert str(error) == "#N/A"
    assert error != text
    assert error is not None
    assert error == CellError("#N/A")


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (16_383, "XFD")]
)
def test_column_letters(index: int, letters: str) -> None:
    """Column indexes and letters convert both ways."""
    assert column_name(index) == letters
    assert column_index(letters) == index
