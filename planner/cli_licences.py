"""`magplan licences`: licence applications with expected decisions, depletion and alerts."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
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
    from planner.licence_alerts import Alert, LicenceSnapshot
    from planner.licence_forecast import ResolvedReview, ReviewEstimate
    from planner.rules import RuleSet
    from planner.schema import Licence


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


@dataclass(frozen=True)
class _Context:
    """What every licence row needs."""

    on: date
    review: ResolvedReview
    rule_set: RuleSet
    snapshot: LicenceSnapshot
    documents: dict[int, tuple[int, int]]
    alerts: list[Alert]


def cmd_licences(args: argparse.Namespace) -> int:
    """List licences with expected decisions, quantity left, validity and alerts."""
    from planner.licence_alerts import LicenceSnapshot, alerts, summary_line
    from planner.licence_forecast import resolve_review_days
    from planner.rules import RuleSetError
    from planner.schema import LicenceDocument
    from planner.workspace_rules import workspace_rule_set

    workspace = open_workspace(args.workspace)
    try:
        try:
            rule_set = workspace_rule_set(workspace)
        except RuleSetError as exc:
            raise CliError(
                f"the workspace's rule overrides are invalid: {exc}", EXIT_INVALID
            ) from exc
        snapshot = LicenceSnapshot.of(workspace)
        total: Counter[int] = Counter()
        done: Counter[int] = Counter()
        for document in workspace.all(LicenceDocument):
            total[document.licence_id] += 1
            done[document.licence_id] += bool(document.done)
        review = resolve_review_days(args.review_days, snapshot.licences, rule_set)
        found = alerts(snapshot, args.on, rule_set=rule_set, review=review)
        context = _Context(
            args.on,
            review,
            rule_set,
            snapshot,
            {key: (done[key], total[key]) for key in total},
            found,
        )
        rows = [licence_json(licence, context) for licence in snapshot.licences]
        if args.overdue:
            rows = [row for row in rows if row["overdue_days"] > 0]
        data = {
            "workspace": workspace.name,
            "on": args.on.isoformat(),
            "review_days": review_json(review),
            "licences": rows,
            "alerts": [alert_json(alert) for alert in found],
            "summary": summary_line(found),
        }
        emit(data, args.json, lambda: _text(data))
    finally:
        workspace.close()
    return EXIT_OK


def licence_json(licence: Licence, context: _Context) -> dict[str, Any]:
    """Return one licence as the documented JSON object."""
    from planner.licence_forecast import (
        overdue_days,
        quantity_left,
        validity_end,
        working_days_elapsed,
    )

    review, on = context.review, context.on
    clock = {
        "count_start_day": review.count_start_day,
        "restart_on_resubmission": review.restart_on_resubmission,
    }
    forecast = review.expect(licence, on=on)
    supplier = context.snapshot.suppliers.get(licence.supplier_id)
    end = validity_end(licence, context.rule_set)
    done, total = context.documents.get(licence.id, (0, 0))
    return {
        "id": licence.id,
        "reference": licence.reference,
        "supplier": supplier.name if supplier is not None else None,
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
        "working_days_elapsed": working_days_elapsed(licence, on, **clock),
        "overdue_days": overdue_days(licence, on, review, **clock),
        "quantity_approved": licence.quantity_approved,
        "quantity_left": quantity_left(licence, context.snapshot.orders),
        "validity_end": _iso(end),
        "documents_done": done,
        "documents_total": total,
        "alerts": [alert_json(a) for a in context.alerts if a.licence_id == licence.id],
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
