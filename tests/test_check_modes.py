"""check's fast verification runs the second ALTER TABLE mode only where a statement may fare
differently in it (check.fast._modes_for), and its verdict is the two-mode one."""
from __future__ import annotations

import pytest

from roomschema.check.fast import FAST, _modes_for, _run_verifier, _verdict
from roomschema.migration.sources import Branch
from roomschema.migration.steps import Step
from roomschema.schema.compose import entity, field, schema, view
from roomschema.verify import verify_migration

TAG = [field("id", "INTEGER", True), field("name")]
OLD = schema(1, [entity("tag", TAG, ["id"])], views=[view("tag_names", "SELECT name FROM tag")])
NEW = schema(2, [entity("tag", [field("id", "INTEGER", True), field("name", "TEXT", True, "''")], ["id"])],
             views=[view("tag_names", "SELECT name FROM tag")])
ADDED = schema(2, [entity("tag", TAG + [field("color", "TEXT", False)], ["id"])],
               views=[view("tag_names", "SELECT name FROM tag")])


def _rebuild() -> list:
    """A table rebuild that keeps the view: it fails with legacy_alter_table=OFF only."""
    return [Step(NEW.database.entity("tag").create_table_sql("_new_tag")),
            Step("INSERT INTO `_new_tag` (`id`,`name`) SELECT `id`,IFNULL(`name`, '') FROM `tag`"),
            Step("DROP TABLE `tag`"),
            Step("ALTER TABLE `_new_tag` RENAME TO `tag`")]


@pytest.mark.parametrize("sql", [
    "ALTER TABLE `_new_tag` RENAME TO `tag`", "ALTER TABLE tag RENAME COLUMN name TO label",
    "ALTER TABLE tag DROP COLUMN name", "/* first */ ALTER TABLE tag ADD COLUMN c TEXT",
    "ALTER TABLE tag ADD COLUMN c TEXT DEFAULT 'rename'", "PRAGMA user_version = 3",
    "INSERT INTO t SELECT name FROM sqlite_master", "UPDATE tag SET name = random()",
    "UPDATE tag SET name = datetime('now')", "UPDATE tag SET name = CURRENT_TIMESTAMP",
    "INSERT INTO t VALUES (last_insert_rowid())", "INSERT INTO t SELECT * FROM pragma_table_info('tag')"])
def test_a_statement_that_may_fare_differently_runs_both_modes(sql):
    assert _modes_for([Step("CREATE TABLE t (x)"), Step(sql)]) == FAST["modes"]


@pytest.mark.parametrize("sql", [
    "CREATE TABLE t (x INTEGER)", "ALTER TABLE tag ADD COLUMN color TEXT", "ALTER TABLE `tag` ADD `drop_at` INTEGER",
    "UPDATE tag SET name = '' WHERE name IS NULL", "DELETE FROM tag WHERE acknowledged = 1",
    "CREATE INDEX index_tag_name ON tag (name)"])
def test_adding_tables_columns_and_rows_runs_the_first_mode_alone(sql):
    assert _modes_for([Step(sql), Step.foreign_key_check("tag")]) == FAST["modes"][:1]


def test_a_branch_decided_on_the_database_runs_both_modes():
    branch = Branch("-- if the column is missing", "branch", then=(Step("ALTER TABLE tag ADD COLUMN c TEXT"),))
    assert _modes_for([branch]) == FAST["modes"]


def test_a_failure_of_one_mode_is_still_found_and_named():
    """The rebuild renames a table, so both modes run, and the verdict names the one that fails."""
    hit = _run_verifier(OLD, NEW, _rebuild(), None, "db")
    assert hit["ok"] is False
    assert "no such table: main.tag" in hit["summary"]
    assert hit["summary"].endswith("(only with legacy_alter_table=OFF)"), hit["summary"]


def test_one_mode_gives_the_verdict_both_would():
    steps = [Step("ALTER TABLE tag ADD COLUMN color TEXT")]
    assert _modes_for(steps) == FAST["modes"][:1]
    both = verify_migration(OLD, ADDED, steps, database_name="db", rows=FAST["rows"], modes=FAST["modes"],
                            hazard_pass=False)
    assert [m.passed for m in both.modes] == [True, True]
    assert _run_verifier(OLD, ADDED, steps, None, "db") == _verdict(both)
    # A failure the same in both modes: the same verdict text from one of them.
    lost = [Step("ALTER TABLE tag ADD COLUMN color TEXT"), Step("DELETE FROM tag WHERE id % 2 = 0")]
    both = verify_migration(OLD, ADDED, lost, database_name="db", rows=FAST["rows"], modes=FAST["modes"],
                            hazard_pass=False)
    assert [m.passed for m in both.modes] == [False, False]
    assert _run_verifier(OLD, ADDED, lost, None, "db") == _verdict(both)
