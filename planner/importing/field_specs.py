"""The import fields: which each kind has, the names columns go by, and how each is read.

Parsing uses planner.fields' specs where editing has them, so import, paste and inline
editing refuse a value for the same reason in the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.fields import (
    BOM_FIELDS,
    ORDER_FIELDS,
    PART_FIELDS,
    STOCK_FIELDS,
    Context,
    FieldSpec,
    a_date,
    choice,
    count,
    number,
    spec,
    text,
)
from planner.importing.value_hints import period_of_header
from planner.licences import LicenceStatus
from planner.values import ValueReadError

if TYPE_CHECKING:
    from planner.workspace import Workspace

KINDS = ("bom", "parts", "build-plan", "stock", "orders", "licences", "suppliers")

# Field name -> "Label|synonym|synonym ...". Synonyms are normalised like headers.
SYNONYMS: dict[str, str] = {
    "parent": "Parent|parent|assembly|parent part|product|baugruppe|produkt|top level",
    "position": "Position|item number|pos|position|line|line number|lfd number|item no",
    "part_number": "Part number|part number|part no|p n|pn|mpn|manufacturer part number|"
    "teilenummer|artikelnummer|art number|item code|sku|catalog part number|"
    "solidworks part number|order code|bestellnummer|lcsc|supplier part number|"
    "part number or link|numero de pieza|numero de piece|code|part id",
    "name": "Name|name|part name|item|component|part|bauteil|komponente|benennung|nombre|"
    "nom|item name|article|artikel",
    "description": "Description|description|beschreibung|designation|bezeichnung|"
    "descripcion|model spec|spec|specification|details|value|configuration|device|"
    "type|typ",
    "quantity": "Quantity|quantity|units needed|menge|anzahl|cantidad|quantite|stuck|"
    "stuckzahl|pieces|count|amount|quantity per unit|pieces per unit|quantity needed|"
    "total quantity|total quantity needed|quantity per|per unit|stk",
    "reference": "Reference|reference|reference designator|reference designators|"
    "ref des|refdes|designator|designators|parts|references|component id",
    "scrap_pct": "Scrap|scrap|attrition|waste|ausschuss|verschnitt|merma|scrap rate",
    "note": "Notes|notes|note|remarks|remark|comment|comments|bemerkung|anmerkung|hinweis|"
    "notas|remarques|memo",
    "family": "Family|family|magnet family|magnet type|material family|werkstoff|"
    "material|magnet material",
    "grade": "Grade|grade|gute|material|magnet grade|material grade|qualitat|sorte|grado|"
    "nuance|werkstoffsorte",
    "shape": "Shape|shape|geometry|bauform|forma|magnet shape",
    "dimensions": "Dimensions|dimensions|dimension|size|abmessungen|abmessung|grosse|"
    "dims|dimensiones|taille|format|measurements",
    "mass_g": "Mass|mass|weight|gewicht|masse|peso|poids|unit weight|mass per piece|"
    "weight per piece|stuckgewicht|net weight",
    "coating": "Coating|coating|plating|beschichtung|surface|oberflache|recubrimiento",
    "supplier": "Supplier|supplier|vendor|lieferant|manufacturer|hersteller|proveedor|"
    "fournisseur|source|distributor|catalog|seller|fabricant",
    "unit_price": "Unit price|unit price|price|preis|einzelpreis|stuckpreis|precio|prix|"
    "cost|unit cost|price each|price per unit|price per piece|ek preis",
    "currency": "Currency|currency|wahrung|moneda|devise|ccy",
    "lead_time_days": "Lead time|lead time|leadtime|lieferzeit|plazo de entrega|delai|"
    "delivery time|wiederbeschaffungszeit",
    "moq": "MOQ|moq|minimum order quantity|min order quantity|mindestbestellmenge|mbm|"
    "min quantity|minimum quantity",
    "order_multiple": "Order multiple|order multiple|multiple|rounding|packing unit",
    "pack_size": "Pack size|quantity per pack|pack size|pack quantity|pack|vpe|"
    "verpackungseinheit|package quantity",
    "form": "Form|form|bare or assembly|delivery form",
    "measured_dy_pct": "Measured Dy|dy|dysprosium|measured dy|dy content|dy %",
    "measured_tb_pct": "Measured Tb|tb|terbium|measured tb|tb content|tb %",
    "product": "Product|product|model|produkt|product name|finished good|fg|item|artikel",
    "period": "Period|period|month|date|week|monat|periode|mes|mois|kw|bucket",
    "build_quantity": "Quantity|quantity|build quantity|units|volume|menge|stuckzahl|"
    "planned quantity|forecast|demand|plan",
    "on_hand": "On hand|on hand|stock|quantity on hand|in stock|bestand|lagerbestand|"
    "existencias|quantity|available|inventory",
    "safety_stock": "Safety stock|safety stock|min stock|minimum stock|sicherheitsbestand|"
    "mindestbestand|stock minimo",
    "counted_on": "Counted on|counted on|count date|as of|stichtag|inventory date|date",
    "order_reference": "Order|order|order number|po|po number|purchase order|bestellung|"
    "bestellnummer|order reference|reference",
    "order_quantity": "Quantity|quantity|order quantity|ordered quantity|menge|bestellmenge",
    "order_date": "Order date|order date|ordered|ordered on|bestelldatum|po date",
    "expected_arrival": "Expected arrival|expected arrival|eta|arrival|delivery date|"
    "due date|liefertermin|wareneingang|expected",
    "status": "Status|status|state|zustand|estado|statut",
    "licence": "Licence|licence|license|licence reference|export licence|lizenz",
    "licence_reference": "Licence|licence|license|reference|licence number|"
    "application number|permit|licence reference|lizenz",
    "licence_kind": "Kind|kind|type|licence type",
    "is_amendment": "Amendment|amendment|is amendment",
    "submitted_on": "Submitted|submitted|submitted on|submission date|filed|filed on",
    "resubmitted_on": "Resubmitted|resubmitted|resubmitted on|resubmission date",
    "decided_on": "Decided|decided|decided on|decision date|decision",
    "valid_from": "Valid from|valid from|validity start|gultig ab",
    "valid_until": "Valid until|valid until|expiry|expires|expiry date|gultig bis",
    "quantity_approved": "Approved quantity|approved quantity|quantity approved|approved",
    "supplier_name": "Name|name|supplier|vendor|company|lieferant|firma|supplier name",
    "country": "Country|country|land|pais|pays|country code|iso country",
    "supplier_kind": "Kind|kind|type|supplier type|supplier kind",
    "transit_days": "Transit|transit|transit time|transit days|shipping days",
    "qualification_status": "Qualification|qualification|qualification status|qualified",
    "qualification_days": "Qualification time|qualification time|qualification days",
    "price_premium_pct": "Price premium|price premium|premium",
    "capacity_t_per_year": "Capacity|capacity|capacity t y|annual capacity",
    "certifications": "Certifications|certifications|certificates|certification",
    "chinese_owned": "Chinese owned|chinese owned|cn owned|chinese ownership",
    "heavy_re_origin": "Heavy RE origin|heavy re origin|hre origin|origin|re origin",
    "source": "Source|source|information source|quelle",
    "as_of": "As of|as of|as of date|date|stand",
    "notes": "Notes|notes|note|remarks|comment|comments|bemerkung|anmerkung",
}
_PART = ("part_number", "family", "grade", "shape", "dimensions", "mass_g", "coating")
_BUY = ("supplier", "unit_price", "currency", "lead_time_days", "moq")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "bom": (
        *("parent", "position", "name", "description", "quantity", "reference"),
        *("scrap_pct", "note", "pack_size", *_PART, *_BUY),
    ),
    "parts": (
        *(*_PART, "name", "description", "form", "measured_dy_pct", "measured_tb_pct"),
        *(*_BUY, "order_multiple", "notes"),
    ),
    "build-plan": ("product", "period", "build_quantity"),
    "stock": ("part_number", "on_hand", "safety_stock", "counted_on"),
    "orders": (
        *("order_reference", "part_number", "supplier", "order_quantity", "order_date"),
        *("expected_arrival", "status", "unit_price", "currency", "licence"),
    ),
    "licences": (
        *("licence_reference", "supplier", "licence_kind", "status", "is_amendment"),
        *("submitted_on", "resubmitted_on", "decided_on", "valid_from", "valid_until"),
        *("quantity_approved", "notes"),
    ),
    "suppliers": (
        *("supplier_name", "country", "supplier_kind", "moq", "lead_time_days"),
        *("transit_days", "qualification_status", "qualification_days", "price_premium_pct"),
        *("capacity_t_per_year", "certifications", "chinese_owned", "heavy_re_origin"),
        *("source", "as_of", "notes"),
    ),
}
KEY_FIELD = {
    "parts": "part_number", "stock": "part_number", "orders": "order_reference",
    "licences": "licence_reference", "suppliers": "supplier_name", "bom": "part_number",
    "build-plan": "product",
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "bom": ("quantity",), "parts": ("part_number",), "build-plan": ("product",),
    "stock": ("part_number", "on_hand"),
    "orders": ("part_number", "supplier", "order_quantity"),
    "licences": ("licence_reference", "supplier"), "suppliers": ("supplier_name", "country"),
}  # fmt: skip

_YES = frozenset({"yes", "y", "true", "1", "x", "ja", "j", "si", "sí", "oui", "wahr"})
_NO = frozenset({"no", "n", "false", "0", "nein", "non", "falsch", "-"})
_COUNTRIES = {
    "china": "CN", "prc": "CN", "india": "IN", "vietnam": "VN", "viet nam": "VN",
    "mexico": "MX", "méxico": "MX", "japan": "JP", "korea": "KR", "south korea": "KR",
    "germany": "DE", "deutschland": "DE", "usa": "US", "united states": "US",
    "us": "US", "uk": "GB", "united kingdom": "GB", "taiwan": "TW", "thailand": "TH",
    "malaysia": "MY", "philippines": "PH", "estonia": "EE", "france": "FR", "italy": "IT",
}  # fmt: skip


def yes_no(raw: str, _: Context) -> bool:
    """Read yes/no, true/false, 1/0, x, ja/nein."""
    key = raw.strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueReadError(f"{raw!r} is not yes or no")


def country_code(raw: str, _: Context) -> str:
    """Read an ISO 3166 two-letter country code or a common country name."""
    key = raw.strip().lower()
    code = _COUNTRIES.get(key) or raw.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValueReadError(f"{raw!r} is not a country code such as CN, IN, VN or MX")
    return code


def text_list(raw: str, _: Context) -> list[str]:
    """Read a list such as "IATF 16949, ISO 9001"."""
    return [item.strip() for item in re.split(r"[,;/\n]", raw) if item.strip()]


def period_value(raw: str, _: Context) -> date:
    """Read a period (2027-01, Jan 2027, 01/2027, 2027-W05, a date) as its first day."""
    found = period_of_header(raw, date.today().replace(day=1))
    if found is None:
        raise ValueReadError(f"{raw!r} is not a month or week (use 2027-01 or Jan 2027)")
    return found


def _optional(item: FieldSpec) -> FieldSpec:
    return replace(item, required=False)


_P = {s.name: s for s in PART_FIELDS}
_LICENCE_KINDS = {"individual": "individual", "general": "general"}
_SUPPLIER_KINDS = {
    "magnet_maker": "magnet maker", "assembly_maker": "assembly maker",
    "distributor": "distributor",
}  # fmt: skip
_QUALIFICATION = {
    "not_started": "not started", "in_progress": "in progress", "qualified": "qualified",
    "failed": "failed",
}  # fmt: skip

_COMMON: dict[str, FieldSpec] = {
    "part_number": _optional(_P["part_number"]),
    "name": FieldSpec("name", "Name", text(200)),
    "description": _P["description"],
    "family": _optional(_P["family"]),
    "grade": _P["grade"],
    "shape": _P["shape"],
    "dimensions": _P["dimensions"],
    "mass_g": _P["stated_mass_g"],
    "coating": _P["coating"],
    "measured_dy_pct": _P["measured_dy_pct"],
    "measured_tb_pct": _P["measured_tb_pct"],
    "form": _P["form"],
    "supplier": _P["supplier_id"],
    "unit_price": _P["unit_price"],
    "currency": _P["currency"],
    "lead_time_days": _P["lead_time_days"],
    "moq": _P["moq"],
    "order_multiple": _P["order_multiple"],
    "notes": _P["notes"],
    "parent": FieldSpec("parent", "Parent", text(200)),
    "position": FieldSpec("position", "Position", count(0)),
    "quantity": spec(BOM_FIELDS, "pieces_per_unit"),
    "reference": FieldSpec("reference", "Reference", text(2000)),
    "scrap_pct": spec(BOM_FIELDS, "scrap_pct"),
    "note": spec(BOM_FIELDS, "note"),
    "pack_size": FieldSpec("pack_size", "Pack size", count(1)),
    "product": FieldSpec("product", "Product", text(200), required=True),
    "period": FieldSpec("period", "Period", period_value),
    "build_quantity": FieldSpec("quantity", "Quantity", number(0)),
    "on_hand": replace(spec(STOCK_FIELDS, "on_hand"), required=True),
    "safety_stock": spec(STOCK_FIELDS, "safety_stock"),
    "counted_on": spec(STOCK_FIELDS, "counted_on"),
    "order_reference": spec(ORDER_FIELDS, "reference"),
    "order_quantity": spec(ORDER_FIELDS, "quantity"),
    "order_date": spec(ORDER_FIELDS, "order_date"),
    "expected_arrival": spec(ORDER_FIELDS, "expected_arrival"),
    "licence": FieldSpec("licence_id", "Licence", text(120)),
    "licence_reference": FieldSpec("reference", "Licence", text(120), required=True),
    "licence_kind": FieldSpec("kind", "Kind", choice(_LICENCE_KINDS)),
    "is_amendment": FieldSpec("is_amendment", "Amendment", yes_no),
    "submitted_on": FieldSpec("submitted_on", "Submitted", a_date),
    "resubmitted_on": FieldSpec("resubmitted_on", "Resubmitted", a_date),
    "decided_on": FieldSpec("decided_on", "Decided", a_date),
    "valid_from": FieldSpec("valid_from", "Valid from", a_date),
    "valid_until": FieldSpec("valid_until", "Valid until", a_date),
    "quantity_approved": FieldSpec("quantity_approved", "Approved quantity", number(0)),
    "supplier_name": FieldSpec("name", "Name", text(200), required=True),
    "country": FieldSpec("country", "Country", country_code, required=True),
    "supplier_kind": FieldSpec("kind", "Kind", choice(_SUPPLIER_KINDS)),
    "transit_days": FieldSpec("transit_days", "Transit", count(0), unit="days"),
    "qualification_status": FieldSpec(
        "qualification_status", "Qualification", choice(_QUALIFICATION)
    ),
    "qualification_days": FieldSpec("qualification_days", "Qualification", count(0)),
    "price_premium_pct": FieldSpec("price_premium_pct", "Price premium", number(-100)),
    "capacity_t_per_year": FieldSpec("capacity_t_per_year", "Capacity", number(0)),
    "certifications": FieldSpec("certifications", "Certifications", text_list),
    "chinese_owned": FieldSpec("chinese_owned", "Chinese owned", yes_no),
    "heavy_re_origin": FieldSpec("heavy_re_origin", "Heavy RE origin", text(64)),
    "source": FieldSpec("source", "Source", text(2000)),
    "as_of": FieldSpec("as_of", "As of", a_date),
}
_BY_KIND: dict[tuple[str, str], FieldSpec] = {
    ("parts", "part_number"): _P["part_number"],
    ("stock", "part_number"): _P["part_number"],
    ("orders", "part_number"): _P["part_number"],
    ("orders", "status"): _optional(spec(ORDER_FIELDS, "status")),
    ("licences", "status"): FieldSpec(
        "status", "Status", choice({s.value: s.label for s in LicenceStatus})
    ),
    ("bom", "supplier"): FieldSpec("supplier", "Supplier", text(200)),
}

NUMERIC = frozenset(
    name
    for name, item in _COMMON.items()
    if item.parse in {a_date, period_value}
    or name in {"mass_g", "unit_price", "lead_time_days", "moq", "order_multiple"}
    or name in {"quantity", "scrap_pct", "pack_size", "position", "build_quantity"}
    or name in {"on_hand", "safety_stock", "order_quantity", "quantity_approved"}
    or name in {"transit_days", "qualification_days", "price_premium_pct"}
    or name in {"capacity_t_per_year", "measured_dy_pct", "measured_tb_pct"}
)
UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("mass_g", "kg"): 1000.0,
    ("mass_g", "mg"): 0.001,
    ("mass_g", "oz"): 28.349523125,
    ("mass_g", "lb"): 453.59237,
    ("lead_time_days", "weeks"): 7.0,
    ("transit_days", "weeks"): 7.0,
    ("qualification_days", "weeks"): 7.0,
}


def field_spec(kind: str, name: str) -> FieldSpec:
    """Return the spec that reads field `name` of import kind `kind`."""
    return _BY_KIND.get((kind, name)) or _COMMON[name]


@dataclass
class Lookups:
    """Existing records an import refers to, loaded once (keys lower-cased).

    Attributes:
        parts: part number -> (id, part number as stored).
        suppliers: supplier name -> id (as planner.fields.Context wants it).
        products: product name -> id.
        licences: licence reference -> id.
        orders: order reference -> id.
        stock: ids of parts that have a stock row.
        plan: (product id, period) pairs that have a build quantity.
        bom_lines: (parent id, part id) -> BOM line id.
        memo: Results worth keeping for the rest of one validation (BOM texts recognised
            as magnets: a long BOM names the same magnets many times).
    """

    parts: dict[str, tuple[int, str]]
    suppliers: dict[str, int]
    products: dict[str, int]
    licences: dict[str, int]
    orders: dict[str, int]
    stock: set[int]
    plan: set[tuple[int, date]]
    bom_lines: dict[tuple[int, int], int]
    memo: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, workspace: Workspace) -> Lookups:
        """Read the lookups from a workspace."""
        from sqlalchemy import select

        from planner.schema import (
            BomLine,
            BuildPlanEntry,
            Licence,
            Order,
            Part,
            Product,
            Stock,
            Supplier,
        )

        # Plain column reads, not ORM objects: a workspace of 100,000 parts loads in a
        # fraction of the time.
        with workspace.transaction() as session:

            def rows(*columns: Any) -> list[Any]:
                return list(session.execute(select(*columns)))

            return cls(
                parts={n.lower(): (i, n) for n, i in rows(Part.part_number, Part.id)},
                suppliers=dict(rows(Supplier.name, Supplier.id)),
                products={n.lower(): i for n, i in rows(Product.name, Product.id)},
                licences={r.lower(): i for r, i in rows(Licence.reference, Licence.id)},
                orders={r.lower(): i for r, i in rows(Order.reference, Order.id) if r},
                stock={i for (i,) in rows(Stock.part_id)},
                plan={
                    (p, d) for p, d in rows(BuildPlanEntry.product_id, BuildPlanEntry.period)
                },
                bom_lines={
                    (parent, child): i
                    for parent, child, i in rows(
                        BomLine.parent_id, BomLine.child_part_id, BomLine.id
                    )
                    if child is not None
                },
            )

    def supplier_id(self, name: str) -> int | None:
        """Return a supplier's id by name, ignoring case."""
        wanted = name.strip().lower()
        return next((i for n, i in self.suppliers.items() if n.lower() == wanted), None)
