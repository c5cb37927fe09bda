"""migrate on real database files: all or nothing, byte-identical on failure, kill -9, locks."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import (AVA, CELLS_DOC, CORPUS, ROOT, ava_doc, content, make_db, requires_corpus, run_cli,
                     take_backup, write_export)
from roomschema.schema.discovery import load_history
from roomschema.schema.loader import load
from roomschema.migration.plan import plan_migration
from roomschema.migration.path import find_migration_path
from roomschema.recovery.paths import Edge
from roomschema.recovery.sqlite_io import fingerprint, open_for_reading
from roomschema.verify.tableinfo import validate

FQCN = AVA.name


@pytest.fixture
def project(tmp_path):
    """An app module with AVA's schemas 1 and 2 and an (empty) migrations folder."""
    schemas = tmp_path / "app" / "schemas" / FQCN
    schemas.mkdir(parents=True)
    for v in (1, 2):
        shutil.copy(AVA / f"{v}.json", schemas / f"{v}.json")
    migrations = tmp_path / "app" / "migrations" / FQCN
    migrations.mkdir(parents=True)
    return tmp_path, schemas, migrations


def migrate(tmp_path, schemas, *args, env=None):
    return run_cli("migrate", *args, "--schemas", schemas, cwd=tmp_path, env=env)


def ava_db(path: Path, rows: int = 10_000, wal: bool = False) -> Path:
    return make_db(load(AVA / "1.json"), path, rows=rows, wal=wal)


def counts(db: Path) -> dict:
    conn = open_for_reading(db)  # leaves the files as they are, WAL or not
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                              "LIKE 'sqlite_%' ORDER BY name")]
        return {t: conn.execute(f"SELECT count(*) FROM `{t}`").fetchone()[0] for t in tables}
    finally:
        conn.close()


def state(db: Path) -> tuple:
    conn = open_for_reading(db)
    try:
        return (conn.execute("PRAGMA user_version").fetchone()[0],
                conn.execute("SELECT identity_hash FROM room_master_table WHERE id = 42").fetchone()[0])
    finally:
        conn.close()


def generated_sql(a: int, b: int) -> list:
    plan = plan_migration(load(AVA / f"{a}.json"), load(AVA / f"{b}.json"))
    return [s.sql for s in plan.steps]


def write_sql(migrations: Path, a: int, b: int, statements: list) -> Path:
    path = migrations / f"migration_{a}_{b}.sql"
    path.write_text("-- hand-written\n" + "".join(f"{s};\n" for s in statements), encoding="utf-8")
    return path


def backups(folder: Path) -> list:
    return sorted(p for p in folder.iterdir() if ".backup-" in p.name)


# --- the path ------------------------------------------------------------------------------------

def _graph(pairs) -> dict:
    g: dict = {}
    for a, b in pairs:
        g.setdefault(a, {})[b] = Edge(a, b)
    return g


@pytest.mark.parametrize("pairs, start, end, expected", [
    ([(1, 2), (2, 3), (3, 4), (1, 3)], 1, 4, [(1, 3), (3, 4)]),          # greedy: the longest jump first
    ([(1, 2), (2, 3), (1, 5), (3, 4)], 1, 4, [(1, 2), (2, 3), (3, 4)]),  # never past the target
    ([(1, 2), (3, 4)], 1, 4, None),                                      # a gap
    ([(4, 3), (3, 2), (2, 1), (4, 2)], 4, 1, [(4, 2), (2, 1)]),          # downgrade: smallest end first
    ([(1, 2)], 2, 2, []),
])
def test_find_path_is_rooms_greedy_search(pairs, start, end, expected):
    path = find_migration_path(_graph(pairs), start, end)
    assert (None if path is None else [(e.start, e.end) for e in path]) == expected


# --- success --------------------------------------------------------------------------------------

