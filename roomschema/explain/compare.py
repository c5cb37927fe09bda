"""What differs between the Expected and Found sides of a ``Migration didn't properly handle``.

The rules are Room's (docs/room-format.md#validation-rules): columns by name; affinity, not the
declared type; NOT NULL; a default only when the schema side has one (SQLite's dropped outer
parentheses forgiven); primary key or not (Room 2.6 and earlier compared the exact position);
foreign keys and indices as sets, an ``index_`` name matching any other ``index_`` name. What the
printed text lost (NOT NULL in Room 2.5-2.6, key and index columns in 2.7+) matches anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from roomschema.explain.parse import (Column, ForeignKey, Fts, Index, Info, LAYOUT_KOTLIN, LAYOUT_MULTILINE,
                                      Table, View)
from roomschema.verify.roominfo import DEFAULT_INDEX_PREFIX, default_value_equals

AFFINITIES = {1: "UNDEFINED", 2: "TEXT", 3: "INTEGER", 4: "REAL", 5: "BLOB"}


@dataclass(frozen=True)
class Difference:
    kind: str           # e.g. "column-missing", "column-not-null", "index-extra", "view-sql"
    subject: str        # the column, index, foreign key or option it is about
    expected: object
    found: object
    message: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "expected": self.expected, "found": self.found,
                "message": self.message}


def differences(expected: Info, found: Info) -> list[Difference]:
    """Everything Room compares that differs, in the order a person reads a table."""
    if expected.kind != found.kind:
        return [Difference("kind", expected.name, expected.kind, found.kind,
                           f"`{expected.name}` is expected to be a {_kind(expected)}, found a {_kind(found)}")]
    if isinstance(expected, Table) and isinstance(found, Table):
        return _tables(expected, found)
    if isinstance(expected, Fts) and isinstance(found, Fts):
        return _fts(expected, found)
    if isinstance(expected, View) and isinstance(found, View):
        return _views(expected, found)
    return []


def equal(expected: Info, found: Info) -> bool:
    return not differences(expected, found)


def hidden(info: Info) -> list[str]:
    """What this layout does not print, so no difference in it can be seen."""
    if info.layout == LAYOUT_KOTLIN and isinstance(info, Table):
        return ["Room 2.5-2.6 prints `notNull=notNull` instead of each column's NOT NULL, so NOT NULL "
                "differences cannot be seen in this text"]
    if info.layout == LAYOUT_MULTILINE:
        return ["Room 2.7+ prints `kotlin.Unit` instead of the columns of foreign keys and indices, so "
                "differences in those columns cannot be seen in this text"]
    return []


def _kind(info: Info) -> str:
    return {"table": "table", "fts": "FTS table", "view": "view"}[info.kind]


# --- tables ---------------------------------------------------------------------------------------

def describe_column(c: Column) -> str:
    parts = [f"`{c.name}`", c.type or (AFFINITIES.get(c.affinity or 0, "?") if c.affinity else "(no type)")]
    if c.not_null is None:
        parts.append("(NOT NULL not printed)")
    elif c.not_null:
        parts.append("NOT NULL")
    if c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    if c.primary_key_position:
        parts.append(f"(primary key #{c.primary_key_position})")
    return " ".join(parts)


def _tables(e: Table, f: Table) -> list[Difference]:
    out: list[Difference] = []
    if e.columns and not f.columns:
        return [Difference("table-missing", e.name, e.name, None,
                           f"table `{e.name}` does not exist in the database (no columns were read)")]
    found_names = {c.name for c in f.columns}
    expected_names = {c.name for c in e.columns}
    for c in e.columns:
        if c.name not in found_names:
            out.append(Difference("column-missing", c.name, describe_column(c), None,
                                  f"missing column {describe_column(c)}"))
    for c in f.columns:
        if c.name not in expected_names:
            out.append(Difference("column-extra", c.name, None, describe_column(c),
                                  f"extra column {describe_column(c)}"))
    for c in e.columns:
        other = f.column(c.name)
        if other is not None:
            out += _column(c, other)
    out += _foreign_keys(e.foreign_keys, f.foreign_keys)
    if e.indices is not None and f.indices is not None:
        out += _indices(e.indices, f.indices)
    return out


def _column(e: Column, f: Column) -> list[Difference]:
    out = []
    n = f"`{e.name}`"
    if e.affinity is not None and f.affinity is not None and e.affinity != f.affinity:
        out.append(Difference("column-type", e.name, e.type, f.type,
                              f"{n}: type {_type(e)} expected, found {_type(f)}"))
    if e.not_null is not None and f.not_null is not None and e.not_null != f.not_null:
        word = {True: "NOT NULL", False: "nullable"}
        out.append(Difference("column-not-null", e.name, e.not_null, f.not_null,
                              f"{n}: {word[e.not_null]} expected, found {word[f.not_null]}"))
    if e.default is not None and not default_value_equals(e.default, f.default):
        found = "no default" if f.default is None else f"DEFAULT {f.default}"
        out.append(Difference("column-default", e.name, e.default, f.default,
                              f"{n}: DEFAULT {e.default} expected, found {found}"))
    ep, fp = e.primary_key_position, f.primary_key_position
    if ep is not None and fp is not None:
        if (ep > 0) != (fp > 0):
            what = {True: "part of the primary key", False: "not in the primary key"}
            out.append(Difference("column-primary-key", e.name, ep, fp,
                                  f"{n}: {what[ep > 0]} expected, found {what[fp > 0]}"))
        elif ep != fp:
            # Room 2.6 and earlier compared the exact position (API 20+); 2.7+ only "in the key or not".
            out.append(Difference("column-primary-key", e.name, ep, fp,
                                  f"{n}: primary-key position {ep} expected, found {fp}"))
    return out


def _type(c: Column) -> str:
    affinity = AFFINITIES.get(c.affinity or 0, str(c.affinity))
    return c.type if c.type and c.type.upper() == affinity else f"{c.type or '(none)'} (affinity {affinity})"


def _same_list(a: Optional[tuple], b: Optional[tuple]) -> bool:
    return a is None or b is None or a == b


def describe_foreign_key(k: ForeignKey) -> str:
    cols = ", ".join(k.columns) if k.columns is not None else "?"
    refs = ", ".join(k.referenced) if k.referenced is not None else "?"
    return f"({cols}) -> {k.table}({refs}) ON DELETE {k.on_delete} ON UPDATE {k.on_update}"


def _fk_equal(a: ForeignKey, b: ForeignKey) -> bool:
    return ((a.table, a.on_delete, a.on_update) == (b.table, b.on_delete, b.on_update)
            and _same_list(a.columns, b.columns) and _same_list(a.referenced, b.referenced))


def _foreign_keys(expected: tuple, found: tuple) -> list[Difference]:
    e_left = [k for k in expected if not any(_fk_equal(k, o) for o in found)]
    f_left = [k for k in found if not any(_fk_equal(o, k) for o in expected)]
    out = []
    for k in list(e_left):
        partner = next((o for o in f_left if o.table == k.table and _same_list(k.columns, o.columns)), None)
        if partner is not None:
            e_left.remove(k)
            f_left.remove(partner)
            out.append(Difference("foreign-key-differs", describe_foreign_key(k), describe_foreign_key(k),
                                  describe_foreign_key(partner),
                                  f"foreign key {describe_foreign_key(k)} expected, found "
                                  f"{describe_foreign_key(partner)}"))
    out += [Difference("foreign-key-missing", describe_foreign_key(k), describe_foreign_key(k), None,
                       f"missing foreign key {describe_foreign_key(k)}") for k in e_left]
    out += [Difference("foreign-key-extra", describe_foreign_key(k), None, describe_foreign_key(k),
                       f"extra foreign key {describe_foreign_key(k)}") for k in f_left]
    return out


def describe_index(i: Index) -> str:
    cols = "?"
    if i.columns is not None:
        orders = i.orders or ()
        cols = ", ".join(c + (" DESC" if k < len(orders) and orders[k] == "DESC" else "")
                         for k, c in enumerate(i.columns))
    return f"{'UNIQUE ' if i.unique else ''}`{i.name}` ({cols})"


def _orders(i: Index) -> Optional[tuple]:
    if i.orders is None:
        return None if i.columns is None else ("ASC",) * len(i.columns)
    return i.orders or (("ASC",) * len(i.columns) if i.columns is not None else None)


def _index_equal(a: Index, b: Index) -> bool:
    if a.unique != b.unique or not _same_list(a.columns, b.columns) or not _same_list(_orders(a), _orders(b)):
        return False
    if a.name.startswith(DEFAULT_INDEX_PREFIX):
        return b.name.startswith(DEFAULT_INDEX_PREFIX) if a.columns is not None and b.columns is not None \
            else a.name == b.name
    return a.name == b.name


def _indices(expected: tuple, found: tuple) -> list[Difference]:
    e_left = [i for i in expected if not any(_index_equal(i, o) for o in found)]
    f_left = [i for i in found if not any(_index_equal(o, i) for o in expected)]
    out = []
    for i in list(e_left):
        partner = next((o for o in f_left if o.name == i.name), None)
        if partner is not None:
            e_left.remove(i)
            f_left.remove(partner)
            out.append(Difference("index-differs", i.name, describe_index(i), describe_index(partner),
                                  f"index {describe_index(i)} expected, found {describe_index(partner)}"))
    out += [Difference("index-missing", i.name, describe_index(i), None, f"missing index {describe_index(i)}")
            for i in e_left]
    out += [Difference("index-extra", i.name, None, describe_index(i), f"extra index {describe_index(i)}")
            for i in f_left]
    return out


# --- FTS tables and views -------------------------------------------------------------------------

def _fts(e: Fts, f: Fts) -> list[Difference]:
    if e.columns and not f.columns:
        return [Difference("table-missing", e.name, e.name, None,
                           f"FTS table `{e.name}` does not exist in the database (no columns were read)")]
    out = [Difference("column-missing", c, c, None, f"missing column `{c}`") for c in e.columns
           if c not in f.columns]
    out += [Difference("column-extra", c, None, c, f"extra column `{c}`") for c in f.columns if c not in e.columns]
    out += [Difference("fts-option-missing", o, o, None, f"missing FTS option {o}") for o in e.options
            if o not in f.options]
    out += [Difference("fts-option-extra", o, None, o, f"extra FTS option {o}") for o in f.options
            if o not in e.options]
    return out


def _views(e: View, f: View) -> list[Difference]:
    if e.sql == f.sql:
        return []
    if f.sql is None:
        return [Difference("view-missing", e.name, e.sql, None, f"view `{e.name}` does not exist in the database")]
    at = next((k for k, (a, b) in enumerate(zip(e.sql or "", f.sql)) if a != b),
              min(len(e.sql or ""), len(f.sql)))
    return [Difference("view-sql", e.name, e.sql, f.sql,
                       f"view `{e.name}`: the SQL differs from character {at + 1} "
                       f"(expected \"…{(e.sql or '')[max(0, at - 10):at + 30]}…\", "
                       f"found \"…{f.sql[max(0, at - 10):at + 30]}…\"); Room compares the CREATE VIEW text exactly")]
