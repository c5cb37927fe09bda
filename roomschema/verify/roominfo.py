"""Room's runtime schema classes: TableInfo, FtsTableInfo, ViewInfo.

Read from a live database exactly as ``SchemaInfoUtil.kt`` does
(docs/room-format.md#reading-the-database), built from the JSON as room-testing's ``BundleUtil``
does, and compared and printed with the rules of ``TableInfo.kt``
(docs/room-format.md#validation-rules and #validation-messages).
The ``__str__`` methods reproduce Room 2.7+'s text byte for byte, quirks
included, because people paste it into searches and compare it with logcat.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence, TypeVar

from roomschema.schema.model import Entity, View
from roomschema.schema.sql import quote

UNDEFINED, TEXT, INTEGER, REAL, BLOB = 1, 2, 3, 4, 5
CREATED_FROM_UNKNOWN, CREATED_FROM_ENTITY, CREATED_FROM_DATABASE = 0, 1, 2
DEFAULT_INDEX_PREFIX = "index_"
_T = TypeVar("_T")
FTS_OPTIONS = ("tokenize=", "compress=", "content=", "languageid=", "matchinfo=",
               "notindexed=", "order=", "prefix=", "uncompress=")


# --- Kotlin string helpers, so the text matches Room's to the byte ----------

_LINES = re.compile(r"\r\n|\n|\r")


def _blank(s: str) -> bool:
    return all(ch.isspace() for ch in s)


def _lines(text: str) -> list[str]:
    """Kotlin's ``lines()``: only CRLF, LF and CR end a line."""
    return _LINES.split(text)


def trim_margin(text: str) -> str:
    """Kotlin ``String.trimMargin()`` (applied after interpolation, as in Room)."""
    lines = _lines(text)
    out = []
    for i, line in enumerate(lines):
        if i in (0, len(lines) - 1) and _blank(line):
            continue
        first = next((k for k, ch in enumerate(line) if not ch.isspace()), -1)
        if first != -1 and line.startswith("|", first):
            out.append(line[first + 1:])
        else:
            out.append(line)
    return "\n".join(out)


def prepend_indent(text: str, indent: str = "    ") -> str:
    """Kotlin ``String.prependIndent()``: blank lines shorter than the indent become it."""
    lines = _lines(text)
    return "\n".join((indent if len(l) < len(indent) else l) if _blank(l) else indent + l for l in lines)


def _format_collection(items: Sequence[_T]) -> str:
    """Room's ``formatString``."""
    if not items:
        return " }"
    return prepend_indent("\n" + ",\n".join(str(i) for i in items) + "\n") + "},"