def test_ava_1_to_2_with_10k_rows(project):
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db")
    take_backup(db, tmp_path / "before.json")
    before = counts(db)
    started = time.perf_counter()
    r = migrate(tmp_path, schemas, db, "--to", "2", "--format", "json")
    elapsed = time.perf_counter() - started
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["path"] == [{"from": 1, "to": 2, "source": "generated plan"}]
    assert state(db) == (2, load(AVA / "2.json").database.identity_hash)
    after = counts(db)
    assert {t: after[t] for t in before if t != "room_master_table"} == {
        t: n for t, n in before.items() if t != "room_master_table"}
    assert sum(before.values()) - 1 == 10_000
    conn = sqlite3.connect(db)
    assert validate(conn, load(AVA / "2.json"), database_name=FQCN) == []
    assert conn.execute("SELECT count(*) FROM messages WHERE edit_count = 0").fetchone()[0] == after["messages"]
    # The backup is the state before the migration, row for row.
    (made,) = backups(tmp_path)
    assert out["backup"] == str(made)
    assert content(made) | {"schema": None} == content(tmp_path / "before.json")
    print(f"\nmigrate AVA 1->2, 10k rows: {elapsed:.2f} s wall (CLI), {out['seconds']:.2f} s in migrate")


def test_sql_files_win_over_the_generated_plan(project):
    tmp_path, schemas, migrations = project
    write_sql(migrations, 1, 2, generated_sql(1, 2) + ["UPDATE conversations SET tags = 'from-sql-file'"])
    db = ava_db(tmp_path / "ava.db", rows=200)
    r = migrate(tmp_path, schemas, db, "--to", "2")
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT DISTINCT tags FROM conversations").fetchall() == [("from-sql-file",)]


def _with_version_3(schemas: Path) -> None:
    doc = ava_doc(2)
    notes = json.loads(json.dumps(doc["database"]["entities"][-1]))
    notes["tableName"] = "notes"
    doc["database"]["entities"].append(notes)
    write_export(schemas, doc, 3)


def test_the_longest_jump_is_taken(project):
    tmp_path, schemas, migrations = project
    _with_version_3(schemas)
    db = ava_db(tmp_path / "ava.db", rows=100)
    r = migrate(tmp_path, schemas, db, "--to", "3", "--dry-run", "--format", "json")
    assert [(p["from"], p["to"], p["source"]) for p in json.loads(r.stdout)["path"]] == [
        (1, 2, "generated plan"), (2, 3, "generated plan")]
    notes = load(schemas / "3.json").database.entity("notes")
    sql_file = write_sql(migrations, 1, 3, generated_sql(1, 2) + [notes.create_table_sql()])
    r = migrate(tmp_path, schemas, db, "--to", "3", "--dry-run", "--format", "json")
    assert json.loads(r.stdout)["path"] == [{"from": 1, "to": 3, "source": str(sql_file)}]
    r = migrate(tmp_path, schemas, db, "--to", "3")
    assert r.returncode == 0, r.stderr
    assert state(db)[0] == 3


