"""`magplan plan`: runouts, line stops, recommended purchases and exposure of a workspace."""

from __future__ import annotations

import argparse
import math
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

if TYPE_CHECKING:
    from planner.plan_result import Plan
    from planner.workspace import Workspace


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `plan` subcommand to `magplan`."""
    parser = sub.add_parser("plan", help="plan: runouts, line stops, purchases, exposure")
    parser.add_argument("workspace")
    parser.add_argument("--on", type=parse_date_arg, default=date.today(), help="today")
    parser.add_argument(
        "--start",
        type=parse_date_arg,
        help="first day of the plan (default: the workspace's plan start, not before --on)",
    )
    parser.add_argument("--horizon", type=int, default=12, help="periods, 3 to 36")
    parser.add_argument("--bucket", choices=["week", "month"], default="month")
    parser.add_argument(
        "--review-days",
        default="statutory",
        metavar="statutory|median|p90|N",
        help="licence review: statutory (45 Chinese working days, 20 for amendments), the "
        "workspace's observed median or p90, or N working days",
    )
    parser.add_argument(
        "--pending",
        type=_pending_arg,
        default=("counted", 0),
        metavar="counted|delayed:N|rejected",
        help="pending licences arrive as expected, N working days later, or never",
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=cmd_plan)


def _pending_arg(text: str) -> tuple[str, int]:
    word, _, days = text.strip().lower().partition(":")
    if word in {"counted", "rejected"} and not days:
        return word, 0
    if word == "delayed" and days.isdigit():
        return word, int(days)
    raise argparse.ArgumentTypeError(
        f"pending must be counted, delayed:N (working days) or rejected, not {text!r}"
    )


def _start(workspace: Workspace, args: argparse.Namespace) -> date:
    if args.start is not None:
        return args.start  # type: ignore[no-any-return]
    saved = workspace.meta("plan_start")
    start: date = args.on
    if saved:
        start = max(date.fromisoformat(saved), args.on)
    return start


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan the workspace under the scenario the options describe and print the result."""
    from planner.bom import BomCycleError
    from planner.engine import plan_workspace
    from planner.periods import Bucket
    from planner.plan_model import PendingMode, Scenario, ScenarioError

    workspace = open_workspace(args.workspace)
    try:
        review = args.review_days.strip().lower()
        mode, delay = args.pending
        try:
            scenario = Scenario(
                name="command line",
                start=_start(workspace, args),
                horizon=args.horizon,
                bucket=Bucket(args.bucket),
                review_days=int(review) if review.isdigit() else review,
                pending=PendingMode(mode),
                pending_delay_working_days=delay,
            )
            plan = plan_workspace(workspace, scenario, today=args.on)
        except (ScenarioError, BomCycleError) as exc:
            raise CliError(str(exc), EXIT_INVALID) from exc
        data = plan_json(plan)
        data["workspace"] = workspace.name
        emit(data, args.json, lambda: plan_text(data))
    finally:
        workspace.close()
    return EXIT_OK


def _iso(day: int) -> str | None:
    from planner.plan_model import date_of

    found = date_of(int(day))
    return found.isoformat() if found is not None else None


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 6)


