"""roomschema.verify.runner: Room's migration transaction, messages and SQLite modes."""
from __future__ import annotations

import sqlite3

import pytest

from helpers import AVA
from roomschema.schema.compose import entity, field, fts_entity, schema, view
from roomschema.schema.loader import load
from roomschema.migration.steps import Step
from roomschema.verify import verify_migration
from roomschema.verify.build import build_database
from roomschema.verify.runner import foreign_key_failure_message, run_migration
from roomschema.verify.seed import seed

AVA_DB = "com.augmentalis.ava.core.data.AVADatabase"


def _ava(tmp_path, rows=400):
    old, new = load(AVA / "1.json"), load(AVA / "2.json")
    conn = build_database(old, tmp_path / "db.sqlite")
    seed(conn, old, rows)
    return old, new, conn


def test_foreign_key_check_failure_has_rooms_exact_text(tmp_path):
    old, _, conn = _ava(tmp_path)
    steps = [Step("INSERT INTO messages (id, conversation_id, role, content, timestamp) "
                  "VALUES ('orphan-1', 'nope', 'user', 'x', 0)"),
             Step("INSERT INTO messages (id, conversation_id, role, content, timestamp) "
                  "VALUES ('orphan-2', 'nope either', 'user', 'x', 0)"),
             Step.foreign_key_check("messages")]
    run = run_migration(conn, old, old, steps, database_name=AVA_DB)
    assert not run.ok and not run.committed and run.failed_step == 2
    assert run.error == ("Foreign key violation(s) detected in 'messages'.\n"
                         "Number of different violations discovered: 1\n"
                         "Number of rows in violation: 2\n"
                         "Violation(s) detected in the following constraint(s):\n"
                         "\tParent Table = conversations, Foreign Key Constraint Index = 0\n")
    assert conn.execute("SELECT count(*) FROM messages WHERE id LIKE 'orphan%'").fetchone()[0] == 0  # rolled back


def test_foreign_key_message_groups_constraints_in_order():
    rows = [("c", 1, "p2", 1), ("c", 2, "p1", 0), ("c", 3, "p2", 1)]
    assert foreign_key_failure_message(rows) == (
        "Foreign key violation(s) detected in 'c'.\nNumber of different violations discovered: 2\n"
        "Number of rows in violation: 3\nViolation(s) detected in the following constraint(s):\n"
        "\tParent Table = p2, Foreign Key Constraint Index = 1\n"
        "\tParent Table = p1, Foreign Key Constraint Index = 0\n")


def test_foreign_keys_are_off_for_the_whole_transaction(tmp_path):
    # The rebuild of a CASCADE parent keeps every child only because FKs are off before BEGIN.
    old, _, conn = _ava(tmp_path)
    conn.execute("PRAGMA foreign_keys = ON")
    children = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    conv = old.database.entity("conversations")
    steps = [Step(conv.create_table_sql("_new_conversations")),
             Step("INSERT INTO `_new_conversations` SELECT * FROM `conversations`"),
             Step("DROP TABLE `conversations`"),
             Step("ALTER TABLE `_new_conversations` RENAME TO `conversations`"),
             Step(conv.indices[0].create_sql_for("conversations")),
             Step.foreign_key_check("messages")]
    run = run_migration(conn, old, old, steps, database_name=AVA_DB)
    assert run.ok, run.error
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == children > 0
    assert [s.index for s in run.steps] == list(range(6)) and all(s.seconds >= 0 for s in run.steps)
    assert run.lock_seconds >= run.migrate_seconds


