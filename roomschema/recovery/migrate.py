"""Migrate a real database file, all or nothing, with a backup first.

How the file is kept byte-identical when anything fails (db, -wal, -journal):

* Nothing is written before ``BEGIN EXCLUSIVE``: the checks, the path and the
  backup all read inside that one transaction, so the backup is exactly the
  state that is migrated and no other writer can slip in between.
* ``PRAGMA foreign_keys = OFF`` is set before BEGIN (inside a transaction it
  is a no-op, and a parent rebuild with FKs on deletes children).
* Rollback journal mode: SQLite journals every page before changing it and
  ROLLBACK writes them back, so the db file is byte-identical; the journal is
  deleted again (an empty -journal left by TRUNCATE mode is kept empty).
* WAL mode: ``cache_spill = OFF`` keeps every changed page in memory until
  COMMIT, so nothing reaches the -wal before the commit. A read-only guard
  connection stays open until after the writer closes, because the last
  connection to close a WAL database checkpoints it (rewriting the db file)
  and deletes the -wal; a read-only one cannot.
* A ``kill -9`` mid-way leaves at worst a hot journal, which SQLite rolls back
  on the next open: the old version with every row.

``ROOMSCHEMA_TEST_PAUSE_AFTER_STATEMENT=K`` (test-only) makes the run print
``roomschema: test pause after statement K`` to stderr and sleep
``ROOMSCHEMA_TEST_PAUSE_SECONDS`` (default 60) inside the transaction, after
the K-th migration statement, so tests can kill it at a known point.
"""
from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

from roomschema.config import DEFAULT_MIN_SDK, Config
from roomschema.errors import DecisionRequired, RoomSchemaError
from roomschema.migration.declarations import Declarations
from roomschema.migration.foreign_keys import step_violations
from roomschema.schema.sql import quote
from roomschema.recovery.backup import default_backup_path, write_backup
from roomschema.recovery.dbinfo import FTS_TRIGGER_PREFIX, identity_hash
from roomschema.migration.path import find_migration_path
from roomschema.recovery.paths import edges, no_path, sql_files, steps_for
from roomschema.recovery.sqlite_io import RecoveryFailed, as_error, has_live_wal, open_readonly, open_readwrite, with_retries


@dataclass
class Options:
    to: int
    backup: Optional[Path] = None     # default: beside the database, named by version and time
    dry_run: bool = False
    destructive: bool = False
    busy_ms: int = 200
    retries: int = 3
    min_sdk: int = DEFAULT_MIN_SDK
    migrations_dir: Optional[Path] = None
    config: object = None
    # Declarations given as flags (as generate takes them), for the one generated migration of the path.
    declarations: Optional[Declarations] = None
    drop_unknown: bool = False        # consent to drop columns the schema does not have (added by hand)
    progress: Optional[Callable[[int], Optional[Callable[[int], None]]]] = None  # total rows -> rows done
    on_retry: Optional[Callable[[int, float], object]] = None   # (attempt, seconds until it)
    legacy_alter_table: bool = True   # Android's framework SQLite (docs/sqlite-android.md#views-and-legacy_alter_table)


@dataclass
class Result:
    start: int
    to: int
    path: list = field(default_factory=list)          # [(from, to, source)]
    statements: list = field(default_factory=list)
    backup: Optional[dict] = None
    destructive: bool = False
    dry_run: bool = False
    rows_after: dict = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"from": self.start, "to": self.to, "dryRun": self.dry_run, "destructive": self.destructive,
                "path": [{"from": a, "to": b, "source": s} for a, b, s in self.path],
                "statements": self.statements, "backup": self.backup and self.backup["file"],
                "rowsBefore": {t["name"]: t["rows"] for t in (self.backup or {}).get("tables", ())},
                "rowsAfter": self.rows_after, "seconds": round(self.seconds, 3)}


def _pause_hook() -> Callable[[int], None]:
    after = os.environ.get("ROOMSCHEMA_TEST_PAUSE_AFTER_STATEMENT")
    if not after:
        return lambda n: None
    seconds = float(os.environ.get("ROOMSCHEMA_TEST_PAUSE_SECONDS", "60"))

    def hook(n: int) -> None:
        if n == int(after):
            sys.stderr.write(f"roomschema: test pause after statement {n}\n")
            sys.stderr.flush()
            time.sleep(seconds)
    return hook


