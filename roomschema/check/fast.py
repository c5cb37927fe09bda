"""Fast verification for ``roomschema check``: validation and migration verdicts, cached, computed on every core.

A verdict is computed once for the content it depends on and then read from the ``Cache``;
what the cache has not seen is computed up front, one job per core (``validating``,
``warm_verification``), so the rules then find every verdict waiting.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Literal, Optional, TypedDict

from roomschema.check.cache import Cache
from roomschema.check.parallel import in_background, parallel_map as _map
from roomschema.check.sources import Source, tree_digest
from roomschema.errors import RoomSchemaError

class FastOptions(TypedDict):
    rows: int
    modes: tuple[str, ...]
    hazard_pass: bool


# A few hundred rows and both ALTER TABLE modes: enough for NULLs, duplicates and lost rows to show,
# cheap enough for every commit. No cascade pass: its hazards are warnings that `verify` reports and
# no check finding uses. Part of the cache key, so a change here re-verifies.
FAST: FastOptions = {"rows": 200, "modes": ("legacy_alter_table=ON", "legacy_alter_table=OFF"), "hazard_pass": False}


def _validate(path: Path, data: bytes) -> tuple:
    from roomschema.schema.validation import file_verdict
    found, schema = file_verdict(path, data)
    # check weighs a stale identity hash on its own (a warning for a released file)
    identity = [e for e in found if ": $.database.identityHash: " in e]
    errors = [e for e in found if e not in identity]
    if not errors and schema is not None:
        # A valid file whose SQL SQLite refuses: the statements Room would run, once per content.
        from roomschema.verify.build import statement_error
        sql_error = statement_error(schema)
        if sql_error is not None:
            errors = [f"{path.name}: {sql_error.path}: {sql_error.message}"]
    return errors, identity


def _validate_key(path: Path, data: bytes) -> str:
    # SQLite's version decides which statements it runs.
    return Cache.key("validate", path.name, data, sqlite3.sqlite_version)


def validation_errors(path: Path, cache: Cache) -> tuple:
    """``(errors, identity message, Schema or None)`` for one N.json: JSON Schema, Room's rules, and
    whether SQLite runs its statements."""
    from roomschema.schema.loader import loads
    try:
        data = path.read_bytes()
    except OSError as err:
        return [f"{path.name}: {err.strerror or err}"], "", None
    key = _validate_key(path, data)
    hit = cache.get("validate", key)
    if hit is None:
        errors, identity = _validate(path, data)
        hit = {"errors": errors, "identity": identity}
        cache.put("validate", key, hit)
    if hit["errors"]:
        return hit["errors"], "", None
    identity = hit["identity"][0].split(": ", 2)[-1] if hit["identity"] else ""
    return [], identity, cache.run_memo.get(("schema", key)) or loads(data, path)


def parse_ahead(files: dict, cache: Cache) -> None:
    """Parse the schema files now, for ``validation_errors`` to take once they are found valid: while
    the workers validate them, this process has time to spare."""
    from roomschema.schema.loader import loads
    for path in files.values():
        try:
            data = path.read_bytes()
            cache.run_memo[("schema", _validate_key(path, data))] = loads(data, path)
        except Exception:  # noqa: BLE001 - what a file that does not parse has is validation's to say
            continue


def _file_steps(src: Source, a: int, b: int, reads: Optional[dict]) -> tuple:
    """The statements of one migration file; a Migration the reader could not tell the versions of
    may be this one, so its absence is "not verifiable" then, not a failure."""
    from roomschema.migration.sources import MigrationNotFound, NotVerifiable, migration_steps
    names: set = set()
    kind: Literal["sql", "kotlin"] = "kotlin" if src.kind == "kotlin" else "sql"
    try:
        return migration_steps(kind, src.path, a, b, line=src.line, names=names)
    except MigrationNotFound as err:
        if err.matching or not err.unreadable:
            raise
        assert src.path is not None
        raise NotVerifiable(f"no Migration({a}, {b}) that roomschema could read in {src.path.name}; it may be "
                            + "; ".join(f"{src.path.name}:{u.line}: {u.name or 'a Migration'}, which could not be "
                                        f"read: {u.reason}" for u in err.unreadable)) from None
    finally:
        if reads is not None and src.kind == "kotlin" and src.path is not None:
            reads.setdefault(str(src.path), set()).update(names)


def _steps_of(src: Source, old, new, decl, min_sdk: int, reads: Optional[dict] = None) -> tuple:
    """The statements ``src`` runs; ``reads`` (when given) gets, per Kotlin file read, the names the
    reader looked up in the rest of its source tree (``_tree_digest``)."""
    from roomschema.migration.sources import NotVerifiable
    if src.kind == "chain":
        # Room runs each migration in its own migrate() call, but in one transaction and with one
        # validation at the end: their statements in order are the migration to verify.
        steps: list = []
        for a, b, link in src.links:
            try:
                steps += _file_steps(link, a, b, reads)
            except RoomSchemaError as err:
                kind = NotVerifiable if isinstance(err, NotVerifiable) else RoomSchemaError
                raise kind(f"{link.label} ({a}->{b}): {err.message}") from None
        return tuple(steps)
    if src.kind == "sql" or src.kind == "kotlin":
        return _file_steps(src, old.version, new.version, reads)
    from roomschema.render.code import auto_migration_expressible
    from roomschema.migration.plan import plan_migration
    plan = plan_migration(old, new, decl, min_sdk=min_sdk)
    if plan.decisions:
        raise RoomSchemaError("Room's AutoMigration needs declarations first: "
                              + "; ".join(d.message for d in plan.decisions))
    if not auto_migration_expressible(plan):
        raise RoomSchemaError("Room's AutoMigration cannot do this pair (" + "; ".join(
            s.deviation for s in plan.deviations) + "); write a Migration with `roomschema generate`")
    return plan.steps


def _failure_summary(report) -> str:
    """The first problems of the failed modes, once each: one finding line, not a report."""
    failed = [m for m in report.modes if not m.passed]
    lines = []
    for m in failed:
        for ln in m.text_lines()[1:]:
            ln = " ".join(ln.split())
            if ln and not ln.startswith(("ms:", "note:", "warning:")) and ln not in lines:
                lines.append(ln)
    text = " / ".join(lines[:3]) + (" ..." if len(lines) > 3 else "")
    if 0 < len(failed) < len(report.modes):
        text += f" (only with {', '.join(m.mode for m in failed)})"
    return text


def _scratch_dir() -> Optional[str]:
    """tmpfs when the machine has one: the throwaway databases of a fast check need no disk
    (about a quarter of a cold check on disk is fsync at connection close)."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


