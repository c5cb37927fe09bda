"""Did the migration keep the data? Compared in SQL, against a snapshot.

Before migrating, ``snapshot`` writes a copy of the database (``VACUUM
INTO``); afterwards ``check_data`` attaches it and compares table by table
with joins, so a million-row table never passes through Python. Room's own
validation looks only at the schema (docs/room-format.md#migrationtesthelper):
a swapped INSERT..SELECT, a cascade, or a lost row pass it.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from roomschema.migration.declarations import Declarations
from roomschema.migration.foreign_keys import foreign_key_violations
from roomschema.schema.model import Entity, Field, FtsEntity, Schema
from roomschema.schema.sql import quote

_NON_CONSTANT = re.compile(r"CURRENT_|RANDOM|DATE|TIME|CHANGES|LAST_INSERT", re.IGNORECASE)
_SAMPLES = 3


@dataclass(frozen=True)
class Finding:
    severity: str    # error | warning | info
    table: str
    check: str       # row-count | values | new-column | foreign-key | integrity | index | deleted | fts
    message: str

    def to_json(self) -> dict:
        return {"severity": self.severity, "table": self.table, "check": self.check, "message": self.message}


def _main_file(conn: sqlite3.Connection) -> str:
    """The file behind ``conn``'s main database ('' when it lives in memory)."""
    return next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "") or ""


def snapshot(conn: sqlite3.Connection, path: Union[str, Path]) -> Path:
    """A consistent copy of ``conn``'s main database at ``path``."""
    path = Path(path)
    source = _main_file(conn)
    if source and not conn.in_transaction:
        # A byte copy is about 7x cheaper than VACUUM INTO (24 ms against 170 ms
        # at 1M rows). It is consistent only when the file alone holds every
        # committed page and nobody writes meanwhile: the read transaction keeps
        # other connections' checkpoints from touching the file during the copy.
        busy, log, done = conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)").fetchone()
        if not busy and log in (0, -1):
            conn.execute("BEGIN")
            try:
                conn.execute("SELECT count(*) FROM main.sqlite_master").fetchone()
                shutil.copyfile(source, path)
                return path
            finally:
                conn.execute("COMMIT")
    conn.execute("VACUUM main INTO ?", (str(path),))
    return path


def column_sources(old: Entity, new: Entity, decl: Declarations) -> dict[str, str]:
    """New column -> the old column it continues, following declared renames."""
    renamed = {n: o for (t, o), n in decl.rename_columns.items() if t == old.table_name}
    sources = set(renamed.values())
    deleted = {c for t, c in decl.delete_columns if t == old.table_name}
    out: dict[str, str] = {}
    for f in new.fields:
        c = f.column_name
        if c in renamed:
            out[c] = renamed[c]
        elif old.field(c) is not None and c not in sources and c not in deleted:
            out[c] = c
    return out


def _key(old: Entity, new: Entity, sources: dict[str, str]) -> Optional[list[tuple[str, str]]]:
    """(new column, old column) pairs that identify a row in both versions, or None for rowid."""
    back = {o: n for n, o in sources.items()}
    old_pk = list(old.primary_key.column_names)
    if old_pk and all(c in back for c in old_pk) and not old.is_fts:
        return [(back[c], c) for c in old_pk]
    return None


def _expected(old: Entity, f: Field, source: Optional[str], decl: Declarations, table: str) -> Optional[str]:
    """The SQL (over the old row) whose value the new column must hold; None when it cannot be known."""
    fill = decl.fills.get((table, f.column_name))
    if source is not None:
        before = old.field(source)
        if f.not_null and before is not None and not before.not_null:
            value = fill or (f.default_value if f.default_value not in (None, "") else None)
            if value is not None:
                return f"IFNULL({quote(source)}, ({value}))"
        return quote(source)
    if fill is not None:
        return f"({fill})"
    if f.default_value in (None, ""):
        return "NULL"
    if _NON_CONSTANT.search(f.default_value):
        return None
    return f"({f.default_value})"


