"""`magplan licences`: licence applications with expected decisions, depletion and alerts."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.cli_common import (
    EXIT_INVALID,
    EXIT_OK,
    CliError,
    emit,
    open_workspace,
    parse_date_arg,
)
from planner.licence_forecast import ReviewDays

if TYPE_CHECKING:
    from planner.licence_alerts import Alert
    from planner.licence_forecast import ResolvedReview, ReviewEstimate
    from planner.licence_rows import LicenceRow


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `licences` subcommand to `magplan`."""
    parser = sub.add_parser(
        "licences", help="list licence applications with expected decisions and alerts"
    )
    parser.add_argument("workspace")
    parser.add_argument("--on", type=parse_date_arg, default=date.today(), help="today")
    parser.add_argument(
        "--review-days",
        type=_review_days_arg,
        default=ReviewDays(),
        metavar="statutory|median|p90|N",
        help="review time: statutory (45, 20 for amendments), the workspace's observed "
        "median or p90, or N Chinese working days (default: statutory)",
    )
    parser.add_argument("--overdue", action="store_true", help="list only overdue licences")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=cmd_licences)


def _review_days_arg(text: str) -> ReviewDays:
    try:
        return ReviewDays.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_licences(args: argparse.Namespace) -> int:
    """List licences with expected decisions, quantity left, validity and alerts."""
    from planner.licence_alerts import summary_line
    from planner.licence_rows import LicenceBook
    from planner.rules import RuleSetError
    from planner.workspace_rules import workspace_rule_set

    workspace = open_workspace(args.workspace)
    try:
        try:
            rule_set = workspace_rule_set(workspace)
        except RuleSetError as exc:
            raise CliError(
                f"the workspace's rule overrides are invalid: {exc}", EXIT_INVALID
            ) from exc
        book = LicenceBook.of(workspace, args.on, rule_set=rule_set, choice=args.review_days)
        rows = [licence_json(row) for row in book.rows()]
        if args.overdue:
            rows = [row for row in rows if row["overdue_days"] > 0]
        data = {
            "workspace": workspace.name,
            "on": args.on.isoformat(),
            "review_days": review_json(book.review),
            "licences": rows,
            "alerts": [alert_json(alert) for alert in book.alerts],
            "summary": summary_line(book.alerts),
        }
        emit(data, args.json, lambda: _text(data))
    finally:
        workspace.close()
    return EXIT_OK


def licence_json(row: LicenceRow) -> dict[str, Any]:
    """Return one licence row as the documented JSON object."""
    licence, forecast = row.licence, row.forecast
    return {
        "id": licence.id,
        "reference": licence.reference,
        "supplier": row.supplier or None,
        "status": licence.status,
        "kind": licence.kind,
        "is_amendment": bool(licence.is_amendment),
        "submitted_on": _iso(licence.submitted_on),
        "resubmitted_on": _iso(licence.resubmitted_on),
        "decided_on": _iso(licence.decided_on),
        "expected_decision": _iso(forecast.date),
        "expected_basis": forecast.basis,
        "expected_provisional": forecast.provisional,
        "estimated_calendar": forecast.estimated_calendar,
        "working_days_elapsed": row.working_days_elapsed,
        "overdue_days": row.overdue_days,
        "quantity_approved": licence.quantity_approved,
        "quantity_left": row.quantity_left,
        "validity_end": _iso(row.validity_end),
        "documents_done": row.documents_done,
        "documents_total": row.documents_total,
        "alerts": [alert_json(a) for a in row.alerts],
    }


def alert_json(alert: Alert) -> dict[str, Any]:
    """Return an alert as the documented JSON object."""
    return {
        "kind": alert.kind.value,
        "severity": alert.severity.value,
        "text": alert.text,
        "licence_id": alert.licence_id,
        "order_id": alert.order_id,
        "rule_id": alert.rule_id,
    }


def review_json(review: ResolvedReview) -> dict[str, Any]:
    """Return a resolved review-time scenario as the documented JSON object."""

    def estimate(item: ReviewEstimate) -> dict[str, Any]:
        return {
            "days": item.days,
            "label": item.label,
            "sample_size": item.sample_size,
            "note": item.note,
        }

    return {
        "choice": str(review.choice),
        "application": estimate(review.application),
        "amendment": estimate(review.amendment),
        "count_start_day": review.count_start_day,
        "restart_on_resubmission": review.restart_on_resubmission,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _text(data: dict[str, Any]) -> str:
    review = data["review_days"]
    lines = [
        f"Licences in {data['workspace']} on {data['on']} — review time "
        f"{review['application']['days']} Chinese working days "
        f"({review['application']['label']}), amendments {review['amendment']['days']}",
    ]
    header = (
        f"{'reference':<18} {'supplier':<20} {'status':<21} {'submitted':<10} "
        f"{'expected':<11} {'WD':>4} {'late':>4} {'left':>10} {'valid to':<10} {'docs':>5}"
    )
    lines += [header, "-" * len(header)]
    for row in data["licences"]:
        expected = row["expected_decision"] or "-"
        if row["expected_provisional"]:
            expected += "*"
        if row["estimated_calendar"]:
            expected += "~"
        left = "-" if row["quantity_left"] is None else f"{row['quantity_left']:,.0f}"
        lines.append(
            f"{row['reference']:<18.18} {row['supplier'] or '-':<20.20} "
            f"{row['status'].replace('_', ' '):<21} {row['submitted_on'] or '-':<10} "
            f"{expected:<11} {_num(row['working_days_elapsed']):>4} "
            f"{_num(row['overdue_days'] or None):>4} {left:>10} "
            f"{row['validity_end'] or '-':<10} "
            f"{str(row['documents_done']) + '/' + str(row['documents_total']):>5}"
        )
    lines.append(
        "WD: Chinese working days on the review clock; late: working days past the expected "
        "decision; * if (re)submitted today; ~ holiday calendar not yet published"
    )
    if data["alerts"]:
        lines.append("")
        lines.append("Alerts:")
        lines.extend(f"  [{a['severity']}] {a['text']}" for a in data["alerts"])
    lines.append("")
    lines.append(data["summary"])
    return "\n".join(lines)


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)
