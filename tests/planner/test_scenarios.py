"""Named scenarios saved in a workspace, scenario settings, and comparing two plans."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from planner.engine import plan_workspace
from planner.periods import Bucket
from planner.plan_model import PendingMode, Scenario, ScenarioError
from planner.sample import build_sample
from planner.scenarios import (
    compare,
    delete_scenario,
    load_scenario,
    save_scenario,
    scenario_names,
)
from planner.schema import AuditEntry
from planner.workspace import ChangeKind, ValidationError, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TODAY = date(2026, 11, 30)
START = date(2026, 12, 1)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "s.magplan")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = build_sample(tmp_path_factory.mktemp("sc") / "s.magplan", anchor=START)
    yield ws
    ws.close()


def test_save_load_round_trip(workspace: Workspace) -> None:
    scenario = Scenario(
        name="Slow MOFCOM",
        start=START,
        horizon=18,
        bucket=Bucket.WEEK,
        review_days=70,
        pending=PendingMode.DELAYED,
        pending_delay_working_days=15,
    )
    change = save_scenario(workspace, scenario)
    assert change.kind is ChangeKind.INSERT
    later = date(2027, 3, 1)
    loaded = load_scenario(workspace, "Slow MOFCOM", start=later)
    # The start date is not saved unless asked: a saved scenario plans from today's start.
    assert loaded == Scenario(
        name="Slow MOFCOM",
        start=later,
        horizon=18,
        bucket=Bucket.WEEK,
        review_days=70,
        pending=PendingMode.DELAYED,
        pending_delay_working_days=15,
    )
    save_scenario(workspace, Scenario(name="Fixed", start=START), keep_start=True)
    assert load_scenario(workspace, "Fixed", start=later).start == START
    assert scenario_names(workspace) == ["Fixed", "Slow MOFCOM"]


def test_save_replaces_and_delete_removes_with_audit(workspace: Workspace) -> None:
    save_scenario(workspace, Scenario(name="Base", start=START, review_days="p90"))
    change = save_scenario(workspace, Scenario(name="Base", start=START, review_days="median"))
    assert change.kind is ChangeKind.UPDATE
    assert load_scenario(workspace, "Base", start=START).review_days == "median"
    assert delete_scenario(workspace, "Base").kind is ChangeKind.DELETE
    assert scenario_names(workspace) == []
    operations = [e.operation for e in workspace.all(AuditEntry, AuditEntry.id)]
    assert operations[-3:] == ["save scenario", "save scenario", "delete scenario"]
    last = workspace.all(AuditEntry, AuditEntry.id)[-1]
    assert last.before is not None
    assert last.before["settings"]["review_days"] == "median"


def test_unknown_and_invalid_names(workspace: Workspace) -> None:
    with pytest.raises(ScenarioError, match="no scenario named 'Nope'"):
        load_scenario(workspace, "Nope", start=START)
    with pytest.raises(ValidationError):
        delete_scenario(workspace, "Nope")
    with pytest.raises(ValidationError):
        save_scenario(workspace, Scenario(name="  ", start=START))


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"horizon": 40}, "horizon must be 3 to 36"),
        ({"review_days": "fast"}, "review days must be"),
        ({"pending": "ignored"}, "unreadable settings"),
        ({"bucket": "day"}, "unreadable settings"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, object], problem: str) -> None:
    with pytest.raises(ScenarioError, match=problem):
        Scenario.from_settings("x", settings, start=START)


def test_compare_statutory_with_slow_reviews_and_rejection(sample: Workspace) -> None:
    base = plan_workspace(sample, Scenario(start=START), today=TODAY)
    slow = plan_workspace(sample, Scenario(start=START, review_days=90), today=TODAY)
    rejected = plan_workspace(
        sample, Scenario(start=START, pending=PendingMode.REJECTED), today=TODAY
    )
    rows = {row.part: row for row in compare(base, slow)}
    assert len(rows) == 25
    # 90 working days after 2026-08-28 the decision is in January: MG-1401 runs out
    # earlier with pending supply, and the firm view does not change.
    mg = rows["MG-1401"]
    assert mg.a_firm == mg.b_firm
    assert mg.shift_days is not None
    assert mg.shift_days < 0
    assert mg.changed
    assert not rows["MG-1101"].changed  # ferrite: firm either way
    for row in compare(base, rejected):
        assert row.b_with_pending == row.b_firm  # nothing pending counts
