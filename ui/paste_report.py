"""A dialog listing pasted cells that were refused, with row, column, value and reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from planner.tsv import PasteReport


class PasteReportDialog(QDialog):
    """Shows what a paste refused, so the buyer can fix it in Excel and paste again."""

    def __init__(self, report: PasteReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste: some cells were refused")
        rows = len({r.row for r in report.rejected})
        summary = QLabel(
            f"<b>{report.accepted}</b> pasted. <b>{rows}</b> row(s) had cells that were "
            "refused and were left out (nothing half-applied). Fix them in Excel and paste "
            "those rows again."
        )
        summary.setWordWrap(True)
        self.table = QTableWidget(len(report.rejected), 4)
        self.table.setHorizontalHeaderLabels(["Row", "Column", "Value", "Why"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for i, rejection in enumerate(report.rejected):
            for j, value in enumerate(
                (str(rejection.row), rejection.column, rejection.value, rejection.reason)
            ):
                self.table.setItem(i, j, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 360)


def show_paste_report(parent: QWidget, report: PasteReport) -> None:
    """Open the dialog without blocking the window."""
    dialog = PasteReportDialog(report, parent)
    dialog.setModal(False)
    dialog.show()
