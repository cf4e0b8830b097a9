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
    # Checked here: Python 3.11's argparse tests an empty `*` list (and a list default)
    # against `choices` as one value and refuses it.
    parser.add_argument("suites", nargs="*", metavar="SUITE", help=f"{', '.join(SUITES)}")
    args = parser.parse_args()
    unknown = [name for name in args.suites if name not in SUITES]
    if unknown:
        parser.error(f"unknown suite {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    failed = False
    for name in args.suites or SUITES:
        module = importlib.import_module(f"tests.bench.{name}")
        for ratio in module.run():
            print(ratio.line(), flush=True)
            failed |= not ratio.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
