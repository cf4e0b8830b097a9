"""The planner package must never pull in Qt or the ui package."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import planner
for info in pkgutil.walk_packages(planner.__path__, "planner."):
    if ".migrations" in info.name:
        continue
    importlib.import_module(info.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in {"PySide6", "shiboken6", "ui"})
print(",".join(bad))
"""


def test_importing_every_planner_module_never_imports_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
