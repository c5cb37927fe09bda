"""A migration file -> the statements Room would run, one ``Step`` each.

``migration_steps`` reads either kind a project keeps: a SQL file, or one ``Migration``
of a Kotlin file (its ``execSQL`` strings, as ``roomschema.kotlin`` extracts them).

SQLite decides where a statement ends (``sqlite3.complete_statement``), so a
``;`` inside a string, a comment or a trigger body never splits a statement.
The comment lines right above a statement become its ``why``, which is how
``generate`` writes them. ``BEGIN``/``COMMIT`` are dropped: Room already runs
a migration inside one transaction, and a nested BEGIN would fail there.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

from roomschema.errors import RoomSchemaError
from roomschema.migration.steps import Step
from roomschema.schema.sql import unquote

_FK_CHECK = re.compile(r"^PRAGMA\s+(?:main\s*\.\s*)?foreign_key_check\s*(?:\(\s*(?P<table>.+?)\s*\))?\s*$",
                       re.IGNORECASE | re.DOTALL)
_TRANSACTION = re.compile(r"^(BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?|"
                          r"(COMMIT|END)(\s+TRANSACTION)?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    sql: str       # without the final ';' or the leading comments
    line: int      # 1-based line where the SQL starts
    why: str = ""  # the comment lines right above it


def _leading_comments(text: str) -> tuple:
    """``(comments, rest, lines skipped)`` for the comment block that opens ``text``."""
    comments: list[str] = []
    pos = 0
    while True:
        end = len(text) - len(text[pos:].lstrip())
        if comments and text.count("\n", pos, end) > 1:
            comments.append("")  # a blank line ends a comment paragraph
        pos = end
        if text.startswith("--", pos):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            comments.append(text[pos + 2:end].strip())
            pos = end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            if end < 0:
                return comments, "", text.count("\n")
            comments.append(" ".join(text[pos + 2:end].split()))
            pos = end + 2
        else:
            return comments, text[pos:], text.count("\n", 0, pos)


def _statement(chunk: str, first_line: int) -> Statement | None:
    comments, body, skipped = _leading_comments(chunk)
    body = body.rstrip()
    if body.endswith(";"):
        body = body[:-1].rstrip()
    if not body:
        return None
    # Only the comment paragraph touching the statement explains it.
    why: list[str] = []
    for c in reversed(comments):
        if not c:
            break
        why.insert(0, c)
    return Statement(body, first_line + skipped, " ".join(why))


def split_statements(text: str, file=None) -> list:
    """Every statement of ``text`` in order; an unterminated one is an error."""
    out, start, line = [], 0, 1
    for pos, ch in enumerate(text):
        if ch != ";":
            continue
        chunk = text[start:pos + 1]
        if sqlite3.complete_statement(chunk):
            stmt = _statement(chunk, line)
            if stmt is not None:
                out.append(stmt)
            line += chunk.count("\n")
            start = pos + 1
    rest = text[start:]
    stmt = _statement(rest, line)
    if stmt is not None:
        # A last statement without its ';' is fine; an open string or trigger is not.
        if not sqlite3.complete_statement(stmt.sql + ";"):
            raise RoomSchemaError(f"line {stmt.line}: statement never ends (an unclosed quote, comment or "
                                  f"CREATE TRIGGER without END?)", file=file)
        out.append(stmt)
    return out


def to_step(stmt: Statement) -> Step:
    m = _FK_CHECK.match(stmt.sql)
    if m:
        table = unquote(m.group("table")) if m.group("table") else None
        return Step(stmt.sql, "foreign_key_check", table, stmt.why)
    return Step(stmt.sql, why=stmt.why)


@dataclass(frozen=True)
class Branch(Step):
    """A branch of a hand-written migration decided by the database being migrated (``if the column
    is not there yet, add it``): the runner asks ``guard`` (a ``kotlin.Guard``) at this point of the
    migration and runs ``then`` or ``otherwise``. ``sql`` describes it and every statement of both
    sides, so two migrations with the same statements have the same text."""

    guard: Any = None
    then: tuple = ()
    otherwise: tuple = ()

    def chosen(self, conn) -> tuple:
        from roomschema.kotlin import GuardError
        try:
            return self.then if self.guard.holds(conn) else self.otherwise
        except GuardError as err:
            raise NotVerifiable(f"not verifiable: {err}") from None


def steps_from_kotlin(statements) -> tuple:
    """The Steps of an extracted ``Migration``'s verifiable statements (``kotlin.ExtractedStatement``)."""
    out: list = []
    for s in statements:
        if s.guard is not None:
            then, otherwise = steps_from_kotlin(s.then), steps_from_kotlin(s.otherwise)
            text = "\n".join([s.sql, "-- then:"] + [t.sql for t in then] + ["-- else:"] + [t.sql for t in otherwise])
            out.append(Branch(text, "branch", guard=s.guard, then=then, otherwise=otherwise))
        elif s.sql is not None:
            out.append(to_step(Statement(s.sql, s.line)))
    return tuple(out)


