"""Shared pieces of the `magplan` subcommands: exit codes, errors, dates, output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from planner.rules import LicenceEvaluation, RuleSet
    from planner.workspace import Workspace

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_UNREADABLE = 3


class CliError(Exception):
    """A failure to report on stderr with an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def parse_date_arg(text: str) -> date:
    """Read a YYYY-MM-DD argument (argparse turns the error into exit code 2)."""
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def emit(data: dict[str, Any], as_json: bool, text: Callable[[], str]) -> None:
    """Print `data` as JSON, or the text `text()` builds."""
    if as_json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text() + "\n")


def evaluation_json(evaluation: LicenceEvaluation, rule_set: RuleSet) -> dict[str, Any]:
    """Return a licence evaluation as the documented JSON object."""
    return {
        "on": evaluation.on.isoformat(),
        "need": evaluation.need.value,
        "summary": evaluation.summary,
        "basis": evaluation.basis.value,
        "reasons": [
            {
                "rule_id": reason.rule_id,
                "text": reason.text,
                "sources": [{"title": s.title, "url": s.url} for s in reason.sources],
            }
            for reason in evaluation.reasons
        ],
        "rule_set_version": rule_set.version,
        "rule_set_as_of": rule_set.as_of.isoformat(),
    }


def open_workspace(path: str) -> Workspace:
    """Open a workspace or raise CliError with exit code 3 and the reason."""
    from planner.storage import WorkspaceError
    from planner.workspace import Workspace

    try:
        return Workspace.open(path)
    except WorkspaceError as exc:
        raise CliError(f"cannot open workspace {exc}", EXIT_UNREADABLE) from exc
