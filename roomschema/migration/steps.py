"""The unit that flows from plan to render and verify: one statement each."""
from __future__ import annotations

from dataclasses import dataclass

from typing import Optional

from roomschema.schema.sql import quote


@dataclass(frozen=True)
class Step:
    """One statement of a migration.

    ``kind`` is ``"sql"`` for a statement run as is, or
    ``"foreign_key_check"`` for Room's ``DBUtil.foreignKeyCheck(db, table)``,
    which runs ``sql`` and fails when it returns any row.
    ``why`` says, for a reviewer, which change the statement serves and,
    for a deviation from Room, the reason.
    """

    sql: str
    kind: str = "sql"
    table: Optional[str] = None
    why: str = ""
    deviation: str = ""

    @staticmethod
    def foreign_key_check(table: str, why: str = "") -> "Step":
        return Step(f"PRAGMA foreign_key_check({quote(table)})", "foreign_key_check", table, why)

    @property
    def is_foreign_key_check(self) -> bool:
        return self.kind == "foreign_key_check"
