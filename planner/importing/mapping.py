"""Map a sheet's columns to the fields of an import kind, by header and by values.

Headers are matched against synonyms in several languages and styles ("Qty", "QTY.",
"Menge", "Part #", "P/N", "Teilenummer" ...) after normalising case, accents, punctuation
and units ("Mass (g)", "Gewicht [kg]", "Price (EUR)"); each column gets a confidence 0–1.
Columns whose header says little are recognised by their values (grades, dimensions,
counts). A mapping the user confirmed is saved per layout (a fingerprint of the header row)
in the workspace and reused when the same layout comes back.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from planner.importing.field_specs import KIND_FIELDS, KINDS, REQUIRED, SYNONYMS
from planner.importing.table import cell_text, column_letter
from planner.importing.value_hints import period_of_header, value_matches

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from planner.importing.table import TableGuess
    from planner.workspace import Change, Workspace

MIN_CONFIDENCE = 0.62
IGNORE = "ignore"
IGNORED_HEADER = "problems"  # the error workbook's own column, ignored on re-import

# Units read from headers: unit word -> (what it measures, canonical unit).
_UNITS: dict[str, tuple[str, str]] = {
    "g": ("mass", "g"), "gram": ("mass", "g"), "grams": ("mass", "g"), "kg": ("mass", "kg"),
    "mg": ("mass", "mg"), "oz": ("mass", "oz"), "lb": ("mass", "lb"), "lbs": ("mass", "lb"),
    "eur": ("money", "EUR"), "€": ("money", "EUR"), "usd": ("money", "USD"),
    "$": ("money", "USD"), "cny": ("money", "CNY"), "rmb": ("money", "CNY"),
    "gbp": ("money", "GBP"), "£": ("money", "GBP"), "jpy": ("money", "JPY"),
    "inr": ("money", "INR"), "chf": ("money", "CHF"),
    "days": ("time", "days"), "d": ("time", "days"), "tage": ("time", "days"),
    "weeks": ("time", "weeks"), "wks": ("time", "weeks"), "wk": ("time", "weeks"),
    "w": ("time", "weeks"), "wochen": ("time", "weeks"),
    "mm": ("length", "mm"), "cm": ("length", "cm"), "in": ("length", "in"),
    "inch": ("length", "in"), "%": ("share", "%"), "pcs": ("count", "pcs"),
}  # fmt: skip
_CANON = {
    "no": "number", "nr": "number", "num": "number", "nummer": "number", "qty": "quantity",
    "qte": "quantity", "quantities": "quantity", "pcs": "pieces", "pc": "pieces",
    "desc": "description", "descr": "description", "ref": "reference", "mfr": "manufacturer",
    "mfg": "manufacturer", "curr": "currency", "dim": "dimensions", "wt": "weight",
    "licenses": "licence", "license": "licence", "stueck": "stuck",
}  # fmt: skip


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_UNIT_RE = re.compile(
    r"[(\[{]\s*([^)\]}]{1,12}?)\s*[)\]}]|\s(?:in\s+)?(€|\$|£|%|[a-z]{1,6})\s*$"
)


@lru_cache(maxsize=4096)
def split_header(text: str) -> tuple[tuple[str, ...], str | None]:
    """Return a header's normalised words and the unit it names ("Mass (g)" → mass, g)."""
    folded = re.sub(r"[\s_\-]+", " ", _fold(text)).strip().rstrip(".:*").strip()
    unit = None
    for match in _UNIT_RE.finditer(folded):
        word = (match.group(1) or match.group(2) or "").strip().rstrip(".")
        if word in _UNITS and match.start() > 0:
            unit = _UNITS[word][1]
            folded = folded[: match.start()] + " " + folded[match.end() :]
            break
    folded = folded.replace("#", " number ").replace("%", " % ")
    words = re.findall(r"[a-z0-9%]+", folded)
    return tuple(_CANON.get(w, w) for w in words), unit


