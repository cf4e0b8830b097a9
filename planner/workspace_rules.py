"""The rule set in force for a workspace: shipped rules plus the workspace's local overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.rules import RuleOverride, RuleSet, load_rule_set
from planner.schema import RuleOverrideRow

if TYPE_CHECKING:
    from planner.workspace import Workspace


def overrides(workspace: Workspace) -> list[RuleOverride]:
    """Return the workspace's active local rule overrides, oldest first."""
    rows = workspace.all(RuleOverrideRow, RuleOverrideRow.id)
    return [RuleOverride.from_json(row.data) for row in rows if row.active]


def workspace_rule_set(workspace: Workspace, base: RuleSet | None = None) -> RuleSet:
    """Return the shipped rule set with the workspace's overrides applied."""
    rule_set = base or load_rule_set()
    local = overrides(workspace)
    return rule_set.with_overrides(local) if local else rule_set
