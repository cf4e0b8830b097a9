"""A sheet measured by `inspect_file` is not measured again by `read_sheet` (issue #4),
unless the file changed."""

from __future__ import annotations

import os
import zipfile
from typing import TYPE_CHECKING, Any

import pytest

from planner.importing import Limits, inspect_file, read_sheet
from planner.importing.prescan import SCANS, FileKey, Prescan, ScanCache, SheetRef
from planner.importing.sheetscan import SheetScan
from tests.helpers import hostile
from tests.helpers.hostile import Book, CellValue, Sheet

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every sheet really scanned (not taken from the cache)."""
    SCANS.clear()
    names: list[str] = []
    original = Prescan._scan

    def spy(self: Prescan, ref: SheetRef, helper: Any) -> SheetScan:
        names.append(ref.name)
        return original(self, ref, helper)

    monkeypatch.setattr(Prescan, "_scan", spy)
    return names


def _write(path: Path, value: int, *, rows: int = 50) -> Path:
    """Write a stored (uncompressed) xlsx: the same size whatever one-digit `value`."""
    table: list[list[CellValue]] = [["part", "qty"]]
    table += [[f"P-{r:03d}", value] for r in range(rows)]
    packed = hostile.write_xlsx(path.with_suffix(".tmp"), Book([Sheet("BOM", rows=table)]))
    with zipfile.ZipFile(packed) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            target.writestr(copy, source.read(info), zipfile.ZIP_STORED)
    packed.unlink()
    return path


def test_read_after_inspect_does_not_scan_again(tmp_path: Path, scanned: list[str]) -> None:
    """inspect_file measures the sheet; read_sheet reuses it, with the same result."""
    path = _write(tmp_path / "bom.xlsx", 1)
    info = inspect_file(path)
    data = read_sheet(path, info.sheets[0].name)
    assert scanned == ["BOM"]
    assert len(data.rows) == 51
    read_sheet(path)
    assert scanned == ["BOM"]


def test_a_changed_file_is_scanned_again(tmp_path: Path, scanned: list[str]) -> None:
    """More rows written to the same path: measured again, all rows read."""
    path = _write(tmp_path / "bom.xlsx", 1)
    inspect_file(path)
    _write(path, 1, rows=80)
    data = read_sheet(path)
    assert scanned == ["BOM", "BOM"]
    assert len(data.rows) == 81


def test_same_size_and_modification_time_is_still_a_change(
    tmp_path: Path, scanned: list[str]
) -> None:
    """Rewritten in place with the same size and its modification time set back: the change
    time tells it apart."""
    path = _write(tmp_path / "bom.xlsx", 1)
    before = path.stat()
    inspect_file(path)
    _write(path, 2)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    data = read_sheet(path)
    assert scanned == ["BOM", "BOM"]
    assert data.rows[1] == ["P-000", 2]


def test_other_limits_are_scanned_again(tmp_path: Path, scanned: list[str]) -> None:
    """A scan stops early once over the limits, so it is kept per limits."""
    path = _write(tmp_path / "bom.xlsx", 1)
    inspect_file(path, limits=Limits(max_rows=10))
    assert read_sheet(path).rows[50] == ["P-049", 1]
    assert scanned == ["BOM", "BOM"]


def test_least_recently_used_file_is_forgotten(tmp_path: Path) -> None:
    """The cache keeps a bounded number of file versions, and hands out copies."""
    cache = ScanCache(files=2)
    ref = SheetRef("S", False, 0, "xl/worksheets/sheet1.xml")
    keys = []
    for index in range(3):
        path = tmp_path / f"f{index}.xlsx"
        path.write_bytes(b"x" * (index + 1))
        keys.append((FileKey.of(path), Limits()))
    cache.put(keys[0], ref, SheetScan(1, 1, [(0, 0, "#N/A")]))
    cache.put(keys[1], ref, SheetScan(2, 2))
    assert cache.get(keys[0], ref) is not None  # now the most recently used
    cache.put(keys[2], ref, SheetScan(3, 3))
    assert cache.get(keys[1], ref) is None
    first = cache.get(keys[0], ref)
    assert first is not None
    first.errors.clear()
    again = cache.get(keys[0], ref)
    assert again is not None
    assert again.errors == [(0, 0, "#N/A")]
