"""`magplan import`: JSON output, exit codes, dry runs, skipped errors, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from planner.cli import main
from planner.schema import BomLine, Part, Product
from planner.workspace import Workspace

MAGNETS_CSV = """Category,Description,Qty,Notes
Fasteners,M5x40 SHCS,8,
,6x3mm Neodimium Magnet,8,
Electronics,NEMA17 Motor 17HS19-2004S,2,
,Magnet N35 D10x2,4,
"""
BAD_CSV = """Description;Qty
N52 12x5x3mm magnet;~3M
N35 disc magnet 6x3;4
Magnet wire 0.5mm;many
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "w.magplan"
    Workspace.create(path).close()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["import", *args, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(path: Path) -> tuple[int, int, int]:
    workspace = Workspace.open(path)
    try:
        return (workspace.count(Product), workspace.count(Part), workspace.count(BomLine))
    finally:
        workspace.close()


def test_bom_import_json(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "printer.csv", MAGNETS_CSV)
    code, data, _ = run(capsys, str(source), "--into", str(workspace), "--kind", "bom")
    assert code == 0
    assert (data["file"], data["sheet"], data["header_row"]) == (str(source), "printer", 0)
    assert data["columns"]["Qty"]["field"] == "quantity"
    assert data["columns"]["Qty"]["confidence"] == 1.0
    rows = {r["source_row"]: r for r in data["rows"]}
    assert rows[2]["is_magnet"]
    assert (rows[2]["family"], rows[2]["grade"], rows[2]["shape"]) == (
        "sintered_ndfeb", None, "disc",
    )  # fmt: skip
    assert rows[2]["dimensions_mm"] == [6.0, 3.0]
    assert rows[2]["mass_g"] == pytest.approx(0.636, abs=0.001)
    assert (rows[2]["mass_origin"], rows[2]["quantity"]) == ("estimated", 8.0)
    assert rows[4]["grade"] == "N35"
    assert rows[3]["contains_magnets"]
    assert not rows[3]["is_magnet"]
    assert data["summary"]["imported"]
    assert counts(workspace) == (1, 2, 2)


def test_errors_block_the_import_and_the_workbook_says_why(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "bad.csv", BAD_CSV)
    out = tmp_path / "errors.xlsx"
    code, data, _ = run(
        capsys, str(source), "--into", str(workspace), "--kind", "bom", "--errors", str(out)
    )
    assert code == 2
    assert not data["summary"]["imported"]
    assert data["summary"]["errors"] == 1
    assert counts(workspace) == (0, 0, 0)
    book = load_workbook(out)
    assert book["Import"]["B2"].comment is not None
    book.close()


def test_skip_errors_imports_the_good_rows(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "bad.csv", BAD_CSV)
    args = (str(source), "--into", str(workspace), "--kind", "bom", "--skip-errors")
    code, data, _ = run(capsys, *args)
    assert code == 0
    assert data["summary"]["written"]["imported"] == 1
    assert set(data["summary"]["skipped_rows"]) == {"1", "3"}
    assert counts(workspace) == (1, 1, 1)


def test_dry_run_writes_nothing(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "printer.csv", MAGNETS_CSV)
    args = (str(source), "--into", str(workspace), "--kind", "bom", "--dry-run")
    code, data, _ = run(capsys, *args)
    assert code == 0
    assert data["summary"]["dry_run"]
    assert not data["summary"]["imported"]
    assert counts(workspace) == (0, 0, 0)


def test_map_header_row_product_and_mode(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "x.csv", "Motor M7 magnets\nWas,Anz\nN42SH ring 10x5x3,12\n")
    args = ["--into", str(workspace), "--kind", "bom", "--product", "M7", "--header-row", "1"]
    code, data, _ = run(
        capsys, str(source), *args, "--map", "Was=description", "--map", "B=quantity"
    )
    assert code == 0, data
    assert data["header_row"] == 1
    assert data["columns"]["Anz"]["origin"] == "user"
    assert data["rows"][0]["product"] == "M7"
    code, data, _ = run(capsys, str(source), *args)  # same layout: the saved profile is reused
    assert code == 2  # the line exists: mode add refuses it
    assert data["from_profile"]
    code, _, _ = run(capsys, str(source), *args, "--mode", "update")
    assert code == 0


def test_text_output(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "bad.csv", BAD_CSV)
    code = main(["import", str(source), "--into", str(workspace), "--kind", "bom"])
    out = capsys.readouterr().out
    assert code == 2
    assert "row 2 error: quantity: '~3M' is not a number" in out
    assert "nothing imported" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--kind", "bom", "--header-row", "99"], 2, "outside the sheet"),
        (["--kind", "bom", "--map", "Nope=quantity"], 2, "no column 'Nope'"),
        (["--kind", "bom", "--map", "novalue"], 2, "COLUMN=FIELD"),
    ],
)
def test_bad_arguments(
    args: list[str],
    code: int,
    message: str,
    tmp_path: Path,
    workspace: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = write(tmp_path, "printer.csv", MAGNETS_CSV)
    assert main(["import", str(source), "--into", str(workspace), *args]) == code
    assert message in capsys.readouterr().err


def test_unreadable_files_exit_3_without_traceback(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.csv"
    assert main(["import", str(missing), "--into", str(workspace), "--kind", "bom"]) == 3
    assert "not_found" in capsys.readouterr().err
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02PK\x00" * 100)
    assert main(["import", str(garbage), "--into", str(workspace), "--kind", "bom"]) == 3
    err = capsys.readouterr().err
    assert "cannot read" in err
    assert "Traceback" not in err


def test_installed_entry_point_prints_no_traceback(tmp_path: Path, workspace: Path) -> None:
    magplan = shutil.which("magplan", path=str(Path(sys.executable).parent))
    assert magplan is not None
    garbage = tmp_path / "x.xlsx"
    garbage.write_bytes(b"PK\x03\x04 this is not a zip at all" * 10)
    result = subprocess.run(
        [magplan, "import", str(garbage), "--into", str(workspace), "--kind", "bom"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "cannot read" in result.stderr


def test_round_trip_through_the_error_workbook(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "bad.csv", BAD_CSV)
    out = tmp_path / "fix-me.xlsx"
    base = ["--into", str(workspace), "--kind", "bom", "--product", "bad"]
    code, _, _ = run(capsys, str(source), *base, "--errors", str(out))
    assert code == 2
    book = load_workbook(out)
    book["Import"]["B2"] = 8
    book.save(out)
    book.close()
    code, data, _ = run(capsys, str(out), *base)
    assert code == 0, data
    assert counts(workspace) == (1, 2, 2)
