"""Column mapping: synonyms in many languages, units, values, overrides, saved profiles."""

from __future__ import annotations

import difflib
from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.importing.field_specs import KIND_FIELDS, SYNONYMS
from planner.importing.mapping import (
    field_synonyms,
    header_score,
    map_columns,
    normalise_header,
    save_profile,
    split_header,
)
from planner.importing.table import guess_table
from planner.importing.value_hints import period_of_header
from planner.workspace import Workspace

if TYPE_CHECKING:
    from pathlib import Path

Row = list[object]


def fields_of(rows: list[Row], kind: str = "bom") -> dict[str, str]:
    mapping = map_columns(rows, guess_table(rows), kind)
    return {m.header: m.field for m in mapping.matches.values()}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Qty", "quantity"), ("QTY.", "quantity"), ("Quantity", "quantity"),
        ("Units Needed", "quantity"), ("Menge", "quantity"), ("Anzahl", "quantity"),
        ("Cantidad", "quantity"), ("Quantité", "quantity"), ("Total QTY Needed", "quantity"),
        ("Part No.", "part_number"), ("Part #", "part_number"), ("P/N", "part_number"),
        ("MPN", "part_number"), ("Teilenummer", "part_number"),
        ("Artikelnummer", "part_number"), ("Part Nr.", "part_number"),
        ("Description", "description"), ("Beschreibung", "description"),
        ("Designation", "description"), ("Reference", "reference"), ("Ref Des", "reference"),
        ("Grade", "grade"), ("Güte", "grade"), ("Dimensions", "dimensions"),
        ("Size", "dimensions"), ("Abmessungen", "dimensions"), ("Mass", "mass_g"),
        ("Weight", "mass_g"), ("Gewicht", "mass_g"), ("Supplier", "supplier"),
        ("Vendor", "supplier"), ("Lieferant", "supplier"), ("Manufacturer", "supplier"),
        ("Price", "unit_price"), ("Unit Price", "unit_price"), ("Preis", "unit_price"),
        ("Currency", "currency"), ("Lead time", "lead_time_days"), ("MOQ", "moq"),
    ],
)  # fmt: skip
def test_header_synonyms(header: str, field: str) -> None:
    assert header_score(header, field) >= 0.9
    best = max(KIND_FIELDS["bom"], key=lambda name: header_score(header, name))
    assert best == field


@pytest.mark.parametrize(
    ("header", "words", "unit"),
    [
        ("Mass (g)", "mass", "g"),
        ("Gewicht [kg]", "gewicht", "kg"),
        ("Weight (oz)", "weight", "oz"),
        ("Price (EUR)", "price", "EUR"),
        ("Preis €", "preis", "EUR"),
        ("Lead time (weeks)", "lead time", "weeks"),
        ("QTY.", "quantity", None),
        ("Part #", "part number", None),
    ],
)
def test_units_are_read_from_headers(header: str, words: str, unit: str | None) -> None:
    found, found_unit = split_header(header)
    assert (" ".join(found), found_unit) == (words, unit)


def test_a_typical_bom_maps_with_confidence() -> None:
    rows: list[Row] = [
        ["Pos", "Teilenummer", "Beschreibung", "Menge", "Gewicht [kg]", "Preis (EUR)"],
        [1, "M-1", "Ringmagnet N42SH 10x5x3", 8, 0.002, 0.4],
    ]
    mapping = map_columns(rows, guess_table(rows), "bom")
    by_field = {m.field: m for m in mapping.matches.values()}
    assert set(by_field) == {
        "position", "part_number", "description", "quantity", "mass_g", "unit_price",
    }  # fmt: skip
    assert by_field["mass_g"].unit == "kg"
    assert by_field["unit_price"].unit == "EUR"
    assert all(m.confidence >= 0.9 for m in mapping.matches.values())
    assert mapping.missing() == []


def test_values_name_columns_whose_header_says_little() -> None:
    rows: list[Row] = [
        ["Item", "Spec", "Mat.", "n"],
        ["Rotor magnet", "12x5x3mm", "N42SH", 16],
        ["Sensor magnet", "⌀8 x 2.5mm", "N35", 2],
        ["Pole piece", "20x20x2", "N52", 4],
    ]
    assert fields_of(rows) == {
        "Item": "name", "Spec": "dimensions", "Mat.": "grade", "n": "quantity",
    }  # fmt: skip


