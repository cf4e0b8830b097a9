"""Memory of an import: how much the GUI process grows against the size of the data.

Each measurement runs in a fresh process (peak RSS cannot be reset):

- ours: the wizard's steps on the 100,000-line BOM (read → check → write, as
  `import_pipeline.import_bom` runs them); the growth of peak RSS over the RSS before.
- the data: the sheet's cells as Python values, as a bare python-calamine parse gives
  them (`to_python()`), measured with tracemalloc: what the imported data weighs in
  Python, whoever reads it.

Run as `python -m tests.bench.import_memory ours|data FILE`; prints bytes.
"""

from __future__ import annotations

import resource
import sys
import tempfile
from pathlib import Path


def _rss() -> int:
    with open("/proc/self/statm") as stat:
        return int(stat.read().split()[1]) * resource.getpagesize()


def _peak() -> int:
    """Return the peak RSS (VmHWM) since start or the last `_reset_peak`."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_peak() -> None:
    """Start the peak RSS again from the current RSS (Linux: clear_refs 5)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def ours(path: Path) -> int:
    """Return the peak RSS growth of importing `path` as the wizard does."""
    from planner.importing import column_read, commit, table  # noqa: F401 - loaded already
    from planner.workspace import Workspace
    from tests.bench.import_pipeline import import_bom

    import ui  # noqa: F401 - the app's own start-up settings (collector, imports)

    with tempfile.TemporaryDirectory() as folder:
        # The app has its modules loaded and a workspace open before anyone imports.
        Workspace.create(Path(folder) / "warm.magplan").close()
        _reset_peak()  # start-up's own peak is not the import's
        before = _rss()
        import_bom(path, Path(folder))
        return _peak() - before


def data(path: Path) -> int:
    """Return the bytes the sheet's cells take as Python values (tracemalloc)."""
    import tracemalloc

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    tracemalloc.start()
    rows = sheet.to_python()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del rows
    return size


if __name__ == "__main__":
    what, file = sys.argv[1], Path(sys.argv[2])
    print({"ours": ours, "data": data}[what](file))
