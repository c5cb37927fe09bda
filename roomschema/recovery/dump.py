"""A database file Room created -> the ``N.json`` Room would have exported for it.

SQLite keeps each statement's text in ``sqlite_master`` (minus ``IF NOT
EXISTS``, with the real table name) and answers the rest through PRAGMAs, so
most of the export comes back exactly: columns with their affinity, NOT NULL
and default (the default's text is read from the SQL, because PRAGMA
table_info drops its outer parentheses), the primary key and ``autoGenerate``
(``AUTOINCREMENT``), indices with their declared orders, foreign keys with
their deferral, views, FTS tables with their options and content-sync
triggers, the version (``user_version``) and the identity hash
(``room_master_table``). Every ``createSql`` is written the way Room's
compiler writes it (docs/room-format.md#createsql-text), whatever a migration
left in ``sqlite_master``.

What the file cannot tell (docs/room-format.md#what-the-json-cannot-tell):

* ``fieldPath`` (the Kotlin property): the column name stands in for it.
* Whether an FTS entity declares a ``rowid`` primary key, and whether a
  ``DEFAULT NULL`` is the entity's or a migration's (Room's AutoMigration adds
  nullable columns that way): the variant whose recomputed identity hash
  equals the stored one is chosen.
* Entity order (``@Database(entities=[...])``): the order the tables were
  created in, which is Room's create order (an FTS table after its content
  table) until a migration rebuilds tables.
* Index SQL before Room 2.2 (no ``IF NOT EXISTS``): SQLite stores both forms
  alike, so the current form is written.

Each of these, and anything in the file Room did not create, is reported as a
note rather than guessed silently.
"""
from __future__ import annotations

import itertools
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from roomschema.errors import RoomSchemaError
from roomschema.recovery.dbinfo import (FTS_TRIGGER_PREFIX, ROOM_MASTER, identity_hash as stored_identity_hash,
                                        split_args, table_list, virtual_module)
from roomschema.recovery.sqlite_io import as_error, check_database_file
from roomschema.schema import compose
from roomschema.schema.identity import check as check_identity
from roomschema.schema.model import (AFFINITIES, ROOM_2_6, TABLE_NAME, VIEW_NAME, Database, Entity, Field,
                                     ForeignKey, FtsEntity, FtsOptions, Index, PrimaryKey, Schema, Style, View, replace)
from roomschema.schema.sql import QUOTES, quote, unquote
from roomschema.verify.roominfo import BLOB, INTEGER, REAL, TEXT, find_affinity, read_table_info

FIELD_PATH_NOTE = ("fieldPath is not stored in a database: each field's fieldPath is its column name "
                   "(Room ignores fieldPath when it compares schemas)")
# Tables SQLite or Android create in every database, never an entity.
_NOT_ENTITIES = (ROOM_MASTER, "android_metadata")
_FTS_SHADOW = ("_content", "_segments", "_segdir", "_docsize", "_stat", "_data", "_idx", "_config")
_ROOM_AFFINITY = {TEXT: "TEXT", INTEGER: "INTEGER", REAL: "REAL", BLOB: "BLOB"}
_TABLE_CONSTRAINTS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}
_COLUMN_CONSTRAINTS = _TABLE_CONSTRAINTS - {"FOREIGN"} | {"NOT", "NULL", "DEFAULT", "COLLATE", "REFERENCES",
                                                          "GENERATED", "AS"}
_MAX_CHOICES = 10   # at most 2**10 variants of the FTS tables are hashed


@dataclass(frozen=True)
class Dump:
    """The recovered export and what the database could not tell about it."""

    schema: Schema
    notes: tuple[str, ...] = ()


# --- a small SQL scanner: tokens with their text, so a DEFAULT keeps its exact spelling -------------



@dataclass(frozen=True)
class _Token:
    kind: str     # word, name (a quoted identifier), string, number, group (balanced parentheses), punct
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _skip_space(text: str, i: int) -> int:
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
        else:
            break
    return i


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ord(ch) > 127


