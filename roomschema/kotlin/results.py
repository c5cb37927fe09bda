"""What the extractor hands back, and the one error it raises."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


class GuardError(Exception):
    """A guard could not be evaluated on the live database; the message says why. ``depends_on_rows``:
    the failure came from what the database returned (an empty schema answers differently), not from
    code roomschema cannot evaluate."""

    def __init__(self, message: str, depends_on_rows: bool = False):
        super().__init__(message)
        self.depends_on_rows = depends_on_rows


@dataclass(frozen=True, eq=False)
class Guard:
    """A condition of a migration that asks the database being migrated (a column, a table, an
    index) and that Room's run decides at that point of the migration. ``holds(conn)`` runs its
    read-only queries on ``conn`` (an ``sqlite3.Connection`` inside the migration's transaction)."""

    text: str
    line: int
    evaluate: Any  # callable(conn) -> object

    def holds(self, conn) -> bool:
        value = self.evaluate(conn)
        if not isinstance(value, bool):
            raise GuardError(f"line {self.line}: the condition `{self.text}` is not a Boolean at run time")
        return value


@dataclass(frozen=True)
class ExtractedStatement:
    sql: Optional[str]  # None when not verifiable; for a guard, a description of it
    line: int
    reason: Optional[str]  # why sql is None; None when sql is known
    # A branch the live database decides: ``then`` runs when ``guard`` holds, else ``otherwise``.
    guard: Optional[Guard] = None
    then: tuple = ()
    otherwise: tuple = ()


@dataclass(frozen=True)
class ExtractedMigration:
    start: int
    end: int
    name: Optional[str]
    line: int
    statements: tuple[ExtractedStatement, ...]


@dataclass(frozen=True)
class UnreadableMigration:
    """A ``Migration`` whose versions (or whole construction) cannot be told: reported, never guessed,
    and never a reason to skip the other migrations of the file."""

    name: Optional[str]
    line: int
    reason: str


class KotlinExtractError(Exception):
    """The source cannot be read as Kotlin; the message is ``FILE:LINE: what is wrong``."""


def flat_statements(statements) -> list:
    """Every statement, the branches of guards included, in source order."""
    out = []
    for st in statements:
        out.append(st)
        if st.guard is not None:
            out += flat_statements(st.then) + flat_statements(st.otherwise)
    return out


def unverifiable(m: ExtractedMigration) -> list:
    return [s for s in flat_statements(m.statements) if s.sql is None]


def unverifiable_messages(migrations: list[ExtractedMigration], filename: str) -> list[str]:
    """``FILE:LINE: <migration>: reason`` for every statement that cannot be verified."""
    out = []
    for m in migrations:
        label = f"{m.name or 'Migration'} ({m.start} -> {m.end})"
        for st in unverifiable(m):
            out.append(f"{filename}:{st.line}: {label}: not verifiable: {st.reason}")
    return out
