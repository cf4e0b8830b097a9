"""The full text of one rule for the Rules page's detail panel, as HTML with source links."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ui.rules_model import (
    STATE_COLOURS,
    controls_text,
    override_text,
    state_words,
    suspensions_text,
    window_text,
)

if TYPE_CHECKING:
    import datetime as dt

    from planner.rules import Rule, RuleOverride, RuleSet


def rule_html(rule: Rule, rule_set: RuleSet, day: dt.date) -> str:
    """Return a rule in full as HTML: state on `day`, dates, notes, sources, override."""
    state = rule.state_on(day)
    colour = STATE_COLOURS[state]
    known = f"status known until {rule.status_known_until}" if rule.status_known_until else ""
    pairs = (
        ("Kind", rule.kind.value),
        ("Controls", controls_text(rule)),
        ("Condition", rule.condition or ""),
        ("Origin test", rule.origin_condition or ""),
        ("Effective", window_text(rule)),
        ("Suspensions", suspensions_text(rule, rule_set)),
        ("Known status", known),
        ("Issued", str(rule.issued_on or "")),
        ("Exempts", ", ".join(rule.exempts)),
        ("Confidence", rule.confidence.value),
    )
    rows = "".join(
        f"<tr><td style='padding-right:10px; color:gray'>{k}</td><td>{escape(v)}</td></tr>"
        for k, v in pairs
        if v
    )
    links = "".join(
        f"<li><a href='{escape(s.url, quote=True)}'>{escape(s.title)}</a></li>"
        for s in rule.sources
    )
    return (
        f"<h3>{escape(rule.label)} <small style='color:gray'>{escape(rule.id)}</small></h3>"
        f"<p><i>{escape(rule.title)}</i></p>"
        f"<p><b style='color:{colour}'>{escape(state_words(rule, day).capitalize())} on "
        f"{day}</b></p><p>{escape(rule.summary)}</p>"
        f"<table cellspacing='0' cellpadding='1'>{rows}</table>"
        f"{_override_html(rule.override)}"
        f"<h4>Notes</h4><p>{escape(rule.notes or 'none')}</p><h4>Sources</h4><ul>{links}</ul>"
    )


def _override_html(override: RuleOverride | None) -> str:
    if override is None:
        return ""
    by = f" by {escape(override.author)}" if override.author else ""
    when = f" on {override.created_at:%Y-%m-%d}" if override.created_at else ""
    return (
        f"<h4>Local override</h4><p><b>{escape(override_text(override))}</b>{by}{when}<br>"
        f"{escape(override.note)}</p>"
    )
