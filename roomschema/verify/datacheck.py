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
    check: str       # row-count | values | new-column | foreign-key | integrity | index | deleted | fts | declared
    message: str
    fix: str = ""    # the declaration that accepts the change, when it may be deliberate

    def to_json(self) -> dict:
        out = {"severity": self.severity, "table": self.table, "check": self.check, "message": self.message}
        if self.fix:
            out["fix"] = self.fix
        return out


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


def _key(old: Entity, new: Entity, sources: dict[str, str],
         changed: frozenset[str] = frozenset()) -> Optional[list[tuple[str, str]]]:
    """(new column, old column) pairs that identify a row in both versions, or None for rowid.

    The old primary key when the new version keeps it; else a key or unique
    column both versions share (the new primary key, the old unique indices,
    the new ones), NOT NULL first: when the old ``INTEGER PRIMARY KEY`` is
    dropped the rows are renumbered, and only such a column still says which
    new row was which old one. Columns whose values change on purpose
    (``changed``, new names) identify nothing.
    """
    if old.is_fts:
        return None
    back = {o: n for n, o in sources.items()}

    def carried(cols: Sequence[str]) -> Optional[list[tuple[str, str]]]:
        return [(back[c], c) for c in cols] if cols and all(c in back for c in cols) else None

    def sourced(cols: Sequence[str]) -> Optional[list[tuple[str, str]]]:
        return [(c, sources[c]) for c in cols] if cols and all(c in sources for c in cols) else None

    kept_pk = carried(old.primary_key.column_names)
    candidates = [kept_pk, sourced(new.primary_key.column_names)]
    candidates += [carried(i.column_names or ()) for i in old.indices if i.unique]
    candidates += [sourced(i.column_names or ()) for i in new.indices if i.unique]
    usable = [k for k in candidates if k and not any(n in changed for n, _ in k)]
    if not usable:
        return None
    if usable[0] == kept_pk:
        return kept_pk
    # A NULL in a key matches no row: prefer keys whose old values are all there.
    for key in usable:
        if all((f := old.field(o)) is not None and f.not_null for _, o in key):
            return key
    return usable[0]


@dataclass(frozen=True)
class _Expect:
    """What a new column must hold: ``sql`` over the old row; where that is NULL and
    ``any_value``, any non-NULL value (the migration filled a NOT NULL column the
    schema gives no default)."""
    sql: str
    any_value: bool = False

    def differs(self, found: str, expected: str) -> str:
        """SQL true where the new value ``found`` breaks the expectation ``expected``."""
        if self.any_value:
            return f"(CASE WHEN {expected} IS NULL THEN {found} IS NULL ELSE {found} IS NOT {expected} END)"
        return f"({found} IS NOT {expected})"


