"""The parts table: a Qt model over the workspace's magnet parts (proxy re-exported here).

The table paints before SQLAlchemy is loaded (`planner.quickread`, `WorkspaceSession.reader`):
the ORM schema, planner operations and undo commands are imported by the edits needing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from planner.families import Family
from planner.fields import FieldError

from ui.parts_cells import FIELDS, PartCells
from ui.parts_columns import COLUMNS, LICENCE, SUPPLIER, default_column_widths
from ui.parts_proxy import PartsFilterProxy
from ui.roles import (
    ALIGN,
    DECORATION,
    DISPLAY,
    EDIT,
    FONT,
    FOREGROUND,
    TOOLTIP,
    EditTextRole,
    KeyRole,
    SortRole,
    StatusRole,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from PySide6.QtCore import QObject
    from PySide6.QtGui import QUndoCommand, QUndoStack

    from planner.parts import SupplierRecord
    from planner.rules import LicenceNeed
    from planner.tsv import PasteReport
    from planner.workspace import Change

    from ui.session import WorkspaceSession

__all__ = ["FIELDS", "PartsFilterProxy", "PartsTableModel", "default_column_widths"]
_ROOT = QModelIndex()
_CHANGED_ROLES = [DISPLAY, EDIT, TOOLTIP, DECORATION, FONT, FOREGROUND]
_CHANGED_ROLES += [EditTextRole, SortRole, StatusRole]
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_COLUMN_FLAGS = [
    _FLAGS | Qt.ItemFlag.ItemIsEditable if c.field is not None else _FLAGS for c in COLUMNS
]
_ALIGNMENTS = [c.alignment for c in COLUMNS]
_FIELD_NAMES = [(c.header, c.field) for c in COLUMNS]


class PartsTableModel(QAbstractTableModel):
    """The workspace's magnet parts, one row per part.

    Values are held as one list per field plus per-cell text caches (`PartCells`), with a
    row index by part id. Rows load in id order; `sort` reorders them (the proxy forwards
    its sorting here), new parts are appended and parts brought back by Undo return to
    their rows. Edits go through planner validation and an undo command; the model
    follows `session.changed` and refreshes only the rows a change concerns.

    Attributes:
        session: The open workspace.
        undo_stack: Where edits are pushed.

    Signals:
        edit_refused: The reason an edit was refused, e.g. "Grade: no ... above N56 ...".
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
        self.session = session
        self.undo_stack = undo_stack
        self._cells = PartCells(session)
        self._removed_at: dict[int, int] = {}  # row of each deleted part, for Undo
        # Every role but DisplayRole, by its int value (Qt asks ~7 roles per visible cell).
        self._roles: dict[int, Callable[[int, int], Any]] = {
            ALIGN: lambda _row, column: _ALIGNMENTS[column],
            DECORATION: self._cells.decoration,
            FONT: self._cells.font,
            FOREGROUND: self._cells.foreground,
            TOOLTIP: self._cells.tooltip,
            EDIT: self._cells.edit_text,
            EditTextRole: self._cells.edit_text,
            SortRole: self._cells.sort_value,
            StatusRole: self._cells.status,
            KeyRole: lambda row, _column: self._cells.ids[row],
        }
        self._load()
        session.changed.connect(self._on_session_changed)

    # -- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self._cells.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data (the role compared as an int first)."""
        if role == DISPLAY:
            row, column = index.row(), index.column()
            if row < 0:
                return None
            text = self._cells.texts[column][row]
            return text if text is not None else self._cells.display(row, column)
        handler = self._roles.get(role)
        if handler is None or not index.isValid():
            return None
        return handler(index.row(), index.column())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == DISPLAY else None
        if not 0 <= section < len(COLUMNS):
            return None
        if role == DISPLAY:
            return COLUMNS[section].header
        if role == ALIGN:
            return _ALIGNMENTS[section]
        if role == TOOLTIP:
            return COLUMNS[section].tip or None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags (mass and licence are read-only)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _COLUMN_FLAGS[index.column()]

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = EDIT
    ) -> bool:
        """Reimplemented from QAbstractItemModel.setData: validate, then push an undo step."""
        if role != EDIT or not index.isValid():
            return False
        name = COLUMNS[index.column()].field
        if name is None:
            return False
        row = index.row()
        try:
            changes = self.changes_for(row, name, "" if value is None else str(value))
        except FieldError as exc:
            self.edit_refused.emit(f"{COLUMNS[index.column()].header}: {exc.reason}")
            return False
        current = self.field_values(row)
        changed = {k: v for k, v in changes.items() if v != current.get(k)}
        if changed:
            from planner.schema import Part

            from ui.commands import SetFieldsCommand

            text = f"Edit {COLUMNS[index.column()].header} of {current['part_number']}"
            self.undo_stack.push(
                SetFieldsCommand(self.session, Part, current["id"], changed, text)
            )
        return True

    # -- what the page and the view call -------------------------------------------------

    def part_id(self, row: int) -> int:
        """Return the part id of a source row."""
        return self._cells.ids[row]

    def row_of(self, part_id: int) -> int | None:
        """Return the source row of a part, or None when it is not in the table."""
        return self._cells.row_of(part_id)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reimplemented from QAbstractItemModel.sort: order rows by their SortRole values.

        Numbers sort as numbers and blank cells come last in either order. One Python sort
        here takes a fraction of a second for 100,000 parts, where the proxy's lessThan
        callbacks took 7-12 s.
        """
        if not 0 <= column < len(COLUMNS) or self.rowCount() < 2:
            return
        self.layoutAboutToBeChanged.emit()
        descending = order == Qt.SortOrder.DescendingOrder
        rows = self._cells.sorted_rows(column, descending=descending)
        moved_to = [0] * len(rows)
        for new, old in enumerate(rows):
            moved_to[old] = new
        persistent = self.persistentIndexList()
        self._cells.reorder(rows)
        self.changePersistentIndexList(
            persistent, [self.index(moved_to[i.row()], i.column()) for i in persistent]
        )
        self.layoutChanged.emit()

    def field_values(self, row: int) -> dict[str, Any]:
        """Return the stored values of a row's part by field name (with "id")."""
        return {name: self._cells.values[i][row] for i, name in enumerate(FIELDS)}

    def number_owners(self) -> dict[str, int]:
        """Return part id by lower-case part number."""
        return {
            number.lower(): part_id
            for number, part_id in zip(self._cells.values[1], self._cells.ids, strict=True)
        }

    def supplier_names(self) -> list[str]:
        """Return the supplier names, sorted, for editors."""
        return sorted((s.name for s in self._cells.suppliers.values()), key=str.casefold)

    def changes_for(self, row: int, name: str, text: str) -> dict[str, Any]:
        """Return the values an edit of field `name` to `text` would set on a row's part.

        Raises:
            FieldError: the value is refused; the reason says why.
        """
        from planner.part_edit import part_changes

        return part_changes(self.session.workspace, self._cells.ids[row], name, text)

    def search_text(self, row: int) -> str:
        """Return the lower-case text free-text search looks in (number, description ...)."""
        return self._cells.search_text(row)

    def licence_need(self, row: int) -> LicenceNeed:
        """Return a row's licence need on the session's date (evaluated on first request)."""
        return self._cells.licence(row).need

    def paste_block(self, row: int, column: int, block: list[list[str]]) -> PasteReport:
        """Paste cells at (row, column): edit parts they land on, add parts past the end.

        A first row of headers (ours or common synonyms such as "P/N") maps columns by name.
        Rows with a refused cell are left out whole and reported; the rest is one undo step.
        """
        from planner.schema import Part

        from ui.commands import InsertRecordsCommand, SetFieldsCommand
        from ui.parts_paste import plan_paste

        plan = plan_paste(
            self.session.workspace,
            block,
            row=row,
            column=column,
            table=self,
            column_fields=_FIELD_NAMES,
        )
        text = f"Paste {plan.report.accepted} row(s) of parts"
        commands: list[QUndoCommand] = [
            SetFieldsCommand(self.session, Part, key, v, text) for key, v in plan.edits
        ]
        if plan.inserts:
            records = [Part(**values) for values in plan.inserts]
            commands.append(InsertRecordsCommand(self.session, records, text))
        self._push(commands, text)
        return plan.report

    def delete_rows(self, rows: list[int]) -> None:
        """Delete the parts of the given source rows with their BOM lines, stock and orders."""
        keys = [self._cells.ids[r] for r in sorted(set(rows))]
        if keys:
            from planner.schema import Part

            from ui.commands import DeleteRecordsCommand

            text = f"Delete {len(keys)} part(s)"
            self.undo_stack.push(DeleteRecordsCommand(self.session, Part, keys, text))

    def add_part(self) -> int:
        """Add a sintered NdFeB part numbered "NEW-n" (one undo step); return its source row."""
        from planner.part_edit import new_part_values
        from planner.schema import Part

        from ui.commands import InsertRecordsCommand

        taken = set(self.number_owners())
        number = next(f"NEW-{n}" for n in range(1, len(taken) + 2) if f"new-{n}" not in taken)
        values = new_part_values(
            self.session.workspace,
            {"part_number": number, "family": Family.SINTERED_NDFEB.value},
        )
        command = InsertRecordsCommand(self.session, [Part(**values)], f"Add part {number}")
        self.undo_stack.push(command)
        row = self.row_of(command.keys[0])
        assert row is not None, "the inserted part is not in the table"
        return row

    def reload(self) -> None:
        """Reload every part (after an import or a change of rule set)."""
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def refresh_licences(self) -> None:
        """Re-evaluate licence needs (rule set, evaluation date or suppliers changed)."""
        self._cells.reset_suppliers(self._query_suppliers())
        if self.rowCount():
            top, bottom = self.index(0, SUPPLIER), self.index(self.rowCount() - 1, LICENCE)
            self.dataChanged.emit(top, bottom, _CHANGED_ROLES)

    # -- following the workspace ---------------------------------------------------------

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        from planner.workspace import ChangeKind  # loaded: changes come from operations

        if change.entity == "parts":
            if change.kind is ChangeKind.UPDATE:
                self._update(change.ids)
            elif change.kind is ChangeKind.INSERT:
                self._insert(change.ids)
            elif change.kind is ChangeKind.DELETE:
                self._remove(change.ids)
            else:
                self.reload()
        elif change.entity in {"suppliers", "rule_overrides", "rules"}:
            self.refresh_licences()

    def _load(self) -> None:
        reader = self.session.reader
        if reader is not None:  # the first paint: the same rows, read without SQLAlchemy
            self._cells.load(reader.part_values(FIELDS), reader.suppliers())
        else:
            self._cells.load(self._query(), self._query_suppliers())

    def _query(self, ids: Iterable[int] | None = None) -> list[Sequence[Any]]:
        from sqlalchemy import select

        from planner.schema import Part

        query = select(*(getattr(Part, name) for name in FIELDS)).order_by(Part.id)
        if ids is not None:
            query = query.where(Part.id.in_(list(ids)))
        with self.session.workspace.engine.connect() as connection:
            # Plain DB-API tuples: the columns need no conversion, and skipping SQLAlchemy's
            # Row objects makes loading 100,000 parts about a third faster.
            return list(connection.execute(query).cursor.fetchall())

    def _query_suppliers(self) -> dict[int, SupplierRecord]:
        from planner.schema import Supplier

        return {s.id: s for s in self.session.workspace.all(Supplier)}

    def _update(self, ids: Iterable[int]) -> None:
        for record in self._query(ids):
            row = self.row_of(record[0])
            if row is not None:
                self._cells.replace(row, record)
                last = self.index(row, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(row, 0), last, _CHANGED_ROLES)

    def _insert(self, ids: Iterable[int]) -> None:
        records = [r for r in self._query(ids) if self.row_of(r[0]) is None]
        # Parts brought back by Undo return to their rows, in blocks; new parts go last.
        new = [r for r in records if r[0] not in self._removed_at]
        back = sorted(
            (r for r in records if r[0] in self._removed_at),
            key=lambda r: self._removed_at[r[0]],
        )
        blocks: list[tuple[int, list[Sequence[Any]]]] = []
        for record in back:
            row = self._removed_at.pop(record[0])
            if blocks and row == blocks[-1][0] + len(blocks[-1][1]):
                blocks[-1][1].append(record)
            else:
                blocks.append((row, [record]))
        blocks.append((len(self._cells.ids) + len(back), new))
        for row, block in blocks:
            if block:
                start = min(row, self.rowCount())
                self.beginInsertRows(_ROOT, start, start + len(block) - 1)
                self._cells.insert(start, block)
                self.endInsertRows()

    def _remove(self, ids: Iterable[int]) -> None:
        rows = sorted(r for r in map(self.row_of, ids) if r is not None)
        self._removed_at.update((self._cells.ids[r], r) for r in rows)
        while rows:
            last = rows.pop()
            first = last
            while rows and rows[-1] == first - 1:
                first = rows.pop()
            self.beginRemoveRows(_ROOT, first, last)
            self._cells.remove(first, last + 1)
            self.endRemoveRows()

    def _push(self, commands: list[QUndoCommand], text: str) -> None:
        if len(commands) == 1:
            self.undo_stack.push(commands[0])
        elif commands:
            self.undo_stack.beginMacro(text)
            for command in commands:
                self.undo_stack.push(command)
            self.undo_stack.endMacro()
