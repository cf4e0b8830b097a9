"""The `magnet-planner` entry point: --screenshot renders a real window offscreen."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from PySide6.QtGui import QImage

from ui.app import main

if TYPE_CHECKING:
    from pathlib import Path


def _colours(image: QImage) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), 23)
            for y in range(0, image.height(), 17)
        }
    )


def test_screenshot_of_a_page_has_the_requested_size(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    code = main(
        ["--screenshot", str(out), "--page", "products", "--size", "1024x700", str(sample_path)]
    )
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)
    assert _colours(image) > 8


def test_screenshot_of_an_unreadable_workspace_fails_with_code_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    bogus = tmp_path / "x.magplan"
    bogus.write_text("nope")
    monkeypatch.setattr(QMessageBox, "critical", lambda *_a: 0)
    with pytest.raises(SystemExit) as info:
        main(["--screenshot", str(tmp_path / "x.png"), str(bogus)])
    assert info.value.code == 3


STARTUP = """
import sys
from ui.app import main
code = main(["--quit-after-paint", sys.argv[1]])
heavy = [m for m in ("pandas", "numpy", "openpyxl", "python_calamine") if m in sys.modules]
print(code, ",".join(heavy))
"""


def _run(script: str, sample_path: Path, tmp_path: Path) -> str:
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script, str(sample_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_first_window_paints_without_pandas(sample_path: Path, tmp_path: Path) -> None:
    lines = _run(STARTUP, sample_path, tmp_path).split()
    assert lines == ["painted", "0"], f"heavy modules before first paint: {lines}"


ORM_AFTER_PAINT = """
import sys, time
from PySide6.QtWidgets import QApplication
from ui.app import build_window, parse_args, show_until_painted
app = QApplication([])
window = build_window(parse_args(["--page", "products", sys.argv[1]]))
print(show_until_painted(app, window), "sqlalchemy" in sys.modules)
print(window.current_page().status_counts())
deadline = time.monotonic() + 30
while not window.session.loaded and time.monotonic() < deadline:
    app.processEvents()
print(window.session.loaded, "sqlalchemy" in sys.modules)
window.close()
"""


def test_first_window_paints_the_sample_before_sqlalchemy_loads(
    sample_path: Path, tmp_path: Path
) -> None:
    lines = _run(ORM_AFTER_PAINT, sample_path, tmp_path).splitlines()
    assert lines == [
        "True False",  # painted, SQLAlchemy not imported
        "25 parts · 7 need a licence · 4 unverified",
        "True True",  # the ORM workspace opened after the paint
    ]