def _token_at(text: str, i: int) -> _Token:
    ch = text[i]
    if ch in QUOTES:
        close, j = QUOTES[ch], i + 1
        while j < len(text):
            if text[j] == close:
                if close != "]" and text.startswith(close * 2, j):
                    j += 2
                    continue
                break
            j += 1
        end = min(j + 1, len(text))
        return _Token("string" if ch == "'" else "name", text[i:end], i, end)
    if ch == "(":
        j = _skip_space(text, i + 1)
        while j < len(text) and text[j] != ")":
            j = _skip_space(text, _token_at(text, j).end)
        end = min(j + 1, len(text))
        return _Token("group", text[i:end], i, end)
    if ch.isdigit() or (ch == "." and text[i + 1:i + 2].isdigit()):
        j = i + 1
        while j < len(text) and (_word_char(text[j]) or text[j] == "."
                                 or (text[j] in "+-" and text[j - 1] in "eE" and not text[i:j].lower().startswith("0x"))):
            j += 1
        return _Token("number", text[i:j], i, j)
    if _word_char(ch):
        j = i + 1
        while j < len(text) and _word_char(text[j]):
            j += 1
        return _Token("word", text[i:j], i, j)
    return _Token("punct", ch, i, i + 1)


def _tokens(text: str) -> list[_Token]:
    out, i = [], _skip_space(text, 0)
    while i < len(text):
        tok = _token_at(text, i)
        out.append(tok)
        i = _skip_space(text, tok.end)
    return out


def _split_top(text: str) -> list[str]:
    """The comma-separated items of a parenthesised list's inside, commas in nested parentheses kept."""
    items: list[list[_Token]] = []
    current: list[_Token] = []
    for tok in _tokens(text):
        if tok.kind == "punct" and tok.text == ",":
            items.append(current)
            current = []
        else:
            current.append(tok)
    items.append(current)
    return [text[t[0].start:t[-1].end] for t in items if t]


def _body(sql: str) -> tuple[str, str]:
    """``CREATE TABLE name (body) tail`` -> (body, tail)."""
    for tok in _tokens(sql):
        if tok.kind == "group":
            return tok.text[1:-1], sql[tok.end:].strip()
    return "", ""


def _after_name(sql: str, keyword: str) -> tuple[Optional[_Token], str]:
    """The name token after ``keyword`` (TABLE, INDEX, VIEW, TRIGGER) and the text after it, IF NOT EXISTS skipped."""
    toks = _tokens(sql)
    for i, tok in enumerate(toks):
        if tok.upper == keyword:
            rest = toks[i + 1:]
            if [t.upper for t in rest[:3]] == ["IF", "NOT", "EXISTS"]:
                rest = rest[3:]
            if rest:
                return rest[0], sql[rest[0].end:]
            break
    return None, ""


# --- column definitions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _ColumnDef:
    name: str
    type: str
    not_null: bool = False
    autoincrement: bool = False
    collate: Optional[str] = None
    default: Optional[str] = None
    references: bool = False      # a column-level REFERENCES (a foreign key Room never writes)
    deferred: bool = False


def _deferred(toks: Sequence[_Token]) -> bool:
    words = [t.upper for t in toks]
    return any(words[i:i + 3] == ["DEFERRABLE", "INITIALLY", "DEFERRED"] for i in range(len(words)))


def _column_def(text: str) -> Optional[_ColumnDef]:
    toks = _tokens(text)
    if not toks or toks[0].upper in _TABLE_CONSTRAINTS or toks[0].kind not in ("word", "name", "string"):
        return None
    i = 1
    while i < len(toks) and toks[i].upper not in _COLUMN_CONSTRAINTS:
        i += 1
    type_ = text[toks[1].start:toks[i - 1].end] if i > 1 else ""
    words = [t.upper for t in toks]
    collate = default = None
    for k in range(i, len(toks)):
        if words[k] == "COLLATE" and k + 1 < len(toks):
            collate = toks[k + 1].text
        elif words[k] == "DEFAULT" and k + 1 < len(toks):
            value = toks[k + 1]
            if value.kind == "punct" and value.text in "+-" and k + 2 < len(toks):
                value = toks[k + 2]
            default = text[toks[k + 1].start:value.end]
    not_null = any(words[k:k + 2] == ["NOT", "NULL"] for k in range(i, len(toks)))
    return _ColumnDef(unquote(toks[0].text), type_, not_null, "AUTOINCREMENT" in words[i:], collate, default,
                      "REFERENCES" in words[i:], _deferred(toks[i:]))


