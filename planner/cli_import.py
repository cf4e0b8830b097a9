"""`magplan import`: find the table in a spreadsheet, map, check and import it, or say why not.

Exit codes: 0 imported (or, with --dry-run, would import); 2 rows with errors and nothing
imported (or a bad argument); 3 the file or workspace cannot be read (the message names the
category). A bad file never prints a traceback.

Rows with errors block the whole import by default, so a file is never half imported: the
error workbook (--errors OUT.xlsx) marks each problem on its cell, to fix and re-import.
--skip-errors imports the good rows instead, exits 0 and lists the rows left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.cli_common import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, CliError, emit
from planner.importing.field_specs import KINDS

if TYPE_CHECKING:
    import argparse

    from planner.importing.commit import ImportResult
    from planner.importing.mapping import ColumnMapping
    from planner.importing.table import TableGuess
    from planner.importing.validate import ImportPreview, RowResult


def register(subparsers: Any) -> None:
    """Add the `import` subcommand."""
    cmd = subparsers.add_parser(
        "import",
        help="import a spreadsheet (BOM, parts, build plan, stock, orders, licences, ...)",
        description=__doc__,
    )
    cmd.add_argument("file", help="spreadsheet to import (.xlsx, .xls, .ods, .csv ...)")
    cmd.add_argument("--into", required=True, metavar="WORKSPACE", help="workspace file")
    cmd.add_argument("--kind", required=True, choices=KINDS)
    cmd.add_argument("--sheet", help="sheet name (default: the first visible sheet)")
    cmd.add_argument(
        "--header-row", type=int, metavar="N", help="0-based row of the column names"
    )
    cmd.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a column (header, letter or 1-based number) to a field; FIELD 'ignore' "
        "drops it",
    )
    cmd.add_argument("--product", help="BOM without a parent column: product of the lines")
    cmd.add_argument("--mode", choices=("add", "update", "replace"), default="add")
    cmd.add_argument("--plan-start", metavar="YYYY-MM", help="month that 'M01' columns mean")
    cmd.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    cmd.add_argument("--skip-errors", action="store_true", help="import the good rows")
    cmd.add_argument("--errors", metavar="OUT.xlsx", help="write the error workbook")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(run=cmd_import)


@dataclass
class _Sheet:
    name: str
    rows: list[list[object]]
    notices: list[str]


def read_rows(path: Path, sheet: str | None) -> _Sheet:
    """Read one sheet through the reader pipeline (worker process, limits, sniffing).

    Raises:
        CliError: exit code 3, naming the category, for a file that cannot be read.
    """
    from planner.importing import ReadError, read_sheet

    if not path.is_file():
        raise CliError(f"cannot read {path}: not_found: no such file", EXIT_UNREADABLE)
    try:
        data = read_sheet(path, sheet)
    except ReadError as exc:
        raise CliError(
            f"cannot read {path}: {exc.category}: {exc.message}", EXIT_UNREADABLE
        ) from exc
    notices = [str(notice) for notice in data.notices]
    return _Sheet(data.name, [list(r) for r in data.rows], notices)


def _overrides(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column.strip():
            raise CliError(f"--map wants COLUMN=FIELD, got {pair!r}", EXIT_INVALID)
        found[column.strip()] = target.strip()
    return found


def _plan_start(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(f"{text}-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise CliError(f"--plan-start wants YYYY-MM, got {text!r}", EXIT_INVALID) from None


def cmd_import(args: argparse.Namespace) -> int:
    """Run `magplan import`."""
    from planner.cli_common import open_workspace

    path = Path(args.file)
    try:
        sheet = read_rows(path, args.sheet)
    except (CliError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a hostile file must not end in a traceback
        raise CliError(f"cannot read {path}: damaged: {exc}", EXIT_UNREADABLE) from exc
    workspace = open_workspace(args.into)
    try:
        return _run(args, path, sheet, workspace)
    finally:
        workspace.close()


def _run(args: argparse.Namespace, path: Path, sheet: _Sheet, workspace: Any) -> int:
    from planner.importing.commit import commit
    from planner.importing.mapping import map_columns, save_profile
    from planner.importing.table import guess_table
    from planner.importing.validate import validate
    from planner.workspace import ValidationError

    if args.header_row is not None and not 0 <= args.header_row < len(sheet.rows):
        raise CliError(
            f"--header-row {args.header_row} is outside the sheet's {len(sheet.rows)} rows",
            EXIT_INVALID,
        )
    try:
        guess = guess_table(sheet.rows, header_row=args.header_row)
        mapping = map_columns(
            sheet.rows,
            guess,
            args.kind,
            overrides=_overrides(args.map),
            workspace=workspace,
            plan_start=_plan_start(args.plan_start),
        )
    except ValueError as exc:
        raise CliError(str(exc), EXIT_INVALID) from exc
    product = args.product or (path.stem if args.kind == "bom" else None)
    preview = validate(sheet.rows, guess, mapping, workspace, mode=args.mode, product=product)
    preview.notes.extend(sheet.notices + guess.notes)
    missing = mapping.missing()
    workbook = None
    if args.errors:
        from planner.importing.error_workbook import write_error_workbook

        workbook = str(write_error_workbook(args.errors, sheet.rows, preview))
    blocked = bool(missing) or (preview.has_errors and not args.skip_errors)
    result = None
    if not blocked and not args.dry_run:
        try:
            result = commit(workspace, preview, skip_errors=args.skip_errors)
        except ValidationError as exc:
            raise CliError(f"nothing imported: {exc}", EXIT_INVALID) from exc
        save_profile(workspace, mapping)
    data = _report(path, sheet, guess, mapping, preview, result)
    data["summary"] |= {"imported": result is not None, "dry_run": args.dry_run}
    data["summary"]["blocked"] = blocked
    data["error_workbook"] = workbook
    emit(data, args.json, lambda: _text(data))
    return EXIT_INVALID if blocked else EXIT_OK


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _row_json(kind: str, row: RowResult) -> dict[str, Any]:
    item: dict[str, Any] = {
        "source_row": row.source_row,
        "status": row.status,
        "action": row.action,
        "key": row.key,
        "messages": row.messages,
        "fields": {n: _jsonable(c.value) for n, c in row.cells.items() if c.value is not None},
        "problems": {n: c.reason for n, c in row.cells.items() if c.status != "ok"},
    }
    if kind == "bom":
        item |= _magnet_json(row)
    return item


def _magnet_json(row: RowResult) -> dict[str, Any]:
    guess = row.magnet
    part = row.new_part or {}
    if guess is None:
        return {"product": row.parent, "quantity": row.value("quantity"), "is_magnet": False}
    dims = guess.dimensions_mm
    return {
        "product": row.parent,
        "part_number": row.key,
        "quantity": row.value("quantity"),
        "is_magnet": guess.is_magnet or row.action != "skip",
        "contains_magnets": guess.contains_magnets,
        "family": part.get("family") or (guess.family.value if guess.family else None),
        "grade": part.get("grade") or guess.grade,
        "shape": part.get("shape") or (guess.shape.value if guess.shape else None),
        "dimensions": part.get("dimensions") or guess.dimensions,
        "dimensions_mm": list(dims) if dims else None,
        "mass_g": guess.mass_g,
        "mass_origin": guess.mass_origin,
        "reasons": guess.reasons,
    }


def _report(
    path: Path,
    sheet: _Sheet,
    guess: TableGuess,
    mapping: ColumnMapping,
    preview: ImportPreview,
    result: ImportResult | None,
) -> dict[str, Any]:
    columns: dict[str, dict[str, Any]] = {}
    for column, header in mapping.headers.items():
        match = mapping.matches.get(column)
        name = header if header not in columns else f"{header} ({column})"
        columns[name] = {
            "column": column,
            "field": match.field if match else None,
            "confidence": match.confidence if match else 0.0,
            "unit": match.unit if match else None,
            "origin": match.origin if match else None,
            "period": _jsonable(mapping.periods.get(column)),
        }
    summary: dict[str, Any] = dict(preview.summary())
    if result is not None:
        summary["written"] = result.summary()
        summary["skipped_rows"] = {str(k): v for k, v in result.skipped_rows.items()}
    return {
        "file": str(path),
        "sheet": sheet.name,
        "kind": preview.kind,
        "mode": preview.mode,
        "header_row": guess.header_row,
        "first_data_row": guess.first_data_row,
        "last_data_row": guess.last_data_row,
        "table_confidence": guess.confidence,
        "skipped_rows": {str(k): v for k, v in sorted(guess.skipped_rows.items())},
        "columns": columns,
        "fingerprint": mapping.fingerprint,
        "from_profile": mapping.from_profile,
        "notes": preview.notes,
        "rows": [_row_json(preview.kind, r) for r in preview.rows],
        "summary": summary,
    }


def _text(data: dict[str, Any]) -> str:
    summary = data["summary"]
    header = data["header_row"]
    shown = "-" if header is None else f"{header + 1} (0-based {header})"
    lines = [
        f"{data['file']} [{data['sheet']}]: header row {shown}"
        f", {summary['rows']} data rows: {summary['insert']} to add, {summary['update']} to "
        f"update, {summary['skip']} skipped; {summary['errors']} with errors, "
        f"{summary['warnings']} with warnings",
    ]
    mapped = [f"{h} → {c['field']} ({c['confidence']:.2f})" for h, c in data["columns"].items()]
    lines.append("columns: " + "; ".join(m for m in mapped if "→ None" not in m))
    lines.extend(f"note: {n}" for n in data["notes"])
    for row in data["rows"]:
        if row["status"] != "ok":
            problems = [f"{k}: {v}" for k, v in row["problems"].items()] + row["messages"]
            lines.append(
                f"  row {row['source_row'] + 1} {row['status']}: {'; '.join(problems)}"
            )
    if summary["imported"]:
        lines.append("imported.")
    elif summary["blocked"]:
        lines.append("nothing imported: fix the rows with errors (or use --skip-errors).")
    else:
        lines.append("dry run: nothing written.")
    if data["error_workbook"]:
        lines.append(f"error workbook: {data['error_workbook']}")
    return "\n".join(lines)