def normalise_header(text: str) -> str:
    """Return a header as normalised words ("QTY." → "quantity", "Part #" → "part number")."""
    return " ".join(split_header(text)[0])


def _stem(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


class _Phrase:
    """A header or synonym as the matcher compares it: words, stems and joined text."""

    __slots__ = ("stems", "text", "words")

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self.stems = _stem(words)
        self.text = " ".join(words)


@lru_cache(maxsize=4096)
def _phrase(header: str) -> _Phrase:
    return _Phrase(split_header(header)[0])


def _spelling(ratio: float) -> float:
    """The score a spelling likeness gives: near-identical text counts, the rest little."""
    return ratio * 0.95 if ratio >= 0.85 else ratio * 0.5


def _similarity(header: _Phrase, synonym: _Phrase, rank: int = 0, beat: float = 0.0) -> float:
    """Score a header against one synonym; earlier synonyms of a field weigh a little more.

    Exact whenever the score reaches `beat`; below it, possibly lower than exact
    (callers keep the best score, so the spelling comparison, difflib's costly part, is
    skipped when even its upper bounds cannot win).
    """
    if not header.words or not synonym.words:
        return 0.0
    if header.words == synonym.words:
        return 1.0 - 0.002 * min(rank, 20)
    h, s = header.stems, synonym.stems
    if h == s:
        return 0.95
    score = 0.0
    if s < h:  # "Total QTY Needed" holds "quantity"; one generic word alone weighs less
        score = (0.6 if len(s) > 1 else 0.5) + (0.35 if len(s) > 1 else 0.3) * len(s) / len(h)
    elif h < s:
        score = 0.45 + 0.3 * len(h) / len(s)

    def hopeless(bound: float) -> bool:  # the spelling score cannot be the answer
        return bound <= score or bound < beat

    a, b = header.text, synonym.text
    if hopeless(_spelling(2.0 * min(len(a), len(b)) / (len(a) + len(b)))):
        return score  # even the same letters in the same order could not win
    matcher = difflib.SequenceMatcher(None, a, b)
    if hopeless(_spelling(matcher.quick_ratio())):
        return score
    return max(score, _spelling(matcher.ratio()))


@cache
def _synonym_phrases(name: str) -> tuple[_Phrase, ...]:
    return tuple(_Phrase(words) for words in field_synonyms(name))


@cache
def field_synonyms(name: str) -> tuple[tuple[str, ...], ...]:
    """Return the normalised synonyms of a field."""
    return tuple(split_header(s)[0] for s in SYNONYMS[name].split("|")[1:])


def field_label(name: str) -> str:
    """Return the label shown for a field."""
    return SYNONYMS[name].split("|")[0]


def header_score(header: str, name: str, beat: float = 0.0) -> float:
    """Return how well a header names a field, 0 to 1.

    Exact when at least `beat`; a caller that drops scores below a threshold passes it, and
    the comparisons that cannot reach it are skipped.
    """
    words = _phrase(header)
    best = 0.0
    for rank, synonym in enumerate(_synonym_phrases(name)):
        best = max(best, _similarity(words, synonym, rank, max(best, beat)))
    return best


@lru_cache(maxsize=4096)
def known_header_score(header: str) -> float:
    """Return how much a text looks like any known column name (for header detection)."""
    words = _phrase(header)
    if not words.words or len(words.words) > 8:
        return 0.0
    best = 0.0
    for name in SYNONYMS:
        for synonym in _synonym_phrases(name):
            best = max(best, _similarity(words, synonym, 0, best))
    return best


@dataclass(frozen=True)
class ColumnMatch:
    """One source column mapped to a field.

    Attributes:
        column: 0-based column index in the sheet.
        header: The column's header text.
        field: The field it fills.
        confidence: How sure the match is, 0 to 1.
        unit: Unit named in the header ("g", "kg", "EUR", "weeks" ...), if any.
        origin: "header", "values", "profile" or "user".
    """

    column: int
    header: str
    field: str
    confidence: float
    unit: str | None = None
    origin: str = "header"


@dataclass
class ColumnMapping:
    """How the columns of a table map to the fields of an import kind.

    Attributes:
        kind: The import kind.
        matches: Column index -> match, for mapped columns.
        periods: Column index -> period start, for build-plan month columns.
        headers: Column index -> header text, for every column of the table.
        fingerprint: Identifies the header layout, for saved profiles.
        from_profile: True when a saved profile supplied the mapping.
    """

    kind: str
    matches: dict[int, ColumnMatch]
    periods: dict[int, date] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)
    fingerprint: str = ""
    from_profile: bool = False

    def column_of(self, name: str) -> int | None:
        """Return the column mapped to a field, or None."""
        return next((c for c, m in self.matches.items() if m.field == name), None)

    def missing(self) -> list[str]:
        """Return the labels of required fields no column fills."""
        fields = {m.field for m in self.matches.values()}
        needed = [f for f in REQUIRED[self.kind] if f not in fields]
        if self.kind == "build-plan" and not self.periods:
            needed += [f for f in ("period", "build_quantity") if f not in fields]
        if self.kind == "bom" and not fields & {"part_number", "name", "description"}:
            needed.append("description")
        return [field_label(f) for f in needed]


