"""Start-up: process start to the first painted main window with the sample workspace."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from planner.sample import build_sample
from tests.bench.common import PYTHON, Ratio, ab, until_line

EMPTY_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            app.quit()
        return False
watch = Watch()
window.installEventFilter(watch)
window.show()
app.exec()
"""


def run() -> list[Ratio]:
    """Measure the app against a bare PySide6 window, interleaved."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sample = root / "sample.magplan"
        build_sample(sample, anchor=date(2026, 12, 1)).close()
        env = {
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(root),
            "XDG_DATA_HOME": str(root),
        }
        script = root / "empty.py"
        script.write_text(EMPTY_WINDOW)
        app_cmd = [PYTHON, "-m", "ui", "--quit-after-paint", "--page", "products", str(sample)]
        time_app, time_empty, ratio = ab(
            lambda: until_line(app_cmd, "painted", env),
            lambda: until_line([PYTHON, str(script)], "painted", env),
            pairs=9,
        )
    detail = f"app {time_app * 1000:.0f} ms, bare PySide6 window {time_empty * 1000:.0f} ms"
    return [Ratio("start-up to first painted window (sample workspace)", ratio, 4.0, detail)]
