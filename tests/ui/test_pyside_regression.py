"""Guard for the PySide6 pin (DESIGN.md "Measured pitfalls").

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every ``beginInsertRows`` and
``beginResetModel``; after a few thousand the interpreter aborts. This test inserts tens of
thousands of rows and checks that ``None``'s reference count does not fall, so the
``PySide6<6.12`` pin in pyproject.toml can be lifted once a fixed release passes it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt


class _GrowingModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows = 0

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.rows

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        return index.row() if role == Qt.ItemDataRole.DisplayRole else None

    def append(self) -> None:
        self.beginInsertRows(QModelIndex(), self.rows, self.rows)
        self.rows += 1
        self.endInsertRows()

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


def test_row_insertion_and_reset_keep_none_alive(qapp: object) -> None:
    model = _GrowingModel()
    before = sys.getrefcount(None)
    for _ in range(30_000):
        model.append()
    for _ in range(2_000):
        model.reset()
    drift = sys.getrefcount(None) - before
    # Python >= 3.12 makes None immortal, hiding the bug; on 3.11 it shows as a large drop.
    assert drift > -100, f"None lost {-drift} references: PySide6 refcount bug is back"
    assert model.rowCount() == 30_000
