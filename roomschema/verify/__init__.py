"""Verify a migration on a real SQLite file, the way Room would run it, with data.

For each SQLite mode: build the old version from its JSON (as
MigrationTestHelper does), seed it, snapshot it, run the steps as Room's open
sequence runs a migration, validate with Room's rules and messages, check
that the data survived, and (optionally) see what foreign-key enforcement
would have deleted. Everything happens on files in a temporary directory
(or ``keep_dir``); nothing else is touched.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, TypeVar, Union

from roomschema.migration.declarations import Declarations, check_expectations
from roomschema.errors import RoomSchemaError
from roomschema.migration.plan import Plan
from roomschema.migration.steps import Step
from roomschema.schema.model import Schema
from roomschema.verify.build import auto_vacuum, build_database, connect, create_statements
from roomschema.verify.datacheck import Finding, check_data, snapshot, table_stats
from roomschema.verify.hazard import Hazard, hazard_pass as run_hazard_pass
from roomschema.verify.outside import check_outside_schema
from roomschema.verify.report import ModeReport, VerifyReport
from roomschema.verify.runner import foreign_key_failure_message, run_migration
from roomschema.verify.seed import DEFAULT_ROWS, cleaned_references, compared_literals, plain_copies, seed
from roomschema.verify.tableinfo import Mismatch, validate

MODES = ("legacy_alter_table=ON", "legacy_alter_table=OFF")
_AUTO_VACUUM = {0: "NONE", 1: "FULL", 2: "INCREMENTAL"}
_OUR_FILES = ("db.sqlite", "db.sqlite-wal", "db.sqlite-shm", "pre.sqlite", "pre.sqlite-wal", "pre.sqlite-shm",
              "hazard.sqlite",
              "hazard.sqlite-wal", "hazard.sqlite-shm")


def _legacy(mode: str) -> bool:
    key, _, value = mode.replace(" ", "").partition("=")
    if key != "legacy_alter_table" or value.upper() not in ("ON", "OFF", "1", "0", "TRUE", "FALSE"):
        raise RoomSchemaError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}", path="modes")
    return value.upper() in ("ON", "1", "TRUE")


def _slug(mode: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in mode).strip("-").lower()


def _steps(steps: Union[Sequence[Step], Plan]) -> tuple[Step, ...]:
    """Steps, or a Plan (whose decisions must be settled first)."""
    if not isinstance(steps, Plan):
        return tuple(steps)
    if steps.decisions:
        raise RoomSchemaError("the plan needs decisions before it can be verified: "
                              + "; ".join(d.message for d in steps.decisions), path="steps")
    return tuple(steps.steps)


def _fresh_dir(base: Path, name: str) -> Path:
    folder = base / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for f in _OUR_FILES:
            (folder / f).unlink(missing_ok=True)  # only files this module writes
    except OSError as err:
        # keep_dir (--keep) is the only folder a caller names: one line, not a traceback.
        raise RoomSchemaError(f"cannot use this folder for the databases: {err.strerror or err}",
                              file=getattr(err, "filename", None) or folder, path="--keep") from None
    return folder


def verify_migration(old: Schema, new: Schema, steps: Union[Sequence[Step], Plan], *,
                     declarations: Optional[Declarations] = None,
                     rows: Union[int, dict[str, int]] = DEFAULT_ROWS,
                     modes: Sequence[str] = MODES,
                     hazard_pass: bool = True,
                     keep_dir: Union[str, Path, None] = None,
                     max_seconds: float = 5.0,
                     max_lock: float = 1.0,
                     database_name: Optional[str] = None,
                     seed_value: int = 0,
                     runner: Any = None,
                     made_elsewhere: Optional[Mapping[str, str]] = None) -> VerifyReport:
    """Run ``steps`` from ``old`` to ``new`` in every mode and report what happened.

    ``max_seconds`` bounds the whole migration and ``max_lock`` the exclusive
    transaction, both measured on the seeded rows (scale ``rows`` to what
    users have before trusting them). ``runner`` migrates instead of ``steps``
    (``verify.jvm.JvmRunner``: the compiled Kotlin run on the file); validation
    and the data check are the same. ``made_elsewhere`` (``verify.outside.made_elsewhere``) names
    where the app creates tables outside Room's schema that the migration drops.
    """
    name = database_name or (old.path.parent.name if getattr(old, "path", None) else "database")
    decl = declarations or Declarations()
    # Before anything is built: an expectation naming nothing would silently accept nothing.
    check_expectations(decl, old, new, keys={"expect_rows_removed": "expect_rows_removed",
                                             "expect_values_changed": "expect_values_changed",
                                             "expect_rows_added": "expect_rows_added",
                                             "assume_references": "assume_references"})
    plain = _steps(steps)
    # With the JVM runner, the statements the static reader found (if any) say the same of the real code.
    check_outside_schema(old, plain, made_elsewhere)
    # What the migration's own statements say about the rows it is written for.
    statements = [s.sql for s in plain if not s.is_foreign_key_check]
    job = _Job(old=old, new=new, steps=plain, decl=decl, rows=rows,
               hazard_pass=hazard_pass, max_seconds=max_seconds, max_lock=max_lock,
               database_name=name, seed_value=seed_value, runner=runner,
               # An enum column the migration maps value by value must hold those values,
               # as an app's rows do, or a CASE without ELSE fails on text no app stores.
               seed_texts=compared_literals(statements),
               # A cleanup of rows that refer to nothing says such rows exist: seed some.
               orphans=tuple(cleaned_references(statements)),
               copies=tuple(plain_copies(statements)))
    report = VerifyReport(name, old.version, new.version, rows)
    legacy = [(m, _legacy(m)) for m in modes]
    if keep_dir is not None:
        report.work_dir = str(Path(keep_dir))
        report.modes += _verify_modes(Path(keep_dir), legacy, job)
        return report
    with tempfile.TemporaryDirectory(prefix="roomschema-verify-") as tmp:
        report.modes += _verify_modes(Path(tmp), legacy, job)
    return report


@dataclass(frozen=True)
class _Job:
    """What every mode runs: the same migration, rows and limits."""
    old: Schema
    new: Schema
    steps: tuple[Step, ...]
    decl: Declarations
    rows: Union[int, dict[str, int]]
    hazard_pass: bool
    max_seconds: float
    max_lock: float
    database_name: str
    seed_value: int
    runner: Any = None   # verify.jvm.JvmRunner, or None: run_migration runs the steps
    seed_texts: Optional[dict[str, dict[str, tuple[str, ...]]]] = None  # table -> column -> its only texts
    orphans: tuple = ()  # ((table, column), (parent, key)): references some rows break
    copies: tuple = ()   # seed.Copy: backfills whose rows some target rows already hold


@dataclass(frozen=True)
class _Seeded:
    """The first mode's seeded snapshot, which later modes start from."""
    path: Path
    rows: dict[str, int]
    mode: str            # the mode that seeded it
    auto_vacuum: int     # the file's auto_vacuum (0 NONE, 1 FULL)