def _affinity(type_: str, where: str, notes: list[str]) -> str:
    if type_.upper() in AFFINITIES:
        return type_.upper()
    affinity = _ROOM_AFFINITY.get(find_affinity(type_)) if type_ else None
    if affinity is None:
        notes.append(f"{where} has type {type_!r}, which has none of Room's affinities: written as TEXT")
        return "TEXT"
    return affinity


def column_sql(name: str, affinity: str, *, autoincrement: bool = False, not_null: bool = False,
               collate: Optional[str] = None, default: Optional[str] = None) -> str:
    """One column as Room's ``Property`` writes it: affinity, PRIMARY KEY AUTOINCREMENT, NOT NULL, COLLATE, DEFAULT."""
    sql = f"{quote(name)} {affinity}"
    if autoincrement:
        sql += " PRIMARY KEY AUTOINCREMENT"
    if not_null:
        sql += " NOT NULL"
    if collate:
        sql += f" COLLATE {collate}"
    if default is not None:
        sql += f" DEFAULT {default}"
    return sql


def _names(names: Sequence[str]) -> str:
    return ", ".join(quote(n) for n in names)


# --- tables ---------------------------------------------------------------------------------------

def _rows(conn: sqlite3.Connection, sql: str, *args: object) -> list[dict[str, Any]]:
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _room_head(sql: str, keyword: str, head: str) -> str:
    """``sqlite_master``'s text with Room's head put back: the placeholder name and IF NOT EXISTS."""
    name, rest = _after_name(sql, keyword)
    return head + rest if name is not None else sql


@dataclass(frozen=True)
class _Column:
    name: str
    affinity: str
    autoincrement: bool
    not_null: bool
    collate: Optional[str]
    default: Optional[str]

    @property
    def null_default(self) -> bool:
        """``DEFAULT NULL``: what Room's AutoMigration (and ADD COLUMN by hand) writes for a nullable
        column the export gives no default, and also what ``defaultValue = "NULL"`` exports."""
        return self.default is not None and self.default.upper() == "NULL"


@dataclass(frozen=True)
class _Table:
    """One table as read; ``entity()`` builds it with or without the DEFAULT NULLs the file cannot place."""

    name: str
    columns: tuple[_Column, ...]
    primary_key: PrimaryKey
    foreign_keys: tuple[ForeignKey, ...]
    deferred: tuple[bool, ...]
    tail: str
    indices: tuple[Index, ...]

    def entity(self, without_null_default: frozenset = frozenset()) -> Entity:
        fields, parts = [], []
        for c in self.columns:
            default = None if c.name in without_null_default and c.null_default else c.default
            fields.append(Field(field_path=c.name, column_name=c.name, affinity=c.affinity, not_null=c.not_null,
                                default_value=default))
            parts.append(column_sql(c.name, c.affinity, autoincrement=c.autoincrement, not_null=c.not_null,
                                    collate=c.collate, default=default))
        pk = self.primary_key
        if pk.column_names and not pk.auto_generate:
            parts.append(f"PRIMARY KEY({_names(pk.column_names)})")
        for fk, deferred in zip(self.foreign_keys, self.deferred):
            parts.append(f"FOREIGN KEY({_names(fk.columns)}) REFERENCES {quote(fk.table)}({_names(fk.referenced_columns)})"
                         f" ON UPDATE {fk.on_update} ON DELETE {fk.on_delete} "
                         f"{'DEFERRABLE INITIALLY DEFERRED' if deferred else ''}")
        create_sql = (f"CREATE TABLE IF NOT EXISTS `{TABLE_NAME}` ({', '.join(parts)})"
                      + (f" {self.tail}" if self.tail else ""))
        return Entity(table_name=self.name, create_sql=create_sql, fields=tuple(fields), primary_key=pk,
                      indices=self.indices, foreign_keys=self.foreign_keys)

    @property
    def null_defaults(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.null_default)


