"""Seeded text a migration compares with (issue #14, item 10): a column the
migration maps value by value holds those values, as an app's rows do.

simple-android's hand-written 36->37 .. 41->42 map an enum column with a CASE
that has no ELSE; on arbitrary seeded text that CASE yields NULL into a NOT NULL
column, a failure no app has."""
from __future__ import annotations

import sqlite3

import pytest

from roomschema.migration.declarations import Declarations
from roomschema.migration.steps import Step
from roomschema.schema.compose import entity, field, foreign_key, index, schema
from roomschema.verify import verify_migration
from roomschema.verify.build import build_database
from roomschema.verify.seed import cleaned_references, compared_literals, plain_copies, seed

# The mapping changes every value on purpose, as the app's migration says.
FAST = {"rows": 3000, "hazard_pass": False,
        "declarations": Declarations(expect_values_changed=(("LoggedInUser", "status"),))}

# simple-android's Migration_36_37.kt, as execSQL runs it.
LOGGED_IN_USER_36_37 = '''
      UPDATE "LoggedInUser"
      SET "status" = (
        CASE
          WHEN "status" == 'WAITING_FOR_APPROVAL' THEN 'requested'
          WHEN "status" == 'APPROVED_FOR_SYNCING' THEN 'allowed'
          WHEN "status" == 'DISAPPROVED_FOR_SYNCING' THEN 'denied'
        END
      )
    '''
# Migration_39_40.kt: one clause per column, several columns in one UPDATE.
MEDICAL_HISTORY_39_40 = 'UPDATE "MedicalHistory" SET ' + ",".join(
    f'''"{c}" = (CASE WHEN "{c}" == 'YES' THEN 'yes' WHEN "{c}" == 'NO' THEN 'no'
        WHEN "{c}" == 'UNKNOWN' THEN 'unknown' END)''' for c in ("hasDiabetes", "hasHadStroke"))
# Migration_38_39.kt: no quotes around the names.
PATIENT_38_39 = """UPDATE Patient SET status = (CASE WHEN status == 'ACTIVE' THEN 'active'
    WHEN status == 'DEAD' THEN 'dead' WHEN status == 'MIGRATED' THEN 'migrated' END)"""


def test_harvest_reads_the_corpus_shapes():
    found = compared_literals([LOGGED_IN_USER_36_37, MEDICAL_HISTORY_39_40, PATIENT_38_39])
    assert found == {
        "loggedinuser": {"status": ("WAITING_FOR_APPROVAL", "APPROVED_FOR_SYNCING", "DISAPPROVED_FOR_SYNCING")},
        "medicalhistory": {"hasdiabetes": ("YES", "NO", "UNKNOWN"), "hashadstroke": ("YES", "NO", "UNKNOWN")},
        "patient": {"status": ("ACTIVE", "DEAD", "MIGRATED")},
    }


def test_harvest_reads_in_lists_case_operands_qualified_and_quoted_names():
    found = compared_literals([
        "DELETE FROM `note` WHERE `kind` IN ('a', 'O''Brien') OR note.mode = 'x' OR [mode] == 'y'",
        "INSERT INTO note_new (id, level) SELECT id, CASE level WHEN 'low' THEN 1 WHEN 'high' THEN 2 END "
        "FROM note_old",
        "UPDATE main.task AS t SET done = 1 WHERE t.state = 'open' -- or 'closed', a comment\n OR state = 'new'",
    ])
    assert found == {"note": {"kind": ("a", "O'Brien"), "mode": ("x", "y")},
                     "note_old": {"level": ("low", "high")},
                     "task": {"state": ("open", "new")}}


def test_harvest_leaves_out_what_is_unclear_or_not_a_comparison():
    found = compared_literals([
        # An assignment writes a value; it says nothing about what the rows hold.
        "UPDATE t SET a = 'x', b = 'y' WHERE c = 'z'",
        # A subquery reads another table: unqualified names could be either's.
        "UPDATE t SET a = 'x' WHERE id IN (SELECT id FROM u WHERE k = 'v') AND t.k2 IN ('1', '2')",
        # A join: only names qualified with the FROM table's alias count.
        "INSERT INTO n SELECT o.a FROM old o JOIN p ON p.id = o.id WHERE o.kind = 'q' AND kind = 'r' AND p.z = 'w'",
        # Statements that work on no table's rows.
        "CREATE VIEW v AS SELECT * FROM t WHERE a = 'b'",
        "INSERT INTO t (a) VALUES ('x')",
        # Not equality.
        "DELETE FROM t WHERE d != 'no' AND d <> 'never' AND d >= 'm' AND d LIKE 'p%'",
    ])
    assert found == {"t": {"c": ("z",), "k2": ("1", "2")}, "old": {"kind": ("q",)}}


