"""Qt models of the rule set (state on a chosen date) and of the workspace's local overrides.

Also the plain texts the Rules page shows: a rule's state in words, an override in words,
and the banner lines for rules whose known status has run out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QColor, QFont

from planner.families import family_info
from planner.rules import RuleKind, RuleOverride, RuleSetError, RuleState
from planner.schema import RuleOverrideRow
from planner.workspace import ChangeKind

from ui.resources import STATUS_COLORS
from ui.roles import DISPLAY, EDIT, FONT, FOREGROUND, TOOLTIP, EditTextRole, KeyRole, SortRole

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from PySide6.QtCore import QObject

    from planner.rules import Rule, RuleSet
    from planner.workspace import Change

    from ui.session import WorkspaceSession

    AnyIndex = QModelIndex | QPersistentModelIndex

STATE_WORDS = {
    RuleState.IN_FORCE: "in force",
    RuleState.SUSPENDED: "suspended",
    RuleState.NOT_YET_EFFECTIVE: "not yet effective",
    RuleState.EXPIRED: "ended",
    RuleState.UNVERIFIED: "unverified",
}
STATE_COLOURS = {
    RuleState.IN_FORCE: STATUS_COLORS["info"],
    RuleState.SUSPENDED: STATUS_COLORS["not-required"],
    RuleState.NOT_YET_EFFECTIVE: "#5f7186",
    RuleState.EXPIRED: "#8a8f98",
    RuleState.UNVERIFIED: STATUS_COLORS["unverified"],
}
VERIFY = "verify on MOFCOM and record what happened as a local override"
_ROLES = frozenset({DISPLAY, EDIT, EditTextRole, SortRole, FOREGROUND, TOOLTIP, KeyRole, FONT})


def state_words(rule: Rule, on: date) -> str:
    """Return the rule's state on `on` in words ("disabled locally" for a disabled rule)."""
    return "disabled locally" if rule.disabled else STATE_WORDS[rule.state_on(on)]


def controls_text(rule: Rule) -> str:
    """Return what a rule controls: elements; families; forms."""
    families = ", ".join(family_info(f).label for f in rule.families)
    forms = ", ".join(f.value for f in rule.forms)
    return "; ".join(part for part in (", ".join(rule.elements), families, forms) if part)


def window_text(rule: Rule) -> str:
    """Return "from 2025-11-08" or "2025-11-07 to 2026-11-10"."""
    if rule.effective_to is None:
        return f"from {rule.effective_from}"
    return f"{rule.effective_from} to {rule.effective_to}"


def suspensions_text(rule: Rule, rule_set: RuleSet) -> str:
    """Return the suspensions in words, e.g. "2025-11-07 to 2026-11-10 (Announcement 70)"."""
    items = []
    for suspension in rule.suspensions:
        until = suspension.until or "further notice"
        try:
            by = rule_set.rule(suspension.by).label
        except KeyError:
            by = suspension.by
        items.append(f"{suspension.start} to {until} ({by})")
    return "; ".join(items)


def sites_text(rule: Rule) -> str:
    """Return the sources' web sites, e.g. "udn.com, clarkhill.com +2"."""
    sites = list(
        dict.fromkeys(urlsplit(s.url).netloc.removeprefix("www.") for s in rule.sources)
    )
    return ", ".join(sites[:2]) + (f" +{len(sites) - 2}" if len(sites) > 2 else "")


def override_text(override: RuleOverride) -> str:
    """Return what an override changes, in words."""
    parts = []
    if override.suspended_until is not None:
        start = f"from {override.suspended_from} " if override.suspended_from else ""
        parts.append(f"suspended {start}until {override.suspended_until}")
    if override.effective_from is not None:
        parts.append(f"in force from {override.effective_from}")
    if override.effective_to is not None:
        parts.append(f"in force until {override.effective_to}")
    if override.status_known_until is not None:
        parts.append(f"status known until {override.status_known_until}")
    if override.disabled:
        parts.append("disabled")
    return "; ".join(parts) or "note only"


