"""What a live database holds, as the backup sees it.

Each table is either backed up (its rows are user data) or skipped with the
reason: SQLite's own tables, FTS shadow tables (SQLite rebuilds them from the
FTS table), content-synced FTS tables (their text lives in the content table;
restore rebuilds the index), ``room_master_table`` (kept as the identity
hash) and virtual tables of other modules.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Optional

from roomschema.schema.sql import quote

ROOM_MASTER = "room_master_table"
FTS_TRIGGER_PREFIX = "room_fts_content_sync_"
_VIRTUAL = re.compile(r"^\s*CREATE\s+VIRTUAL\s+TABLE\s+.*?\bUSING\s+(\w+)\s*(?:\((.*)\))?\s*$",
                      re.IGNORECASE | re.DOTALL)
_FTS_SHADOW = ("_content", "_segments", "_segdir", "_docsize", "_stat", "_data", "_idx", "_config")
_OPEN = {"'": "'", '"': '"', "`": "`", "[": "]"}


@dataclass
class Table:
    name: str
    sql: str
    kind: str                  # "table" or "fts"
    columns: list              # names, in table order (FTS: with languageid)
    rowid: Optional[str]       # the rowid alias to read and write, or None (WITHOUT ROWID / alias PK)
    order: list                # ORDER BY terms
    indexes: list = field(default_factory=list)
    without_rowid: bool = False

    def select_sql(self) -> str:
        cols = ([self.rowid] if self.rowid else []) + [quote(c) for c in self.columns]
        return f"SELECT {', '.join(cols)} FROM {quote(self.name)} ORDER BY {', '.join(self.order)}"

    def header(self) -> dict:
        return {"name": self.name, "kind": self.kind, "sql": self.sql, "indexes": self.indexes,
                "columns": self.columns, "rowid": self.rowid is not None}


@dataclass
class Inventory:
    tables: list
    skipped: list              # {"name", "reason"}
    views: list                # {"name", "sql"}
    triggers: list             # {"name", "table", "sql"} (not Room's FTS sync triggers)
    sequences: dict            # sqlite_sequence: table -> seq
    user_version: int
    identity_hash: Optional[str]


def split_args(text: str) -> list:
    """Arguments of ``USING fts4(...)``, split on commas outside quotes (Room's parseFtsOptions)."""
    out, depth_close, start = [], None, 0
    for i, ch in enumerate(text):
        if depth_close:
            if ch == depth_close:
                depth_close = None
        elif ch in _OPEN:
            depth_close = _OPEN[ch]
        elif ch == ",":
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [a for a in out if a]


def fts_content(sql: str) -> Optional[str]:
    """The ``content=`` table of an FTS table (``""`` for contentless), None when it has none."""
    m = _VIRTUAL.match(sql)
    for arg in split_args(m.group(2) or "") if m else ():
        key, eq, value = arg.partition("=")
        if eq and key.strip().lower() == "content":
            value = value.strip()
            if value[:1] in _OPEN and value[-1:] == _OPEN[value[0]]:
                value = value[1:-1]
            return value
    return None


def virtual_module(sql: str) -> Optional[str]:
    m = _VIRTUAL.match(sql or "")
    return m.group(1).lower() if m else None


def identity_hash(conn: sqlite3.Connection) -> Optional[str]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (ROOM_MASTER,)).fetchone():
        return None
    row = conn.execute(f"SELECT identity_hash FROM {ROOM_MASTER} WHERE id = 42 LIMIT 1").fetchone()
    return None if row is None else row[0]


def table_list(conn) -> Optional[dict]:
    """``name -> (type, without_rowid)`` from PRAGMA table_list (SQLite 3.37+), else None."""
    try:
        return {r[1]: (r[2], bool(r[4])) for r in conn.execute("PRAGMA main.table_list")}
    except sqlite3.DatabaseError:
        return None