def test_dry_run_prints_and_changes_nothing(project):
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db", rows=100, wal=True)
    before = fingerprint(db)
    r = migrate(tmp_path, schemas, db, "--to", "2", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "ALTER TABLE `conversations` ADD COLUMN `tags` TEXT DEFAULT NULL;" in r.stdout
    assert "dry run: nothing was changed" in r.stdout
    assert fingerprint(db) == before and backups(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app", "ava.db"]


def test_already_at_the_target(project):
    tmp_path, schemas, _ = project
    db = make_db(load(AVA / "2.json"), tmp_path / "ava.db", rows=10)
    before = fingerprint(db)
    r = migrate(tmp_path, schemas, db)  # --to defaults to the newest schema
    assert r.returncode == 0 and "already at version 2" in r.stdout
    assert fingerprint(db) == before and backups(tmp_path) == []


@requires_corpus
def test_content_fts_triggers_are_dropped_and_recreated(tmp_path):
    folder = next(CORPUS.glob("*/io.github.evaogbe.diswantin.app.data.DiswantinDatabase"))
    history = load_history(folder)
    old, new = history[36], history[37]
    db = make_db(old, tmp_path / "d.db", rows=300)
    # 36 -> 37 makes three columns NOT NULL: the project says what fills their NULLs.
    (tmp_path / "roomschema.toml").write_text(
        '[migrations."36-37"]\nfill = { "task.updated_at" = "0", "tag.created_at" = "0", "tag.updated_at" = "0" }\n')
    r = run_cli("migrate", db, "--to", "37", "--schemas", folder, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(db)
    triggers = {r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {sql.replace("IF NOT EXISTS ", "") for e in new.database.entities if e.is_fts
                        for sql in e.content_sync_triggers}
    assert validate(conn, new, database_name=folder.name) == []
    # The recreated triggers keep the index in step with the content table.
    conn.execute("UPDATE task SET name = 'zebracorn' WHERE rowid = (SELECT min(rowid) FROM task)")
    assert conn.execute("SELECT count(*) FROM task_fts WHERE task_fts MATCH 'zebracorn'").fetchone() == (1,)


# --- failure: rolled back, byte-identical -----------------------------------------------------------

def _app_connection(db: Path):
    """A connection the way a running app holds one (it keeps the WAL from being checkpointed)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def _dead_app_wal(db: Path, rows: int = 500) -> None:
    """Committed rows that live only in the -wal: an app killed without a checkpoint."""
    subprocess.run([sys.executable, "-c", (
        "import sqlite3, os\n"
        f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.executemany(\"INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, 'wal', 1, 2)\", "
        f"[('wal' + str(i),) for i in range({rows})])\n"
        "os._exit(0)\n")], check=True)


JOURNALS = ["delete", "truncate", "wal-idle", "wal-app-open", "wal-app-dead"]


def _prepare(tmp_path: Path, journal: str, rows: int = 3000):
    db = ava_db(tmp_path / "ava.db", rows=rows, wal=journal.startswith("wal"))
    app = None
    if journal == "truncate":
        Path(str(db) + "-journal").write_bytes(b"")  # what Room's TRUNCATE mode leaves behind
    if journal == "wal-app-open":
        app = _app_connection(db)
        app.execute("PRAGMA wal_autocheckpoint = 0")
        app.execute("UPDATE conversations SET title = 'in the wal'")
    if journal == "wal-app-dead":
        _dead_app_wal(db)
    return db, app


@pytest.mark.parametrize("journal", JOURNALS)
def test_a_failing_statement_rolls_everything_back(project, journal):
    tmp_path, schemas, migrations = project
    # 20 MB of new pages first: more than SQLite's page cache, so they would
    # spill to the -wal or the db file before the failure if they could.
    statements = ["CREATE TABLE scratch AS WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s "
                  "WHERE n < 99999) SELECT n, printf('%.200c', 'x') AS pad FROM s"] + generated_sql(1, 2)
    statements.insert(5, "INSERT INTO no_such_table VALUES (1)")
    write_sql(migrations, 1, 2, statements)
    db, app = _prepare(tmp_path, journal)
    before, rows = fingerprint(db), counts(db)
    r = migrate(tmp_path, schemas, db, "--to", "2")
    assert r.returncode == 1, r
    assert "failed at `INSERT INTO no_such_table VALUES (1)`" in r.stderr and "nothing was changed" in r.stderr
    assert fingerprint(db) == before
    if app:
        app.close()
    assert counts(db) == rows and state(db)[0] == 1


@pytest.mark.parametrize("journal", ["delete", "wal-app-dead"])
def test_a_migration_that_does_not_match_the_schema_is_rolled_back(project, journal):
    tmp_path, schemas, migrations = project
    write_sql(migrations, 1, 2, [s for s in generated_sql(1, 2) if "`tags`" not in s])
    db, _ = _prepare(tmp_path, journal)
    before = fingerprint(db)
    r = migrate(tmp_path, schemas, db, "--to", "2")
    assert r.returncode == 1, r
    assert "Migration didn't properly handle: conversations(" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 2  # the backup line, then the error
    assert fingerprint(db) == before


# --- kill -9 in the middle -----------------------------------------------------------------------------

@pytest.mark.parametrize("journal", ["delete", "wal-idle", "wal-app-dead"])
def test_kill_9_in_the_middle_leaves_the_old_version_with_every_row(project, journal):
    tmp_path, schemas, _ = project
    db, _ = _prepare(tmp_path, journal, rows=10_000)
    take_backup(db, tmp_path / "before.json")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT),
           "ROOMSCHEMA_TEST_PAUSE_AFTER_STATEMENT": "3", "ROOMSCHEMA_TEST_PAUSE_SECONDS": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "roomschema", "migrate", str(db), "--to", "2",
                             "--schemas", str(schemas)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "test pause after statement 3" not in line:
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            line = proc.stderr.readline()
        # Three ALTER TABLEs ran inside the open transaction.
        if journal == "delete":
            assert Path(str(db) + "-journal").exists()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert state(db) == (1, load(AVA / "1.json").database.identity_hash)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert "tags" not in [r[1] for r in conn.execute("PRAGMA table_info(conversations)")]
    conn.close()
    take_backup(db, tmp_path / "after.json")
    assert content(tmp_path / "after.json") == content(tmp_path / "before.json")
    # And the next attempt goes through.
    r = migrate(tmp_path, schemas, db, "--to", "2")
    assert r.returncode == 0, r.stderr


# --- a busy database ----------------------------------------------------------------------------------

def _lock_holder(db: Path, seconds: float) -> subprocess.Popen:
    code = ("import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            f"time.sleep({seconds})\n"
            "c.execute('COMMIT')\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.parametrize("wal", [False, True])
def test_a_lock_released_in_time_is_waited_for(project, wal):
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db", rows=200, wal=wal)
    holder = _lock_holder(db, 1.2)
    try:
        r = migrate(tmp_path, schemas, db, "--to", "2")
    finally:
        holder.wait(timeout=30)
    assert r.returncode == 0, r.stderr
    assert "database is busy; retry 1 in 0.2 s" in r.stderr
    assert state(db)[0] == 2


@pytest.mark.parametrize("wal", [False, True])
def test_a_lock_held_forever_gives_a_clear_error(project, wal):
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db", rows=200, wal=wal)
    holder = _lock_holder(db, 120)
    try:
        before = fingerprint(db)
        started = time.perf_counter()
        r = migrate(tmp_path, schemas, db, "--to", "2")
        elapsed = time.perf_counter() - started
        assert fingerprint(db) == before
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert r.returncode == 1, r
    assert "database is locked by another connection; gave up after 3 retries" in r.stderr
    assert [ln for ln in r.stderr.splitlines() if "retry" in ln and "busy" in ln] == [
        "roomschema: database is busy; retry 1 in 0.2 s", "roomschema: database is busy; retry 2 in 0.4 s",
        "roomschema: database is busy; retry 3 in 0.8 s"]
    assert 1.4 <= elapsed < 30
    assert backups(tmp_path) == []


# --- bad input: exit 2, byte-identical, no backup ---------------------------------------------------

def _corrupt_schema_page(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)
    db.write_bytes(bytes(data))


def _corrupt_a_data_page(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = 4096
    start = len(data) - 3 * page
    data[start:start + page] = b"\x0d" + b"\xff" * (page - 1)
    db.write_bytes(bytes(data))


def _other_database(db: Path) -> None:
    tmp = db.parent / "cells"
    make_db(load(write_export(tmp / "schemas" / "com.example.Cells", CELLS_DOC, 1)), db.parent / "other.db",
            rows=50)
    shutil.move(db.parent / "other.db", db)


def _bump_version(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage, message", [
    (_corrupt_schema_page, "corrupted or not a database"),
    (_corrupt_a_data_page, "corrupted"),
    (_other_database, "is not version 1's c4f804fc815a3f1178e0797d190a47ff: a file of another database"),
    (_bump_version, "at version 7, which has no schema file"),
    (lambda db: db.write_text("just text, " * 100), "not an SQLite database"),
])
def test_bad_databases_are_refused_and_left_alone(project, damage, message):
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db", rows=500)
    damage(db)
    before = fingerprint(db)
    listing = sorted(p.name for p in tmp_path.iterdir())
    r = migrate(tmp_path, schemas, db, "--to", "2")
    assert r.returncode == 2, r
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert fingerprint(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_a_decision_is_asked_for_before_anything_happens(project):
    tmp_path, schemas, _ = project
    doc = ava_doc(2)
    doc["database"]["entities"] = [e for e in doc["database"]["entities"] if e["tableName"] != "user_profiles"]
    write_export(schemas, doc, 3)
    db = make_db(load(AVA / "2.json"), tmp_path / "ava.db", rows=100)
    before = fingerprint(db)
    r = migrate(tmp_path, schemas, db, "--to", "3")
    assert r.returncode == 3, r
    assert "needs a decision" in r.stderr and "user_profiles" in r.stderr
    assert fingerprint(db) == before and backups(tmp_path) == []


@pytest.mark.parametrize("args, message", [
    (["--to", "9"], "no 9.json"),
    (["--to", "2", "--backup", "{tmp}/exists.json"], "exists"),
    (["--to", "2", "--migrations", "{tmp}/nowhere"], "no such directory"),
])
def test_bad_options(project, args, message):
    tmp_path, schemas, _ = project
    (tmp_path / "exists.json").write_text("{}")
    db = ava_db(tmp_path / "ava.db", rows=10)
    before = fingerprint(db)
    r = migrate(tmp_path, schemas, db, *[a.format(tmp=tmp_path) for a in args])
    assert r.returncode == 2 and message in r.stderr, r
    assert fingerprint(db) == before and backups(tmp_path) == []


# --- destructive ----------------------------------------------------------------------------------------

def test_destructive_needs_consent(project):
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db", rows=100)
    before = fingerprint(db)
    r = migrate(tmp_path, schemas, db, "--to", "2", "--destructive")
    assert r.returncode == 2 and "pass --yes" in r.stderr
    assert fingerprint(db) == before and backups(tmp_path) == []


def test_destructive_with_consent_backs_up_then_recreates(project):
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db", rows=100)
    take_backup(db, tmp_path / "before.json")
    r = migrate(tmp_path, schemas, db, "--to", "2", "--destructive", "--yes", "--backup", tmp_path / "b.json")
    assert r.returncode == 0, r.stderr
    assert content(tmp_path / "b.json") | {"schema": None} == content(tmp_path / "before.json")
    assert state(db) == (2, load(AVA / "2.json").database.identity_hash)
    assert {t: n for t, n in counts(db).items() if t != "room_master_table"} == dict.fromkeys(
        load(AVA / "2.json").database.table_names, 0)
    assert validate(sqlite3.connect(db), load(AVA / "2.json"), database_name=FQCN) == []


def test_a_foreign_key_violation_found_by_the_migration_rolls_back(project):
    tmp_path, schemas, migrations = project
    write_sql(migrations, 1, 2, generated_sql(1, 2) + ["PRAGMA foreign_key_check(`messages`)"])
    db = ava_db(tmp_path / "ava.db", rows=300)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO messages (id, conversation_id, role, content, timestamp) "
                 "VALUES ('orphan', 'no such conversation', 'user', 'hi', 0)")
    conn.commit()
    conn.close()
    before = fingerprint(db)
    r = migrate(tmp_path, schemas, db, "--to", "2")
    assert r.returncode == 1 and "Foreign key violation(s) detected in 'messages'" in r.stderr, r.stderr
    assert fingerprint(db) == before


def test_a_generated_downgrade_keeps_what_it_drops_in_the_backup(project):
    tmp_path, schemas, _ = project
    db = make_db(load(AVA / "2.json"), tmp_path / "ava.db", rows=800)
    r = migrate(tmp_path, schemas, db, "--to", "1", "--backup", tmp_path / "b.json")
    assert r.returncode == 0, r.stderr
    assert "attachments: dropped; its 100 rows are in the backup" in r.stdout
    assert state(db) == (1, load(AVA / "1.json").database.identity_hash)
    assert validate(sqlite3.connect(db), load(AVA / "1.json"), database_name=FQCN) == []
    # The backup restores the newer version, rows and all.
    r = run_cli("restore", tmp_path / "b.json", tmp_path / "back.db", "--schemas", schemas)
    assert r.returncode == 0, r.stderr
    assert counts(tmp_path / "back.db")["attachments"] == 100


@pytest.mark.parametrize("answer, code", [("n", 2), ("", 2), ("y", 0)])
def test_destructive_asks_on_a_terminal_and_defaults_to_no(project, answer, code):
    import pty
    tmp_path, schemas, _ = project
    db = ava_db(tmp_path / "ava.db", rows=100)
    before = fingerprint(db)
    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "roomschema", "migrate", str(db), "--to", "2", "--destructive",
                             "--schemas", str(schemas)], cwd=tmp_path, env=env, stdin=slave, stderr=slave,
                            stdout=subprocess.PIPE)
    os.close(slave)
    seen = b""
    while b"[y/N]" not in seen:
        seen += os.read(master, 1024)
    os.write(master, answer.encode() + b"\n")
    proc.wait(timeout=60)
    os.close(master)
    assert b"Delete every table of" in seen
    assert proc.returncode == code
    if code:
        assert fingerprint(db) == before and backups(tmp_path) == []
    else:
        assert state(db)[0] == 2 and len(backups(tmp_path)) == 1
