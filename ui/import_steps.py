"""The import wizard's long steps, run on a worker thread: no Qt, no widgets.

Each takes plain `progress(done, total)` and `cancel()` callbacks and mirrors a stage of
`planner.cli_import` (read → find the table → map → validate → commit).
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from planner.importing.mapping import map_columns

from ui.import_state import guess_kind, set_field

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from planner.importing import FileInfo, SheetData
    from planner.importing.commit import ImportResult
    from planner.importing.mapping import ColumnMapping
    from planner.importing.table import TableGuess
    from planner.importing.validate import ImportPreview, RowResult
    from planner.workspace import Workspace

    from ui.import_state import Cancel, ImportState, Progress, TableChoice

T = TypeVar("T")
# While a step runs, a GUI callback waits at most this long for the GIL (default 5 ms):
# painting a table calls Python once per cell, and each call would otherwise queue.
_SWITCH_SECONDS = 0.0005
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (glibc malloc.h)


@dataclass(frozen=True)
class Loaded:
    """A file's pre-scan and its first sheet, with the table and kind found in it.

    Attributes:
        info: The pre-scan.
        data: The sheet read.
        guess: The table found in it.
        kind: The kind guessed from the headers, or None.
        why: Why that kind.
    """

    info: FileInfo
    data: SheetData
    guess: TableGuess
    kind: str | None
    why: str


def load_file(path: Path, progress: Progress, cancel: Cancel) -> Loaded:
    """Pre-scan a file, read its first visible sheet and find the table in it.

    One pass over the file: the reader parses a large first sheet while it is pre-scanned.
    """
    from planner.importing.reader import inspect_and_read
    from planner.importing.table import guess_table

    info, data = inspect_and_read(path, progress=progress, cancel=cancel)
    progress(0, 0)
    guess = guess_table(data.rows)
    progress(0, 0)  # raises when the user cancelled while the table was being found
    kind, why = guess_kind(data.rows, guess)
    return Loaded(info, data, guess, kind, why)


def load_sheet(
    path: Path, sheet: str, expected: int, progress: Progress, cancel: Cancel
) -> tuple[SheetData, TableGuess]:
    """Read one sheet in the reader process and find the table in it."""
    from planner.importing import read_sheet
    from planner.importing.table import guess_table

    def report(done: int, total: int) -> None:
        progress(done, max(total, expected, done))

    data = read_sheet(path, sheet, progress=report, cancel=cancel)
    progress(0, 0)
    guess = guess_table(data.rows)
    progress(0, 0)  # raises when the user cancelled while the table was being found
    return data, guess


def build_mapping(
    rows: Sequence[Sequence[object]],
    guess: TableGuess,
    kind: str,
    overrides: dict[int, str],
    workspace: Workspace,
) -> ColumnMapping:
    """Map the columns (a saved profile first), then apply the user's choices by column."""
    mapping = map_columns(rows, guess, kind, workspace=workspace)
    for column, name in overrides.items():
        if column in mapping.headers:
            set_field(mapping, column, name)
    return mapping


def find_table(rows: Sequence[Sequence[object]], choice: TableChoice) -> TableGuess:
    """Find the table again with the user's header row and extent."""
    from planner.importing.table import guess_table

    guess = guess_table(
        rows,
        header_row=choice.header_row,
        first_data_row=choice.first_data_row,
        last_data_row=choice.last_data_row,
    )
    if choice.no_header:
        guess.header_row = None
    return guess


@dataclass(frozen=True)
class Checked:
    """The validated rows and, per category (ok, warning, error, skipped), their positions.

    Attributes:
        preview: The validated import.
        by_category: Category -> indices into `preview.rows`.
    """

    preview: ImportPreview
    by_category: dict[str, list[int]]

    def count(self, category: str) -> int:
        """Return how many rows are in a category."""
        return len(self.by_category.get(category, []))


def row_category(row: RowResult) -> str:
    """Return how the check step files a row: ok, warning, error or skipped."""
    return "skipped" if row.action == "skip" else row.status


def check_and_sort(
    state: ImportState, workspace: Workspace, progress: Progress, cancel: Cancel
) -> Checked:
    """Validate every data row and sort them by category (all off the GUI thread)."""
    preview = check_rows(state, workspace, progress, cancel)
    by_category: dict[str, list[int]] = {"ok": [], "warning": [], "error": [], "skipped": []}
    for index, row in enumerate(preview.rows):
        by_category[row_category(row)].append(index)
    return Checked(preview, by_category)


def check_rows(
    state: ImportState, workspace: Workspace, progress: Progress, cancel: Cancel
) -> ImportPreview:
    """Validate every data row (nothing is written)."""
    from planner.importing.validate import Monitor, validate

    assert state.guess is not None
    assert state.mapping is not None
    preview = validate(
        state.rows,
        state.guess,
        state.mapping,
        workspace,
        mode=state.mode,
        product=state.product if state.kind == "bom" else None,
        monitor=Monitor(progress, cancel),
    )
    data = state.sheets[state.sheet or ""]
    preview.notes.extend([str(n) for n in data.notices] + state.guess.notes)
    return preview


def write_rows(
    preview: ImportPreview,
    workspace: Workspace,
    skip_errors: bool,
    progress: Progress,
    cancel: Cancel,
) -> ImportResult:
    """Write the validated rows in one transaction (all or nothing)."""
    from planner.importing.commit import commit
    from planner.importing.validate import Monitor

    return commit(
        workspace, preview, skip_errors=skip_errors, monitor=Monitor(progress, cancel)
    )


def shown_rows(
    preview: ImportPreview, result: ImportResult, limit: int
) -> dict[int, RowResult]:
    """Return the row results of the first `limit` imported and skipped sheet rows."""
    wanted = set(result.imported_rows[:limit]) | set(sorted(result.skipped_rows)[:limit])
    return {r.source_row: r for r in preview.rows if r.source_row in wanted}


def quiet_collector(step: Callable[[], T]) -> T:
    """Run a long step with the cycle collector paused, then freeze what it built.

    A sheet of 500,000 rows is millions of lists and row results. Each full collection
    would walk all of them while holding the GIL, stalling the window for seconds
    (tests/bench/import_pipeline.py measured 1.3 s). Reference counting still frees
    everything as usual; `gc.freeze()` keeps the step's long-lived results out of later
    collections, and `release_frozen()` hands them back when the wizard closes.
    """
    _return_large_blocks()
    enabled = gc.isenabled()
    interval = sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(_SWITCH_SECONDS)
    try:
        return step()
    finally:
        sys.setswitchinterval(interval)
        gc.freeze()
        if enabled:
            gc.enable()


@cache
def _return_large_blocks() -> None:
    """Let the C library give blocks of 128 KiB and more back to the system when freed.

    glibc raises this threshold each time it frees such a block (up to 32 MiB); past that,
    a read's transient buffers (decompressed XML, chunks of rows) come from the heap, and
    the rows allocated between them keep the holes from going back. Importing 100,000 BOM
    lines grew the process by 87-89 MiB at its peak, 77-78 with the threshold held at
    glibc's default; the import took no longer (`make bench`). Other C libraries and
    systems keep their own behaviour.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 128 * 1024)


def release_frozen() -> None:
    """Let the cycle collector see the objects frozen by `quiet_collector` again."""
    gc.unfreeze()
