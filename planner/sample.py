"""Build the sample workspace (a fictional tier-1 automotive supplier) from resources/sample."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

from planner.licences import LicenceStatus, document_checklist
from planner.periods import add_months, month_start
from planner.schema import (
    BomLine,
    BuildPlanEntry,
    Licence,
    LicenceDocument,
    LicenceEvent,
    LicenceItem,
    Order,
    Part,
    Product,
    Stock,
    Supplier,
)
from planner.workspace import Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session


def sample_data() -> dict[str, Any]:
    """Return the raw sample data."""
    text = resources.files("resources").joinpath("sample/sample.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def build_sample(target: str | Path, *, anchor: date | None = None) -> Workspace:
    """Create a new workspace at `target` filled with the sample data.

    Dates in the sample are offsets from `anchor` (default: the first day of this month),
    so the sample always shows pending, overdue and expiring licences.
    """
    data = sample_data()
    start = month_start(anchor or date.today())
    workspace = Workspace.create(target, name=data["workspace_name"])
    try:
        with workspace.transaction() as session:
            _Builder(session, start).build(data)
            workspace.audit(
                session,
                operation="create sample workspace",
                entity="workspace",
                entity_id=workspace.name,
                before=None,
                after={"anchor": start.isoformat()},
            )
    except BaseException:
        workspace.close()
        raise
    workspace.set_meta("plan_start", start.isoformat())
    return workspace


class _Builder:
    """Turns the sample's keys and day offsets into rows, in one session."""

    def __init__(self, session: Session, anchor: date) -> None:
        self.session = session
        self.anchor = anchor
        self.suppliers: dict[str, Supplier] = {}
        self.parts: dict[str, Part] = {}
        self.products: dict[str, Product] = {}
        self.licences: dict[str, Licence] = {}

    def day(self, offset: int | None) -> date | None:
        return None if offset is None else self.anchor + timedelta(days=offset)

    def build(self, data: dict[str, Any]) -> None:
        for row in data["suppliers"]:
            self.suppliers[row["key"]] = self._supplier(row)
        self.session.add_all(self.suppliers.values())
        self.session.flush()
        for row in data["parts"]:
            self.parts[row["pn"]] = self._part(row)
        for row in data["products"]:
            product = Product(name=row["name"], kind=row["kind"], description=row["desc"])
            self.products[row["name"]] = product
        self.session.add_all([*self.parts.values(), *self.products.values()])
        self.session.flush()
        self._bom(data["bom"])
        self._plan(data["build_plan"])
        for pn, on_hand, safety in data["stock"]:
            stock = Stock(part_id=self.parts[pn].id, on_hand=on_hand, safety_stock=safety)
            stock.counted_on = self.anchor
            self.session.add(stock)
        for row in data["licences"]:
            self._licence(row)
        self.session.flush()
        for row in data["orders"]:
            self._order(row)

    def _supplier(self, row: dict[str, Any]) -> Supplier:
        return Supplier(
            name=row["name"],
            country=row["country"],
            kind=row["kind"],
            capabilities=row["capabilities"],
            capacity_t_per_year=row.get("capacity_t_per_year"),
            moq=row.get("moq"),
            lead_time_days=row.get("lead_time_days"),
            transit_days=row.get("transit_days"),
            qualification_status=row["qualification_status"],
            qualification_days=row.get("qualification_days"),
            price_premium_pct=row.get("price_premium_pct"),
            certifications=row.get("certifications", []),
            chinese_owned=row.get("chinese_owned", False),
            heavy_re_origin=row.get("heavy_re_origin"),
            source="Sample data (fictional company)",
            as_of=self.anchor,
        )

    def _part(self, row: dict[str, Any]) -> Part:
        return Part(
            part_number=row["pn"],
            description=row["desc"],
            family=row["family"],
            grade=row["grade"],
            shape=row["shape"],
            dimensions=row["dims"],
            stated_mass_g=row.get("mass"),
            coating=row["coating"],
            measured_dy_pct=row.get("measured_dy"),
            measured_tb_pct=row.get("measured_tb"),
            form=row.get("form", "bare"),
            supplier_id=self.suppliers[row["supplier"]].id,
            unit_price=row["price"],
            currency=row["currency"],
            lead_time_days=row["lead"],
            moq=row["moq"],
            order_multiple=row["mult"],
            notes=row.get("notes", ""),
        )

    def _child(self, name: str) -> dict[str, int | None]:
        if name in self.parts:
            return {"child_part_id": self.parts[name].id, "child_product_id": None}
        return {"child_part_id": None, "child_product_id": self.products[name].id}

    def _bom(self, rows: list[list[Any]]) -> None:
        for position, (parent, child, pieces, scrap) in enumerate(rows):
            self.session.add(
                BomLine(
                    parent_id=self.products[parent].id,
                    pieces_per_unit=pieces,
                    scrap_pct=scrap,
                    position=position,
                    **self._child(child),
                )
            )

    def _plan(self, plan: dict[str, list[float]]) -> None:
        for name, quantities in plan.items():
            for offset, quantity in enumerate(quantities):
                self.session.add(
                    BuildPlanEntry(
                        product_id=self.products[name].id,
                        period=add_months(self.anchor, offset),
                        quantity=quantity,
                    )
                )

    def _licence(self, row: dict[str, Any]) -> None:
        licence = Licence(
            reference=row["ref"],
            supplier_id=self.suppliers[row["supplier"]].id,
            kind=row["kind"],
            status=LicenceStatus(row["status"]).value,
            submitted_on=self.day(row.get("submitted")),
            decided_on=self.day(row.get("decided")),
            valid_from=self.day(row.get("valid_from")),
            valid_until=self.day(row.get("valid_until")),
            quantity_approved=row.get("approved"),
            notes=row.get("notes", ""),
        )
        self.session.add(licence)
        self.session.flush()
        self.licences[row["ref"]] = licence
        for pn, quantity in row["items"]:
            self.session.add(
                LicenceItem(licence_id=licence.id, part_id=self.parts[pn].id, quantity=quantity)
            )
        for status, offset in row["history"]:
            self.session.add(
                LicenceEvent(
                    licence_id=licence.id,
                    on=self.day(offset),
                    status=LicenceStatus(status).value,
                    author="sample",
                    note="",
                )
            )
        done = row["docs_done"]
        for index, spec in enumerate(document_checklist()):
            ticked = done == "all" or index < int(done)
            self.session.add(
                LicenceDocument(
                    licence_id=licence.id,
                    key=spec.key,
                    label=spec.label,
                    done=ticked,
                    done_on=self.day(row.get("submitted", -3) - 5) if ticked else None,
                )
            )

    def _order(self, row: dict[str, Any]) -> None:
        licence = self.licences[row["licence"]] if row["licence"] else None
        part = self.parts[row["part"]]
        self.session.add(
            Order(
                reference=row["ref"],
                part_id=part.id,
                supplier_id=self.suppliers[row["supplier"]].id,
                quantity=row["qty"],
                order_date=self.day(row["ordered"]),
                expected_arrival=self.day(row["eta"]),
                licence_id=licence.id if licence is not None else None,
                status=row["status"],
                unit_price=part.unit_price,
                currency=part.currency,
            )
        )