def banner_lines(rule_set: RuleSet, on: date) -> list[str]:
    """Return a sentence per rule whose status on `on` is past what the rule set knows.

    A suspending announcement is named with the rules it suspended whose status is
    unknown, e.g. "Announcement 70's suspension of Announcements 57 and 61 ended on
    2026-11-10 and its outcome is not in the rule set: verify on MOFCOM ...".
    """
    unknown = [
        r for r in rule_set.rules if not r.disabled and r.state_on(on) is RuleState.UNVERIFIED
    ]
    lines, told = [], set()
    for rule in (r for r in unknown if r.kind is RuleKind.SUSPENSION):
        targets = [
            r
            for r in unknown
            if r.kind is not RuleKind.SUSPENSION and any(s.by == rule.id for s in r.suspensions)
        ]
        end = rule.effective_to or rule.status_known_until
        if targets:
            lines.append(
                f"{rule.label}'s suspension of {_join_labels(targets)} ended on {end} and its "
                f"outcome is not in the rule set: {VERIFY}."
            )
            told |= {rule.id, *(t.id for t in targets)}
    for rule in unknown:
        if rule.id in told:
            continue
        last = rule.last_suspension
        if (
            last is not None
            and last.until is not None
            and last.until == rule.status_known_until
        ):
            what = f"{rule.label}'s suspension ended on {last.until} and its outcome"
        else:
            what = f"{rule.label}'s status after {rule.status_known_until}"
        lines.append(f"{what} is not in the rule set: {VERIFY}.")
    return lines


def _join_labels(rules: Sequence[Rule]) -> str:
    """Return "Announcements 57, 61 and 62" (or the labels joined when they differ)."""
    labels = list(dict.fromkeys(r.label for r in rules))
    prefix = "Announcement "
    if len(labels) > 1 and all(label.startswith(prefix) for label in labels):
        numbers = [label.removeprefix(prefix) for label in labels]
        return f"Announcements {', '.join(numbers[:-1])} and {numbers[-1]}"
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    text: Callable[[Rule, RuleSet, date], str]


RULE_COLUMNS = (
    _Column("id", "Id", lambda r, s, d: r.id),
    _Column("title", "Short title", lambda r, s, d: r.label),
    _Column("state", "State", lambda r, s, d: state_words(r, d)),
    _Column("summary", "Summary", lambda r, s, d: r.summary),
    _Column(
        "controls", "Controls (elements; families; forms)", lambda r, s, d: controls_text(r)
    ),
    _Column("window", "Effective", lambda r, s, d: window_text(r)),
    _Column("suspensions", "Suspensions", lambda r, s, d: suspensions_text(r, s)),
    _Column("sources", "Sources", lambda r, s, d: sites_text(r)),
    _Column("confidence", "Confidence", lambda r, s, d: r.confidence.value),
    _Column("override", "Local override", lambda r, s, d: _override_cell(r)),
)
RULE_COLUMN_OF = {column.key: position for position, column in enumerate(RULE_COLUMNS)}


def _override_cell(rule: Rule) -> str:
    override = rule.override
    if override is None:
        return ""
    return (
        f"{override_text(override)}: {override.note}"
        if override.note
        else override_text(override)
    )