def _verify_modes(base: Path, legacy: list[tuple[str, bool]], job: _Job) -> list[ModeReport]:
    """One report per mode. The modes differ in how ALTER TABLE behaves and in
    their driver's settings, not in the rows, so the first mode's seeded
    snapshot is copied for the others (about 1 s less per extra mode at a
    million rows) unless the copy would make a mode look faster than its
    driver: a file without auto_vacuum for a driver that creates them FULL."""
    reports: list[ModeReport] = []
    seeded: Optional[_Seeded] = None
    for mode, flag in legacy:
        folder = _fresh_dir(base, _slug(mode))
        reuse = seeded if seeded is not None and not (seeded.auto_vacuum == 0 and auto_vacuum(flag) == 1) else None
        r = _verify_mode(folder, mode, flag, job, seeded=reuse)
        if reuse is not None:
            r.notes.append(f"started from a copy of the {reuse.mode} seeded database")
            if auto_vacuum(flag) != reuse.auto_vacuum:
                # Rewriting the file (VACUUM INTO) costs about as much as seeding
                # again; FULL only adds work, so this mode's times err on the slow side.
                r.notes.append(f"the copy keeps that file's auto_vacuum={_AUTO_VACUUM[reuse.auto_vacuum]} "
                               f"(this driver creates files with {_AUTO_VACUUM[auto_vacuum(flag)]})")
        reports.append(r)
        if seeded is None and (folder / "pre.sqlite").is_file():
            seeded = _Seeded(folder / "pre.sqlite", dict(r.rows), mode, auto_vacuum(flag))
    return reports


_T = TypeVar("_T")

# Room's foreign key check failed on seeded rows: the values came from a column no foreign key
# constrained, so a device may hold the same. Unless the app guarantees otherwise, and can say so.
_REFERENCE_HINT = ("the seeded rows hold values no parent row has, as the older schema allows; if your app "
                   "guarantees every such value has its parent row, declare where it comes from: --assume-reference "
                   "{flag}, or assume_references = {{ {toml} }} under [migrations.\"{pair}\"]")


