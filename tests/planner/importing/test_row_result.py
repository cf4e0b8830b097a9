"""Row results kept by their block's store: what each row reads back is what was set."""

from __future__ import annotations

from planner.importing.row_result import ERROR, WARNING, RowResult, RowStore, row_columns

DRONE, GIMBAL = "Drone", "Gimbal"


def _rows() -> list[RowResult]:
    store = RowStore(range(10, 16), None)
    rows = store.rows()
    store.share("parent", DRONE)
    rows[2].parent = GIMBAL
    rows[4].key = "MG-5"
    rows[1].note("odd quantity", WARNING)
    rows[3].action = "skip"
    store.put_all("new_part", [None, {"a": 1}, None, None, None, None])
    return rows


def test_rows_keep_their_own_values_and_share_the_rest() -> None:
    rows = _rows()
    assert [row.source_row for row in rows] == [10, 11, 12, 13, 14, 15]
    assert [row.parent for row in rows] == [
        "Drone",
        "Drone",
        "Gimbal",
        "Drone",
        "Drone",
        "Drone",
    ]
    assert [row.status for row in rows] == ["ok", "warning", "ok", "ok", "ok", "ok"]
    assert rows[1].messages == ["odd quantity"]
    assert rows[0].problems() == []
    assert [row.new_part for row in rows] == [None, {"a": 1}, None, None, None, None]
    rows[1].raise_to(ERROR)
    rows[1].raise_to(WARNING)  # never lowers
    assert rows[1].status == "error"


def test_columns_of_any_selection_match_each_row() -> None:
    rows = _rows()
    for picked in (rows, rows[1:4], [rows[5], rows[0], rows[0]], rows[::2], []):
        keys, parents, actions, sources = row_columns(
            picked, "keys", "parent", "actions", "sources"
        )
        assert keys == [row.key for row in picked]
        assert parents == [row.parent for row in picked]
        assert [("insert", "update", "skip")[a] for a in actions] == [r.action for r in picked]
        assert list(sources) == [row.source_row for row in picked]
