"""Run every benchmark and print its ratio to the baseline measured in the same run."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SUITES = ["startup", "parts_table", "plan_engine", "import_pipeline", "coverage_grid"]


def main() -> int:
    """Run the chosen suites (all by default); exit 1 when a ratio misses its budget."""
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("suites", nargs="*", default=SUITES, choices=SUITES)
    args = parser.parse_args()
    failed = False
    for name in args.suites:
        module = importlib.import_module(f"tests.bench.{name}")
        for ratio in module.run():
            print(ratio.line(), flush=True)
            failed |= not ratio.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
