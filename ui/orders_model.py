"""Qt model of purchase orders: edit, add, delete and paste rows, each one undo step.

Plain fields are read through ``ORDER_FIELDS``; part, supplier and licence are chosen by
part number, supplier name and licence reference. Cross-field rules: the expected arrival
is not before the order date, and a linked licence belongs to the order's supplier.
A pasted line with a refused cell is skipped whole and reported.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QUndoCommand

from planner.fields import ORDER_FIELDS, FieldError, spec
from planner.licences import LicenceStatus
from planner.operations import delete_with_dependents
from planner.schema import Licence, Order, Part, Supplier
from planner.tsv import PasteReport, Rejection

from ui.commands import DeleteRecordsCommand, SetFieldsCommand
from ui.grid_delegates import (
    ChoicesRole,
    format_pieces,
    format_price,
    match_headers,
    plain_number,
)
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

COLUMNS = (
    ("reference", "Order"),
    ("part_id", "Part"),
    ("supplier_id", "Supplier"),
    ("quantity", "Quantity (pcs)"),
    ("order_date", "Order date"),
    ("expected_arrival", "Expected arrival"),
    ("licence_id", "Licence"),
    ("status", "Status"),
    ("unit_price", "Unit price"),
    ("currency", "Currency"),
)
KEYS = [key for key, _ in COLUMNS]
COLUMN_OF = {key: column for column, key in enumerate(KEYS)}
SEARCH_COLUMNS = tuple(
    COLUMN_OF[k] for k in ("reference", "part_id", "supplier_id", "licence_id")
)
CLOSED_STATUSES = frozenset({"received", "cancelled"})
NO_LICENCE = "none"
_NUMERIC = frozenset({"quantity", "unit_price"})
_HEADERS = {label.lower(): key for key, label in COLUMNS} | {
    "reference": "reference", "po": "reference", "order ref": "reference",
    "part number": "part_id", "quantity": "quantity", "qty": "quantity",
    "eta": "expected_arrival", "arrival": "expected_arrival", "price": "unit_price",
    "licence": "licence_id", "license": "licence_id",
}  # fmt: skip
_LOOK_ROLES = frozenset({FOREGROUND, TOOLTIP, KeyRole, ChoicesRole})
_ROLES = _LOOK_ROLES | {DISPLAY, EDIT, EditTextRole, SortRole, ALIGN}
_ALL_ROLES = [DISPLAY, EDIT, EditTextRole, SortRole, FOREGROUND, TOOLTIP]
_LICENCE_COLORS = {"approved": "not-required", "rejected": "error", "expired": "error"}


class Lookups:
    """Parts, suppliers and licences by key and by the text a buyer types.

    Plain Python (no Qt), so it can move to planner next to ``part_edit``.

    Attributes:
        parts: Parts by id.
        suppliers: Suppliers by id.
        licences: Licences by id.
    """

    def __init__(
        self, parts: list[Part], suppliers: list[Supplier], licences: list[Licence]
    ) -> None:
        self.parts = {p.id: p for p in parts}
        self.suppliers = {s.id: s for s in suppliers}
        self.licences = {lic.id: lic for lic in licences}
        self._by_text = {
            "part_id": {p.part_number.lower(): p.id for p in parts},
            "supplier_id": {s.name.lower(): s.id for s in suppliers},
            "licence_id": {lic.reference.lower(): lic.id for lic in licences},
        }

    def licence_label(self, licence_id: int | None) -> str:
        """Return "LIC-… · under review", or "" for no licence."""
        licence = self.licences.get(licence_id or -1)
        if licence is None:
            return ""
        return f"{licence.reference} · {LicenceStatus(licence.status).label}"

    def read(self, key: str, text: str) -> Any:
        """Return the stored value of `key` for `text` (None for an empty optional cell).

        Raises:
            FieldError: unknown part, supplier or licence, or a value ORDER_FIELDS refuses.
        """
        raw = text.strip()
        if key == "reference":  # optional, but stored as text: no reference is ""
            return spec(ORDER_FIELDS, key).read(raw) or ""
        if key not in self._by_text:
            return spec(ORDER_FIELDS, key).read(raw)
        if not raw or (key == "licence_id" and raw.lower() == NO_LICENCE):
            return None
        found = self._by_text[key].get(raw.split(" · ")[0].lower())
        if found is None:
            what = {"part_id": "part numbered", "supplier_id": "supplier named"}
            raise FieldError(key, f"no {what.get(key, 'licence')} {raw!r}")
        return found

    def check(self, values: dict[str, Any]) -> None:
        """Check the rules between fields of a whole order.

        Raises:
            FieldError: arrival before order date, or a licence of another supplier.
        """
        ordered, arrival = values.get("order_date"), values.get("expected_arrival")
        if ordered is not None and arrival is not None and arrival < ordered:
            raise FieldError(
                "expected_arrival",
                f"expected arrival {arrival:%Y-%m-%d} is before the order date "
                f"{ordered:%Y-%m-%d}",
            )
        licence = self.licences.get(values.get("licence_id") or -1)
        supplier_id = values.get("supplier_id")
        if licence is not None and licence.supplier_id != supplier_id:
            owner = self.suppliers[licence.supplier_id].name
            supplier = self.suppliers[supplier_id].name if supplier_id else "no supplier"
            raise FieldError(
                "licence_id",
                f"{licence.reference} is a licence of {owner}, not of {supplier}; "
                "link a licence of the order's supplier",
            )

    def new_order(self, texts: dict[str, str]) -> dict[str, Any]:
        """Return the values of a new order from texts per field (paste).

        The supplier defaults to the part's current supplier; the status to "open".

        Raises:
            FieldError: the first refused field.
        """
        values = {k: self.read(k, texts[k]) for k in KEYS if texts.get(k, "").strip()}
        if "part_id" not in values:
            raise FieldError("part_id", "a part number is required")
        if "quantity" not in values:
            raise FieldError("quantity", "Quantity is required")
        if "supplier_id" not in values:
            part = self.parts[values["part_id"]]
            if part.supplier_id is None:
                raise FieldError("supplier_id", f"{part.part_number} has no supplier; name one")
            values["supplier_id"] = part.supplier_id
        values.setdefault("status", "open")
        self.check(values)
        return values


class AddOrdersCommand(QUndoCommand):
    """Insert orders (added or pasted) as one undo step; redo keeps their ids.

    ``InsertRecordsCommand`` keeps the values as JSON text (dates as ISO strings), which an
    Order cannot be rebuilt from, so orders use this command until it is fixed there.

    Attributes:
        ids: Ids of the inserted orders (after the first redo).
    """

    def __init__(
        self, session: WorkspaceSession, values: list[dict[str, Any]], text: str
    ) -> None:
        super().__init__(text)
        self._session, self._values = session, [dict(v) for v in values]
        self.ids: list[int] = []

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        orders = [Order(**values) for values in self._values]
        change = self._session.workspace.insert_many(orders, operation=self.text())
        self.ids = [int(key) for key in change.ids]
        for values, key in zip(self._values, self.ids, strict=True):
            values["id"] = key
        self._session.notify(change)

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        workspace, operation = self._session.workspace, f"undo {self.text()}"
        _, change = delete_with_dependents(workspace, Order, self.ids, operation=operation)
        self._session.notify(change)


class OrdersModel(QAbstractTableModel):
    """Every order of the workspace (the proxy hides received and cancelled ones).

    Attributes:
        lookups: Parts, suppliers and licences for names and validation.

    Signals:
        edit_refused: A sentence saying why an edit or an addition was refused.
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
        self._orders: list[Order] = []
        self._colors = {k: QColor(v) for k, v in STATUS_COLORS.items()}
        self._muted = QColor("#868e96")
        self.lookups = Lookups([], [], [])
        self._load()
        session.changed.connect(self._on_session_changed)

    def order_id(self, row: int) -> int:
        """Return the id of the order in `row`."""
        return self._orders[row].id

    def row_of(self, order_id: int) -> int:
        """Return the row of an order, or -1."""
        return next((r for r, o in enumerate(self._orders) if o.id == order_id), -1)

    # -- Qt interface ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self._orders)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid():
            return None
        key = KEYS[index.column()]
        if role == ALIGN:
            return RIGHT if key in _NUMERIC else LEFT
        order = self._orders[index.row()]
        if role in _LOOK_ROLES:
            return self._look(role, order, key)
        value = getattr(order, key)
        if role == SortRole and key in _NUMERIC:
            return -1.0 if value is None else value
        return self._text(key, value, grouped=role == DISPLAY)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == DISPLAY:
            return COLUMNS[section][1]
        if role == ALIGN:
            return RIGHT if KEYS[section] in _NUMERIC else LEFT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flag = Qt.ItemFlag
        return flag.ItemIsEnabled | flag.ItemIsSelectable | flag.ItemIsEditable

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        """Reimplemented from QAbstractItemModel.setData: one undo step per edit."""
        if role != EDIT or not index.isValid():
            return False
        order, key = self._orders[index.row()], KEYS[index.column()]
        text = value.isoformat() if isinstance(value, date) else str(value or "")
        try:
            stored = self.lookups.read(key, text)
            if stored is None and key in ("part_id", "supplier_id"):
                raise FieldError(key, "required")
            self.lookups.check({k: getattr(order, k) for k in KEYS} | {key: stored})
        except FieldError as exc:
            self.edit_refused.emit(f"{order.reference or 'Order'}: {exc.reason}")
            return False
        if getattr(order, key) != stored:
            label = COLUMNS[index.column()][1].split(" (")[0].lower()
            text = f"Set {label} of {order.reference or 'order'}"
            self._undo_stack.push(
                SetFieldsCommand(self._session, Order, order.id, {key: stored}, text)
            )
        return True

    # -- rows -----------------------------------------------------------------------------

    def add_order(self, part_id: int) -> int:
        """Add a planned order of a part from its current supplier; return its row or -1.

        Quantity is the part's MOQ (or 1), ordered today, arriving after the part's lead
        time plus the supplier's transit time when those are known.
        """
        part = self.lookups.parts.get(part_id)
        supplier = self.lookups.suppliers.get(part.supplier_id or -1) if part else None
        if part is None or supplier is None:
            number = part.part_number if part else "This part"
            self.edit_refused.emit(f"{number} has no supplier: set one before adding an order")
            return -1
        today = self._session.today
        days = part.lead_time_days or supplier.lead_time_days
        arrival = today + timedelta(days=days + (supplier.transit_days or 0)) if days else None
        values = {
            "reference": "", "part_id": part.id, "supplier_id": supplier.id,
            "quantity": float(part.moq or part.order_multiple or 1), "order_date": today,
            "expected_arrival": arrival, "status": "planned", "unit_price": part.unit_price,
            "currency": part.currency,
        }  # fmt: skip
        command = AddOrdersCommand(self._session, [values], f"Add order of {part.part_number}")
        self._undo_stack.push(command)
        return self.row_of(command.ids[0])

    def delete_rows(self, rows: list[int]) -> None:
        """Delete the orders in `rows` as one undo step."""
        keys = [self._orders[r].id for r in sorted(set(rows)) if 0 <= r < len(self._orders)]
        if keys:
            text = f"Delete {len(keys)} order(s)"
            self._undo_stack.push(DeleteRecordsCommand(self._session, Order, keys, text))

    def paste_block(self, row: int, column: int, block: list[list[str]]) -> PasteReport:
        """Add the pasted lines as new orders (one undo step); report refused lines.

        Columns are matched by a header line when the block starts with one, else by
        position from `column`. Part numbers and supplier names are resolved; a line with
        any refused cell is left out whole.
        """
        report = PasteReport()
        header = match_headers(block[0], _HEADERS) if block else None
        lines = block[1:] if header else block
        keys = header or {j: KEYS[column + j] for j in range(len(KEYS) - max(column, 0))}
        records: list[dict[str, Any]] = []
        for number, line in enumerate(lines, start=1 + bool(header)):
            texts = {keys[j]: cell for j, cell in enumerate(line) if j in keys}
            if not any(t.strip() for t in texts.values()):
                continue
            try:
                records.append(self.lookups.new_order(texts))
            except FieldError as exc:
                label = dict(COLUMNS).get(exc.field, exc.field)
                report.rejected.append(
                    Rejection(number, label, texts.get(exc.field, ""), exc.reason)
                )
        report.accepted = len(records)
        if records:
            text = f"Paste {len(records)} order(s)"
            self._undo_stack.push(AddOrdersCommand(self._session, records, text))
        return report

    # -- cell text ------------------------------------------------------------------------

    def _text(self, key: str, value: Any, *, grouped: bool = False) -> str:
        if value is None:
            return ""
        if key == "part_id":
            part = self.lookups.parts.get(value)
            return part.part_number if part else f"#{value}"
        if key == "supplier_id":
            supplier = self.lookups.suppliers.get(value)
            return supplier.name if supplier else f"#{value}"
        if key == "licence_id":
            return self.lookups.licence_label(value)
        if key == "quantity":
            return format_pieces(value) if grouped else plain_number(value)
        if key == "unit_price":
            return format_price(value) if grouped else plain_number(value)
        return value.isoformat() if isinstance(value, date) else str(value)

    def _look(self, role: int, order: Order, key: str) -> Any:
        if role == KeyRole:
            return order.id
        if role == ChoicesRole:
            return self._choices(order, key)
        if role == FOREGROUND:
            return self._foreground(order, key)
        return self._tooltip(order, key)

    def _choices(self, order: Order, key: str) -> list[str] | None:
        lookups = self.lookups
        if key == "part_id":
            return sorted(p.part_number for p in lookups.parts.values())
        if key == "supplier_id":
            return sorted(s.name for s in lookups.suppliers.values())
        if key == "licence_id":
            own = [
                i for i, lic in lookups.licences.items() if lic.supplier_id == order.supplier_id
            ]
            return [NO_LICENCE, *sorted(map(lookups.licence_label, own))]
        if key == "status":
            return list(spec(ORDER_FIELDS, "status").choices)
        return None

    def _foreground(self, order: Order, key: str) -> QColor | None:
        if order.status in CLOSED_STATUSES:
            return self._muted
        if key == "licence_id" and order.licence_id is not None:
            status = LicenceStatus(self.lookups.licences[order.licence_id].status)
            name = _LICENCE_COLORS.get(status.value, "warning" if status.is_pending else "info")
            return self._colors[name]
        return None

    def _tooltip(self, order: Order, key: str) -> str | None:
        if key == "supplier_id":
            supplier = self.lookups.suppliers.get(order.supplier_id)
            return f"{supplier.name} ({supplier.country})" if supplier else None
        if key == "licence_id":
            return "Export licence this order ships under (licences of the order's supplier)"
        return None

    # -- loading and change handling ------------------------------------------------------

    def _load(self) -> None:
        workspace = self._session.workspace
        self.lookups = Lookups(
            workspace.all(Part), workspace.all(Supplier), workspace.all(Licence)
        )
        self._orders = workspace.all(Order, Order.id)

    def _on_session_changed(self, change: Change) -> None:
        entity, kind = change.entity, change.kind
        if entity == "orders" and kind == "insert":
            self._insert(change.ids)
        elif entity == "orders" and kind == "delete":
            self._remove(change.ids)
        elif entity == "orders" and kind == "update":
            self._update(change.ids)
        elif entity == "orders" or (
            entity in ("parts", "suppliers", "licences") and kind != "update"
        ):
            self.beginResetModel()
            self._load()
            self.endResetModel()
        elif entity in ("parts", "suppliers", "licences") and self._orders:
            self._load()
            bottom, right = len(self._orders) - 1, len(COLUMNS) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(bottom, right), _ALL_ROLES)

    def _insert(self, ids: Sequence[Any]) -> None:
        known = {o.id for o in self._orders}
        added = [
            o for i in ids if i not in known and (o := self._session.workspace.get(Order, i))
        ]
        if added:
            first = len(self._orders)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._orders.extend(added)
            self.endInsertRows()

    def _remove(self, ids: Sequence[Any]) -> None:
        for row in sorted((self.row_of(i) for i in ids), reverse=True):
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._orders[row]
                self.endRemoveRows()

    def _update(self, ids: Sequence[Any]) -> None:
        for order_id in ids:
            row, order = self.row_of(order_id), self._session.workspace.get(Order, order_id)
            if row >= 0 and order is not None:
                self._orders[row] = order
                left, right = self.index(row, 0), self.index(row, len(COLUMNS) - 1)
                self.dataChanged.emit(left, right, _ALL_ROLES)
