"""The pre-scan: real extents from cell references, both scan paths, sheets, formulas."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from planner.importing import CellError, Limits, ReadError, inspect_file, read_sheet, worker
from planner.importing.sheetxml import SheetScan, _slow_scan, scan_half_xml, scan_sheet_xml
from tests.helpers import hostile
from tests.helpers.hostile import MAIN, Book, CellValue, Sheet

if TYPE_CHECKING:
    from pathlib import Path

HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
TAIL = "</sheetData></worksheet>"


def _scan(xml: str | bytes, limits: Limits | None = None) -> tuple[SheetScan, SheetScan]:
    """Scan a worksheet part with the automatic choice of path and with the exact parser."""
    data = xml.encode() if isinstance(xml, str) else xml
    limits = limits or Limits()
    auto = scan_sheet_xml(lambda: io.BytesIO(data), limits)
    exact = SheetScan()
    _slow_scan(io.BytesIO(data), exact, limits)
    return auto, exact


@pytest.mark.parametrize(
    ("body", "extent"),
    [
        ('<row r="1"><c r="A1"><v>1</v></c><c r="C1" t="s"><v>0</v></c></row>', (1, 3)),
        ('<row r="2"><c r="B2"><v>1</v></c><c r="Z2" s="3"/></row>', (2, 2)),  # styles only
        (
            '<row r="1"><c><v>1</v></c><c/><c><v>2</v></c></row><row><c><v>3</v></c></row>',
            (2, 3),
        ),
        ('<row r="4"><c s="1" r="D4"><v>1</v></c></row>', (4, 4)),  # r not first
        ('<row r="3"><c r="b3"><v>1</v></c></row>', (3, 2)),  # lower-case reference
        ('<row r="1"><c r="A1"><f>B1*2</f></c></row>', (1, 1)),  # formula, no value
        ('<row r="9"><c r="AA9" t="inlineStr"><is><t>x</t></is></c></row>', (9, 27)),
        (
            '<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="2" xmlns:q="urn:q"><q:c r="XFD1048576"><v>2</v></q:c></row>',
            (1_048_576, 16_384),
        ),  # a prefixed cell calamine would read: never missed
    ],
)
def test_extent_from_cells(body: str, extent: tuple[int, int]) -> None:
    """Both paths agree on the extent of cells holding a value, whatever the markup."""
    auto, exact = _scan(HEAD + body + TAIL)
    assert (auto.rows, auto.columns) == extent
    assert (exact.rows, exact.columns) == extent


def test_prefixed_and_utf16_parts_take_the_exact_path() -> None:
    """A prefixed root (OpenXML SDK style) and a UTF-16 part are scanned exactly."""
    prefixed = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2"><x:c r="C2"><x:v>1</x:v>'
        "</x:c></x:row></x:sheetData></x:worksheet>"
    )
    auto, _ = _scan(prefixed)
    assert (auto.rows, auto.columns) == (2, 3)
    utf16 = (HEAD + '<row r="5"><c r="E5"><v>1</v></c></row>' + TAIL).replace("UTF-8", "UTF-16")
    auto, _ = _scan(utf16.encode("utf-16"))
    assert (auto.rows, auto.columns) == (5, 5)


def test_dimension_bomb_without_references_is_caught() -> None:
    """Cells without `r` still count: 16,384 positions in row 1,048,576 is too large."""
    body = '<row r="1048576">' + "<c/>" * 16_383 + "<c><v>1</v></c></row>"
    auto, exact = _scan(HEAD + body + TAIL)
    assert auto.over(Limits())
    assert (exact.rows, exact.columns) == (1_048_576, 16_384)


def test_bomb_after_many_chunks_is_caught() -> None:
    """A far cell after several megabytes of ordinary rows is found by the chunked scan."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{"x" * 90}</t></is></c></row>'
        for r in range(1, 60_001)
    )
    bomb = '<row r="60001"><c r="XFD60001"><v>1</v></c></row>'
    auto, _ = _scan(HEAD + rows + bomb + TAIL)
    assert (auto.rows, auto.columns) == (60_001, 16_384)
    assert auto.over(Limits())


def test_errors_and_formulas_are_found() -> None:
    """Error cells keep their code; formulas without `<v>` are flagged, with `<v>` not."""
    body = (
        '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B1"><f>A1</f></c>'
        '<c r="C1"><f>1+1</f><v>2</v></c><c r="D1" t="e"><v>#N/A</v></c></row>'
    )
    auto, exact = _scan(HEAD + body + TAIL)
    for scan in (auto, exact):
        assert scan.errors == [(0, 0, "#DIV/0!"), (0, 3, "#N/A")]
        assert scan.formulas == [(0, 1)]


def test_hidden_and_chart_sheets(tmp_path: Path) -> None:
    """Hidden sheets are listed as such and skipped by default; chart sheets are left out."""
    book = Book(
        [
            Sheet("Secret", rows=[["s"]], state="hidden"),
            Sheet("Chart", xml="<chartsheet/>", kind="chartsheet"),
            Sheet("Deep", rows=[["d"]], state="veryHidden"),
            Sheet("BOM", rows=[["Part"], ["P-1"]]),
        ]
    )
    path = hostile.write_xlsx(tmp_path / "sheets.xlsx", book)
    info = inspect_file(path)
    assert [(s.name, s.hidden) for s in info.sheets] == [
        ("Secret", True),
        ("Deep", True),
        ("BOM", False),
    ]
    assert read_sheet(path).name == "BOM"
    assert read_sheet(path, "Secret").rows == [["s"]]


