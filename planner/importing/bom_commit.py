"""The commit of BOM lines: the magnet parts they need, created once each, and the lines
themselves, inserted in bulk batch by batch (`commit.commit` runs them in its transaction).
"""

from __future__ import annotations

from array import array
from functools import partial
from itertools import compress, repeat
from operator import is_not
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from planner.importing.bom_rules import bom_records_of, new_parts_of
from planner.importing.bulk import DEFAULT, Columns
from planner.importing.row_result import UPDATE, row_column, row_columns
from planner.importing.row_rules import may_repeat
from planner.schema import BomLine, Part
from planner.workspace import ValidationError

if TYPE_CHECKING:
    from planner.importing.commit import ImportWriter
    from planner.importing.validate import RowResult


def create_parts(writer: ImportWriter, rows: list[RowResult]) -> array[int]:
    """Create the magnet parts the BOM lines need, once each; return each line's part id
    (0: its part is no longer in the workspace).

    A BOM usually names each part once. Then no line can use a part another line creates,
    and no dict of every lower-cased number is needed: for 100,000 lines it held ~10 MB
    at the import's peak.
    """
    existing = {
        number.lower(): key
        for number, key in writer.session.execute(select(Part.part_number, Part.id))
    }
    parts, keys = row_columns(rows, "new_part", "keys")
    first: dict[str, int] | None = {} if _numbers_repeat(keys) else None
    if not existing and first is None:  # the usual first import: every line its own part
        makes = bytes(map(is_not, parts, repeat(None)))
        del parts, keys
        sources = list(compress(rows, makes))
        every = len(sources) == len(rows)
        _insert_parts(writer, sources)
        made = writer.keys.get(Part, ())
        if every:
            return array("q", made)  # from a range: no list of 100,000 ints at the peak
        numbered = iter(made)
        return array("q", (next(numbered) if make else 0 for make in makes))
    ids = array("q", bytes(8 * len(rows)))
    sources = []
    for at, (row, key, part) in enumerate(zip(rows, keys, parts, strict=True)):
        number = (key or "").lower()
        found = existing.get(number) or (first.get(number) if first is not None else None)
        if found is None and part is not None:
            found = -1 - len(sources)  # its place among the parts created
            if first is not None:
                first[number] = found
            sources.append(row)
        if found is not None:
            ids[at] = found
    del first, existing
    _insert_parts(writer, sources)
    created = writer.keys.get(Part, ())
    return array("q", (key if key >= 0 else created[-1 - key] for key in ids))


def _insert_parts(writer: ImportWriter, sources: list[RowResult]) -> None:
    writer.queue_made(Part, sources, lambda batch, _start: new_parts_of(batch))
    writer.settle()


def _numbers_repeat(keys: list[str | None]) -> bool:
    """Whether two lines may name the same part, ignoring case (a shared hash says maybe)."""
    return may_repeat(hash((key or "").lower()) for key in keys)


def write_bom_rows(writer: ImportWriter, rows: list[RowResult], part_ids: array[int]) -> None:
    """Queue the new BOM lines (made batch by batch as they are inserted) and change the
    lines an update names (`part_ids`: each line's part).

    When no line is an update, `rows` itself is queued: the insert empties it.
    """
    product_ids = {name: product.id for name, product in writer.products.items()}
    actions = row_column(rows, "actions")
    if UPDATE not in actions:  # every line is new: no second list of 100,000 lines
        if not all(part_ids):
            raise ValidationError(f"part {rows[part_ids.index(0)].key} no longer exists")
        children = part_ids
        writer.queue_made(BomLine, rows, partial(_line_values, product_ids, children))
        return
    new: list[RowResult] = []
    children = array("q")
    lines = zip(rows, part_ids, actions, strict=True)
    for done, (row, part, action) in enumerate(lines):
        if done % 5_000 == 0:
            writer.monitor.tick(done, len(rows))
        if not part:
            raise ValidationError(f"part {row.key} no longer exists")
        if action == UPDATE and row.target is not None:
            line = writer.session.get(BomLine, row.target)
            if line is None:
                raise ValidationError(f"the BOM line of {row.key} no longer exists")
            writer.change(line, row.record)
        else:
            new.append(row)
            children.append(part)

    writer.queue_made(BomLine, new, partial(_line_values, product_ids, children))


def _line_values(
    product_ids: dict[str, int], children: array[int], rows: list[RowResult], start: int
) -> Columns:
    """Return the columns of a batch of new BOM lines (`children`: every new line's part,
    `start`: where the batch begins among them)."""
    parents, positions = row_columns(rows, "parent", "sources")
    base = {
        "parent_id": [product_ids[(p or "").lower()] for p in parents],
        "child_part_id": children[start : start + len(rows)].tolist(),
        "position": positions.tolist(),
    }
    return _stated_over(len(rows), base, bom_records_of(rows))


def _stated_over(
    size: int, base: dict[str, list[Any]], stated: dict[str, list[Any]]
) -> Columns:
    """Return the columns of `base` with what the rows state over them (None: not stated,
    so the base value, or the column's default where there is none)."""
    values = dict(base)
    for name, column in stated.items():
        under = base.get(name)
        if under is None:
            values[name] = [DEFAULT if v is None else v for v in column]
        else:
            values[name] = [b if v is None else v for b, v in zip(under, column, strict=True)]
    return Columns(size, values)
