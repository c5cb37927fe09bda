"""Part 2: migration throughput.

For each change (an added column; a full rebuild of a table with an index and
a foreign key) and each size, every contender starts from a byte copy of the
same seeded version-1 file database (WAL, synchronous=NORMAL, foreign keys
off) and applies the change in one transaction; only that is timed (the copy,
connecting and the outcome check are not; process CPU time is recorded
beside wall time, since other tenants of a shared machine inflate the
latter). Contenders are interleaved and
their order rotates each repetition; ratios are per repetition against the
raw SQL baseline measured in the same repetition.

Contenders:

* ``raw``: hand-written SQL. Rebuild: create, INSERT..SELECT, drop, rename,
  re-create the index. Added column: ``ALTER TABLE .. ADD COLUMN``.
  ``raw + foreign_key_check``: the same rebuild followed by the check Room
  makes after rebuilding a table that has foreign keys (docs/room-format.md#automigrationwriter-sql),
  ``PRAGMA foreign_key_check(`message`)`` failing on any row: the
  like-for-like baseline of the rebuild target.
* ``roomschema``: the statements ``plan_migration`` generates, run the way
  the generated Kotlin Migration runs them: each statement in turn, and for a
  ``foreign_key_check`` step Room's pragma, failing on any row;
  ``roomschema runner``: the same statements through
  ``roomschema.verify.runner.run_migration`` (what verify and migrate use),
  schema validation off.
* ``sqlite-utils``: ``Table.transform(defaults=...)``; ``Table.add_column`` for
  the added column (``transform`` cannot add columns). ``transform`` checks
  foreign keys only when they are on, and a Room migration runs with them
  off; ``sqlite-utils + foreign_key_check`` adds Room's check after it in the
  same transaction: the like-for-like row.
* ``alembic``: ``batch_alter_table`` (``recreate="always"`` for the rebuild,
  the default ``"auto"`` for the added column, which then uses ALTER), on an
  SQLAlchemy engine that issues a real BEGIN so it is one transaction too.
  Reflection loses ``ON DELETE CASCADE`` and ``AUTOINCREMENT``, so that table
  is not Room's; ``alembic, declared table + foreign_key_check`` gives
  ``batch_alter_table`` the declared table (``copy_from``, Alembic's way to
  keep what reflection misses) followed by Room's ``foreign_key_check``, as
  the generated migration has it: the like-for-like row.
"""
from __future__ import annotations

import importlib.util
import sqlite3
import time
from pathlib import Path

from . import report, tables
from .common import clock, log, ratio_summary, rotate, summary

cpu_clock = time.process_time


class Watch:
    """Wall time (the measure) and this process's CPU time (a cross-check that
    other tenants of the machine cannot inflate) of one timed region."""

    def __enter__(self):
        self.c0, self.t0 = cpu_clock(), clock()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = clock() - self.t0, cpu_clock() - self.c0
        return False

    @property
    def result(self) -> tuple:
        return self.wall, self.cpu

RAW_REBUILD = [
    "CREATE TABLE `_new_message` (`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, `conversation_id` INTEGER "
    "NOT NULL, `body` TEXT, `created_at` INTEGER NOT NULL, `score` INTEGER NOT NULL DEFAULT 1, FOREIGN KEY("
    "`conversation_id`) REFERENCES `conversation`(`id`) ON UPDATE NO ACTION ON DELETE CASCADE )",
    "INSERT INTO `_new_message` (`id`, `conversation_id`, `body`, `created_at`, `score`) "
    "SELECT `id`, `conversation_id`, `body`, `created_at`, `score` FROM `message`",
    "DROP TABLE `message`",
    "ALTER TABLE `_new_message` RENAME TO `message`",
    "CREATE INDEX `index_message_conversation_id` ON `message` (`conversation_id`)",
]
RAW_ADD = ["ALTER TABLE `message` ADD COLUMN `edited_at` INTEGER"]
FK_CHECK = "PRAGMA foreign_key_check(`message`)"

