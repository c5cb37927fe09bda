"""Placing a crash message in the project: which schema version each side is, which migration
left the database so, which version's JSON holds an identity hash, and where Room's migration
path stops.

The schema side of every version is built as Room builds it from the JSON
(``roomschema.verify.roominfo``, room-testing's ``BundleUtil``) and compared with the message by
the rules of ``compare``, so a Found side "is version N" when Room would have accepted it there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from roomschema.explain import compare
from roomschema.explain.parse import LAYOUT_MULTILINE, Column, ForeignKey, Fts, Index, Info, Table, View
from roomschema.migration.path import versions_visited
from roomschema.render.code import default_output_dir
from roomschema.schema.discovery import version_files
from roomschema.schema.identity import identity_hash
from roomschema.schema.model import Entity, FtsEntity, Schema
from roomschema.verify import roominfo


def schema_info(schema: Schema, name: str) -> Optional[Info]:
    """What Room expects of table or view ``name`` at this schema's version, or None if it has none."""
    db = schema.database
    entity = db.entity(name)
    if entity is not None:
        return _entity_info(entity)
    view = db.view(name)
    if view is not None:
        v = roominfo.expected_view_info(view)
        return View(v.name, v.sql, "any")
    return None


def _entity_info(entity: Entity) -> Info:
    if isinstance(entity, FtsEntity):
        f = roominfo.expected_fts_table_info(entity)
        return Fts(f.name, f.columns, f.options, LAYOUT_MULTILINE)
    t = roominfo.expected_table_info(entity)
    columns = tuple(Column(c.name, c.type, c.affinity, c.not_null, c.primary_key_position, c.default_value)
                    for c in t.columns.values())
    fks = tuple(ForeignKey(k.reference_table, k.on_delete, k.on_update, k.column_names, k.reference_column_names)
                for k in t.foreign_keys)
    indices = tuple(Index(i.name, i.unique, i.columns, i.orders) for i in t.indices or ())
    return Table(t.name, columns, fks, indices, LAYOUT_MULTILINE)


@dataclass
class Placement:
    """Where one schema message sits in one database's history."""

    folder: Path
    versions: list[int]
    expected_versions: list[int] = field(default_factory=list)
    found_versions: list[int] = field(default_factory=list)
    has_table: list[int] = field(default_factory=list)

    @property
    def database(self) -> str:
        return self.folder.name

    def previous(self, version: int) -> Optional[int]:
        earlier = [v for v in self.versions if v < version]
        return earlier[-1] if earlier else None

    def following(self, version: int) -> Optional[int]:
        later = [v for v in self.versions if v > version]
        return later[0] if later else None


def place_mismatch(name: str, expected: Info, found: Info, folder: Path, history: dict) -> Placement:
    """Which versions' ``name`` equals the Expected side, and which the Found side."""
    p = Placement(folder, list(history))
    for version, schema in history.items():
        info = schema_info(schema, name)
        if info is None:
            continue
        p.has_table.append(version)
        if compare.equal(info, expected) and compare.equal(expected, info):
            p.expected_versions.append(version)
        if compare.equal(info, found):
            p.found_versions.append(version)
    return p


@dataclass
class HashPlacement:
    folder: Path
    versions: list[int]
    expected_files: list[int]       # versions whose JSON stores the hash
    found_files: list[int]
    expected_content: list[int]     # versions whose content hashes to it, the stored hash being stale
    found_content: list[int]

    @property
    def database(self) -> str:
        return self.folder.name


def place_hashes(expected: str, found: Optional[str], folder: Path, history: dict) -> HashPlacement:
    stored = {v: s.database.identity_hash for v, s in history.items()}
    computed: dict[int, Optional[str]] = {}
    for v, s in history.items():
        try:
            computed[v] = identity_hash(s.database)
        except Exception:  # noqa: BLE001 - a file the hash cannot be recomputed for just matches nothing
            computed[v] = None
    return HashPlacement(folder, list(history),
                         [v for v, h in stored.items() if h == expected],
                         [v for v, h in stored.items() if found is not None and h == found],
                         [v for v, h in computed.items() if h == expected and stored[v] != expected],
                         [v for v, h in computed.items() if found is not None and h == found and stored[v] != found])


@dataclass
class PathPlacement:
    folder: Path
    versions: list[int]
    migrations: list[tuple[int, int]]   # every upgrade the project has, as (from, to)
    walk: list[int]                     # the versions Room's greedy path passes through
    missing_step: Optional[tuple[int, int]]

    @property
    def database(self) -> str:
        return self.folder.name


def place_path(start: int, end: int, folder: Path, config) -> PathPlacement:
    """Room's walk from ``start`` towards ``end`` over the project's migrations (check's sources:
    generated SQL and Kotlin files, hand-written ``Migration(a, b)`` classes, declared AutoMigrations)."""
    from roomschema.check.cache import Cache
    from roomschema.check.sources import Pair, collect

    files = version_files(folder)
    versions = list(files)
    pairs = [Pair(a, b, files[b]) for a, b in zip(versions, versions[1:])]
    out = default_output_dir(folder, config)
    _, edges, _, _ = collect(pairs, files, out, set(config.auto_migrations), Cache(None))
    walk = versions_visited(edges, start, end)
    stuck = walk[-1]
    missing = None
    if stuck != end:
        beyond = [v for v in versions if stuck < v <= end] if end > stuck else \
            [v for v in reversed(versions) if end <= v < stuck]
        missing = (stuck, beyond[0] if beyond else end)
    return PathPlacement(folder, versions, sorted(edges), walk, missing)
