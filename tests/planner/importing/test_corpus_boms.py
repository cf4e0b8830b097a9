"""Every BOM of the shared corpus: header row, magnet lines with quantities, no false magnets.

Expectations come from looking at each file (corpus/boms/SOURCES.tsv says what it is).
Rows are 0-based in the sheet, as the reader hands them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from planner.importing import read_sheet
from planner.importing.commit import commit, undo_import
from planner.importing.mapping import map_columns
from planner.importing.table import guess_table
from planner.importing.validate import ImportPreview, validate
from planner.schema import BomLine, Part
from planner.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class Expected:
    """What a corpus file holds.

    Attributes:
        header_row: 0-based header row.
        data_rows: Number of data rows found.
        magnets: source row -> (quantity, shape, dimensions in mm).
        holds_magnets: Rows of devices holding magnets (motors, speakers, encoders).
        skipped: Rows skipped as non-data, with the start of the reason.
        warnings_on: Rows with problems that do not block (not imported anyway).
    """

    header_row: int
    data_rows: int
    magnets: dict[int, tuple[float, str, tuple[float, ...]]] = field(default_factory=dict)
    holds_magnets: frozenset[int] = frozenset()
    skipped: dict[int, str] = field(default_factory=dict)
    warnings_on: frozenset[int] = frozenset()


DISC_6X3 = ("disc", (6.0, 3.0))
EXPECTED: dict[str, Expected] = {
    # "6x3 magnet" x8; NEMA14 pancake steppers and N20 gear motors hold magnets (not a
    # grade N20); "~.5M" / "~3M" of Bowden tube are vague quantities on skipped lines.
    "boxturtle_BT_BOM.xlsx": Expected(
        0, 38, {26: (8.0, *DISC_6X3)}, frozenset({3, 8}), warnings_on=frozenset({30, 31})
    ),
    # Template: a header and no data; the second sheet is prose.
    "chessboard_ai_Bill_of_Materials.xlsx": Expected(0, 0),
    # Woofer, mid-woofer and tweeter hold magnets; no loose magnet; "—" quantities.
    "custom_speakers_bill_of_materials.csv": Expected(
        0, 20, {}, frozenset({1, 2, 3}), warnings_on=frozenset(range(15, 21))
    ),
    # Optics hardware from SolidWorks: no magnets, rows with empty part numbers.
    "exaspim_solidworks_BOM.csv": Expected(0, 92),
    "exaspim_solidworks_BOM.xlsx": Expected(0, 92),
    # 21 columns with per-subassembly quantities; "3mmx6mm Magnets" x13 (two sizes read
    # as diameter x height); "Magnetic ... Latch Base" is a printed part; two stepper
    # lines hold magnets; "TOTAL ABS" and "TOTAL" rows are skipped.
    "fractal5pro_BOM.xlsx": Expected(
        0,
        200,
        {65: (13.0, "disc", (3.0, 6.0))},
        frozenset({84, 91}),
        {201: "below the table ('TOTAL ABS')", 203: "below the table ('TOTAL')"},
    ),
    # KiCad BOM of a coilgun driver: a coil, no magnet.
    "gausskanone_kicad_BOM_with_supplier.csv": Expected(0, 45),
    # "Magnet: Neodymium disc (8 mm x 3 mm)" x4; "Magnet Wire" is wire; x/y/z are the
    # package size, not the magnet's.
    "lastblackbox_magnets_materials.csv": Expected(0, 5, {3: (4.0, "disc", (8.0, 3.0))}),
    # EAGLE export, ";"-separated: AS5047D encoder IC and a NEMA17 hole pattern, no magnet.
    "mechaduino02_eagle_BOM.csv": Expected(0, 38),
    # Empty column A, blank rows and section labels; BLDC motors and motor encoders hold
    # magnets; bearings with ring sizes are not magnets; motor drivers are not motors.
    "opendog_v3_BOM.ods": Expected(
        1,
        41,
        {},
        frozenset({4, 10}),
        {
            3: "section label 'General Parts'",
            8: "section label 'Electronics'",
            27: "section label 'Batteries'",
            32: "section label 'Breaings'",
            41: "section label 'Nuts & Bolts'",
            50: "section label 'Screws'",
            55: "section label 'Nylon'",
        },
    ),
    # JLCPCB LED panel of a magnet-based toolchanger: LEDs, no magnets.
    "stealthchanger_jlcpcb_BOM-panel.csv": Expected(0, 3),
    # "6x3mm Neodimium Magnet" x8 (misspelt); three NEMA17 motor lines hold magnets; the
    # unquoted "10x11 Cable Chain - 1m, 2 End Sets" row is ragged (warning, not imported).
    "voron1_300x300_generated_bom.csv": Expected(
        0, 107, {65: (8.0, *DISC_6X3)}, frozenset({35, 56, 57}), warnings_on=frozenset({84})
    ),
}


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "boms").iterdir() if p.name != "SOURCES.tsv")


def test_every_corpus_file_has_an_expectation(corpus: Path) -> None:
    assert {p.name for p in corpus_files(corpus)} == set(EXPECTED)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "w.magplan")
    yield ws
    ws.close()


def preview_of(path: Path, workspace: Workspace) -> tuple[list[list[object]], ImportPreview]:
    rows: list[list[object]] = [list(row) for row in read_sheet(path).rows]
    guess = guess_table(rows)
    mapping = map_columns(rows, guess, "bom", workspace=workspace)
    return rows, validate(rows, guess, mapping, workspace, product=path.stem)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_bom(name: str, corpus: Path, workspace: Workspace) -> None:
    expected = EXPECTED[name]
    _, preview = preview_of(corpus / "boms" / name, workspace)
    guess = preview.guess
    assert guess.header_row == expected.header_row
    assert len(preview.rows) == expected.data_rows
    for row, reason in expected.skipped.items():
        assert guess.skipped_rows[row] == reason
    assert not preview.has_errors, [(r.source_row, r.problems()) for r in preview.rows]
    magnets = {r.source_row: r for r in preview.rows if r.action == "insert"}
    assert set(magnets) == set(expected.magnets), {
        r.source_row: r.magnet.reasons if r.magnet else None for r in magnets.values()
    }
    for row, (quantity, shape, mm) in expected.magnets.items():
        line = magnets[row]
        assert line.value("quantity") == quantity
        assert line.magnet is not None
        assert line.magnet.shape is not None
        assert line.magnet.shape.value == shape
        assert line.magnet.dimensions_mm == pytest.approx(mm)
        assert line.magnet.mass_g is not None
        assert line.magnet.mass_origin == "estimated"
        assert line.new_part is not None
        assert line.new_part["family"] == "sintered_ndfeb"
    holding = {r.source_row for r in preview.rows if r.magnet and r.magnet.contains_magnets}
    assert holding == expected.holds_magnets
    warned = {
        r.source_row for r in preview.rows if r.status == "warning" and r.action == "skip"
    }
    assert warned == expected.warnings_on


@pytest.mark.parametrize(
    "name", [n for n, e in EXPECTED.items() if e.magnets and not n.startswith("fractal")]
)
def test_corpus_magnets_import_and_undo(name: str, corpus: Path, workspace: Workspace) -> None:
    _, preview = preview_of(corpus / "boms" / name, workspace)
    result = commit(workspace, preview)
    parts = workspace.all(Part)
    assert [p.part_number for p in parts] == [
        f"{Path(name).stem}-{row + 1}" for row in EXPECTED[name].magnets
    ]
    assert parts[0].dimensions is not None
    assert parts[0].dimensions.startswith("disc ⌀")
    assert [line.pieces_per_unit for line in workspace.all(BomLine)] == [
        quantity for quantity, _, _ in EXPECTED[name].magnets.values()
    ]
    undo_import(workspace, result)
    assert workspace.count(Part) == workspace.count(BomLine) == 0


def test_fractal_magnet_has_a_generated_part_number(corpus: Path, workspace: Workspace) -> None:
    _, preview = preview_of(corpus / "boms" / "fractal5pro_BOM.xlsx", workspace)
    line = next(r for r in preview.rows if r.action == "insert")
    assert line.key == "fractal5pro_BOM-66"  # "Link" in the part-number column is no number
    assert any("no magnet family named" in m for m in line.messages)
