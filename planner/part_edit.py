"""Validate an edit of a magnet part before it is applied (and wrapped in an undo step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from planner.families import Family, family_info
from planner.fields import PART_FIELDS, Context, FieldError, spec
from planner.grades import GradeError, parse_grade
from planner.schema import Part, Supplier
from planner.shapes import Shape, parse_dimensions

if TYPE_CHECKING:
    from planner.workspace import Workspace


def supplier_lookup(workspace: Workspace) -> dict[str, int]:
    """Return supplier name -> id."""
    return {s.name: s.id for s in workspace.all(Supplier)}


def context_of(part: Part | None, workspace: Workspace) -> Context:
    """Return the parsing context of a part row."""
    if part is None:
        return Context(suppliers=supplier_lookup(workspace))
    return Context(
        family=Family(part.family),
        shape=Shape(part.shape) if part.shape else None,
        suppliers=supplier_lookup(workspace),
    )


def _number_taken(workspace: Workspace, number: str, part_id: int | None) -> bool:
    with workspace.transaction() as session:
        query = select(func.count()).where(func.lower(Part.part_number) == number.lower())
        if part_id is not None:
            query = query.where(Part.id != part_id)
        return bool(session.scalar(query.select_from(Part)))


def part_changes(
    workspace: Workspace, part_id: int, name: str, text: str | None
) -> dict[str, Any]:
    """Return the column values an edit of `name` to `text` sets on a part.

    Raises:
        FieldError: the value is refused; the reason says why and what to do.
    """
    part = workspace.get(Part, part_id)
    if part is None:
        raise FieldError(name, "this part no longer exists")
    if name == "supplier_id" and text is not None:
        text = text.strip()
    value = spec(PART_FIELDS, name).read(text, context_of(part, workspace))
    changes: dict[str, Any] = {name: value}
    if name == "part_number" and _number_taken(workspace, value, part_id):
        raise FieldError(name, f"part number {value} already exists")
    if name == "family" and part.grade:
        _check_grade_fits(part.grade, Family(value))
    if name == "dimensions" and value is not None:
        changes["shape"] = parse_dimensions(value).shape.value
    if name == "shape" and part.dimensions and value is not None:
        _check_dimensions_fit(part.dimensions, Shape(value))
    return changes


def _check_grade_fits(grade: str, family: Family) -> None:
    try:
        parse_grade(grade, family=family)
    except GradeError as exc:
        label = family_info(family).label
        raise FieldError(
            "family",
            f"grade {grade} does not fit {label} ({exc.reason}); change or clear "
            "the grade first",
        ) from exc


def _check_dimensions_fit(dimensions: str, shape: Shape) -> None:
    try:
        parse_dimensions(dimensions, shape=shape)
    except ValueError as exc:
        raise FieldError(
            "shape",
            f"the dimensions {dimensions} do not describe a {shape.value}; "
            "edit the dimensions instead",
        ) from exc


def new_part_values(workspace: Workspace, texts: dict[str, str]) -> dict[str, Any]:
    """Validate a whole new part given as texts per field (paste, add dialog, import).

    Raises:
        FieldError: the first refused field (family is read before grade, shape before
            dimensions, so each is checked in its row's context).
    """
    values: dict[str, Any] = {}
    context = Context(suppliers=supplier_lookup(workspace))
    for field_spec in PART_FIELDS:
        value = field_spec.read(texts.get(field_spec.name), context)
        values[field_spec.name] = value
        if field_spec.name == "family" and value is not None:
            context = Context(family=Family(value), suppliers=context.suppliers)
        if field_spec.name == "shape" and value is not None:
            context = Context(
                family=context.family, shape=Shape(value), suppliers=context.suppliers
            )
        if (
            field_spec.name == "dimensions"
            and value is not None
            and values.get("shape") is None
        ):
            values["shape"] = parse_dimensions(value).shape.value
    if _number_taken(workspace, values["part_number"], None):
        raise FieldError("part_number", f"part number {values['part_number']} already exists")
    values["form"] = values.get("form") or "bare"
    return {k: v for k, v in values.items() if v is not None or k in {"grade", "dimensions"}}
