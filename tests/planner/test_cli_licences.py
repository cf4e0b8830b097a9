"""`magplan licences` through the installed entry point: JSON fields, filters, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MAGPLAN = shutil.which("magplan", path=str(Path(sys.executable).parent))
ANCHOR = "2026-12-01"
FIELDS = {
    "reference",
    "supplier",
    "status",
    "kind",
    "submitted_on",
    "expected_decision",
    "expected_basis",
    "working_days_elapsed",
    "overdue_days",
    "quantity_approved",
    "quantity_left",
    "validity_end",
    "documents_done",
    "documents_total",
    "alerts",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    assert MAGPLAN is not None, "magplan is not installed next to this Python"
    return subprocess.run([MAGPLAN, *args], capture_output=True, text=True, check=False)


def licences_json(*args: str) -> dict[str, Any]:
    result = run("licences", *args, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "demo.magplan"
    result = run("sample", str(path), "--anchor", ANCHOR)
    assert result.returncode == 0, result.stderr
    return str(path)


@pytest.fixture(scope="module")
def listing(demo: str) -> dict[str, Any]:
    return licences_json(demo, "--on", ANCHOR)


def by_reference(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["reference"]: row for row in data["licences"]}


def test_every_licence_has_the_documented_fields(listing: dict[str, Any]) -> None:
    assert len(listing["licences"]) == 9
    for row in listing["licences"]:
        assert row.keys() >= FIELDS
    assert listing["on"] == ANCHOR
    assert {"alerts", "summary", "review_days"} <= listing.keys()


def test_overdue_licence_of_the_sample(listing: dict[str, Any]) -> None:
    row = by_reference(listing)["LIC-BT-2026-012"]
    # Submitted 95 days before the anchor: 2026-08-28 + 45 working days = 2026-11-05.
    assert row["submitted_on"] == "2026-08-28"
    assert row["expected_decision"] == "2026-11-05"
    assert row["expected_basis"] == "submitted 2026-08-28 + 45 Chinese working days (statutory)"
    assert row["overdue_days"] > 0
    assert row["working_days_elapsed"] == 45 + row["overdue_days"]
    assert row["supplier"].startswith("Baotou")
    assert row["documents_done"] == row["documents_total"] == 8
    assert "overdue" in [a["kind"] for a in row["alerts"]]
    overdue = [r["reference"] for r in listing["licences"] if r["overdue_days"] > 0]
    assert overdue == ["LIC-BT-2026-012"]


def test_depletion_and_validity_of_an_approved_licence(listing: dict[str, Any]) -> None:
    row = by_reference(listing)["LIC-NB-2026-031"]
    assert (row["status"], row["kind"]) == ("approved", "individual")
    assert row["quantity_approved"] == 600000
    assert row["quantity_left"] == 400000  # one shipped order of 200,000
    assert row["validity_end"] == "2027-02-27"  # anchor + 88 days
    assert row["expected_decision"] == "2026-08-28"  # the decision itself


def test_summary_and_top_level_alerts(listing: dict[str, Any]) -> None:
    assert listing["summary"].startswith("1 licence overdue")
    kinds = {a["kind"] for a in listing["alerts"]}
    assert {"overdue", "rule_unverified", "order_unlicensed"} <= kinds
    rule = next(
        a for a in listing["alerts"] if a["rule_id"] == "CN-MOFCOM-2025-61-extraterritorial"
    )
    assert rule["text"] == (
        "Announcement 61's suspension ended 2026-11-10 with no known outcome: verify"
    )


def test_overdue_flag_lists_only_overdue_licences(demo: str) -> None:
    data = licences_json(demo, "--on", ANCHOR, "--overdue")
    assert [row["reference"] for row in data["licences"]] == ["LIC-BT-2026-012"]


def test_observed_median_reports_its_sample_size(demo: str) -> None:
    data = licences_json(demo, "--on", ANCHOR, "--review-days", "median")
    review = data["review_days"]
    assert review["choice"] == "median"
    assert review["application"]["sample_size"] == 4
    assert review["application"]["label"] == "observed median of 4"
    assert "no decided amendment" in review["amendment"]["note"]
    row = by_reference(data)["LIC-BT-2026-012"]
    assert row["expected_basis"].endswith("(observed median of 4)")


def test_custom_review_days(demo: str) -> None:
    data = licences_json(demo, "--on", ANCHOR, "--review-days", "90")
    assert data["review_days"]["application"]["days"] == 90
    assert all(row["overdue_days"] == 0 for row in data["licences"])


def test_text_table(demo: str) -> None:
    result = run("licences", demo, "--on", ANCHOR)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[:4] == ["reference", "supplier", "status", "submitted"]
    assert any(line.startswith("LIC-BT-2026-012") and "2026-11-05" in line for line in lines)
    assert "Alerts:" in lines
    assert lines[-1].startswith("1 licence overdue")


def test_bad_review_days_exit_2(demo: str) -> None:
    result = run("licences", demo, "--review-days", "soon")
    assert result.returncode == 2
    assert "statutory, median, p90" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_workspace_exits_3(tmp_path: Path) -> None:
    result = run("licences", str(tmp_path / "none.magplan"))
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
