"""JSON text -> immutable model, for every era of Room's export format.

The loader checks types as it reads, so bad input becomes one
:class:`SchemaFileError` naming the file and the JSON path. Full JSON Schema
validation is the ``validate`` command's job; it is too slow for the load path
every command takes.
"""
from __future__ import annotations

import gc
import json
import os
from pathlib import Path

from roomschema.errors import SchemaFileError
from roomschema.schema.model import (Database, Entity, Field, FtsEntity, FtsOptions, ForeignKey, Index,
                    PrimaryKey, Schema, Style, View, replace)

from typing import Any, Callable

_MISSING = object()
# kind -> (the JSON type's class, whether null is allowed, what an error calls it)
_KINDS = {"str": (str, False, "a string"), "bool": (bool, False, "true or false"), "int": (int, False, "an integer"),
          "list": (list, False, "a list"), "str?": (str, True, "a string or null"),
          "list?": (list, True, "a list or null")}


class _Reader:
    def __init__(self, file: Any):
        self.file = file

    def fail(self, path: str, message: str):
        raise SchemaFileError(message, file=self.file, path=path)

    def obj(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, found {_kind(value)}")
        return value

    def get(self, d: dict, key: str, path: str, kind: str, default: Any = _MISSING) -> Any:
        # Called for every key of every object: the JSON path of an error is
        # only built when there is one.
        if key not in d:
            if default is _MISSING:
                self.fail(path, f"missing required key '{key}'")
            return default
        value = d[key]
        spec = _KINDS.get(kind)
        if spec is None:
            return value  # "obj": the caller checks it with obj(), which names the path
        cls, nullable, expected = spec
        if (value is None and nullable) or (isinstance(value, cls) and (cls is not int or value.__class__ is not bool)):
            return value
        self.fail(f"{path}.{key}", f"expected {expected}, found {_kind(value)}")

    def strings(self, d: dict, key: str, path: str, default: Any = _MISSING, nullable=False) -> Any:
        value = self.get(d, key, path, "list?" if nullable else "list", default)
        if value is None or value is default:
            return value if value is None else (tuple(value) if isinstance(value, list) else value)
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{path}.{key}[{i}]", f"expected a string, found {_kind(item)}")
        return tuple(value)

    def items(self, d: dict, key: str, path: str, build: Callable, default: Any = _MISSING) -> tuple:
        value = self.get(d, key, path, "list", default)
        if value is default:
            return ()
        out = []
        for i, item in enumerate(value):
            where = f"{path}.{key}[{i}]"
            out.append(build(self.obj(item, where), where))
        return tuple(out)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        text = value if len(value) < 40 else value[:37] + "..."
        return f"a string ({text!r})"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _extra(d: dict, known: frozenset) -> tuple:
    if d.keys() <= known:  # the usual case, checked in C
        return ()
    return tuple((k, v) for k, v in d.items() if k not in known)


_FIELD_KEYS = frozenset(("fieldPath", "columnName", "affinity", "notNull", "defaultValue"))
_PK_KEYS = frozenset(("columnNames", "autoGenerate"))
_INDEX_KEYS = frozenset(("name", "unique", "columnNames", "orders", "createSql"))
_FK_KEYS = frozenset(("table", "onDelete", "onUpdate", "columns", "referencedColumns"))
_FTS_OPTION_KEYS = frozenset(("tokenizer", "tokenizerArgs", "contentTable", "languageIdColumnName",
                              "matchInfo", "notIndexedColumns", "prefixSizes", "preferredOrder"))
_ENTITY_KEYS = frozenset(("tableName", "createSql", "fields", "primaryKey", "indices", "foreignKeys"))
_FTS_KEYS = frozenset(("ftsVersion", "ftsOptions", "contentSyncTriggers"))
_VIEW_KEYS = frozenset(("viewName", "createSql"))
_DB_KEYS = frozenset(("version", "identityHash", "entities", "views", "setupQueries"))
_ROOT_KEYS = frozenset(("formatVersion", "database"))


def _field(r: _Reader, d: dict, p: str) -> Field:
    return Field(
        field_path=r.get(d, "fieldPath", p, "str"),
        column_name=r.get(d, "columnName", p, "str"),
        affinity=r.get(d, "affinity", p, "str"),
        not_null=r.get(d, "notNull", p, "bool", False),
        default_value=r.get(d, "defaultValue", p, "str?", None),
        keys=tuple(d), extra=_extra(d, _FIELD_KEYS))


def _primary_key(r: _Reader, d: dict, p: str) -> PrimaryKey:
    return PrimaryKey(
        column_names=r.strings(d, "columnNames", p),
        auto_generate=r.get(d, "autoGenerate", p, "bool", False),
        keys=tuple(d), extra=_extra(d, _PK_KEYS))


def _index(r: _Reader, d: dict, p: str) -> Index:
    orders = r.strings(d, "orders", p, None, nullable=True)
    return Index(
        name=r.get(d, "name", p, "str"),
        unique=r.get(d, "unique", p, "bool"),
        column_names=r.strings(d, "columnNames", p, None, nullable=True),
        orders=orders,
        create_sql=r.get(d, "createSql", p, "str"),
        keys=tuple(d), extra=_extra(d, _INDEX_KEYS))


def _foreign_key(r: _Reader, d: dict, p: str) -> ForeignKey:
    return ForeignKey(
        table=r.get(d, "table", p, "str"),
        on_delete=r.get(d, "onDelete", p, "str"),
        on_update=r.get(d, "onUpdate", p, "str"),
        columns=r.strings(d, "columns", p),
        referenced_columns=r.strings(d, "referencedColumns", p),
        keys=tuple(d), extra=_extra(d, _FK_KEYS))


def _fts_options(r: _Reader, d: dict, p: str) -> FtsOptions:
    prefix = r.get(d, "prefixSizes", p, "list")
    for i, item in enumerate(prefix):
        if not isinstance(item, int) or isinstance(item, bool):
            r.fail(f"{p}.prefixSizes[{i}]", f"expected an integer, found {_kind(item)}")
    return FtsOptions(
        tokenizer=r.get(d, "tokenizer", p, "str"),
        tokenizer_args=r.strings(d, "tokenizerArgs", p),
        content_table=r.get(d, "contentTable", p, "str"),
        language_id_column_name=r.get(d, "languageIdColumnName", p, "str"),
        match_info=r.get(d, "matchInfo", p, "str"),
        not_indexed_columns=r.strings(d, "notIndexedColumns", p),
        prefix_sizes=tuple(prefix),
        preferred_order=r.get(d, "preferredOrder", p, "str"),
        keys=tuple(d), extra=_extra(d, _FTS_OPTION_KEYS))


def _entity(r: _Reader, d: dict, p: str) -> Entity:
    common = dict(
        table_name=r.get(d, "tableName", p, "str"),
        create_sql=r.get(d, "createSql", p, "str"),
        fields=r.items(d, "fields", p, lambda x, q: _field(r, x, q)),
        primary_key=_primary_key(r, r.obj(r.get(d, "primaryKey", p, "obj"), p + ".primaryKey"),
                                 p + ".primaryKey"),
        indices=r.items(d, "indices", p, lambda x, q: _index(r, x, q), None),
        foreign_keys=r.items(d, "foreignKeys", p, lambda x, q: _foreign_key(r, x, q), None),
        keys=tuple(d))
    # Room marks an FTS entity by the presence of ftsVersion alone.
    if "ftsVersion" not in d:
        return Entity(extra=_extra(d, _ENTITY_KEYS), **common)
    opts = r.obj(r.get(d, "ftsOptions", p, "obj"), p + ".ftsOptions")
    return FtsEntity(
        fts_version=r.get(d, "ftsVersion", p, "str"),
        fts_options=_fts_options(r, opts, p + ".ftsOptions"),
        content_sync_triggers=r.strings(d, "contentSyncTriggers", p),
        extra=_extra(d, _ENTITY_KEYS | _FTS_KEYS), **common)


def _view(r: _Reader, d: dict, p: str) -> View:
    return View(view_name=r.get(d, "viewName", p, "str"), create_sql=r.get(d, "createSql", p, "str"),
                keys=tuple(d), extra=_extra(d, _VIEW_KEYS))


def _style(doc: dict) -> Style:
    """Infer the serializer from what the file shows; defaults are Room 2.6's."""
    db = doc["database"]
    entities = db["entities"]
    pk_orders = [tuple(e["primaryKey"]) for e in entities]
    omit = any("indices" not in e or "foreignKeys" not in e for e in entities if "ftsVersion" not in e)
    fts = [e for e in entities if "ftsVersion" in e]
    fts_first = all(next(iter(e)) == "ftsVersion" for e in fts) if fts else not omit
    setup = db.get("setupQueries") or []
    double = any('VALUES(42, "' in q for q in setup if isinstance(q, str))
    # kotlinx drops notNull=false; Room 1.0 alphas had no notNull at all.
    omit = omit or (not double and any("notNull" not in f for e in entities for f in e.get("fields") or ()))
    return Style(
        pk_auto_generate_first=not any(k and k[0] == "columnNames" for k in pk_orders),
        omit_defaults=omit or (bool(fts) and not fts_first),
        fts_keys_first=fts_first,
        double_quoted_insert=double,
        views_key="views" in db)


def parse(document: Any, file: Any = None) -> Schema:
    """Build a :class:`Schema` from an already-decoded JSON document."""
    r = _Reader(file)
    root = r.obj(document, "$")
    fmt = r.get(root, "formatVersion", "$", "int")
    if fmt != 1:
        r.fail("$.formatVersion", f"unknown formatVersion {fmt} (Room writes 1)")
    d = r.obj(r.get(root, "database", "$", "obj"), "$.database")
    p = "$.database"
    database = Database(
        version=r.get(d, "version", p, "int"),
        identity_hash=r.get(d, "identityHash", p, "str"),
        entities=r.items(d, "entities", p, lambda x, q: _entity(r, x, q)),
        views=r.items(d, "views", p, lambda x, q: _view(r, x, q), None),
        setup_queries=r.strings(d, "setupQueries", p),
        keys=tuple(d), extra=_extra(d, _DB_KEYS))
    return Schema(database=database, format_version=fmt, style=_style(root), path=file,
                  keys=tuple(root), extra=_extra(root, _ROOT_KEYS))


def read_document(text: str | bytes, file: Any = None) -> tuple[Any, str]:
    """The decoded JSON of one schema file and its text, or the one error every command gives.

    The only place that decides what a readable file is (UTF-8, a byte-order
    mark allowed as Android Studio may save one, not empty, valid JSON), so
    validate, check, diff and hash cannot disagree about it.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise SchemaFileError(f"not UTF-8 text (byte 0x{text[err.start]:02x} at offset {err.start})",
                                  file=file) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise SchemaFileError("empty file, expected a Room schema JSON object", file=file)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as err:
        raise SchemaFileError(f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}",
                              file=file) from None
    except RecursionError:
        raise SchemaFileError("invalid JSON: nested too deeply", file=file) from None


def loads(text: str | bytes, file: Any = None) -> Schema:
    """Parse Room schema JSON text (``file`` only names it in errors)."""
    # Decoding and building the model allocate many objects and free none, so
    # the cyclic collector would only walk them again and again: with it on,
    # load time grew faster than the file (BENCHMARKS.md, scaling).
    collecting = gc.isenabled()
    gc.disable()
    try:
        document, text = read_document(text, file)
        schema = parse(document, file)
    finally:
        if collecting:
            gc.enable()
    trailer = text[len(text.rstrip()):]
    indent = _indent(text)
    if trailer or indent != "  ":
        schema = replace(schema, trailer=trailer, indent=indent)
    return schema


def _indent(text: str) -> str:
    """The indentation of the first nested line (Room's is 2 spaces)."""
    start = text.find("\n") + 1
    if not start:
        return "  "  # all on one line: nothing shows an indent, keep Room's
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end] or "  "


def load(path: str | os.PathLike) -> Schema:
    """Load one ``N.json`` export."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise SchemaFileError("is a directory, expected a schema file", file=p) from None
    except OSError as err:
        raise SchemaFileError(err.strerror or str(err), file=p) from None
    return loads(data, p)
