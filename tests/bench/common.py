"""Timing helpers: interleaved A/B runs and ratio reports (machines here are noisy)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


@dataclass(frozen=True)
class Ratio:
    """A measured ratio against a baseline, with the budget it must meet."""

    name: str
    value: float
    budget: float
    detail: str
    lower_is_better: bool = True

    @property
    def ok(self) -> bool:
        """True when the ratio meets its budget."""
        return self.value <= self.budget if self.lower_is_better else self.value >= self.budget

    def line(self) -> str:
        """One report line."""
        sign = "≤" if self.lower_is_better else "≥"
        verdict = "ok" if self.ok else "OVER BUDGET"
        budget = f"(budget {sign} {self.budget:g}×)"
        return f"{self.name:<58} {self.value:6.2f}× {budget} {verdict}  {self.detail}"


def wall(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Return the wall time of one run of `command` in seconds."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def until_line(command: Sequence[str], line: str, env: dict[str, str] | None = None) -> float:
    """Return seconds from starting `command` until it prints `line` (then let it finish)."""
    start = time.perf_counter()
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    ) as process:
        assert process.stdout is not None
        for text in process.stdout:
            if text.strip() == line:
                elapsed = time.perf_counter() - start
                break
        else:
            raise RuntimeError(f"{command[0]} never printed {line!r}")
        process.wait()
    return elapsed


def ab(
    a: Callable[[], float], b: Callable[[], float], *, pairs: int = 7, warmup: int = 1
) -> tuple[float, float, float]:
    """Run A and B interleaved; return (median A, median B, median of per-pair A/B ratios)."""
    for _ in range(warmup):
        a()
        b()
    times_a, times_b, ratios = [], [], []
    for _ in range(pairs):
        ta, tb = a(), b()
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


PYTHON = sys.executable
