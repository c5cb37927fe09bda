"""``PRAGMA foreign_key_check(table)``, the same rows, without scanning a clean table.

Room runs the check after rebuilding any table that has foreign keys
(``DBUtil.foreignKeyCheck``). The pragma reads every child row and looks up
its parent: about 100 ms at a million rows, 7-10% of the rebuild it follows
(BENCHMARKS.md). A child table usually has an index on its foreign key (Room
warns when it does not) and few distinct parents, so walking the distinct
key values down that index (a seek each) and looking each one up proves the
same thing with a few thousand seeks.

The walk is only a proof of absence. It runs when it decides exactly what
the pragma would (one column, BINARY collation on the child side, the same
affinity on both sides, a parent key SQLite accepts: a single-column primary
key), is not tried below 65,536 rows, stops after ``rows / 16`` distinct
values (beyond that the pragma is cheaper), and anything it cannot clear --
an orphan, the limit, a missing index, an unusual declaration, any error --
falls back to the pragma, whose rows (and so Room's failure message) are
returned unchanged.

This is roomschema's own reading of a database (verify, migrate, the data
check). The generated Kotlin runs Room's pragma alone, as Room's
AutoMigration does: an app's source tree gets Room's check, not this one.
"""
from __future__ import annotations

import sqlite3
from typing import Optional

from roomschema.migration.steps import Step

from roomschema.schema.sql import quote

# Below this the pragma takes a few milliseconds at most, and a walk that
# runs into its limit would have been spent for nothing.
WALK_MIN_ROWS = 65536
WALK_SHARE = 16       # walk at most rows / 16 distinct values; beyond that the pragma is cheaper


def foreign_key_violations(conn: sqlite3.Connection, table: str, schema: str = "main") -> list:
    """The rows ``PRAGMA foreign_key_check(table)`` returns (and its errors)."""
    if not _clean_by_walk(conn, table, schema):
        return conn.execute(f"PRAGMA {schema}.foreign_key_check({quote(table)})").fetchall()
    return []


def step_violations(conn: sqlite3.Connection, step: Step) -> list:
    """What a ``foreign_key_check`` step finds: Room's check of one table takes
    the fast path; anything else (a hand-written pragma for the whole database,
    another schema) runs as written."""
    if step.table and step.sql in ("", Step.foreign_key_check(step.table).sql):
        return foreign_key_violations(conn, step.table)
    return conn.execute(step.sql).fetchall()


def _clean_by_walk(conn: sqlite3.Connection, table: str, schema: str) -> bool:
    try:
        # The count first: it is cheap on a small table, which the pragma
        # checks faster than the schema can be read to plan a walk.
        rows = conn.execute(f"SELECT count(*) FROM {schema}.{quote(table)}").fetchone()[0]
        if rows < WALK_MIN_ROWS:
            return False
        keys = _walkable_keys(conn, table, schema)
        if not keys:
            return False
        limit = rows // WALK_SHARE
        return all(_walk(conn, schema, table, column, parent, key, limit) for column, parent, key in keys)
    except sqlite3.Error:
        return False


def _walk(conn, schema: str, table: str, column: str, parent: str, key: str, limit: int) -> bool:
    """True when every distinct non-NULL value of ``column`` (up to ``limit``
    of them) has its parent row.

    The scalar min() keeps each step a seek on the index; ``key = v`` applies
    the parent's affinity and collation, as the lookup of the pragma does.
    """
    c, t, p, k = quote(column), f"{schema}.{quote(table)}", f"{schema}.{quote(parent)}", quote(key)
    sql = (f"WITH RECURSIVE walk(v, n) AS (SELECT (SELECT min({c}) FROM {t}), 0 UNION ALL "
           f"SELECT (SELECT min({c}) FROM {t} WHERE {c} > walk.v), walk.n + 1 FROM walk "
           f"WHERE walk.v IS NOT NULL AND walk.n < ?1) "
           f"SELECT count(*) FROM walk WHERE walk.v IS NOT NULL "
           f"AND (walk.n >= ?1 OR NOT EXISTS (SELECT 1 FROM {p} WHERE {k} = walk.v))")
    return conn.execute(sql, (limit,)).fetchone()[0] == 0


def _walkable_keys(conn, table: str, schema: str) -> Optional[list]:
    """``[(column, parent, parent key)]`` for every foreign key of ``table``, or None
    when one of them is outside what the walk decides exactly and quickly."""
    fks: dict = {}
    for row in conn.execute(f"PRAGMA {schema}.foreign_key_list({quote(table)})"):
        fks.setdefault(row[0], []).append(row)
    if not fks or _declares_collation(conn, schema, table):
        return None  # a COLLATE on the child column would change which values the walk tells apart
    columns = _columns(conn, schema, table)
    leading = _binary_index_leaders(conn, schema, table)
    out = []
    for rows in fks.values():
        if len(rows) != 1:
            return None
        _id, _seq, parent, column, key, *_ = rows[0]
        if key is None or column not in columns or column not in leading:
            return None
        parent_columns = _columns(conn, schema, parent)
        if key not in parent_columns or [c for c, (_t, pk) in parent_columns.items() if pk] != [key]:
            return None  # not a single-column primary key: the pragma decides (or reports a mismatch)
        if _affinity(columns[column][0]) != _affinity(parent_columns[key][0]):
            return None
        out.append((column, parent, key))
    return out


def _columns(conn, schema: str, table: str) -> dict:
    """column -> (declared type, position in the primary key)."""
    return {r[1]: (r[2] or "", r[5]) for r in conn.execute(f"PRAGMA {schema}.table_xinfo({quote(table)})")}


def _declares_collation(conn, schema: str, table: str) -> bool:
    row = conn.execute(f"SELECT sql FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?",
                       (table,)).fetchone()
    return row is None or "COLLATE" in (row[0] or "").upper()


def _binary_index_leaders(conn, schema: str, table: str) -> set:
    """Columns that lead a full (not partial) index in BINARY collation."""
    out = set()
    for _seq, name, _unique, _origin, partial in conn.execute(f"PRAGMA {schema}.index_list({quote(table)})"):
        if partial:
            continue
        first = conn.execute(f"PRAGMA {schema}.index_xinfo({quote(name)})").fetchone()
        if first is not None and first[2] is not None and first[4] == "BINARY":
            out.add(first[2])
    return out


def _affinity(declared: str) -> str:
    """SQLite's column affinity rules (datatype3.html, 3.1) for a declared type."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "REAL"
    return "NUMERIC"
