"""Which migrations exist, and the path Room would take through them.

Hand-checked SQL files in the project's migrations folder
(``migration_<from>_<to>.sql``, as ``generate`` writes them) win over the
plan generated for a consecutive pair, as Room's manual migrations win over
auto-migrations (docs/room-format.md#manual-and-auto-migrations). The path is Room's findMigrationPath:
greedy, always the longest jump (docs/room-format.md#migration-path).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from roomschema.errors import DecisionRequired, RoomSchemaError

_SQL_FILE = re.compile(r"^migration_(\d+)_(\d+)\.sql$")


@dataclass(frozen=True)
class Edge:
    start: int
    end: int
    source: Optional[Path] = None     # the SQL file, or None for a generated plan

    @property
    def label(self) -> str:
        return str(self.source) if self.source else "generated plan"


def sql_files(folder: Optional[Path]) -> dict:
    out = {}
    if folder is not None and folder.is_dir():
        for p in sorted(folder.iterdir()):
            m = _SQL_FILE.match(p.name)
            if m and p.is_file():
                out[(int(m.group(1)), int(m.group(2)))] = p
    return out


def edges(versions: list, files: dict) -> dict:
    """``{start: {end: Edge}}``: every SQL file, and generated plans both ways between neighbours."""
    out: dict = {}
    for a, b in zip(versions, versions[1:]):
        for s, e in ((a, b), (b, a)):
            out.setdefault(s, {})[e] = Edge(s, e)
    for (s, e), path in files.items():
        out.setdefault(s, {})[e] = Edge(s, e, path)
    return out


def steps_for(edge: Edge, history: dict, config, min_sdk: int) -> tuple:
    """The statements of one edge: the SQL file's, or the generated plan's."""
    if edge.source is not None:
        from roomschema.migration.sources import migration_steps
        return migration_steps("sql", edge.source, edge.start, edge.end)
    from roomschema.migration.rollback import plan_either_way
    # A generated downgrade drops what only the newer version has (the backup keeps it).
    plan = plan_either_way(history[edge.start], history[edge.end], config.declarations(edge.start, edge.end),
                           min_sdk=min_sdk)
    if plan.decisions:
        listed = "; ".join(f"{d.message} (settle with {' or '.join(d.flags)})" for d in plan.decisions)
        raise DecisionRequired(f"the generated migration {edge.start} -> {edge.end} needs a decision: {listed}. "
                               f"Declare it in {config.pair_table(edge.start, edge.end)} or "
                               f"write migration_{edge.start}_{edge.end}.sql; nothing was changed")
    return plan.steps


def no_path(start: int, end: int, folder: Optional[Path]) -> RoomSchemaError:
    where = f" in {folder}" if folder else ""
    return RoomSchemaError(f"A migration from {start} to {end} was required but not found{where}: add "
                           f"migration_<from>_<to>.sql files (roomschema generate writes them) or run with "
                           f"--destructive to recreate the database empty; nothing was changed")
