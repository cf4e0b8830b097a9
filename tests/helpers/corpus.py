"""Where the shared corpus lives, for tests parametrised at collection time."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def corpus_dir() -> Path:
    """Return the corpus folder of the `corpus` fixture (MAGNET_PLANNER_CORPUS or ../shared)."""
    return Path(os.environ.get("MAGNET_PLANNER_CORPUS", ROOT.parent / "shared" / "corpus"))


def listing(folder: str) -> list[str]:
    """Return every file below a corpus folder as a sorted list of relative paths."""
    base = corpus_dir() / folder
    if not base.is_dir():
        return []
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
