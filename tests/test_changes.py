"""The change vocabulary: risks rank by harm, the JSON keeps its shape, and a plan
carries the comparison it was planned from."""
from __future__ import annotations

import json

import roomschema
from roomschema import ChangeKind, Declarations, Risk
from roomschema.render.reports import diff_text
from roomschema.schema import compose


def _tightened_and_unindexed():
    """t.a becomes NOT NULL without default (data-dependent) and loses its index (rebuild)."""
    old = compose.schema(1, [compose.entity("t", [compose.field("id", "INTEGER", True), compose.field("a")],
                                            primary_key=["id"], indices=[compose.index("t", ["a"])])])
    new = compose.schema(2, [compose.entity("t", [compose.field("id", "INTEGER", True),
                                                  compose.field("a", not_null=True)], primary_key=["id"])])
    return old, new


def test_worst_is_the_most_harmful_risk_not_the_last_name():
    changes = roomschema.diff(*_tightened_and_unindexed())
    assert [(c.kind, c.risk) for c in changes.changes] == [
        (ChangeKind.COLUMN_NOT_NULL_CHANGED, Risk.DATA_DEPENDENT), (ChangeKind.INDEX_REMOVED, Risk.REBUILD)]
    # "rebuild" sorts after "data-dependent" as a string; a NOT NULL that existing rows may break is worse.
    assert changes.worst is Risk.DATA_DEPENDENT
    assert "(worst: data-dependent)" in diff_text(changes, 1, 2)
    assert [r.rank for r in (Risk.ADDITIVE, Risk.REBUILD, Risk.DATA_DEPENDENT, Risk.DESTRUCTIVE)] == [0, 1, 2, 3]


def test_json_keeps_the_class_key_and_the_old_count_order():
    text = json.dumps(roomschema.diff(*_tightened_and_unindexed()).to_json(), indent=2)
    assert text == """{
  "from": 1,
  "to": 2,
  "additive_only": false,
  "backward_compatible": false,
  "counts": {
    "additive": 0,
    "rebuild": 1,
    "destructive": 0,
    "data-dependent": 1
  },
  "changes": [
    {
      "kind": "column-not-null-changed",
      "table": "t",
      "column": "a",
      "class": "data-dependent",
      "backward_compatible": false,
      "summary": "t.a: becomes NOT NULL (existing NULLs need a value)",
      "details": {
        "from": {
          "affinity": "TEXT",
          "not_null": false,
          "default": null
        },
        "to": {
          "affinity": "TEXT",
          "not_null": true,
          "default": null
        }
      }
    },
    {
      "kind": "index-removed",
      "table": "t",
      "column": null,
      "class": "rebuild",
      "backward_compatible": true,
      "summary": "t: index removed index_t_a(a)",
      "details": {
        "name": "index_t_a",
        "columns": [
          "a"
        ]
      }
    }
  ],
  "suggestions": []
}"""


def test_the_plan_carries_the_diff_of_its_own_declarations_and_renders_it():
    old = compose.schema(1, [compose.entity("t", [compose.field("id", "INTEGER", True), compose.field("a")],
                                            primary_key=["id"])])
    new = compose.schema(2, [compose.entity("t", [compose.field("id", "INTEGER", True), compose.field("b")],
                                            primary_key=["id"])])
    decl = Declarations(rename_columns={("t", "a"): "b"})
    plan = roomschema.plan_migration(old, new, decl)
    assert plan.ok and plan.diff == roomschema.diff(old, new, decl)
    # Compared under the rename, not as a removed column and an added one.
    assert [c.kind for c in plan.diff.changes] == [ChangeKind.COLUMN_RENAMED]
    sql = roomschema.migration_sql(plan)
    assert "-- Changes (1 rebuild):\n--   [rebuild] t.a renamed to b\n" in sql
    assert " * - [rebuild] t.a renamed to b\n" in roomschema.migration_kotlin(plan, "com.example.migrations")
