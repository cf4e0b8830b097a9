"""The engines agree where both can read a file; the worker's own safety switches."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pytest

from planner.importing import check_xml_safety, engines, inspect_file
from planner.importing.cells import RowCleaner
from planner.importing.engines import SheetJob

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path


def _normalised(rows: Iterable[list[Any]]) -> list[list[Any]]:
    """Clean rows as the pipeline does and drop the time of day of midnight datetimes."""
    cleaned = RowCleaner("S").feed([list(row) for row in rows])
    out = [
        [cell.date() if isinstance(cell, datetime) and cell.time() == datetime.min.time()
         else cell for cell in row]
        for row in cleaned
    ]  # fmt: skip
    while out and all(cell is None for cell in out[-1]):
        out.pop()
    width = max((len(row) for row in out), default=0)
    return [row + [None] * (width - len(row)) for row in out]


@pytest.mark.parametrize(
    ("name", "sheet", "other"),
    [
        ("structure/tablib__bad_dimensions.xlsx", "Sheet1", "openpyxl"),
        ("security/poi__link-external-workbook-a.xlsx", "Sheet0", "openpyxl"),
        ("security/poi__xxe_in_schema.xlsx", "Sheet1", "openpyxl"),
        ("structure/calamine__has_x000D_.xlsx", "Sheet1", "openpyxl"),
        ("dates/calamine__date_1904.xlsx", "Sheet1", "openpyxl"),
        ("structure/openpyxl__empty_no_dimensions.xlsx", "Sheet2 - Numbers", "openpyxl"),
        ("dates/poi__1904DateWindowing.xls", "Sheet1", "xlrd"),
        ("security/calamine__OOM_alloc.xls", "Data", "xlrd"),
    ],
)
def test_golden_compare(corpus: Path, name: str, sheet: str, other: str) -> None:
    """calamine and the fallback engine give the same values on files both can read."""
    path = corpus / "badinputs" / name
    info = inspect_file(path)
    extent = next(s for s in info.sheets if s.name == sheet)  # bounds, as in the pipeline
    job = SheetJob(str(path), info.kind, sheet, 0, extent.rows, extent.columns)
    readers: dict[str, Callable[[SheetJob], Iterable[list[Any]]]] = {
        "openpyxl": engines._openpyxl,
        "xlrd": engines._xlrd,
    }
    first = _normalised(engines._calamine(job))
    second = _normalised(readers[other](job))
    assert first
    assert first == second


def test_dates_respect_the_1904_system(corpus: Path) -> None:
    """xlrd's serials are converted with the workbook's date mode, like calamine's."""
    path = corpus / "badinputs" / "dates" / "poi__1904DateWindowing.xls"
    rows = engines._xlrd(SheetJob(str(path), "xls", "Sheet1", 0, 0, 0))
    assert rows[0][0] == date(2000, 1, 1)


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
        timeout=60,
    )


def test_worker_has_no_network() -> None:
    """Inside the worker, opening a connection fails before any packet is sent."""
    code = (
        "from planner.importing.worker_child import _harden\n"
        "_harden(0)\n"
        "import socket\n"
        "udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "for call in (lambda: socket.create_connection(('127.0.0.1', 9)),\n"
        "             lambda: socket.socket().connect(('127.0.0.1', 9)),\n"
        "             lambda: socket.getaddrinfo('example.com', 80),\n"
        "             lambda: udp.sendto(b'x', ('127.0.0.1', 9))):\n"
        "    try:\n"
        "        call()\n"
        "    except OSError as exc:\n"
        "        print(exc)\n"
    )
    result = _python(code)
    assert result.stdout.count("network access is disabled") == 4, result.stderr


def test_xml_safety_check() -> None:
    """The start-up check passes with defusedxml, and refuses when it is switched off."""
    assert "defusedxml" in check_xml_safety()
    result = _python(
        "from planner.importing import check_xml_safety; check_xml_safety()",
        OPENPYXL_DEFUSEDXML="False",
    )
    assert result.returncode != 0
    assert "defusedxml" in result.stderr