class _Session:
    """One migration attempt on one file: the connections and the transaction."""

    def __init__(self, db: Path, opts: Options):
        self.db, self.opts = db, opts
        self.conn: Optional[sqlite3.Connection] = None
        self.guard: Optional[sqlite3.Connection] = None

    def open(self) -> sqlite3.Connection:
        """The writer's connection, inside its transaction."""
        def attempt() -> sqlite3.Connection:
            self.close()
            guarded = has_live_wal(self.db)
            conn = self.conn = open_readwrite(self.db, self.opts.busy_ms)
            try:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
                if mode == "wal":
                    if guarded:
                        self.guard = open_readonly(self.db)
                        self.guard.execute("PRAGMA schema_version").fetchone()
                    conn.execute("PRAGMA cache_spill = OFF")
                elif _empty_journal(self.db):
                    conn.execute("PRAGMA journal_mode = TRUNCATE")
                conn.execute("PRAGMA foreign_keys = OFF")
                conn.execute(f"PRAGMA legacy_alter_table = {'ON' if self.opts.legacy_alter_table else 'OFF'}")
                conn.execute("BEGIN" if self.opts.dry_run else "BEGIN EXCLUSIVE")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error:
                self.close()
                raise
            return conn
        return with_retries(attempt, path=self.db, retries=self.opts.retries, on_retry=self.opts.on_retry)

    def rollback(self) -> None:
        if self.conn is not None and self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self, committed: bool = False) -> None:
        # After a failure the writer closes first: with the guard still open it
        # cannot checkpoint the WAL. After a commit the guard goes first, so the
        # writer checkpoints as any last connection would.
        for name in (("guard", "conn") if committed else ("conn", "guard")):
            c = getattr(self, name)
            if c is not None:
                try:
                    if c.in_transaction:
                        c.execute("ROLLBACK")
                finally:
                    c.close()
                setattr(self, name, None)


def _empty_journal(db: Path) -> bool:
    j = Path(str(db) + "-journal")
    return j.exists() and j.stat().st_size == 0


def _check_identity(conn, history: dict, db: Path) -> int:
    from roomschema.schema.identity import legacy_identity_hash
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        raise RoomSchemaError("user_version is 0: not a database Room created (or an empty file); "
                              "nothing was changed", file=db)
    if version not in history:
        have = ", ".join(map(str, history)) or "none"
        raise RoomSchemaError(f"the database is at version {version}, which has no schema file "
                              f"(versions: {have}); nothing was changed", file=db)
    schema = history[version]
    found = identity_hash(conn)
    if found is None:
        raise RoomSchemaError(f"no identity hash (room_master_table row 42 is missing): not a database Room "
                              f"opened, so version {version}'s schema cannot be trusted; nothing was changed",
                              file=db)
    if found not in (schema.database.identity_hash, legacy_identity_hash(schema.database)):
        raise RoomSchemaError(f"identity hash {found} is not version {version}'s "
                              f"{schema.database.identity_hash}: a file of another database, or a schema "
                              f"changed without a version bump; nothing was changed", file=db)
    check = conn.execute("PRAGMA quick_check").fetchall()
    if check != [("ok",)]:
        raise RoomSchemaError(f"corrupted: PRAGMA quick_check says {check[0][0]}; nothing was changed", file=db)
    return version


def _plan(version: int, history: dict, opts: Options) -> tuple:
    """``(edges, statements)`` of the path, or ``([], None)`` for destructive."""
    if opts.destructive:
        return [], None
    graph = edges(list(history), sql_files(opts.migrations_dir))
    path = find_migration_path(graph, version, opts.to)
    if path is None:
        raise no_path(version, opts.to, opts.migrations_dir)
    config = _with_flags(opts, [e for e in path if e.source is None])
    return path, [(e, steps_for(e, history, config, opts.min_sdk)) for e in path]


def _with_flags(opts: Options, generated: list):
    """The configuration with the declaration flags on top, for the one generated migration they can name."""
    flags, config = opts.declarations, opts.config
    if flags is None or flags == Declarations() or config is None:
        return config
    if len(generated) != 1:
        pairs = ", ".join(f"{e.start}->{e.end}" for e in generated) or "none"
        raise RoomSchemaError(f"declaration flags name one generated migration, and this path has "
                              f"{len(generated)} ({pairs}); declare them per pair in the configuration "
                              f"([migrations.\"A-B\"])", path="--rename-table/--rename-column/--delete-*/--fill")
    a, b = generated[0].start, generated[0].end
    assert isinstance(config, Config)
    merged = config.declarations(a, b).merged(flags)
    pair = replace(config.pair(a, b), declarations=merged)
    return replace(config, migrations={**config.migrations, (a, b): pair})


_DROP_TABLE = re.compile(r'^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(`[^`]+`|"[^"]+"|\[[^\]]+\]|\S+)', re.I)


def _unknown_columns_dropped(conn, schema, planned: list) -> list:
    """``table.column`` of every column the database has but its version's schema does not (added by
    hand, outside Room), in a table the migration drops or rebuilds: the migration loses it."""
    dropped = set()
    for _, steps in planned:
        for step in steps:
            m = _DROP_TABLE.match(step.sql)
            if m:
                name = m.group(1)
                dropped.add(name[1:-1] if name[:1] in "`\"[" else name)
    lost = []
    for entity in schema.database.entities:
        if entity.table_name not in dropped or entity.is_fts:
            continue
        known = {f.column_name for f in entity.fields}
        for row in conn.execute(f"PRAGMA table_info({quote(entity.table_name)})").fetchall():
            if row[1] not in known:
                lost.append(f"{entity.table_name}.{row[1]}")
    return lost


