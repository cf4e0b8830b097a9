"""Alert counts, the navigation badges and the note shown when a workspace opens."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from planner.rules import RuleOverride

from ui.alerts_badge import AlertsStrip, alert_counts, alerts_summary, current_alerts
from ui.licence_commands import AddRuleOverrideCommand, push_refusable

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.main_window import MainWindow
    from ui.session import WorkspaceSession


def test_summary_and_counts_of_the_sample(session: WorkspaceSession) -> None:
    assert alerts_summary(session) == (
        "1 licence overdue, 5 orders ship without an approved licence, "
        "1 awaits more information, 4 rules to verify"
    )
    counts = alert_counts(session)
    assert (counts.licences, counts.rules, counts.total) == (7, 4, 11)


def test_counts_follow_rule_overrides(
    session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    override = RuleOverride(
        rule_id="CN-MOFCOM-2025-61-extraterritorial",
        suspended_until=date(2027, 5, 10),
        note="suspension extended",
    )
    push_refusable(undo_stack, AddRuleOverrideCommand(session, override))
    assert alert_counts(session).rules == 3
    undo_stack.undo()
    assert alert_counts(session).rules == 4


def test_the_navigation_badge_shows_the_alert_count(
    make_main_window: Callable[[], MainWindow], sample_path: Path, qtbot: QtBot
) -> None:
    from ui.alerts_badge import AlertBadges

    window = make_main_window()
    assert window.open_workspace(sample_path)
    session = window.session
    assert session is not None
    badges = window.findChild(AlertBadges)
    assert isinstance(badges, AlertBadges)
    qtbot.waitUntil(lambda: badges.ready)  # worked out off the GUI thread
    counts = alert_counts(session)
    assert counts.licences > 0
    items = {
        spec.key: window.navigation.item(row) for row, spec in enumerate(window.page_specs)
    }
    assert items["licences"].text() == f"Licences  {counts.licences}"
    assert items["rules"].text() == (f"Rules  {counts.rules}" if counts.rules else "Rules")
    assert items["products"].text() == "Products & BOM"
    assert items["licences"].toolTip() == alerts_summary(session)


def test_opening_shows_a_non_modal_summary_and_closing_clears_badges(
    make_main_window: Callable[[], MainWindow], sample_path: Path, qtbot: QtBot
) -> None:
    from ui.alerts_badge import AlertBadges

    window = make_main_window()
    window.open_workspace(sample_path)
    badges = window.findChild(AlertBadges)
    assert isinstance(badges, AlertBadges)
    qtbot.waitUntil(lambda: badges.ready)
    message = badges.message
    assert message is not None
    assert not message.isModal()
    assert message.isVisible()
    # The sample is built around the real date here; rules stay unverified after 2026-11-10.
    assert "rules to verify" in message.informativeText()
    message.buttons()[0].click()  # "Show licences"
    assert window.current_page() is window.page("licences")
    window.close_workspace()
    assert badges.badge_text("licences") == "Licences"
    assert badges.badge_text("rules") == "Rules"


def test_badges_follow_changes(
    make_main_window: Callable[[], MainWindow], sample_path: Path, qtbot: QtBot
) -> None:
    from ui.alerts_badge import AlertBadges

    window = make_main_window()
    window.open_workspace(sample_path)
    badges = window.findChild(AlertBadges)
    assert isinstance(badges, AlertBadges)
    qtbot.waitUntil(lambda: badges.ready)
    session = window.session
    assert session is not None
    before = alert_counts(session).rules
    override = RuleOverride(
        rule_id="CN-MOFCOM-2025-62-technology",
        status_known_until=date(2030, 1, 1),
        note="checked",
    )
    push_refusable(window.undo_stack, AddRuleOverrideCommand(session, override))
    after = alert_counts(session).rules
    assert after == before - 1
    rules = window.navigation.item([s.key for s in window.page_specs].index("rules"))
    assert rules.text() == (f"Rules  {after}" if after else "Rules")


def test_strip_lists_alerts_with_severity_icons(
    session: WorkspaceSession, qtbot: QtBot
) -> None:
    strip = AlertsStrip()
    qtbot.addWidget(strip)
    found = current_alerts(session)
    strip.set_alerts(found, alerts_summary(session, found))
    assert strip.listing.count() == 11
    assert not strip.listing.item(0).icon().isNull()
    assert strip.toggle.text() == "Show all 11"
    strip.toggle.setChecked(True)
    assert strip.toggle.text() == "Show fewer"
    with qtbot.waitSignal(strip.alert_activated) as blocker:
        strip.listing.itemClicked.emit(strip.listing.item(0))
    assert blocker.args[0] is found[0]
    strip.set_alerts([], "no licence alerts")
    assert strip.listing.isHidden()
