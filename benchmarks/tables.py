"""The benchmark's tables, built with roomschema.schema.compose (Room's exact SQL), and
the file databases every contender starts from.

``conversation`` (1,000 rows) is the parent; ``message`` (N rows) has an index
on its foreign key column, as Room asks for, and the foreign key itself:

* version 2a adds a nullable column ``edited_at`` (Room: ``ALTER TABLE ADD COLUMN``);
* version 2b changes the default of ``score`` from 0 to 1, which Room migrates
  with a full table rebuild (create, copy, drop, rename, re-create the index,
  ``foreign_key_check``).

Every connection has Android's framework SQLite build settings (verify's
``legacy_alter_table=ON`` mode: freed pages zeroed, ``auto_vacuum=FULL`` files,
a 1 MiB journal limit), so the numbers do not depend on how the host's SQLite
was compiled and match what verify's framework mode pays.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from roomschema.schema import compose
from roomschema.migration.plan import plan_migration
from roomschema.verify.build import FRAMEWORK, auto_vacuum

PARENTS = 1000
CHILD = "message"
PARENT = "conversation"
INDEX = "index_message_conversation_id"
CHILD_COLUMNS = ("id", "conversation_id", "body", "created_at", "score")


def _parent():
    return compose.entity(PARENT, [compose.field("id", "INTEGER", True), compose.field("title", "TEXT", True)],
                          primary_key=["id"], auto_generate=True)


def _child(extra=(), score_default="0"):
    fields = [compose.field("id", "INTEGER", True), compose.field("conversation_id", "INTEGER", True),
              compose.field("body", "TEXT"), compose.field("created_at", "INTEGER", True),
              compose.field("score", "INTEGER", True, default=score_default), *extra]
    return compose.entity(CHILD, fields, primary_key=["id"], auto_generate=True,
                          indices=[compose.index(CHILD, ["conversation_id"])],
                          foreign_keys=[compose.foreign_key(["conversation_id"], PARENT, ["id"],
                                                            on_delete="CASCADE")])


def schemas() -> dict:
    """Versions 1, 2a (added column) and 2b (rebuild)."""
    v1 = compose.schema(1, [_parent(), _child()])
    v2a = compose.schema(2, [_parent(), _child(extra=[compose.field("edited_at", "INTEGER")])])
    v2b = compose.schema(2, [_parent(), _child(score_default="1")])
    return {"v1": v1, "add_column": v2a, "rebuild": v2b}


def plans() -> dict:
    s = schemas()
    out = {}
    for change in ("add_column", "rebuild"):
        p = plan_migration(s["v1"], s[change])
        assert p.ok, p.decisions
        out[change] = p
    return out


PRAGMAS = (*(f"{k}={v}" for k, v in FRAMEWORK.items()), f"auto_vacuum={auto_vacuum(True)}",
           "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=OFF")


def connect(path: Path) -> sqlite3.Connection:
    """A connection as every contender gets it: autocommit (explicit BEGIN),
    the framework's SQLite settings (auto_vacuum only takes on a new file,
    before WAL), WAL, synchronous=NORMAL (Android's WAL setting), foreign keys off."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    return conn


def create_schema(conn: sqlite3.Connection, schema, indices: bool = True) -> None:
    db = schema.database
    conn.execute("BEGIN")
    for e in db.entities:
        conn.execute(e.create_table_sql())
        if indices:
            create_indices(conn, e)
    for q in db.setup_queries:
        conn.execute(q)
    conn.execute("COMMIT")


def create_indices(conn: sqlite3.Connection, entity) -> None:
    for i in entity.indices:
        conn.execute(i.create_sql_for(entity.table_name))


def index_sql() -> list:
    """CREATE INDEX of version 1, to run after a bulk insert."""
    return [i.create_sql_for(e.table_name) for e in schemas()["v1"].database.entities for i in e.indices]


def seed_sql(rows: int) -> list:
    """The same rows for everyone: some NULL bodies, repeated scores, every
    message pointing at an existing conversation."""
    return [
        f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {PARENTS}) "
        f"INSERT INTO `{PARENT}` (`id`, `title`) SELECT x, 'conversation ' || x FROM c",
        f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) "
        f"INSERT INTO `{CHILD}` (`id`, `conversation_id`, `body`, `created_at`, `score`) "
        f"SELECT x, (x % {PARENTS}) + 1, CASE WHEN x % 10 = 0 THEN NULL ELSE 'message body number ' || x END, "
        f"1700000000000 + x * 1000, x % 7 FROM c",
    ]


def make_template(path: Path, rows: int) -> Path:
    """A version-1 database with ``rows`` messages, checkpointed and closed, so a
    byte copy of the one file is a fresh start."""
    if path.exists():
        path.unlink()
    conn = connect(path)
    create_schema(conn, schemas()["v1"], indices=False)
    conn.execute("BEGIN")
    for sql in seed_sql(rows) + index_sql():  # indices after the rows: 3-4x faster at 1M
        conn.execute(sql)
    conn.execute("COMMIT")
    return close_as_one_file(conn, path)


def close_as_one_file(conn: sqlite3.Connection, path: Path) -> Path:
    """Checkpoint and close ``conn`` so the file at ``path`` holds every page and
    a byte copy of it alone is a fresh start."""
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


_EVICT = bytearray(64 << 20)  # larger than this machine's last-level cache


def fresh_copy(template: Path, dest: Path) -> Path:
    """A byte copy of ``template`` at ``dest``, then the CPU caches overwritten.

    Copying a 55 MB file leaves the caches cold and a 0.5 MB one leaves them
    warm, so a step of tens of microseconds looked slower at 1M rows than at
    10,000 for that reason alone (added column: 1.85x against 1.31x when every
    run starts from the same overwritten caches)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, dest)
    _EVICT[::64] = bytes(len(_EVICT) // 64)  # one write per cache line
    return dest


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