def test_a_material_column_of_family_names_becomes_family() -> None:
    rows: list[Row] = [
        ["Part number", "Material", "Qty"],
        ["A", "NdFeB", 1],
        ["B", "Ferrite", 2],
        ["C", "SmCo", 3],
    ]
    assert fields_of(rows)["Material"] == "family"


def test_item_numbers_are_not_taken_for_quantities() -> None:
    rows: list[Row] = [["#", "Description"], [1, "a"], [2, "b"], [3, "c"]]
    assert "quantity" not in fields_of(rows).values()


def test_user_overrides_win(tmp_path: Path) -> None:
    rows: list[Row] = [["Qty", "Stück", "Description"], [1, 2, "magnet"], [3, 4, "magnet"]]
    mapping = map_columns(
        rows, guess_table(rows), "bom", overrides={"Stück": "quantity", "A": "ignore"}
    )
    assert {m.header: (m.field, m.origin) for m in mapping.matches.values()} == {
        "Stück": ("quantity", "user"), "Description": ("description", "header"),
    }  # fmt: skip
    with pytest.raises(ValueError, match="no column 'Nope'"):
        map_columns(rows, guess_table(rows), "bom", overrides={"Nope": "quantity"})
    with pytest.raises(ValueError, match="not a field of bom"):
        map_columns(rows, guess_table(rows), "bom", overrides={"Qty": "colour"})


def test_profiles_are_saved_per_layout_and_reused(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path / "w.magplan")
    rows: list[Row] = [["Stk", "Zeug", "Bemerkung"], [1, "N42 magnet 10x5x2", ""]]
    guess = guess_table(rows)
    mapping = map_columns(
        rows, guess, "bom", workspace=workspace, overrides={"Stk": "quantity"}
    )
    assert not mapping.from_profile
    save_profile(workspace, mapping)
    again = map_columns(rows, guess, "bom", workspace=workspace)
    assert again.from_profile
    assert {m.header: m.field for m in again.matches.values()} == {
        m.header: m.field for m in mapping.matches.values()
    }
    assert workspace.meta(f"import_profile:{mapping.fingerprint}") is not None
    other = map_columns(rows, guess, "parts", workspace=workspace)
    assert not other.from_profile  # the kind is part of the layout
    workspace.close()


def test_the_error_workbooks_problems_column_is_ignored() -> None:
    rows: list[Row] = [["Description", "Qty", "Problems"], ["magnet", "many", "quantity: ..."]]
    mapping = map_columns(rows, guess_table(rows), "bom")
    assert "Problems" not in mapping.headers.values()
    plain = [r[:2] for r in rows]
    assert mapping.fingerprint == map_columns(plain, guess_table(plain), "bom").fingerprint


def test_build_plan_month_columns() -> None:
    rows: list[Row] = [
        ["Product", "Jan 2027", "2027-02", "03/2027", datetime(2027, 4, 1), "M05", "Notes"],
        ["Motor M7", 100, 120, 0, 90, 80, "x"],
    ]
    mapping = map_columns(rows, guess_table(rows), "build-plan", plan_start=date(2027, 1, 1))
    assert sorted(mapping.periods.values()) == [date(2027, m, 1) for m in range(1, 6)]
    assert mapping.column_of("product") == 0
    assert mapping.missing() == []


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Jan 2027", date(2027, 1, 1)), ("January 2027", date(2027, 1, 1)),
        ("Mär 2027", date(2027, 3, 1)), ("Okt-27", date(2027, 10, 1)),
        ("2027-01", date(2027, 1, 1)), ("01/2027", date(2027, 1, 1)),
        ("2027 Dec", date(2027, 12, 1)), ("M01", date(2027, 6, 1)), ("M12", date(2028, 5, 1)),
        ("2027-W05", date(2027, 2, 1)), ("KW5 2027", date(2027, 2, 1)),
        ("2027-03-15", date(2027, 3, 1)), ("Notes", None), ("13/2027", None), ("M99", None),
    ],
)  # fmt: skip
def test_period_headers(text: str, period: date | None) -> None:
    assert period_of_header(text, date(2027, 6, 1)) == period


# ------------------------------------------------------------------ properties