def _run_steps(conn, planned: list) -> None:
    hook, n = _pause_hook(), 0
    for edge, steps in planned:
        for step in steps:
            try:
                if step.is_foreign_key_check:
                    rows = step_violations(conn, step)
                else:
                    rows = conn.execute(step.sql).fetchall()
            except sqlite3.Error as err:
                raise RecoveryFailed(f"migration {edge.start} -> {edge.end} ({edge.label}) failed at "
                                     f"`{_short(step.sql)}`: {err}; rolled back, nothing was changed") from None
            if step.is_foreign_key_check and rows:
                raise RecoveryFailed(f"migration {edge.start} -> {edge.end}: Foreign key violation(s) detected in "
                                     f"'{step.table or rows[0][0]}' ({len(rows)} rows); rolled back, nothing "
                                     f"was changed")
            n += 1
            hook(n)


def _short(sql: str) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= 80 else sql[:77] + "..."


def _wipe(conn) -> None:
    """Room's dropAllTables for all tables (docs/room-format.md#destructive-migration), names quoted."""
    rows = conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                        "ORDER BY type = 'table', rowid").fetchall()
    for name, kind in rows:
        if not name.startswith("sqlite_") and name != "android_metadata":
            conn.execute(f"DROP {'VIEW' if kind == 'view' else 'TABLE'} IF EXISTS {quote(name)}")


def _finish(conn, schema, database_name: str) -> None:
    """Validate as Room does, then onPostMigrate and the identity (docs/room-format.md#opening-a-database)."""
    from roomschema.verify.tableinfo import validate
    mismatches = validate(conn, schema, database_name=database_name, validate_dropped_tables=False)
    if mismatches:
        summary = "; ".join(line for m in mismatches for line in (m.summary or ()))
        raise RecoveryFailed(f"{mismatches[0].room_message}".split("\n")[0] +
                             f" ({summary or 'see roomschema verify'}); rolled back, nothing was changed")
    for e in schema.database.entities:
        for sql in getattr(e, "content_sync_triggers", ()):
            conn.execute(sql)
    for sql in schema.database.setup_queries:
        conn.execute(sql)
    conn.execute(f"PRAGMA user_version = {int(schema.version)}")


def migrate(db: Path, history: dict, opts: Options, *, database_name: str = "database",
            echo: Callable[[str], None] = lambda s: None) -> Result:
    from roomschema.verify.build import create_statements

    started = time.perf_counter()
    if opts.to not in history:
        have = ", ".join(map(str, history)) or "none"
        raise RoomSchemaError(f"no {opts.to}.json (versions: {have})", path="--to")
    session, committed = _Session(db, opts), False
    try:
        conn = session.open()
        version = _check_identity(conn, history, db)
        result = Result(version, opts.to, dry_run=opts.dry_run, destructive=opts.destructive)
        if version == opts.to and not opts.destructive:
            return result
        path, planned = _plan(version, history, opts)
        result.path = [(e.start, e.end, e.label) for e in path]
        result.statements = [s.sql for _, steps in planned or () for s in steps]
        lost = _unknown_columns_dropped(conn, history[version], planned or [])
        if lost and opts.dry_run:
            result.statements.insert(0, f"-- drops {', '.join(lost)}: in the database, not in version {version}'s "
                                        f"schema (the backup keeps them; migrate asks for --yes)")
        elif lost and not opts.drop_unknown:
            raise DecisionRequired(f"{', '.join(lost)} {'is' if len(lost) == 1 else 'are'} in the database but not "
                                   f"in version {version}'s schema (added by hand?), and the migration rebuilds "
                                   f"{'its table' if len(lost) == 1 else 'their tables'} without "
                                   f"{'it' if len(lost) == 1 else 'them'}: pass --yes to drop "
                                   f"{'it' if len(lost) == 1 else 'them'} (the backup keeps every value), or "
                                   f"add {'it' if len(lost) == 1 else 'them'} to the schema first; nothing was "
                                   f"changed", file=db)
        elif lost:
            echo(f"roomschema: dropping {', '.join(lost)} (not in version {version}'s schema; the backup keeps "
                 f"them)")
        if opts.destructive:
            result.statements = ["-- drop every table and view"] + create_statements(history[opts.to])
        if opts.dry_run:
            return result
        out = opts.backup or default_backup_path(db, version)
        result.backup = write_backup(conn, out, source=str(db), schema=database_name, progress=opts.progress)
        echo(f"roomschema: backup written to {out} ({result.backup['rows']} rows)")
        for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                       "substr(name, 1, ?) = ?", (len(FTS_TRIGGER_PREFIX), FTS_TRIGGER_PREFIX)
                                       ).fetchall():
            conn.execute(f"DROP TRIGGER IF EXISTS {quote(trigger)}")
        if opts.destructive:
            _wipe(conn)
            for sql in create_statements(history[opts.to]):
                conn.execute(sql)
        else:
            _run_steps(conn, planned)
        _finish(conn, history[opts.to], database_name)
        conn.execute("COMMIT")
        committed = True
        result.rows_after = {e.table_name: conn.execute(f"SELECT count(*) FROM {quote(e.table_name)}").fetchone()[0]
                             for e in history[opts.to].database.entities}
        result.seconds = time.perf_counter() - started
        return result
    except sqlite3.Error as err:
        session.rollback()
        raise as_error(err, db, "migrating") from None
    finally:
        session.close(committed)
