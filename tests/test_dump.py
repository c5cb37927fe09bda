"""`roomschema dump DB`: a database file Room created gives back the N.json Room exported for it."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from corpus_history import history_declarations, history_key, with_fills, EXPECTED_FAILURES
from helpers import AVA, corpus_files, file_id, requires_corpus, run_cli, CORPUS
from roomschema.migration.changes import diff
from roomschema.recovery.dump import FIELD_PATH_NOTE, dump
from roomschema.schema import compose
from roomschema.schema.identity import check
from roomschema.schema.loader import load, loads
from roomschema.schema.model import ROOM_2_6, ROOM_2_7, Database, Schema, replace
from roomschema.schema.writer import dumps
from roomschema.verify import verify_migration
from roomschema.verify.build import build_database


def as_stored(schema: Schema) -> Database:
    """What a database keeps of an export, so a dump can be compared with the file itself.

    Only what SQLite cannot hold is normalised: ``fieldPath`` (the column name
    stands in), index SQL from before Room 2.2 (SQLite stores ``CREATE  INDEX
    `i``` and ``CREATE INDEX IF NOT EXISTS `i``` alike, so the current form is
    expected), an index ``orders`` key the file predates (``[]`` today) and
    Room 1.x's double-quoted setup INSERT.
    """
    db = schema.database
    entities = []
    for e in db.entities:
        indices = tuple(replace(i, orders=i.orders or (), column_names=tuple(i.column_names or ()),
                                create_sql=i.create_sql
                                .replace("CREATE  INDEX `", "CREATE INDEX IF NOT EXISTS `")
                                .replace("CREATE UNIQUE INDEX `", "CREATE UNIQUE INDEX IF NOT EXISTS `"))
                        for i in e.indices)
        entities.append(replace(e, fields=tuple(replace(f, field_path=f.column_name) for f in e.fields),
                                indices=indices))
    setup = tuple(q.replace(f'VALUES(42, "{db.identity_hash}")', f"VALUES(42, '{db.identity_hash}')")
                  for q in db.setup_queries)
    return replace(db, entities=tuple(entities), setup_queries=setup)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> dict:
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def by_name(db: Database) -> Database:
    """A migration rebuilds tables in its own order, so a migrated database keeps no entity order."""
    return replace(db, entities=tuple(sorted(db.entities, key=lambda e: e.table_name)))


def assert_same_export(dumped: Schema, original: Schema, migrated: bool = False) -> None:
    """The dump is the original export, as far as a database can tell, and hashes as Room's file does."""
    if migrated:
        assert by_name(dumped.database) == by_name(as_stored(original))
    else:
        assert dumped.database == as_stored(original)
    assert dumped.database.identity_hash == original.database.identity_hash
    assert not diff(original, dumped).changes
    assert check(dumped).matches == check(original).matches
    # and it reads back as written
    assert loads(dumps(dumped)).database == dumped.database


# ---- the databases verify --keep leaves ---------------------------------------------------------------

def test_ava_databases_verify_keeps_dump_to_their_export(project):
    keep = project / "kept"
    r = run_cli("verify", "1", "2", "--rows", "200", "--keep", keep, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    kept = {"pre.sqlite": 1, "db.sqlite": 2}   # before the migration, and after it
    for folder in sorted(p for p in keep.iterdir() if p.is_dir()):
        before = listing(folder)
        for name, version in kept.items():
            out = project / f"{folder.name}-{version}.json"
            r = run_cli("dump", folder / name, "-o", out, cwd=project)
            assert r.returncode == 0, r.stderr
            assert r.stdout == f"wrote {out.name}: version {version}, identity hash " \
                               f"{load(AVA / f'{version}.json').database.identity_hash}\n"
            assert "fieldPath" in r.stderr and "Traceback" not in r.stderr
            original, dumped = load(AVA / f"{version}.json"), load(out)
            assert_same_export(dumped, original, migrated=version == 2)
            # roomschema's own commands agree: nothing differs, and the hash recomputes
            d = run_cli("diff", AVA / f"{version}.json", out, "--format", "json", cwd=project)
            assert d.returncode == 0 and json.loads(d.stdout)["changes"] == [], d.stdout
            h = run_cli("hash", out, "--format", "json", cwd=project)
            assert h.returncode == 0 and json.loads(h.stdout)["all_match"] is True, h.stdout
        # read-only: every file in the folder byte for byte as it was, and no -wal/-shm left behind
        assert listing(folder) == before


def test_ava_dump_is_rooms_text_but_for_field_paths(tmp_path):
    """Room 2.6's layout byte for byte: only fieldPath (the Kotlin property) is the column name instead."""
    for v in (1, 2):
        original = load(AVA / f"{v}.json")
        db = tmp_path / f"{v}.db"
        build_database(original, db).close()
        expected = replace(original, database=as_stored(original))
        assert dumps(dump(db).schema) == dumps(expected)
        assert any(f.field_path != f.column_name for e in original.database.entities for f in e.fields)


# ---- every corpus export: build it as MigrationTestHelper does, dump it, compare -----------------------

@requires_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=file_id)
def test_corpus_export_survives_a_database(path, tmp_path):
    original = load(path)
    db = tmp_path / "app.db"
    build_database(original, db).close()
    before = sha256(db)
    era = original.style.era
    result = dump(db, style=ROOM_2_7 if era.startswith("kotlinx") else ROOM_2_6)
    assert sha256(db) == before and sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]
    assert_same_export(result.schema, original)
    assert result.notes[0] == FIELD_PATH_NOTE
    if check(original).matches:
        assert check(result.schema).matches, result.notes
        assert len(result.notes) == 1, result.notes
    if era in ("gson-kotlin (Room 2.5-2.6)", "kotlinx (Room 2.7+)"):
        # the exporter's own layout; a file an editor re-indented is compared in Room's indent
        expected = replace(original, database=as_stored(original), indent="  ", trailer="")
        assert dumps(result.schema) == dumps(expected)