def _user(version: int, *extra):
    return schema(version, [entity("LoggedInUser", [field("uuid", "TEXT", True), field("name", "TEXT", True),
                                                    field("status", "TEXT", True), *extra], ["uuid"])])


def test_a_case_without_else_over_the_enum_verifies(tmp_path):
    old, new = _user(36), _user(37)
    # Arbitrary text, as seeded before: the CASE yields NULL and the NOT NULL column refuses it.
    conn = build_database(old, tmp_path / "before.sqlite")
    seed(conn, old, 300)
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        conn.execute(LOGGED_IN_USER_36_37)
    conn.close()
    report = verify_migration(old, new, [Step(LOGGED_IN_USER_36_37)], keep_dir=tmp_path / "k", **FAST)
    assert report.ok, report.to_text()
    conn = sqlite3.connect(tmp_path / "k" / report.modes[0].mode.replace("=", "-").replace("_", "-").lower()
                           / "db.sqlite")
    counts = dict(conn.execute('SELECT status, count(*) FROM "LoggedInUser" GROUP BY status'))
    assert set(counts) == {"requested", "allowed", "denied"} and min(counts.values()) >= 900


def test_a_migration_that_loses_rows_still_fails(tmp_path):
    old, new = _user(36), _user(37)
    # The enum values are seeded, so the rows of one of them are a third of the table.
    steps = [Step("""DELETE FROM "LoggedInUser" WHERE "status" = 'WAITING_FOR_APPROVAL'"""),
             Step(LOGGED_IN_USER_36_37)]
    report = verify_migration(old, new, steps, **FAST)
    assert not report.ok
    assert all("LoggedInUser: lost 1000 of 3000 rows" in m.text_lines()[1] for m in report.modes), report.to_text()


def test_only_a_column_given_two_texts_is_narrowed_and_keys_stay_unique(tmp_path):
    s = schema(1, [entity("t", [field("code", "TEXT", True), field("status", "TEXT", True), field("kind"),
                                field("mode", "TEXT", True), field("title", "TEXT", True)], ["code"],
                          indices=[index("t", ["title"], True)])])
    conn = build_database(s, tmp_path / "db.sqlite")
    values = {"T": {"STATUS": ("A", "B", "C"), "kind": ("x", "y"), "mode": ("only",), "code": ("p", "q"),
                    "title": ("u", "v")}}
    assert seed(conn, s, 600, values=values) == {"t": 600}
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert dict(conn.execute("SELECT status, count(*) FROM t GROUP BY status")) == {"A": 200, "B": 200, "C": 200}
    # A nullable column keeps its NULLs besides the texts.
    assert {r[0] for r in conn.execute("SELECT DISTINCT kind FROM t")} == {None, "x", "y"}
    # One text is no evidence of an enum; keys and unique columns cannot repeat.
    assert one("SELECT count(DISTINCT mode) FROM t") > 2
    assert one("SELECT count(DISTINCT code) FROM t") == one("SELECT count(DISTINCT title) FROM t") == 600


# ---- rows a cleanup or a backfill is written for ---------------------------------------------------
# A migration that deletes the rows whose account is gone says such rows exist; one that copies a
# column into a table with a unique key meets the rows that already hold it. Seeded at every row
# count, not where the numbers happen to line up (pachli 10-11 and diswantin 32-33 failed at some
# counts and passed at others).

ROW_COUNTS = (60, 400, 3000)
ACCOUNTS = entity("accounts", [field("id", "INTEGER", True)], ["id"])
PEOPLE = entity("people", [field("server_id", "TEXT", True), field("account_id", "INTEGER", True)],
                ["server_id", "account_id"])
