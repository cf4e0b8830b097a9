"""Spreadsheet import: a 100,000-line BOM from file to committed rows, memory, GUI latency.

(1) our pipeline (read in the worker process, find the table, map, validate, commit)
    against a bare python-calamine parse of the same file to Python rows; the report
    also gives the floor under any importer: that parse, then the same rows inserted as
    parts and BOM lines straight through the SQLite driver (no check of any kind) and
    committed, with the workspace's own schema and settings;
(2) the same pipeline against `pandas.read_excel` with openpyxl (pandas' default engine);
(3) the peak memory growth of a process importing it, against the size of its cells as
    Python values (tests/bench/import_memory.py);
(4) a 500,000-row CSV imported through the wizard's background steps: the longest gap of
    a 10 ms QTimer on the GUI thread, against the 100 ms budget.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from tests.bench.common import PYTHON, Ratio

ROWS = 100_000
CSV_ROWS = 500_000
ROUNDS = 3
HEADERS = [
    "Pos", "Part number", "Description", "Qty", "Reference", "Family", "Grade", "Shape",
    "Dimensions", "Mass (g)", "Coating", "Unit price (EUR)",
]  # fmt: skip
GRADES = ["N35", "N42", "N42SH", "N45UH", "N48H", "N52", "N38EH", "N40UH"]
COATINGS = ["Ni-Cu-Ni", "Zn", "Epoxy", "NiCuNi + Epoxy"]


def write_bom(path: Path, rows: int = ROWS) -> Path:
    """Write a BOM of magnet lines: unique part numbers, specs from a catalogue of sizes."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("BOM")
    sheet.write_row(0, 0, HEADERS)
    for i in range(rows):
        length, width, height = 5 + i % 31, 2 + i % 13, 1 + i % 5
        grade = GRADES[i % len(GRADES)]
        size = f"{length}x{width}x{height}"
        mass = round(length * width * height * 0.0075, 3)
        sheet.write_row(
            i + 1,
            0,
            [
                i + 1, f"MG-{i:06d}", f"NdFeB block magnet {size} mm {grade}", 1 + i % 12,
                f"M{i + 1}", "NdFeB", grade, "block", size, mass,
                COATINGS[i % len(COATINGS)], round(0.05 + (i % 400) / 100, 2),
            ],
        )  # fmt: skip
    book.close()
    return path


def _never() -> bool:
    return False


def _ignore(_done: int, _total: int) -> None:
    return None


def import_bom(path: Path, folder: Path) -> float:
    """Import `path` as BOM lines into a new workspace; return the seconds it took."""
    from planner.importing.mapping import map_columns
    from planner.importing.prescan import SCANS
    from planner.workspace import Workspace

    from ui.import_state import ImportState
    from ui.import_steps import (
        check_rows,
        load_file,
        quiet_collector,
        release_frozen,
        write_rows,
    )

    SCANS.clear()  # each round reads the file as if it were new (no remembered scan)
    workspace = Workspace.create(folder / f"bench-{time.monotonic_ns()}.magplan")
    try:
        # Each step as the wizard runs it (ui/import_runner.py): on a worker thread with
        # the cycle collector paused (`quiet_collector`).
        start = time.perf_counter()
        loaded = quiet_collector(lambda: load_file(path, _ignore, _never))
        state = ImportState(path=path, kind="bom", product="Bench", info=loaded.info)
        state.sheet, state.guess = loaded.data.name, loaded.guess
        state.sheets[loaded.data.name] = loaded.data
        state.mapping = map_columns(state.rows, loaded.guess, "bom", workspace=workspace)
        preview = quiet_collector(lambda: check_rows(state, workspace, _ignore, _never))
        result = quiet_collector(lambda: write_rows(preview, workspace, False, _ignore, _never))
        elapsed = time.perf_counter() - start
    finally:
        workspace.close()
        release_frozen()
    assert len(result.imported_rows) == ROWS, result.summary()
    return elapsed


def calamine_rows(path: Path) -> float:
    """Return the seconds python-calamine takes to parse the sheet to Python rows."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - start
    assert len(rows) == ROWS + 1
    return elapsed


def floor_rows(path: Path, folder: Path) -> float:
    """Return the seconds to parse the sheet with python-calamine and insert its rows as
    parts and BOM lines with the SQLite driver alone, in one committed transaction."""
    import sqlite3

    from python_calamine import CalamineWorkbook

    from planner.importing.bulk import _execute  # the grouped executemany ours uses
    from planner.storage import _set_sqlite_pragmas
    from planner.workspace import Workspace

    target = folder / f"floor-{time.monotonic_ns()}.magplan"
    Workspace.create(target).close()
    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
    connection = sqlite3.connect(target, isolation_level=None)
    _set_sqlite_pragmas(connection, None)  # foreign keys, WAL, FULL sync, as the app's
    cursor = connection.cursor()
    cursor.execute("BEGIN")
    cursor.execute("INSERT INTO products VALUES (1, 'Bench', '', 'product', 1)")
    parts = [
        (n, r[1], r[2], r[6], r[7], r[8], r[9], r[10], r[11]) for n, r in enumerate(rows, 1)
    ]
    _execute(
        cursor,
        "INSERT INTO parts (id, part_number, description, family, grade, shape, dimensions,"
        " stated_mass_g, coating, unit_price, currency, form, notes, version) VALUES ",
        "(?, ?, ?, 'sintered_ndfeb', ?, ?, ?, ?, ?, ?, 'EUR', 'bare', '', 1)",
        parts,
        9,
    )
    del parts
    lines = [(n, n, float(r[3]), n) for n, r in enumerate(rows, 1)]  # type: ignore[arg-type]
    _execute(
        cursor,
        "INSERT INTO bom_lines (id, parent_id, child_part_id, pieces_per_unit, scrap_pct,"
        " position, note) VALUES ",
        "(?, 1, ?, ?, 0, ?, '')",
        lines,
        4,
    )
    cursor.execute("COMMIT")
    elapsed = time.perf_counter() - start
    stored = connection.execute(
        "SELECT count(*) FROM bom_lines JOIN parts ON parts.id = child_part_id"
    )
    assert stored.fetchone()[0] == ROWS
    connection.close()
    return elapsed


def pandas_frame(path: Path) -> float:
    """Return the seconds `pandas.read_excel` (openpyxl, its default engine) takes."""
    import pandas

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pandas.read_excel(path, engine="openpyxl")
    elapsed = time.perf_counter() - start
    assert len(frame) == ROWS
    return elapsed


def write_parts_csv(path: Path, rows: int = CSV_ROWS) -> Path:
    """Write a parts list of `rows` magnets as CSV."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "Part number,Description,Grade,Dimensions,Unit price (USD),Lead time (weeks)\n"
        )
        for i in range(rows):
            grade = GRADES[i % len(GRADES)]
            size = f"{5 + i % 31}x{2 + i % 13}x{1 + i % 5} mm"
            out.write(f"P-{i:07d},Block magnet {size},{grade},{size},{0.1 + i % 90 / 100},6\n")
    return path