def steps_from_sql(text: str, file=None) -> tuple:
    """The Steps a migration SQL file stands for (transaction control left out)."""
    return tuple(to_step(s) for s in split_statements(text, file) if not _TRANSACTION.match(s.sql))


def read_steps(path) -> tuple:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RoomSchemaError(f"not UTF-8 text (byte at offset {err.start})", file=path) from None
    except OSError as err:
        raise RoomSchemaError(err.strerror or str(err), file=path) from None
    return steps_from_sql(text.lstrip("\ufeff"), path)


class KotlinUnreadable(RoomSchemaError):
    """A Kotlin file the extractor cannot read; the message is its ``FILE:LINE: what is wrong``."""


class MigrationNotFound(RoomSchemaError):
    """A Kotlin file without exactly one ``Migration(start, end)``: ``matching`` are those it has,
    ``declared`` every migration it declares, ``unreadable`` those whose versions cannot be told
    (``kotlin.UnreadableMigration``: line and why)."""

    def __init__(self, path: Path, start: int, end: int, matching: list, declared: list, unreadable=()):
        self.matching, self.declared, self.unreadable = matching, declared, list(unreadable)
        super().__init__(f"{len(matching) or 'no'} Migration({start}, {end}) in {path.name}")


class NotVerifiable(RoomSchemaError):
    """What a migration runs depends on the app at run time (rows read through a cursor, a value
    only the app knows), so no static replay can judge it: "not verifiable", never a failure."""


class UnverifiableMigration(NotVerifiable):
    """A Kotlin ``Migration`` running SQL that is not a constant; ``statements`` are those calls."""

    def __init__(self, path: Path, migration):
        from roomschema.kotlin import unverifiable, unverifiable_messages
        self.statements = unverifiable(migration)
        super().__init__("; ".join(unverifiable_messages([migration], path.name)))


def migration_steps(kind: Literal["sql", "kotlin"], path, start: int, end: int, *,
                    line: Optional[int] = None, names: Optional[set] = None) -> tuple:
    """The Steps a migration file runs from ``start`` to ``end``.

    ``sql``: every statement of the file. ``kotlin``: those of its ``Migration(start, end)``,
    the one declared at ``line`` when given (a file may hold several); it raises
    ``MigrationNotFound`` unless there is exactly one, and ``UnverifiableMigration`` when one
    of its statements is not a constant. ``names``, when given, gets the names the Kotlin reader
    looked up in the rest of the file's source tree (``kotlin.tree.dependencies``), even when it raises.
    """
    path = Path(path)
    if kind == "sql":
        return read_steps(path)
    from roomschema.kotlin import KotlinExtractError, read_migrations, unverifiable
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RoomSchemaError(getattr(err, "strerror", None) or str(err), file=path) from None
    try:
        found = read_migrations(text, path.name, path)
    except KotlinExtractError as err:
        raise KotlinUnreadable(str(err)) from None
    if names is not None:
        names.update(found.names)
    declared = found.migrations
    matching = [m for m in declared if (m.start, m.end) == (start, end) and line in (None, m.line)]
    if len(matching) != 1:
        raise MigrationNotFound(path, start, end, matching, declared, found.unreadable)
    if unverifiable(matching[0]):
        raise UnverifiableMigration(path, matching[0])
    return steps_from_kotlin(matching[0].statements)