def _kotlin_set(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


# --- affinity and defaults ---------------------------------------------------

def find_affinity(type_: Optional[str]) -> int:
    if type_ is None:
        return BLOB
    t = type_.upper()
    if "INT" in t:
        return INTEGER
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return TEXT
    if "BLOB" in t:
        return BLOB
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return REAL
    return UNDEFINED


def _surrounded_by_parentheses(value: str) -> bool:
    if not value or value[0] != "(":
        return False
    depth = 0
    for i, ch in enumerate(value):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(value) - 1:
                return False
    return depth == 0


def default_value_equals(current: str, other: Optional[str]) -> bool:
    """SQLite drops the outer parentheses of a default; Room forgives that."""
    if current == other:
        return True
    if _surrounded_by_parentheses(current):
        return current[1:-1].strip() == other
    return False


# --- the classes -------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Column:
    name: str
    type: str
    not_null: bool
    primary_key_position: int
    default_value: Optional[str]
    created_from: int = CREATED_FROM_UNKNOWN

    @property
    def affinity(self) -> int:
        return find_affinity(self.type)

    @property
    def is_primary_key(self) -> bool:
        return self.primary_key_position > 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Column):
            return NotImplemented
        if self.is_primary_key != other.is_primary_key or self.name != other.name:
            return False
        if self.not_null != other.not_null:
            return False
        # An entity without a default says nothing about the database's (b/136019383).
        if (self.created_from == CREATED_FROM_ENTITY and other.created_from == CREATED_FROM_DATABASE
                and self.default_value is not None
                and not default_value_equals(self.default_value, other.default_value)):
            return False
        if (self.created_from == CREATED_FROM_DATABASE and other.created_from == CREATED_FROM_ENTITY
                and other.default_value is not None
                and not default_value_equals(other.default_value, self.default_value)):
            return False
        if (self.created_from != CREATED_FROM_UNKNOWN and self.created_from == other.created_from
                and (not default_value_equals(self.default_value, other.default_value)
                     if self.default_value is not None else other.default_value is not None)):
            return False
        return self.affinity == other.affinity

    def __hash__(self) -> int:
        return hash((self.name, self.affinity, self.not_null, self.primary_key_position))

    def __str__(self) -> str:
        dv = "undefined" if self.default_value is None else self.default_value
        return prepend_indent(trim_margin(
            "\n            |Column {"
            f"\n            |   name = '{self.name}',"
            f"\n            |   type = '{self.type}',"
            f"\n            |   affinity = '{self.affinity}',"
            f"\n            |   notNull = '{str(self.not_null).lower()}',"
            f"\n            |   primaryKeyPosition = '{self.primary_key_position}',"
            f"\n            |   defaultValue = '{dv}'"
            "\n            |}"
            "\n        "))


@dataclass(frozen=True)
class ForeignKey:
    reference_table: str
    on_delete: str
    on_update: str
    column_names: tuple[str, ...]
    reference_column_names: tuple[str, ...]

    def __str__(self) -> str:
        # Room's join helpers return Unit, so the column lists print as kotlin.Unit.
        return prepend_indent(trim_margin(
            "\n            |ForeignKey {"
            f"\n            |   referenceTable = '{self.reference_table}',"
            f"\n            |   onDelete = '{self.on_delete}',"
            f"\n            |   onUpdate = '{self.on_update}',"
            "\n            |   columnNames = {kotlin.Unit"
            "\n            |   referenceColumnNames = {kotlin.Unit"
            "\n            |}"
            "\n        "))


@dataclass(frozen=True, eq=False)
class Index:
    name: str
    unique: bool
    columns: tuple[str, ...]
    orders: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.orders:
            object.__setattr__(self, "orders", ("ASC",) * len(self.columns))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Index):
            return NotImplemented
        if (self.unique, self.columns, self.orders) != (other.unique, other.columns, other.orders):
            return False
        if self.name.startswith(DEFAULT_INDEX_PREFIX):
            return other.name.startswith(DEFAULT_INDEX_PREFIX)
        return self.name == other.name

    def __hash__(self) -> int:
        key = DEFAULT_INDEX_PREFIX if self.name.startswith(DEFAULT_INDEX_PREFIX) else self.name
        return hash((key, self.unique, self.columns, self.orders))

    def __str__(self) -> str:
        return prepend_indent(trim_margin(
            "\n            |Index {"
            f"\n            |   name = '{self.name}',"
            f"\n            |   unique = '{str(self.unique).lower()}',"
            "\n            |   columns = {kotlin.Unit"
            "\n            |   orders = {kotlin.Unit"
            "\n            |}"
            "\n        "))


def _ordered_set(items: Iterable[_T]) -> tuple[_T, ...]:
    """Kotlin's ``toSet()``/``buildSet``: insertion order, equal items kept once."""
    out: list[_T] = []
    for item in items:
        if item not in out:
            out.append(item)
    return tuple(out)


def _set_equal(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x in b for x in a)


