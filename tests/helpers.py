"""What the tests share, in one place: where the inputs are, running the command
line, and the throwaway git repositories of the workflow tests.

Test modules import from here, never from one another or from conftest (which
holds only fixtures and hooks).
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from roomschema.schema import compose
from roomschema.schema.loader import load
from roomschema.schema.writer import dumps

ROOT = Path(__file__).resolve().parents[1]
AVA = ROOT / "app" / "schemas" / "com.augmentalis.ava.core.data.AVADatabase"
FQCN = AVA.name

# ---- the corpus: real Room exports, beside the checkout only on the maintainers' machines ---------

# A user's clone has no corpus: every test that reads it skips with NO_CORPUS.
CORPUS = Path(os.environ.get("ROOMSCHEMA_CORPUS") or ROOT.parent / "shared" / "corpus")
NO_CORPUS = f"corpus absent: no real Room exports at {CORPUS} (set ROOMSCHEMA_CORPUS to a copy)"
requires_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=NO_CORPUS)


def corpus_files() -> list:
    """Every N.json of the corpus (tools may leave other JSON beside them), by folder and version."""
    if not CORPUS.is_dir():
        return []
    files = [p for p in CORPUS.glob("*/*/*.json") if p.stem.isdigit()]
    return sorted(files, key=lambda p: (str(p.parent), int(p.stem)))


def corpus_pairs() -> list:
    """Consecutive (old, new) files of every corpus database."""
    pairs = []
    for folder in sorted({p.parent for p in corpus_files()}):
        files = sorted((p for p in folder.glob("*.json") if p.stem.isdigit()), key=lambda p: int(p.stem))
        pairs += list(zip(files, files[1:]))
    return pairs


def file_id(p: Path) -> str:
    return f"{p.parent.parent.name.split('__')[-1]}-{p.stem}"


def pair_id(pair) -> str:
    a, b = pair
    return f"{a.parent.parent.name.split('__')[-1]}-{a.stem}-{b.stem}"


# ---- the command line ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args, cwd=None, env=None, input=None) -> Result:
    """The command line in this process, as the console script runs it:
    ``roomschema.cli.main.main``, which turns errors into exit codes and messages.

    Output is not a terminal and NO_COLOR is set unless ``env`` says otherwise
    (a value of None unsets a variable). Any exception that escapes ``main``
    fails the test with its traceback, as a user would see it.
    """
    from roomschema.cli.main import main
    env = {"NO_COLOR": "1", "FORCE_COLOR": None, **(env or {})}
    here = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        with CliRunner().isolation(input=input, env=env) as (out, err, _):
            try:
                main([str(a) for a in args])
                code = 0  # main always exits; returning is what `sys.exit(None)` means
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    finally:
        os.chdir(here)
    return Result(code, stdout, stderr)


def run_executable(*args, cwd=None, env=None, input=None) -> subprocess.CompletedProcess:
    """``python -m roomschema`` in a subprocess: for what only a real process
    shows (the executable, a closed pipe, a terminal, modules loaded at start)."""
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    if "FORCE_COLOR" not in (env or {}):
        full_env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-m", "roomschema", *map(str, args)], cwd=cwd or ROOT,
                          env=full_env, capture_output=True, text=True, input=input, timeout=300)


# ---- throwaway git repositories holding the AVA exports ---------------------------------------------

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args) -> str:
    r = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def make_repo(root: Path, versions=(1, 2), commit: bool = True, variants=()) -> Path:
    """A git repository with only the AVA schema exports (committed); with ``variants``, one
    folder per build variant, as the Room Gradle plugin writes them."""
    for variant in variants or ("",):
        folder = root / "app" / "schemas" / variant / FQCN
        folder.mkdir(parents=True)
        for v in versions:
            shutil.copy(AVA / f"{v}.json", folder / f"{v}.json")
    git(root, "init", "-q", "-b", "main")
    if commit:
        commit_all(root, "schemas")
    return root


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def schemas(repo: Path) -> Path:
    return repo / "app" / "schemas" / FQCN


def migrations(repo: Path) -> Path:
    return repo / "app" / "migrations" / FQCN


def config(repo: Path, text: str) -> None:
    (repo / "roomschema.toml").write_text(text)


def check(repo: Path, *args) -> tuple:
    """``roomschema check --format json``: (exit code, report). Bad input (2) fails the test."""
    r = run_cli("check", "--format", "json", *args, cwd=repo)
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, json.loads(r.stdout)


def rules(data) -> list:
    return [f["rule"] for f in data["findings"]]


def errors(data) -> list:
    return [f["rule"] for f in data["findings"] if f["severity"] == "error"]


def write_whys(repo: Path, text: str = "Because the product needed it.", doc: Path = None) -> None:
    doc = doc or migrations(repo) / "MIGRATIONS.md"
    body = doc.read_text()
    body = re.sub(r"(<!-- why:(\d+) -->)\n\n(<!-- /why:\2 -->)", lambda m: f"{m.group(1)}\n{text}\n{m.group(3)}", body)
    doc.write_text(body)


def ready(repo: Path, whys: bool = True, doc: Path = None) -> None:
    """What a developer does: generate the migrations, write the document, fill in the whys."""
    assert run_cli("generate", cwd=repo).returncode == 0
    assert run_cli("docs", cwd=repo).returncode == 0
    if whys:
        write_whys(repo, doc=doc)
        assert run_cli("docs", cwd=repo).returncode == 0


def write_schema(repo: Path, schema) -> Path:
    path = schemas(repo) / f"{schema.version}.json"
    path.write_text(dumps(schema))
    return path


def with_table(version: int, base: int = 2):
    """Version ``version``: AVA ``base`` plus a table ``notes`` (additive)."""
    s = load(AVA / f"{base}.json")
    notes = compose.entity("notes", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT")], ["id"])
    return compose.schema(version, s.database.entities + (notes,), s.database.views)


def without_column(version: int, table: str, column: str, base: int = 2):
    s = load(AVA / f"{base}.json")
    ents = []
    for e in s.database.entities:
        if e.table_name == table:
            e = compose.entity(e.table_name, [f for f in e.fields if f.column_name != column],
                               e.primary_key.column_names, e.primary_key.auto_generate, e.indices, e.foreign_keys)
        ents.append(e)
    return compose.schema(version, ents, s.database.views)


# ---- hand-written Kotlin migrations -----------------------------------------------------------

def exec_lines(repo: Path, a: int, b: int) -> list:
    """The statements of the generated Migration_a_b.kt, to hand-write them elsewhere."""
    kt = migrations(repo) / f"Migration_{a}_{b}.kt"
    return [ln.strip() for ln in kt.read_text().splitlines() if ln.strip().startswith("db.execSQL(")]


def kotlin_migration(decl: str, lines: list) -> str:
    if decl.endswith("->"):  # Room's factory: Migration(a, b) { db -> ... }
        return decl + "\n" + "".join(f"    {ln}\n" for ln in lines) + "}\n"
    body = "".join(f"        {ln}\n" for ln in lines)
    return f"{decl} {{\n    override fun migrate(db: SupportSQLiteDatabase) {{\n{body}    }}\n}}\n"


def _replace_generated(repo: Path, name: str, text: str) -> Path:
    """The generated migration files gone, one hand-written file ``db/<name>`` in their place."""
    for p in list(migrations(repo).glob("migration_*.sql")) + list(migrations(repo).glob("Migration_*.kt")):
        p.unlink()
    path = migrations(repo) / "db" / name
    path.parent.mkdir()
    path.write_text(text)
    return path


def hand_write(repo: Path, *migrations_kt: tuple) -> Path:
    """Replace the generated migration files by one hand-written Kotlin file in a subfolder."""
    lines = {(a, b): exec_lines(repo, a, b) for a, b in ((1, 2), (2, 3))}
    text = "package app.db\n\nimport androidx.room.migration.Migration\n\n"
    for decl, pairs in migrations_kt:
        text += "\n" + kotlin_migration(decl, [ln for pair in pairs for ln in lines[pair]])
    return _replace_generated(repo, "Migrations.kt", text)


def hand_written_repo(root: Path, name: str, text_for) -> tuple:
    """``(repo, file)``: an AVA repository ready to check whose 1 -> 2 migration is one hand-written
    file ``db/<name>`` holding ``text_for(lines)``, ``lines`` being the generated ``db.execSQL(...)`` calls."""
    repo = make_repo(root)
    ready(repo)
    return repo, _replace_generated(repo, name, text_for(exec_lines(repo, 1, 2)))


# ---- database files and backups (recovery) ------------------------------------------------------

def write_export(folder: Path, doc: dict, version: int) -> Path:
    """A schema file at ``version`` with its identity hash recomputed, as Room would write it."""
    from roomschema.schema.identity import identity_hash
    from roomschema.schema.loader import parse
    doc = copy.deepcopy(doc)
    doc["database"]["version"] = version
    h = identity_hash(parse(doc).database)
    doc["database"]["identityHash"] = h
    doc["database"]["setupQueries"] = [
        "CREATE TABLE IF NOT EXISTS room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
        f"INSERT OR REPLACE INTO room_master_table (id,identity_hash) VALUES(42, '{h}')"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{version}.json"
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def ava_doc(version: int) -> dict:
    return json.loads((AVA / f"{version}.json").read_text(encoding="utf-8"))


def make_db(schema, path: Path, rows: int = 300, wal: bool = False) -> Path:
    from roomschema.verify.build import build_database
    from roomschema.verify.seed import seed
    conn = build_database(schema, path)
    if rows:
        seed(conn, schema, rows)
    if not wal:
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def take_backup(db: Path, out: Path, **kw) -> dict:
    from roomschema.recovery.backup import write_backup
    from roomschema.recovery.sqlite_io import open_for_reading
    conn = open_for_reading(db)
    try:
        return write_backup(conn, out, source=db.name, **kw)
    finally:
        conn.close()


def content(path: Path) -> dict:
    """A backup without the fields that name the moment and the file it came from."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    for key in ("createdAt", "source"):
        doc.pop(key)
    return doc


