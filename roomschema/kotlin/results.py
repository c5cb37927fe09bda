"""What the extractor hands back, and the one error it raises."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class ExtractedStatement:
    sql: Optional[str]  # None when not verifiable
    line: int
    reason: Optional[str]  # why sql is None; None when sql is known


@dataclass(frozen=True)
class ExtractedMigration:
    start: int
    end: int
    name: Optional[str]
    line: int
    statements: tuple[ExtractedStatement, ...]


class KotlinExtractError(Exception):
    """The source cannot be read as Kotlin; the message is ``FILE:LINE: what is wrong``."""


def unverifiable_messages(migrations: list[ExtractedMigration], filename: str) -> list[str]:
    """``FILE:LINE: <migration>: reason`` for every statement that cannot be verified."""
    out = []
    for m in migrations:
        label = f"{m.name or 'Migration'} ({m.start} -> {m.end})"
        for st in m.statements:
            if st.sql is None:
                out.append(f"{filename}:{st.line}: {label}: not verifiable: {st.reason}")
    return out