def _corpus_pair(app: str, old: int, new: int):
    folder = next(p.parent for p in (CORPUS / app).glob("*/*.json"))
    return load(folder / f"{old}.json"), load(folder / f"{new}.json")


# Migrated databases, not just created ones: a table rebuilt and renamed (its SQL then names it in
# double quotes), FTS tables recreated with their triggers, views dropped and recreated, columns
# added with DEFAULT NULL.
MIGRATED = [("evaogbe__diswantin-android", 31, 32), ("evaogbe__diswantin-android", 36, 37),
            ("simpledotorg__simple-android", 70, 71), ("pachli__pachli-android", 40, 41),
            ("tuskyapp__Tusky", 30, 31), ("android__nowinandroid", 2, 3)]


@requires_corpus
@pytest.mark.parametrize("app,old,new", MIGRATED, ids=[f"{a.split('__')[-1]}-{o}-{n}" for a, o, n in MIGRATED])
def test_corpus_migrated_database_dumps_to_the_new_export(app, old, new, tmp_path):
    a, b = _corpus_pair(app, old, new)
    assert history_key(a, b) not in EXPECTED_FAILURES
    plan = with_fills(a, b, history_declarations(a, b))
    assert plan is not None
    report = verify_migration(a, b, plan, rows=30, modes=("legacy_alter_table=OFF",), hazard_pass=False,
                              keep_dir=tmp_path / "kept", max_seconds=60, max_lock=60)
    assert report.ok, report
    db = next((tmp_path / "kept").rglob("db.sqlite"))
    before = listing(db.parent)
    result = dump(db)
    assert listing(db.parent) == before
    assert_same_export(result.schema, b, migrated=True)
    assert result.schema.version == new
    assert check(result.schema).matches, result.notes


# ---- what a database cannot tell, and what Room did not create ----------------------------------------