# Raw JSON on purpose: compose has no FTS languageid option, and the cell tests need one.
CELLS_DOC = {
    "formatVersion": 1,
    "database": {
        "version": 1, "identityHash": "",
        "entities": [
            {"tableName": "cells",
             "createSql": "CREATE TABLE IF NOT EXISTS `${TABLE_NAME}` (`id` INTEGER PRIMARY KEY AUTOINCREMENT "
                          "NOT NULL, `anyv` BLOB, `t` TEXT, `r` REAL, `i` INTEGER)",
             "fields": [{"fieldPath": "id", "columnName": "id", "affinity": "INTEGER", "notNull": True},
                        {"fieldPath": "anyv", "columnName": "anyv", "affinity": "BLOB", "notNull": False},
                        {"fieldPath": "t", "columnName": "t", "affinity": "TEXT", "notNull": False},
                        {"fieldPath": "r", "columnName": "r", "affinity": "REAL", "notNull": False},
                        {"fieldPath": "i", "columnName": "i", "affinity": "INTEGER", "notNull": False}],
             "primaryKey": {"autoGenerate": True, "columnNames": ["id"]}, "indices": [], "foreignKeys": []},
            {"tableName": "tagged",
             "createSql": "CREATE TABLE IF NOT EXISTS `${TABLE_NAME}` (`tag` TEXT NOT NULL, `n` INTEGER NOT NULL, "
                          "PRIMARY KEY(`tag`))",
             "fields": [{"fieldPath": "tag", "columnName": "tag", "affinity": "TEXT", "notNull": True},
                        {"fieldPath": "n", "columnName": "n", "affinity": "INTEGER", "notNull": True}],
             "primaryKey": {"autoGenerate": False, "columnNames": ["tag"]},
             "indices": [{"name": "index_tagged_n", "unique": False, "columnNames": ["n"], "orders": [],
                          "createSql": "CREATE INDEX IF NOT EXISTS `index_tagged_n` ON `${TABLE_NAME}` (`n`)"}],
             "foreignKeys": []},
            {"ftsVersion": "FTS4",
             "ftsOptions": {"tokenizer": "simple", "tokenizerArgs": [], "contentTable": "",
                            "languageIdColumnName": "lid", "matchInfo": "FTS4", "notIndexedColumns": [],
                            "prefixSizes": [], "preferredOrder": "ASC"},
             "contentSyncTriggers": [],
             "tableName": "notes_fts",
             "createSql": "CREATE VIRTUAL TABLE IF NOT EXISTS `${TABLE_NAME}` USING FTS4(`body` TEXT, "
                          "languageid=`lid`)",
             "fields": [{"fieldPath": "body", "columnName": "body", "affinity": "TEXT", "notNull": False}],
             "primaryKey": {"autoGenerate": True, "columnNames": ["rowid"]}, "indices": [], "foreignKeys": []},
        ],
        "views": [{"viewName": "texts", "createSql": "CREATE VIEW `${VIEW_NAME}` AS SELECT id, t FROM cells"}],
        "setupQueries": [],
    },
}


def one_error_line(r, *parts) -> str:
    """Bad input: exit 2 and exactly one line on stderr, holding every one of ``parts``."""
    assert r.returncode == 2, r
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


def corpus_histories(app: Path) -> list:
    """Every schema history (``{version: Schema}``) of one corpus app folder."""
    from roomschema.schema.discovery import load_history
    return [load_history(d) for d in sorted(app.iterdir()) if d.is_dir() and d.name != "migrations-src"]


def source_project(root: Path, old: list, new: list, build_file: str = "build.gradle.kts",
                   fqcn: str = "app.db.AppDatabase") -> Path:
    """Schemas 1 (``old`` entities) and 2 (``new``) of ``fqcn`` and a Gradle module for sources."""
    folder = root / "app" / "schemas" / fqcn
    folder.mkdir(parents=True)
    (folder / "1.json").write_text(dumps(compose.schema(1, old)))
    (folder / "2.json").write_text(dumps(compose.schema(2, new)))
    (root / "app" / build_file).write_text("// the module root\n")
    return root
