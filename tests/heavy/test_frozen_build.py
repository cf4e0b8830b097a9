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


def test_bundle_starts_and_renders_the_sample(tmp_path: Path) -> None:
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