def _sqlite(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return path


def _room(path: Path, schema: Schema, *extra: str) -> Path:
    conn = build_database(schema, path)
    for sql in extra:
        conn.execute(sql)
    conn.close()
    return path


def test_sql_room_writes_and_sqlite_rewrites(tmp_path):
    """COLLATE, a parenthesised DEFAULT (PRAGMA drops the parentheses), a deferred key, ordered and
    unique indices, a view: all back as Room wrote them."""
    parent = compose.entity("parent", [compose.field("id", "INTEGER", True)], ["id"], auto_generate=True)
    sql = ("CREATE TABLE IF NOT EXISTS `${TABLE_NAME}` (`id` INTEGER NOT NULL, `parent_id` INTEGER NOT NULL, "
           "`name` TEXT NOT NULL COLLATE NOCASE, `at` INTEGER NOT NULL DEFAULT (strftime('%s','now')), "
           "`note` TEXT DEFAULT 'it''s', `n` REAL NOT NULL DEFAULT -1.5, PRIMARY KEY(`id`, `parent_id`), "
           "FOREIGN KEY(`parent_id`) REFERENCES `parent`(`id`) ON UPDATE NO ACTION ON DELETE CASCADE "
           "DEFERRABLE INITIALLY DEFERRED)")
    fields = (compose.field("id", "INTEGER", True), compose.field("parent_id", "INTEGER", True),
              compose.field("name", "TEXT", True), compose.field("at", "INTEGER", True, "(strftime('%s','now'))"),
              compose.field("note", "TEXT", False, "'it''s'"), compose.field("n", "REAL", True, "-1.5"))
    child = compose.entity("child", fields, ["id", "parent_id"],
                           indices=[compose.index("child", ["name", "at"], orders=["ASC", "DESC"]),
                                    compose.index("child", ["parent_id"], unique=True)],
                           foreign_keys=[compose.foreign_key(["parent_id"], "parent", ["id"], on_delete="CASCADE")],
                           deferred=[True])
    child = replace(child, create_sql=sql)
    original = compose.schema(3, [parent, child], [compose.view("names", "SELECT name FROM child")])
    db = _room(tmp_path / "a.db", original)
    dumped = dump(db).schema
    assert dumped.database == as_stored(original)
    assert dumped.database.entity("child").create_sql == sql
    assert check(dumped).matches


def test_fts_options_and_rowid_key_from_the_identity_hash(tmp_path):
    content = compose.entity("doc", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT", True),
                                     compose.field("title", "TEXT")], ["id"], auto_generate=True)
    plain = compose.fts_entity("doc_fts", [compose.field("body", "TEXT", True)], content_table="doc",
                               tokenizer="porter")
    options = replace(plain.fts_options, tokenizer="unicode61", tokenizer_args=("remove_diacritics=1",), content_table="",
                      language_id_column_name="lid", match_info="FTS3", not_indexed_columns=("title",),
                      prefix_sizes=(2, 4), preferred_order="DESC")
    rich = replace(compose.fts_entity("notes", [compose.field("body", "TEXT", True), compose.field("title", "TEXT")],
                                      version="FTS4"),
                   create_sql="CREATE VIRTUAL TABLE IF NOT EXISTS `${TABLE_NAME}` USING FTS4(`body` TEXT NOT NULL, "
                              "`title` TEXT, tokenize=unicode61 `remove_diacritics=1`, languageid=`lid`, "
                              "matchinfo=fts3, notindexed=`title`, prefix=`2,4`, order=DESC)",
                   fts_options=options)
    fts3 = replace(compose.fts_entity("old", [compose.field("t", "TEXT")], version="FTS3"),
                   primary_key=compose.entity("x", []).primary_key)
    for with_rowid in (True, False):
        pk = compose.entity("x", [compose.field("rowid", "INTEGER")], ["rowid"], auto_generate=True).primary_key
        entities = [content, replace(plain, primary_key=pk if with_rowid else fts3.primary_key), rich, fts3]
        original = compose.schema(1, entities)
        db = _room(tmp_path / f"{with_rowid}.db", original)
        result = dump(db)
        assert result.schema.database == as_stored(original), with_rowid
        assert check(result.schema).matches and len(result.notes) == 1, result.notes
        # Room's triggers belong to their FTS table, the shadow tables are no entities
        assert result.schema.database.entity("doc_fts").content_sync_triggers == plain.content_sync_triggers
        assert result.schema.database.table_names == ("doc", "doc_fts", "notes", "old")
    # A migration that lost a trigger: the export still has Room's four, and a note says the file differs.
    original = compose.schema(1, [content, plain])
    db = _room(tmp_path / "lost.db", original, "DROP TRIGGER room_fts_content_sync_doc_fts_AFTER_INSERT")
    result = dump(db)
    assert result.schema.database == as_stored(original)
    assert any("content-sync triggers in the database are not the ones Room writes" in n for n in result.notes)


def test_default_null_is_settled_by_the_hash(tmp_path):
    """Room's AutoMigration adds a nullable column with DEFAULT NULL; an entity may also declare it."""
    declared = compose.schema(1, [compose.entity("t", [compose.field("id", "INTEGER", True),
                                                       compose.field("a", "TEXT", default="NULL")], ["id"])])
    assert dump(_room(tmp_path / "declared.db", declared)).schema.database == as_stored(declared)
    plain = compose.schema(2, [compose.entity("t", [compose.field("id", "INTEGER", True),
                                                    compose.field("a", "TEXT"), compose.field("b", "TEXT")], ["id"])])
    db = _room(tmp_path / "migrated.db", compose.schema(2, [compose.entity("t", [compose.field("id", "INTEGER", True)],
                                                                           ["id"])]),
               "ALTER TABLE `t` ADD COLUMN `a` TEXT DEFAULT NULL", "ALTER TABLE `t` ADD COLUMN `b` TEXT DEFAULT NULL",
               f"UPDATE room_master_table SET identity_hash = '{plain.database.identity_hash}'")
    result = dump(db)
    assert result.schema.database == as_stored(plain)
    assert check(result.schema).matches


