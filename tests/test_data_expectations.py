"""What verify expects of the data (issue #14, items 7-10): NOT NULL columns the
migration fills, primary keys that change, data changes declared on purpose, and
seeded text that looks like an app's. Small schemas, migrations as SQL files, run
through the command line and the library on real SQLite."""
from __future__ import annotations

import json
import re

import pytest

from helpers import check, config, errors, make_repo, migrations, ready, run_cli
from roomschema.errors import RoomSchemaError
from roomschema.migration.declarations import Declarations, chain
from roomschema.migration.plan import plan_migration
from roomschema.migration.steps import Step
from roomschema.schema.compose import entity, field, foreign_key, index, schema
from roomschema.schema.writer import dumps
from roomschema.verify import verify_migration
from roomschema.verify.build import build_database
from roomschema.verify.seed import seed

FAST = {"rows": 2000, "hazard_pass": False}


def _project(tmp_path, *versions):
    """A folder with the schemas as N.json, and a .git so no configuration above it is read."""
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "schemas"
    folder.mkdir()
    for s in versions:
        (folder / f"{s.version}.json").write_text(dumps(s))
    return folder


def _verify(tmp_path, a, b, sql, *flags):
    path = tmp_path / f"migration_{a}_{b}.sql"
    path.write_text(sql)
    return run_cli("verify", a, b, "--schemas", tmp_path / "schemas", "--sql", path, "--rows", 2000,
                   "--no-hazard", *flags, cwd=tmp_path)


def _rebuild(e, select: str) -> str:
    """Room's rebuild of ``e``'s table, copying ``select`` from the old one."""
    cols = ",".join(f"`{f.column_name}`" for f in e.fields)
    return (f"{e.create_table_sql('_new_t')};\n"
            f"INSERT INTO `_new_t` ({cols}) SELECT {select} FROM `t`;\n"
            "DROP TABLE `t`;\nALTER TABLE `_new_t` RENAME TO `t`;\n")


# ---- 7. NOT NULL columns without a schema default that the migration fills -------------------------

T1 = schema(1, [entity("t", [field("id", "INTEGER", True), field("a"), field("name", "TEXT", True)], ["id"])])
T2_ADDED = schema(2, [entity("t", [field("id", "INTEGER", True), field("a"), field("name", "TEXT", True),
                                   field("c", "INTEGER", True)], ["id"])])
T2_TIGHTENED = schema(2, [entity("t", [field("id", "INTEGER", True), field("a", "TEXT", True),
                                       field("name", "TEXT", True)], ["id"])])
T2_NULLABLE = schema(2, [entity("t", [field("id", "INTEGER", True), field("a"), field("name", "TEXT", True),
                                      field("c")], ["id"])])


def test_not_null_column_added_with_a_default_the_entity_does_not_declare_verifies(tmp_path):
    _project(tmp_path, T1, T2_ADDED)
    r = _verify(tmp_path, 1, 2, "ALTER TABLE `t` ADD COLUMN `c` INTEGER NOT NULL DEFAULT 0;")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 -> 2: OK" in r.stdout


def test_nulls_replaced_before_a_rebuild_that_makes_the_column_not_null_verify(tmp_path):
    _project(tmp_path, T1, T2_TIGHTENED)
    sql = "UPDATE `t` SET `a` = '' WHERE `a` IS NULL;\n" + _rebuild(T2_TIGHTENED.database.entity("t"),
                                                                     "`id`,`a`,`name`")
    r = _verify(tmp_path, 1, 2, sql)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_declared_fill_is_what_the_nulls_must_become(tmp_path):
    _project(tmp_path, T1, T2_TIGHTENED)
    sql = "UPDATE `t` SET `a` = '' WHERE `a` IS NULL;\n" + _rebuild(T2_TIGHTENED.database.entity("t"),
                                                                     "`id`,`a`,`name`")
    r = _verify(tmp_path, 1, 2, sql, "--fill", "t.a='?'")
    assert r.returncode == 1
    assert re.search(r"t\.a: \d+ rows changed \(id=.*expected '\?', found ''", r.stdout), r.stdout


