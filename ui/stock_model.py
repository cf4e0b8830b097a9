"""Qt model of stock: one row per part with on hand, safety stock, orders and a cover hint.

Edits go through ``STOCK_FIELDS`` and one undo step each; editing a part that has no
stock row yet creates it. A pasted block is applied row by row: a line with a refused
cell is skipped whole (a part's stock figures belong together) and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QUndoCommand

from planner.bom import BomCycleError
from planner.exposure import part_demand
from planner.fields import STOCK_FIELDS, FieldError, FieldSpec, spec
from planner.operations import delete_with_dependents, set_stock
from planner.periods import add_months
from planner.schema import Order, Part, Stock, Supplier
from planner.tsv import PasteReport, Rejection

from ui.build_plan_model import plan_start
from ui.grid_delegates import format_pieces, match_headers, plain_number
from ui.resources import STATUS_COLORS
from ui.roles import (
    ALIGN,
    DISPLAY,
    EDIT,
    FOREGROUND,
    LEFT,
    RIGHT,
    TOOLTIP,
    EditTextRole,
    KeyRole,
    SortRole,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtCore import QObject
    from PySide6.QtGui import QUndoStack

    from planner.workspace import Change

    from ui.session import WorkspaceSession

    AnyIndex = QModelIndex | QPersistentModelIndex

OPEN_STATUSES = frozenset({"planned", "open", "shipped"})
COVER_MONTHS = 12  # the cover hint averages demand over this many months of the plan


@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    numeric: bool = False
    field: FieldSpec | None = None


COLUMNS = (
    _Column("part_number", "Part number"),
    _Column("description", "Description"),
    _Column("supplier", "Supplier"),
    _Column("on_hand", "On hand (pcs)", True, spec(STOCK_FIELDS, "on_hand")),
    _Column("safety_stock", "Safety stock (pcs)", True, spec(STOCK_FIELDS, "safety_stock")),
    _Column("counted_on", "Counted on", False, spec(STOCK_FIELDS, "counted_on")),
    _Column("on_order", "On order (pcs)", True),
    _Column("cover", "Cover (indication)", True),
)
COLUMN_OF = {column.key: position for position, column in enumerate(COLUMNS)}
SEARCH_COLUMNS = (0, 1, 2)  # part number, description, supplier
_HEADERS = {c.header.lower(): c.key for c in COLUMNS} | {
    c.header.lower().split(" (")[0]: c.key for c in COLUMNS
}
_ROLES = frozenset({DISPLAY, EDIT, EditTextRole, SortRole, ALIGN, FOREGROUND, TOOLTIP, KeyRole})
_ALL_ROLES = [DISPLAY, EDIT, EditTextRole, SortRole, FOREGROUND, TOOLTIP]


class SetStockCommand(QUndoCommand):
    """Set stock fields of one or more parts, creating missing stock rows, as one step.

    Uses ``planner.operations.set_stock``; undo restores the old values or removes the
    rows it created. (InsertRecordsCommand cannot redo a Stock insert: it re-adds an
    ``id`` that the part-keyed Stock table does not have.)
    """

    def __init__(
        self, session: WorkspaceSession, values: dict[int, dict[str, Any]], text: str
    ) -> None:
        super().__init__(text)
        self._session, self._values = session, values
        self._previous: dict[int, dict[str, Any] | None] = {}

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        ws = self._session.workspace
        for part_id, values in self._values.items():
            before, change = set_stock(ws, part_id, values, operation=self.text())
            self._previous[part_id] = before
            self._session.notify(change)

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        ws, operation = self._session.workspace, f"undo {self.text()}"
        for part_id, before in self._previous.items():
            if before is None:
                _, change = delete_with_dependents(ws, Stock, [part_id], operation=operation)
            else:
                change = ws.update(Stock, part_id, before, operation=operation)
            self._session.notify(change)


class StockModel(QAbstractTableModel):
    """Parts with their stock, open order quantity and a simple cover indication.

    Signals:
        edit_refused: A sentence saying why a typed value was refused.
    """

    edit_refused = Signal(str)

    def __init__(
        self,
        session: WorkspaceSession,
        *,
        undo_stack: QUndoStack,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._undo_stack = session, undo_stack
        self._parts: list[Part] = []
        self._stock: dict[int, Stock] = {}
        self._suppliers: dict[int, str] = {}
        self._on_order: dict[int, float] = {}
        self._monthly: dict[int, float] | None = None
        self._demand_error = ""
        self._warning = QColor(STATUS_COLORS["warning"])
        self._load()
        session.changed.connect(self._on_session_changed)

    def part_id(self, row: int) -> int:
        """Return the part id of `row`."""
        return self._parts[row].id

    def below_safety_count(self) -> int:
        """Number of parts whose on-hand stock is below their safety stock."""
        return sum(1 for s in self._stock.values() if s.on_hand < s.safety_stock)

    # -- Qt interface ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self._parts)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == ALIGN:
            return RIGHT if column.numeric else LEFT
        part = self._parts[index.row()]
        if role == KeyRole:
            return part.id
        if role == FOREGROUND:
            return self._warning if self._short(part.id, column.key) else None
        if role == TOOLTIP:
            return self._tooltip(part, column.key)
        value = self._value(part, column.key)
        if role == SortRole:
            return _sort_value(value)
        if role == DISPLAY:
            return self._display(part, column.key, value)
        return _edit_text(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == DISPLAY:
            return COLUMNS[section].header
        if role == ALIGN:
            return RIGHT if COLUMNS[section].numeric else LEFT
        if role == TOOLTIP and section == COLUMN_OF["cover"]:
            return self._cover_explained()
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if COLUMNS[index.column()].field is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        """Reimplemented from QAbstractItemModel.setData: one undo step per edit."""
        column = COLUMNS[index.column()] if index.isValid() else None
        if role != EDIT or column is None or column.field is None:
            return False
        part = self._parts[index.row()]
        text = value.isoformat() if isinstance(value, date) else str(value or "")
        try:
            stored = _read(column, text)
        except FieldError as exc:
            self.edit_refused.emit(f"{part.part_number}: {exc.reason}")
            return False
        current = self._stock.get(part.id)
        if current is None or getattr(current, column.key) != stored:
            values, label = {part.id: {column.key: stored}}, column.header.split(" (")[0]
            text = f"Set {label.lower()} of {part.part_number}"
            self._undo_stack.push(SetStockCommand(self._session, values, text))
        return True

    # -- paste ----------------------------------------------------------------------------

    def paste_block(self, row: int, column: int, block: list[list[str]]) -> PasteReport:
        """Paste a block with its top-left at (row, column), lines going down the rows."""
        return self.paste_into(list(range(row, len(self._parts))), column, block)

    def paste_into(
        self, rows: Sequence[int], column: int, block: list[list[str]]
    ) -> PasteReport:
        """Paste lines onto the given rows (in view order), one undo step.

        A first line of column titles maps the columns by name. When a line carries a
        part number, it goes to that part wherever it is; otherwise to the next row.
        Empty cells leave a value as it was; read-only columns are ignored.
        """
        report = PasteReport()
        header = match_headers(block[0], _HEADERS) if block else None
        lines = block[1:] if header else block
        keys = header or {
            j: COLUMNS[column + j].key for j in range(len(COLUMNS) - column) if column + j >= 0
        }
        by_number = {p.part_number.lower(): p for p in self._parts}
        values: dict[int, dict[str, Any]] = {}
        for number, line in enumerate(lines, start=1 + bool(header)):
            texts = {keys[j]: cell.strip() for j, cell in enumerate(line) if j in keys}
            try:
                part = self._target(texts, by_number, rows, number - 1 - bool(header))
                changes = {
                    c.key: _read(c, texts[c.key])
                    for c in COLUMNS
                    if c.field is not None and texts.get(c.key)
                }
            except FieldError as exc:
                where = next((c.header for c in COLUMNS if c.key == exc.field), exc.field)
                text = texts.get(exc.field, "")
                report.rejected.append(Rejection(number, where, text, exc.reason))
                continue
            if changes:
                values.setdefault(part.id, {}).update(changes)
        report.accepted = len(values)
        if values:
            text = f"Paste stock of {len(values)} part(s)"
            self._undo_stack.push(SetStockCommand(self._session, values, text))
        return report

    def _target(
        self, texts: dict[str, str], by_number: dict[str, Part], rows: Sequence[int], i: int
    ) -> Part:
        number = texts.get("part_number", "")
        if number:
            if number.lower() not in by_number:
                raise FieldError("part_number", f"no part numbered {number!r}")
            return by_number[number.lower()]
        if i >= len(rows):
            raise FieldError("part_number", "below the last part shown")
        return self._parts[rows[i]]

    # -- values ---------------------------------------------------------------------------

    def _value(self, part: Part, key: str) -> Any:
        if key in ("part_number", "description"):
            return getattr(part, key)
        if key == "supplier":
            return self._suppliers.get(part.supplier_id or -1, "")
        if key == "on_order":
            return self._on_order.get(part.id)
        if key == "cover":
            return self._cover(part.id)
        stock = self._stock.get(part.id)
        return getattr(stock, key) if stock is not None else None

    def _display(self, part: Part, key: str, value: Any) -> str:
        if key == "cover":
            if self._demand_error:
                return "BOM cycle"
            if part.id not in self._stock:
                return ""
            return _cover_text(value)
        if key in ("on_hand", "safety_stock", "on_order"):
            return format_pieces(value)
        return _edit_text(value)

    def _short(self, part_id: int, key: str) -> bool:
        stock = self._stock.get(part_id) if key in ("on_hand", "cover") else None
        return stock is not None and stock.on_hand < stock.safety_stock

    def _tooltip(self, part: Part, key: str) -> str | None:
        stock = self._stock.get(part.id)
        if key == "cover":
            return self._cover_explained()
        if key == "on_order":
            return "Planned, open and shipped orders of this part"
        if key in ("on_hand", "safety_stock", "counted_on") and stock is None:
            return "No stock recorded for this part yet; type a value to add it"
        if key == "on_hand" and stock is not None and stock.on_hand < stock.safety_stock:
            return f"Below safety stock ({format_pieces(stock.safety_stock)} pcs)"
        return None

    def _cover(self, part_id: int) -> float | None:
        if self._monthly is None:
            self._monthly = self._monthly_demand()
        stock = self._stock.get(part_id)
        monthly = self._monthly.get(part_id, 0.0)
        if stock is None or monthly <= 0:
            return None
        return stock.on_hand / monthly

    def _monthly_demand(self) -> dict[int, float]:
        workspace = self._session.workspace
        start = plan_start(workspace, self._session.today)
        end = add_months(start, COVER_MONTHS)
        try:
            demand = part_demand(workspace)
            self._demand_error = ""
        except BomCycleError as exc:
            self._demand_error = str(exc)
            return {}
        return {
            part: sum(q for day, q in periods.items() if start <= day < end) / COVER_MONTHS
            for part, periods in demand.items()
        }

    def _cover_explained(self) -> str:
        if self._demand_error:
            return f"No cover: {self._demand_error}"
        start = plan_start(self._session.workspace, self._session.today)
        return (
            "A simple indication, not the plan: on hand ÷ average monthly demand over the "
            f"{COVER_MONTHS} months of the build plan from {start:%b %Y}. It ignores orders, "
            "licences and safety stock; the Plan page has the real coverage."
        )

    # -- loading and change handling ------------------------------------------------------

    def _load(self) -> None:
        workspace = self._session.workspace
        self._parts = workspace.all(Part, Part.part_number)
        self._stock = {s.part_id: s for s in workspace.all(Stock)}
        self._suppliers = {s.id: s.name for s in workspace.all(Supplier)}
        self._on_order = self._open_quantities()
        self._monthly = None

    def _open_quantities(self) -> dict[int, float]:
        totals: dict[int, float] = {}
        for order in self._session.workspace.all(Order):
            if order.status in OPEN_STATUSES:
                totals[order.part_id] = totals.get(order.part_id, 0.0) + order.quantity
        return totals

    def _on_session_changed(self, change: Change) -> None:
        entity = change.entity
        structural = entity in ("parts", "suppliers") and change.kind != "update"
        if structural or (entity == "stock" and not change.ids):
            self.beginResetModel()
            self._load()
            self.endResetModel()
        elif entity == "suppliers":
            self._suppliers = {s.id: s.name for s in self._session.workspace.all(Supplier)}
            self._emit_columns(COLUMN_OF["supplier"], COLUMN_OF["supplier"])
        elif entity in ("parts", "stock"):
            self._refresh(entity, change.ids)
        elif entity == "orders":
            self._on_order = self._open_quantities()
            self._emit_columns(COLUMN_OF["on_order"], COLUMN_OF["on_order"])
        elif entity in ("build_plan", "bom_lines", "products", "meta"):
            self._monthly = None
            self._emit_columns(COLUMN_OF["cover"], COLUMN_OF["cover"])

    def _refresh(self, entity: str, part_ids: Sequence[Any]) -> None:
        """Re-read changed parts or stock rows in place (rows keep their order)."""
        rows, workspace = {p.id: r for r, p in enumerate(self._parts)}, self._session.workspace
        for part_id in part_ids:
            if entity == "parts" and (part := workspace.get(Part, part_id)) and part_id in rows:
                self._parts[rows[part_id]] = part
            elif entity == "stock" and (stock := workspace.get(Stock, part_id)) is not None:
                self._stock[part_id] = stock
            elif entity == "stock":
                self._stock.pop(part_id, None)
            if part_id in rows:
                last = len(COLUMNS) - 1
                self.dataChanged.emit(
                    self.index(rows[part_id], 0), self.index(rows[part_id], last), _ALL_ROLES
                )

    def _emit_columns(self, first: int, last: int) -> None:
        if self._parts:
            bottom = len(self._parts) - 1
            self.dataChanged.emit(self.index(0, first), self.index(bottom, last), _ALL_ROLES)


def _read(column: _Column, text: str) -> Any:
    assert column.field is not None
    stored = column.field.read(text)
    if stored is None and column.key != "counted_on":
        raise FieldError(column.key, f"{column.field.label} cannot be empty; type 0 for none")
    return stored


def _edit_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int):
        return plain_number(float(value))
    return str(value)


def _sort_value(value: Any) -> Any:
    if value is None:
        return -1.0
    if isinstance(value, date):
        return value.isoformat()
    return value


def _cover_text(months: float | None) -> str:
    if months is None:
        return "no demand"
    if months >= 24:
        return "> 24 months"
    return f"≈ {months:.1f} months"
