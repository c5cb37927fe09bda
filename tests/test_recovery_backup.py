"""backup and restore on real database files: typed cells, checksums, round trips."""
from __future__ import annotations

import json
import math
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from helpers import (AVA, CELLS_DOC, CORPUS, content, make_db, requires_corpus, run_cli, take_backup,
                     write_export)
from roomschema.schema.loader import load
from roomschema.recovery import cells
from roomschema.recovery.reader import Backup
from roomschema.recovery.restore import restore
from roomschema.recovery.sqlite_io import fingerprint
from roomschema.verify.build import build_database
from roomschema.verify.tableinfo import validate

AVA_DB = AVA.name


def table_rows(db: Path, table: str) -> list:
    conn = sqlite3.connect(db)
    conn.text_factory = bytes
    try:
        return conn.execute(f"SELECT typeof(rowid), rowid, * FROM `{table}` ORDER BY rowid").fetchall()
    finally:
        conn.close()


# --- a schema that stresses the cell encoding ---------------------------------------------------

VALUES = [None, "", "text", "ünïcødé ✓ \U0001f600", "nul\x00inside", "line\nbreak \"quoted\" \\", b"", b"\x00\xff\x10",
          0, 1, -1, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 2 ** 63 - 1, -(2 ** 63),
          0.1, -2.5, 2.0, 0.0, -0.0, 1e300, -1e-300, 5e-324, math.inf, -math.inf, 1.7976931348623157e308]


@pytest.fixture
def cells_db(tmp_path):
    folder = tmp_path / "schemas" / "com.example.CellsDatabase"
    schema = load(write_export(folder, CELLS_DOC, 1))
    db = tmp_path / "cells.db"
    conn = build_database(schema, db)
    conn.execute("PRAGMA journal_mode = DELETE")
    for v in VALUES:
        conn.execute("INSERT INTO cells (anyv, t, r, i) VALUES (?, ?, ?, ?)", (v, v, v, v))
    conn.execute("INSERT INTO cells (anyv, t) VALUES (CAST(x'c328ff' AS TEXT), CAST(x'80' AS TEXT))")
    conn.execute("DELETE FROM cells WHERE id = 3")  # a gap, and sqlite_sequence above the max
    conn.execute("INSERT INTO cells (id, t) VALUES (500, 'late')")
    conn.execute("DELETE FROM cells WHERE id = 500")
    conn.executemany("INSERT INTO tagged VALUES (?, ?)", [(f"tag{i}", i) for i in range(20)])
    conn.execute("DELETE FROM tagged WHERE n % 3 = 0")  # hidden rowids with gaps
    conn.executemany("INSERT INTO notes_fts (rowid, body, lid) VALUES (?, ?, ?)",
                     [(10, "hello world", 0), (20, "bonjour le monde", 1), (35, "hello again", 0)])
    conn.execute("CREATE TABLE android_metadata (locale TEXT)")
    conn.execute("INSERT INTO android_metadata VALUES ('en_US')")
    conn.close()
    return db, schema


# --- cells ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", VALUES + [cells.RawText(b"\xc3\x28")], ids=repr)
def test_cell_round_trip_is_exact(value):
    text = cells.row_text([value])
    back = cells.decode(json.loads(text)[0])
    assert type(back) is type(value)
    if isinstance(value, float):
        assert repr(back) == repr(value)
    else:
        assert back == value


def test_plain_numbers_keep_the_storage_class_for_any_json_reader():
    enc = [cells.encode(v) for v in (2 ** 53, 2.0, 0.5, math.inf, 7)]
    assert enc == [{"int": str(2 ** 53)}, {"real": "2.0"}, 0.5, {"real": "inf"}, 7]


@pytest.mark.parametrize("bad", [True, {"b64": "!!"}, {"int": "1.5"}, {"int": str(2 ** 64)}, {"x": "1"}, [1]])
def test_bad_cells_are_rejected(bad):
    with pytest.raises(cells.CellError):
        cells.decode(bad)


# --- round trips ------------------------------------------------------------------------------------

