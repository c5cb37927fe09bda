"""Room's schema validation against a live database, with Room's own messages.

``validate`` compares every entity and view of the schema with the database
as MigrationTestHelper's ``onValidateSchema`` does (docs/room-format.md#validation-rules),
but reports every mismatch instead of stopping at the first. Each
``Mismatch`` carries the exact text Room would throw and a few short lines
saying what differs, because Room's Expected/Found dump is long and unordered
(docs/room-format.md#validation-messages).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, TypeVar

from roomschema.schema.model import Schema
from roomschema.verify.roominfo import (Column, ForeignKey, FtsTableInfo, Index, TableInfo, ViewInfo,
                                        expected_fts_table_info, expected_table_info, expected_view_info,
                                        read_fts_table_info, read_table_info, read_view_info, trim_margin)

PREFIX = "Migration didn't properly handle: "
DROPPED_TABLES_LABEL = ("MigrationTestHelper(validateDroppedTables = true) would fail: {message}; "
                        "the app's Room does not check this at runtime")
_ROOM_OWNED_TABLES = ("room_master_table", "sqlite_sequence", "android_metadata")
_FTS_SHADOW_SUFFIXES = ("_content", "_segdir", "_segments", "_stat", "_docsize")
# FTS5 (Room 3) keeps its index in other shadow tables. Room 3's bundle lists only the FTS3/4
# names, but its MigrationTestHelper does not look for unknown tables at all.
_FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_config", "_content", "_docsize")


@dataclass(frozen=True)
class Mismatch:
    table: str
    kind: str                     # table | fts | view | unexpected-table
    room_message: str             # what the app's generated onValidateSchema throws
    helper_message: str           # what MigrationTestHelper throws for the same failure
    summary: tuple[str, ...] = ()  # short lines for people
    expected: object = field(default=None, compare=False, repr=False)
    found: object = field(default=None, compare=False, repr=False)

    @property
    def runtime(self) -> bool:
        """Whether the app's Room throws it when it opens the database. An unexpected table is only
        MigrationTestHelper's complaint (``validateDroppedTables``): a warning, never a crash."""
        return self.kind != "unexpected-table"

    def to_json(self) -> dict:
        return {"table": self.table, "kind": self.kind, "summary": list(self.summary),
                "room_message": self.room_message, "helper_message": self.helper_message,
                "runtime": self.runtime}


def validate(conn: sqlite3.Connection, schema: Schema, *, database_name: str,
             validate_dropped_tables: bool = True,
             entity_names: Optional[Mapping[str, str]] = None) -> list[Mismatch]:
    """Every difference Room would report between ``schema`` and ``conn``.

    Room prints the entity's class in parentheses; the export does not record
    it, so ``entity_names`` (table -> FQCN) may supply it and ``database_name``
    stands in otherwise.
    """
    names = entity_names or {}
    out: list[Mismatch] = []
    for entity in schema.database.entities:
        t = entity.table_name
        owner = names.get(t, database_name)
        if entity.is_fts:
            found = _mismatch(t, owner, expected_fts_table_info(entity), read_fts_table_info(conn, t),
                              fts_differences)
        else:
            found = _mismatch(t, owner, expected_table_info(entity), read_table_info(conn, t), table_differences)
        if found is not None:
            out.append(found)
    for view in schema.database.views:
        v = view.view_name
        found = _mismatch(v, names.get(v, database_name), expected_view_info(view), read_view_info(conn, v),
                          view_differences)
        if found is not None:
            out.append(found)
    if validate_dropped_tables:
        out += validate_dropped(conn, schema)
    return out


def validate_dropped(conn: sqlite3.Connection, schema: Schema) -> list[Mismatch]:
    """``validateDroppedTables``: a table Room does not know about fails MigrationTestHelper's check."""
    known: set[str] = set()
    for e in schema.database.entities:
        known.add(e.table_name)
        if e.is_fts:
            suffixes = _FTS5_SHADOW_SUFFIXES if getattr(e, "fts_version", "") == "FTS5" else _FTS_SHADOW_SUFFIXES
            known.update(e.table_name + s for s in suffixes)
    out: list[Mismatch] = []
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN (?, ?, ?)",
                        _ROOM_OWNED_TABLES).fetchall()
    for (name,) in rows:
        if name not in known:
            # The generated onValidateSchema never looks for extra tables, so the app opens this
            # database; only a test with validateDroppedTables = true fails on it.
            message = PREFIX + f"Unexpected table {name}"
            out.append(Mismatch(name, "unexpected-table", message, message,
                                (f"{name}: table is not in version {schema.version} (dropped or renamed table left "
                                 f"behind?): {DROPPED_TABLES_LABEL.format(message=message)}",)))
    return out


def room_message(name: str, owner: str, expected: object, found: object) -> str:
    """The generated ``onValidateSchema`` text (TableInfoValidationWriter)."""
    return f"{PREFIX}{name}({owner}).\n Expected:\n{expected}\n Found:\n{found}"


