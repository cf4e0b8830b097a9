"""`magplan`: the Magnet Planner command line.

Exit codes: 0 ok, 2 invalid input (message on stderr), 3 unreadable workspace.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from planner import __version__
from planner.cli_common import (
    EXIT_INVALID,
    EXIT_OK,
    CliError,
    emit,
    evaluation_json,
    open_workspace,
    parse_date_arg,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.exposure import PartExposure
    from planner.grades import Grade
    from planner.rules import RuleSet


def grade_json(text: str, grade: Grade) -> dict[str, Any]:
    """Return a parsed grade as the documented JSON object."""
    from planner.families import family_info

    return {
        "input": text,
        "grade": grade.text,
        "family": grade.family.value,
        "family_label": family_info(grade.family).label,
        "energy_mgoe": grade.energy_mgoe,
        "coercivity_class": grade.coercivity_class,
        "max_temp_c": grade.max_temp_c,
        "dy_tb_wt_pct": list(grade.dy_tb_wt_pct),
        "sm_wt_pct": grade.sm_wt_pct,
        "coating": grade.coating,
        "confidence": grade.confidence.value,
        "notes": list(grade.notes),
    }


def _reasons_text(licence: dict[str, Any]) -> list[str]:
    lines = [f"Licence on {licence['on']}: {licence['need'].replace('_', ' ').upper()}"]
    lines.append(f"  {licence['summary']}")
    for reason in licence["reasons"]:
        rule = f"[{reason['rule_id']}] " if reason["rule_id"] else ""
        lines.append(f"  - {rule}{reason['text']}")
        lines.extend(
            f"      source: {s['title']} {s['url']}".rstrip() for s in reason["sources"]
        )
    lines.append(
        f"  (rule set {licence['rule_set_version']}, as of {licence['rule_set_as_of']})"
    )
    return lines


def cmd_grade(args: argparse.Namespace) -> int:
    """Explain a grade and whether a Chinese export licence is needed for it."""
    from planner.families import Family, family_info
    from planner.grades import GradeError, parse_grade
    from planner.rules import ItemForm, PartFacts, evaluate, load_rule_set

    family = Family(args.family) if args.family else None
    try:
        grade = parse_grade(args.text, family=family)
    except GradeError as exc:
        raise CliError(f"invalid grade {args.text!r}: {exc.reason}", EXIT_INVALID) from exc
    rule_set = load_rule_set()
    facts = PartFacts(
        family=grade.family,
        grade=grade,
        form=ItemForm(args.form),
        supplier_country=args.supplier_country.upper(),
    )
    data = grade_json(args.text, grade)
    data["supplier_country"] = facts.supplier_country
    data["form"] = facts.form.value
    data["licence"] = evaluation_json(evaluate(facts, args.on, rule_set), rule_set)

    def text() -> str:
        low, high = grade.dy_tb_wt_pct
        lines = [
            f"{grade.text}: {family_info(grade.family).label}",
            f"  coercivity class: {grade.coercivity_class or '-'}; "
            f"max working temperature: {grade.max_temp_c or '-'} °C",
            f"  estimated Dy+Tb: {low:g}-{high:g} wt% (confidence {grade.confidence.value})",
        ]
        if grade.sm_wt_pct:
            lines.append(f"  samarium: ~{grade.sm_wt_pct:g} wt%")
        if grade.coating:
            lines.append(f"  coating: {grade.coating}")
        lines.extend(f"  note: {note}" for note in grade.notes)
        return "\n".join(lines + _reasons_text(data["licence"]))

    emit(data, args.json, text)
    return EXIT_OK


def part_json(item: PartExposure, rule_set: RuleSet) -> dict[str, Any]:
    """Return one part's exposure as the documented JSON object."""
    part, info = item.part, item.insight
    return {
        "part_number": part.part_number,
        "description": part.description,
        "family": part.family,
        "grade": info.grade.text if info.grade else part.grade,
        "grade_problem": info.grade_problem,
        "form": part.form,
        "supplier": item.supplier.name if item.supplier else None,
        "supplier_country": item.supplier.country if item.supplier else None,
        "dimensions": info.dimensions.describe() if info.dimensions else part.dimensions,
        "mass_g": info.mass.grams,
        "mass_origin": info.mass.origin.value,
        "mass_explanation": info.mass.explanation,
        "dy_tb_wt_pct": info.dy_tb_wt_pct,
        "dy_tb_origin": "measured" if info.content_measured else "estimated",
        "sm_wt_pct": info.sm_wt_pct,
        "licence": evaluation_json(info.licence, rule_set),
        "months": [
            {
                "period": m.period.isoformat(),
                "pieces": m.pieces,
                "kg": m.kg,
                "dy_tb_kg": m.dy_tb_kg,
                "sm_kg": m.sm_kg,
            }
            for m in item.months
        ],
        "total_pieces": sum(m.pieces for m in item.months),
        "total_kg": sum(m.kg for m in item.months),
    }


