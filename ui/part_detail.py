"""The part detail panel: everything known about one part, with sources and where it is used."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from planner.bom import where_used
from planner.families import Family, family_info
from planner.parts import insight

from ui.parts_columns import FORM_LABELS, count_text, grams_text, number_text, price_text
from ui.parts_insight import BASIS_TEXT, NEED_ICON, NEED_TEXT, grade_summary
from ui.resources import STATUS_COLORS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.bom import BomEdge
    from planner.parts import PartInsight
    from planner.quickread import PartRow, SupplierRow
    from planner.schema import Part, Supplier
    from planner.workspace import Change

    from ui.session import WorkspaceSession

# Entities whose changes can alter what the panel shows about a part.
_RELATED = {"suppliers", "bom_lines", "products", "rule_overrides", "rules"}
_WEB = {"http", "https"}


class PartDetail(QWidget):
    """Shows one part in readable form: identity, material, shape and mass, supplier,
    commercial terms, the licence decision with its sources, and where it is used.

    Source links open in the web browser. The panel follows `session.changed`.

    Attributes:
        browser: The text browser showing the part.
    """

    def __init__(
        self, session: WorkspaceSession | None = None, *, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session: WorkspaceSession | None = None
        self._part_id: int | None = None
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.set_session(session)

    @property
    def part_id(self) -> int | None:
        """Return the part shown, or None."""
        return self._part_id

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Show parts of `session` (None: no workspace open); clears the panel."""
        if self._session is not None:
            self._session.changed.disconnect(self._on_session_changed)
        self._session = session
        if session is not None:
            session.changed.connect(self._on_session_changed)
        self.show_part(None)

    def show_part(self, part_id: int | None) -> None:
        """Show the part with this id, or a hint when None."""
        self._part_id = part_id
        self.browser.setHtml(self._html())

    def _html(self) -> str:
        session = self._session
        if session is None or self._part_id is None:
            return "<p><i>Select a part to see its details.</i></p>"
        part, supplier = _records(session, self._part_id)
        if part is None:
            return "<p><i>This part no longer exists (deleted; Undo brings it back).</i></p>"
        facts = insight(part, supplier, session.today, session.rule_set)
        products, edges = _structure(session)
        return "".join(
            (
                _identity(part, facts),
                _material(part, facts),
                _shape(part, facts),
                _supplier(part, supplier),
                _licence(facts),
                _where_used(part, edges, products),
            )
        )

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        from planner.workspace import ChangeKind  # loaded: changes come from operations

        if self._part_id is None:
            return
        if change.entity in _RELATED or (
            change.entity == "parts"
            and (change.kind is ChangeKind.RESET or self._part_id in change.ids)
        ):
            self.show_part(self._part_id)

    @Slot(QUrl)
    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in _WEB:
            QDesktopServices.openUrl(url)


def _records(
    session: WorkspaceSession, part_id: int
) -> tuple[Part | PartRow | None, Supplier | SupplierRow | None]:
    """Return a part and its supplier.

    Read with sqlite3 until the ORM workspace is open: the first paint shows the first part.
    """
    reader = session.reader
    if reader is not None:
        row = reader.part(part_id)
        return row, reader.supplier(row.supplier_id) if row and row.supplier_id else None
    from planner.schema import Part, Supplier

    part = session.workspace.get(Part, part_id)
    if part is None or not part.supplier_id:
        return part, None
    return part, session.workspace.get(Supplier, part.supplier_id)


def _structure(session: WorkspaceSession) -> tuple[dict[int, str], list[BomEdge]]:
    """Return product names by id and the BOM edges (sqlite3 reads at first, as `_records`)."""
    reader = session.reader
    if reader is not None:
        return reader.product_names(), reader.bom_edges()
    from planner.exposure import bom_edges
    from planner.schema import Product

    products = {p.id: p.name for p in session.workspace.all(Product)}
    return products, bom_edges(session.workspace)


def _rows(pairs: Sequence[tuple[str, str]]) -> str:
    """Return a two-column table; values are HTML already escaped by the caller."""
    cells = "".join(
        f"<tr><td style='padding-right:12px; color:gray'>{escape(k)}</td><td>{v}</td></tr>"
        for k, v in pairs
        if v
    )
    return f"<table cellspacing='0' cellpadding='1'>{cells}</table>"


def _identity(part: Part | PartRow, facts: PartInsight) -> str:
    need = facts.licence.need
    colour = STATUS_COLORS[NEED_ICON[need]]
    notes = f"<p><i>{escape(part.notes)}</i></p>" if part.notes else ""
    return (
        f"<h2>{escape(part.part_number)}</h2><p>{escape(part.description or '')}</p>"
        f"<p><b style='color:{colour}'>Licence {NEED_TEXT[need]}</b></p>{notes}"
    )


