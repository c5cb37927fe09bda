"""Room's ``isSchemaEqual`` rules (docs/room-format.md#schema-equality), which decide what
AutoMigration treats as changed. They differ from plain equality: field order,
``fieldPath`` and an ``index_`` name's suffix are ignored, and lists compare
by Room's grouping rules.
"""
from __future__ import annotations

from itertools import groupby
from typing import Callable, Iterable, Optional, Sequence, TypeVar

from roomschema.schema.model import Field, FtsEntity, ForeignKey, Index, PrimaryKey


def same_definition(a: Field, b: Field) -> bool:
    """Equal as Room compares fields, names aside (a renamed column keeps its definition)."""
    return a.affinity == b.affinity and a.not_null == b.not_null and a.default_value == b.default_value


def field_equal(a: Field, b: Field) -> bool:
    return a.column_name == b.column_name and same_definition(a, b)


def primary_key_equal(a: PrimaryKey, b: PrimaryKey) -> bool:
    return tuple(a.column_names) == tuple(b.column_names) and a.auto_generate == b.auto_generate


def index_equal(a: Index, b: Index) -> bool:
    if a.unique != b.unique:
        return False
    if a.name.startswith("index_") or b.name.startswith("index_"):
        if not (a.name.startswith("index_") and b.name.startswith("index_")):
            return False
    elif a.name != b.name:
        return False
    return tuple(a.column_names or ()) == tuple(b.column_names or ()) and a.effective_orders == b.effective_orders


def foreign_key_equal(a: ForeignKey, b: ForeignKey) -> bool:
    return (a.table == b.table and a.on_delete == b.on_delete and a.on_update == b.on_update
            and tuple(a.columns) == tuple(b.columns)
            and tuple(a.referenced_columns) == tuple(b.referenced_columns))


_T = TypeVar("_T")
_K = TypeVar("_K", str, tuple[str, ...])   # what Room groups by: a name, or a column list


def _grouped_equal(a: Sequence[_T], b: Sequence[_T], key: Callable[[_T], _K],
                   equal: Callable[[_T, _T], bool]) -> bool:
    """SchemaDiffer's list test: group both lists by ``key``; each group needs a twin."""
    items = sorted(list(a) + list(b), key=key)
    for _, grouped in groupby(items, key=key):
        group = list(grouped)
        if len(group) < 2 or not equal(group[0], group[1]):
            return False
    return True


def foreign_keys_equal(a: Sequence[ForeignKey], b: Sequence[ForeignKey]) -> bool:
    return _grouped_equal(a, b, lambda fk: tuple(fk.columns), foreign_key_equal)


def indices_equal(a: Sequence[Index], b: Sequence[Index]) -> bool:
    return _grouped_equal(a, b, lambda i: i.name, index_equal)


def fields_equal(a: Sequence[Field], b: Sequence[Field]) -> bool:
    ma = {f.column_name: f for f in a}
    mb = {f.column_name: f for f in b}
    return ma.keys() == mb.keys() and all(field_equal(ma[k], mb[k]) for k in ma)


def fts_entity_equal(a: FtsEntity, b: FtsEntity) -> bool:
    return (a.table_name == b.table_name and fields_equal(a.fields, b.fields)
            and primary_key_equal(a.primary_key, b.primary_key)
            and indices_equal(a.indices, b.indices) and foreign_keys_equal(a.foreign_keys, b.foreign_keys)
            and a.fts_version == b.fts_version and a.fts_options == b.fts_options)


def rename_candidate(gone: Field, added: Iterable[Field]) -> Optional[Field]:
    """The one added column that looks like ``gone`` renamed, if exactly one does.

    Only ever a suggestion: same affinity and nullability, then same default
    to break a tie. Room never infers renames and neither do we.
    """
    same = [f for f in added if f.affinity == gone.affinity and f.not_null == gone.not_null]
    if len(same) > 1:
        same = [f for f in same if f.default_value == gone.default_value]
    return same[0] if len(same) == 1 else None