def helper_message(name: str, expected: object, found: object) -> str:
    """MigrationTestHelper's ``MigrateOpenDelegate`` text."""
    head = f" {name.rstrip()}"
    if isinstance(expected, ViewInfo):
        body = (f"{head}\n                        |\n                        |Expected: {expected}"
                f"\n                        |\n                        |Found: {found}\n                        ")
    else:
        body = (f"{head}\n                                |\n                                |Expected:"
                f"\n                                |\n                                |{expected}"
                f"\n                                |\n                                |Found:"
                f"\n                                |\n                                |{found}"
                f"\n                                ")
    return PREFIX + trim_margin(body)


_Info = TypeVar("_Info", TableInfo, FtsTableInfo, ViewInfo)


def _mismatch(name: str, owner: str, expected: _Info, found: _Info,
              differences: Callable[[_Info, _Info], list[str]]) -> Optional[Mismatch]:
    """What Room throws when ``found`` does not match ``expected``; None when it does."""
    if expected == found:
        return None
    return Mismatch(name, expected.kind, room_message(name, owner, expected, found),
                    helper_message(name, expected, found), tuple(differences(expected, found)), expected, found)


# --- short differences for people ---------------------------------------------

def describe_column(c: Column) -> str:
    text = f"{c.type or '(no type)'} {'NOT NULL' if c.not_null else 'NULL'}"
    if c.default_value is not None:
        text += f" DEFAULT {c.default_value}"
    if c.is_primary_key:
        text += " PRIMARY KEY"
    return text


def _describe_fk(fk: ForeignKey) -> str:
    return (f"({', '.join(fk.column_names)}) -> {fk.reference_table}({', '.join(fk.reference_column_names)}) "
            f"ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}")


def _describe_index(i: Index) -> str:
    cols = ", ".join(f"{c} {o}" for c, o in zip(i.columns, i.orders))
    return f"{'UNIQUE ' if i.unique else ''}({cols})"


def table_differences(expected: TableInfo, found: TableInfo) -> list[str]:
    t = expected.name
    if not found.columns:
        return [f"{t}: missing table"]
    lines: list[str] = []
    for name, want in expected.columns.items():
        have = found.columns.get(name)
        if have is None:
            lines.append(f"{t}.{name}: missing column (expected {describe_column(want)})")
        elif want != have:
            lines.append(f"{t}.{name}: expected {describe_column(want)}, found {describe_column(have)}")
    for name, have in found.columns.items():
        if name not in expected.columns:
            lines.append(f"{t}.{name}: unexpected column (found {describe_column(have)})")
    lines += _fk_differences(t, expected.foreign_keys, found.foreign_keys)
    if expected.indices is not None and found.indices is not None:
        lines += _index_differences(t, expected.indices, found.indices)
    return lines


def _fk_differences(t: str, expected: tuple[ForeignKey, ...], found: tuple[ForeignKey, ...]) -> list[str]:
    lines: list[str] = []
    missing = [fk for fk in expected if fk not in found]
    extra = [fk for fk in found if fk not in expected]
    for fk in missing:
        twin = next((x for x in extra if (x.reference_table, x.column_names) == (fk.reference_table, fk.column_names)),
                    None)
        if twin is not None:
            extra.remove(twin)
            lines.append(f"{t}: foreign key {_describe_fk(fk)}: found {_describe_fk(twin)}")
        else:
            lines.append(f"{t}: missing foreign key {_describe_fk(fk)}")
    lines += [f"{t}: unexpected foreign key {_describe_fk(fk)}" for fk in extra]
    return lines


def _index_differences(t: str, expected: tuple[Index, ...], found: tuple[Index, ...]) -> list[str]:
    lines: list[str] = []
    missing = [i for i in expected if i not in found]
    extra = [i for i in found if i not in expected]
    for i in missing:
        twin = next((x for x in extra if x.name == i.name), None) or \
            next((x for x in extra if set(x.columns) == set(i.columns)), None)
        if twin is not None:
            extra.remove(twin)
            name = i.name if twin.name == i.name else f"{i.name} (found as {twin.name})"
            lines.append(f"{t}: index {name}: expected {_describe_index(i)}, found {_describe_index(twin)}")
        else:
            lines.append(f"{t}: missing index {i.name} {_describe_index(i)}")
    lines += [f"{t}: unexpected index {i.name} {_describe_index(i)}" for i in extra]
    return lines


def fts_differences(expected: FtsTableInfo, found: FtsTableInfo) -> list[str]:
    t = expected.name
    if not found.columns and not found.options:
        return [f"{t}: missing FTS table"]
    lines = [f"{t}.{c}: missing column" for c in expected.columns if c not in found.columns]
    lines += [f"{t}.{c}: unexpected column" for c in found.columns if c not in expected.columns]
    lines += [f"{t}: missing FTS option {o}" for o in expected.options if o not in found.options]
    lines += [f"{t}: unexpected FTS option {o}" for o in found.options if o not in expected.options]
    return lines


def view_differences(expected: ViewInfo, found: ViewInfo) -> list[str]:
    v = expected.name
    if found.sql is None:
        return [f"view {v}: missing"]
    a, b = expected.sql or "", found.sql
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return [f"view {v}: text differs at char {n + 1}: expected {_around(a, n)!r}, found {_around(b, n)!r}"]


def _around(text: str, n: int, width: int = 24) -> str:
    start = max(0, n - width // 2)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
