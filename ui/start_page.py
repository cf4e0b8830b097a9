"""What the window shows when no workspace is open: new, open, sample, recent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.resources import app_icon, icon


class StartPage(QWidget):
    """Welcome page.

    Signals:
        new_requested: The user wants a new workspace.
        open_requested: The user wants to pick a workspace file.
        sample_requested: The user wants the sample workspace.
        recent_chosen: Path of a recent workspace to open.
    """

    new_requested = Signal()
    open_requested = Signal()
    sample_requested = Signal()
    recent_chosen = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(72, 72)))
        title = QLabel(
            "<h1 style='margin:0'>Magnet Planner</h1>"
            "<p style='margin-top:4px'>Plan rare-earth magnet supply under China's export "
            "licensing: exposure, licences, coverage and what to buy.</p>"
        )
        title.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(logo)
        header.addSpacing(12)
        header.addWidget(title, 1)

        buttons = QHBoxLayout()
        for text, icon_name, signal in (
            ("New workspace…", "new", self.new_requested),
            ("Open…", "open", self.open_requested),
            ("Open the sample", "magnet", self.sample_requested),
        ):
            button = QPushButton(icon(icon_name), text)
            button.setIconSize(QSize(20, 20))
            button.setMinimumHeight(36)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.recent = QListWidget()
        self.recent.setMaximumWidth(720)
        self.recent.itemActivated.connect(self._on_recent_activated)
        self.recent_label = QLabel("<b>Recent workspaces</b>")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.addLayout(header)
        layout.addSpacing(24)
        layout.addLayout(buttons)
        layout.addSpacing(24)
        layout.addWidget(self.recent_label)
        layout.addWidget(self.recent, 1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)

    def set_recent(self, paths: list[Path]) -> None:
        """Show the recent workspaces."""
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(icon("open"), f"{path.name}    —    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(str(path))
            self.recent.addItem(item)
        self.recent_label.setVisible(bool(paths))
        self.recent.setVisible(bool(paths))

    def _on_recent_activated(self, item: QListWidgetItem) -> None:
        self.recent_chosen.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