PEERS = {"sqlite-utils": "sqlite_utils", "alembic": "alembic"}


def peer_status() -> dict:
    """name -> None when importable, else the reason it is skipped."""
    out = {}
    for name, module in PEERS.items():
        if importlib.util.find_spec(module) is None:
            out[name] = f"{name} is not installed (pip install -r benchmarks/requirements.txt)"
        elif name == "alembic" and importlib.util.find_spec("sqlalchemy") is None:
            out[name] = "sqlalchemy is not installed (pip install -r benchmarks/requirements.txt)"
        else:
            out[name] = None
    return out


# ---------------------------------------------------------------- contenders
# Each takes the path of a fresh copy and returns the seconds of the change.

def _run_sql(path: Path, statements, fk_check: bool = False) -> tuple:
    conn = tables.connect(path)
    try:
        with Watch() as w:
            conn.execute("BEGIN")
            for sql in statements:
                conn.execute(sql)
            if fk_check and conn.execute(FK_CHECK).fetchone() is not None:
                raise sqlite3.IntegrityError("foreign key violation")
            conn.execute("COMMIT")
        return w.result
    finally:
        conn.close()


def run_steps(conn: sqlite3.Connection, steps) -> None:
    """A generated migration, as its generated Kotlin runs it: each statement in
    turn; a foreign_key_check step is Room's pragma, which fails on any row."""
    for step in steps:
        if step.kind == "foreign_key_check":
            bad = conn.execute(step.sql).fetchall()
            if bad:
                raise sqlite3.IntegrityError(f"foreign key violation after migration: {bad[0]}")
        else:
            conn.execute(step.sql)


def _ours(path: Path, steps) -> tuple:
    conn = tables.connect(path)
    try:
        with Watch() as w:
            conn.execute("BEGIN")
            run_steps(conn, steps)
            conn.execute("COMMIT")
        return w.result
    finally:
        conn.close()


def _sqlite_utils(path: Path, change: str, fk_check: bool = False) -> float:
    import sqlite_utils

    conn = tables.connect(path)
    try:
        db = sqlite_utils.Database(conn)
        with Watch() as w:
            if change == "rebuild" and fk_check:
                # transform() checks foreign keys only when they are on, and a
                # Room migration runs with them off: Room's check after it, in
                # the same transaction (transform nests as a savepoint).
                conn.execute("BEGIN")
                db[tables.CHILD].transform(defaults={"score": 1})
                if conn.execute(FK_CHECK).fetchone() is not None:
                    raise sqlite3.IntegrityError("foreign key violation")
                conn.execute("COMMIT")
            elif change == "rebuild":
                db[tables.CHILD].transform(defaults={"score": 1})
            else:
                db[tables.CHILD].add_column("edited_at", int)
        return w.result
    finally:
        conn.close()


def _alembic_engine(path: Path):
    import sqlalchemy as sa
    from sqlalchemy import event

    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.StaticPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        # SQLAlchemy's documented recipe for transactional DDL on pysqlite:
        # autocommit driver, explicit BEGIN.
        dbapi_conn.isolation_level = None
        for pragma in tables.PRAGMAS:  # the same SQLite settings as every contender
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


