"""Read a database's structure back from SQLite itself (docs/sqlite-android.md#reading-structure-from-sqlite)."""
from __future__ import annotations

import sqlite3

from roomschema.schema.sql import quote

VALUES = {"INTEGER": lambda i: i, "TEXT": lambda i: f"t'{i}ü", "REAL": lambda i: i + 0.5,
          "BLOB": lambda i: bytes([i % 256, 0])}


def build(schema, legacy_alter_table=True):
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(f"PRAGMA legacy_alter_table={'ON' if legacy_alter_table else 'OFF'}")
    for e in schema.database.entities:
        conn.execute(e.create_table_sql())
        if not e.is_fts:
            for i in e.indices:
                conn.execute(i.create_sql_for(e.table_name))
    for v in schema.database.views:
        conn.execute(v.create_view_sql())
    return conn


def structure(conn):
    """Tables (columns, indices, FKs) and the text of views and virtual tables."""
    out = {}
    for name, typ, sql in conn.execute("SELECT name, type, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                                       "AND type IN ('table', 'view')"):
        if typ == "view" or (sql or "").startswith("CREATE VIRTUAL"):
            out[name] = sql
            continue
        if any(name.endswith(s) for s in ("_content", "_segdir", "_segments", "_stat", "_docsize")) and \
                conn.execute("SELECT 1 FROM sqlite_master WHERE name=? AND sql LIKE 'CREATE VIRTUAL%'",
                             (name.rsplit("_", 1)[0],)).fetchone():
            continue
        cols = sorted((r[1], r[2], r[3], None if r[4] in (None, "NULL") else r[4], r[5])
                      for r in conn.execute(f"PRAGMA table_info({quote(name)})"))
        idx = sorted((r[1], r[2], tuple((x[2], x[3]) for x in conn.execute(f"PRAGMA index_xinfo({quote(r[1])})")
                                        if x[1] >= 0))
                     for r in conn.execute(f"PRAGMA index_list({quote(name)})") if r[3] == "c")
        fks = sorted(tuple(r[2:]) for r in conn.execute(f"PRAGMA foreign_key_list({quote(name)})"))
        out[name] = (cols, idx, fks)
    return out


def seed(conn, schema, rows=3):
    """A few rows per table, parents first, every key consistent."""
    for e in schema.database.entities:
        if e.is_fts and e.content_table:
            continue
        cols = [f.column_name for f in e.fields]
        for i in range(1, rows + 1):
            conn.execute(f"INSERT INTO {quote(e.table_name)} ({', '.join(map(quote, cols))}) "
                         f"VALUES ({', '.join('?' * len(cols))})", [VALUES[f.affinity](i) for f in e.fields])


def counts(conn, tables):
    return {t: conn.execute(f"SELECT count(*) FROM {quote(t)}").fetchone()[0] for t in tables}
