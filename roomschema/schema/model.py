"""Immutable model of a Room schema export, named as Room names things.

Every class mirrors one of Room's ``*Bundle`` classes. Two things ride along
that Room itself does not keep, both excluded from equality so that two
schemas compare by meaning alone:

* ``keys``: the JSON keys in the order the file had them. Room's own writers
  changed key order and omission rules between releases, and an old file is
  never rewritten (docs/room-format.md#schema-files), so a byte-exact round trip needs the
  layout of each object, not just the era of the file.
* ``extra``: keys Room did not have when this model was written (kept, never
  interpreted, so a newer file survives a round trip).
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field, replace

from typing import Any, Optional

TABLE_NAME = "${TABLE_NAME}"
VIEW_NAME = "${VIEW_NAME}"
AFFINITIES = ("TEXT", "INTEGER", "REAL", "BLOB")
FK_ACTIONS = ("NO ACTION", "RESTRICT", "SET NULL", "SET DEFAULT", "CASCADE")

Extra = tuple  # tuple[tuple[str, Any], ...]
Keys = tuple  # or None


def _meta():
    return dc_field(default=None, compare=False, repr=False)


def _extra():
    return dc_field(default=(), compare=False, repr=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class Style:
    """How the file was serialized (docs/room-format.md#serialization-eras), used for new objects."""

    pk_auto_generate_first: bool = True  # Room >= 2.5 Kotlin bundle classes
    omit_defaults: bool = False  # kotlinx (Room >= 2.7) drops [] and notNull=false
    fts_keys_first: bool = True  # Gson writes subclass fields first
    double_quoted_insert: bool = False  # Room 1.0 alphas
    views_key: bool = True  # Room >= 2.1

    @property
    def era(self) -> str:
        if self.double_quoted_insert:
            return "room-1.x"
        if self.omit_defaults:
            return "kotlinx (Room 2.7+)"
        if self.pk_auto_generate_first:
            return "gson-kotlin (Room 2.5-2.6)"
        return "gson-java (Room 2.0-2.4)"


ROOM_2_6 = Style()
ROOM_2_7 = Style(omit_defaults=True, fts_keys_first=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    field_path: str
    column_name: str
    affinity: str = "TEXT"
    not_null: bool = False
    default_value: Optional[str] = None
    keys: Keys = _meta()
    extra: Extra = _extra()


@dataclass(frozen=True, kw_only=True, slots=True)
class PrimaryKey:
    column_names: tuple = ()
    auto_generate: bool = False
    keys: Keys = _meta()
    extra: Extra = _extra()


@dataclass(frozen=True, kw_only=True, slots=True)
class Index:
    name: str
    unique: bool = False
    column_names: Optional[tuple] = None
    orders: Optional[tuple] = None
    create_sql: str = ""
    keys: Keys = _meta()
    extra: Extra = _extra()

    @property
    def effective_orders(self) -> tuple:
        """Room treats a missing or empty orders list as all ASC."""
        cols = self.column_names or ()
        return tuple(self.orders) if self.orders else ("ASC",) * len(cols)

    def create_sql_for(self, table: str) -> str:
        return self.create_sql.replace(TABLE_NAME, table)


@dataclass(frozen=True, kw_only=True, slots=True)
class ForeignKey:
    table: str
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    columns: tuple = ()
    referenced_columns: tuple = ()
    keys: Keys = _meta()
    extra: Extra = _extra()


@dataclass(frozen=True, kw_only=True, slots=True)
class FtsOptions:
    tokenizer: str = "simple"
    tokenizer_args: tuple = ()
    content_table: str = ""
    language_id_column_name: str = ""
    match_info: str = "FTS4"
    not_indexed_columns: tuple = ()
    prefix_sizes: tuple = ()
    preferred_order: str = "ASC"
    keys: Keys = _meta()
    # Room 3's FTS5 keys (contentRowId, columnSize, detail) are compared, so
    # unlike other extras they take part in equality.
    extra: Extra = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Entity:
    table_name: str
    create_sql: str
    fields: tuple = ()
    primary_key: PrimaryKey = dc_field(default_factory=PrimaryKey)
    indices: tuple = ()
    foreign_keys: tuple = ()
    keys: Keys = _meta()
    extra: Extra = _extra()

    is_fts = False

    def field(self, column_name: str) -> Optional[Field]:
        for f in self.fields:
            if f.column_name == column_name:
                return f
        return None

    @property
    def column_names(self) -> tuple:
        return tuple(f.column_name for f in self.fields)

    def create_table_sql(self, table: Optional[str] = None) -> str:
        return self.create_sql.replace(TABLE_NAME, self.table_name if table is None else table)


@dataclass(frozen=True, kw_only=True, slots=True)
class FtsEntity(Entity):
    fts_version: str = "FTS4"
    fts_options: FtsOptions = dc_field(default_factory=FtsOptions)
    content_sync_triggers: tuple = ()

    is_fts = True

    @property
    def content_table(self) -> str:
        return self.fts_options.content_table


@dataclass(frozen=True, kw_only=True, slots=True)
class View:
    view_name: str
    create_sql: str
    keys: Keys = _meta()
    extra: Extra = _extra()

    def create_view_sql(self) -> str:
        return self.create_sql.replace(VIEW_NAME, self.view_name)

    @property
    def query(self) -> str:
        """The trimmed @DatabaseView query, as far as the export keeps it."""
        sql = self.create_view_sql()
        head = f"CREATE VIEW `{self.view_name}` AS "
        return sql[len(head):] if sql.startswith(head) else sql


@dataclass(frozen=True, kw_only=True, slots=True)
class Database:
    version: int
    identity_hash: str
    entities: tuple = ()
    views: tuple = ()
    setup_queries: tuple = ()
    keys: Keys = _meta()
    extra: Extra = _extra()

    def entity(self, table_name: str) -> Optional[Entity]:
        for e in self.entities:
            if e.table_name == table_name:
                return e
        return None

    def view(self, view_name: str) -> Optional[View]:
        for v in self.views:
            if v.view_name == view_name:
                return v
        return None

    @property
    def table_names(self) -> tuple:
        return tuple(e.table_name for e in self.entities)


@dataclass(frozen=True, kw_only=True, slots=True)
class Schema:
    database: Database
    format_version: int = 1
    style: Style = dc_field(default=ROOM_2_6, compare=False)
    path: Any = dc_field(default=None, compare=False)
    # Room writes no final newline; a file edited by hand may have gained one.
    trailer: str = dc_field(default="", compare=False, repr=False)
    # Room indents by 2 spaces; an editor may have re-indented the file (4 spaces,
    # tabs), and writing it back must not turn every line into a diff.
    indent: str = dc_field(default="  ", compare=False, repr=False)
    keys: Keys = _meta()
    extra: Extra = _extra()

    @property
    def version(self) -> int:
        return self.database.version

    @property
    def name(self) -> str:
        """What error messages call this file."""
        return getattr(self.path, "name", None) or f"{self.version}.json"


__all__ = [
    "AFFINITIES", "FK_ACTIONS", "TABLE_NAME", "VIEW_NAME", "ROOM_2_6", "ROOM_2_7",
    "Style", "Field", "PrimaryKey", "Index", "ForeignKey", "FtsOptions", "Entity",
    "FtsEntity", "View", "Database", "Schema", "replace",
]