def _declared_child():
    """Version 1's message table as SQLAlchemy declares it, with what reflection
    loses (``ON DELETE CASCADE``, ``AUTOINCREMENT``): Alembic's documented way
    to keep details reflection misses is ``batch_alter_table(copy_from=...)``."""
    import sqlalchemy as sa

    md = sa.MetaData()
    sa.Table(tables.PARENT, md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("title", sa.Text, nullable=False), sqlite_autoincrement=True)
    return sa.Table(
        tables.CHILD, md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.Integer, sa.ForeignKey(f"{tables.PARENT}.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("created_at", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Index(tables.INDEX, "conversation_id"),
        sqlite_autoincrement=True)


def _alembic(path: Path, change: str, declared: bool = False) -> float:
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    engine = _alembic_engine(path)
    copy_from = {"copy_from": _declared_child()} if declared else {}
    try:
        with engine.connect():
            pass  # connect before the clock starts
        with Watch() as w:
            with engine.begin() as conn:
                op = Operations(MigrationContext.configure(conn))
                if change == "rebuild":
                    with op.batch_alter_table(tables.CHILD, recreate="always", **copy_from) as batch:
                        batch.alter_column("score", server_default=sa.text("1"), existing_type=sa.Integer(),
                                           existing_nullable=False)
                    if declared and conn.exec_driver_sql(FK_CHECK).first() is not None:
                        # Room's check after rebuilding a table with foreign keys:
                        # what the same change has to do for a Room database.
                        raise sqlite3.IntegrityError("foreign key violation")
                else:
                    with op.batch_alter_table(tables.CHILD) as batch:
                        batch.add_column(sa.Column("edited_at", sa.Integer(), nullable=True))
        return w.result
    finally:
        engine.dispose()


def _runner_available() -> bool:
    try:
        from roomschema.verify.runner import run_migration  # noqa: F401
    except Exception:
        return False
    return True


def _ours_runner(path: Path, steps) -> float:
    """The same statements through roomschema's own runner (verify, migrate):
    BEGIN EXCLUSIVE, FTS trigger handling, identity and user_version; schema
    validation off, so only the runner's overhead is added."""
    from roomschema.verify.runner import run_migration

    s = tables.schemas()
    new = s["rebuild"] if any("_new_" in st.sql for st in steps) else s["add_column"]
    conn = tables.connect(path)
    try:
        with Watch() as w:
            run = run_migration(conn, s["v1"], new, steps, database_name="BenchDatabase", check_schema=False)
        if not run.ok:
            raise RuntimeError(f"runner failed: {run.error}")
        return w.result
    finally:
        conn.close()


def contenders(change: str, steps, skipped: dict) -> dict:
    raw = RAW_REBUILD if change == "rebuild" else RAW_ADD
    out = {"raw": lambda p: _run_sql(p, raw)}
    if change == "rebuild":
        out["raw + foreign_key_check"] = lambda p: _run_sql(p, raw, fk_check=True)
    out["roomschema"] = lambda p: _ours(p, steps)
    if _runner_available():
        out["roomschema runner"] = lambda p: _ours_runner(p, steps)
    if skipped.get("sqlite-utils") is None:
        out["sqlite-utils"] = lambda p: _sqlite_utils(p, change)
        if change == "rebuild":
            out[report.SQLITE_UTILS_CHECKED] = lambda p: _sqlite_utils(p, change, fk_check=True)
    if skipped.get("alembic") is None:
        out["alembic"] = lambda p: _alembic(p, change)
        if change == "rebuild":
            out[report.ALEMBIC_DECLARED] = lambda p: _alembic(p, change, declared=True)
    return out


# ------------------------------------------------------------ outcome check

def outcome(path: Path, change: str, rows: int) -> list:
    """What is wrong with the migrated file, if anything (every contender must
    leave the same table: rows, index, foreign key, the change itself)."""
    problems = []
    conn = sqlite3.connect(str(path))
    try:
        n = conn.execute(f"SELECT count(*) FROM `{tables.CHILD}`").fetchone()[0]
        if n != rows:
            problems.append(f"{n} rows, expected {rows}")
        idx = [r[1] for r in conn.execute(f"PRAGMA index_list(`{tables.CHILD}`)")]
        if tables.INDEX not in idx:
            problems.append(f"index {tables.INDEX} missing (have {idx})")
        fks = conn.execute(f"PRAGMA foreign_key_list(`{tables.CHILD}`)").fetchall()
        if not fks or fks[0][2] != tables.PARENT or fks[0][6] != "CASCADE":
            problems.append(f"foreign key lost or changed: {fks}")
        # Room declares the key AUTOINCREMENT: without it SQLite reuses the ids of
        # deleted rows, which changes what the app stores (and saves the
        # sqlite_sequence upkeep, so a contender that drops it looks faster).
        create = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (tables.CHILD,)).fetchone()[0]
        if "AUTOINCREMENT" not in create.upper():
            problems.append("AUTOINCREMENT lost from the primary key")
        cols = {r[1]: r for r in conn.execute(f"PRAGMA table_xinfo(`{tables.CHILD}`)")}
        if change == "rebuild":
            default = str(cols["score"][4]).strip("'()")
            if default != "1":
                problems.append(f"score default is {cols['score'][4]!r}, expected 1")
            if not cols["score"][3]:
                problems.append("score lost NOT NULL")
        elif "edited_at" not in cols:
            problems.append("edited_at not added")
        leftovers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE '\\_%' ESCAPE '\\'")]
        if leftovers:
            problems.append(f"temporary tables left behind: {leftovers}")
    finally:
        conn.close()
    return problems