def test_values_that_were_not_null_must_still_be_kept(tmp_path):
    _project(tmp_path, T1, T2_TIGHTENED)
    sql = "UPDATE `t` SET `a` = '';\n" + _rebuild(T2_TIGHTENED.database.entity("t"), "`id`,`a`,`name`")
    r = _verify(tmp_path, 1, 2, sql)
    assert r.returncode == 1
    assert re.search(r"t\.a: \d+ rows changed", r.stdout), r.stdout


def test_a_not_null_column_left_without_values_is_still_caught_by_the_library():
    # Rebuilt without its NOT NULL: Room's validation fails, and the data check says the rows hold NULL.
    new_t = T2_ADDED.database.entity("t")
    steps = [Step("ALTER TABLE `t` ADD COLUMN `c` INTEGER")]
    report = verify_migration(T1, T2_ADDED, steps, modes=("legacy_alter_table=OFF",), **FAST)
    assert not report.ok
    data = [f.message for f in report.modes[0].errors]
    assert any(m.startswith("t.c: ") and "do not hold a value (NOT NULL)" in m and "expected a value, not NULL"
               in m and "found NULL" in m for m in data), data
    assert new_t.field("c").default_value is None


def test_messages_say_null_never_python_none(tmp_path):
    _project(tmp_path, T1, T2_NULLABLE)
    r = _verify(tmp_path, 1, 2, "ALTER TABLE `t` ADD COLUMN `c` TEXT;\nUPDATE `t` SET `c` = 'x';")
    assert r.returncode == 1
    assert "expected NULL, found 'x'" in r.stdout, r.stdout
    assert "None" not in r.stdout


# ---- 8. primary keys that change ----------------------------------------------------------------

P1 = schema(1, [entity("t", [field("id", "INTEGER", True), field("uuid", "TEXT", True), field("a"), field("b")],
                       ["id"], indices=[index("t", ["uuid"], unique=True)])])
P2 = schema(2, [entity("t", [field("uuid", "TEXT", True), field("a"), field("b")], ["uuid"])])