# What can make the second mode's verdict differ from the first's. The modes differ in
# legacy_alter_table, which SQLite reads only while an ALTER TABLE renames a table or a column or
# drops a column (alter.c; ADD COLUMN never reads it), and in how the file is stored (auto_vacuum,
# secure_delete, the journal's limit); the second starts from a byte copy of the first's seeded
# file on a new connection. A statement can tell them apart only by such an ALTER TABLE, by
# reading the storage or the connection (PRAGMA and pragma_ functions, the sqlite_ tables and
# functions, dbstat, changes(), last_insert_rowid()) or by not being deterministic (random(), the
# current time). A branch asks the database, so it counts too.
_MODE_WORDS = re.compile(r"pragma|sqlite_|dbstat|\b(?:random|randomblob|changes|total_changes|last_insert_rowid)\s*\("
                         r"|'now'|\bcurrent_(?:time|date|timestamp)\b", re.IGNORECASE)
_ALTER = re.compile(r"\balter\b", re.IGNORECASE)
_ADD_COLUMN = re.compile(r"\s*alter\s+table\s+(?:`[^`]*`|\"[^\"]*\"|\[[^\]]*\]|\w+)\s+add\b(?!.*\b(?:rename|drop)\b)",
                         re.IGNORECASE | re.DOTALL)


def _modes_for(steps) -> tuple:
    """``FAST``'s modes where a statement may fare differently in them; else the first alone, whose
    verdict the second would only repeat (the same statements on the same rows): a pair that adds
    a table or a column is verified once, a table rebuild (``RENAME TO``) in both modes."""
    for s in steps:
        if s.is_foreign_key_check:
            continue  # PRAGMA foreign_key_check reads the rows, which both modes share
        if s.kind != "sql" or _MODE_WORDS.search(s.sql) or (_ALTER.search(s.sql) and not _ADD_COLUMN.match(s.sql)):
            return FAST["modes"]
    return FAST["modes"][:1]


def _cost(old, new, steps) -> int:
    """About how long verifying takes, relatively: each mode builds, seeds and compares every table."""
    return len(_modes_for(steps)) * (len(old.database.entities) + len(new.database.entities))


def _run_verifier(old, new, steps, decl, name, made: Optional[dict] = None) -> dict:
    import tempfile
    from roomschema.migration.sources import NotVerifiable
    from roomschema.verify import verify_migration
    saved = tempfile.tempdir
    tempfile.tempdir = saved or _scratch_dir()
    try:
        report = verify_migration(old, new, steps, declarations=decl, database_name=name, rows=FAST["rows"],
                                  modes=_modes_for(steps), hazard_pass=FAST["hazard_pass"], made_elsewhere=made)
    except NotVerifiable as err:  # a guard the live database could not decide
        return {"ok": None, "summary": err.message, "warnings": []}
    except RoomSchemaError as err:
        return {"ok": False, "summary": err.message, "warnings": []}
    finally:
        tempfile.tempdir = saved
    return _verdict(report)