def _expected(old: Entity, f: Field, source: Optional[str], decl: Declarations, table: str) -> Optional[_Expect]:
    """What the new column must hold, over the old row; None when it cannot be known."""
    fill = decl.fills.get((table, f.column_name))
    default = f.default_value if f.default_value not in (None, "") else None
    if source is not None:
        before = old.field(source)
        if f.not_null and before is not None and not before.not_null:
            value = fill or default
            if value is not None:
                return _Expect(f"IFNULL({quote(source)}, ({value}))")
            # Nothing says what replaces a NULL (an UPDATE .. WHERE IS NULL before the
            # rebuild chose it): any value will do, as long as there is one.
            return _Expect(quote(source), any_value=True)
        return _Expect(quote(source))
    if fill is not None:
        return _Expect(f"({fill})")
    if default is None:
        # A NOT NULL column without a schema default holds what the migration put
        # there (ALTER TABLE .. ADD COLUMN .. NOT NULL DEFAULT 0): any value, never NULL.
        return _Expect("NULL", any_value=f.not_null)
    if _NON_CONSTANT.search(default):
        return None
    return _Expect(f"({default})")


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

    def add(self, severity: str, table: str, check: str, message: str, fix: str = "") -> None:
        self.findings.append(Finding(severity, table, check, message, fix))

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

    def declare(self, flag: str, value: str) -> str:
        """The declaration that accepts a change as deliberate, as a flag and as a setting."""
        key = flag.lstrip("-").replace("-", "_")
        return (f"if the migration does this on purpose, declare it: {flag} {value}, or {key} = [\"{value}\"] "
                f"under [migrations.\"{self.old.version}-{self.new.version}\"]")

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
        self.row_count(t, old_name, before, count)
        for (tbl, col) in self.decl.delete_columns:
            if tbl == old_name and new.field(col) is None and self._has_column(t, col):
                self.add("error", t, "deleted", f"{t}.{col}: declared deleted but still present")
        self.values(old, new, old_name, before, count)

    def row_count(self, t: str, old_name: str, before: int, count: int) -> None:
        label = t if old_name == t else f"{t} (was {old_name})"
        if count <= before and self.decl.rows_removed_expected(t, old_name):
            self.add("info", t, "declared", f"{label}: {before - count} of {before} rows removed, as declared "
                                            f"(expect_rows_removed)")
        elif count >= before and self.decl.rows_added_expected(t, old_name):
            self.add("info", t, "declared", f"{label}: {count - before} rows added to the {before} it had, as "
                                            f"declared (expect_rows_added)")
        elif count != before:
            what = "lost" if count < before else "gained"
            self.add("error", t, "row-count",
                     f"{label}: {what} {abs(count - before)} of {before} rows ({before} before, {count} after)",
                     self.declare("--expect-rows-removed" if count < before else "--expect-rows-added", t))

    def _has_column(self, table: str, column: str) -> bool:
        return any(r[1] == column for r in self.conn.execute(f"PRAGMA main.table_info({quote(table)})"))

    def values(self, old: Entity, new: Entity, old_name: str, before: int, count: int) -> None:
        t = new.table_name
        sources = column_sources(old, new, self.decl)
        present = {r[1] for r in self.conn.execute(f"PRAGMA main.table_info({quote(t)})")}
        compared: list[tuple[str, _Expect, Optional[str]]] = []
        changed: set[str] = set()
        for f in new.fields:
            c = f.column_name
            if self.decl.values_change_expected((t, old_name), (c, sources.get(c, c))):
                changed.add(c)
            if c not in present:
                continue  # the schema check reports the missing column
            expect = _expected(old, f, sources.get(c), self.decl, t)
            if expect is not None:
                compared.append((c, expect, sources.get(c)))
        if not compared:
            return
        key = _key(old, new, sources, frozenset(changed))
        if key is None:
            select_key, join, matched = "rowid AS _k0", "t.rowid = o._k0", "t.rowid IS NOT NULL"
            key_names = ["rowid"]
        else:
            select_key = ", ".join(f"{quote(oc)} AS _k{i}" for i, (_, oc) in enumerate(key))
            join = " AND ".join(f"t.{quote(nc)} = o._k{i}" for i, (nc, _) in enumerate(key))
            # A matched row has the key's values, so its first column is not NULL.
            matched = f"t.{quote(key[0][0])} IS NOT NULL"
            key_names = [nc for nc, _ in key]
        derived = (f"(SELECT {select_key}, " + ", ".join(f"{e.sql} AS _e{i}" for i, (_, e, _) in enumerate(compared))
                   + f" FROM pre.{quote(old_name)})")
        # LEFT: an old row no new row matches by key is counted, not skipped.
        base = f"FROM {derived} o LEFT JOIN main.{quote(t)} t ON {join}"
        differs = [f"({matched} AND {e.differs(f't.{quote(c)}', f'o._e{i}')})" for i, (c, e, _) in enumerate(compared)]
        whole_key = " AND ".join(f"o._k{i} IS NOT NULL" for i in range(len(key_names)))
        try:
            sums = self.conn.execute(
                f"SELECT total({matched}), total(NOT {matched} AND {whole_key}), "
                + ", ".join(f"total({d})" for d in differs) + f" {base}").fetchone()
        except sqlite3.Error as err:
            self.add("error", t, "values", f"{t}: could not compare values ({err})")
            return
        found, unmatched = int(sums[0] or 0), int(sums[1] or 0)
        label = t if old_name == t else f"{t} (was {old_name})"
        if key is not None and unmatched > max(before - count, 0):
            self.add("error", t, "values",
                     f"{label}: {unmatched - max(before - count, 0)} of {before} rows have no row with the same "
                     f"{', '.join(key_names)} after the migration (the key's values changed)")
        for i, (c, expect, source) in enumerate(compared):
            bad = int(sums[i + 2] or 0)
            was = "" if source is None or source == c else f" (was {source})"
            if c in changed:
                self.add("info", t, "declared", f"{t}.{c}{was}: {bad} of {found} rows changed, as declared "
                                                f"(expect_values_changed)")
                continue
            if not bad:
                continue
            keys = ", ".join(f"o._k{j}" for j in range(len(key_names)))
            samples = self.conn.execute(
                f"SELECT {keys}, o._e{i}, t.{quote(c)} {base} WHERE {differs[i]} LIMIT {_SAMPLES}").fetchall()
            shown = "; ".join(f"{_row_key(key_names, r[:-2])}: expected "
                              f"{'a value, not NULL' if expect.any_value and r[-2] is None else _show(r[-2])}, "
                              f"found {_show(r[-1])}" for r in samples)
            hint = self.declare("--expect-values-changed", f"{t}.{c}")
            if source is None:
                what = "a value (NOT NULL)" if expect.any_value else f"the expected value {expect.sql}"
                self.add("error", t, "new-column", f"{t}.{c}: {bad} rows do not hold {what} ({shown})", hint)
            else:
                self.add("error", t, "values", f"{t}.{c}{was}: {bad} rows changed ({shown})", hint)

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
            if self.decl.rows_removed_expected(new.table_name, old_name) and count <= before:
                self.add("info", new.table_name, "declared", f"{new.table_name}: {before - count} of {before} rows "
                                                             f"removed, as declared (expect_rows_removed)")
            elif self.decl.rows_added_expected(new.table_name, old_name) and count >= before:
                self.add("info", new.table_name, "declared", f"{new.table_name}: {count - before} rows added to "
                                                             f"the {before} it had, as declared (expect_rows_added)")
            elif before != count:
                self.add("error", new.table_name, "row-count",
                         f"{new.table_name}: {before} rows before, {count} after",
                         self.declare("--expect-rows-removed" if count < before else "--expect-rows-added",
                                      new.table_name))

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
    text = "NULL" if value is None else repr(value)  # SQL's word, not Python's None
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