def _read_table(conn: sqlite3.Connection, name: str, sql: str, notes: list[str]) -> _Table:
    body, tail = _body(sql)
    defs = {}
    deferred: list[bool] = []      # every foreign key in declaration order
    for item in _split_top(body):
        col = _column_def(item)
        if col is not None:
            defs[col.name] = col
            if col.references:
                deferred.append(col.deferred)
        elif _tokens(item)[0].upper in ("FOREIGN", "CONSTRAINT") and "REFERENCES" in item.upper():
            deferred.append(_deferred(_tokens(item)))
    info = _rows(conn, f"PRAGMA main.table_info({quote(name)})")
    pk = sorted((r for r in info if r["pk"] > 0), key=lambda r: r["pk"])
    pk_names = tuple(r["name"] for r in pk)
    auto = len(pk) == 1 and pk[0]["name"] in defs and defs[pk[0]["name"]].autoincrement
    columns = []
    for r in info:
        col = defs.get(r["name"])
        dflt = None if r["dflt_value"] is None else str(r["dflt_value"])
        # The default as the SQL spells it: PRAGMA table_info drops its outer parentheses.
        default = col.default if col is not None and col.default is not None else dflt
        columns.append(_Column(r["name"], _affinity(r["type"], f"column {name}.{r['name']}", notes),
                               auto and r["name"] == pk_names[0], bool(r["notnull"]),
                               col.collate if col is not None else None, default))
    foreign_keys = []
    # PRAGMA foreign_key_list numbers the keys from the last declared; read_table_info keeps that order.
    for fk in reversed(read_table_info(conn, name).foreign_keys):
        refs = fk.reference_column_names
        if any(c is None for c in refs):
            parent = [r["name"] for r in sorted(_rows(conn, f"PRAGMA main.table_info({quote(fk.reference_table)})"),
                                                key=lambda r: r["pk"]) if r["pk"] > 0]
            refs = tuple(parent) if len(parent) == len(fk.column_names) else tuple(c or "" for c in refs)
            notes.append(f"table {name}: a foreign key to {fk.reference_table} names no parent columns; "
                         f"written as its primary key ({', '.join(refs)})")
        foreign_keys.append(ForeignKey(table=fk.reference_table, on_delete=fk.on_delete, on_update=fk.on_update,
                                       columns=tuple(fk.column_names), referenced_columns=tuple(refs)))
    deferred += [False] * (len(foreign_keys) - len(deferred))
    table = _Table(name, tuple(columns), PrimaryKey(column_names=pk_names, auto_generate=bool(auto)),
                   tuple(foreign_keys), tuple(deferred[:len(foreign_keys)]), tail,
                   tuple(_read_indices(conn, name, notes)))
    if table.entity().create_sql != _room_head(sql, "TABLE", f"CREATE TABLE IF NOT EXISTS `{TABLE_NAME}`"):
        notes.append(f"table {name}: its SQL in the database is not the text Room writes (a migration's own "
                     f"CREATE or ALTER TABLE?); createSql is written as Room writes it")
    return table


def _read_indices(conn: sqlite3.Connection, table: str, notes: list[str]) -> Iterator[Index]:
    listed = {r["name"]: r for r in _rows(conn, f"PRAGMA main.index_list({quote(table)})")}
    for row in _rows(conn, "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL ORDER BY rowid", table):
        name, sql = row["name"], row["sql"]
        meta = listed.get(name, {})
        keys = [r for r in _rows(conn, f"PRAGMA main.index_xinfo({quote(name)})") if r["key"]]
        keys.sort(key=lambda r: r["seqno"])
        if any(r["cid"] < 0 for r in keys):
            notes.append(f"index {name} on {table} indexes an expression, which Room cannot declare: left out")
            continue
        if meta.get("partial"):
            notes.append(f"index {name} on {table} has a WHERE clause, which Room cannot declare: written without it")
        columns = tuple(r["name"] for r in keys)
        _, rest = _after_name(sql, "INDEX")
        listing = next((t for t in _tokens(rest) if t.kind == "group"), None)
        declared = listing is not None and any(
            _tokens(item)[-1].upper in ("ASC", "DESC") for item in _split_top(listing.text[1:-1]))
        orders = tuple("DESC" if r["desc"] else "ASC" for r in keys) if declared else ()
        unique = bool(meta.get("unique"))
        cols = ", ".join(f"{quote(c)} {o}" for c, o in zip(columns, orders)) if orders else _names(columns)
        kind = "CREATE UNIQUE INDEX" if unique else "CREATE INDEX"
        yield Index(name=name, unique=unique, column_names=columns, orders=orders,
                    create_sql=f"{kind} IF NOT EXISTS {quote(name)} ON `{TABLE_NAME}` ({cols})")


# --- FTS tables -----------------------------------------------------------------------------------

_FTS_OPTION_KEYS = ("tokenize", "content", "languageid", "matchinfo", "notindexed", "prefix", "order",
                    "compress", "uncompress", "content_rowid", "columnsize", "detail")