def _verdict(report) -> dict:
    warnings = list(dict.fromkeys(s for m in report.modes for w in m.warnings for s in w.summary))
    return {"ok": bool(report.ok), "summary": "" if report.ok else _failure_summary(report), "warnings": warnings}


# What a verdict holds and means; part of the cache key, so an older verdict is never read as one.
# 2: an unexpected table is a warning, not a failure; 3: "ok": None is not verifiable, and a verdict
# of hand-written Kotlin holds the names its reading looked up elsewhere in the source tree.
VERDICT_FORMAT = 3


def _unread(err: RoomSchemaError) -> dict:
    """The verdict on a migration that could not be read: not verifiable (what it runs is known only
    when the app runs), or a failure (a SQL file that never ends, an AutoMigration Room refuses)."""
    from roomschema.migration.sources import NotVerifiable
    if isinstance(err, NotVerifiable):
        return {"ok": None, "summary": err.message, "warnings": []}
    return {"ok": False, "summary": f"cannot read it: {err.message}", "warnings": []}


def _with_reads(hit: dict, reads: dict, cache: Cache) -> dict:
    if not reads:
        return hit
    return {**hit, "reads": {p: sorted(n) for p, n in reads.items()}, "tree": tree_digest(reads, cache.run_memo)}


def _verdict_hit(cache: Cache, file_key: str) -> Optional[dict]:
    """The verdict stored under a file's key, unless a file of its source tree it read names from
    changed since (a constant or helper edited elsewhere): then there is none."""
    hit = cache.get("verify", file_key)
    if hit is not None and hit.get("reads") and hit.get("tree") != tree_digest(hit["reads"], cache.run_memo):
        return None
    return hit


def _common(old, new, decl, min_sdk: int) -> tuple:
    return (old.path.read_bytes(), new.path.read_bytes(), json.dumps(decl.to_json(), sort_keys=True), min_sdk,
            json.dumps(FAST, sort_keys=True), VERDICT_FORMAT)


def _file_key(src: Source, common: tuple) -> str:
    if src.kind == "chain":
        return Cache.key("chain", *(_file_key(link, (a, b)) for a, b, link in src.links), *common)
    # Two Migrations of one file share its bytes; the line tells their verdicts apart.
    where = (f"line {src.line}",) if src.line else ()
    return Cache.key("file", src.kind, src.path.read_bytes() if src.path else b"auto", *where, *common)


def _steps_key(steps, common: tuple, made: Optional[dict] = None) -> str:
    extra = (json.dumps(sorted(made.items())),) if made else ()  # absent: the keys stay what they were
    return Cache.key("steps", json.dumps([(s.sql, s.kind, s.table) for s in steps]), *common, *extra)


def _made(src: Source, old, steps, reads: dict) -> dict:
    """Where the app's sources create the tables the migration drops that ``old`` lacks
    (``verify.outside``). For Kotlin the names join what its reading looked up in the tree, so
    an edit to the file that makes one makes the verdict stale."""
    from roomschema.verify.outside import made_elsewhere, unknown_tables
    dropped = unknown_tables(old, steps) if src.path is not None else []
    if not dropped or src.path is None:
        return {}
    if src.kind == "kotlin":
        reads.setdefault(str(src.path), set()).update(dropped)
    return made_elsewhere(src.path, dropped)


def verify_source(src: Source, old, new, proj, cache: Cache) -> None:
    """Verify one migration in fast mode, or take the verdict from the cache.

    Two keys: the file's bytes (no parsing on a warm run) and the statements it
    runs, so a Kotlin file saying what the SQL file says is verified once.
    """
    decl = proj.config.declarations(old.version, new.version)
    min_sdk = proj.config.min_sdk
    common = _common(old, new, decl, min_sdk)
    not_run = ""
    if proj.config.run_kotlin and src.kind == "kotlin":
        from roomschema.check.jvm import jvm_verdict
        ran = jvm_verdict(src, old, new, decl, proj.database, cache, common, _verdict, dict(FAST))
        if not isinstance(ran, str):
            src.ok, src.summary, src.warnings = ran["ok"], ran["summary"], ran.get("warnings", [])
            return
        not_run = ran
    file_key = _file_key(src, common)
    hit = _verdict_hit(cache, file_key)
    if hit is None:
        reads: dict = {}
        try:
            steps = _steps_of(src, old, new, decl, min_sdk, reads)
        except RoomSchemaError as err:
            hit = _unread(err)
        else:
            made = _made(src, old, steps, reads)
            steps_key = _steps_key(steps, common, made)
            hit = cache.get("verify", steps_key)
            if hit is None:
                hit = _run_verifier(old, new, steps, decl, proj.database, made)
                cache.put("verify", steps_key, hit)
        hit = _with_reads(hit, reads, cache)
        cache.put("verify", file_key, hit)
    src.ok, src.summary, src.warnings = hit["ok"], hit["summary"], hit.get("warnings", [])
    if not_run and src.ok is not True:
        src.summary += f" (not run on the JVM: {not_run})"