# ------------------------------------------------------------------- driver

def run(sizes: list, reps_for, tmp: Path, skipped: dict) -> dict:
    """``reps_for(change, rows)`` -> repetitions. Returns the section of results."""
    plans = tables.plans()
    templates = {}
    result = {"baseline": "raw", "sizes": sizes, "changes": {}, "peers_skipped": {k: v for k, v in skipped.items() if v},
              "steps": {c: [s.sql for s in plans[c].steps] for c in plans}}
    for rows in sizes:
        t0 = clock()
        templates[rows] = tables.make_template(tmp / f"template-{rows}.db", rows)
        log(f"  migration: seeded template of {rows:,} rows in {clock() - t0:.2f} s")
    work = tmp / "work.db"
    for change in ("add_column", "rebuild"):
        steps = plans[change].steps
        per_size = {}
        for rows in sizes:
            runners = contenders(change, steps, skipped)
            names = list(runners)
            samples = {n: [] for n in names}
            cpu = {n: [] for n in names}
            problems = {}
            # One unmeasured warm-up each (imports, page cache), with the outcome check.
            for name in names:
                tables.fresh_copy(templates[rows], work)
                runners[name](work)
                problems[name] = outcome(work, change, rows)
            for rep in range(reps_for(change, rows)):
                for name in rotate(names, rep):
                    tables.fresh_copy(templates[rows], work)
                    wall, cpu_s = runners[name](work)
                    samples[name].append(wall)
                    cpu[name].append(cpu_s)
            tables.remove(work)
            entry = {}
            for name in names:
                entry[name] = {"seconds": summary(samples[name]),
                               "ratio": ratio_summary(samples[name], samples["raw"]),
                               "cpu_seconds": summary(cpu[name]),
                               "cpu_ratio": ratio_summary(cpu[name], cpu["raw"]),
                               "rows_per_second": rows / summary(samples[name])["median"],
                               "outcome_problems": problems[name]}
            if change == "add_column":
                # Reference: what the same column would cost as a rebuild.
                entry["raw"]["note"] = "ALTER TABLE ADD COLUMN"
            per_size[str(rows)] = entry
            med = {n: entry[n]["seconds"]["median"] for n in names}
            log(f"  migration {change} {rows:>9,}: " + ", ".join(f"{n} {v * 1e3:.1f} ms" for n, v in med.items()))
        result["changes"][change] = per_size
    for rows in sizes:
        tables.remove(templates[rows])
    # Constant time for the added column: ours at the largest size vs the smallest.
    add = result["changes"]["add_column"]
    lo, hi = str(sizes[0]), str(sizes[-1])
    result["add_column_growth"] = {
        "from_rows": sizes[0], "to_rows": sizes[-1],
        "ratio": ratio_summary(add[hi]["roomschema"]["seconds"]["samples"],
                               add[lo]["roomschema"]["seconds"]["samples"]),
        "rebuild_ratio_same_sizes": ratio_summary(
            result["changes"]["rebuild"][hi]["roomschema"]["seconds"]["samples"],
            result["changes"]["rebuild"][lo]["roomschema"]["seconds"]["samples"]),
    }
    return result