def _option_value(value: str) -> str:
    value = value.strip()
    return unquote(value) if value[:1] in QUOTES else value


def _read_fts(name: str, sql: str, module: str, triggers: Sequence[str], notes: list[str]) -> FtsEntity:
    _, rest = _after_name(sql, "TABLE")
    group = next((t for t in _tokens(rest) if t.kind == "group"), None)
    args = split_args(group.text[1:-1]) if group else []
    version = module.upper()
    fts5 = version == "FTS5"
    fields: list[Field] = []
    tokenizer, tokenizer_args = ("unicode61" if fts5 else "simple"), []
    content = language_id = content_rowid = ""
    match_info, order, detail, column_size = "FTS4", "ASC", "FULL", True
    not_indexed: list[str] = []
    prefixes: list[int] = []
    for arg in args:
        key, eq, value = arg.partition("=")
        key = key.strip().lower()
        if eq and key in _FTS_OPTION_KEYS:
            if key == "tokenize":
                words = [t.text for t in _tokens(value)] if not fts5 else _option_value(value).split()
                if words:
                    tokenizer, tokenizer_args = unquote(words[0]), [unquote(w) for w in words[1:]]
            elif key == "content":
                content = _option_value(value)
            elif key == "languageid":
                language_id = _option_value(value)
            elif key == "matchinfo":
                match_info = _option_value(value).upper()
            elif key == "notindexed":
                not_indexed.append(_option_value(value))
            elif key == "prefix":
                prefixes += [int(p) for p in _option_value(value).replace(" ", ",").split(",") if p.strip().isdigit()]
            elif key == "order":
                order = _option_value(value).upper()
            elif key == "content_rowid":
                content_rowid = _option_value(value)
            elif key == "columnsize":
                column_size = _option_value(value) != "0"
            elif key == "detail":
                detail = _option_value(value).upper()
            continue
        col = _column_def(arg)
        if col is None:
            notes.append(f"FTS table {name}: argument {arg!r} is neither a column nor an option Room writes: ignored")
            continue
        affinity = _affinity(col.type, f"column {name}.{col.name}", notes) if col.type else "TEXT"
        fields.append(Field(field_path=col.name, column_name=col.name, affinity=affinity, not_null=col.not_null,
                            default_value=col.default))
    extra: tuple = ()
    if fts5:
        extra = (("contentRowId", content_rowid), ("columnSize", column_size), ("detail", detail))
    options = FtsOptions(tokenizer=tokenizer, tokenizer_args=tuple(tokenizer_args), content_table=content,
                         language_id_column_name=language_id, match_info=match_info,
                         not_indexed_columns=tuple(not_indexed), prefix_sizes=tuple(prefixes),
                         preferred_order=order, extra=extra)
    create_sql = _room_head(sql, "TABLE", f"CREATE VIRTUAL TABLE IF NOT EXISTS `{TABLE_NAME}`")
    # Room writes the four triggers whenever there is a content table, from the columns alone; a
    # renamed content table leaves SQLite's rewritten text ("name" in double quotes) in the file.
    room_triggers = compose.fts_entity(name, fields, content_table=content).content_sync_triggers if content else ()
    if tuple(triggers) != room_triggers:
        notes.append(f"FTS table {name}: its content-sync triggers in the database are not the ones Room writes "
                     f"for it (changed by a migration?); contentSyncTriggers are written as Room writes them")
    return FtsEntity(table_name=name, create_sql=create_sql, fields=tuple(fields), fts_version=version,
                     fts_options=options, content_sync_triggers=room_triggers,
                     primary_key=PrimaryKey(column_names=(), auto_generate=False))


def _fts_variants(entity: FtsEntity) -> list[FtsEntity]:
    """What the file cannot tell about an FTS entity: a declared ``rowid`` primary key, or none.
    For FTS5, whose columns carry no type, also whether the fields are non-null."""
    with_rowid = PrimaryKey(column_names=("rowid",), auto_generate=True)
    out = [entity, replace(entity, primary_key=with_rowid)]
    if entity.fts_version == "FTS5":
        nn = tuple(replace(f, not_null=True) for f in entity.fields)
        out += [replace(e, fields=nn) for e in list(out)]
    return out


# --- views and the whole file ----------------------------------------------------------------------