@dataclass(frozen=True, eq=False)
class TableInfo:
    name: str
    columns: dict[str, Column]
    foreign_keys: tuple[ForeignKey, ...]
    indices: Optional[tuple[Index, ...]]   # None: could not be read

    kind = "table"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TableInfo):
            return NotImplemented
        if self.name != other.name:
            return False
        if self.columns.keys() != other.columns.keys():
            return False
        if any(self.columns[k] != other.columns[k] for k in self.columns):
            return False
        if not _set_equal(self.foreign_keys, other.foreign_keys):
            return False
        if self.indices is None or other.indices is None:
            return True  # Room skips what it could not read
        return _set_equal(self.indices, other.indices)

    def __str__(self) -> str:
        columns = _format_collection(sorted(self.columns.values(), key=lambda c: c.name))
        fks = _format_collection(list(self.foreign_keys))
        indices = _format_collection(sorted(self.indices or (), key=lambda i: i.name))
        return trim_margin(
            "\n            |TableInfo {"
            f"\n            |    name = '{self.name}',"
            f"\n            |    columns = {{{columns}"
            f"\n            |    foreignKeys = {{{fks}"
            f"\n            |    indices = {{{indices}"
            "\n            |}"
            "\n        ")


# eq=False with an __eq__ of its own leaves the class unhashable, as Python does for
# any class defining __eq__; dataclass's eq would add a field hash that disagrees
# with comparing as sets.
@dataclass(frozen=True, eq=False)
class FtsTableInfo:
    name: str
    columns: tuple[str, ...]   # an ordered set
    options: tuple[str, ...]   # an ordered set

    kind = "fts"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FtsTableInfo):
            return NotImplemented
        return (self.name == other.name and set(self.columns) == set(other.columns)
                and set(self.options) == set(other.options))

    def __str__(self) -> str:
        # The stray quote before the closing brace is Room's.
        return (f"FtsTableInfo{{name='{self.name}', columns={_kotlin_set(self.columns)}, "
                f"options={_kotlin_set(self.options)}'}}")


@dataclass(frozen=True)
class ViewInfo:
    name: str
    sql: Optional[str]

    kind = "view"

    def __str__(self) -> str:
        sql = "null" if self.sql is None else self.sql  # Kotlin prints a null as "null"
        return f"ViewInfo{{name='{self.name}', sql='{sql}'}}"


# --- parsing FTS options -----------------------------------------------------

def _trim_control(s: str) -> str:
    """Kotlin ``trim { it <= ' ' }``."""
    start, end = 0, len(s)
    while start < end and s[start] <= " ":
        start += 1
    while end > start and s[end - 1] <= " ":
        end -= 1
    return s[start:end]


def parse_fts_options(create_statement: str) -> tuple[str, ...]:
    """``parseFtsOptions``: module arguments that are options, as an ordered set."""
    if not create_statement:
        return ()
    args_string = create_statement[create_statement.find("(") + 1:create_statement.rfind(")")]
    args: list[str] = []
    stack: list[str] = []   # open quotes and brackets, innermost first
    last = -1
    for i, ch in enumerate(args_string):
        if ch in "'\"`":
            if not stack:
                stack.insert(0, ch)
            elif stack[0] == ch:
                stack.pop()
        elif ch == "[":
            if not stack:
                stack.insert(0, ch)
        elif ch == "]":
            if stack and stack[0] == "[":
                stack.pop()
        elif ch == "," and not stack:
            args.append(_trim_control(args_string[last + 1:i]))
            last = i
    args.append(args_string[last + 1:].strip())
    return _ordered_set(a for a in args if any(a.startswith(o) for o in FTS_OPTIONS))


# --- reading the database (SchemaInfoUtil) ------------------------------------

def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    cur = conn.execute(sql)
    names = [d[0] for d in cur.description] if cur.description else []
    return [dict(zip(names, r)) for r in cur.fetchall()]


