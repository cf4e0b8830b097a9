"""Shared test set-up: Qt offscreen before any Qt import, corpus location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _normal_gc() -> None:
    """Undo the start-up garbage-collection deferral that importing `ui` applies."""
    import gc

    thresholds = gc.get_threshold()
    if thresholds[0] > 100_000:
        gc.set_threshold(700, thresholds[1], thresholds[2])


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Return the shared corpus folder (MAGNET_PLANNER_CORPUS or ../shared/corpus)."""
    path = Path(os.environ.get("MAGNET_PLANNER_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not path.is_dir():
        pytest.fail(f"shared corpus not found at {path}; set MAGNET_PLANNER_CORPUS")
    return path
