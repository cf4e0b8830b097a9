"""Read what the first window shows from a workspace file with sqlite3 alone, no SQLAlchemy.

Importing SQLAlchemy and the ORM schema takes ~0.25 s, more than twice the time a bare
PySide6 window needs to appear (`make bench`). Opening an up-to-date workspace file starts
here instead: the checks of `Workspace.open` (foreign, damaged and newer files are refused
before anything is shown), then plain queries for what the Products page paints. The ORM
workspace is opened afterwards with `QuickReader.open_workspace`; every edit goes through it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from planner.bom import BomEdge
from planner.storage import SCHEMA_REVISION, Location, check_sqlite_file

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from planner.rules import RuleSet
    from planner.workspace import Workspace


@dataclass(frozen=True, slots=True)
class PartRow:
    """Every stored column of a part (`schema.Part`), as a plain record.

    Attributes:
        id: Primary key.
        part_number: The buyer's part number.
        description: Free text.
        family: Magnet family value (`planner.families.Family`).
        grade: Grade text as entered.
        shape: Shape value, if given.
        dimensions: Dimension text as entered.
        stated_mass_g: Mass per piece stated by the buyer.
        coating: Coating text.
        measured_dy_pct: Dy content from a test report.
        measured_tb_pct: Tb content from a test report.
        form: "bare" or "assembly".
        supplier_id: Current supplier, if any.
        unit_price: Price per piece.
        currency: ISO currency code.
        lead_time_days: Supplier lead time.
        moq: Minimum order quantity.
        order_multiple: Order multiple.
        notes: Free text.
        version: Optimistic-concurrency counter.
    """

    id: int
    part_number: str
    description: str
    family: str
    grade: str | None
    shape: str | None
    dimensions: str | None
    stated_mass_g: float | None
    coating: str | None
    measured_dy_pct: float | None
    measured_tb_pct: float | None
    form: str
    supplier_id: int | None
    unit_price: float | None
    currency: str | None
    lead_time_days: int | None
    moq: int | None
    order_multiple: int | None
    notes: str
    version: int


@dataclass(frozen=True, slots=True)
class SupplierRow:
    """What the parts table and the licence question read about a supplier.

    Attributes:
        id: Primary key.
        name: Company name.
        country: ISO country code.
        chinese_owned: True for a Chinese owner.
        heavy_re_origin: Where its heavy rare earths come from, if known.
    """

    id: int
    name: str
    country: str
    chinese_owned: bool
    heavy_re_origin: str | None


PART_COLUMNS = tuple(f.name for f in fields(PartRow))
_SUPPLIER_SQL = "SELECT id, name, country, chinese_owned, heavy_re_origin FROM suppliers"


class QuickReader:
    """An up-to-date workspace file, read through a read-only sqlite3 connection.

    Reads may come from any thread (one at a time); `close` may be called from any thread
    too, and a read after it opens a new connection.

    Attributes:
        location: The workspace file.
    """

    def __init__(self, location: Location) -> None:
        if location.path is None:
            raise ValueError(f"{location}: a quick read needs a workspace file")
        self.location = location
        self._path: Path = location.path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def open(cls, target: str | Path) -> QuickReader | None:
        """Check a workspace file as `Workspace.open` does and return a reader for it.

        Returns None when the file needs what only the ORM does (a schema update, or a
        missing schema, refused by `Workspace.open`) or when `target` is a server URL.

        Raises:
            WorkspaceError: the file is missing, foreign, damaged or from a newer version;
                the file is left exactly as it was.
        """
        location = Location.of(target)
        if location.path is None:
            return None
        if check_sqlite_file(location.path) != SCHEMA_REVISION:
            return None
        return cls(location)

    def open_workspace(self, *, user: str | None = None) -> Workspace:
        """Return the ORM workspace of the same file (imports SQLAlchemy: ~0.25 s)."""
        from planner.workspace import Workspace

        # The file passed Workspace.open's checks in `open` and needs no migration.
        return Workspace(self.location, user=user)

    def close(self) -> None:
        """Close the connection (a later read opens another)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- reads -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The workspace's display name (as `Workspace.name`)."""
        found = self._rows("SELECT value FROM meta WHERE key = 'name'")
        return str(found[0][0]) if found and found[0][0] else "Workspace"

    def rule_set(self, base: RuleSet | None = None) -> RuleSet:
        """Return the shipped rule set with the workspace's active local overrides applied.

        The same as `planner.workspace_rules.workspace_rule_set`.
        """
        from planner.rules import RuleOverride, load_rule_set

        rule_set = base or load_rule_set()
        rows = self._rows("SELECT data, active FROM rule_overrides ORDER BY id")
        local = [RuleOverride.from_json(json.loads(data)) for data, active in rows if active]
        return rule_set.with_overrides(local) if local else rule_set

    def part_values(self, columns: Sequence[str]) -> list[tuple[Any, ...]]:
        """Return every part as a tuple of the given columns, in id order."""
        unknown = set(columns) - set(PART_COLUMNS)
        if unknown:
            raise ValueError(f"no part column(s) {sorted(unknown)}")
        return self._rows(f"SELECT {', '.join(columns)} FROM parts ORDER BY id")

    def part(self, part_id: int) -> PartRow | None:
        """Return one part, or None."""
        sql = f"SELECT {', '.join(PART_COLUMNS)} FROM parts WHERE id = ?"
        found = self._rows(sql, (part_id,))
        return PartRow(*found[0]) if found else None

    def suppliers(self) -> dict[int, SupplierRow]:
        """Return every supplier by id."""
        rows = self._rows(f"{_SUPPLIER_SQL} ORDER BY id")
        return {row[0]: _supplier(row) for row in rows}

    def supplier(self, supplier_id: int) -> SupplierRow | None:
        """Return one supplier, or None."""
        found = self._rows(f"{_SUPPLIER_SQL} WHERE id = ?", (supplier_id,))
        return _supplier(found[0]) if found else None

    def product_names(self) -> dict[int, str]:
        """Return every product's and sub-assembly's name by id."""
        return dict(self._rows("SELECT id, name FROM products ORDER BY id"))

    def bom_edges(self) -> list[BomEdge]:
        """Return the BOM lines as explosion edges (as `planner.exposure.bom_edges`)."""
        rows = self._rows(
            "SELECT parent_id, child_part_id, child_product_id, pieces_per_unit, scrap_pct "
            "FROM bom_lines ORDER BY id"
        )
        return [BomEdge(*row) for row in rows]

    def _rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._connection is None:
                uri = f"{self._path.as_uri()}?mode=ro"
                self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            return self._connection.execute(sql, parameters).fetchall()


def _supplier(row: Sequence[Any]) -> SupplierRow:
    key, name, country, chinese_owned, origin = row
    return SupplierRow(key, name, country, bool(chinese_owned), origin)
