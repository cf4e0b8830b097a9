"""OOXML package structure: which part is the workbook, which sheets it lists, 1904 dates.

Transitional and Strict namespaces are both accepted (elements are matched by local
name). Relationships with TargetMode="External" are ignored: nothing outside the file is
ever resolved.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from planner.importing.budget import normalise
from planner.importing.model import MAX_CELL_TEXT, ReadError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from planner.importing.budget import Package

_SMALL_PART = 16 << 20
_SHEET_KINDS = (
    ("macrosheet", "macrosheet"),
    ("dialogsheet", "dialogsheet"),
    ("chartsheet", "chartsheet"),
    ("worksheet", "worksheet"),
)


@dataclass(frozen=True)
class SheetEntry:
    """A sheet listed by the workbook part.

    Attributes:
        name: the sheet name.
        hidden: hidden or very hidden.
        part: the normalised name of the sheet's part, or "" when the relationship is missing.
        kind: worksheet, chartsheet, macrosheet or dialogsheet.
    """

    name: str
    hidden: bool
    part: str
    kind: str


@dataclass(frozen=True)
class Workbook:
    """The sheets and settings of an OOXML workbook."""

    kind: str
    sheets: tuple[SheetEntry, ...]
    date1904: bool
    has_macros: bool
    has_external_links: bool
    shared_strings: str = ""


def local(tag: str) -> str:
    """Return the local name of an ElementTree tag ("{ns}c" → "c")."""
    return tag.rpartition("}")[2]


def parse_xml(package: Package, name: str) -> Element:
    """Parse a small XML part with DTDs and entities forbidden.

    Raises:
        ReadError: unsafe (DTD) or damaged (not well-formed, or missing).
    """
    try:
        data = package.read(name, _SMALL_PART)
        root: Element = ElementTree.fromstring(data, forbid_dtd=True)
        return root
    except DefusedXmlException as exc:
        raise ReadError("unsafe", package.path, None, detail=f"{name}: {exc!r}") from None
    except KeyError:
        raise ReadError("damaged", package.path, None, f"the part {name} is missing") from None
    except (ElementTree.ParseError, ValueError, OSError, EOFError) as exc:
        raise ReadError(
            "damaged", package.path, None, f"the part {name} is damaged", detail=repr(exc)
        ) from None


def relationships(package: Package, part: str) -> dict[str, tuple[str, str]]:
    """Return {relationship id: (type, target part)} for a part; {} if it has none.

    Targets are resolved against the part's folder; external targets are dropped.
    """
    folder, base = posixpath.split(normalise(part))
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if not package.has(rels_name):
        return {}
    try:
        root = parse_xml(package, rels_name)
    except ReadError as exc:
        if exc.category == "unsafe":
            raise
        return {}  # damaged relationships: callers fall back to the usual part names
    found: dict[str, tuple[str, str]] = {}
    for rel in root:
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = (rel.get("Target") or "").replace("\\", "/")
        resolved = (
            target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        )
        found[rel.get("Id") or ""] = (
            rel.get("Type") or "",
            normalise(posixpath.normpath(resolved)),
        )
    return found


def find_workbook(package: Package) -> str:
    """Return the normalised name of the workbook part.

    Raises:
        ReadError: damaged when no workbook part exists.
    """
    for rel_type, target in relationships(package, "").values():
        if rel_type.endswith("/officeDocument") and package.has(target):
            return target
    for candidate in ("xl/workbook.xml", "xl/workbook.bin"):
        if package.has(candidate):
            return candidate
    raise ReadError("damaged", package.path, None, "the workbook part is missing from the file")


def read_workbook(package: Package) -> Workbook:
    """Read the sheet list of an xlsx/xlsm workbook (xlsb goes through `xlsb.py`).

    Raises:
        ReadError: damaged or unsafe.
    """
    part = find_workbook(package)
    root = parse_xml(package, part)
    rels = relationships(package, part)
    sheets: list[SheetEntry] = []
    date1904 = False
    for element in root.iter():
        name = local(element.tag)
        if name == "workbookPr":
            date1904 = (element.get("date1904") or "").lower() in ("1", "true")
        elif name == "sheet":
            sheets.append(_sheet_entry(element, rels))
    return Workbook(
        kind="xlsm" if _has_macros(package, part) else "xlsx",
        sheets=tuple(sheets),
        date1904=date1904,
        has_macros=_has_macros(package, part),
        has_external_links=any("externallink" in name for name in package.names()),
        shared_strings=next(
            (target for kind, target in rels.values() if kind.endswith("/sharedStrings")), ""
        ),
    )


def has_long_shared_string(package: Package, part: str) -> bool:
    """Return True when some shared string may be longer than a cell may hold.

    calamine copies a shared string into every cell that uses it (12,000 cells × 1 MiB is
    12 GB); openpyxl shares one object. Measured in bytes of markup, so it errs on the
    side of True.
    """
    if not part or not package.has(part) or package.size(part) <= MAX_CELL_TEXT:
        return False
    with package.open(part) as stream:
        carry = b""
        while piece := stream.read(4 << 20):
            pieces = (carry + piece).split(b"</si>")
            carry = pieces.pop()
            if len(carry) > MAX_CELL_TEXT or max(map(len, pieces), default=0) > MAX_CELL_TEXT:
                return True
    return False


def _sheet_entry(element: Element, rels: dict[str, tuple[str, str]]) -> SheetEntry:
    """Build a SheetEntry from a `<sheet>` element and the workbook relationships."""
    rel_id = next((v for k, v in element.attrib.items() if local(k) == "id"), "")
    rel_type, target = rels.get(rel_id, ("", ""))
    return SheetEntry(
        name=element.get("name") or "",
        hidden=(element.get("state") or "visible") != "visible",
        part=target,
        kind=sheet_kind(rel_type, target),
    )


def sheet_kind(rel_type: str, target: str) -> str:
    """Return worksheet, chartsheet, macrosheet or dialogsheet from a relationship."""
    text = (rel_type + " " + target).lower()
    return next((kind for key, kind in _SHEET_KINDS if key in text), "worksheet")


def _has_macros(package: Package, workbook_part: str) -> bool:
    """Return True when the package carries VBA or XLM macros (never run, only noticed)."""
    names = package.names()
    if any(name.endswith("vbaproject.bin") or "macrosheets/" in name for name in names):
        return True
    try:
        types = package.read("[Content_Types].xml", _SMALL_PART)
    except (KeyError, ReadError):
        return False
    return b"macroEnabled" in types and workbook_part.endswith(".xml")
