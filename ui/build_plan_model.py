"""Qt model of the build plan: products × periods, with a Total column and a totals row.

- Rows are products of kind "product"; sub-assemblies follow their parents through the BOM.
- Columns are periods of the workspace's own bucket (``meta("period_bucket")``, months
  unless weeks) from a view-only first period (default ``plan_start``) over 12–36 periods.
  There is no month/week switch: entries live at the start of the workspace's bucket, and
  a weekly view of monthly entries could only be read-only.
- A quantity is a whole, non-negative number of units; an empty cell means no plan.
- A pasted block applies its valid cells and reports the refused ones: each cell is an
  independent quantity, unlike a part or order row that must not be half-applied.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QGuiApplication, QPalette

from planner.periods import Bucket, period_label, period_start, periods
from planner.schema import BuildPlanEntry, Product
from planner.tsv import PasteReport, Rejection
from planner.values import ValueReadError, parse_number

from ui.commands import SetBuildQuantitiesCommand
from ui.grid_delegates import format_pieces, plain_number
from ui.roles import (
    ALIGN,
    BACKGROUND,
    DISPLAY,
    EDIT,
    FONT,
    RIGHT,
    TOOLTIP,
    EditTextRole,
    KeyRole,
    SortRole,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from PySide6.QtCore import QObject
    from PySide6.QtGui import QUndoStack

    from planner.operations import PlanCell
    from planner.workspace import Change, Workspace

    from ui.session import WorkspaceSession

    AnyIndex = QModelIndex | QPersistentModelIndex

HORIZONS = (12, 18, 24, 36)
# A Change naming more cells than this reloads all entries in one query instead.
_BULK = 64
_ROLES = frozenset(
    {DISPLAY, EDIT, EditTextRole, SortRole, ALIGN, FONT, BACKGROUND, TOOLTIP, KeyRole}
)
_DECOR_ROLES = frozenset({FONT, BACKGROUND, TOOLTIP})
_VALUE_ROLES = [DISPLAY, EDIT, EditTextRole, SortRole]
_OUTSIDE = "outside the plan: below the last product or past the last period shown"


def read_quantity(text: str) -> float | None:
    """Return the build quantity typed or pasted as `text`; None for an empty cell.

    Raises:
        ValueReadError: not a number, negative, or not a whole number of units.
    """
    raw = text.strip()
    if not raw:
        return None
    value = parse_number(raw)
    if value < 0:
        raise ValueReadError("a build quantity cannot be negative")
    if value != int(value):
        raise ValueReadError(f"{raw!r}: build quantities are whole units")
    return float(int(value))


def workspace_bucket(workspace: Workspace) -> Bucket:
    """Return the workspace's period bucket (months unless it says weeks)."""
    return Bucket.WEEK if workspace.meta("period_bucket") == Bucket.WEEK else Bucket.MONTH


def plan_start(workspace: Workspace, today: date) -> date:
    """Return the workspace's plan start, or the period containing `today`."""
    raw = workspace.meta("plan_start")
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    return period_start(day, workspace_bucket(workspace))