def _tables(conn: sqlite3.Connection, schema_name: str = "main") -> set[str]:
    return {r[0] for r in conn.execute(f"SELECT name FROM {schema_name}.sqlite_master WHERE type = 'table'")}


def check_data(conn: sqlite3.Connection, snapshot_path: Union[str, Path], old: Schema, new: Schema,
               declarations: Optional[Declarations] = None) -> list[Finding]:
    """Everything that differs from what the declared migration should leave behind."""
    decl = declarations or Declarations()
    # integrity_check is the longest single step (a B-tree probe per row and
    # index, about 1 s at 1M rows) and only reads: it runs on a connection of
    # its own, beside the comparisons, on the other core.
    integrity = _IntegrityCheck(_main_file(conn))
    conn.execute("ATTACH DATABASE ? AS pre", (str(snapshot_path),))
    try:
        return _Checker(conn, old, new, decl, integrity).run()
    finally:
        integrity.join()
        conn.execute("DETACH DATABASE pre")


class _IntegrityCheck:
    """``PRAGMA integrity_check`` (the full one) on a read-only connection in a thread.

    The caller has committed and only reads from now on, so both connections
    see the same database. An in-memory database has no second connection:
    it is checked on the caller's connection when the result is asked for.
    """

    def __init__(self, path: str):
        self.rows: Optional[list[str]] = None
        self.error: Optional[BaseException] = None
        self.thread: Optional[threading.Thread] = None
        if path:
            self.thread = threading.Thread(target=self._run, args=(path,), name="integrity_check", daemon=True)
            self.thread.start()

    def _run(self, path: str) -> None:
        try:
            uri = "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            try:
                self.rows = [r[0] for r in conn.execute("PRAGMA main.integrity_check")]
            finally:
                conn.close()
        except BaseException as err:  # handed to the caller's thread in result()
            self.error = err

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def result(self, conn: sqlite3.Connection) -> list[str]:
        self.join()
        if self.thread is None or self.error is not None or self.rows is None:
            # No second connection (memory, or the file could not be opened read-only): check here.
            return [r[0] for r in conn.execute("PRAGMA main.integrity_check")]
        return self.rows


