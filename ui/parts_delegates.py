"""Editors of the parts table: combos for choices, line edits that validate as you type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractProxyModel, QEvent, QModelIndex, Qt, Slot
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QLineEdit, QStyledItemDelegate

from planner.families import Family
from planner.fields import FieldError
from planner.grades import parse_grade
from planner.shapes import Shape

from ui.parts_columns import COLUMNS, FAMILY_LABELS, FORM_LABELS
from ui.parts_insight import grade_summary
from ui.parts_model import PartsTableModel
from ui.resources import STATUS_COLORS
from ui.roles import EDIT, EditTextRole

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QAbstractItemModel, QObject, QPersistentModelIndex
    from PySide6.QtGui import QResizeEvent, QShowEvent
    from PySide6.QtWidgets import QStyleOptionViewItem, QWidget

    from planner.workspace import Workspace

_COMMIT_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab}


class CheckedLineEdit(QLineEdit):
    """A line edit that checks its text as it changes and says what it means or why not.

    The result shows in a small label just below the editor (above it at the bottom of the
    table) and as its tooltip; a refused text gets a red border.

    Attributes:
        valid: Whether the current text is accepted.
        feedback: What the text means (e.g. the parsed grade) or why it is refused.
    """

    def __init__(self, check: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.valid = True
        self.feedback = ""
        # A sibling in the view's viewport, not a window: it may overlap the cells below.
        self._hint = QLabel(parent if parent is not None else self)
        self._hint.setMargin(4)
        self._hint.setWordWrap(True)
        self._hint.setFrameShape(QFrame.Shape.Box)
        self._hint.setAutoFillBackground(True)
        self._hint.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self._hint.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self._hint.hide()
        self.destroyed.connect(self._hint.deleteLater)
        self.textChanged.connect(self._on_text_changed)

    @Slot(str)
    def _on_text_changed(self, text: str) -> None:
        try:
            self.feedback, self.valid = self._check(text), True
        except FieldError as exc:
            self.feedback, self.valid = exc.reason, False
        error = STATUS_COLORS["error"]
        self.setStyleSheet("" if self.valid else f"QLineEdit {{ border: 2px solid {error}; }}")
        self._hint.setStyleSheet("" if self.valid else f"QLabel {{ color: {error}; }}")
        self.setToolTip(self.feedback)
        self._place_hint()

    def _place_hint(self) -> None:
        if not self.feedback or not self.isVisible():
            self._hint.hide()
            return
        self._hint.setText(self.feedback)
        self._hint.setFixedWidth(max(self.width(), 320))
        self._hint.adjustSize()
        area = self._hint.parentWidget()
        geometry = self.geometry() if area is not self else self.rect()
        below = geometry.bottom() + 1
        room = area.height() if area is not None else below + self._hint.height()
        top = (
            below
            if below + self._hint.height() <= room
            else geometry.top() - self._hint.height()
        )
        self._hint.move(geometry.left(), max(top, 0))
        self._hint.show()
        self._hint.raise_()

    def showEvent(self, event: QShowEvent) -> None:
        """Reimplemented from QWidget.showEvent (show the hint with the editor)."""
        super().showEvent(event)
        self._place_hint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Reimplemented from QWidget.resizeEvent (keep the hint next to the editor)."""
        super().resizeEvent(event)
        self._place_hint()


def _source(index: QModelIndex | QPersistentModelIndex) -> tuple[Any, QModelIndex]:
    model = index.model()
    source = model.index(index.row(), index.column())
    while isinstance(model, QAbstractProxyModel):
        source, model = model.mapToSource(source), model.sourceModel()
    return model, source


def describe(workspace: Workspace, part_id: int, name: str, text: str) -> str:
    """Return what an edit means, e.g. the parsed grade; raise FieldError when refused."""
    from planner.part_edit import part_changes  # the ORM: loaded after the first paint
    from planner.schema import Part

    changes = part_changes(workspace, part_id, name, text)
    value = changes[name]
    if value is None:
        return "(empty)"
    if name == "grade":
        part = workspace.get(Part, part_id)
        family = Family(part.family) if part is not None else None
        return grade_summary(parse_grade(value, family=family))
    if name == "dimensions":
        return f"{value} ({changes.get('shape', '')})"
    return ""


class PartsDelegate(QStyledItemDelegate):
    """Editors for the parts table: family, shape and form combos, an editable supplier
    combo, and line edits that check grade, dimensions and numbers as the buyer types.

    An invalid value is never saved: Enter is ignored while the text is refused, and a
    value committed anyway is refused by the model, which emits `edit_refused`.
    """

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        """Reimplemented from QStyledItemDelegate.createEditor."""
        model, source = _source(index)
        name = COLUMNS[source.column()].field
        if not isinstance(model, PartsTableModel) or name is None:
            return super().createEditor(parent, option, index)
        if name in {"family", "shape", "form", "supplier_id"}:
            return self._combo(parent, name, model)
        workspace, part_id = model.session.workspace, model.part_id(source.row())
        editor = CheckedLineEdit(lambda text: describe(workspace, part_id, name, text), parent)
        editor.setFrame(False)
        return editor

    @staticmethod
    def _combo(parent: QWidget, name: str, model: PartsTableModel) -> QComboBox:
        combo = QComboBox(parent)
        if name == "family":
            for value, label in FAMILY_LABELS.items():
                combo.addItem(label, value)
        elif name == "shape":
            combo.addItem("", "")
            for shape in Shape:
                combo.addItem(shape.value, shape.value)
        elif name == "form":
            for value, label in FORM_LABELS.items():
                combo.addItem(label, value)
        else:
            combo.setEditable(True)
            combo.addItem("", "")
            for supplier in model.supplier_names():
                combo.addItem(supplier, supplier)
        return combo

    def setEditorData(
        self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Reimplemented from QStyledItemDelegate.setEditorData."""
        text = str(index.data(EditTextRole) or "")
        if isinstance(editor, QComboBox):
            found = editor.findText(text)
            if found >= 0:
                editor.setCurrentIndex(found)
            elif editor.isEditable():
                editor.setEditText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
        else:
            super().setEditorData(editor, index)

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Reimplemented from QStyledItemDelegate.setModelData."""
        if isinstance(editor, QComboBox):
            data = editor.currentData()
            chosen = editor.currentText() if editor.isEditable() or data is None else data
            model.setData(index, str(chosen).strip(), EDIT)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), EDIT)
        else:
            super().setModelData(editor, model, index)

    def eventFilter(self, object: QObject, event: QEvent) -> bool:
        """Reimplemented from QStyledItemDelegate.eventFilter: Enter does not commit a
        refused value (the editor stays open with the reason shown)."""
        if (
            isinstance(object, CheckedLineEdit)
            and not object.valid
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _COMMIT_KEYS
        ):
            return True
        return super().eventFilter(object, event)
