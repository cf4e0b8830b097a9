"""`magplan` through its installed entry point: output, JSON fields and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner import __version__

MAGPLAN = shutil.which("magplan", path=str(Path(sys.executable).parent))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    assert MAGPLAN is not None, "magplan is not installed next to this Python"
    return subprocess.run([MAGPLAN, *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.magplan"
    result = run("sample", str(path), "--anchor", "2026-12-01")
    assert result.returncode == 0, result.stderr
    return path


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"magplan {__version__}"


def test_grade_explains_n42sh_with_rule_and_source() -> None:
    result = run("grade", "N42SH", "--on", "2026-11-30", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["grade"], data["family"], data["coercivity_class"]) == (
        "N42SH",
        "sintered_ndfeb",
        "SH",
    )
    assert data["max_temp_c"] == 150
    assert data["dy_tb_wt_pct"][0] > 0
    licence = data["licence"]
    assert licence["need"] == "required"
    first = licence["reasons"][0]
    assert first["rule_id"] == "CN-MOFCOM-2025-18-NdFeB-DyTb"
    assert any(s["url"].startswith("https://") for s in first["sources"])
    assert licence["rule_set_as_of"] == "2026-05-31"


def test_grade_text_output_names_the_rule() -> None:
    result = run("grade", "42sh", "--on", "2026-11-30")
    assert result.returncode == 0
    assert "N42SH: Sintered NdFeB" in result.stdout
    assert "REQUIRED" in result.stdout
    assert "CN-MOFCOM-2025-18-NdFeB-DyTb" in result.stdout


def test_grade_before_the_controls_is_not_required() -> None:
    data = json.loads(run("grade", "N42SH", "--on", "2025-04-03", "--json").stdout)
    assert data["licence"]["need"] == "not_required"


def test_ferrite_is_not_controlled() -> None:
    data = json.loads(run("grade", "Y30BH", "--json", "--on", "2026-11-30").stdout)
    assert data["family"] == "ferrite"
    assert data["licence"]["need"] == "not_required"


def test_impossible_grade_exits_2_with_reason_on_stderr() -> None:
    result = run("grade", "N60SH")
    assert result.returncode == 2
    assert "N56" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_bad_date_exits_2() -> None:
    result = run("grade", "N42", "--on", "30/11/2026x")
    assert result.returncode == 2


def test_parts_lists_every_part_with_exposure(demo: Path) -> None:
    result = run("parts", str(demo), "--on", "2026-11-30", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    parts = {p["part_number"]: p for p in data["parts"]}
    assert len(parts) == 25
    arc = parts["MG-1001"]
    assert arc["licence"]["need"] == "required"
    assert arc["mass_origin"] == "estimated"
    assert len(arc["months"]) == 12
    first = arc["months"][0]
    assert first["period"] == "2026-12-01"
    # 18,000 EPS motors x 10 arcs per rotor x 1.02 scrap.
    assert first["pieces"] == pytest.approx(18_000 * 10 * 1.02)
    assert first["kg"] == pytest.approx(first["pieces"] * arc["mass_g"] / 1000)
    pack = parts["MG-1405"]
    assert (pack["mass_origin"], pack["mass_g"]) == ("stated", 1450)
    assert parts["MG-1402"]["dy_tb_origin"] == "measured"
    assert {p["licence"]["need"] for p in parts.values()} == {
        "required",
        "not_required",
        "unverified",
    }


def test_parts_text_table(demo: Path) -> None:
    result = run("parts", str(demo), "--on", "2026-11-30")
    assert result.returncode == 0
    assert "MG-1001" in result.stdout
    assert "required" in result.stdout


def test_unreadable_workspace_exits_3(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.magplan"
    bogus.write_text("not a database")
    result = run("parts", str(bogus))
    assert result.returncode == 3
    assert "not a Magnet Planner workspace" in result.stderr
    assert bogus.read_text() == "not a database"


def test_missing_workspace_exits_3(tmp_path: Path) -> None:
    assert run("parts", str(tmp_path / "none.magplan")).returncode == 3


def test_new_creates_an_empty_workspace_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "new.magplan"
    assert run("new", str(path), "--name", "Line 3").returncode == 0
    data = json.loads(run("parts", str(path), "--json").stdout)
    assert data == {"workspace": "Line 3", "on": data["on"], "parts": []}
    again = run("new", str(path))
    assert again.returncode == 2
    assert "already exists" in again.stderr
