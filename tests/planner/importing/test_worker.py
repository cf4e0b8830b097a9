"""The worker's streaming of rows: an engine failing part-way, and what the parent does then."""

from __future__ import annotations

import os
import pickle
from typing import TYPE_CHECKING, Any

from planner.importing import Limits, engines, jobs, worker, worker_child
from planner.importing.cells import NUL, SheetAssembly
from planner.importing.engines import SheetJob
from tests.helpers import hostile
from tests.helpers.hostile import Book, CellValue, Sheet

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import pytest

ROWS: list[list[CellValue]] = [["part", "qty"]]
ROWS += [[f"P-{r:05d}", r] for r in range(1, 3000)]


def test_an_engine_failing_part_way_is_followed_by_the_next_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """calamine builds rows as they are sent: when it fails after some went out, the parent
    is told to forget them and openpyxl sends the whole sheet."""
    path = hostile.write_xlsx(tmp_path / "bom.xlsx", Book([Sheet("BOM", rows=ROWS)]))
    calamine = engines._calamine

    def flaky(job: SheetJob, extent: Any = None) -> Iterator[list[Any]]:
        for number, row in enumerate(calamine(job, extent)):
            if number == 2500:
                raise ValueError("cannot convert this cell")
            yield row

    monkeypatch.setattr(engines, "_calamine", flaky)
    events: list[str | int] = []
    sent: list[list[Any]] = []

    def send(chunk: list[list[Any]]) -> None:
        events.append(len(chunk))
        sent.extend(list(row) for row in chunk)

    def restart() -> None:
        events.append("restart")
        sent.clear()

    job = SheetJob(os.path.abspath(path), "xlsx", "BOM", 0, 3000, 2)
    report = jobs.run(job, send, 2000, restart=restart)
    assert report["engine"] == "openpyxl"
    assert "calamine: ValueError: cannot convert this cell" in report["failures"]
    assert events[:2] == [1000, 1000]  # two chunks of 1,000 rows went out, then it failed
    assert events[2] == "restart"
    assert len(sent) == 3000
    assert sent[1] == ["P-00001", 1]


def test_the_parent_forgets_rows_and_notices_on_restart(tmp_path: Path) -> None:
    """A restart message empties the sheet being assembled and restarts the progress."""
    path = hostile.write_xlsx(tmp_path / "bom.xlsx", Book([Sheet("BOM", rows=ROWS)]))
    seen: list[tuple[int, int]] = []
    assembly = SheetAssembly("BOM")
    with worker.Worker(path, Limits()) as process:
        # What a child sends when calamine fails after one chunk: the messages are put
        # where the parent reads them, so no engine has to fail for real.
        for message in (
            ("columns", (("a\x00", "b"), (1.0, 2.0))),
            ("restart",),
            ("columns", (("c", "d", "e"), (3.0, 4.0, 5.0))),
            ("done", {"engine": "openpyxl"}),
        ):
            process._messages.put(worker_child.PICKLE + pickle.dumps(message))
        process._busy = True
        report = process.collect(
            sheet="BOM", into=assembly, progress=lambda done, total: seen.append((done, total))
        )
    assert report == {"engine": "openpyxl"}
    assert assembly.finish() == [["c", 3.0], ["d", 4.0], ["e", 5.0]]
    assert NUL not in {notice.text for notice in assembly.board.notices}
    assert seen == [(0, 0), (2, 2), (3, 3)]


def test_calamine_rows_keep_their_positions(corpus: Path) -> None:
    """Rows built one by one start at A1 like to_python(skip_empty_area=False), also for
    sheets whose data starts further in, and stop at the measured extent."""
    from python_calamine import CalamineWorkbook

    checked = 0
    for name, sheet in [
        ("boms/opendog_v3_BOM.ods", "Sheet1"),  # data from B2
        ("badinputs/security/poi__xxe_in_schema.xlsx", "Sheet1"),  # data from C9
        ("badinputs/security/calamine__OOM_alloc.xls", "Weekly Report"),  # data from A8
    ]:
        path = str(corpus / name)
        with CalamineWorkbook.from_path(path) as workbook:
            whole = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        kind = name.rsplit(".", 1)[1]
        for rows in (0, 3, 10):
            job = SheetJob(path, kind, sheet, 0, rows, 0)
            assert list(engines._calamine(job)) == (whole[:rows] if rows else whole)
            checked += 1
    assert checked == 9