POSTS = entity("posts", [field("id", "INTEGER", True), field("author_id", "TEXT", True),
                         field("account_id", "INTEGER", True)], ["id"],
               indices=[index("posts", ["author_id", "account_id"])],
               foreign_keys=[foreign_key(["author_id", "account_id"], "people", ["server_id", "account_id"])])
CLEANUP = "DELETE FROM people WHERE account_id NOT IN (SELECT id FROM accounts)"


def test_cleanup_statements_are_read_as_references_with_orphans():
    assert cleaned_references([CLEANUP, 'DELETE FROM `a` WHERE a.x NOT IN (SELECT DISTINCT "k" FROM main.p)',
                               "DELETE FROM a WHERE b.x NOT IN (SELECT k FROM p)",
                               "DELETE FROM a WHERE x NOT IN (SELECT k FROM p WHERE z)"]) == [
        (("people", "account_id"), ("accounts", "id")), (("a", "x"), ("p", "k"))]


@pytest.mark.parametrize("rows", ROW_COUNTS)
def test_a_cleanup_that_forgets_the_children_leaves_them_pointing_nowhere(rows):
    old = schema(1, [ACCOUNTS, PEOPLE, POSTS])
    decl = Declarations(expect_rows_removed=("people",))
    report = verify_migration(old, schema(2, [ACCOUNTS, PEOPLE, POSTS]), [Step(CLEANUP)], rows=rows,
                              hazard_pass=False, declarations=decl)
    assert not report.ok
    assert any("posts: " in f.message and "point at missing people rows" in f.message
               for f in report.modes[0].findings), report.to_text()
    # The migration that removes the children too keeps every reference.
    both = [Step("DELETE FROM posts WHERE account_id NOT IN (SELECT id FROM accounts)"), Step(CLEANUP)]
    report = verify_migration(old, schema(2, [ACCOUNTS, PEOPLE, POSTS]), both, rows=rows, hazard_pass=False,
                              declarations=Declarations(expect_rows_removed=("people", "posts")))
    assert report.ok, report.to_text()
    removed = [f.message for f in report.modes[0].findings if f.check == "declared" and "people" in f.message]
    assert removed and not removed[0].startswith("people: 0 of"), removed


TASKS = entity("task", [field("id", "INTEGER", True), field("category_id", "INTEGER")], ["id"])
TAGS = entity("task_tag", [field("id", "INTEGER", True), field("task_id", "INTEGER", True),
                           field("tag_id", "INTEGER", True)], ["id"], auto_generate=True,
              indices=[index("task_tag", ["task_id", "tag_id"], unique=True)])
BACKFILL = ("INSERT INTO `task_tag` (`task_id`, `tag_id`) SELECT task.id, task.category_id FROM task "
            "WHERE task.category_id IS NOT NULL")


def test_backfills_are_read_with_their_column_pairs():
    (copy, mixed) = plain_copies([BACKFILL, "INSERT OR IGNORE INTO a (x) SELECT y FROM b",
                                  "INSERT INTO a (x) SELECT count(*) FROM b",
                                  "INSERT INTO m (u, f, current) SELECT `uuid`, f, 1 FROM users"])
    assert (copy.target, copy.source, copy.columns, copy.where) == (
        "task_tag", "task", (("task_id", "id"), ("tag_id", "category_id")), "task.category_id IS NOT NULL")
    # Only the columns copied as they are: a literal is nobody's value.
    assert (mixed.target, mixed.columns) == ("m", (("u", "uuid"), ("f", "f")))


@pytest.mark.parametrize("rows", ROW_COUNTS)
def test_a_backfill_into_a_unique_key_meets_the_rows_that_hold_it(rows):
    old, new = schema(1, [TASKS, TAGS]), schema(2, [TASKS, TAGS])
    decl = Declarations(expect_rows_added=("task_tag",))
    report = verify_migration(old, new, [Step(BACKFILL)], rows=rows, hazard_pass=False, declarations=decl)
    assert not report.ok and "UNIQUE constraint failed: task_tag.task_id, task_tag.tag_id" in report.modes[0].error
    assert any("INSERT OR IGNORE" in n for n in report.modes[0].notes), report.to_text()
    ignoring = BACKFILL.replace("INSERT INTO", "INSERT OR IGNORE INTO")
    report = verify_migration(old, new, [Step(ignoring)], rows=rows, hazard_pass=False, declarations=decl)
    assert report.ok, report.to_text()
