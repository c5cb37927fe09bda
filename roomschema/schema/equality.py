"""Room's ``isSchemaEqual`` rules (docs/room-format.md#schema-equality), which decide what
AutoMigration treats as changed. They differ from plain equality: field order,
``fieldPath`` and an ``index_`` name's suffix are ignored, and lists compare
by Room's grouping rules.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
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
    if len(same) == 1:
        return same[0]
    # Several of the same shape: the one whose name is the same words (createdAt, created_at).
    named = [f for f in added if f.affinity == gone.affinity and name_words(f.column_name) == name_words(gone.column_name)]
    return named[0] if len(named) == 1 else None


# ---- systematic renames: one naming change applied to many names -----------------------------------

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")


def name_words(name: str) -> tuple[str, ...]:
    """The words of a name whatever its style: ``createdAt``, ``created_at`` and ``CREATED_AT`` are
    ``("created", "at")``; ``URLPath`` is ``("url", "path")``."""
    return tuple(w.lower() for w in _WORD.findall(name))


def name_style(name: str) -> str:
    if "_" in name.strip("_"):
        return "SCREAMING_SNAKE_CASE" if name.isupper() else "snake_case"
    if name[:1].isupper():
        return "PascalCase"
    return "camelCase" if any(c.isupper() for c in name) else "lowercase"


@dataclass(frozen=True)
class NamingChange:
    """How a set of names changed: their style (camelCase to snake_case), and words put before or
    after them or taken away (``m`` in ``mName``, ``_old``)."""

    styles: tuple[str, str]
    prefix_added: tuple[str, ...] = ()
    prefix_removed: tuple[str, ...] = ()
    suffix_added: tuple[str, ...] = ()
    suffix_removed: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = []
        if self.styles[0] != self.styles[1]:
            parts.append(f"from {self.styles[0]} to {self.styles[1]}")
        for words, what in ((self.prefix_added, "prefix {} added"), (self.prefix_removed, "prefix {} removed"),
                            (self.suffix_added, "suffix {} added"), (self.suffix_removed, "suffix {} removed")):
            if words:
                parts.append(what.format("'" + "_".join(words) + "'"))
        if not parts:
            return "in letter case only"
        return ", ".join(parts) if self.styles[0] != self.styles[1] else "with " + ", ".join(parts)


def naming_change(old: str, new: str) -> Optional[NamingChange]:
    """The change that makes ``new`` of ``old``, when one is plain: the same words in another style,
    with at most words added or removed at one end. None for unrelated names."""
    a, b = name_words(old), name_words(new)
    if not a or not b or old == new:
        return None
    styles = (name_style(old), name_style(new))
    # One lowercase word is written alike in every style but SCREAMING_SNAKE_CASE.
    if styles[0] == "lowercase":
        styles = (styles[1] if styles[1] != "SCREAMING_SNAKE_CASE" else styles[0], styles[1])
    elif styles[1] == "lowercase":
        styles = (styles[0], styles[0] if styles[0] != "SCREAMING_SNAKE_CASE" else styles[1])
    if a == b:
        return NamingChange(styles)
    if len(b) > len(a):
        if b[-len(a):] == a:
            return NamingChange(styles, prefix_added=b[:-len(a)])
        if b[:len(a)] == a:
            return NamingChange(styles, suffix_added=b[len(a):])
    elif len(a) > len(b):
        if a[-len(b):] == b:
            return NamingChange(styles, prefix_removed=a[:-len(b)])
        if a[:len(b)] == b:
            return NamingChange(styles, suffix_removed=a[len(b):])
    return None


def systematic_renames(gone: Sequence[Field], added: Sequence[Field]) -> list[tuple[str, str, NamingChange]]:
    """``[(old name, new name, change)]``: the removed columns whose names one naming change turns into
    an added column of the same affinity, one to one. The change that explains the most pairs is
    taken first; a name two columns could have become is never guessed."""
    candidates: dict[NamingChange, list[tuple[str, str]]] = {}
    for g in gone:
        for f in added:
            change = naming_change(g.column_name, f.column_name) if f.affinity == g.affinity else None
            if change is not None:
                candidates.setdefault(change, []).append((g.column_name, f.column_name))
    out: list[tuple[str, str, NamingChange]] = []
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for change, pairs in sorted(candidates.items(), key=lambda kv: -len(kv[1])):
        olds = Counter(o for o, _ in pairs)
        news = Counter(n for _, n in pairs)
        for o, n in pairs:
            if olds[o] == 1 and news[n] == 1 and o not in taken_old and n not in taken_new:
                out.append((o, n, change))
                taken_old.add(o)
                taken_new.add(n)
    order = {f.column_name: i for i, f in enumerate(gone)}
    return sorted(out, key=lambda t: order[t[0]])


def column_overlap(old_names: Iterable[str], new_names: Iterable[str]) -> float:
    """Jaccard similarity of two tables' column names, each name taken as its words (so a table whose
    columns went from camelCase to snake_case still overlaps fully)."""
    a = {name_words(n) for n in old_names}
    b = {name_words(n) for n in new_names}
    return len(a & b) / len(a | b) if a | b else 0.0
