"""Parsing a large sheet while it is pre-scanned, and `inspect_and_read` (issue #4).

The worker gets the job before the pre-scan has measured the sheet, parses, and builds no
row until it is released; a sheet the pre-scan refuses ends the worker with the same
ReadError as when nothing is parsed early. EARLY_PARSE_BYTES is lowered here so that small
files take the early path.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import psutil  # type: ignore[import-untyped]
import pytest

from planner.importing import Limits, ReadError, inspect_file, read_sheet, reader, worker
from planner.importing.cells import SheetAssembly
from planner.importing.engines import SheetJob
from planner.importing.prescan import Prescan
from planner.importing.reader import inspect_and_read
from tests.helpers import hostile
from tests.helpers.corpus import listing
from tests.helpers.hostile import Book, CellValue, Sheet

if TYPE_CHECKING:
    from pathlib import Path

    from planner.importing import FileInfo, SheetData

ROWS: list[list[CellValue]] = [["part", "qty", "note"]]
ROWS += [[f"P-{r:04d}", r, "x\ry" if r == 7 else None] for r in range(1, 300)]
DEFAULT_LIMITS = Limits()


@pytest.fixture
def early(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object, bool]]:
    """Parse every OOXML sheet early; record what is sent to workers and when."""
    monkeypatch.setattr(reader, "EARLY_PARSE_BYTES", 0)
    events: list[tuple[str, object, bool]] = []
    submit, scan = worker.Worker.submit, Prescan.scan

    def spy_submit(self: worker.Worker, job: object, **kwargs: Any) -> None:
        events.append(("submit", job, bool(kwargs.get("gated"))))
        submit(self, job, **kwargs)

    def spy_scan(self: Prescan, *args: Any) -> Any:
        events.append(("scan", args[0].name, False))
        return scan(self, *args)

    monkeypatch.setattr(worker.Worker, "submit", spy_submit)
    monkeypatch.setattr(Prescan, "scan", spy_scan)
    return events


def _reference(
    path: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[FileInfo, SheetData] | ReadError:
    """What the two calls return without any early parse."""
    saved = reader.EARLY_PARSE_BYTES
    reader.EARLY_PARSE_BYTES = 1 << 62
    try:
        info = inspect_file(path, limits=limits)
        first = info.first_visible()
        if first is None:
            return ReadError("empty", path, None, "no visible sheet holds any data")
        return info, read_sheet(path, first.name, limits=limits)
    except ReadError as exc:
        return exc
    finally:
        reader.EARLY_PARSE_BYTES = saved


def _same(one: tuple[FileInfo, SheetData] | ReadError, other: object) -> None:
    if isinstance(one, ReadError):
        assert isinstance(other, ReadError), other
        assert (other.category, other.sheet, other.message) == (
            one.category,
            one.sheet,
            one.message,
        )
    else:
        assert other == one


def _workers() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


def test_large_sheet_is_parsed_while_it_is_prescanned(
    tmp_path: Path, early: list[tuple[str, object, bool]]
) -> None:
    """The gated job goes out before the scan; the rows are those of an ordinary read."""
    path = hostile.write_xlsx(tmp_path / "bom.xlsx", Book([Sheet("BOM", rows=ROWS)]))
    data = read_sheet(path)
    assert [(kind, gated) for kind, _job, gated in early] == [
        ("submit", True),
        ("scan", False),
    ]
    reference = _reference(path)
    assert not isinstance(reference, ReadError)
    assert data == reference[1]
    assert data.rows[7][2] == "x\ny"


def test_too_large_sheet_found_while_parsing_kills_the_worker(
    tmp_path: Path, early: list[tuple[str, object, bool]]
) -> None:
    """The pre-scan's too_large wins over the parse, and no worker is left behind."""
    path = hostile.write_xlsx(tmp_path / "bom.xlsx", Book([Sheet("BOM", rows=ROWS)]))
    limits = Limits(max_rows=100)
    before = _workers()
    with pytest.raises(ReadError) as caught:
        read_sheet(path, limits=limits)
    assert early[0][0] == "submit"
    assert early[0][2]  # the parse had started
    assert caught.value.category == "too_large"
    assert caught.value.sheet == "BOM"
    assert "more than the 20,000,000 cells (or 100 rows" in caught.value.message
    _same(_reference(path, limits), caught.value)
    assert _workers() <= before
    with pytest.raises(ReadError) as again:
        inspect_and_read(path, limits=limits)
    _same(caught.value, again.value)
    assert _workers() <= before


