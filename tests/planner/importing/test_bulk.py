"""The bulk insert's helpers: keys as the audit log lists them, dicts as columns."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner.importing.bulk import DEFAULT, columns_of, key_runs


@pytest.mark.parametrize(
    ("keys", "runs"),
    [
        ([], []),
        ([7], [[7, 7]]),
        (list(range(100, 100_100)), [[100, 100_099]]),
        ([1, 2, 3, 7, 8, 10], [[1, 3], [7, 8], [10, 10]]),
        ([3, 2, 1], [[3, 3], [2, 2], [1, 1]]),
        (
            [(1, date(2026, 12, 1)), (1, date(2027, 1, 1))],
            [[1, "2026-12-01"], [1, "2027-01-01"]],
        ),
        (["M-1", "M-2"], ["M-1", "M-2"]),
        ([1.0, 2.0], [1.0, 2.0]),  # not whole-number keys: listed as they are
    ],
)
def test_keys_are_listed_as_runs(keys: list[Any], runs: list[Any]) -> None:
    assert key_runs(keys) == runs


def test_a_key_missing_from_a_dict_takes_the_default_and_none_stays_none() -> None:
    batch = columns_of([{"a": 1, "b": None}, {"b": 2, "c": "x"}])
    assert batch.size == 2
    assert batch.values == {"a": [1, DEFAULT], "b": [None, 2], "c": [DEFAULT, "x"]}