def plan_json(plan: Plan) -> dict[str, Any]:
    """Return a plan as the documented JSON object."""
    from planner.plan_result import RecommendationStatus, SupplyClass
    from planner.plan_text import recommendation_reason, supply_reason

    snap = plan.snapshot
    parts, products, recs = snap.parts, snap.products, plan.recommendations
    cost = recs.cost
    stops, exposure = plan.line_stop, plan.exposure
    scenario = snap.scenario
    return {
        "on": snap.today.isoformat(),
        "scenario": {
            "name": scenario.name,
            **scenario.to_settings(),
            "pending_label": scenario.pending_label,
        },
        "review_working_days": snap.review_working_days,
        "review_basis": snap.review_basis,
        "periods": list(snap.labels),
        "parts": [
            {
                "part": number,
                "runout_firm": _iso(plan.runout_firm[i]),
                "runout_with_pending": _iso(plan.runout_with_pending[i]),
                "below_safety": _iso(plan.below_safety[i]),
                "licence_need": parts.licence_need[i],
                "licence_if_from_china": bool(parts.controlled[i].any()),
            }
            for i, number in enumerate(parts.number)
        ],
        "products": [
            {
                "product": name,
                "kind": products.kind[i],
                "line_stop": _iso(stops.with_pending[i]),
                "line_stop_part": _part(plan, int(stops.with_pending_part[i])),
                "line_stop_firm": _iso(stops.firm[i]),
                "line_stop_firm_part": _part(plan, int(stops.firm_part[i])),
            }
            for i, name in enumerate(products.name)
        ],
        "recommendations": [
            {
                "part": parts.number[int(recs.part[i])],
                "quantity": float(recs.qty[i]),
                "supplier": _supplier(plan, int(recs.supplier[i])),
                "order_by": _iso(recs.order_by[i]),
                "expected_arrival": _iso(recs.arrival[i]),
                "need_date": _iso(recs.need[i]),
                "licence_needed": bool(recs.licence[i]),
                "status": RecommendationStatus(int(recs.status[i])).label,
                "shortfall": float(recs.shortfall[i]),
                "cost": _number(cost[i]),
                "currency": recs.currency(i) or None,
                "reason": recommendation_reason(plan, i),
            }
            for i in range(len(recs))
        ],
        "supply": [
            {
                "order": snap.orders.reference[int(plan.supply.order[i])],
                "part": parts.number[int(snap.orders.part[plan.supply.order[i]])],
                "quantity": float(plan.supply.qty[i]),
                "class": SupplyClass(int(plan.supply.supply_class[i])).label,
                "arrival": _iso(plan.supply.arrival[i]),
                "reason": supply_reason(plan, i),
            }
            for i in range(len(plan.supply))
        ],
        "exposure": {
            "pieces": exposure.pieces.tolist(),
            "kg": exposure.kg.tolist(),
            "dy_tb_kg": exposure.dy_tb_kg.tolist(),
            "sm_kg": exposure.sm_kg.tolist(),
            "controlled_share": exposure.controlled_share.tolist(),
            "pending_share": exposure.pending_share.tolist(),
            "country_share": {c: v.tolist() for c, v in exposure.country_share().items()},
        },
        "notes": list(snap.notes),
    }


def _part(plan: Plan, index: int) -> str | None:
    return plan.snapshot.parts.number[index] if index >= 0 else None


def _supplier(plan: Plan, index: int) -> str | None:
    return plan.snapshot.suppliers.name[index] if index >= 0 else None


def plan_text(data: dict[str, Any]) -> str:
    """Return the readable report of `plan_json` data."""
    scenario = data["scenario"]
    lines = [
        f"Plan of {data.get('workspace', 'workspace')} on {data['on']}: {scenario['horizon']} "
        f"{scenario['bucket']}s from {scenario['start']}; licence review "
        f"{data['review_working_days']} Chinese working days ({data['review_basis']}); "
        f"pending licences {scenario['pending_label']}",
        "",
        f"{'part':<12} {'runout firm':<12} {'with pending':<12} {'below safety':<12}",
    ]
    for row in data["parts"]:
        lines.append(
            f"{row['part']:<12} {row['runout_firm'] or '-':<12} "
            f"{row['runout_with_pending'] or '-':<12} {row['below_safety'] or '-':<12}"
        )
    lines += ["", f"{'product':<32} line stop (with pending / firm only)"]
    for row in data["products"]:
        lines.append(
            f"{row['product'][:32]:<32} {row['line_stop'] or '-'} {row['line_stop_part'] or ''}"
            f" / {row['line_stop_firm'] or '-'} {row['line_stop_firm_part'] or ''}".rstrip()
        )
    lines += ["", f"Recommended purchases ({len(data['recommendations'])}):"]
    lines += [f"  [{r['status']}] {r['reason']}" for r in data["recommendations"]]
    lines += [
        "",
        f"{'period':<10} {'pieces':>12} {'kg':>10} {'Dy/Tb kg':>9} "
        f"{'Sm kg':>8} {'licence':>8} {'pending':>8}",
    ]
    exposure = data["exposure"]
    for i, label in enumerate(data["periods"]):
        lines.append(
            f"{label:<10} {exposure['pieces'][i]:>12,.0f} {exposure['kg'][i]:>10,.1f} "
            f"{exposure['dy_tb_kg'][i]:>9,.2f} {exposure['sm_kg'][i]:>8,.2f} "
            f"{exposure['controlled_share'][i]:>8.0%} {exposure['pending_share'][i]:>8.0%}"
        )
    lines += [f"note: {note}" for note in data["notes"]]
    return "\n".join(lines)