def _read_view(name: str, sql: str, notes: list[str]) -> View:
    toks = _tokens(sql)
    name_tok, _ = _after_name(sql, "VIEW")
    i = next((k for k, t in enumerate(toks) if name_tok is not None and t.start == name_tok.start), None)
    if i is not None and i + 1 < len(toks) and toks[i + 1].upper == "AS":
        query = sql[toks[i + 1].end:].strip()
        return View(view_name=name, create_sql=f"CREATE VIEW `{VIEW_NAME}` AS {query}")
    notes.append(f"view {name}: its SQL is not the form Room writes (a column list?): kept as the database has it")
    rest = sql[name_tok.end:] if name_tok is not None else sql
    return View(view_name=name, create_sql=f"CREATE VIEW `{VIEW_NAME}`{rest}")


def _shadow_tables(conn: sqlite3.Connection, masters: list[dict]) -> set[str]:
    listing = table_list(conn)
    if listing is not None:
        return {n for n, (kind, _) in listing.items() if kind == "shadow"}
    fts = [m["name"] for m in masters if (virtual_module(m["sql"] or "") or "").startswith("fts")]
    return {m["name"] for m in masters for f in fts for s in _FTS_SHADOW if m["name"] == f + s}


_SYNC_TRIGGERS = ("_BEFORE_UPDATE", "_BEFORE_DELETE", "_AFTER_UPDATE", "_AFTER_INSERT")


def _sync_trigger_table(trigger: str) -> Optional[str]:
    """The FTS table of one of Room's content-sync triggers (``room_fts_content_sync_<fts>_AFTER_INSERT``)."""
    if not trigger.startswith(FTS_TRIGGER_PREFIX):
        return None
    for suffix in _SYNC_TRIGGERS:
        if trigger.endswith(suffix):
            return trigger[len(FTS_TRIGGER_PREFIX):-len(suffix)] or None
    return None


def setup_queries(identity: str) -> tuple[str, str]:
    """``RoomMasterTable``'s two statements, as every Room 2.x export has them."""
    return ("CREATE TABLE IF NOT EXISTS room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
            f"INSERT OR REPLACE INTO room_master_table (id,identity_hash) VALUES(42, '{identity}')")


def read_database(conn: sqlite3.Connection, *, file: object = None, style: Style = ROOM_2_6) -> Dump:
    """The export of the Room database open on ``conn``; a database Room did not create is an error."""
    if not conn.execute("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?",
                        (ROOM_MASTER,)).fetchone():
        raise RoomSchemaError(f"not a database Room created (it has no {ROOM_MASTER})", file=file)
    stored = stored_identity_hash(conn)
    if not stored:
        raise RoomSchemaError(f"{ROOM_MASTER} holds no identity hash (row 42): Room never finished creating "
                              f"this database", file=file)
    version = conn.execute("PRAGMA main.user_version").fetchone()[0]
    notes: list[str] = [FIELD_PATH_NOTE]
    masters = _rows(conn, "SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY rowid")
    shadows = _shadow_tables(conn, masters)
    triggers: dict[str, list[str]] = {}
    for m in masters:
        if m["type"] == "trigger":
            fts = _sync_trigger_table(m["name"])
            if fts is not None and any(t["type"] == "table" and t["name"] == fts for t in masters):
                triggers.setdefault(fts, []).append(
                    _room_head(m["sql"], "TRIGGER", f"CREATE TRIGGER IF NOT EXISTS {m['name']}"))
                continue
            notes.append(f"trigger {m['name']} is not one Room writes: not part of the export")
    tables: list[Union[_Table, FtsEntity]] = []
    views: list[View] = []
    for m in masters:
        name, sql = m["name"], m["sql"] or ""
        if m["type"] == "view":
            views.append(_read_view(name, sql, notes))
            continue
        if m["type"] != "table" or name.startswith("sqlite_") or name in _NOT_ENTITIES or name in shadows:
            continue
        module = virtual_module(sql)
        if module is None:
            tables.append(_read_table(conn, name, sql, notes))
        elif module in ("fts3", "fts4", "fts5"):
            tables.append(_read_fts(name, sql, module, triggers.get(name, ()), notes))
        else:
            notes.append(f"table {name} is a virtual table of module {module}, which Room cannot declare: left out")
    base = Database(version=version, identity_hash=stored, views=tuple(views), setup_queries=setup_queries(stored))
    database = _resolve(base, tables, style, notes)
    return Dump(Schema(database=database, style=style, path=file), tuple(notes))