def fingerprint(kind: str, headers: Sequence[str]) -> str:
    """Return a stable id of a header layout (kind + normalised headers in order)."""
    text = "\x1f".join([kind, *(normalise_header(h) for h in headers)])
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _profile_key(print_: str) -> str:
    return f"import_profile:{print_}"


def save_profile(workspace: Workspace, mapping: ColumnMapping) -> Change:
    """Remember a mapping for its header layout (columns stored by position in the table)."""
    order = list(mapping.headers)
    columns = {
        str(order.index(c)): {"field": m.field, "unit": m.unit}
        for c, m in mapping.matches.items()
        if c in order
    }
    data = {
        "kind": mapping.kind,
        "headers": list(mapping.headers.values()),
        "columns": columns,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return workspace.set_meta(_profile_key(mapping.fingerprint), json.dumps(data))


def load_profile(workspace: Workspace, print_: str) -> dict[str, object] | None:
    """Return a saved profile, or None."""
    raw = workspace.meta(_profile_key(print_))
    if raw is None:
        return None
    data = json.loads(raw)
    return data if isinstance(data, dict) else None


def _profile_matches(
    profile: Mapping[str, object], headers: dict[int, str]
) -> dict[int, ColumnMatch]:
    order = list(headers)
    found: dict[int, ColumnMatch] = {}
    columns = profile.get("columns")
    if not isinstance(columns, dict):
        return found
    for position, entry in columns.items():
        index = int(position)
        if index < len(order) and isinstance(entry, dict):
            column = order[index]
            found[column] = ColumnMatch(
                column, headers[column], str(entry["field"]), 1.0, entry.get("unit"), "profile"
            )
    return found


def _sample(rows: Sequence[Sequence[object]], guess: TableGuess, column: int) -> list[str]:
    texts = []
    for row in guess.first_data_rows(200):
        cells = rows[row]
        text = cell_text(cells[column]) if column < len(cells) else ""
        if text:
            texts.append(text)
    return texts


def _from_headers(
    kind: str, headers: dict[int, str], taken: dict[int, ColumnMatch]
) -> dict[int, ColumnMatch]:
    pairs = []
    for column, header in headers.items():
        if column in taken:
            continue
        for name in KIND_FIELDS[kind]:
            score = header_score(header, name, MIN_CONFIDENCE)
            if score >= MIN_CONFIDENCE:
                pairs.append((score, -column, name))
    found = dict(taken)
    used = {m.field for m in taken.values()}
    for score, negative, name in sorted(pairs, reverse=True):
        column = -negative
        if column in found or name in used:
            continue
        unit = split_header(headers[column])[1]
        found[column] = ColumnMatch(column, headers[column], name, round(score, 2), unit)
        used.add(name)
    return found


def map_columns(
    rows: Sequence[Sequence[object]],
    guess: TableGuess,
    kind: str,
    *,
    overrides: Mapping[str, str] | None = None,
    workspace: Workspace | None = None,
    plan_start: date | None = None,
) -> ColumnMapping:
    """Map the table's columns to the fields of `kind`.

    Args:
        rows: The sheet's cells.
        guess: Where the table is.
        kind: One of KINDS.
        overrides: Column (header text, letter or 1-based number) -> field name, or
            "ignore"; the user's choice always wins.
        workspace: Where saved profiles are looked up.
        plan_start: Month that "M01" columns of a build plan mean (default: this month).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; known: {', '.join(KINDS)}")
    headers = {
        c: h for c, h in guess.headers(rows).items() if normalise_header(h) != IGNORED_HEADER
    }
    print_ = fingerprint(kind, list(headers.values()))
    periods: dict[int, date] = {}
    if kind == "build-plan":
        start = plan_start or date.today().replace(day=1)
        header_cells = rows[guess.header_row] if guess.header_row is not None else []
        for column in headers:
            if column < len(header_cells):
                when = period_of_header(header_cells[column], start)
                if when is not None:
                    periods[column] = when
    profile = load_profile(workspace, print_) if workspace is not None else None
    matches = _profile_matches(profile, headers) if profile else {}
    if not matches:
        free = {c: h for c, h in headers.items() if c not in periods}
        matches = _from_headers(kind, free, {})
        samples = {c: _sample(rows, guess, c) for c in free}
        matches = value_matches(kind, free, samples, matches)
    mapping = ColumnMapping(kind, matches, periods, headers, print_, bool(profile))
    if overrides:
        apply_overrides(mapping, overrides)
    return mapping


def find_column(headers: dict[int, str], name: str) -> int | None:
    """Return the column a user names by header text, letter ("C") or number ("3")."""
    wanted = normalise_header(name)
    for column, header in headers.items():
        if normalise_header(header) == wanted and wanted:
            return column
    for column in headers:
        if name.strip().upper() == column_letter(column):
            return column
    if name.strip().isdigit() and int(name) - 1 in headers:
        return int(name) - 1
    return None


def apply_overrides(mapping: ColumnMapping, overrides: Mapping[str, str]) -> None:
    """Apply the user's column -> field choices (field "ignore" unmaps a column).

    Raises:
        ValueError: a column or field name is unknown; the message lists what exists.
    """
    fields = KIND_FIELDS[mapping.kind]
    for source, target in overrides.items():
        column = find_column(mapping.headers, source)
        if column is None:
            known = ", ".join(repr(h) for h in mapping.headers.values())
            raise ValueError(f"no column {source!r} in the table; columns: {known}")
        name = _field_named(target, fields)
        if name is None:
            raise ValueError(
                f"{target!r} is not a field of {mapping.kind}; fields: {', '.join(fields)}"
            )
        mapping.matches.pop(column, None)
        mapping.periods.pop(column, None)
        if name == IGNORE:
            continue
        for other, match in list(mapping.matches.items()):
            if match.field == name:
                del mapping.matches[other]
        unit = split_header(mapping.headers[column])[1]
        mapping.matches[column] = ColumnMatch(
            column, mapping.headers[column], name, 1.0, unit, "user"
        )


def _field_named(text: str, fields: tuple[str, ...]) -> str | None:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    if key in {IGNORE, "-", "none", "skip"}:
        return IGNORE
    if key in fields:
        return key
    by_label = {normalise_header(field_label(f)): f for f in fields}
    return by_label.get(normalise_header(text))
