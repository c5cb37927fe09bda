"""Model -> JSON text, byte for byte as Room's serializer of the file's era.

An object read from a file is written with that file's key layout; an object
built in code takes the layout of its schema's :class:`Style`. Either way the
text is ``json.dumps(indent=2, ensure_ascii=False)`` with no final newline,
which is what Gson and kotlinx both produce (docs/room-format.md#serialization-eras). A file an
editor re-indented or ended with a newline keeps that indent and ending too.
"""
from __future__ import annotations

import json
from typing import Any, Optional, Protocol

from roomschema.schema.model import (Database, Entity, Field, FtsEntity, FtsOptions, ForeignKey, Index,
                    PrimaryKey, Schema, Style, View)


class _Laid(Protocol):
    """A model object: its values plus the file's key layout (``keys``) and unknown keys (``extra``)."""

    @property
    def keys(self) -> Optional[tuple[str, ...]]: ...

    @property
    def extra(self) -> tuple[tuple[str, Any], ...]: ...


_NO_DEFAULT = object()
# What Room reads for a key the file leaves out.
_READ_DEFAULTS: dict[str, object] = {"notNull": False, "defaultValue": None, "indices": [], "foreignKeys": [],
                                     "views": [], "orders": None, "columnNames": None}


def _layout(obj: _Laid, canonical: tuple[str, ...], values: dict[str, Any],
            optional: dict[str, object]) -> dict[str, Any]:
    """Order ``values`` by the object's own keys, else by ``canonical``.

    ``optional`` maps a key to the value that lets the serializer leave it
    out; a key the file did not have is still written when its value now
    differs from that default, so an edit is never lost.
    """
    keys = obj.keys
    if keys is None:
        keys = tuple(k for k in canonical if not (k in optional and values[k] == optional[k]))
    else:
        # The file's own omissions stand while the value is what Room reads
        # for a missing key; anything else must be written.
        missing = [k for k in canonical if k not in keys and k in values
                   and values[k] != _READ_DEFAULTS.get(k, _NO_DEFAULT)]
        keys = tuple(keys) + tuple(missing)
    extra = dict(obj.extra)
    out: dict[str, Any] = {}
    for k in keys:
        if k in values:
            out[k] = values[k]
        elif k in extra:
            out[k] = extra[k]
    for k, v in extra.items():
        out.setdefault(k, v)
    return out


def _field(f: Field, s: Style) -> dict:
    values = {"fieldPath": f.field_path, "columnName": f.column_name, "affinity": f.affinity,
              "notNull": f.not_null, "defaultValue": f.default_value}
    optional: dict[str, object] = {"defaultValue": None}
    if s.omit_defaults:
        optional["notNull"] = False
    return _layout(f, ("fieldPath", "columnName", "affinity", "notNull", "defaultValue"), values, optional)


def _primary_key(pk: PrimaryKey, s: Style) -> dict:
    order = ("autoGenerate", "columnNames") if s.pk_auto_generate_first else ("columnNames", "autoGenerate")
    return _layout(pk, order, {"columnNames": list(pk.column_names), "autoGenerate": pk.auto_generate}, {})


def _index(i: Index, s: Style) -> dict:
    values = {"name": i.name, "unique": i.unique,
              "columnNames": None if i.column_names is None else list(i.column_names),
              "orders": None if i.orders is None else list(i.orders), "createSql": i.create_sql}
    return _layout(i, ("name", "unique", "columnNames", "orders", "createSql"), values, {"orders": None})


def _foreign_key(fk: ForeignKey, s: Style) -> dict:
    values = {"table": fk.table, "onDelete": fk.on_delete, "onUpdate": fk.on_update,
              "columns": list(fk.columns), "referencedColumns": list(fk.referenced_columns)}
    return _layout(fk, ("table", "onDelete", "onUpdate", "columns", "referencedColumns"), values, {})


def _fts_options(o: FtsOptions, s: Style) -> dict:
    values = {"tokenizer": o.tokenizer, "tokenizerArgs": list(o.tokenizer_args),
              "contentTable": o.content_table, "languageIdColumnName": o.language_id_column_name,
              "matchInfo": o.match_info, "notIndexedColumns": list(o.not_indexed_columns),
              "prefixSizes": list(o.prefix_sizes), "preferredOrder": o.preferred_order}
    return _layout(o, tuple(values), values, {})


def _entity(e: Entity, s: Style) -> dict:
    values = {"tableName": e.table_name, "createSql": e.create_sql,
              "fields": [_field(f, s) for f in e.fields],
              "primaryKey": _primary_key(e.primary_key, s),
              "indices": [_index(i, s) for i in e.indices],
              "foreignKeys": [_foreign_key(fk, s) for fk in e.foreign_keys]}
    base = tuple(values)
    optional: dict[str, object] = {"indices": [], "foreignKeys": []} if s.omit_defaults else {}
    if isinstance(e, FtsEntity):
        values.update({"ftsVersion": e.fts_version, "ftsOptions": _fts_options(e.fts_options, s),
                       "contentSyncTriggers": list(e.content_sync_triggers)})
        fts = ("ftsVersion", "ftsOptions", "contentSyncTriggers")
        return _layout(e, fts + base if s.fts_keys_first else base + fts, values, optional)
    return _layout(e, base, values, optional)


def _view(v: View, s: Style) -> dict:
    return _layout(v, ("viewName", "createSql"), {"viewName": v.view_name, "createSql": v.create_sql}, {})


def _database(d: Database, s: Style) -> dict:
    values = {"version": d.version, "identityHash": d.identity_hash,
              "entities": [_entity(e, s) for e in d.entities],
              "views": [_view(v, s) for v in d.views],
              "setupQueries": list(d.setup_queries)}
    optional: dict[str, object] = {"views": []} if (s.omit_defaults or not s.views_key) else {}
    return _layout(d, tuple(values), values, optional)


def to_document(schema: Schema) -> dict:
    """The JSON-ready dict, keys in Room's order."""
    s = schema.style
    values = {"formatVersion": schema.format_version, "database": _database(schema.database, s)}
    return _layout(schema, ("formatVersion", "database"), values, {})


def dumps(schema: Schema) -> str:
    """Serialize exactly as Room would (2-space indent, no trailing newline), or
    with the indent and final newline of the file the schema was read from."""
    return json.dumps(to_document(schema), indent=schema.indent, ensure_ascii=False) + schema.trailer