def test_success_writes_version_and_identity_failure_rolls_everything_back(tmp_path):
    old, new, conn = _ava(tmp_path)
    ok = [Step(e.create_table_sql()) for e in new.database.entities if e.table_name == "user_profiles"]
    bad = run_migration(conn, old, new, ok + [Step("SELECT nope FROM nowhere")], database_name=AVA_DB)
    assert bad.failed_step == 1 and "no such table: nowhere" in bad.error
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'user_profiles'").fetchone()[0] == 0
    # Validation failures roll back too (as Room does) unless the caller keeps them to inspect.
    run = run_migration(conn, old, new, ok, database_name=AVA_DB)
    assert not run.ok and run.failed_step is None and run.mismatches and not run.committed
    assert run.error.startswith(f"Migration didn't properly handle: conversations({AVA_DB}).\n Expected:\n")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    same = run_migration(conn, old, old, [], database_name=AVA_DB)
    assert same.ok and conn.execute("SELECT identity_hash FROM room_master_table").fetchone()[0] == \
        old.database.identity_hash


def test_one_statement_per_step(tmp_path):
    old, _, conn = _ava(tmp_path)
    run = run_migration(conn, old, old, [Step("SELECT 1; SELECT 2")], database_name=AVA_DB)
    assert run.failed_step == 0 and "one statement" in run.error


def test_fts_sync_triggers_dropped_before_and_recreated_after(tmp_path):
    s1 = schema(1, [entity("note", [field("id", "INTEGER", True), field("body")], ["id"]),
                    fts_entity("note_fts", [field("body")], content_table="note")])
    conn = build_database(s1, tmp_path / "db.sqlite")
    seed(conn, s1, 100)
    steps = [Step("INSERT INTO note (id, body) VALUES (100000, 'not indexed during the migration')"),
             Step("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")]
    run = run_migration(conn, s1, s1, steps, database_name="x")
    assert run.ok, run.error
    seen = conn.execute("SELECT count(*) FROM note_fts WHERE note_fts MATCH 'indexed'").fetchone()[0]
    assert seen == 0  # the trigger was gone while the step ran (Room's onPreMigrate)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 4


VIEW_OLD = schema(1, [entity("tag", [field("id", "INTEGER", True), field("name")], ["id"])],
                  views=[view("tag_names", "SELECT name FROM tag")])
VIEW_NEW = schema(2, [entity("tag", [field("id", "INTEGER", True), field("name", "TEXT", True, "''")], ["id"])],
                  views=[view("tag_names", "SELECT name FROM tag")])


def _tag_rebuild(drop_view_first: bool) -> list:
    new = VIEW_NEW.database.entity("tag")
    steps = [Step("DROP VIEW tag_names")] if drop_view_first else []
    steps += [Step(new.create_table_sql("_new_tag")),
              Step("INSERT INTO `_new_tag` (`id`,`name`) SELECT `id`,IFNULL(`name`, '') FROM `tag`"),
              Step("DROP TABLE `tag`"),
              Step("ALTER TABLE `_new_tag` RENAME TO `tag`")]
    if drop_view_first:
        steps.append(Step(VIEW_NEW.database.views[0].create_view_sql()))
    return steps


def test_view_referencing_rebuild_fails_only_with_legacy_alter_table_off():
    report = verify_migration(VIEW_OLD, VIEW_NEW, _tag_rebuild(False), rows=300, database_name="db",
                              hazard_pass=False)
    on, off = report.modes
    assert on.mode == "legacy_alter_table=ON" and on.passed, on.text_lines()
    assert not off.passed and off.failed_step == 3
    assert "error in view tag_names: no such table: main.tag" in off.error
    assert not report.ok
    text = report.to_text()
    assert text.splitlines()[1] == "legacy_alter_table=OFF: FAILED"  # failures first
    assert "step 4 failed: ALTER TABLE `_new_tag` RENAME TO `tag`" in text
    # Room's way (drop every view first, recreate at the end) passes in both modes.
    assert verify_migration(VIEW_OLD, VIEW_NEW, _tag_rebuild(True), rows=300, database_name="db").ok


