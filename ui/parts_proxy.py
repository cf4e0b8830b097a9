"""Sorting and filtering of the parts table: free-text search and licence need."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex

    from planner.rules import LicenceNeed


@runtime_checkable
class SearchableRows(Protocol):
    """A source model that tells what a row's search text and licence need are."""

    def search_text(self, row: int) -> str:
        """Return the lower-case text free-text search looks in."""
        ...

    def licence_need(self, row: int) -> LicenceNeed:
        """Return the row's licence need."""
        ...


class PartsFilterProxy(QSortFilterProxyModel):
    """Filters parts and passes sorting on to the source model (by `SortRole` values:
    numbers as numbers, blanks last).

    The free-text search matches every word in part number, description, grade or
    supplier; the licence filter keeps one licence need.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._need: LicenceNeed | None = None
        self._rows: SearchableRows | None = None
        self.sourceModelChanged.connect(self._on_source_model_changed)

    @Slot()
    def _on_source_model_changed(self) -> None:
        # Checked once here: a runtime Protocol check per filtered row would cost seconds.
        model = self.sourceModel()
        self._rows = model if isinstance(model, SearchableRows) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reimplemented from QSortFilterProxyModel.sort: the source model sorts its rows.

        The proxy keeps the source order (its own sort column stays -1): sorting 100,000
        rows through lessThan callbacks took 7-12 s, the source's one sort a fraction of a
        second. Edited rows stay where they are until the next sort, as in Excel.
        """
        source: QAbstractItemModel | None = self.sourceModel()
        if source is not None and column >= 0:
            source.sort(column, order)

    def set_search_text(self, text: str) -> None:
        """Show only parts matching every word of `text` (case-insensitive)."""
        self.beginFilterChange()
        self._words = tuple(text.casefold().split())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_licence_filter(self, need: LicenceNeed | None) -> None:
        """Show only parts with this licence need (None: all parts)."""
        self.beginFilterChange()
        self._need = need
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Reimplemented from QSortFilterProxyModel.filterAcceptsRow."""
        model = self._rows
        if model is None:
            return True
        if self._words:
            text = model.search_text(source_row)
            if not all(word in text for word in self._words):
                return False
        return self._need is None or model.licence_need(source_row) is self._need
