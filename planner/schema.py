"""The workspace schema: every table of DESIGN.md's glossary, as SQLAlchemy 2 ORM classes.

Rows double as plain records: the workspace loads them with ``expire_on_commit=False`` and
hands them out detached, so callers read attributes and change data only through
workspace operations.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class Meta(Base):
    """Workspace-wide settings: name, creation, period bucket."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Supplier(Base):
    """A company that sells magnets or magnet assemblies, with what is known about it."""

    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(32), default="magnet_maker")
    capabilities: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    capacity_t_per_year: Mapped[float | None] = mapped_column(Float)
    moq: Mapped[int | None] = mapped_column(Integer)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    transit_days: Mapped[int | None] = mapped_column(Integer)
    qualification_status: Mapped[str] = mapped_column(String(32), default="not_started")
    qualification_days: Mapped[int | None] = mapped_column(Integer)
    price_premium_pct: Mapped[float | None] = mapped_column(Float)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    chinese_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    heavy_re_origin: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Product(Base):
    """Something the user builds (kind "product") or a sub-assembly (kind "assembly")."""

    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="product")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (CheckConstraint("kind IN ('product', 'assembly')", name="kind"),)


class Part(Base):
    """A purchased magnet item, by part number."""

    __tablename__ = "parts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_number: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    family: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str | None] = mapped_column(String(40))
    shape: Mapped[str | None] = mapped_column(String(16))
    dimensions: Mapped[str | None] = mapped_column(String(120))
    stated_mass_g: Mapped[float | None] = mapped_column(Float)
    coating: Mapped[str | None] = mapped_column(String(40))
    measured_dy_pct: Mapped[float | None] = mapped_column(Float)
    measured_tb_pct: Mapped[float | None] = mapped_column(Float)
    form: Mapped[str] = mapped_column(String(16), default="bare")
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="SET NULL")
    )
    unit_price: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    moq: Mapped[int | None] = mapped_column(Integer)
    order_multiple: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint("form IN ('bare', 'assembly')", name="form"),
        CheckConstraint("stated_mass_g IS NULL OR stated_mass_g > 0", name="mass_positive"),
    )


class BomLine(Base):
    """Parent product -> child part or sub-assembly, pieces per parent unit, scrap %."""

    __tablename__ = "bom_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    child_part_id: Mapped[int | None] = mapped_column(
        ForeignKey("parts.id", ondelete="CASCADE")
    )
    child_product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE")
    )
    pieces_per_unit: Mapped[float] = mapped_column(Float)
    scrap_pct: Mapped[float] = mapped_column(Float, default=0.0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        CheckConstraint(
            "(child_part_id IS NULL) <> (child_product_id IS NULL)", name="one_child"
        ),
        CheckConstraint("pieces_per_unit > 0", name="pieces_positive"),
        CheckConstraint("scrap_pct >= 0 AND scrap_pct < 100", name="scrap_range"),
        CheckConstraint(
            "child_product_id IS NULL OR child_product_id <> parent_id", name="self"
        ),
        Index("ix_bom_lines_parent", "parent_id"),
    )


class BuildPlanEntry(Base):
    """Quantity of one product to build in one period (period = its first day)."""

    __tablename__ = "build_plan"
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    quantity: Mapped[float] = mapped_column(Float)
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_nonneg"),)


class Stock(Base):
    """On-hand pieces and safety stock of a part."""

    __tablename__ = "stock"
    part_id: Mapped[int] = mapped_column(
        ForeignKey("parts.id", ondelete="CASCADE"), primary_key=True
    )
    on_hand: Mapped[float] = mapped_column(Float, default=0.0)
    safety_stock: Mapped[float] = mapped_column(Float, default=0.0)
    counted_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_nonneg"),
        CheckConstraint("safety_stock >= 0", name="safety_nonneg"),
    )


class Licence(Base):
    """An export licence application by a (Chinese) supplier."""

    __tablename__ = "licences"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(120), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16), default="individual")
    status: Mapped[str] = mapped_column(String(32), default="draft")
    is_amendment: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    resubmitted_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    quantity_approved: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (CheckConstraint("kind IN ('individual', 'general')", name="kind"),)


class LicenceItem(Base):
    """A part and quantity covered by a licence application."""

    __tablename__ = "licence_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id", ondelete="CASCADE"))
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"))
    quantity: Mapped[float] = mapped_column(Float)
    __table_args__ = (UniqueConstraint("licence_id", "part_id", name="uq_licence_items_part"),)


class LicenceEvent(Base):
    """One dated status change of a licence, with who and why (the workflow history)."""

    __tablename__ = "licence_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class LicenceDocument(Base):
    """One entry of a licence's document checklist."""

    __tablename__ = "licence_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Order(Base):
    """An open or planned purchase of a part from a supplier."""

    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(120), default="")
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="RESTRICT"))
    quantity: Mapped[float] = mapped_column(Float)
    order_date: Mapped[date | None] = mapped_column(Date)
    expected_arrival: Mapped[date | None] = mapped_column(Date)
    licence_id: Mapped[int | None] = mapped_column(
        ForeignKey("licences.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    unit_price: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "status IN ('planned', 'open', 'shipped', 'received', 'cancelled')", name="status"
        ),
    )


class RuleOverrideRow(Base):
    """A local change to a rule of the shipped rule set, with a note."""

    __tablename__ = "rule_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Scenario(Base):
    """Named planning assumptions."""

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditEntry(Base):
    """Append-only record of a change: who, when, what, before and after."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    who: Mapped[str] = mapped_column(String(120))
    operation: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