def test_every_storage_class_survives_backup_restore_backup(tmp_path, cells_db):
    db, schema = cells_db
    take_backup(db, tmp_path / "1.json")
    summary = restore(tmp_path / "1.json", tmp_path / "restored.db", schema)
    take_backup(tmp_path / "restored.db", tmp_path / "2.json")
    assert content(tmp_path / "1.json") == content(tmp_path / "2.json")
    for table in ("cells", "tagged", "android_metadata"):
        assert table_rows(db, table) == table_rows(tmp_path / "restored.db", table), table
    conn = sqlite3.connect(tmp_path / "restored.db")
    assert conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'cells'").fetchone() == (500,)
    assert conn.execute("SELECT rowid, body, lid FROM notes_fts WHERE notes_fts MATCH 'hello' ORDER BY rowid"
                        ).fetchall() == [(10, "hello world", 0), (35, "hello again", 0)]
    assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    assert conn.execute("SELECT identity_hash FROM room_master_table WHERE id = 42").fetchone() == (
        schema.database.identity_hash,)
    assert validate(conn, schema, database_name="x", validate_dropped_tables=True) == []
    assert summary["rows"] == sum(t["rows"] for t in summary["tables"])


def test_backup_lists_what_it_skips_and_why(tmp_path, cells_db):
    db, _ = cells_db
    take_backup(db, tmp_path / "b.json")
    doc = json.loads((tmp_path / "b.json").read_text())
    names = [t["name"] for t in doc["tables"]]
    assert names == ["cells", "tagged", "notes_fts", "android_metadata"]
    skipped = {s["name"]: s["reason"] for s in doc["skipped"]}
    assert set(skipped) >= {"sqlite_sequence", "room_master_table", "notes_fts_content", "notes_fts_segdir"}
    assert "shadow" in skipped["notes_fts_content"]
    assert doc["views"] == [{"name": "texts", "sql": "CREATE VIEW `texts` AS SELECT id, t FROM cells"}]
    cell_rows = next(t for t in doc["tables"] if t["name"] == "cells")["rows"]
    assert {"b64": "AP8Q"} in [c for r in cell_rows for c in r]
    assert {"int": str(2 ** 63 - 1)} in [c for r in cell_rows for c in r]
    assert next(t for t in doc["tables"] if t["name"] == "tagged")["rowid"] is True


def test_ava_backup_restore_backup_is_identical_and_valid(tmp_path):
    schema = load(AVA / "2.json")
    db = make_db(schema, tmp_path / "ava.db", rows=2000)
    take_backup(db, tmp_path / "1.json")
    r = run_cli("restore", tmp_path / "1.json", tmp_path / "r.db", "--schemas", AVA.parent, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["rows"] == 2000 and out["userVersion"] == 2
    take_backup(tmp_path / "r.db", tmp_path / "2.json")
    assert content(tmp_path / "1.json") == content(tmp_path / "2.json")
    conn = sqlite3.connect(tmp_path / "r.db")
    assert validate(conn, schema, database_name=AVA_DB, validate_dropped_tables=True) == []


def _corpus_samples() -> list:
    if not CORPUS.is_dir():
        return []
    out = []
    for folder in sorted({p.parent for p in CORPUS.glob("*/*/*.json") if p.stem.isdigit()}):
        versions = sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit())
        out.append(folder / f"{versions[-1]}.json")
    return sorted(set(out))


@requires_corpus
@pytest.mark.parametrize("schema_file", _corpus_samples(), ids=lambda p: f"{p.parent.name.split('.')[-1]}-{p.stem}")
def test_corpus_round_trip(tmp_path, schema_file):
    schema = load(schema_file)
    db = make_db(schema, tmp_path / "a.db", rows=400)
    take_backup(db, tmp_path / "1.json")
    summary = restore(tmp_path / "1.json", tmp_path / "b.db", schema)
    take_backup(tmp_path / "b.db", tmp_path / "2.json")
    assert content(tmp_path / "1.json") == content(tmp_path / "2.json")
    conn = sqlite3.connect(tmp_path / "b.db")
    assert validate(conn, schema, database_name=schema_file.parent.name, validate_dropped_tables=True) == []
    for e in schema.database.entities:
        if e.is_fts and e.content_table:
            assert e.table_name in summary["rebuilt"]
            # The rebuilt index finds what the original finds.
            word = _some_word(db, e)
            if word:
                q = f"SELECT rowid FROM `{e.table_name}` WHERE `{e.table_name}` MATCH ? ORDER BY rowid"
                assert conn.execute(q, (word,)).fetchall() == sqlite3.connect(db).execute(q, (word,)).fetchall()
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    assert conn.execute(triggers).fetchall() == sqlite3.connect(db).execute(triggers).fetchall()


