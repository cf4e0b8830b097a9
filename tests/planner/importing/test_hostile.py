"""Hostile files generated on the spot: bombs, huge cells, ragged rows, crashing workers."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

import psutil  # type: ignore[import-untyped]
import pytest

from planner.importing import (
    Limits,
    ReadCancelledError,
    ReadError,
    inspect_file,
    read_sheet,
    worker,
)
from planner.importing.engines import SheetJob
from tests.helpers import hostile

if TYPE_CHECKING:
    from pathlib import Path

MIB = 1 << 20


@pytest.fixture
def jobs_sent(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every job handed to a worker process."""
    sent: list[object] = []
    original = worker.Worker.run

    def spy(self: worker.Worker, job: object, **kwargs: Any) -> dict[str, Any]:
        sent.append(job)
        return original(self, job, **kwargs)

    monkeypatch.setattr(worker.Worker, "run", spy)
    return sent


def test_dimension_bomb_is_refused_by_the_prescan(
    tmp_path: Path, jobs_sent: list[object]
) -> None:
    """One cell at XFD1048576: too_large in well under a second, no parser ever runs."""
    path = hostile.dimension_bomb(tmp_path / "dim_bomb_last_cell.xlsx")
    start = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        read_sheet(path)
    assert time.perf_counter() - start < 1.0
    assert caught.value.category == "too_large"
    assert caught.value.sheet == "Bomb"
    assert "1,048,576 rows × 16,384 columns" in str(caught.value)
    assert jobs_sent == []  # calamine never saw it
    info = inspect_file(path)  # listing it is harmless: the extent is only counted
    assert (info.sheets[0].rows, info.sheets[0].columns) == (1_048_576, 16_384)


def test_dimension_bomb_past_the_prescan_only_kills_the_worker(tmp_path: Path) -> None:
    """If the pre-scan were bypassed, calamine dies in the worker and the parent reports it."""
    path = hostile.dimension_bomb(tmp_path / "bomb.xlsx")
    limits = Limits(worker_memory_bytes=1 << 30)
    job = SheetJob(str(path), "xlsx", "Bomb", 0, 0, 0)
    with worker.Worker(path, limits) as process, pytest.raises(ReadError) as caught:
        process.run(job, sheet="Bomb")
    assert caught.value.category in ("too_large", "damaged")
    assert read_sheet(hostile.huge_cells(tmp_path / "next.xlsx")).rows  # next read works


def _zip_bomb_check(path: Path) -> None:
    process = psutil.Process()
    before = process.memory_info().rss
    start = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        read_sheet(path)
    assert time.perf_counter() - start < 2.0
    assert caught.value.category == "too_large"
    assert "zip bomb" in caught.value.message or "unpacks" in caught.value.message
    assert process.memory_info().rss - before < 50 * MIB


def test_zip_bomb_is_refused_from_the_central_directory(tmp_path: Path) -> None:
    """256 MiB of spaces in sheet1.xml: refused before anything is inflated."""
    _zip_bomb_check(hostile.zip_bomb(tmp_path / "zip_bomb.xlsx", 256 * MIB))


@pytest.mark.heavy
def test_zip_bomb_1gib(tmp_path: Path) -> None:
    """The full 1 GiB whitespace bomb of reliability.md B4."""
    _zip_bomb_check(hostile.zip_bomb(tmp_path / "zip_bomb_1GiB_whitespace.xlsx"))


def test_xml_bomb_is_unsafe(tmp_path: Path) -> None:
    """Billion laughs in sharedStrings.xml: refused as unsafe, by inspect and read alike."""
    path = hostile.xml_bomb(tmp_path / "laughs.xlsx")
    for call in (inspect_file, read_sheet):
        with pytest.raises(ReadError) as caught:
            call(path)
        assert caught.value.category == "unsafe"


