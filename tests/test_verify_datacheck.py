"""roomschema.verify.datacheck and the hazard pass: renames, fills, deletions, cascades."""
from __future__ import annotations

from roomschema.schema.compose import entity, field, foreign_key, index, schema
from roomschema.migration.declarations import Declarations
from roomschema.migration.plan import plan_migration
from roomschema.migration.steps import Step
from roomschema.verify import verify_migration

V1 = schema(1, [
    entity("person", [field("id", "INTEGER", True), field("name", "TEXT", True), field("nick")], ["id"]),
    entity("note", [field("id", "INTEGER", True), field("person_id", "INTEGER", True), field("body"), field("legacy")],
           ["id"],
           indices=[index("note", ["person_id"])],
           foreign_keys=[foreign_key(["person_id"], "person", ["id"], "CASCADE")]),
    entity("gone", [field("id", "INTEGER", True)], ["id"]),
])
V2 = schema(2, [
    entity("people", [field("id", "INTEGER", True), field("full_name", "TEXT", True), field("nick", "TEXT", True, "''"),
                      field("score", "INTEGER", True), field("tier", "TEXT", True, "'basic'")], ["id"]),
    entity("note", [field("id", "INTEGER", True), field("person_id", "INTEGER", True), field("body")], ["id"],
           indices=[index("note", ["person_id"])],
           foreign_keys=[foreign_key(["person_id"], "people", ["id"], "CASCADE")]),
])
DECL = Declarations(rename_tables={"person": "people"}, rename_columns={("person", "name"): "full_name"},
                    delete_tables=("gone",), delete_columns=(("note", "legacy"),),
                    fills={("people", "score"): "length(name)"})


def _plan():
    plan = plan_migration(V1, V2, DECL)
    assert not plan.decisions, [d.message for d in plan.decisions]
    return list(plan.steps)


def test_renames_fills_tightened_columns_and_deletions_are_followed():
    report = verify_migration(V1, V2, _plan(), declarations=DECL, rows=900, database_name="db")
    assert report.ok, report.to_text()
    # The table rename shows only as a hazard: dropping person with FKs on would cascade into note.
    assert {h.table for m in report.modes for h in m.hazards} <= {"note"}


def test_a_wrong_fill_or_lost_null_replacement_is_caught():
    steps = [Step(s.sql.replace("(length(name))", "(0)"), s.kind, s.table) for s in _plan()]
    report = verify_migration(V1, V2, steps, declarations=DECL, rows=900, database_name="db", hazard_pass=False)
    errors = [f.message for f in report.modes[0].errors]
    assert any(e.startswith("people.score: ") and "expected value (length(name))" in e for e in errors), errors
    steps = [Step(s.sql.replace("IFNULL(`nick`, '')", "IFNULL(`nick`, 'n/a')"), s.kind, s.table) for s in _plan()]
    report = verify_migration(V1, V2, steps, declarations=DECL, rows=900, database_name="db", hazard_pass=False)
    errors = [f.message for f in report.modes[0].errors]
    assert any(e.startswith("people.nick: ") and "rows changed" in e and "expected ''" in e for e in errors), errors


def test_a_declared_deletion_left_behind_is_reported():
    steps = [s for s in _plan() if s.sql != "DROP TABLE `gone`"]
    report = verify_migration(V1, V2, steps, declarations=DECL, rows=300, database_name="db", hazard_pass=False)
    mode = report.modes[0]
    assert "gone: declared deleted but still present" in [f.message for f in mode.errors]
    assert mode.mismatches[0].room_message == "Migration didn't properly handle: Unexpected table gone"


def _parent_schemas(with_kid: bool):
    kid = entity("kid", [field("id", "INTEGER", True), field("parent_id", "INTEGER", True)], ["id"],
                 foreign_keys=[foreign_key(["parent_id"], "parent", ["id"])])
    pet = entity("pet", [field("id", "INTEGER", True), field("parent_id", "INTEGER")], ["id"],
                 foreign_keys=[foreign_key(["parent_id"], "parent", ["id"], "SET NULL")])
    children = [kid, pet] if with_kid else [pet]
    old = schema(1, [entity("parent", [field("id", "INTEGER", True), field("name")], ["id"])] + children)
    new = schema(2, [entity("parent", [field("id", "INTEGER", True), field("name", "TEXT", True, "''")], ["id"])]
                 + children)
    return old, new


def _rebuild_parent(new):
    e = new.database.entity("parent")
    return [Step(e.create_table_sql("_new_parent")),
            Step("INSERT INTO `_new_parent` (`id`,`name`) SELECT `id`,IFNULL(`name`, '') FROM `parent`"),
            Step("DROP TABLE `parent`"),
            Step("ALTER TABLE `_new_parent` RENAME TO `parent`")]


def test_hazard_pass_reports_set_null():
    old, new = _parent_schemas(with_kid=False)
    report = verify_migration(old, new, _rebuild_parent(new), rows=600, database_name="db")
    assert report.ok, report.to_text()
    [h] = report.modes[0].hazards
    linked = report.modes[0].rows["pet"]
    assert h.kind == "set-null" and h.table == "pet" and 0 < h.count <= linked
    assert h.message.startswith(f"pet.parent_id: with foreign_keys=ON, {h.count} references would be set to NULL")


def test_hazard_pass_reports_a_step_that_fails_with_foreign_keys_on():
    old, new = _parent_schemas(with_kid=True)
    report = verify_migration(old, new, _rebuild_parent(new), rows=600, database_name="db")
    assert report.ok, report.to_text()
    kinds = {(h.kind, h.table) for h in report.modes[0].hazards}
    assert ("step-fails", "") in kinds
    assert any("step 3 fails: FOREIGN KEY constraint failed" in h.message for h in report.modes[0].hazards)


def test_lost_rows_from_a_cascade_show_in_row_counts():
    # A migration that deletes parents while FKs are off leaves orphans: foreign_key_check catches them.
    old, new = _parent_schemas(with_kid=True)
    steps = _rebuild_parent(new) + [Step("DELETE FROM parent WHERE id % 2 = 0")]
    report = verify_migration(old, new, steps, rows=600, database_name="db", hazard_pass=False)
    errors = [f.message for f in report.modes[0].errors]
    assert any(e.startswith("parent: lost ") for e in errors), errors
    assert any(e.startswith("kid: ") and "point at missing parent rows" in e for e in errors), errors


def test_index_that_cannot_serve_its_first_column_is_reported():
    old = schema(1, [entity("t", [field("id", "INTEGER", True), field("a"), field("b")], ["id"],
                            indices=[index("t", ["a"])])])
    # An expression index named like Room's passes nothing: the schema check already differs,
    # and the data check says why queries on t.a would scan.
    steps = [Step("DROP INDEX index_t_a"), Step("CREATE INDEX index_t_a ON t(lower(a))")]
    report = verify_migration(old, old, steps, rows=300, database_name="db", hazard_pass=False)
    errors = [f.message for f in report.modes[0].errors]
    assert any(e.startswith("t: index index_t_a ") for e in errors), errors
