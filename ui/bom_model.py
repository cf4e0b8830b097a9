"""The multi-level BOM as a tree model: product → sub-assembly → magnet part."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont

from planner.bom_edit import BomSnapshot
from planner.fields import BOM_FIELDS, FieldError, spec
from planner.parts import PartInsight, insight
from planner.schema import BomLine, Part, Product, Supplier
from planner.tsv import PasteReport, Rejection

from ui.bom_columns import (
    FIELDS,
    HANDLED,
    HEADER_TIPS,
    HEADERS,
    IDS,
    NEED_TEXT,
    NUMERIC,
    STRUCTURE,
    Column,
    plain,
    shown,
)
from ui.commands import DeleteRecordsCommand, InsertRecordsCommand, SetFieldsCommand
from ui.resources import icon
from ui.roles import ALIGN, DECORATION, DISPLAY, EDIT, FONT, LEFT, RIGHT, TOOLTIP, EditTextRole

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from PySide6.QtCore import QPersistentModelIndex
    from PySide6.QtGui import QUndoStack

    from planner.workspace import Change

    from ui.session import WorkspaceSession

    AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Node:
    key: tuple[Any, ...]
    parent: _Node | None
    line: BomLine | None = None
    product: Product | None = None
    part: Part | None = None
    gross: float = 1.0
    cycle: bool = False
    row: int = 0
    children: list[_Node] = field(default_factory=list)

    def name(self) -> str:
        if self.part is not None:
            return self.part.part_number
        return self.product.name if self.product is not None else "?"


class BomTreeModel(QAbstractItemModel):
    """Products with their sub-assemblies and magnet parts; pieces, scrap and note editable.

    Shows one product (`set_root`) or every top-level product. Edits, additions and
    deletions are validated, then pushed as undo commands; the model follows the session's
    Changes with row insertions, removals and `dataChanged` (a reset only in `set_root`).

    Signals:
        edit_refused: Why an edit, addition or deletion was refused, in words.
    """

    edit_refused = Signal(str)

    def __init__(
        self,
        session: WorkspaceSession | None = None,
        *,
        undo_stack: QUndoStack,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._undo_stack = undo_stack
        self._session: WorkspaceSession | None = None
        self._root_id: int | None = None
        self._root = _Node(("root",), None)
        self._book = BomSnapshot()
        self._insights: dict[int, PartInsight] = {}
        self._suppliers: dict[int, Supplier] | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self.set_session(session)

    # -- public API ---------------------------------------------------------------------

    @property
    def root_id(self) -> int | None:
        """The product shown, or None for every top-level product."""
        return self._root_id

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Show the BOMs of `session` (None: nothing)."""
        if self._session is not None:
            self._session.changed.disconnect(self._on_session_changed)
        self._session = session
        if session is not None:
            session.changed.connect(self._on_session_changed)
        self.set_root(None)

    def set_root(self, product_id: int | None) -> None:
        """Show the BOM of one product, or of every top-level product with None."""
        self.beginResetModel()
        self._root_id = product_id
        self._insights.clear()
        self._suppliers = None
        self._root = self._build()
        self.endResetModel()

    def product_name(self, product_id: int) -> str:
        """Return a product's name ("#id" when unknown)."""
        return self._book.product_name(product_id)

    def find_item(self, text: str) -> tuple[int | None, int | None]:
        """Return (part id, product id) named by a part number or product name, any case."""
        return self._book.find_item(text)

    def add_line(
        self,
        parent_product_id: int,
        *,
        part_id: int | None = None,
        product_id: int | None = None,
        pieces: float = 1.0,
        scrap: float = 0.0,
    ) -> int | None:
        """Add a part or sub-assembly line under a product; return its id, None if refused.

        A sub-assembly that would make the product contain itself is refused, naming the
        cycle, before anything reaches the undo stack.
        """
        child = (part_id, product_id, "", plain(pieces), plain(scrap), "")
        records, reasons = self._book.new_lines(parent_product_id, [child])
        if reasons[0]:
            self.edit_refused.emit(reasons[0])
            return None
        command = InsertRecordsCommand(
            self._live(), records, f"Add {self._describe(records[0])}"
        )
        self._undo_stack.push(command)
        return int(command.keys[0])

    def delete_lines(self, line_ids: Iterable[int]) -> None:
        """Delete BOM lines as one undo step."""
        keys = sorted(set(line_ids))
        if keys:
            one = len(keys) == 1 and keys[0] in self._book.lines
            text = f"Remove {self._describe(self._book.lines[keys[0]])}" if one else ""
            text = text or f"Remove {len(keys)} BOM lines"
            self._undo_stack.push(DeleteRecordsCommand(self._live(), BomLine, keys, text))

    def delete_rows(self, rows: list[int], parent: QModelIndex | None = None) -> None:
        """Delete the lines at `rows` under `parent`; product rows are refused."""
        nodes = [self._node(self.index(r, 0, parent)) for r in rows]
        if any(n.line is None for n in nodes):
            self.edit_refused.emit("Products are deleted in the product list, not in the BOM")
        self.delete_lines(n.line.id for n in nodes if n.line is not None)

    def paste_block(self, row: int, column: int, block: list[list[str]]) -> PasteReport:
        """Add pasted lines under the shown product; `row` and `column` do not matter."""
        del row, column  # lines are appended under the product, wherever the cursor is
        if self._root_id is None:
            return PasteReport(0, [Rejection(1, "Item", "", "choose a product first")])
        return self.paste_lines(self._root_id, block)

    def paste_lines(self, parent_product_id: int, block: list[list[str]]) -> PasteReport:
        """Add lines from Excel rows: part number or sub-assembly, pieces, scrap %, note.

        Refused rows are reported and left out; the accepted ones are one undo step.
        """
        records, report = self._book.pasted_lines(parent_product_id, block)
        if records:
            text = f"Paste {len(records)} line(s) into {self.product_name(parent_product_id)}"
            self._undo_stack.push(InsertRecordsCommand(self._live(), records, text))
        return report

    # -- Qt interface -------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex | None = None) -> QModelIndex:
        """Reimplemented from QAbstractItemModel.index."""
        node = self._node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(Column):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: AnyIndex) -> QModelIndex: ...
    def parent(self, child: AnyIndex | None = None) -> QObject | QModelIndex | None:
        """Reimplemented from QAbstractItemModel.parent."""
        if child is None:
            return super().parent()
        node = self._node(child).parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent: AnyIndex | None = None) -> int:
        """Reimplemented from QAbstractItemModel.rowCount."""
        if parent is not None and parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex | None = None) -> int:
        """Reimplemented from QAbstractItemModel.columnCount."""
        return len(Column)

    def hasChildren(self, parent: AnyIndex | None = None) -> bool:
        """Reimplemented from QAbstractItemModel.hasChildren."""
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == DISPLAY:
            return HEADERS[section]
        return HEADER_TIPS[section] if role == TOOLTIP else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._node(index).line is not None and index.column() in FIELDS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        role = int(role)
        if role in IDS:
            return self._ids(self._node(index))[IDS.index(role)] if index.isValid() else None
        if role not in HANDLED or not index.isValid():
            return None
        node, column = self._node(index), index.column()
        if role in (DISPLAY, EDIT, EditTextRole):
            return self._text(node, column, edit=role != DISPLAY)
        if role == ALIGN:
            return RIGHT if column in NUMERIC else LEFT
        if role == FONT:
            return self._bold if node.parent is self._root else None
        return self._icon(node, column) if role == DECORATION else self._tooltip(node, column)

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        """Reimplemented from QAbstractItemModel.setData: validate, then push a command."""
        node = self._node(index)
        if int(role) != EDIT or node.line is None or index.column() not in FIELDS:
            return False
        field_spec = spec(BOM_FIELDS, FIELDS[Column(index.column())])
        try:
            parsed = field_spec.read("" if value is None else str(value))
        except FieldError as exc:
            self.edit_refused.emit(f"{field_spec.label} of {node.name()}: {exc.reason}")
            return False
        if parsed is None:
            parsed = 0.0 if field_spec.name == "scrap_pct" else ""
        if parsed != getattr(node.line, field_spec.name):
            text = f"Set {field_spec.label.lower()} of {self._describe(node.line)}"
            values = {field_spec.name: parsed}
            command = SetFieldsCommand(self._live(), BomLine, node.line.id, values, text)
            self._undo_stack.push(command)
        return True

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        stale: set[int] = set()  # parts whose licence cells are out of date
        if change.entity == "parts":
            stale = set(change.ids) if change.ids else set(self._book.parts)
        elif change.entity in {"suppliers", "rule_overrides"}:
            stale, self._suppliers = set(self._book.parts), None
        for key in stale:
            self._insights.pop(key, None)
        if change.entity in STRUCTURE:
            self._sync(self._root, self._build(), QModelIndex())
        for node in self._walk(self._root) if stale else ():
            if node.part is not None and node.part.id in stale:
                cell = self.createIndex(node.row, Column.LICENCE, node)
                self.dataChanged.emit(cell, cell, [DISPLAY, DECORATION, TOOLTIP])

    # -- cells --------------------------------------------------------------------------

    def _text(self, node: _Node, column: int, *, edit: bool = False) -> str | None:
        """Return a cell's text: for display, or as typed (`edit`) for editors and copy."""
        line = node.line
        if column == Column.ITEM:
            if edit:
                return node.name()
            if node.part is not None and node.part.description:
                return f"{node.part.part_number} — {node.part.description}"
            return node.name() + (" (contains itself)" if node.cycle else "")
        if column == Column.LICENCE:
            info = self._insight(node.part)
            return NEED_TEXT.get(info.licence.need.value) if info is not None else None
        if line is None:
            return None
        if column == Column.NOTE:
            return line.note
        values = {Column.PIECES: line.pieces_per_unit, Column.SCRAP: line.scrap_pct}
        number = values.get(Column(column), node.gross)
        return plain(number) if edit else shown(number)

    def _icon(self, node: _Node, column: int) -> Any:
        if column == Column.ITEM:
            if node.part is not None:
                return icon("magnet")
            top = (
                node.line is None
                and node.product is not None
                and node.product.kind == "product"
            )
            return icon("products" if top else "assembly")
        if column == Column.LICENCE and (info := self._insight(node.part)) is not None:
            return icon(info.licence.need.value.replace("_", "-"))
        return None

    def _tooltip(self, node: _Node, column: int) -> str | None:
        if column == Column.LICENCE and (info := self._insight(node.part)) is not None:
            return info.licence.summary
        if column == Column.GROSS and node.line is not None:
            top = node
            while top.parent is not None and top.parent is not self._root:
                top = top.parent
            return f"{shown(node.gross)} per {top.name()}, scrap included"
        if column == Column.ITEM and node.cycle:
            return "This sub-assembly contains itself: remove one line of the loop"
        if column == Column.ITEM and node.product is not None:
            return node.product.description or None
        return None

    @staticmethod
    def _ids(node: _Node) -> tuple[int | None, int | None, int | None]:
        part = node.part.id if node.part is not None else None
        product = node.product.id if node.product is not None else None
        return part, product, node.line.id if node.line is not None else None

    def _insight(self, part: Part | None) -> PartInsight | None:
        if part is None or self._session is None:
            return None
        if part.id not in self._insights:  # computed on first sight, kept until a Change
            if self._suppliers is None:
                self._suppliers = {s.id: s for s in self._session.workspace.all(Supplier)}
            supplier = self._suppliers.get(part.supplier_id or -1)
            session = self._session
            self._insights[part.id] = insight(part, supplier, session.today, session.rule_set)
        return self._insights[part.id]

    # -- tree building and syncing ------------------------------------------------------

    def _node(self, index: AnyIndex | None) -> _Node:
        if index is None or not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, _Node)
        return node

    def _walk(self, node: _Node) -> Iterator[_Node]:
        for child in node.children:
            yield child
            yield from self._walk(child)

    def _build(self) -> _Node:
        root = _Node(("root",), None)
        ws = self._session.workspace if self._session is not None else None
        self._book = BomSnapshot.of(ws) if ws is not None else BomSnapshot()
        lines = list(self._book.lines.values())
        by_parent: dict[int, list[BomLine]] = defaultdict(list)
        for line in lines:
            by_parent[line.parent_id].append(line)
        used = {line.child_product_id for line in lines}
        tops = [
            p
            for p in self._book.products.values()
            if p.id == self._root_id
            or (self._root_id is None and (p.kind == "product" or p.id not in used))
        ]
        for product in tops:
            node = _Node(("product", product.id), root, product=product, row=len(root.children))
            self._grow(node, by_parent, frozenset({product.id}))
            root.children.append(node)
        return root

    def _grow(self, node: _Node, lines: dict[int, list[BomLine]], path: frozenset[int]) -> None:
        assert node.product is not None
        for line in lines.get(node.product.id, []):
            child = _Node(
                ("line", line.id, line.child_part_id, line.child_product_id),
                node,
                line=line,
                product=self._book.products.get(line.child_product_id or -1),
                part=self._book.parts.get(line.child_part_id or -1),
                gross=node.gross * line.pieces_per_unit * (1 + line.scrap_pct / 100),
                row=len(node.children),
            )
            node.children.append(child)
            child.cycle = line.child_product_id in path
            if child.product is not None and not child.cycle:
                self._grow(child, lines, path | {child.product.id})

    def _sync(self, old: _Node, new: _Node, where: QModelIndex) -> None:
        """Turn `old`'s children into `new`'s with single-row removals and insertions."""
        wanted = {c.key for c in new.children}
        for row in reversed(range(len(old.children))):
            if old.children[row].key not in wanted:
                self._change_rows(old, where, row, None)
        mine = {c.key: c for c in old.children}
        if list(mine) != [c.key for c in new.children if c.key in mine]:  # reordered
            for row in reversed(range(len(old.children))):
                self._change_rows(old, where, row, None)
            mine = {}
        for row, theirs in enumerate(new.children):
            if theirs.key not in mine:
                self._change_rows(old, where, row, theirs)
                continue
            node = mine[theirs.key]
            before = [self._text(node, c) for c in Column if c != Column.LICENCE]
            node.line, node.product, node.part = theirs.line, theirs.product, theirs.part
            node.gross, node.cycle = theirs.gross, theirs.cycle
            after = [self._text(node, c) for c in Column if c != Column.LICENCE]
            if before != after:
                left = self.createIndex(row, 0, node)
                self.dataChanged.emit(left, left.siblingAtColumn(Column.NOTE), [DISPLAY, EDIT])
            self._sync(node, theirs, self.createIndex(row, 0, node))

    def _change_rows(
        self, node: _Node, where: QModelIndex, row: int, new: _Node | None
    ) -> None:
        if new is None:
            self.beginRemoveRows(where, row, row)
            del node.children[row]
        else:
            self.beginInsertRows(where, row, row)
            new.parent = node
            node.children.insert(row, new)
        for number, child in enumerate(node.children):
            child.row = number
        if new is None:
            self.endRemoveRows()
        else:
            self.endInsertRows()

    # -- edits --------------------------------------------------------------------------

    def _live(self) -> WorkspaceSession:
        assert self._session is not None, "no workspace is open"
        return self._session

    def _describe(self, line: BomLine) -> str:
        part = self._book.parts.get(line.child_part_id or -1)
        name = part.part_number if part else self.product_name(line.child_product_id or 0)
        return f"{name} in {self.product_name(line.parent_id)}"
