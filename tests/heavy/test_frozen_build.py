"""The PyInstaller bundle builds, starts, opens a workspace and renders a page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtGui import QImage

from tests.conftest import ROOT

pytestmark = pytest.mark.heavy


def _blank(image: QImage) -> bool:
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), 37)
        for y in range(0, image.height(), 29)
    }
    return len(colours) < 5


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle once for this module; return its executable."""
    tmp_path = tmp_path_factory.mktemp("frozen")
    pyinstaller = shutil.which("pyinstaller", path=str(Path(sys.executable).parent))
    assert pyinstaller is not None
    dist, work = tmp_path / "dist", tmp_path / "build"
    subprocess.run(
        [
            pyinstaller,
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "build.spec"),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=900,
    )
    exe = dist / "magnet-planner" / "magnet-planner"
    assert exe.is_file()
    return exe


def test_bundle_starts_and_renders_the_sample(bundle: Path, tmp_path: Path) -> None:
    exe = bundle
    out = tmp_path / "frozen.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [
            str(exe),
            "--sample",
            "--page",
            "products",
            "--screenshot",
            str(out),
            "--size",
            "1200x800",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    assert not _blank(image)
    assert (tmp_path / "Magnet Planner" / "Sample.magplan").exists() or any(
        tmp_path.rglob("Sample.magplan")
    )


def test_the_bundle_reads_spreadsheets_as_its_own_worker(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The built app starts itself as the reader process: a workbook read through it."""
    import xlsxwriter

    from planner.importing import read_sheet, worker

    path = tmp_path / "bom.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("BOM")
    sheet.write_row(0, 0, ["Part number", "Description", "Qty"])
    for i in range(2_000):
        sheet.write_row(i + 1, 0, [f"MG-{i:04d}", "N42 magnet 10x5x2 mm", i % 7 + 1])
    book.close()
    # As in the built app: the worker command is the executable with the worker flag.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle))
    assert worker._command(0)[:2] == [str(bundle), worker.WORKER_FLAG]
    data = read_sheet(path, "BOM")
    assert len(data.rows) == 2_001
    assert data.rows[0] == ["Part number", "Description", "Qty"]
    assert data.rows[2_000] == ["MG-1999", "N42 magnet 10x5x2 mm", 5.0]