class RulesModel(QAbstractTableModel):
    """The session's rule set, one rule per row, with its state on a chosen date."""

    def __init__(
        self, session: WorkspaceSession, day: date, *, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session, self._day = session, day
        self._rules = list(session.rule_set.rules)
        self._link = QColor(STATUS_COLORS["info"])
        self._bold = QFont()
        self._bold.setBold(True)
        session.changed.connect(self._on_session_changed)

    @property
    def day(self) -> date:
        """Return the date whose states are shown."""
        return self._day

    def set_day(self, day: date) -> None:
        """Show the rules' states on `day`."""
        self._day = day
        if self._rules:
            column = RULE_COLUMN_OF["state"]
            bottom = len(self._rules) - 1
            roles = [DISPLAY, EditTextRole, SortRole, FOREGROUND, TOOLTIP, FONT]
            self.dataChanged.emit(self.index(0, column), self.index(bottom, column), roles)

    def rule(self, row: int) -> Rule:
        """Return the rule in `row`."""
        return self._rules[row]

    def row_of(self, rule_id: str) -> int:
        """Return the row of a rule, or -1."""
        return next((r for r, rule in enumerate(self._rules) if rule.id == rule_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(RULE_COLUMNS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid():
            return None
        rule, key = self._rules[index.row()], RULE_COLUMNS[index.column()].key
        if role == KeyRole:
            return rule.id
        if role in (DISPLAY, EDIT, EditTextRole, SortRole):
            return RULE_COLUMNS[index.column()].text(rule, self._session.rule_set, self._day)
        if role == TOOLTIP:
            return self._tooltip(rule, key)
        if key == "state" and role == FOREGROUND:
            return QColor(STATE_COLOURS[rule.state_on(self._day)])
        if key == "state" and role == FONT and rule.state_on(self._day) is RuleState.UNVERIFIED:
            return self._bold
        if key == "sources" and role == FOREGROUND:
            return self._link
        return None

    def _tooltip(self, rule: Rule, key: str) -> str | None:
        if key == "sources":
            lines = [f"{s.title}\n  {s.url}" for s in rule.sources]
            return "Click to open a source:\n" + "\n".join(lines)
        if key == "state" and rule.status_known_until is not None:
            return f"Status known until {rule.status_known_until}"
        if key in ("summary", "title"):
            return rule.title if key == "title" else rule.summary
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(RULE_COLUMNS):
            return None
        if role == DISPLAY:
            header = RULE_COLUMNS[section].header
            return f"State on {self._day}" if header == "State" else header
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity not in ("rule_overrides", "rules"):
            return
        rules = list(self._session.rule_set.rules)
        if [r.id for r in rules] != [r.id for r in self._rules]:
            self.beginResetModel()
            self._rules = rules
            self.endResetModel()
        elif rules:
            self._rules = rules
            bottom, right = len(rules) - 1, len(RULE_COLUMNS) - 1
            roles = [DISPLAY, EditTextRole, SortRole, FOREGROUND, TOOLTIP, FONT]
            self.dataChanged.emit(self.index(0, 0), self.index(bottom, right), roles)


@dataclass(frozen=True)
class StoredOverride:
    """A local override as stored in the workspace.

    Attributes:
        row_id: The RuleOverrideRow id.
        rule_id: The rule changed.
        override: The override read back, or None when its data cannot be read.
        problem: Why the data cannot be read, else "".
    """

    row_id: int
    rule_id: str
    override: RuleOverride | None
    problem: str = ""


def stored_overrides(session: WorkspaceSession) -> list[StoredOverride]:
    """Return the workspace's active overrides, oldest first."""
    found = []
    for row in session.workspace.all(RuleOverrideRow, RuleOverrideRow.id):
        if not row.active:
            continue
        try:
            found.append(StoredOverride(row.id, row.rule_id, RuleOverride.from_json(row.data)))
        except RuleSetError as exc:
            found.append(StoredOverride(row.id, row.rule_id, None, str(exc)))
    return found


OVERRIDE_HEADERS = ("Rule", "Change", "Note", "Author", "Recorded")


class RuleOverridesModel(QAbstractTableModel):
    """The workspace's local rule overrides, oldest first."""

    def __init__(self, session: WorkspaceSession, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._rows = stored_overrides(session)
        session.changed.connect(self._on_session_changed)

    def stored(self, row: int) -> StoredOverride:
        """Return the override in `row`."""
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(OVERRIDE_HEADERS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid():
            return None
        stored = self._rows[index.row()]
        if role == KeyRole:
            return stored.row_id
        if role not in (DISPLAY, EDIT, EditTextRole, SortRole, TOOLTIP):
            return None
        return _override_cells(stored)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return OVERRIDE_HEADERS[section] if 0 <= section < len(OVERRIDE_HEADERS) else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity != "rule_overrides":
            return
        fresh = stored_overrides(self._session)
        known = {s.row_id for s in self._rows}
        if change.kind is ChangeKind.DELETE:
            for row in reversed(
                [r for r, s in enumerate(self._rows) if s.row_id in change.ids]
            ):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        elif change.kind is ChangeKind.INSERT and known <= {s.row_id for s in fresh}:
            added = [s for s in fresh if s.row_id not in known]
            if added:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
                self._rows.extend(added)
                self.endInsertRows()
        else:
            self.beginResetModel()
            self._rows = fresh
            self.endResetModel()


def _override_cells(stored: StoredOverride) -> tuple[str, str, str, str, str]:
    override = stored.override
    if override is None:
        return (stored.rule_id, f"unreadable: {stored.problem}", "", "", "")
    when = f"{override.created_at:%Y-%m-%d %H:%M}" if override.created_at else ""
    return (stored.rule_id, override_text(override), override.note, override.author, when)