def _null_default_choices(columns: Sequence[tuple[str, str]]) -> Iterator[frozenset]:
    """Which DEFAULT NULLs to leave out: all (a migration wrote them), none, then every mix while few."""
    every = frozenset(columns)
    yield every
    if every:
        yield frozenset()
    if 1 < len(every) <= _MAX_CHOICES // 2:
        for n in range(1, len(every)):
            for kept in itertools.combinations(sorted(every), n):
                yield every - frozenset(kept)


def _resolve(base: Database, tables: Sequence[Union[_Table, FtsEntity]], style: Style,
             notes: list[str]) -> Database:
    """Settle what the file cannot tell by the identity hash Room stored in it.

    Two things are open: whether an FTS entity declares a ``rowid`` primary key,
    and whether a ``DEFAULT NULL`` is the entity's (``defaultValue = "NULL"``) or
    a migration's (Room's AutoMigration adds nullable columns that way). The
    first variant whose recomputed hash is the stored one wins; without one, no
    rowid key and no DEFAULT NULL (the common case) and a note.
    """
    fts = [(i, _fts_variants(t)) for i, t in enumerate(tables) if isinstance(t, FtsEntity)]
    nulls = [(t.name, c) for t in tables if isinstance(t, _Table) for c in t.null_defaults]
    count = 1
    for _, variants in fts:
        count *= len(variants)
    fts_picks: list[tuple] = (list(itertools.product(*(range(len(v)) for _, v in fts))) if count <= 2 ** _MAX_CHOICES
                              else [(0,) * len(fts)])

    def build(dropped: frozenset, combo: tuple) -> Database:
        entities: list[Entity] = []
        for t in tables:
            if isinstance(t, _Table):
                entities.append(t.entity(frozenset(c for n, c in dropped if n == t.name)))
            else:
                entities.append(t)
        for (i, variants), pick in zip(fts, combo):
            entities[i] = variants[pick]
        return replace(base, entities=tuple(entities))

    for dropped in _null_default_choices(nulls):
        for combo in fts_picks:
            trial = build(dropped, combo)
            if check_identity(Schema(database=trial, style=style)).matches:
                return trial
    first = build(frozenset(nulls), fts_picks[0])
    result = check_identity(Schema(database=first, style=style))
    why = (f"; {result.note}" if result.note else
           "; the database differs from the schema that hash was made for (a migration's result?)")
    notes.append(f"the identity hash stored in the file ({result.stored}) is not the one this schema hashes to "
                 f"({result.computed}){why}")
    if nulls:
        notes.append(f"DEFAULT NULL of {', '.join(f'{t}.{c}' for t, c in nulls)} is taken as a migration's "
                     f"(the export has no default), which the identity hash could not confirm")
    if fts:
        names = ", ".join(t.table_name for t in tables if isinstance(t, FtsEntity))
        notes.append(f"FTS table {names}: whether it declares a rowid primary key could not be told from the "
                     f"identity hash: written without one")
    return first


# --- the file -------------------------------------------------------------------------------------

def _open(path: Path) -> sqlite3.Connection:
    """Read-only, and leaving no file behind: without a -wal or -journal there is nothing but the file
    to read, and ``immutable`` stops SQLite creating the -wal and -shm a read-only WAL reader would leave."""
    uri = path.resolve().as_uri()
    side = any(Path(str(path) + s).exists() for s in ("-wal", "-journal"))
    return sqlite3.connect(f"{uri}?mode=ro" + ("" if side else "&immutable=1"), uri=True, isolation_level=None)


def dump(path: Union[str, os.PathLike], *, style: Style = ROOM_2_6) -> Dump:
    """Recover the export of the Room database file ``path``, opened read-only."""
    p = check_database_file(Path(path))
    try:
        conn = _open(p)
    except sqlite3.Error as err:
        raise as_error(err, p, "opening the database") from None
    try:
        return read_database(conn, file=p, style=style)
    except sqlite3.Error as err:
        raise as_error(err, p, "reading the schema") from None
    finally:
        conn.close()


__all__ = ["Dump", "FIELD_PATH_NOTE", "column_sql", "dump", "read_database", "setup_queries", "unquote"]