def test_a_migrations_own_sql_is_written_as_room_writes_it(tmp_path):
    target = compose.schema(2, [compose.entity("items", [compose.field("id", "INTEGER", True),
                                                         compose.field("name", "TEXT", True, "''"),
                                                         compose.field("qty", "INTEGER", True, "0")], ["id"])])
    db = _sqlite(tmp_path / "hand.db",
                 "CREATE TABLE items_new (id INTEGER NOT NULL, name TEXT NOT NULL DEFAULT '', PRIMARY KEY(id))",
                 "ALTER TABLE items_new RENAME TO items",
                 "ALTER TABLE items ADD COLUMN qty INTEGER NOT NULL DEFAULT 0",
                 "CREATE TABLE room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
                 f"INSERT INTO room_master_table VALUES (42, '{target.database.identity_hash}')",
                 "CREATE TABLE android_metadata (locale TEXT)",
                 "CREATE TRIGGER audit AFTER DELETE ON items BEGIN SELECT 1; END",
                 "PRAGMA user_version = 2")
    sql = sqlite3.connect(db).execute("SELECT sql FROM sqlite_master WHERE name = 'items'").fetchone()[0]
    assert sql.startswith('CREATE TABLE "items" (id INTEGER NOT NULL, ') and "qty INTEGER NOT NULL DEFAULT 0" in sql
    result = dump(db)
    assert result.schema.database == as_stored(target)
    assert check(result.schema).matches
    notes = "\n".join(result.notes)
    assert "table items: its SQL in the database is not the text Room writes" in notes
    assert "trigger audit is not one Room writes" in notes


# ---- the command line ------------------------------------------------------------------------------------

def test_stdout_is_the_file_and_notes_go_to_stderr(tmp_path):
    db = _room(tmp_path / "a.db", load(AVA / "2.json"))
    out = tmp_path / "2.json"
    assert run_cli("dump", db, "-o", out).returncode == 0
    for args in ((), ("-o", "-")):
        r = run_cli("dump", db, *args)
        assert r.returncode == 0 and r.stdout == out.read_text(encoding="utf-8")
        assert not r.stdout.endswith("\n")   # Room writes no final newline
        assert r.stderr == f"roomschema: note: {FIELD_PATH_NOTE}\n"


def test_room_2_7_layout(tmp_path):
    db = _room(tmp_path / "a.db", load(AVA / "2.json"))
    r = run_cli("dump", db, "--room", "2.7")
    assert r.returncode == 0
    s = loads(r.stdout)
    assert s.style.era == "kotlinx (Room 2.7+)" and '"notNull": false' not in r.stdout
    assert s.database == dump(db).schema.database


def test_an_existing_output_needs_force(tmp_path):
    db = _room(tmp_path / "a.db", load(AVA / "1.json"))
    out = tmp_path / "1.json"
    out.write_text("mine")
    r = run_cli("dump", db, "-o", out)
    assert r.returncode == 2 and "exists; pass --force" in r.stderr and out.read_text() == "mine"
    assert run_cli("dump", db, "-o", out, "--force").returncode == 0
    assert load(out).version == 1


def test_a_live_wal_is_read_and_left_alone(tmp_path):
    """A device copy taken while the app ran has a -wal; its content counts, and no file changes."""
    db = _room(tmp_path / "a.db", load(AVA / "1.json"))
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("PRAGMA user_version = 7")
    try:
        assert (tmp_path / "a.db-wal").stat().st_size > 0
        # The -shm is SQLite's shared-memory index, where every reader takes a read mark: not data.
        before = {k: v for k, v in listing(tmp_path).items() if not k.endswith("-shm")}
        r = run_cli("dump", db)
        assert r.returncode == 0, r.stderr
        assert loads(r.stdout).version == 7
        assert {k: v for k, v in listing(tmp_path).items() if not k.endswith("-shm")} == before
    finally:
        writer.close()


@pytest.mark.parametrize("case", ["missing", "empty", "json", "plain-sqlite", "no-hash-row", "directory"])
def test_not_a_room_database_is_one_line_exit_2(case, tmp_path):
    path = tmp_path / "input.db"
    if case == "empty":
        path.write_bytes(b"")
    elif case == "json":
        path.write_text((AVA / "1.json").read_text())
    elif case == "plain-sqlite":
        _sqlite(path, "CREATE TABLE t (a)")
    elif case == "no-hash-row":
        _sqlite(path, "CREATE TABLE room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)")
    elif case == "directory":
        path.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out.json"
    r = run_cli("dump", path, "-o", out)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("roomschema: error: ") and "input.db" in lines[0], r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    why = {"missing": "no such database file", "empty": "empty file", "json": "not an SQLite database",
           "plain-sqlite": "not a database Room created", "no-hash-row": "holds no identity hash",
           "directory": "is not a file"}[case]
    assert why in lines[0]