def test_room_identical_migration_that_drops_the_rowid_key_verifies(tmp_path):
    decl = Declarations(delete_columns=(("t", "id"),))
    plan = plan_migration(P1, P2, decl)
    assert not plan.decisions
    report = verify_migration(P1, P2, plan, declarations=decl, **FAST)
    assert report.ok, report.to_text()
    _project(tmp_path, P1, P2)
    r = run_cli("verify", 1, 2, "--schemas", tmp_path / "schemas", "--delete-column", "t.id", "--no-hazard",
                cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rows changed" not in r.stdout


def test_a_copy_that_swaps_two_columns_still_fails_when_the_key_changes(tmp_path):
    _project(tmp_path, P1, P2)
    r = _verify(tmp_path, 1, 2, _rebuild(P2.database.entity("t"), "`uuid`,`b`,`a`"))
    assert r.returncode == 1
    assert re.search(r"t\.a: \d+ rows changed \(uuid=", r.stdout), r.stdout
    assert re.search(r"t\.b: \d+ rows changed \(uuid=", r.stdout), r.stdout


def test_key_values_that_change_are_rows_no_longer_found(tmp_path):
    _project(tmp_path, P1, P2)
    r = _verify(tmp_path, 1, 2, _rebuild(P2.database.entity("t"), "'x' || `uuid`,`a`,`b`"))
    assert r.returncode == 1
    assert re.search(r"t: \d+ of \d+ rows have no row with the same uuid after the migration", r.stdout), r.stdout


def test_two_unique_columns_swapped_in_place_are_caught():
    # Both unique columns used to be seeded with the same values, so this swap changed nothing.
    s = [entity("t", [field("id", "INTEGER", True), field("uuid", "TEXT", True), field("code", "TEXT", True)],
                ["id"], indices=[index("t", ["uuid"], unique=True), index("t", ["code"], unique=True)])]
    report = verify_migration(schema(1, s), schema(2, s), [Step("UPDATE `t` SET `uuid` = `code`, `code` = `uuid`")],
                              modes=("legacy_alter_table=OFF",), **FAST)
    data = [f.message for f in report.modes[0].errors]
    assert any(m.startswith("t.uuid: ") for m in data) and any(m.startswith("t.code: ") for m in data), data


# ---- 9. data changes made on purpose -------------------------------------------------------------

def _chat(version: int):
    return schema(version, [
        entity("conversations", [field("id", "INTEGER", True), field("title"),
                                 field("sync_state", "INTEGER", True)], ["id"]),
        entity("messages", [field("id", "INTEGER", True), field("conversation_id", "INTEGER", True),
                            field("body")], ["id"], indices=[index("messages", ["conversation_id"])],
               foreign_keys=[foreign_key(["conversation_id"], "conversations", ["id"], "CASCADE")]),
    ])


CLEANUP = "DELETE FROM `messages` WHERE `body` IS NULL OR `body` = '';\nUPDATE `conversations` SET `sync_state` = 0;\n"


def test_undeclared_data_changes_fail_and_name_the_declaration_that_accepts_them(tmp_path):
    _project(tmp_path, _chat(3), _chat(4))
    r = _verify(tmp_path, 3, 4, CLEANUP)
    assert r.returncode == 1
    assert re.search(r"messages: lost \d+ of \d+ rows", r.stdout), r.stdout
    assert ('declare it: --expect-rows-removed messages, or expect_rows_removed = ["messages"] under '
            '[migrations."3-4"]') in r.stdout
    assert re.search(r"conversations\.sync_state: \d+ rows changed", r.stdout), r.stdout
    assert ('--expect-values-changed conversations.sync_state, or expect_values_changed = '
            '["conversations.sync_state"] under [migrations."3-4"]') in r.stdout
    # In JSON the declaration is the finding's fix; the message stays what it was.
    report = json.loads(_verify(tmp_path, 3, 4, CLEANUP, "--format", "json").stdout)
    lost = [f for f in report["modes"][0]["findings"] if f["check"] == "row-count"]
    assert [f["fix"].split(": ", 1)[1] for f in lost] == [
        '--expect-rows-removed messages, or expect_rows_removed = ["messages"] under [migrations."3-4"]']
    assert "declare" not in lost[0]["message"]


def test_declared_flags_report_the_counts_and_pass(tmp_path):
    _project(tmp_path, _chat(3), _chat(4))
    r = _verify(tmp_path, 3, 4, CLEANUP, "--expect-rows-removed", "messages",
                "--expect-values-changed", "conversations.sync_state")
    assert r.returncode == 0, r.stdout + r.stderr
    removed = re.search(r"declared: messages: (\d+) of (\d+) rows removed, as declared", r.stdout)
    changed = re.search(r"declared: conversations\.sync_state: (\d+) of (\d+) rows changed, as declared", r.stdout)
    assert removed and changed, r.stdout
    assert 0 < int(removed[1]) < int(removed[2]) and 0 < int(changed[1]) <= int(changed[2])
    assert "kept but for the declared changes" in r.stdout
    # The JSON says the same, as findings that do not fail.
    r = _verify(tmp_path, 3, 4, CLEANUP, "--expect-rows-removed", "messages",
                "--expect-values-changed", "conversations.sync_state", "--format", "json")
    report = json.loads(r.stdout)
    declared = [f for f in report["modes"][0]["findings"] if f["check"] == "declared"]
    assert report["ok"] and {f["table"] for f in declared} == {"messages", "conversations"}
    assert {f["severity"] for f in declared} == {"info"}


def test_declarations_in_configuration_are_read_per_pair(tmp_path):
    _project(tmp_path, _chat(3), _chat(4))
    config(tmp_path, '[migrations."3-4"]\nexpect_rows_removed = ["messages"]\n'
                     'expect_values_changed = ["conversations.sync_state"]\n')
    r = _verify(tmp_path, 3, 4, CLEANUP)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rows removed, as declared" in r.stdout and "rows changed, as declared" in r.stdout
    # Another pair's declarations accept nothing here.
    config(tmp_path, '[migrations."2-3"]\nexpect_rows_removed = ["messages"]\n')
    assert _verify(tmp_path, 3, 4, CLEANUP).returncode == 1


def test_a_declaration_only_accepts_what_it_names(tmp_path):
    _project(tmp_path, _chat(3), _chat(4))
    r = _verify(tmp_path, 3, 4, CLEANUP, "--expect-rows-removed", "messages")
    assert r.returncode == 1
    assert "conversations.sync_state" in r.stdout and "rows removed, as declared" in r.stdout
    # Rows removed is not rows gained.
    r = _verify(tmp_path, 3, 4, "INSERT INTO `messages` (`conversation_id`, `body`) "
                                "SELECT `id`, 'new' FROM `conversations` LIMIT 5;", "--expect-rows-removed", "messages")
    assert r.returncode == 1 and "messages: gained 5 of" in r.stdout, r.stdout


BACKFILL = ("INSERT INTO `messages` (`conversation_id`, `body`) SELECT `id`, `title` FROM `conversations` "
            "WHERE `title` IS NOT NULL;\n")


def test_rows_added_on_purpose_are_declared_and_counted(tmp_path):
    # A backfill (one message per titled conversation), as apps backfill a join table from an old column.
    _project(tmp_path, _chat(3), _chat(4))
    r = _verify(tmp_path, 3, 4, BACKFILL)
    assert r.returncode == 1 and re.search(r"messages: gained \d+ of \d+ rows", r.stdout), r.stdout
    assert ('declare it: --expect-rows-added messages, or expect_rows_added = ["messages"] under '
            '[migrations."3-4"]') in r.stdout
    r = _verify(tmp_path, 3, 4, BACKFILL, "--expect-rows-added", "messages")
    assert r.returncode == 0, r.stdout + r.stderr
    added = re.search(r"declared: messages: (\d+) rows added to the (\d+) it had, as declared", r.stdout)
    assert added and 0 < int(added[1]), r.stdout
    config(tmp_path, '[migrations."3-4"]\nexpect_rows_added = ["messages"]\n')
    assert _verify(tmp_path, 3, 4, BACKFILL).returncode == 0


def test_rows_added_does_not_accept_old_rows_changed_or_removed(tmp_path):
    _project(tmp_path, _chat(3), _chat(4))
    # Rows added and old ones changed: the declaration covers only the new rows.
    r = _verify(tmp_path, 3, 4, BACKFILL + "UPDATE `messages` SET `body` = 'x' WHERE `id` % 3 = 0;\n",
                "--expect-rows-added", "messages")
    assert r.returncode == 1 and re.search(r"messages\.body: \d+ rows changed", r.stdout), r.stdout
    # Rows lost are not rows added.
    r = _verify(tmp_path, 3, 4, "DELETE FROM `messages` WHERE `id` % 4 = 0;\n", "--expect-rows-added", "messages")
    assert r.returncode == 1 and re.search(r"messages: lost \d+ of", r.stdout), r.stdout
    # A table the migration creates cannot be declared: all its rows are new.
    r = _verify(tmp_path, 3, 4, BACKFILL, "--expect-rows-added", "nope")
    assert r.returncode == 2 and "--expect-rows-added: table 'nope' is not in both versions 3 and 4" in r.stderr


def _linked(version: int, linked: bool):
    """``users.team_id`` holds a team's id; from the linked version on, a foreign key says so."""
    return schema(version, [
        entity("teams", [field("id", "INTEGER", True), field("name")], ["id"]),
        entity("users", [field("id", "INTEGER", True), field("team_id", "INTEGER", True),
                         field("score", "INTEGER", True)], ["id"]),
    ] + ([entity("memberships", [field("user_id", "INTEGER", True), field("team_id", "INTEGER", True)],
                 ["user_id", "team_id"], indices=[index("memberships", ["team_id"])],
                 foreign_keys=[foreign_key(["team_id"], "teams", ["id"])])] if linked else []))


# The shape of a real migration (simple-android's 6-7): a new table whose foreign key takes an old,
# unconstrained column's values, then Room's check.
LINK = ("CREATE TABLE `memberships` (`user_id` INTEGER NOT NULL, `team_id` INTEGER NOT NULL, "
        "PRIMARY KEY(`user_id`, `team_id`), FOREIGN KEY(`team_id`) REFERENCES `teams`(`id`) "
        "ON UPDATE NO ACTION ON DELETE NO ACTION );\n"
        "CREATE INDEX `index_memberships_team_id` ON `memberships` (`team_id`);\n"
        "INSERT INTO `memberships` (`user_id`, `team_id`) SELECT `id`, `team_id` FROM `users`;\n"
        "PRAGMA foreign_key_check;\n")


def test_a_reference_the_app_guarantees_is_declared_and_seeded(tmp_path):
    _project(tmp_path, _linked(1, False), _linked(2, True))
    # Nothing in schema 1 ties users.team_id to a team: rows without one fail Room's check, and the
    # failure says how to declare what the app guarantees.
    r = _verify(tmp_path, 1, 2, LINK)
    assert r.returncode == 1 and "Foreign key violation(s) detected in 'memberships'" in r.stdout, r.stdout
    # It names the old column the INSERT ... SELECT took the values from.
    assert ('declare where it comes from: --assume-reference users.team_id=teams.id, or assume_references = '
            '{ "users.team_id" = "teams.id" } under [migrations."1-2"]') in r.stdout, r.stdout
    r = _verify(tmp_path, 1, 2, LINK, "--assume-reference", "users.team_id=teams.id")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "users.team_id: seeded with keys of teams.id, as declared (assume_references)" in r.stdout
    config(tmp_path, '[migrations."1-2"]\nassume_references = { "users.team_id" = "teams.id" }\n')
    assert _verify(tmp_path, 1, 2, LINK).returncode == 0


def test_an_assumed_reference_still_catches_a_copy_of_the_wrong_column(tmp_path):
    _project(tmp_path, _linked(1, False), _linked(2, True))
    # The declaration is about team_id: a migration that copies another column is still caught.
    wrong = LINK.replace("SELECT `id`, `team_id` FROM", "SELECT `id`, `score` FROM")
    r = _verify(tmp_path, 1, 2, wrong, "--assume-reference", "users.team_id=teams.id")
    assert r.returncode == 1 and "Foreign key violation(s)" in r.stdout, r.stdout


@pytest.mark.parametrize("flag, where", [
    ("users.nope=teams.id", "--assume-reference: column 'users.nope' is not in version 1"),
    ("users.team_id=nope.id", "--assume-reference: column 'nope.id' is not in version 1"),
    ("users.team_id", "--assume-reference: expected TABLE.COLUMN=PARENT.COLUMN"),
])
def test_a_bad_assumed_reference_is_one_line_exit_2(tmp_path, flag, where):
    _project(tmp_path, _linked(1, False), _linked(2, True))
    r = _verify(tmp_path, 1, 2, LINK, "--assume-reference", flag)
    assert r.returncode == 2 and where in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


@pytest.mark.parametrize("flags, where", [
    (("--expect-rows-removed", "nope"), "--expect-rows-removed: table 'nope' is not in both versions 3 and 4"),
    (("--expect-values-changed", "conversations.nope"),
     "--expect-values-changed: column 'conversations.nope' is not in version 4"),
    (("--expect-values-changed", "conversations"), "--expect-values-changed: expected TABLE.COLUMN"),
])
def test_unknown_names_in_flags_are_one_line_exit_2(tmp_path, flags, where):
    _project(tmp_path, _chat(3), _chat(4))
    r = _verify(tmp_path, 3, 4, CLEANUP, *flags)
    assert r.returncode == 2, r.stdout + r.stderr
    assert where in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


@pytest.mark.parametrize("text, where", [
    ('[migrations."3-4"]\nexpect_values_changed = ["nope.x"]\n',
     "roomschema.toml: migrations.\"3-4\".expect_values_changed: table 'nope' is not in both versions 3 and 4"),
    ('[migrations."3-4"]\nexpect_rows_removed = "messages"\n',
     'roomschema.toml: migrations."3-4".expect_rows_removed: expected a list'),
    ('[migrations."3-4"]\nexpect_values_changed = ["messages"]\n',
     'roomschema.toml: migrations."3-4".expect_values_changed: expected TABLE.COLUMN'),
])
def test_unknown_names_in_configuration_are_one_line_exit_2(tmp_path, text, where):
    _project(tmp_path, _chat(3), _chat(4))
    config(tmp_path, text)
    r = _verify(tmp_path, 3, 4, CLEANUP)
    assert r.returncode == 2, r.stdout + r.stderr
    assert where in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_the_library_checks_the_names_before_building_anything():
    with pytest.raises(RoomSchemaError, match="table 'nope' is not in both versions 3 and 4"):
        verify_migration(_chat(3), _chat(4), [], declarations=Declarations(expect_rows_removed=("nope",)))
    report = verify_migration(_chat(3), _chat(4), [Step(s) for s in CLEANUP.split(";\n") if s.strip()],
                              declarations=Declarations(expect_rows_removed=("messages",),
                                                        expect_values_changed=(("conversations", "sync_state"),)),
                              **FAST)
    assert report.ok, report.to_text()


def test_renamed_tables_and_columns_can_be_named_by_either_version():
    old = _chat(3)
    new = schema(4, [
        entity("chats", [field("id", "INTEGER", True), field("title"), field("state", "INTEGER", True)], ["id"]),
        entity("messages", [field("id", "INTEGER", True), field("conversation_id", "INTEGER", True),
                            field("body")], ["id"], indices=[index("messages", ["conversation_id"])],
               foreign_keys=[foreign_key(["conversation_id"], "chats", ["id"], "CASCADE")]),
    ])
    renames = {"rename_tables": {"conversations": "chats"},
               "rename_columns": {("conversations", "sync_state"): "state"}}
    plan = plan_migration(old, new, Declarations(**renames))
    steps = list(plan.steps) + [Step("UPDATE `chats` SET `state` = 0")]
    for named in (("conversations", "sync_state"), ("chats", "state")):
        decl = Declarations(**renames, expect_values_changed=(named,))
        report = verify_migration(old, new, steps, declarations=decl, **FAST)
        assert report.ok, report.to_text()


def test_a_chain_keeps_the_expectations_of_every_step():
    first = Declarations(expect_rows_removed=("messages",))
    second = Declarations(rename_tables={"conversations": "chats"},
                          expect_values_changed=(("chats", "sync_state"),))
    c = chain(first, second)
    assert c.rows_removed_expected("messages")
    assert c.values_change_expected(("chats", "conversations"), ("sync_state",))
    # A declaration-free pair keeps the JSON it always had (check's cache key).
    assert "expect_rows_removed" not in Declarations().to_json()
    assert c.to_json()["expect_values_changed"] == ["chats.sync_state"]


def test_check_reads_the_declarations_from_configuration(tmp_path):
    repo = make_repo(tmp_path / "project")
    ready(repo)
    (migrations(repo) / "Migration_1_2.kt").unlink()
    sql = migrations(repo) / "migration_1_2.sql"
    sql.write_text(sql.read_text() + "\nDELETE FROM `messages` WHERE `metadata` IS NULL;\n")
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-failed"], data["findings"]
    assert "--expect-rows-removed messages" in data["findings"][0]["message"]
    config(repo, '[migrations."1-2"]\nexpect_rows_removed = ["messages"]\n')
    assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
    code, data = check(repo)
    assert code == 0 and errors(data) == [], data["findings"]
    config(repo, '[migrations."1-2"]\nexpect_rows_removed = ["nope"]\n')
    r = run_cli("check", cwd=repo)
    assert r.returncode == 2 and "expect_rows_removed: table 'nope'" in r.stderr, r.stderr


# ---- 10. seeded text looks like an app's ---------------------------------------------------------

def test_ordinary_text_columns_hold_many_distinct_values_and_keep_the_edges(tmp_path):
    s = _chat(1)
    conn = build_database(s, tmp_path / "db.sqlite")
    rows = seed(conn, s, {"conversations": 200, "messages": 2000})["messages"]
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert one("SELECT count(DISTINCT body) FROM messages") > 0.6 * rows
    for edge in ("body = ''", "body LIKE '%''%'", "instr(body, char(10))", "body GLOB '*[^ -~]*'",
                 "length(body) > 150", "body IS NULL"):
        assert one(f"SELECT count(*) FROM messages WHERE {edge}") > 0, edge
    # Still repeats, as in an app: a dedupe has something to remove.
    assert one("SELECT count(*) - count(DISTINCT body) FROM messages WHERE body IS NOT NULL") > 0
    conn.close()


def test_a_dedupe_on_text_removes_a_plausible_share(tmp_path):
    _project(tmp_path, _chat(1), _chat(2))
    dedupe = ("DELETE FROM `messages` WHERE `rowid` NOT IN "
              "(SELECT min(`rowid`) FROM `messages` GROUP BY `conversation_id`, `body`);")
    r = _verify(tmp_path, 1, 2, dedupe, "--expect-rows-removed", "messages")
    assert r.returncode == 0, r.stdout + r.stderr
    removed = re.search(r"messages: (\d+) of (\d+) rows removed", r.stdout)
    assert removed, r.stdout
    # With a dozen values per column this was 97% of the rows.
    assert 0 < int(removed[1]) < 0.2 * int(removed[2]), r.stdout

