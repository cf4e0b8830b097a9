"""Qt model of licence applications, and the proxy that filters and sorts them.

The model serves `planner.licence_rows.LicenceRow`s recomputed from the workspace after
every relevant change, under the page's review-time scenario; the columns are defined
once in `COLUMNS`. The proxy filters by supplier, status ("open" = pending), part and
a search text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QFont

from planner.licence_forecast import ReviewDays
from planner.licence_rows import LicenceBook
from planner.workspace import ChangeKind

from ui.licence_columns import COLUMNS, HEADER_TIPS, foreground, parts_text, tooltip
from ui.resources import icon
from ui.roles import (
    ALIGN,
    DECORATION,
    DISPLAY,
    EDIT,
    FONT,
    FOREGROUND,
    LEFT,
    RIGHT,
    TOOLTIP,
    EditTextRole,
    KeyRole,
    SortRole,
    StatusRole,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from planner.licence_rows import LicenceRow
    from planner.workspace import Change

    from ui.session import WorkspaceSession

    AnyIndex = QModelIndex | QPersistentModelIndex

OPEN = "open"
"""Status filter value for every pending application."""
# Entities whose changes alter what a licence row shows.
_RELATED = frozenset(
    {"licences", "licence_items", "licence_documents", "licence_events", "orders"}
    | {"suppliers", "parts", "rule_overrides", "rules"}
)
_ROLES = frozenset(
    {DISPLAY, EDIT, EditTextRole, SortRole, ALIGN, FOREGROUND, TOOLTIP, KeyRole}
    | {StatusRole, FONT, DECORATION}
)
_CHANGED_ROLES = [DISPLAY, EditTextRole, SortRole, FOREGROUND, TOOLTIP, StatusRole, FONT]


class LicencesModel(QAbstractTableModel):
    """Every licence application of the workspace, one row each, read only.

    Attributes:
        session: The open workspace.
    """

    def __init__(
        self,
        session: WorkspaceSession,
        *,
        choice: ReviewDays | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._choice = choice or ReviewDays()
        self._book = self._read()
        self._rows = self._book.rows()
        self._italic = QFont()
        self._italic.setItalic(True)
        session.changed.connect(self._on_session_changed)

    @property
    def book(self) -> LicenceBook:
        """Return what the rows were computed from (scenario, alerts, snapshot)."""
        return self._book

    @property
    def choice(self) -> ReviewDays:
        """Return the review-time scenario in use."""
        return self._choice

    def rows(self) -> list[LicenceRow]:
        """Return the rows in model order."""
        return list(self._rows)

    def row_data(self, row: int) -> LicenceRow:
        """Return the licence row at `row`."""
        return self._rows[row]

    def row_of(self, licence_id: int) -> int:
        """Return the model row of a licence, or -1."""
        return next((r for r, row in enumerate(self._rows) if row.id == licence_id), -1)

    def set_review(self, choice: ReviewDays) -> None:
        """Recompute expected decisions under another review-time scenario."""
        self._choice = choice
        self.refresh()

    def refresh(self) -> None:
        """Re-read the workspace; rows keep their place, new licences go last."""
        self._book = self._read()
        fresh = {row.id: row for row in self._book.rows()}
        gone = [r for r, row in enumerate(self._rows) if row.id not in fresh]
        for position in reversed(gone):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            self.endRemoveRows()
        kept = {row.id for row in self._rows}
        self._rows = [fresh[row.id] for row in self._rows]
        if self._rows:
            bottom, right = len(self._rows) - 1, len(COLUMNS) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(bottom, right), _CHANGED_ROLES)
        added = [row for key, row in fresh.items() if key not in kept]
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()

    def _read(self) -> LicenceBook:
        session = self.session
        return LicenceBook.of(
            session.workspace, session.today, rule_set=session.rule_set, choice=self._choice
        )

    # -- Qt interface ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self._rows)

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
        row = self._rows[index.row()]
        if role in (DISPLAY, EDIT):
            return column.text(row)
        if role == EditTextRole:
            return (column.copy or column.text)(row)
        if role == SortRole:
            return column.sort(row)
        if role == KeyRole:
            return row.id
        if role == StatusRole:
            return row.status.value
        return self._decoration(row, column.key, role)

    def _decoration(self, row: LicenceRow, key: str, role: int) -> Any:
        if role == TOOLTIP:
            return tooltip(row, key)
        if role == FOREGROUND:
            return foreground(row, key)
        if role == FONT:
            return self._italic if key == "expected" and row.forecast.provisional else None
        if key != "reference" or not row.alerts:
            return None
        return icon("error" if row.overdue_days else "warning")

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == DISPLAY:
            return COLUMNS[section].header
        if role == ALIGN:
            return RIGHT if COLUMNS[section].numeric else LEFT
        if role == TOOLTIP:
            return HEADER_TIPS.get(COLUMNS[section].key)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity in _RELATED or change.kind is ChangeKind.RESET:
            self.refresh()


class LicencesProxy(QSortFilterProxyModel):
    """Filters licences by supplier, status, part and search text; sorts by SortRole."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._supplier: int | None = None
        self._status: str | None = None
        self._part: int | None = None
        self._needle = ""

    def set_supplier(self, supplier_id: int | None) -> None:
        """Show only licences of this exporter (None: all)."""
        self._refilter("_supplier", supplier_id)

    def set_status(self, status: str | None) -> None:
        """Show only this status, `OPEN` for every pending one (None: all)."""
        self._refilter("_status", status)

    def set_part(self, part_id: int | None) -> None:
        """Show only licences applying for this part (None: all)."""
        self._refilter("_part", part_id)

    def set_search(self, text: str) -> None:
        """Show only licences whose reference, exporter, parts or orders contain `text`."""
        self._refilter("_needle", text.strip().casefold())

    def _refilter(self, name: str, value: object) -> None:
        self.beginFilterChange()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Reimplemented from QSortFilterProxyModel.filterAcceptsRow."""
        model = self.sourceModel()
        if not isinstance(model, LicencesModel):
            return True
        row = model.row_data(source_row)
        if self._supplier is not None and row.licence.supplier_id != self._supplier:
            return False
        if self._status == OPEN and not row.status.is_pending:
            return False
        if self._status not in (None, OPEN) and row.status.value != self._status:
            return False
        if self._part is not None and all(p.part_id != self._part for p in row.parts):
            return False
        if not self._needle:
            return True
        texts = (row.reference, row.supplier, parts_text(row), row.licence.notes)
        orders = (o.reference for o in row.orders)
        return any(self._needle in text.casefold() for text in (*texts, *orders))