def wizard_latency(path: Path, folder: Path) -> tuple[float, float]:
    """Import a CSV as parts through the wizard; return (max timer gap, seconds)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from planner.rules import load_rule_set
    from planner.workspace import Workspace

    from ui import resume_gc
    from ui.import_wizard import ImportWizard
    from ui.session import WorkspaceSession

    app = QApplication.instance() or QApplication([])
    session = WorkspaceSession(Workspace.create(folder / "latency.magplan"), load_rule_set())
    gaps = [0.0]
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps[0] = max(gaps[0], now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    wizard = ImportWizard(session, undo_stack=QUndoStack())
    wizard.show()
    app.processEvents()
    resume_gc()  # the running app's collector settings (ui/__init__.py)
    gc.collect()  # leave the earlier measurements' garbage out of this one
    start = time.perf_counter()
    last[0] = start
    timer.start()
    wizard.file_page.set_path(path)
    loop = QEventLoop()

    def wait() -> None:
        if wizard.busy:
            loop.exec()

    wizard.runner.busy_changed.connect(lambda busy: None if busy else loop.quit())
    wait()
    while wizard.current_step != "result":
        step = wizard.current_step
        wizard.go_next()
        wait()
        assert wizard.current_step != step, wizard.error_text()
    timer.stop()
    elapsed = time.perf_counter() - start
    result = wizard.state.result
    assert result is not None, wizard.error_text()
    assert len(result.imported_rows) == CSV_ROWS
    wizard.close()
    session.close()
    del app
    return gaps[0], elapsed


def memory(path: Path) -> tuple[int, int]:
    """Return (peak growth of the GUI process importing `path`, the data's size), in bytes,
    each measured in a fresh process (tests/bench/import_memory.py)."""
    found = []
    for what in ("ours", "data"):
        command = [PYTHON, "-m", "tests.bench.import_memory", what, str(path)]
        output = subprocess.run(command, check=True, capture_output=True, text=True)
        found.append(int(output.stdout.split()[-1]))
    return found[0], found[1]


def run() -> list[Ratio]:
    """Measure the import pipeline against calamine and pandas, the GUI's latency, memory."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = write_bom(folder / "bom100k.xlsx")
        grown, size = memory(path)
        import_bom(path, folder)  # warm-up: imports, the reader's first start
        ours: list[float] = []
        bare: list[float] = []
        frames: list[float] = []
        floors: list[float] = []
        for _ in range(ROUNDS):
            ours.append(import_bom(path, folder))
            bare.append(calamine_rows(path))
            frames.append(pandas_frame(path))
            floors.append(floor_rows(path, folder))
        gap, seconds = wizard_latency(write_parts_csv(folder / "parts500k.csv"), folder)
    vs_calamine = statistics.median(o / b for o, b in zip(ours, bare, strict=True))
    vs_pandas = statistics.median(f / o for o, f in zip(ours, frames, strict=True))
    floor = statistics.median(f / b for f, b in zip(floors, bare, strict=True))
    detail: dict[str, Any] = {
        "ours": statistics.median(ours),
        "calamine": statistics.median(bare),
        "pandas": statistics.median(frames),
        "floor": statistics.median(floors),
    }
    return [
        Ratio(
            "import 100k-line BOM xlsx → committed rows vs bare calamine parse",
            vs_calamine,
            2.0,
            f"ours {detail['ours']:.2f} s, calamine {detail['calamine']:.2f} s; the floor"
            f" (that parse + plain insert + commit) {detail['floor']:.2f} s = {floor:.2f}×",
        ),
        Ratio(
            "import 100k-line BOM xlsx: pandas.read_excel (openpyxl) time / ours",
            vs_pandas,
            5.0,
            f"pandas {detail['pandas']:.2f} s, ours {detail['ours']:.2f} s",
            lower_is_better=False,
        ),
        Ratio(
            "import 100k-line BOM xlsx: GUI peak memory growth / data size",
            grown / size,
            1.0,
            f"grew {grown / 2**20:.0f} MiB, the cells as Python values {size / 2**20:.0f} MiB",
        ),
        Ratio(
            "import 500k-row CSV in the wizard: max event-loop gap / 100 ms",
            gap / 0.1,
            1.0,
            f"max gap {gap * 1000:.0f} ms over {seconds:.1f} s (10 ms QTimer)",
        ),
    ]


if __name__ == "__main__":
    for ratio in run():
        print(ratio.line(), flush=True)