def _reference_hint(error: str, copies: Sequence[Any], new: Schema, pair: str) -> str:
    """The declaration that would accept a failed foreign key check: the old column a copy took the
    violating values from, where the migration's INSERT ... SELECT says it; else its form."""
    m = re.match(r"Foreign key violation\(s\) detected in '([^']+)'", error)
    parents = set(re.findall(r"Parent Table = ([^,]+),", error))
    table = m.group(1) if m else ""
    child = new.database.entity(table)
    found = []
    for fk in child.foreign_keys if child else ():
        for copy in copies:
            sources = {t.lower(): s for t, s in copy.columns}
            if (fk.table in parents and len(fk.columns) == 1 and copy.target.lower() == table.lower()
                    and fk.columns[0].lower() in sources):
                found.append((f"{copy.source}.{sources[fk.columns[0].lower()]}", f"{fk.table}.{fk.referenced_columns[0]}"))
    found = list(dict.fromkeys(found)) or [("TABLE.COLUMN", "PARENT.COLUMN")]
    return _REFERENCE_HINT.format(flag=" --assume-reference ".join(f"{a}={b}" for a, b in found),
                                  toml=", ".join(f'"{a}" = "{b}"' for a, b in found), pair=pair)


def _timed(timings: dict[str, float], phase: str, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    t0 = time.perf_counter()
    try:
        return fn(*args, **kwargs)
    finally:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - t0


def _verify_mode(folder: Path, mode: str, legacy: bool, job: _Job, seeded: Optional[_Seeded] = None) -> ModeReport:
    r = ModeReport(mode)
    t = r.timings
    old, new = job.old, job.new
    if seeded is None:
        conn = _timed(t, "build", build_database, old, folder / "db.sqlite", legacy_alter_table=legacy)
    else:
        conn = _timed(t, "build", _copy_seeded, seeded.path, folder / "db.sqlite", legacy)
    try:
        if seeded is None:
            r.rows = _timed(t, "seed", seed, conn, old, job.rows, seed=job.seed_value,
                            values=job.seed_texts, references=job.decl.assume_references, orphans=job.orphans,
                            copies=job.copies)
        else:
            r.rows = dict(seeded.rows)
        pre = _timed(t, "snapshot", snapshot, conn, folder / "pre.sqlite")
        migrate = run_migration if job.runner is None else job.runner.run
        run = migrate(conn, old, new, job.steps, database_name=job.database_name, keep_on_mismatch=True)
        t["migrate"], t["validate"] = run.migrate_seconds, run.validate_seconds
        r.steps, r.mismatches, r.error, r.failed_step = run.steps, run.mismatches, run.error, run.failed_step
        r.lock_seconds, r.migration_seconds = run.lock_seconds, run.total_seconds
        r.notes += job.runner.notes() if job.runner is not None else []  # what the JVM's verdict holds for
        r.notes += [f"{t_}.{c}: seeded with keys of {p}.{pc}, as declared (assume_references): the app guarantees "
                    "it, the schema does not" for (t_, c), (p, pc) in job.decl.assume_references]
        if run.error and run.error.startswith("Foreign key violation"):
            r.notes.append(_reference_hint(run.error, job.copies, new, f"{old.version}-{new.version}"))
        if run.error and run.error.startswith("UNIQUE constraint failed") and job.copies:
            r.notes.append("the seed gave a few rows of " + ", ".join(sorted({c.target for c in job.copies}))
                           + " the values the migration's INSERT ... SELECT copies, as a device holds them where "
                           "they were made before (by the app, or by a backfill that ran once already); "
                           "INSERT OR IGNORE would keep them and go on")
        if run.committed:
            r.findings = _timed(t, "data_check", check_data, conn, pre, old, new, job.decl)
            if job.hazard_pass:
                baseline = table_stats(conn, new)
                r.hazards = _timed(t, "hazard", _hazards, folder, pre, legacy, new, job.steps, baseline, job.runner)
        else:
            r.notes.append("the migration was rolled back, so the data was not checked")
    finally:
        conn.close()
    if run.total_seconds > job.max_seconds:
        r.budget.append(f"migration took {run.total_seconds:.3f} s, over the {job.max_seconds:g} s limit")
    if run.lock_seconds > job.max_lock:
        r.budget.append(f"the exclusive lock was held {run.lock_seconds:.3f} s, over the {job.max_lock:g} s limit")
    r.passed = run.ok and not r.errors and not r.budget
    return r


def _copy_seeded(source: Path, dest: Path, legacy: bool) -> sqlite3.Connection:
    shutil.copyfile(source, dest)
    return connect(dest, legacy_alter_table=legacy)


def _hazards(folder: Path, pre: Path, legacy: bool, new: Schema, steps: tuple[Step, ...],
             baseline: dict, runner: Any = None) -> list[Hazard]:
    copy = folder / "hazard.sqlite"
    shutil.copyfile(pre, copy)
    if runner is not None:
        return list(runner.hazards(copy, new, baseline, legacy))
    conn = connect(copy, legacy_alter_table=legacy)
    try:
        return run_hazard_pass(conn, new, steps, baseline)
    finally:
        conn.close()


__all__ = ["verify_migration", "VerifyReport", "ModeReport", "Mismatch", "Finding", "Hazard", "MODES",
           "build_database", "create_statements", "seed", "validate", "run_migration",
           "foreign_key_failure_message"]