# ---- warming the cache on every core -------------------------------------------------------------

@contextmanager
def validating(files: dict, cache: Cache) -> Iterator[None]:
    """Validate the files the cache has not seen on the workers (JSON Schema is ~10 ms a file) while
    the body of the ``with`` runs here (reading the hand-written migrations needs no schema): the
    verdicts are in the cache once it is left."""
    todo = []
    for path in files.values():
        try:
            data = path.read_bytes()
        except OSError:
            continue
        key = _validate_key(path, data)
        if cache.get("validate", key) is None:
            todo.append((path, data, key))
    with in_background(_validate, [(p, d) for p, d, _ in todo], contiguous=True) as results:
        yield
    for (_, _, key), (errors, identity) in zip(todo, results):
        cache.put("validate", key, {"errors": errors, "identity": identity})


def _kotlin_paths(src: Source) -> list:
    """The hand-written Kotlin files reading ``src`` replays (a chain's, each of its links)."""
    links = [link for _, _, link in src.links] if src.kind == "chain" else [src]
    return [link.path for link in links if link.kind == "kotlin" and link.path is not None]


def _read_steps(src: Source, old, new, decl, min_sdk: int) -> tuple:
    """``(steps, None, reads)``, or ``(None, the verdict on a migration that cannot be read, reads)``."""
    reads: dict = {}
    try:
        return _steps_of(src, old, new, decl, min_sdk, reads), None, reads
    except RoomSchemaError as err:
        return None, _unread(err), reads


def warm_verification(jobs: list, proj, cache: Cache) -> None:
    """Read and verify every (source, old, new) the cache has no verdict for, on every core.

    Reading the migrations (the Kotlin replay) and verifying them are two parallel rounds, so
    migrations that run the same statements are verified once. Each verdict is stored under the
    file's key as ``verify_source`` would store it, which then finds every verdict in the cache:
    the order and the findings stay exactly those of a sequential run.
    """
    min_sdk = proj.config.min_sdk
    pending = []
    for src, old, new in jobs:
        decl = proj.config.declarations(old.version, new.version)
        common = _common(old, new, decl, min_sdk)
        file_key = _file_key(src, common)
        # run_kotlin: verify_source compiles and runs the Kotlin, one app's sources at a time.
        if _verdict_hit(cache, file_key) is None and not (proj.config.run_kotlin and src.kind == "kotlin"):
            pending.append((src, old, new, decl, common, file_key))
    # Reading a generated file takes a millisecond, less than starting the workers; so does a
    # hand-written one read for its versions earlier in this run (``kotlin.migrations.remembering``).
    # Other hand-written Kotlin is worth them.
    from roomschema.kotlin.migrations import remembered
    jobs = [(src, old, new, decl, min_sdk) for src, old, new, decl, _, _ in pending]
    fresh = sum(not remembered(path, path.name) for src, *_ in pending for path in _kotlin_paths(src))
    read = _map(_read_steps, jobs, least=8) if fresh >= 8 else [_read_steps(*job) for job in jobs]
    todo: dict[str, tuple] = {}
    waiting = []
    for (src, old, new, decl, common, file_key), (steps, unread, reads) in zip(pending, read):
        if unread is not None:
            cache.put("verify", file_key, _with_reads(unread, reads, cache))
            continue
        made = _made(src, old, steps, reads)
        steps_key = _steps_key(steps, common, made)
        waiting.append((file_key, steps_key, reads))
        if steps_key not in todo and cache.get("verify", steps_key) is None:
            todo[steps_key] = (old, new, steps, decl, made)
    # The longest first, one at a time: the workers then finish together, not one of them alone
    # on the last big ones.
    order = sorted(todo, key=lambda k: -_cost(*todo[k][:3]))
    results = _map(_run_verifier, [(*todo[k][:4], proj.database, todo[k][4]) for k in order])
    for steps_key, hit in zip(order, results):
        cache.put("verify", steps_key, hit)
    for file_key, steps_key, reads in waiting:
        hit = cache.get("verify", steps_key)
        if hit is not None:
            cache.put("verify", file_key, _with_reads(hit, reads, cache))
