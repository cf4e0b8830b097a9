"""`magplan plan`: JSON fields, readable text, scenario options and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.sample import build_sample

MAGPLAN = shutil.which("magplan", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "sample.magplan"
    build_sample(path, anchor=date(2026, 12, 1)).close()
    return path


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["plan", *args, "--on", "2026-11-30", "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def by_part(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["part"]: row for row in data["parts"]}


def test_json_document(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = plan_json(capsys, str(sample))
    assert set(data) >= {"parts", "products", "recommendations", "exposure", "supply"}
    assert data["scenario"]["start"] == "2026-12-01"  # the sample's plan start
    assert data["periods"][0] == "Dec 2026"
    parts = by_part(data)
    assert parts["MG-1401"]["runout_firm"] == "2027-01-21"
    assert parts["MG-1401"]["runout_with_pending"] > parts["MG-1401"]["runout_firm"]
    assert set(parts["MG-1001"]) == {
        "part",
        "runout_firm",
        "runout_with_pending",
        "below_safety",
        "licence_need",
        "licence_if_from_china",
    }
    stops = {row["product"]: row for row in data["products"]}
    assert stops["TRX-150 traction rotor"]["line_stop_firm"] == "2027-01-08"
    assert stops["TRX-150 traction rotor"]["line_stop_firm_part"] == "MG-1402"
    rec = next(r for r in data["recommendations"] if r["part"] == "MG-1001")
    assert set(rec) == {
        "part",
        "quantity",
        "supplier",
        "order_by",
        "expected_arrival",
        "need_date",
        "licence_needed",
        "status",
        "shortfall",
        "cost",
        "currency",
        "reason",
    }
    assert rec["supplier"] == "Ningbo Eastfield Magnetics (fictional)"
    assert "45 Chinese working days licence review" in rec["reason"]
    assert len(data["exposure"]["kg"]) == 12


def test_scenario_options(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rejected = by_part(plan_json(capsys, str(sample), "--pending", "rejected"))
    assert rejected["MG-1401"]["runout_with_pending"] == rejected["MG-1401"]["runout_firm"]
    delayed = plan_json(capsys, str(sample), "--pending", "delayed:20", "--review-days", "60")
    assert delayed["scenario"]["pending_label"] == "delayed by 20 working days"
    assert delayed["review_working_days"] == 60
    weekly = plan_json(capsys, str(sample), "--bucket", "week", "--horizon", "8")
    assert len(weekly["periods"]) == 8
    assert weekly["periods"][0] == "2026-W49"
    median = plan_json(capsys, str(sample), "--review-days", "median", "--start", "2027-01-01")
    assert median["review_basis"] == "observed median of 4"
    assert median["periods"][0] == "Jan 2027"


@pytest.mark.parametrize(
    "args",
    [["--pending", "sometimes"], ["--horizon", "40"], ["--review-days", "soon"]],
)
def test_invalid_options_exit_2(
    sample: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(["plan", str(sample), *args]) == 2
    assert capsys.readouterr().err


def test_unreadable_workspace_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(tmp_path / "missing.magplan")]) == 3
    assert "cannot open workspace" in capsys.readouterr().err


def test_text_report_through_the_entry_point(sample: Path) -> None:
    assert MAGPLAN is not None, "magplan is not installed next to this Python"
    result = subprocess.run(
        [MAGPLAN, "plan", str(sample), "--on", "2026-11-30"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "runout firm" in out
    assert "Recommended purchases" in out
    assert "[late] MG-1001 falls below safety stock 120,000" in out
    assert "note: MG-1701: licence need unverified" in out