def test_dimension_bomb_in_a_large_part_is_refused_like_a_small_one(
    tmp_path: Path, early: list[tuple[str, object, bool]]
) -> None:
    """Parsed early (calamine may die of it in the worker), it is still the pre-scan's
    too_large with the extent in the message, and the worker is gone."""
    path = hostile.dimension_bomb(tmp_path / "bomb.xlsx")
    before = _workers()
    with pytest.raises(ReadError) as caught:
        read_sheet(path)
    assert early[0][2]
    assert caught.value.category == "too_large"
    assert caught.value.sheet == "Bomb"
    assert "1,048,576 rows × 16,384 columns" in str(caught.value)
    assert _workers() <= before


def test_small_parts_are_measured_before_any_parser_sees_them(tmp_path: Path) -> None:
    """Below EARLY_PARSE_BYTES the job is sent only after the scan, ungated."""
    path = hostile.write_xlsx(tmp_path / "bom.xlsx", Book([Sheet("BOM", rows=ROWS)]))
    sent: list[bool] = []
    submit = worker.Worker.submit

    def spy(self: worker.Worker, job: object, **kwargs: Any) -> None:
        sent.append(bool(kwargs.get("gated")))
        submit(self, job, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(worker.Worker, "submit", spy)
        read_sheet(path)
    assert sent == [False]


def test_early_parse_of_a_sheet_not_wanted_after_all(
    tmp_path: Path, early: list[tuple[str, object, bool]]
) -> None:
    """The first visible sheet is parsed early but is empty: the sheet with data is read
    by a fresh worker, by both entry points."""
    book = Book([Sheet("Cover"), Sheet("BOM", rows=ROWS)])
    path = hostile.write_xlsx(tmp_path / "bom.xlsx", book)
    before = _workers()
    data = read_sheet(path)
    jobs = [job for kind, job, _gated in early if kind == "submit"]
    assert [(job.sheet, gated) for kind, job, gated in early if isinstance(job, SheetJob)] == [
        ("Cover", True),
        ("BOM", False),
    ]
    assert len(jobs) == 2
    assert data.name == "BOM"
    assert len(data.rows) == 300
    info, first = inspect_and_read(path)
    _same((info, first), _reference(path))
    assert _workers() <= before


def test_stale_release_is_ignored_by_the_worker(tmp_path: Path) -> None:
    """A gated job that fails before its release leaves the release unread: the worker
    skips it and serves the next job."""
    good = hostile.write_xlsx(tmp_path / "bom.xlsx", Book([Sheet("BOM", rows=ROWS)]))
    missing = SheetJob(str(tmp_path / "gone.xlsb"), "xlsb", "S", 0, 0, 0)
    with worker.Worker(good, Limits()) as process:
        process.submit(missing, sheet="S", gated=True)
        process.release(1, 1)
        with pytest.raises(ReadError) as caught:
            process.collect(sheet="S")
        assert caught.value.category == "damaged"
        assembly = SheetAssembly("BOM")
        report = process.run(
            SheetJob(os.path.abspath(good), "xlsx", "BOM", 0, 300, 3), into=assembly
        )
    assert report["engine"] == "calamine"
    assert len(assembly.finish()) == 300


@pytest.mark.parametrize("name", listing("badinputs"))
def test_inspect_and_read_matches_the_two_calls(
    corpus: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus file: one pass (every OOXML sheet parsed early) gives what inspect_file
    and read_sheet give, or the same ReadError."""
    path = corpus / "badinputs" / name
    reference = _reference(path)
    monkeypatch.setattr(reader, "EARLY_PARSE_BYTES", 0)
    try:
        outcome: object = inspect_and_read(path)
    except ReadError as exc:
        outcome = exc
    _same(reference, outcome)


def test_an_early_parse_over_its_tighter_memory_cap_is_read_again(
    tmp_path: Path, early: list[tuple[str, object, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An early parse may use memory in proportion to the sheet (a dimension bomb fails
    fast); when a real sheet needs more, it is read again the ordinary way once measured."""
    monkeypatch.setattr(reader, "_EARLY_MEMORY_BASE", 1 << 20)  # far too little
    monkeypatch.setattr(reader, "_EARLY_MEMORY_PER_BYTE", 0)
    path = hostile.write_xlsx(tmp_path / "bom.xlsx", Book([Sheet("BOM", rows=ROWS)]))
    data = read_sheet(path)
    assert [(kind, gated) for kind, _job, gated in early] == [
        ("submit", True),  # the early parse, which fails on its cap
        ("scan", False),
        ("submit", False),  # the ordinary read, after the scan
    ]
    reference = _reference(path)
    assert not isinstance(reference, ReadError)
    assert data == reference[1]
    assert not _workers()
