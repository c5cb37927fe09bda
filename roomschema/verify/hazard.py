"""What the same steps would do to the data with foreign keys enforced.

Room migrates with enforcement off, so a rebuild of a parent table is safe
there; run by anything that switched ``foreign_keys`` on first, ``DROP TABLE
parent`` fires ON DELETE CASCADE / SET NULL on every child, and
``foreign_key_check`` afterwards finds nothing because the rows are gone
(docs/sqlite-android.md#foreign-keys-during-a-rebuild). This pass runs the steps that way on a copy, rolls
back, and compares each table with the normal run.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Sequence

from roomschema.schema.model import Schema
from roomschema.migration.steps import Step
from roomschema.verify.datacheck import table_stats
from roomschema.verify.runner import drop_fts_sync_triggers, run_step


@dataclass(frozen=True)
class Hazard:
    table: str
    kind: str        # rows-deleted | set-null | step-fails
    count: int
    message: str

    def to_json(self) -> dict:
        return {"table": self.table, "kind": self.kind, "count": self.count, "message": self.message}


def hazard_pass(conn: sqlite3.Connection, new: Schema, steps: Sequence[Step], baseline: dict) -> list:
    """Run ``steps`` with ``foreign_keys=ON`` on ``conn`` (a pre-migration copy) and roll back.

    ``baseline`` is ``table_stats`` of the normal (enforcement off) result.
    """
    hazards = []
    conn.execute("PRAGMA foreign_keys = ON")  # before BEGIN, or it is ignored
    conn.execute("BEGIN EXCLUSIVE")
    try:
        drop_fts_sync_triggers(conn)
        for i, step in enumerate(steps):
            try:
                run_step(conn, step)
            except sqlite3.Error as err:
                first = str(err).splitlines()[0]
                hazards.append(Hazard(step.table or "", "step-fails", 0,
                                      f"with foreign_keys=ON, step {i + 1} fails: {first} [{step.sql[:80]}]"))
                break
        now = table_stats(conn, new)
    finally:
        conn.execute("ROLLBACK")
        conn.execute("PRAGMA foreign_keys = OFF")
    return hazards + compare_stats(now, baseline)


def compare_stats(now: dict, baseline: dict) -> list:
    """The rows and references that ``now`` (a run with enforcement on) lost against ``baseline``."""
    hazards = []
    for table, stats in now.items():
        base = baseline.get(table)
        if base is None:
            continue
        lost = base["rows"] - stats["rows"]
        if lost > 0:
            hazards.append(Hazard(table, "rows-deleted", lost,
                                  f"{table}: with foreign_keys=ON, {lost} of {base['rows']} rows would be deleted "
                                  f"(ON DELETE CASCADE from a dropped or rebuilt parent)"))
        for col, value in stats["fk_values"].items():
            nulled = base["fk_values"].get(col, value) - value
            if nulled > 0 and lost <= 0:
                hazards.append(Hazard(table, "set-null", nulled,
                                      f"{table}.{col}: with foreign_keys=ON, {nulled} references would be set "
                                      f"to NULL (ON DELETE SET NULL from a dropped or rebuilt parent)"))
    return hazards