def _parts_table(rows: list[dict[str, Any]]) -> str:
    header = f"{'part':<10} {'grade':<8} {'family':<18} {'g/pc':>8} {'':<4}"
    header += f" {'licence':<13} {'pcs/month':>10} {'kg/month':>9}"
    lines = [header, "-" * len(header)]
    for row in rows:
        months = max(len(row["months"]), 1)
        mass = f"{row['mass_g']:.2f}" if row["mass_g"] is not None else "?"
        lines.append(
            f"{row['part_number']:<10} {row['grade'] or '-':<8} {row['family']:<18} "
            f"{mass:>8} {row['mass_origin'][:4]:<4} "
            f"{row['licence']['need'].replace('_', ' '):<13} "
            f"{row['total_pieces'] / months:>10,.0f} {row['total_kg'] / months:>9,.1f}"
        )
    lines.append("mass: 'stat' = stated by user, 'esti' = estimated from shape and density")
    return "\n".join(lines)


def cmd_parts(args: argparse.Namespace) -> int:
    """List every magnet part with its licence status and monthly exposure."""
    from planner.bom import BomCycleError
    from planner.exposure import exposure
    from planner.rules import load_rule_set

    workspace = open_workspace(args.workspace)
    try:
        rule_set = load_rule_set()
        try:
            items = exposure(workspace, args.on, rule_set)
        except BomCycleError as exc:
            raise CliError(str(exc), EXIT_INVALID) from exc
        rows = [part_json(item, rule_set) for item in items]
        data = {"workspace": workspace.name, "on": args.on.isoformat(), "parts": rows}
        emit(data, args.json, lambda: _parts_table(rows))
    finally:
        workspace.close()
    return EXIT_OK


def _create(args: argparse.Namespace, sample: bool) -> int:
    from planner.storage import WorkspaceError

    try:
        if sample:
            from planner.sample import build_sample

            workspace = build_sample(args.out, anchor=args.anchor)
        else:
            from planner.workspace import Workspace

            workspace = Workspace.create(args.out, name=args.name)
    except WorkspaceError as exc:
        raise CliError(f"cannot create {exc}", EXIT_INVALID) from exc
    sys.stdout.write(f"wrote {workspace.location} ({workspace.name})\n")
    workspace.close()
    return EXIT_OK


# Subcommands that live in their own modules; each has `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = (
    "planner.cli_licences",
    "planner.cli_plan",
    "planner.cli_import",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `magplan`."""
    from planner.families import Family

    parser = argparse.ArgumentParser(prog="magplan", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"magplan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    new = sub.add_parser("new", help="create an empty workspace")
    new.add_argument("out")
    new.add_argument("--name")
    new.set_defaults(run=lambda a: _create(a, sample=False))

    sample = sub.add_parser("sample", help="write the sample workspace")
    sample.add_argument("out")
    sample.add_argument("--anchor", type=parse_date_arg, help="date the sample is built around")
    sample.set_defaults(run=lambda a: _create(a, sample=True))

    grade = sub.add_parser("grade", help="explain a magnet grade and its licence need")
    grade.add_argument("text")
    grade.add_argument("--on", type=parse_date_arg, default=date.today())
    grade.add_argument(
        "--family",
        choices=[f.value for f in Family],
        help="family when the text does not say",
    )
    grade.add_argument("--supplier-country", default="CN", help="ISO country of the exporter")
    grade.add_argument("--form", choices=["bare", "assembly"], default="bare")
    grade.add_argument("--json", action="store_true")
    grade.set_defaults(run=cmd_grade)

    parts = sub.add_parser("parts", help="list magnet parts with licence need and exposure")
    parts.add_argument("workspace")
    parts.add_argument("--on", type=parse_date_arg, default=date.today())
    parts.add_argument("--json", action="store_true")
    parts.set_defaults(run=cmd_parts)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `magplan`; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_INVALID
    try:
        code: int = args.run(args)
    except CliError as exc:
        sys.stderr.write(f"magplan: {exc}\n")
        return exc.code
    return code


if __name__ == "__main__":
    sys.exit(main())
