"""The Rules page: states on a date, the unverified banner, sources, local overrides."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices

from planner.rules import RuleOverride, load_rule_set
from planner.schema import RuleOverrideRow
from planner.workspace_rules import workspace_rule_set

from ui.roles import FOREGROUND
from ui.rule_override_dialog import RuleOverrideDialog
from ui.rules_model import (
    RULE_COLUMN_OF,
    STATE_COLOURS,
    RuleOverridesModel,
    RulesModel,
    banner_lines,
)
from ui.rules_page import RulesPage

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession
    from ui.settings import Settings

TODAY = date(2026, 11, 30)
ANN_61 = "CN-MOFCOM-2025-61-extraterritorial"
ANN_70 = "CN-MOFCOM-2025-70"


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


@pytest.fixture
def page(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, session: WorkspaceSession
) -> RulesPage:
    result = RulesPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(result)
    result.set_session(session)
    result.resize(1140, 800)
    return result


def state(page: RulesPage, rule_id: str) -> str:
    model = page.rules_model
    assert model is not None
    return str(model.index(model.row_of(rule_id), RULE_COLUMN_OF["state"]).data())


def extend_61() -> RuleOverride:
    return RuleOverride(
        rule_id=ANN_61,
        suspended_until=date(2027, 5, 10),
        note="MOFCOM Announcement of 2026-11-09 extends the suspension by six months",
        author="buyer",
    )


def test_models_pass_the_model_tester(
    session: WorkspaceSession, qtmodeltester: ModelChecker
) -> None:
    qtmodeltester.check(RulesModel(session, TODAY))
    session.workspace.insert_many(
        [RuleOverrideRow(rule_id=ANN_61, data=extend_61().to_json(), active=True)],
        operation="test",
    )
    overrides = RuleOverridesModel(session)
    assert overrides.rowCount() == 1
    qtmodeltester.check(overrides)


def test_states_in_words_and_colour_on_the_chosen_date(page: RulesPage) -> None:
    assert state(page, "CN-MOFCOM-2025-18-NdFeB-DyTb") == "in force"
    assert state(page, ANN_61) == "unverified"
    model = page.rules_model
    assert model is not None
    index = model.index(model.row_of(ANN_61), RULE_COLUMN_OF["state"])
    assert index.data(FOREGROUND) == QColor(
        STATE_COLOURS[model.rule(index.row()).state_on(TODAY)]
    )
    page.set_day(date(2026, 1, 15))
    assert state(page, ANN_61) == "suspended"
    header = model.headerData(RULE_COLUMN_OF["state"], Qt.Orientation.Horizontal)
    assert header == "State on 2026-01-15"
    page.set_day(date(2025, 10, 20))
    assert state(page, ANN_61) == "not yet effective"
    assert state(page, ANN_70) == "not yet effective"
    page.set_day(date(2027, 1, 1))
    assert state(page, "CN-MOFCOM-2025-18") == "in force"


def test_banner_on_2026_11_30_and_not_on_2026_11_01(page: RulesPage) -> None:
    assert not page.banner.isHidden()
    text = page.banner.text()
    assert "Today, 4 rules have no verified status" in text
    assert (
        "Announcement 70's suspension of Announcements 57, 61 and 62 ended on 2026-11-10 and "
        "its outcome is not in the rule set: verify on MOFCOM and record what happened as a "
        "local override." in text
    )
    page.set_day(date(2026, 11, 1))
    assert page.banner.isHidden()
    assert "Rule set 2026.11.30" in page.info.text()
    assert "latest verified material 31 May 2026" in page.info.text()
    assert "reviewed 30 Nov 2026" in page.info.text()


def test_banner_lines_name_each_unknown_rule() -> None:
    rule_set = load_rule_set()
    assert banner_lines(rule_set, date(2026, 11, 1)) == []
    extended = rule_set.with_overrides([extend_61()])
    (line,) = banner_lines(extended, TODAY)
    assert line.startswith("Announcement 70's suspension of Announcements 57 and 62 ended")


def test_override_extends_the_suspension_and_undo_removes_it(
    page: RulesPage, session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    page.select_rule(ANN_61)
    with qtbot.waitSignal(
        session.changed, check_params_cb=lambda change: change.entity == "rule_overrides"
    ):
        assert page.add_override(extend_61()) == ""
    assert state(page, ANN_61) == "suspended"
    assert session.rule_set.rule(ANN_61).override is not None
    overrides = page.overrides_model
    assert overrides is not None
    assert overrides.rowCount() == 1
    assert overrides.index(0, 2).data() == extend_61().note
    assert overrides.index(0, 1).data() == "suspended until 2027-05-10"
    assert "extends the suspension by six months" in page.detail.toPlainText()
    assert "Announcements 57 and 62" in page.banner.text()
    assert "1 local override" in page.info.text()
    stored = session.workspace.all(RuleOverrideRow)
    assert [row.data["suspended_until"] for row in stored] == ["2027-05-10"]
    undo_stack.undo()
    assert state(page, ANN_61) == "unverified"
    assert overrides.rowCount() == 0
    assert session.workspace.all(RuleOverrideRow) == []
    assert session.rule_set.rule(ANN_61).override is None
    undo_stack.redo()
    assert state(page, ANN_61) == "suspended"
    assert workspace_rule_set(session.workspace).rule(ANN_61).override == extend_61()


def test_removing_an_override_is_undoable(
    page: RulesPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    page.add_override(extend_61())
    overrides = page.overrides_model
    assert overrides is not None
    page.overrides_view.selectRow(0)
    assert page.remove_override_button.isEnabled()
    page.remove_override_button.click()
    assert overrides.rowCount() == 0
    assert state(page, ANN_61) == "unverified"
    undo_stack.undo()
    assert overrides.rowCount() == 1
    assert state(page, ANN_61) == "suspended"


def test_an_override_the_rule_set_cannot_apply_is_refused(
    page: RulesPage, undo_stack: QUndoStack
) -> None:
    impossible = RuleOverride(rule_id=ANN_70, suspended_until=date(2027, 5, 10), note="x")
    reason = page.add_override(impossible)
    assert "no dated suspension to extend" in reason
    assert undo_stack.count() == 0


def test_override_dialog_needs_a_change_and_a_note(session: WorkspaceSession) -> None:
    rule = session.rule_set.rule(ANN_61)
    dialog = RuleOverrideDialog(rule, TODAY)
    assert dialog.extend.isEnabled()
    dialog.accept()
    assert "choose what changed" in dialog.error.text()
    dialog.extend.setChecked(True)
    dialog.accept()
    assert "add a note" in dialog.error.text()
    dialog.note.setPlainText("checked MOFCOM")
    override = dialog.override()
    assert override.suspended_until == date(2026, 11, 10)
    assert override.author == dialog.author.text()
    assert override.created_at is not None
    assert not RuleOverrideDialog(session.rule_set.rule(ANN_70), TODAY).extend.isEnabled()


def test_sources_open_in_the_browser(page: RulesPage, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    page.select_rule("CN-MOFCOM-2025-18-SmFeN")  # one source: a click opens it
    model = page.rules_model
    assert model is not None
    source = page.rules_proxy.mapFromSource(
        model.index(model.row_of("CN-MOFCOM-2025-18-SmFeN"), RULE_COLUMN_OF["sources"])
    )
    assert source.data() == "osencmagnet.com"
    page.rules_view.clicked.emit(source)
    assert opened == ["https://osencmagnet.com/export-controls-on-rare-earth-elements/"]
    page.detail.anchorClicked.emit(QUrl("https://udn.com"))
    assert opened[-1] == "https://udn.com"
    page.open_source("javascript:alert(1)")
    assert len(opened) == 2


def test_status_counts_and_empty_state(page: RulesPage) -> None:
    assert page.status_counts() == "9 rules · 4 unverified · 0 local override(s)"
    assert page.default_edit_target() is page.rules_view
    page.set_session(None)
    assert not page.isEnabled()
    assert page.status_counts() == ""