def _shadow_names(listing: Optional[dict], masters: list) -> set:
    if listing is not None:
        return {n for n, (kind, _) in listing.items() if kind == "shadow"}
    # Older SQLite: go by FTS's naming scheme.
    fts = [n for n, _, sql in masters if (virtual_module(sql) or "").startswith("fts")]
    return {n for n, _, _ in masters for f in fts for s in _FTS_SHADOW if n == f + s}


def _without_rowid(listing: Optional[dict], name: str, sql: str) -> bool:
    if listing is not None and name in listing:
        return listing[name][1]
    return bool(re.search(r"\)\s*WITHOUT\s+ROWID\s*(,|$)", sql, re.IGNORECASE))


def _rowid_name(columns: list) -> str:
    taken = {c.lower() for c in columns}
    return next(n for n in ("rowid", "_rowid_", "oid") if n not in taken)


def read_table(conn, listing, name: str, sql: str, module: Optional[str]) -> Table:
    info = conn.execute(f"PRAGMA main.table_xinfo({quote(name)})").fetchall()
    visible = [r[1] for r in info if r[6] == 0]
    if module:
        # FTS4's languageid is hidden but is user data; the table-named column and docid are not.
        hidden = [r[1] for r in info if r[6] == 1 and r[1] not in (name, "docid", "rank")]
        cols = visible + hidden
        rowid = _rowid_name(cols)
        return Table(name, sql, "fts", cols, rowid, [rowid])
    pk = sorted((r for r in info if r[5] > 0), key=lambda r: r[5])
    if _without_rowid(listing, name, sql):
        return Table(name, sql, "table", visible, None, [quote(r[1]) for r in pk], without_rowid=True)
    alias = len(pk) == 1 and pk[0][2].upper() == "INTEGER"
    rowid = _rowid_name(visible)
    return Table(name, sql, "table", visible, None if alias else rowid, [rowid])


def inventory(conn: sqlite3.Connection) -> Inventory:
    masters = conn.execute("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') "
                           "ORDER BY rowid").fetchall()
    listing = table_list(conn)
    shadows = _shadow_names(listing, masters)
    tables, skipped, views = [], [], []
    for name, kind, sql in masters:
        if kind == "view":
            views.append({"name": name, "sql": sql})
            continue
        module = virtual_module(sql)
        if name == "sqlite_sequence":
            skipped.append({"name": name, "reason": "SQLite's AUTOINCREMENT counters; kept as sqliteSequence"})
        elif name.startswith("sqlite_"):
            skipped.append({"name": name, "reason": "SQLite's own table"})
        elif name == ROOM_MASTER:
            skipped.append({"name": name, "reason": "kept as identityHash; restore writes it from the schema"})
        elif name in shadows:
            skipped.append({"name": name, "reason": "FTS shadow table; SQLite rebuilds it from its FTS table"})
        elif module and not module.startswith("fts"):
            skipped.append({"name": name, "reason": f"virtual table of module {module}, not backed up"})
        elif module and fts_content(sql) == "":
            skipped.append({"name": name, "reason": "contentless FTS table: its text cannot be read back"})
        elif module and fts_content(sql):
            skipped.append({"name": name, "reason": f"content-synced FTS of {fts_content(sql)}; "
                                                    f"restore rebuilds it from that table"})
        else:
            tables.append(read_table(conn, listing, name, sql, module))
    by_name = {t.name: t for t in tables}
    for tbl, sql in conn.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                                 "AND sql IS NOT NULL ORDER BY rowid"):
        if tbl in by_name:
            by_name[tbl].indexes.append(sql)
    triggers = [{"name": n, "table": t, "sql": s} for n, t, s in conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid")
        if not n.startswith(FTS_TRIGGER_PREFIX)]
    sequences = {}
    if any(n == "sqlite_sequence" for n, _, _ in masters):
        sequences = {n: s for n, s in conn.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")}
    version = conn.execute("PRAGMA main.user_version").fetchone()[0]
    return Inventory(tables, skipped, views, triggers, sequences, version, identity_hash(conn))