class BuildPlanModel(QAbstractTableModel):
    """Build quantities per product and period, edited through undoable commands.

    Attributes:
        bucket: The period size the grid shows (the workspace's).

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
        self.bucket = workspace_bucket(session.workspace)
        self._periods = periods(plan_start(session.workspace, session.today), 12, self.bucket)
        self._products: list[Product] = []
        self._quantities: dict[tuple[int, date], float] = {}
        self._row_totals: list[float] = []
        self._column_totals: list[float] = []
        self._bold = QFont()
        self._bold.setBold(True)
        # Totals are shaded like the window behind the grid: visibly not for typing in.
        self._shade = QBrush(QGuiApplication.palette().color(QPalette.ColorRole.Window))
        self._load()
        session.changed.connect(self._on_session_changed)

    # -- shape and navigation -------------------------------------------------------------

    @property
    def product_count(self) -> int:
        """Number of products planned (rows without the totals row)."""
        return len(self._products)

    @property
    def shown_periods(self) -> list[date]:
        """Starts of the periods shown, left to right."""
        return list(self._periods)

    @property
    def total_column(self) -> int:
        """Column of the row totals."""
        return len(self._periods)

    def grand_total(self) -> float:
        """Units planned over the periods shown."""
        return sum(self._row_totals)

    def product_name(self, row: int) -> str:
        """Name of the product in `row`."""
        return self._products[row].name

    def set_horizon(self, count: int) -> None:
        """Show `count` periods (12–36), adding or removing columns before the Total."""
        count = max(12, min(36, count))
        current = len(self._periods)
        if count > current:
            self.beginInsertColumns(QModelIndex(), current, count - 1)
            self._periods = periods(self._periods[0], count, self.bucket)
            self._recount()
            self.endInsertColumns()
        elif count < current:
            self.beginRemoveColumns(QModelIndex(), count, current - 1)
            self._periods = self._periods[:count]
            self._recount()
            self.endRemoveColumns()
        else:
            return
        self._emit_totals()

    def set_first_period(self, day: date) -> None:
        """Start the grid at the period containing `day` (a new set of columns)."""
        first = period_start(day, self.bucket)
        if first == self._periods[0]:
            return
        self.beginResetModel()
        self._periods = periods(first, len(self._periods), self.bucket)
        self._recount()
        self.endResetModel()

    def is_plan_cell(self, index: AnyIndex) -> bool:
        """True for an editable product × period cell (not a total)."""
        return (
            index.isValid()
            and index.row() < len(self._products)
            and index.column() < len(self._periods)
        )

    # -- Qt interface ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        if parent.isValid() or not self._products:
            return 0
        return len(self._products) + 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(self._periods) + 1

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == ALIGN:
            return RIGHT
        total = row == len(self._products) or column == len(self._periods)
        if role in _DECOR_ROLES:
            return self._decoration(role, row, column) if total else None
        if role == KeyRole:
            return None if total else (self._products[row].id, self._periods[column])
        value = self._value(row, column)
        if role == DISPLAY:
            return format_pieces(value) if value or not total else ""
        if role == SortRole:
            return value if value is not None else -1.0
        return plain_number(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        horizontal = orientation == Qt.Orientation.Horizontal
        count = len(self._periods) if horizontal else len(self._products)
        if not 0 <= section <= count:
            return None
        if role == DISPLAY:
            if section == count:
                return "Total"
            if horizontal:
                return period_label(self._periods[section], self.bucket)
            return self._products[section].name
        if role == FONT:
            return self._bold if section == count else None
        if role == TOOLTIP:
            return self._header_tooltip(section, horizontal)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_plan_cell(index):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        """Reimplemented from QAbstractItemModel.setData: one undo step per edit."""
        if role != EDIT or not self.is_plan_cell(index):
            return False
        row, column = index.row(), index.column()
        text = "" if value is None else str(value)
        try:
            quantity = read_quantity(text)
        except ValueReadError as exc:
            self.edit_refused.emit(f"{self._where(row, column)}: {exc}")
            return False
        if quantity != self._value(row, column):
            cell = (self._products[row].id, self._periods[column], quantity)
            self._push([cell], f"Set {self._where(row, column)}")
        return True

    # -- block edits (one undo step each) -------------------------------------------------

    def fill_right(self, indexes: Iterable[AnyIndex]) -> int:
        """Copy each row's left-most selected value to its other selected cells; count them."""
        return self._fill(indexes, by_row=True)

    def fill_down(self, indexes: Iterable[AnyIndex]) -> int:
        """Copy each column's top selected value to its other selected cells; count them."""
        return self._fill(indexes, by_row=False)

    def clear_cells(self, indexes: Iterable[AnyIndex]) -> int:
        """Clear the selected plan cells; return how many held a quantity."""
        cells: list[PlanCell] = [
            (self._products[r].id, self._periods[c], None)
            for r, c in self._cells(indexes)
            if self._value(r, c) is not None
        ]
        return self._push(cells, f"Clear {len(cells)} build-plan cell(s)")

    def paste_block(self, row: int, column: int, block: list[list[str]]) -> PasteReport:
        """Set the block's numbers with its top-left at (row, column) as one undo step.

        Valid cells are applied; refused cells (not a number, negative, fractional,
        outside the products and periods shown) are reported with line, period, reason.
        Empty cells clear the quantity, as a blank cell pasted in Excel does.
        """
        report = PasteReport()
        cells: list[PlanCell] = []
        for line_number, line in enumerate(block, start=1):
            for offset, text in enumerate(line):
                r, c = row + line_number - 1, column + offset
                where = self._column_name(c)
                if r >= len(self._products) or c >= len(self._periods) or r < 0 or c < 0:
                    if text.strip():
                        report.rejected.append(Rejection(line_number, where, text, _OUTSIDE))
                    continue
                try:
                    quantity = read_quantity(text)
                except ValueReadError as exc:
                    report.rejected.append(Rejection(line_number, where, text, str(exc)))
                    continue
                cells.append((self._products[r].id, self._periods[c], quantity))
        report.accepted = len(cells)
        self._push(cells, f"Paste {len(cells)} build-plan cell(s)")
        return report

    # -- private helpers ------------------------------------------------------------------

    def _fill(self, indexes: Iterable[AnyIndex], *, by_row: bool) -> int:
        groups: dict[int, list[tuple[int, int]]] = {}
        for r, c in sorted(self._cells(indexes), key=lambda rc: rc[1] if by_row else rc[0]):
            groups.setdefault(r if by_row else c, []).append((r, c))
        cells: list[PlanCell] = []
        for members in groups.values():
            source = self._value(*members[0])
            cells.extend(
                (self._products[r].id, self._periods[c], source)
                for r, c in members[1:]
                if self._value(r, c) != source
            )
        name = "Fill right" if by_row else "Fill down"
        return self._push(cells, f"{name} ({len(cells)} cell(s))")

    def _cells(self, indexes: Iterable[AnyIndex]) -> set[tuple[int, int]]:
        return {(i.row(), i.column()) for i in indexes if self.is_plan_cell(i)}

    def _push(self, cells: list[PlanCell], text: str) -> int:
        if cells:
            self._undo_stack.push(SetBuildQuantitiesCommand(self._session, cells, text))
        return len(cells)

    def _value(self, row: int, column: int) -> float | None:
        if row == len(self._products):
            if column == len(self._periods):
                return self.grand_total()
            return self._column_totals[column]
        if column == len(self._periods):
            return self._row_totals[row]
        return self._quantities.get((self._products[row].id, self._periods[column]))

    def _where(self, row: int, column: int) -> str:
        return f"{self._products[row].name}, {self._column_name(column)}"

    def _column_name(self, column: int) -> str:
        if 0 <= column < len(self._periods):
            return period_label(self._periods[column], self.bucket)
        return f"column {column + 1}"

    def _decoration(self, role: int, row: int, column: int) -> Any:
        if role == FONT:
            return self._bold
        if role == BACKGROUND:
            return self._shade
        if column < len(self._periods):
            return f"All products in {self._column_name(column)}"
        unit = "months" if self.bucket is Bucket.MONTH else "weeks"
        return f"Sum over the {len(self._periods)} {unit} shown"

    def _header_tooltip(self, section: int, horizontal: bool) -> str | None:
        if not horizontal:
            products = self._products
            return products[section].description or None if section < len(products) else None
        if section == len(self._periods) or self.bucket is Bucket.MONTH:
            return None
        return f"Week starting {self._periods[section]:%a %d %b %Y}"

    def _load(self) -> None:
        workspace = self._session.workspace
        self._products = [
            p for p in workspace.all(Product, Product.name) if p.kind == "product"
        ]
        self._quantities = {
            (e.product_id, e.period): e.quantity for e in workspace.all(BuildPlanEntry)
        }
        self._recount()

    def _recount(self) -> None:
        self._row_totals = [
            sum(self._quantities.get((p.id, d), 0.0) for d in self._periods)
            for p in self._products
        ]
        self._column_totals = [
            sum(self._quantities.get((p.id, d), 0.0) for p in self._products)
            for d in self._periods
        ]

    def _on_session_changed(self, change: Change) -> None:
        if change.entity == "products" or (
            change.entity == "meta" and "period_bucket" in change.ids
        ):
            self.beginResetModel()
            self.bucket = workspace_bucket(self._session.workspace)
            self._periods = periods(self._periods[0], len(self._periods), self.bucket)
            self._load()
            self.endResetModel()
        elif change.entity == "build_plan":
            self._update_entries(change.ids)

    def _update_entries(self, ids: Sequence[Any]) -> None:
        workspace = self._session.workspace
        if not ids or len(ids) > _BULK:
            self._quantities = {
                (e.product_id, e.period): e.quantity for e in workspace.all(BuildPlanEntry)
            }
        else:
            for key in ids:
                entry = workspace.get(BuildPlanEntry, key)
                if entry is None:
                    self._quantities.pop(key, None)
                else:
                    self._quantities[key] = entry.quantity
        self._recount()
        if not self._products:
            return
        rows = {p.id: r for r, p in enumerate(self._products)}
        columns = {d: c for c, d in enumerate(self._periods)}
        hits = [(rows[p], columns[d]) for p, d in ids if p in rows and d in columns]
        if not ids:
            hits = [(0, 0), (len(self._products) - 1, len(self._periods) - 1)]
        if hits:
            top, left = min(r for r, _ in hits), min(c for _, c in hits)
            bottom = max(r for r, _ in hits)
            last = len(self._periods)
            self.dataChanged.emit(self.index(top, left), self.index(bottom, last), _VALUE_ROLES)
            self._emit_totals(left)

    def _emit_totals(self, left: int = 0) -> None:
        if not self._products:
            return
        row, last = len(self._products), len(self._periods)
        self.dataChanged.emit(self.index(row, left), self.index(row, last), _VALUE_ROLES)
        self.dataChanged.emit(self.index(0, last), self.index(row, last), _VALUE_ROLES)
