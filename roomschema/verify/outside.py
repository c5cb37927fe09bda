"""What a migration needs from outside the exported schema, which no verify can build.

A hand-written migration may rely on things Room's JSON does not describe: a virtual table
module the app's own SQLite build loads (``spellfix1`` through an ``openHelperFactory``), or a
table an earlier migration or the app's code made beside Room's entities. Built from the JSON,
the database lacks them, so the statement fails here for a reason that says nothing about the
app's devices. Such a migration is "not verifiable", with the statement and why, never a
failure claim (docs/sqlite-android.md#modules-outside-the-schema). A dropped table counts as
made outside the schema only where the app's sources create it: a misspelt name still fails.
"""
from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from roomschema.migration.sources import Branch, NotVerifiable
from roomschema.migration.steps import Step
from roomschema.schema.model import Schema
from roomschema.schema.sql import NAME, name_in

_QUALIFIED = rf"(?:{NAME}\s*\.\s*)?{NAME}"   # groups 1-4 the schema, 5-8 the table
_CREATE = re.compile(rf"^\s*CREATE\s+(?:TEMP\w*\s+)?(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED}",
                     re.I)
_VIRTUAL = re.compile(rf"^\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED}\s+USING\s+(\w+)",
                      re.I)
_DROP = re.compile(rf"^\s*DROP\s+TABLE\s+(IF\s+EXISTS\s+)?{_QUALIFIED}", re.I)
_RENAME = re.compile(rf"^\s*ALTER\s+TABLE\s+{_QUALIFIED}\s+RENAME\s+TO\s+{NAME}", re.I)
# Every FTS3/4 table has these beside it; a migration may drop one by name.
_FTS_SHADOWS = ("content", "segments", "segdir", "docsize", "stat")


def _name(groups: Sequence) -> str:
    return name_in(groups) or ""


@lru_cache(maxsize=None)
def module_available(module: str) -> bool:
    """Whether this SQLite has the virtual table module (``PRAGMA module_list`` is not always
    compiled in; creating one and reading SQLite's refusal always tells)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f'CREATE VIRTUAL TABLE probe USING "{module}"')
    except sqlite3.Error as err:
        return not str(err).startswith("no such module")
    finally:
        conn.close()
    return True


def _known_tables(schema: Schema) -> set:
    names = {"room_master_table", "sqlite_sequence", "android_metadata"}
    for e in schema.database.entities:
        names.add(e.table_name.lower())
        if e.is_fts:
            names.update(f"{e.table_name.lower()}_{s}" for s in _FTS_SHADOWS)
    names.update(v.view_name.lower() for v in schema.database.views)
    return names


def _flat(steps: Iterable[Step]) -> list:
    """Every statement, both sides of a branch included: a table either side makes is one the
    migration may make, so it is never taken for a table from outside the schema."""
    out: list = []
    for s in steps:
        if isinstance(s, Branch):
            out += _flat(s.then) + _flat(s.otherwise)
        else:
            out.append(s)
    return out


def _unknown_drops(old: Schema, steps: Sequence[Step]) -> list:
    """``(statement number, sql, table)`` of each ``DROP TABLE`` (without IF EXISTS) of a table that
    neither ``old``'s schema nor an earlier statement of the migration has."""
    # Every table the database had or the migration made up to a statement: dropping one of
    # those that is gone by then is the migration's own failure, and is left to run.
    ever = _known_tables(old)
    out = []
    for i, step in enumerate(_flat(steps), 1):
        sql = step.sql
        if (c := _CREATE.match(sql)) is not None:
            ever.add(_name(c.groups()[4:8]).lower())
        elif (r := _RENAME.match(sql)) is not None:
            ever.add(_name(r.groups()[8:12]).lower())
        elif (d := _DROP.match(sql)) is not None:
            table = _name(d.groups()[5:9])
            if d.group(1) is None and table.lower() not in ever:
                out.append((i, sql, table))
    return out


def unknown_tables(old: Schema, steps: Sequence[Step]) -> list:
    """The tables the migration drops that it did not make and ``old`` does not have: a typo, or a
    table made outside Room's schema (``made_elsewhere`` looks for where)."""
    return list(dict.fromkeys(t for _i, _sql, t in _unknown_drops(old, steps)))


def _creates(name: str) -> re.Pattern:
    # In a Kotlin or Java string the name may be quoted with escaped double quotes.
    q = r'(?:\\?"|`|\[)?'
    return re.compile(rf"CREATE\s+(?:TEMP\w*\s+)?(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{q}"
                      rf"{re.escape(name)}{q}(?![\w$])", re.I)


def made_elsewhere(path: Path, tables: Iterable[str], memo: Optional[dict] = None) -> dict:
    """``{table: "File.kt:line"}``: where a file of ``path``'s source tree (for an SQL file: its
    folder's SQL files) creates each of ``tables``. The evidence that a table a migration drops is
    one the app made outside Room's schema, not a misspelt name."""
    from roomschema.kotlin.tree import mentions
    memo = {} if memo is None else memo
    found = {}
    for table in tables:
        if path.suffix == ".sql":
            candidates = sorted(path.parent.glob("*.sql"))
        else:
            candidates = mentions(path, table, memo)
        pattern = _creates(table)
        for candidate in candidates:
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            m = pattern.search(text)
            if m:
                found[table] = f"{candidate.name}:{text.count(chr(10), 0, m.start()) + 1}"
                break
    return found


def made_for(path: Path, old: Schema, steps: Sequence[Step]) -> dict:
    """``made_elsewhere`` for the tables the migration at ``path`` drops that ``old`` lacks."""
    dropped = unknown_tables(old, steps)
    return made_elsewhere(path, dropped) if dropped else {}


def check_outside_schema(old: Schema, steps: Sequence[Step], made: Optional[Mapping[str, str]] = None) -> None:
    """``NotVerifiable`` when a statement needs a module this SQLite lacks, or drops a table that
    neither ``old``'s schema nor the migration has and that ``made`` (``made_elsewhere``) says the
    app creates elsewhere. A table dropped with no such evidence is left to fail: a misspelt name
    fails on every device."""
    for i, step in enumerate(_flat(steps), 1):
        v = _VIRTUAL.match(step.sql)
        if v and not module_available(v.group(9)):
            raise NotVerifiable(
                f"not verifiable: statement {i} ({' '.join(step.sql.split())[:120]}) needs the SQLite module "
                f"{v.group(9)}, which this SQLite does not have and Android's SQLite does not ship: the app's "
                "own SQLite build (an openHelperFactory or driver that loads it) provides it")
    for i, sql, table in _unknown_drops(old, steps):
        where = (made or {}).get(table)
        if where:
            raise NotVerifiable(
                f"not verifiable: statement {i} ({' '.join(sql.split())[:120]}) drops {table!r}, which version "
                f"{old.version}'s exported schema does not have: a table the app makes outside Room's schema "
                f"({where} creates it), which roomschema cannot build; on a device without it this statement throws")