def test_huge_cell_is_cut_with_a_notice(tmp_path: Path) -> None:
    """A 100,000-character cell comes back as 32,767 characters and a notice naming it."""
    data = read_sheet(hostile.huge_cells(tmp_path / "huge.xlsx"))
    assert data.rows[1][0] == "P-1"
    assert data.rows[1][1] == "x" * 32_767
    (notice,) = data.notices
    assert (notice.row, notice.column) == (1, 1)
    assert str(notice) == "Sheet1!B2: cell text longer than 32,767 characters was cut"


def test_ragged_csv_reports_line_numbers(tmp_path: Path) -> None:
    """Rows with too few or too many fields are kept in place and reported by line."""
    data = read_sheet(hostile.ragged_csv(tmp_path / "ragged.csv"))
    assert data.rows[2] == ["B", "2", None, None]
    assert data.rows[4] == ["D", "4", "5.5", "extra"]
    texts = [notice.text for notice in data.notices]
    assert texts == [
        "row 3 (line 3) has 2 cells, the header has 3",
        "row 5 (line 5) has 4 cells, the header has 3",
    ]


def test_worker_abort_is_reported_and_the_next_read_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies by SIGABRT (like calamine's Rust abort) is a ReadError."""
    path = hostile.huge_cells(tmp_path / "cells.xlsx")
    monkeypatch.setattr(worker, "TEST_FAULT", "abort")
    with pytest.raises(ReadError) as caught:
        read_sheet(path)
    assert caught.value.category == "damaged"
    assert "SIGABRT" in caught.value.detail or os.name == "nt"
    monkeypatch.setattr(worker, "TEST_FAULT", None)
    assert read_sheet(path).rows[0] == ["part", "note"]


def test_tiny_memory_limit_is_reported(tmp_path: Path) -> None:
    """A worker that cannot get the memory it needs fails as too_large or damaged."""
    path = hostile.huge_cells(tmp_path / "cells.xlsx")
    with pytest.raises(ReadError) as caught:
        read_sheet(path, limits=Limits(worker_memory_bytes=1 * MIB))
    assert caught.value.category in ("too_large", "damaged")
    assert read_sheet(path).rows  # the default limits work again


def test_time_limit_kills_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that hangs is killed at the deadline and reported as too_large."""
    monkeypatch.setattr(worker, "TEST_FAULT", "hang")
    start = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        read_sheet(
            hostile.huge_cells(tmp_path / "cells.xlsx"), limits=Limits(worker_seconds=0.5)
        )
    assert caught.value.category == "too_large"
    assert time.perf_counter() - start < 5


def test_cancel_kills_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cancel() is polled while waiting; True ends the worker and raises ReadCancelledError."""
    monkeypatch.setattr(worker, "TEST_FAULT", "hang")
    calls: list[int] = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(ReadCancelledError):
        read_sheet(hostile.huge_cells(tmp_path / "cells.xlsx"), cancel=cancel)
    assert len(calls) == 4


def test_progress_is_reported(tmp_path: Path) -> None:
    """progress(done, total) starts at 0 and ends with every row received."""
    rows = [[f"P{i}", *range(11)] for i in range(12_000)]
    path = hostile.write_xlsx(tmp_path / "many.xlsx", hostile.Book([hostile.Sheet("S", rows)]))
    seen: list[tuple[int, int]] = []
    data = read_sheet(path, progress=lambda done, total: seen.append((done, total)))
    assert len(data.rows) == 12_000
    assert seen[0] == (0, 12_000)
    assert seen[-1] == (12_000, 12_000)
    assert len(seen) > 2  # rows arrive in chunks


def test_shared_string_bomb_stays_small(tmp_path: Path) -> None:
    """A 1 MiB shared string in 3,000 cells: read via openpyxl (shared), cut, 3,000 rows."""
    path = hostile.shared_string_bomb(tmp_path / "shared.xlsx")
    process = psutil.Process()
    before = process.memory_info().rss
    data = read_sheet(path, limits=Limits(worker_memory_bytes=1 << 30))
    assert data.engine == "openpyxl"
    assert len(data.rows) == 3000
    assert {len(row[0]) for row in data.rows if isinstance(row[0], str)} == {32_767}
    assert process.memory_info().rss - before < 100 * MIB  # one 32 KiB string, shared