def read_table_info(conn: sqlite3.Connection, table: str) -> TableInfo:
    columns: dict[str, Column] = {}
    for r in _rows(conn, f"PRAGMA table_info({quote(table)})"):
        columns[r["name"]] = Column(r["name"], r["type"], r["notnull"] != 0, int(r["pk"]),
                                    None if r["dflt_value"] is None else str(r["dflt_value"]),
                                    CREATED_FROM_DATABASE)
    fk_rows = _rows(conn, f"PRAGMA foreign_key_list({quote(table)})")
    ordered = sorted(fk_rows, key=lambda r: (r["id"], r["seq"]))
    fks = []
    for r in fk_rows:
        if r["seq"] != 0:
            continue
        mine = [k for k in ordered if k["id"] == r["id"]]
        fks.append(ForeignKey(r["table"], r["on_delete"], r["on_update"],
                              tuple(k["from"] for k in mine), tuple(k["to"] for k in mine)))
    return TableInfo(table, columns, _ordered_set(fks), _read_indices(conn, table))


def _read_indices(conn: sqlite3.Connection, table: str) -> Optional[tuple[Index, ...]]:
    out: list[Index] = []
    for r in _rows(conn, f"PRAGMA index_list({quote(table)})"):
        if r.get("origin") != "c":
            continue  # PRIMARY KEY and UNIQUE autoindexes are not Room's indices
        info = [x for x in _rows(conn, f"PRAGMA index_xinfo({quote(r['name'])})") if x["cid"] >= 0]
        info.sort(key=lambda x: x["seqno"])
        out.append(Index(r["name"], r["unique"] == 1, tuple(x["name"] for x in info),
                         tuple("DESC" if x["desc"] > 0 else "ASC" for x in info)))
    return _ordered_set(out)


def read_fts_table_info(conn: sqlite3.Connection, table: str) -> FtsTableInfo:
    columns = _ordered_set(r["name"] for r in _rows(conn, f"PRAGMA table_info({quote(table)})"))
    row = conn.execute("SELECT sql FROM sqlite_master WHERE `name` = ?", (table,)).fetchone()
    return FtsTableInfo(table, columns, parse_fts_options(row[0] if row and row[0] else ""))


def read_view_info(conn: sqlite3.Connection, view: str) -> ViewInfo:
    row = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view' AND name = ?",
                       (view,)).fetchone()
    return ViewInfo(row[0], row[1]) if row else ViewInfo(view, None)


# --- the expected side (room-testing BundleUtil) -------------------------------

def _pk_position(entity: Entity, column: str) -> int:
    for i, name in enumerate(entity.primary_key.column_names):
        if _equals_ignore_case(name, column):
            return i + 1
    return 0


def _equals_ignore_case(a: str, b: str) -> bool:
    """Kotlin ``equals(ignoreCase = true)``: char by char, upper or lower case."""
    return len(a) == len(b) and all(x == y or x.upper() == y.upper() or x.lower() == y.lower()
                                    for x, y in zip(a, b))


def expected_table_info(entity: Entity) -> TableInfo:
    columns = {f.column_name: Column(f.column_name, f.affinity, f.not_null, _pk_position(entity, f.column_name),
                                     f.default_value, CREATED_FROM_ENTITY) for f in entity.fields}
    fks = _ordered_set(ForeignKey(fk.table, fk.on_delete, fk.on_update, tuple(fk.columns),
                                  tuple(fk.referenced_columns)) for fk in entity.foreign_keys)
    indices = _ordered_set(Index(i.name, i.unique, tuple(i.column_names or ()), tuple(i.orders or ()))
                           for i in entity.indices)
    return TableInfo(entity.table_name, columns, fks, indices)


def expected_fts_table_info(entity: Entity) -> FtsTableInfo:
    return FtsTableInfo(entity.table_name, _ordered_set(f.column_name for f in entity.fields),
                        parse_fts_options(entity.create_sql))


def expected_view_info(view: View) -> ViewInfo:
    return ViewInfo(view.view_name, view.create_view_sql())