def _material(part: Part | PartRow, facts: PartInsight) -> str:
    info = family_info(Family(part.family))
    typical = f"typical {info.density_g_cm3:g} g/cm³, up to {info.max_temp_c} °C"
    family = f"{escape(info.label)} ({typical})"
    grade = escape(grade_summary(facts.grade)) if facts.grade is not None else ""
    if facts.grade_problem:
        problem = escape(facts.grade_problem)
        grade = f"<b>{escape(part.grade or '')}</b>: not readable — {problem}"
    elif facts.grade is None:
        grade = "none given: content estimated from the family"
    if part.measured_dy_pct is not None or part.measured_tb_pct is not None:
        dy, tb = number_text(part.measured_dy_pct), number_text(part.measured_tb_pct)
        content = f"measured: Dy {dy or '—'} wt%, Tb {tb or '—'} wt% (test report)"
    else:
        content = f"estimated ≈ {facts.dy_tb_wt_pct:g} wt% (no test report)"
    low, high = facts.grade.dy_tb_wt_pct if facts.grade is not None else info.dy_tb_wt_pct
    confidence = facts.grade.confidence if facts.grade is not None else info.confidence
    estimate = f"{low:g}–{high:g} wt% ({confidence.value} confidence)"
    samarium = f"≈ {facts.sm_wt_pct:g} wt%" if facts.sm_wt_pct else ""
    pairs = [
        ("Family", family),
        ("Grade", grade),
        ("Dy+Tb used", escape(content)),
        ("Dy+Tb estimate", escape(estimate) if high > 0 else "none expected"),
        ("Sm content", escape(samarium)),
    ]
    return "<h3>Material</h3>" + _rows(pairs)


def _shape(part: Part | PartRow, facts: PartInsight) -> str:
    dims = escape(facts.dimensions.describe()) if facts.dimensions is not None else ""
    if facts.dimension_problem:
        problem = escape(facts.dimension_problem)
        dims = f"{escape(part.dimensions or '')}: not readable — {problem}"
    mass = facts.mass
    grams = f"<b>{grams_text(mass.grams)}</b> — " if mass.grams is not None else ""
    pairs = [
        ("Shape", escape(part.shape or "")),
        ("Dimensions", dims),
        ("Mass per piece", f"{grams}{escape(mass.explanation)}"),
        ("Coating", escape(part.coating or "")),
        ("Form", escape(FORM_LABELS.get(part.form, part.form))),
    ]
    return "<h3>Shape and mass</h3>" + _rows(pairs)


def _supplier(part: Part | PartRow, supplier: Supplier | SupplierRow | None) -> str:
    if supplier is None:
        name = "not recorded (treated as China for the licence question)"
    else:
        owned = ", Chinese-owned" if supplier.chinese_owned else ""
        origin = f", heavy rare earths from {supplier.heavy_re_origin}"
        name = (
            f"{escape(supplier.name)} ({escape(supplier.country)}{owned}"
            f"{escape(origin) if supplier.heavy_re_origin else ''})"
        )
    lead = f"{part.lead_time_days} days" if part.lead_time_days is not None else ""
    pairs = [
        ("Supplier", name),
        ("Unit price", escape(price_text(part.unit_price, part.currency))),
        ("Lead time", lead),
        ("MOQ", f"{count_text(part.moq)} pcs" if part.moq is not None else ""),
        (
            "Order multiple",
            f"{count_text(part.order_multiple)} pcs" if part.order_multiple is not None else "",
        ),
    ]
    return "<h3>Supplier and terms</h3>" + _rows(pairs)


def _licence(facts: PartInsight) -> str:
    evaluation = facts.licence
    items = []
    for reason in evaluation.reasons:
        rule = f"<b>{escape(reason.rule_id)}</b>: " if reason.rule_id else ""
        links = ", ".join(
            f"<a href='{escape(s.url, quote=True)}'>{escape(s.title)}</a>"
            for s in reason.sources
        )
        sources = f"<br><small>Sources: {links}</small>" if links else ""
        items.append(f"<li>{rule}{escape(reason.text)}{sources}</li>")
    return (
        f"<h3>Licence</h3><p><b>{escape(evaluation.summary)}</b></p><ul>{''.join(items)}</ul>"
        f"<p>{escape(BASIS_TEXT[evaluation.basis])} Rule set as of "
        f"{evaluation.rule_set_as_of}.</p>"
    )


def _where_used(part: Part | PartRow, edges: list[BomEdge], products: dict[int, str]) -> str:
    paths = where_used(part.id, edges, products)
    if not paths:
        return "<h3>Where used</h3><p><i>Not in any product's bill of materials.</i></p>"
    ids = {name: key for key, name in products.items()}
    items = []
    for names, pieces in paths:
        route = " → ".join(escape(n) for n in [*names, part.part_number])
        factors = _factors(names, part.id, edges, ids, pieces)
        items.append(
            f"<li>{route}: {escape(factors)}{pieces:g} pieces per unit of "
            f"{escape(names[0])}</li>"
        )
    return f"<h3>Where used</h3><ul>{''.join(items)}</ul>"


def _factors(
    names: list[str], part_id: int, edges: list[BomEdge], ids: dict[str, int], total: float
) -> str:
    """Return "10 × 1.02 = " for a path (pieces × scrap factor per BOM line), or ""."""
    steps: list[BomEdge] = []
    for parent, child in zip(names, [*names[1:], None], strict=True):
        parent_id = ids.get(parent)
        child_id = ids.get(child) if child is not None else None
        edge = next(
            (
                e
                for e in edges
                if e.parent_id == parent_id
                and (e.product_id == child_id if child is not None else e.part_id == part_id)
            ),
            None,
        )
        if edge is None:
            return ""
        steps.append(edge)
    product = 1.0
    words = []
    for edge in steps:
        product *= edge.gross
        if edge.pieces != 1:
            words.append(f"{edge.pieces:g}")
        if edge.scrap_pct:
            words.append(f"{1 + edge.scrap_pct / 100:g}")
    if abs(product - total) > 1e-9 * max(1.0, total) or len(words) < 2:
        return ""
    return " × ".join(words) + " = "