def _some_word(db: Path, e) -> str:
    conn = sqlite3.connect(db)
    for f in e.fields:
        row = conn.execute(f"SELECT `{f.column_name}` FROM `{e.content_table}` WHERE typeof(`{f.column_name}`) "
                           f"= 'text' LIMIT 1").fetchone()
        if row and row[0].split():
            return row[0].split()[0].strip("'\"*-")
    return ""


def test_a_reformatted_backup_still_restores(tmp_path, cells_db):
    db, schema = cells_db
    take_backup(db, tmp_path / "1.json")
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads((tmp_path / "1.json").read_text()), indent=1), encoding="utf-8")
    restore(pretty, tmp_path / "r.db", schema)
    take_backup(tmp_path / "r.db", tmp_path / "2.json")
    assert content(tmp_path / "1.json") == content(tmp_path / "2.json")


# --- bad input: one line, exit 2, nothing written ----------------------------------------------------

def _files(folder: Path) -> list:
    return sorted(p.name for p in folder.iterdir())


def _tamper(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("damage, message", [
    (lambda p: _tamper(p, '"hello world"', '"hello World"'), "checksum mismatch"),
    (lambda p: p.write_text("\n".join(p.read_text().split("\n")[:-4]) + "\n"), "ends early"),
    (lambda p: _tamper(p, '"rowCount": 3', '"rowCount": 4'), "3 rows, the backup says 4"),
    (lambda p: p.write_text('{"format": "something-else"}'), "not a roomschema backup"),
    (lambda p: p.write_text("not json"), "invalid JSON"),
    (lambda p: _tamper(p, '"identityHash": "', '"identityHash": "0'), "does not match version 1"),
])
def test_a_damaged_backup_is_refused(tmp_path, cells_db, damage, message):
    db, schema = cells_db
    backup = tmp_path / "b.json"
    take_backup(db, backup)
    damage(backup)
    before = _files(tmp_path)
    r = run_cli("restore", backup, tmp_path / "new.db", "--schemas", schema.path.parent)
    assert r.returncode == 2, r
    assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert _files(tmp_path) == before


def test_restore_never_overwrites_without_force(tmp_path, cells_db):
    db, schema = cells_db
    take_backup(db, tmp_path / "b.json")
    target = tmp_path / "target.db"
    target.write_bytes(b"precious")
    r = run_cli("restore", tmp_path / "b.json", target, "--schemas", schema.path.parent)
    assert r.returncode == 2 and "pass --force" in r.stderr
    assert target.read_bytes() == b"precious"
    Path(str(target) + "-wal").write_bytes(b"stale wal of the old file")
    r = run_cli("restore", tmp_path / "b.json", target, "--schemas", schema.path.parent, "--force")
    assert r.returncode == 0, r.stderr
    assert not Path(str(target) + "-wal").exists()
    assert table_rows(target, "cells") == table_rows(db, "cells")


@pytest.mark.parametrize("content_bytes, message", [
    (b"", "empty file"),
    (b"hello, I am a text file\n" * 10, "not an SQLite database"),
])
def test_backup_of_a_non_database(tmp_path, content_bytes, message):
    f = tmp_path / "x.db"
    f.write_bytes(content_bytes)
    r = run_cli("backup", f, "-o", tmp_path / "b.json")
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert _files(tmp_path) == ["x.db"] and f.read_bytes() == content_bytes


def test_backup_of_a_corrupted_database(tmp_path):
    db = make_db(load(AVA / "1.json"), tmp_path / "a.db", rows=500)
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page
    db.write_bytes(bytes(data))
    before = fingerprint(db)
    r = run_cli("backup", db, "-o", tmp_path / "b.json")
    assert r.returncode == 2, r
    assert "corrupted or not a database" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert fingerprint(db) == before and not (tmp_path / "b.json").exists()
    assert [p for p in _files(tmp_path) if p.startswith(".")] == []


def test_backup_refuses_to_overwrite(tmp_path):
    db = make_db(load(AVA / "1.json"), tmp_path / "a.db", rows=10)
    (tmp_path / "b.json").write_text("mine")
    r = run_cli("backup", db, "-o", tmp_path / "b.json")
    assert r.returncode == 2 and "pass --force" in r.stderr
    assert (tmp_path / "b.json").read_text() == "mine"


# --- the source file is never changed ----------------------------------------------------------------

def test_backup_leaves_a_wal_database_byte_identical(tmp_path):
    """A -wal with committed rows is not checkpointed by the backup (read-only connection)."""
    import subprocess
    import sys
    db = tmp_path / "w.db"
    make_db(load(AVA / "1.json"), db, rows=0, wal=True)
    # An app that wrote and died without checkpointing: its rows live only in the -wal.
    subprocess.run([sys.executable, "-c", (
        "import sqlite3, os\n"
        f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.executemany(\"INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, 't', 1, 2)\", "
        "[(str(i),) for i in range(300)])\n"
        "os._exit(0)\n")], check=True)
    before = fingerprint(db)
    assert before["-wal"] is not None
    r = run_cli("backup", db, "-o", tmp_path / "b.json", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["tables"][0] == {"name": "conversations", "kind": "table", "rows": 300,
                                                  "sha256": json.loads(r.stdout)["tables"][0]["sha256"]}
    assert fingerprint(db) == before


def test_backup_of_a_clean_wal_database_leaves_no_files_behind(tmp_path):
    db = make_db(load(AVA / "1.json"), tmp_path / "w.db", rows=50, wal=True)
    assert _files(tmp_path) == ["w.db"]
    before = fingerprint(db)
    r = run_cli("backup", db, "-o", tmp_path / "b.json")
    assert r.returncode == 0, r.stderr
    assert _files(tmp_path) == ["b.json", "w.db"] and fingerprint(db) == before


def test_default_backup_name_is_beside_the_database(tmp_path):
    db = make_db(load(AVA / "1.json"), tmp_path / "a.db", rows=5)
    r = run_cli("backup", db)
    assert r.returncode == 0, r.stderr
    made = [p for p in _files(tmp_path) if p.startswith("a.db.backup-1-") and p.endswith(".json")]
    assert len(made) == 1


def test_without_rowid_and_hidden_rowid_tables(tmp_path):
    db = tmp_path / "raw.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID")
    conn.executemany("INSERT INTO kv VALUES (?, ?)", [("b", 2), ("a", 1), ("c", b"\x01")])
    conn.commit()
    conn.close()
    take_backup(db, tmp_path / "b.json")
    with Backup(tmp_path / "b.json") as b:
        tables = [(t.head, list(t.rows())) for t in b.tables()]
    assert tables[0][0]["rowid"] is False
    assert tables[0][1] == [["a", 1], ["b", 2], ["c", {"b64": "AQ=="}]]


# --- streaming ----------------------------------------------------------------------------------------

def test_backup_and_restore_stream_rows(tmp_path):
    """50 MB of rows: neither side holds them in memory."""
    schema = load(AVA / "1.json")
    db = make_db(schema, tmp_path / "big.db", rows=0)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO memory (id, memory_type, content, importance, created_at, last_accessed, "
                 "access_count) WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 49999) "
                 "SELECT 'm' || n, 't', printf('%.1000c', 'x'), 0.5, n, n, 0 FROM s")
    conn.commit()
    conn.close()
    tracemalloc.start()
    take_backup(db, tmp_path / "b.json")
    _, backup_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    restore(tmp_path / "b.json", tmp_path / "r.db", schema)
    _, restore_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (tmp_path / "b.json").stat().st_size > 50_000_000
    assert backup_peak < 10_000_000, backup_peak
    assert restore_peak < 10_000_000, restore_peak


def test_restore_finds_the_schema_among_several_databases(tmp_path):
    schemas = tmp_path / "app" / "schemas"
    (schemas / AVA_DB).mkdir(parents=True)
    for v in (1, 2):
        (schemas / AVA_DB / f"{v}.json").write_text((AVA / f"{v}.json").read_text())
    write_export(schemas / "com.example.CellsDatabase", CELLS_DOC, 1)
    db = make_db(load(AVA / "2.json"), tmp_path / "a.db", rows=50)
    take_backup(db, tmp_path / "plain.json")
    take_backup(db, tmp_path / "named.json", schema=AVA_DB)  # as migrate writes it
    r = run_cli("restore", tmp_path / "plain.json", tmp_path / "r1.db", cwd=tmp_path)
    assert r.returncode == 2 and "several databases found, choose one with --db" in r.stderr
    r = run_cli("restore", tmp_path / "plain.json", tmp_path / "r1.db", "--db", "AVADatabase", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_cli("restore", tmp_path / "named.json", tmp_path / "r2.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_cli("restore", tmp_path / "plain.json", tmp_path / "r3.db", "--db", "CellsDatabase", cwd=tmp_path)
    assert r.returncode == 2 and "no 2.json" in r.stderr, r.stderr
    assert not (tmp_path / "r3.db").exists()