class _Checker:
    def __init__(self, conn: sqlite3.Connection, old: Schema, new: Schema, decl: Declarations,
                 integrity: _IntegrityCheck):
        self.conn, self.old, self.new, self.decl = conn, old, new, decl
        self.integrity_check = integrity
        self.findings: list[Finding] = []
        self.now = _tables(conn)
        self.before = _tables(conn, "pre")

    def add(self, severity: str, table: str, check: str, message: str) -> None:
        self.findings.append(Finding(severity, table, check, message))

    def one(self, sql: str) -> Any:
        return self.conn.execute(sql).fetchone()[0]

    def run(self) -> list[Finding]:
        for t in self.decl.delete_tables:
            if t in self.now and self.new.database.entity(t) is None:
                self.add("error", t, "deleted", f"{t}: declared deleted but still present")
        for e in self.new.database.entities:
            if e.table_name in self.now:
                self.table(e)
        self.foreign_keys()
        self.integrity()
        self.indices()
        return self.findings

    def table(self, new: Entity) -> None:
        t = new.table_name
        old_name = self.decl.old_table(t)
        old = self.old.database.entity(old_name)
        count = self.one(f"SELECT count(*) FROM main.{quote(t)}")
        if isinstance(new, FtsEntity):
            self.fts(new, old, count)
            return
        if old is None or old_name in self.decl.delete_tables or old_name not in self.before:
            if count:
                self.add("info", t, "row-count", f"{t}: new table holds {count} rows after the migration")
            return
        before = self.one(f"SELECT count(*) FROM pre.{quote(old_name)}")
        label = t if old_name == t else f"{t} (was {old_name})"
        if count != before:
            what = "lost" if count < before else "gained"
            self.add("error", t, "row-count",
                     f"{label}: {what} {abs(count - before)} of {before} rows ({before} before, {count} after)")
        for (tbl, col) in self.decl.delete_columns:
            if tbl == old_name and new.field(col) is None and self._has_column(t, col):
                self.add("error", t, "deleted", f"{t}.{col}: declared deleted but still present")
        self.values(old, new, old_name)

    def _has_column(self, table: str, column: str) -> bool:
        return any(r[1] == column for r in self.conn.execute(f"PRAGMA main.table_info({quote(table)})"))

    def values(self, old: Entity, new: Entity, old_name: str) -> None:
        t = new.table_name
        sources = column_sources(old, new, self.decl)
        present = {r[1] for r in self.conn.execute(f"PRAGMA main.table_info({quote(t)})")}
        compared: list[tuple[str, str, Optional[str]]] = []
        for f in new.fields:
            if f.column_name not in present:
                continue  # the schema check reports the missing column
            expr = _expected(old, f, sources.get(f.column_name), self.decl, t)
            if expr is not None:
                compared.append((f.column_name, expr, sources.get(f.column_name)))
        if not compared:
            return
        key = _key(old, new, sources)
        if key is None:
            select_key, join = "rowid AS _k0", "t.rowid = o._k0"
            key_names = ["rowid"]
        else:
            select_key = ", ".join(f"{quote(oc)} AS _k{i}" for i, (_, oc) in enumerate(key))
            join = " AND ".join(f"t.{quote(nc)} = o._k{i}" for i, (nc, _) in enumerate(key))
            key_names = [nc for nc, _ in key]
        derived = (f"(SELECT {select_key}, " + ", ".join(f"{e} AS _e{i}" for i, (_, e, _) in enumerate(compared))
                   + f" FROM pre.{quote(old_name)})")
        base = f"FROM {derived} o JOIN main.{quote(t)} t ON {join}"
        try:
            sums = self.conn.execute(
                "SELECT " + ", ".join(f"total(t.{quote(c)} IS NOT o._e{i})" for i, (c, _, _) in enumerate(compared))
                + f" {base}").fetchone()
        except sqlite3.Error as err:
            self.add("error", t, "values", f"{t}: could not compare values ({err})")
            return
        for i, (c, expr, source) in enumerate(compared):
            bad = int(sums[i] or 0)
            if not bad:
                continue
            keys = ", ".join(f"o._k{j}" for j in range(len(key_names)))
            samples = self.conn.execute(
                f"SELECT {keys}, o._e{i}, t.{quote(c)} {base} WHERE t.{quote(c)} IS NOT o._e{i} LIMIT {_SAMPLES}"
            ).fetchall()
            shown = "; ".join(f"{_row_key(key_names, r[:-2])}: expected {_show(r[-2])}, found {_show(r[-1])}"
                              for r in samples)
            if source is None:
                self.add("error", t, "new-column", f"{t}.{c}: {bad} rows do not hold the expected value "
                                                  f"{expr} ({shown})")
            else:
                was = "" if source == c else f" (was {source})"
                self.add("error", t, "values", f"{t}.{c}{was}: {bad} rows changed ({shown})")

    def fts(self, new: FtsEntity, old: Optional[Entity], count: int) -> None:
        t = quote(new.table_name)
        try:
            self.conn.execute(f"INSERT INTO main.{t}({t}) VALUES('integrity-check')")
        except sqlite3.Error as err:
            # SQLite reports a stale index as "malformed"; the index is what is stale, not the file.
            what = (f"{new.table_name}: the FTS index does not match its content"
                    + (f" table {new.content_table}" if new.content_table else "") + f" ({err})")
            if old is None and new.content_table:
                # Room's AutoMigration creates a new content FTS table empty: rows already in
                # the content table stay unsearchable until someone rebuilds the index.
                self.add("warning", new.table_name, "fts",
                         f"{what}: existing rows are not indexed; add "
                         f"INSERT INTO {t}({t}) VALUES('rebuild') to the migration")
            else:
                self.add("error", new.table_name, "fts", what)
        old_name = self.decl.old_table(new.table_name)
        if old is not None and not new.content_table and old_name in self.before:
            before = self.one(f"SELECT count(*) FROM pre.{quote(old_name)}")
            if before != count:
                self.add("error", new.table_name, "row-count",
                         f"{new.table_name}: {before} rows before, {count} after")

    def foreign_keys(self) -> None:
        # Table by table, as the whole-database pragma goes, so a clean child
        # table with an indexed key is cleared without a scan (foreign_key_check.py).
        children = [r[0] for r in self.conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'")]
        rows: list[tuple[str, int, str, int]] = []
        for table in children:
            try:
                rows += foreign_key_violations(self.conn, table)
            except sqlite3.Error as err:
                self.add("error", table, "foreign-key", f"foreign_key_check cannot run: {err}")
        by: dict[tuple[str, str], int] = {}
        for table, _rowid, parent, _fkid in rows:
            by[(table, parent)] = by.get((table, parent), 0) + 1
        for (table, parent), n in by.items():
            self.add("error", table, "foreign-key", f"{table}: {n} rows point at missing {parent} rows")

    def integrity(self) -> None:
        rows = self.integrity_check.result(self.conn)
        if rows != ["ok"]:
            self.add("error", "", "integrity", "integrity_check: " + "; ".join(rows[:5]))

    def indices(self) -> None:
        existing = {r[0] for r in self.conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'index'")}
        for e in self.new.database.entities:
            if e.is_fts or e.table_name not in self.now:
                continue
            for index in e.indices:
                if not index.column_names or index.name not in existing:
                    continue  # a missing index is the schema check's to report
                self.index(e.table_name, index.name, index.column_names[0])

    def index(self, table: str, name: str, first: str) -> None:
        """Usable means the planner can SEARCH it for ``WHERE first = ?`` (a SCAN of it is no use)."""
        query = f"SELECT * FROM main.{quote(table)} {{}} WHERE {quote(first)} = ?"

        def searches(hint: str) -> bool:
            details = [r[-1] for r in self.conn.execute("EXPLAIN QUERY PLAN " + query.format(hint), (0,))]
            return any(d.startswith("SEARCH") and f"INDEX {name} " in d + " " for d in details)

        if searches(""):
            return
        try:
            if searches(f"INDEXED BY {quote(name)}"):
                return
            problem = "is only scanned, not searched,"
        except sqlite3.Error as err:
            problem = f"cannot be used ({err})"
        self.add("error", table, "index", f"{table}: index {name} {problem} for WHERE {first} = ?")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _row_key(names: list[str], values: Sequence[object]) -> str:
    return ", ".join(f"{n}={_show(v)}" for n, v in zip(names, values))


def table_stats(conn: sqlite3.Connection, schema: Schema) -> dict[str, dict[str, Any]]:
    """Rows and non-NULL foreign-key values per table: what a cascade or SET NULL changes."""
    present = _tables(conn)
    out: dict[str, dict[str, Any]] = {}
    for e in schema.database.entities:
        if e.is_fts or e.table_name not in present:
            continue
        cols = list(dict.fromkeys(c for fk in e.foreign_keys for c in fk.columns))
        have = {r[1] for r in conn.execute(f"PRAGMA main.table_info({quote(e.table_name)})")}
        cols = [c for c in cols if c in have]
        row = conn.execute("SELECT count(*)" + "".join(f", count({quote(c)})" for c in cols)
                           + f" FROM main.{quote(e.table_name)}").fetchone()
        out[e.table_name] = {"rows": row[0], "fk_values": dict(zip(cols, row[1:]))}
    return out

