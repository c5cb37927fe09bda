"""Run migration steps the way Room's open sequence runs a migration.

docs/room-format.md#opening-a-database: foreign keys are off (Room switches them on
only in onOpen, after migrating), one ``BEGIN EXCLUSIVE`` transaction holds
the whole migration, FTS content-sync triggers are dropped first and
recreated after validation, and the identity and ``user_version`` are written
last. Any failure rolls everything back, as Room does.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from typing import Optional, Sequence

from roomschema.migration.foreign_keys import step_violations
from roomschema.migration.sources import Branch
from roomschema.schema.model import Schema
from roomschema.migration.steps import Step
from roomschema.verify.tableinfo import validate

FTS_TRIGGER_PREFIX = "room_fts_content_sync_"


class ForeignKeyViolation(sqlite3.IntegrityError):
    """What ``DBUtil.foreignKeyCheck`` throws (SQLiteConstraintException on Android)."""


@dataclass
class StepResult:
    index: int
    sql: str
    kind: str
    seconds: float
    error: Optional[str] = None

    def to_json(self) -> dict:
        return {"index": self.index, "kind": self.kind, "sql": self.sql,
                "ms": round(self.seconds * 1000, 3), "error": self.error}


@dataclass
class MigrationRun:
    ok: bool = False
    error: Optional[str] = None        # the exception text Room would throw
    failed_step: Optional[int] = None
    steps: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)
    committed: bool = False
    migrate_seconds: float = 0.0       # the statements alone
    validate_seconds: float = 0.0
    lock_seconds: float = 0.0          # BEGIN EXCLUSIVE .. COMMIT/ROLLBACK: the write lock
    total_seconds: float = 0.0


def foreign_key_failure_message(rows: list) -> str:
    """``DBUtil.processForeignKeyCheckFailure``, character for character."""
    parents: dict = {}
    for row in rows:
        parents.setdefault(str(row[3]), row[2])
    text = (f"Foreign key violation(s) detected in '{rows[0][0]}'.\n"
            f"Number of different violations discovered: {len(parents)}\n"
            f"Number of rows in violation: {len(rows)}\n"
            "Violation(s) detected in the following constraint(s):\n")
    for fkid, parent in parents.items():
        text += f"\tParent Table = {parent}, Foreign Key Constraint Index = {fkid}\n"
    return text


def run_step(conn: sqlite3.Connection, step: Step) -> None:
    """One ``execSQL`` or one ``DBUtil.foreignKeyCheck``, or a hand-written migration's branch, decided
    here on the database being migrated."""
    if isinstance(step, Branch):
        for chosen in step.chosen(conn):
            run_step(conn, chosen)
        return
    if step.is_foreign_key_check:
        rows = step_violations(conn, step)
        if rows:
            raise ForeignKeyViolation(foreign_key_failure_message(rows))
        return
    conn.execute(step.sql).fetchall()


def drop_fts_sync_triggers(conn: sqlite3.Connection) -> None:
    """The generated ``onPreMigrate``: content-sync triggers must not fire mid-rebuild."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        if name.startswith(FTS_TRIGGER_PREFIX):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_fts_sync_triggers(conn: sqlite3.Connection, schema: Schema) -> None:
    """The generated ``onPostMigrate``."""
    for e in schema.database.entities:
        if e.is_fts:
            for sql in e.content_sync_triggers:
                conn.execute(sql)


def run_migration(conn: sqlite3.Connection, old: Schema, new: Schema, steps: Sequence[Step], *,
                  database_name: str, validate_dropped_tables: bool = True, foreign_keys: bool = False,
                  check_schema: bool = True, keep_on_mismatch: bool = False,
                  commit: bool = True) -> MigrationRun:
    """Migrate ``conn`` from ``old`` to ``new`` by ``steps``.

    ``keep_on_mismatch`` commits even when validation fails (Room rolls back)
    so the caller can still inspect the data; the run is reported failed either
    way. ``commit=False`` always rolls back (the hazard pass). ``foreign_keys``
    runs with enforcement on, which Room never does.
    """
    run = MigrationRun()
    started = time.perf_counter()
    if conn.in_transaction:
        raise RuntimeError("run_migration needs a connection outside a transaction")
    # Must come before BEGIN: inside a transaction the pragma is silently ignored.
    conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    lock_start = time.perf_counter()
    conn.execute("BEGIN EXCLUSIVE")
    try:
        drop_fts_sync_triggers(conn)
        for i, step in enumerate(steps):
            t0 = time.perf_counter()
            try:
                run_step(conn, step)
            except sqlite3.Error as err:
                run.steps.append(StepResult(i, step.sql, step.kind, time.perf_counter() - t0, str(err)))
                run.error, run.failed_step = str(err), i
                break
            run.steps.append(StepResult(i, step.sql, step.kind, time.perf_counter() - t0))
        run.migrate_seconds = sum(s.seconds for s in run.steps)
        if run.error is None and check_schema:
            t0 = time.perf_counter()
            run.mismatches = validate(conn, new, database_name=database_name,
                                      validate_dropped_tables=validate_dropped_tables)
            run.validate_seconds = time.perf_counter() - t0
            crash = next((m for m in run.mismatches if m.runtime), None)
            if crash is not None:
                run.error = crash.room_message
        keep = run.error is None or (keep_on_mismatch and run.failed_step is None)
        if keep and commit:
            create_fts_sync_triggers(conn, new)
            for sql in new.database.setup_queries:
                conn.execute(sql)  # Room's updateIdentity: the same two statements
            conn.execute(f"PRAGMA user_version = {int(new.version)}")
            conn.execute("COMMIT")
            run.committed = True
        else:
            conn.execute("ROLLBACK")
    except BaseException as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if not isinstance(err, sqlite3.Error):
            raise
        run.error = run.error or str(err)
    finally:
        run.lock_seconds = time.perf_counter() - lock_start
        if foreign_keys:
            conn.execute("PRAGMA foreign_keys = OFF")
    run.ok = run.error is None
    run.total_seconds = time.perf_counter() - started
    return run