def test_second_mode_starts_from_the_first_modes_seeded_file(tmp_path):
    """The modes share one seeding: mode two's starting file holds exactly the
    rows a build and seed of its own would have (and is migrated and checked)."""
    from roomschema.migration.plan import plan_migration
    old, new = load(AVA / "1.json"), load(AVA / "2.json")
    report = verify_migration(old, new, plan_migration(old, new).steps, rows=900, keep_dir=tmp_path / "keep",
                              hazard_pass=False)
    assert report.ok and len(report.modes) == 2
    first, second = report.modes
    assert "seed" in first.timings and "seed" not in second.timings
    assert second.rows == first.rows and sum(second.rows.values()) > 0
    assert second.notes == ["started from a copy of the legacy_alter_table=ON seeded database",
                            "the copy keeps that file's auto_vacuum=FULL (this driver creates files with NONE)"]

    fresh = build_database(old, tmp_path / "fresh.sqlite", legacy_alter_table=False)
    seed(fresh, old, 900)

    def dump(conn):
        return {t: conn.execute(f"SELECT rowid, * FROM `{t}` ORDER BY rowid").fetchall()
                for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")}

    start = sqlite3.connect(tmp_path / "keep" / "legacy-alter-table-off" / "pre.sqlite")
    assert dump(start) == dump(fresh)
    # The rows are the same; the file keeps the framework's auto_vacuum, which the note says.
    assert [c.execute("PRAGMA auto_vacuum").fetchone()[0] for c in (start, fresh)] == [1, 0]
    start.close()
    fresh.close()


def test_a_file_without_auto_vacuum_is_not_copied_for_the_framework_mode(tmp_path):
    """Bundled mode first: its file has no auto_vacuum, which would make the
    framework's migration look cheaper than on a device, so that mode seeds its own."""
    from roomschema.migration.plan import plan_migration
    old, new = load(AVA / "1.json"), load(AVA / "2.json")
    report = verify_migration(old, new, plan_migration(old, new).steps, rows=300, keep_dir=tmp_path,
                              modes=("legacy_alter_table=OFF", "legacy_alter_table=ON"), hazard_pass=False)
    assert report.ok
    bundled, framework = report.modes
    assert "seed" in framework.timings and framework.notes == [] and framework.rows == bundled.rows
    files = [sqlite3.connect(tmp_path / name / "pre.sqlite")
             for name in ("legacy-alter-table-off", "legacy-alter-table-on")]
    assert [c.execute("PRAGMA auto_vacuum").fetchone()[0] for c in files] == [0, 1]
    for c in files:
        c.close()


PRAGMAS = ("auto_vacuum", "secure_delete", "journal_size_limit")


@pytest.mark.parametrize("legacy, expected", [(True, (1, 1, 1048576)), (False, (0, 0, -1))])
def test_each_mode_builds_with_its_drivers_sqlite_settings(tmp_path, legacy, expected):
    """Framework SQLite (AOSP): SECURE_DELETE, DEFAULT_AUTOVACUUM=1, a 1 MiB
    journal limit; androidx's bundled driver: SQLite's defaults, whatever the
    host's SQLite was compiled with."""
    conn = build_database(load(AVA / "1.json"), tmp_path / "db.sqlite", legacy_alter_table=legacy)
    try:
        assert tuple(conn.execute(f"PRAGMA {p}").fetchone()[0] for p in PRAGMAS) == expected
    finally:
        conn.close()


@pytest.mark.parametrize("legacy", [True, False])
def test_framework_mode_zeroes_and_returns_freed_pages(tmp_path, legacy):
    """What the settings do to a file: in the framework's mode a dropped
    table's bytes are overwritten and the file shrinks back at commit; in the
    bundled driver's mode both stay, as they would on a device."""
    marker = "dropped-row-marker-7f3a"
    old = schema(1, [entity("keep", [field("id", "INTEGER", True)], ["id"]),
                     entity("gone", [field("id", "INTEGER", True), field("body")], ["id"])])
    path = tmp_path / "db.sqlite"
    conn = build_database(old, path, legacy_alter_table=legacy)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO gone (id, body) VALUES (?, ?)", [(i, f"{marker} {i}") for i in range(2000)])
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    full = path.stat().st_size
    conn.execute("DROP TABLE gone")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = path.read_bytes()
    if legacy:
        assert marker.encode() not in data and len(data) < full / 4
    else:
        assert marker.encode() in data and len(data) == full