_UNIQUE = sorted(
    {
        (name, raw)
        for kind in KIND_FIELDS.values()
        for name in kind
        for raw in SYNONYMS[name].split("|")[1:]
        if sum(split_header(raw)[0] in field_synonyms(other) for other in kind) == 1
        and len(raw) > 2
    }
)


@st.composite
def _variant(draw: st.DrawFn, text: str) -> str:
    words = text.split()
    cased = [draw(st.sampled_from([w, w.upper(), w.title(), w.lower()])) for w in words]
    glue = draw(st.sampled_from([" ", "  ", "_", "-", ". ", " \t"]))
    lead = draw(st.sampled_from(["", " ", "  "]))
    tail = draw(st.sampled_from(["", ".", ":", " ", "  ", "*"]))
    return lead + glue.join(cased) + tail


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_case_space_and_punctuation_variants_keep_their_field(data: st.DataObject) -> None:
    name, synonym = data.draw(st.sampled_from(_UNIQUE))
    variant = data.draw(_variant(synonym))
    assert normalise_header(variant) == normalise_header(synonym)
    assert header_score(variant, name) >= 0.95


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="jqxz0123456789 _-./", min_size=1, max_size=30))
def test_junk_never_maps_with_confidence_above_one_half(junk: str) -> None:
    for kind, names in KIND_FIELDS.items():
        rows: list[Row] = [[junk, "zzqx"], ["1", "2"]]
        mapping = map_columns(rows, guess_table(rows, header_row=0), kind)
        header_matches = [m for m in mapping.matches.values() if m.origin == "header"]
        assert all(m.confidence <= 0.5 for m in header_matches), (kind, header_matches)
        assert max(header_score(junk, n) for n in names) <= 0.5


def _plain_score(header: str, name: str) -> float:
    """The header score computed the long way: difflib on every synonym, nothing skipped."""
    words = split_header(header)[0]
    best = 0.0
    for rank, synonym in enumerate(field_synonyms(name)):
        if not words or not synonym:
            continue
        if words == synonym:
            best = max(best, 1.0 - 0.002 * min(rank, 20))
            continue

        def stems(w: tuple[str, ...]) -> frozenset[str]:
            return frozenset(x[:-1] if len(x) > 3 and x.endswith("s") else x for x in w)

        h, s = stems(words), stems(synonym)
        if h == s:
            best = max(best, 0.95)
            continue
        score = 0.0
        if s < h:
            score = (0.6 if len(s) > 1 else 0.5) + (0.35 if len(s) > 1 else 0.3) * len(s) / len(
                h
            )
        elif h < s:
            score = 0.45 + 0.3 * len(h) / len(s)
        ratio = difflib.SequenceMatcher(None, " ".join(words), " ".join(synonym)).ratio()
        best = max(best, score, ratio * 0.95 if ratio >= 0.85 else ratio * 0.5)
    return best


_ALL_SYNONYMS = sorted({s for text in SYNONYMS.values() for s in text.split("|")})


@st.composite
def _near_header(draw: st.DrawFn) -> str:
    """A synonym misspelt, shortened, padded or shuffled: the headers difflib decides."""
    text = draw(st.sampled_from(_ALL_SYNONYMS))
    letters = list(text)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, max(len(letters) - 1, 0)))
        edit = draw(st.sampled_from(["drop", "double", "swap", "add"]))
        if edit == "drop" and len(letters) > 1:
            del letters[at]
        elif edit == "double" and letters:
            letters.insert(at, letters[at])
        elif edit == "swap" and at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
        else:
            letters.insert(at, draw(st.sampled_from("aeiourstnx ")))
    extra = draw(st.sampled_from(["", "Total ", "Item ", "per unit "]))
    return extra + "".join(letters)


@settings(max_examples=300, deadline=None)
@given(_near_header(), st.sampled_from(sorted(SYNONYMS)), st.sampled_from([0.0, 0.62, 0.7]))
def test_skipping_hopeless_comparisons_never_changes_a_score_that_counts(
    header: str, name: str, beat: float
) -> None:
    """The matcher skips spelling comparisons that cannot win; a score at or above the
    caller's threshold must be exactly the long way's, and none below may rise above it."""
    plain = _plain_score(header, name)
    quick = header_score(header, name, beat)
    if plain >= beat or quick >= beat:
        assert quick == pytest.approx(plain, abs=1e-12)
    else:
        assert quick <= plain + 1e-12