def test_formula_without_result_is_flagged(tmp_path: Path) -> None:
    """A formula never calculated (openpyxl-written) is None with a notice, not 0 or blank."""
    body = (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*3</f></c></row>'
        '<row r="2"><c r="A2" t="e"><v>#REF!</v></c></row>'
    )
    sheet = Sheet("S", xml=hostile.sheet_xml((), body=body))
    data = read_sheet(hostile.write_xlsx(tmp_path / "f.xlsx", Book([sheet])))
    assert data.rows == [[2.0, None], [CellError("#REF!"), None]]
    assert [str(n) for n in data.notices] == [
        "S!B1: formula without stored result – open and re-save in Excel/LibreOffice"
    ]


def test_sheet_name_not_found(tmp_path: Path) -> None:
    """Asking for a sheet the file does not have is a ReadError naming it."""
    path = hostile.write_xlsx(tmp_path / "one.xlsx", Book([Sheet("A", rows=[["x"]])]))
    with pytest.raises(ReadError) as caught:
        read_sheet(path, "B")
    assert caught.value.sheet == "B"


def _ods(path: Path, content: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return path


def test_ods_repeats_are_counted_not_expanded(tmp_path: Path) -> None:
    """Trailing empty repeats (as LibreOffice writes them) do not widen the extent."""
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    content = (
        f'<office:document-content xmlns:office="{office}" xmlns:table="{table}" '
        f'xmlns:text="{text}"><office:body><office:spreadsheet><table:table table:name="T">'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell '
        'office:value-type="float" office:value="1" table:number-columns-repeated="3">'
        "<text:p>1</text:p></table:table-cell><table:table-cell "
        'table:number-columns-repeated="16381"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = _ods(tmp_path / "repeats.ods", content)
    assert inspect_file(path).sheets[0].rows == 2
    assert read_sheet(path).rows == [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]


def _halves(data: bytes, split: int) -> tuple[SheetScan | None, SheetScan | None]:
    limits = Limits()
    head = scan_half_xml(lambda: io.BytesIO(data), limits, head=True, split=split)
    tail = scan_half_xml(lambda: io.BytesIO(data), limits, head=False, split=split)
    return head, tail


def test_halves_meet_at_one_row_boundary() -> None:
    """Head and tail scans split anywhere add up to the whole scan, findings included."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="e"><v>#N/A</v></c></row>'
        for r in range(1, 3001)
    )
    far = '<row r="3001"><c r="AB3001"><f>A1</f></c></row>'
    data = (HEAD + rows + far + TAIL).encode()
    whole = scan_sheet_xml(lambda: io.BytesIO(data), Limits())
    for split in (0, 1, 999, len(data) // 2, len(data) - 40, len(data), len(data) + 9):
        head, tail = _halves(data, split)
        assert head is not None
        assert tail is not None
        merged = head.merged(tail)
        assert (merged.rows, merged.columns) == (whole.rows, whole.columns) == (3001, 28)
        assert sorted(merged.errors) == sorted(whole.errors)
        assert merged.formulas == whole.formulas == [(3000, 27)]


def test_odd_tail_gives_up() -> None:
    """A tail that is not canonical returns None, so the caller scans the part exactly."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 2001))
    data = (HEAD + rows + '<row r="2001"><c><v>1</v></c></row>' + TAIL).encode()
    head, tail = _halves(data, len(data) // 2)
    assert head is not None
    assert tail is None


def test_large_sheet_is_prescanned_in_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worksheet part over 8 MiB has its tail scanned by the worker, same result.

    (The first visible sheet is empty, so the worker is not parsing the large one early:
    tests/planner/importing/test_early_parse.py covers that case.)"""
    submitted: list[object] = []
    original = worker.Worker.submit

    def spy(self: worker.Worker, job: object, **kwargs: Any) -> None:
        submitted.append(job)
        original(self, job, **kwargs)

    monkeypatch.setattr(worker.Worker, "submit", spy)
    rows: list[list[CellValue]] = [
        [f"P-{r:06d}", f"magnet ring {r % 97}", r * 0.5] for r in range(40_000)
    ]
    rows.append([None, None, None, "far"])
    book = Book([Sheet("Notes"), Sheet("BOM", rows=rows)])
    path = hostile.write_xlsx(tmp_path / "large.xlsx", book)
    data = read_sheet(path)
    assert [type(job).__name__ for job in submitted] == ["TailScanJob", "SheetJob"]
    assert len(data.rows) == 40_001
    assert data.rows[-1] == [None, None, None, "far"]
    assert data.rows[39_999] == ["P-039999", "magnet ring 35", 19_999.5, None]


def test_xls_the_prescan_cannot_open_is_listed_by_the_worker(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compound file our reader refuses (calamine is more lenient) is listed and read by
    the worker; .xls cannot exceed 65,536 × 256 cells, so no pre-scan is needed for safety."""
    from planner.importing import prescan
    from planner.importing.cfb import CfbError

    def refuse(*_args: object) -> None:
        raise CfbError("refused by the test")

    monkeypatch.setattr(prescan, "CompoundFile", refuse)
    path = corpus / "badinputs" / "dates" / "poi__1904DateWindowing.xls"
    info = inspect_file(path)
    assert [(s.name, s.rows, s.columns) for s in info.sheets] == [
        ("Sheet1", 1, 2),
        ("Sheet2", 0, 0),
        ("Sheet3", 0, 0),
    ]
    data = read_sheet(path)
    assert data.rows[0][0] == date(2000, 1, 1)
