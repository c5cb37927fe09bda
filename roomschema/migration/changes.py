"""Two schemas -> the list of changes a reviewer needs, each with its risk.

Matching follows the declarations (renames are never inferred); unmatched
removed/added pairs of the same shape only produce suggestions.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Optional

from roomschema.migration.declarations import Declarations
from roomschema.schema.equality import (column_overlap, name_words, rename_candidate, same_definition,
                                        systematic_renames)
from roomschema.schema.model import Entity, Field, ForeignKey, FtsEntity, Index, Schema


class Risk(StrEnum):
    """What a change can do to the rows already stored, least to most: members
    are declared in that order, and ``rank`` compares them (the string values
    would sort alphabetically)."""

    ADDITIVE = "additive"
    REBUILD = "rebuild"
    DATA_DEPENDENT = "data-dependent"
    DESTRUCTIVE = "destructive"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {risk: n for n, risk in enumerate(Risk)}
# The order of the counts in ``diff --format json`` and in a generated
# migration's header, older than the risk order and kept so that neither changes.
COUNT_ORDER = (Risk.ADDITIVE, Risk.REBUILD, Risk.DESTRUCTIVE, Risk.DATA_DEPENDENT)


class ChangeKind(StrEnum):
    TABLE_ADDED = "table-added"
    TABLE_REMOVED = "table-removed"
    TABLE_RENAMED = "table-renamed"
    COLUMN_ADDED = "column-added"
    COLUMN_REMOVED = "column-removed"
    COLUMN_RENAMED = "column-renamed"
    COLUMN_AFFINITY_CHANGED = "column-affinity-changed"
    COLUMN_NOT_NULL_CHANGED = "column-not-null-changed"
    COLUMN_DEFAULT_CHANGED = "column-default-changed"
    PRIMARY_KEY_CHANGED = "primary-key-changed"
    INDEX_ADDED = "index-added"
    INDEX_CHANGED = "index-changed"
    INDEX_REMOVED = "index-removed"
    FOREIGN_KEY_ADDED = "foreign-key-added"
    FOREIGN_KEY_CHANGED = "foreign-key-changed"
    FOREIGN_KEY_REMOVED = "foreign-key-removed"
    FTS_CHANGED = "fts-changed"
    VIEW_ADDED = "view-added"
    VIEW_CHANGED = "view-changed"
    VIEW_REMOVED = "view-removed"


# Values SQLite can hold under each affinity without changing them; a move
# to a narrower one may coerce or reinterpret what is stored.
_WIDER = {("INTEGER", "REAL"), ("INTEGER", "TEXT"), ("REAL", "TEXT"), ("INTEGER", "BLOB"),
          ("REAL", "BLOB"), ("TEXT", "BLOB")}


@dataclass(frozen=True, kw_only=True, slots=True)
class Change:
    kind: ChangeKind
    table: Optional[str]
    column: Optional[str] = None
    risk: Risk
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    backward_compatible: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "table": self.table, "column": self.column, "class": self.risk.value,
                "backward_compatible": self.backward_compatible, "summary": self.summary,
                "details": self.details}


@dataclass(frozen=True, slots=True)
class Diff:
    old: Schema
    new: Schema
    changes: tuple[Change, ...]
    suggestions: tuple[str, ...] = ()

    @property
    def additive_only(self) -> bool:
        return all(c.risk is Risk.ADDITIVE for c in self.changes)

    @property
    def backward_compatible(self) -> bool:
        return all(c.backward_compatible for c in self.changes)

    @property
    def worst(self) -> Optional[Risk]:
        return max((c.risk for c in self.changes), key=lambda risk: risk.rank, default=None)

    def count(self, risk: Risk) -> int:
        return sum(1 for c in self.changes if c.risk is risk)

    def to_json(self) -> dict[str, Any]:
        counts = {risk.value: self.count(risk) for risk in COUNT_ORDER}
        return {"from": self.old.version, "to": self.new.version,
                "additive_only": self.additive_only, "backward_compatible": self.backward_compatible,
                "counts": counts, "changes": [c.to_json() for c in self.changes],
                "suggestions": list(self.suggestions)}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe_field(f: Field) -> str:
    text = f.affinity + (" NOT NULL" if f.not_null else "")
    return text + (f" DEFAULT {f.default_value}" if f.default_value is not None else "")


def _field_json(f: Field) -> dict[str, Any]:
    return {"affinity": f.affinity, "not_null": f.not_null, "default": f.default_value}


def _column_changes(a: Field, b: Field, t: str) -> list[Change]:
    """``a`` -> ``b``, one column of table ``t`` matched by name or a declared rename."""
    out = []
    c = b.column_name
    detail = {"from": _field_json(a), "to": _field_json(b)}
    if a.affinity != b.affinity:
        narrowed = (a.affinity, b.affinity) not in _WIDER
        out.append(Change(kind=ChangeKind.COLUMN_AFFINITY_CHANGED, table=t, column=c,
                          risk=Risk.DESTRUCTIVE if narrowed else Risk.REBUILD,
                          summary=f"{t}.{c}: affinity {a.affinity} -> {b.affinity}"
                          + (" (narrowed: stored values may be coerced)" if narrowed else ""),
                          details=detail, backward_compatible=False))
    if a.not_null != b.not_null:
        if b.not_null:
            out.append(Change(kind=ChangeKind.COLUMN_NOT_NULL_CHANGED, table=t, column=c, risk=Risk.DATA_DEPENDENT,
                              summary=f"{t}.{c}: becomes NOT NULL (existing NULLs need a value)", details=detail,
                              backward_compatible=b.default_value is not None))
        else:
            out.append(Change(kind=ChangeKind.COLUMN_NOT_NULL_CHANGED, table=t, column=c, risk=Risk.REBUILD,
                              summary=f"{t}.{c}: becomes nullable", details=detail))
    if a.default_value != b.default_value:
        out.append(Change(kind=ChangeKind.COLUMN_DEFAULT_CHANGED, table=t, column=c, risk=Risk.REBUILD,
                          summary=f"{t}.{c}: default {a.default_value} -> {b.default_value}", details=detail,
                          backward_compatible=not (b.not_null and b.default_value is None)))
    return out


def _index_text(i: Index) -> str:
    cols = ", ".join(f"{c} {o}" if o != "ASC" else c for c, o in zip(i.column_names or (), i.effective_orders))
    return f"{'UNIQUE ' if i.unique else ''}{i.name}({cols})"


def _fk_text(fk: ForeignKey) -> str:
    return (f"({', '.join(fk.columns)}) -> {fk.table}({', '.join(fk.referenced_columns)}) "
            f"ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}")


def _table_changes(old: Entity, new: Entity, decl: Declarations) -> list[Change]:
    out: list[Change] = []
    t = new.table_name
    renames = {o: n for (tbl, o), n in decl.rename_columns.items() if tbl == old.table_name}
    matched = set()
    for a in old.fields:
        target = renames.get(a.column_name, a.column_name)
        b = new.field(target)
        if b is None:
            deleted = (old.table_name, a.column_name) in decl.delete_columns
            out.append(Change(kind=ChangeKind.COLUMN_REMOVED, table=t, column=a.column_name, risk=Risk.DESTRUCTIVE,
                              summary=f"{t}.{a.column_name}: column removed ({describe_field(a)})"
                              + ("" if deleted or decl.allow_drops else " - undeclared"),
                              details={"field": _field_json(a), "declared": deleted or decl.allow_drops},
                              backward_compatible=False))
            continue
        matched.add(target)
        if target != a.column_name:
            out.append(Change(kind=ChangeKind.COLUMN_RENAMED, table=t, column=target, risk=Risk.REBUILD,
                              summary=f"{t}.{a.column_name} renamed to {target}",
                              details={"from": a.column_name, "to": target}, backward_compatible=False))
        if not same_definition(a, b):
            out += _column_changes(a, b, t)
    for b in new.fields:
        if b.column_name in matched:
            continue
        filled = (t, b.column_name) in decl.fills
        if b.not_null and b.default_value is None:
            out.append(Change(kind=ChangeKind.COLUMN_ADDED, table=t, column=b.column_name, risk=Risk.DATA_DEPENDENT,
                              summary=f"{t}.{b.column_name}: NOT NULL column added without default"
                              + (f" (filled with {decl.fills[(t, b.column_name)]})" if filled else " - needs --fill"),
                              details={"field": _field_json(b), "fill": decl.fills.get((t, b.column_name))},
                              backward_compatible=False))
        else:
            out.append(Change(kind=ChangeKind.COLUMN_ADDED, table=t, column=b.column_name, risk=Risk.ADDITIVE,
                              summary=f"{t}.{b.column_name}: column added ({describe_field(b)})",
                              details={"field": _field_json(b)}))

    def renamed(cols: Optional[tuple[str, ...]]) -> tuple[str, ...]:
        return tuple(renames.get(c, c) for c in (cols or ()))

    if renamed(old.primary_key.column_names) != tuple(new.primary_key.column_names) or \
            old.primary_key.auto_generate != new.primary_key.auto_generate:
        out.append(Change(kind=ChangeKind.PRIMARY_KEY_CHANGED, table=t, risk=Risk.DATA_DEPENDENT,
                          summary=f"{t}: primary key ({', '.join(old.primary_key.column_names)}) -> "
                          f"({', '.join(new.primary_key.column_names)})"
                          + (" autoGenerate" if new.primary_key.auto_generate else ""),
                          details={"from": list(old.primary_key.column_names),
                                   "to": list(new.primary_key.column_names),
                                   "auto_generate": new.primary_key.auto_generate},
                          backward_compatible=False))
    old_idx = {i.name: i for i in old.indices}
    new_idx = {i.name: i for i in new.indices}
    for name, i in new_idx.items():
        before = old_idx.get(name)
        if before is None:
            out.append(Change(kind=ChangeKind.INDEX_ADDED, table=t,
                              risk=Risk.DATA_DEPENDENT if i.unique else Risk.ADDITIVE,
                              summary=f"{t}: index added {_index_text(i)}"
                              + (" (fails on duplicates)" if i.unique else ""),
                              details={"name": name, "unique": i.unique, "columns": list(i.column_names or ())}))
        elif (before.unique, renamed(before.column_names), before.effective_orders) != \
                (i.unique, tuple(i.column_names or ()), i.effective_orders):
            tighter = i.unique and not before.unique
            out.append(Change(kind=ChangeKind.INDEX_CHANGED, table=t,
                              risk=Risk.DATA_DEPENDENT if tighter else Risk.REBUILD,
                              summary=f"{t}: index {_index_text(before)} -> {_index_text(i)}",
                              details={"name": name, "from": list(before.column_names or ()),
                                       "to": list(i.column_names or ()), "unique": i.unique}))
    for name, i in old_idx.items():
        if name not in new_idx:
            out.append(Change(kind=ChangeKind.INDEX_REMOVED, table=t, risk=Risk.REBUILD,
                              summary=f"{t}: index removed {_index_text(i)}",
                              details={"name": name, "columns": list(i.column_names or ())}))
    old_fk = {renamed(fk.columns): fk for fk in old.foreign_keys}
    new_fk = {tuple(fk.columns): fk for fk in new.foreign_keys}
    for cols, fk in new_fk.items():
        before = old_fk.get(cols)
        if before is None:
            out.append(Change(kind=ChangeKind.FOREIGN_KEY_ADDED, table=t, risk=Risk.DATA_DEPENDENT,
                              summary=f"{t}: foreign key added {_fk_text(fk)}",
                              details={"columns": list(cols), "table": fk.table}))
        elif (decl.renamed_table(before.table), before.on_delete, before.on_update,
              tuple(before.referenced_columns)) != (fk.table, fk.on_delete, fk.on_update, tuple(fk.referenced_columns)):
            out.append(Change(kind=ChangeKind.FOREIGN_KEY_CHANGED, table=t, risk=Risk.DATA_DEPENDENT,
                              summary=f"{t}: foreign key {_fk_text(before)} -> {_fk_text(fk)}",
                              details={"columns": list(cols), "table": fk.table}))
    for cols, fk in old_fk.items():
        if cols not in new_fk:
            out.append(Change(kind=ChangeKind.FOREIGN_KEY_REMOVED, table=t, risk=Risk.REBUILD,
                              summary=f"{t}: foreign key removed {_fk_text(fk)}",
                              details={"columns": list(cols), "table": fk.table}))
    if isinstance(old, FtsEntity) or isinstance(new, FtsEntity):
        if not (isinstance(old, FtsEntity) and isinstance(new, FtsEntity)):
            out.append(Change(kind=ChangeKind.FTS_CHANGED, table=t, risk=Risk.REBUILD,
                              summary=f"{t}: {'becomes' if new.is_fts else 'no longer'} an FTS table"))
        elif old.fts_version != new.fts_version or old.fts_options != new.fts_options:
            detail = {k: {"from": getattr(old.fts_options, k), "to": getattr(new.fts_options, k)}
                      for k in ("tokenizer", "tokenizer_args", "content_table", "language_id_column_name",
                                "match_info", "not_indexed_columns", "prefix_sizes", "preferred_order")
                      if getattr(old.fts_options, k) != getattr(new.fts_options, k)}
            if old.fts_version != new.fts_version:
                detail["fts_version"] = {"from": old.fts_version, "to": new.fts_version}
            detail = {k: {"from": list(v["from"]) if isinstance(v["from"], tuple) else v["from"],
                          "to": list(v["to"]) if isinstance(v["to"], tuple) else v["to"]} for k, v in detail.items()}
            out.append(Change(kind=ChangeKind.FTS_CHANGED, table=t, risk=Risk.REBUILD,
                              summary=f"{t}: FTS " + ", ".join(f"{k} {v['from']} -> {v['to']}"
                                                               for k, v in detail.items()),
                              details=detail))
    return out


TABLE_OVERLAP = 0.5
"""The share of column names (by their words) a removed and an added table must have in common for a
rename to be suggested."""


def _column_suggestions(o: Entity, n: Entity, gone: list, added: list, decl: Declarations, old: Schema,
                        new: Schema) -> list[str]:
    """A ``--rename-column`` hint per removed column that looks renamed: first those one naming change
    explains (camelCase to snake_case, a prefix), then one added column of the same shape; for a
    change that explains several columns, every flag and the configuration lines at once."""
    out: list[str] = []
    systematic = {g: (to, change) for g, to, change in systematic_renames(gone, added)}
    left = [f for f in added if f.column_name not in {to for to, _ in systematic.values()}]
    targets: dict[str, str] = {}
    for g in gone:
        if g.column_name in systematic:
            targets[g.column_name] = systematic[g.column_name][0]
        elif (guess := rename_candidate(g, left)) is not None:
            targets[g.column_name] = guess.column_name
    # A column that several removed ones could have become is no evidence for any of them.
    claimed = Counter(targets.values())
    out += [f"did you mean --rename-column {o.table_name}.{g}={to}?" for g, to in targets.items() if claimed[to] == 1]
    by_change: dict = {}
    for g, (to, change) in systematic.items():
        by_change.setdefault(change, []).append((g, to))
    for change, pairs in by_change.items():
        if len(pairs) < 2:
            continue
        flags = " ".join(f"--rename-column {o.table_name}.{g}={to}" for g, to in pairs)
        lines = ", ".join(f'"{o.table_name}.{g}" = "{to}"' for g, to in pairs)
        out.append(f"{len(pairs)} columns of {o.table_name} look renamed {change.describe()}: {flags}; or in "
                   f"[migrations.\"{old.version}-{new.version}\"] of roomschema.toml (of pyproject.toml: "
                   f"[tool.roomschema.migrations.\"{old.version}-{new.version}\"]): rename_columns = {{ {lines} }}")
    return out


def diff(old: Schema, new: Schema, declarations: Optional[Declarations] = None) -> Diff:
    decl = declarations or Declarations()
    changes: list[Change] = []
    suggestions: list[str] = []
    new_tables = {e.table_name: e for e in new.database.entities}
    matched = set()
    removed = []
    for o in old.database.entities:
        target = decl.renamed_table(o.table_name)
        n = new_tables.get(target)
        if n is None or (target == o.table_name and o.table_name in decl.rename_tables):
            removed.append(o)
            continue
        matched.add(target)
        if target != o.table_name:
            changes.append(Change(kind=ChangeKind.TABLE_RENAMED, table=target, risk=Risk.REBUILD,
                                  summary=f"table {o.table_name} renamed to {target}",
                                  details={"from": o.table_name, "to": target}, backward_compatible=False))
        changes += _table_changes(o, n, decl)
    added = [n for n in new.database.entities if n.table_name not in matched]
    for o in removed:
        declared = o.table_name in decl.delete_tables or decl.allow_drops
        changes.append(Change(kind=ChangeKind.TABLE_REMOVED, table=o.table_name, risk=Risk.DESTRUCTIVE,
                              summary=f"table {o.table_name} removed" + ("" if declared else " - undeclared"),
                              details={"columns": list(o.column_names), "declared": declared},
                              backward_compatible=False))
    for n in added:
        changes.append(Change(kind=ChangeKind.TABLE_ADDED, table=n.table_name, risk=Risk.ADDITIVE,
                              summary=f"table {n.table_name} added ({_count(len(n.fields), 'column', 'columns')}"
                              + (f", {_count(len(n.indices), 'index', 'indices')}" if n.indices else "")
                              + (f", {_count(len(n.foreign_keys), 'foreign key', 'foreign keys')}"
                                 if n.foreign_keys else "") + ")",
                              details={"columns": list(n.column_names), "fts": n.is_fts}))
    old_views = {v.view_name: v for v in old.database.views}
    new_views = {v.view_name: v for v in new.database.views}
    for name, v in new_views.items():
        if name not in old_views:
            changes.append(Change(kind=ChangeKind.VIEW_ADDED, table=name, risk=Risk.ADDITIVE,
                                  summary=f"view {name} added"))
        elif old_views[name].create_sql != v.create_sql:
            changes.append(Change(kind=ChangeKind.VIEW_CHANGED, table=name, risk=Risk.REBUILD,
                                  summary=f"view {name} changed",
                                  details={"from": old_views[name].query, "to": v.query}))
    for name in old_views:
        if name not in new_views:
            changes.append(Change(kind=ChangeKind.VIEW_REMOVED, table=name, risk=Risk.DESTRUCTIVE,
                                  summary=f"view {name} removed (holds no rows)", backward_compatible=False))
    # Suggestions, never inference: only unambiguous same-shape pairs, or names that one naming
    # change explains.
    renamed_to: dict[str, Entity] = {}
    for o in removed:
        shape = sorted((f.column_name, f.affinity) for f in o.fields)
        same = [n for n in added if sorted((f.column_name, f.affinity) for f in n.fields) == shape]
        if len(same) == 1 and o.table_name not in decl.delete_tables:
            suggestions.append(f"did you mean --rename-table {o.table_name}={same[0].table_name}?")
            continue
        # A table renamed while its columns changed: most of its columns, by their words, are there.
        overlap = sorted(((column_overlap(o.column_names, n.column_names), n) for n in added
                          if not n.is_fts and not o.is_fts), key=lambda t: -t[0])
        if (overlap and overlap[0][0] >= TABLE_OVERLAP and (len(overlap) == 1 or overlap[1][0] < overlap[0][0])
                and o.table_name not in decl.delete_tables):
            n = overlap[0][1]
            renamed_to[o.table_name] = n
            shared = len({name_words(c) for c in o.column_names} & {name_words(c) for c in n.column_names})
            suggestions.append(f"did you mean --rename-table {o.table_name}={n.table_name}? ({shared} of "
                               f"{len(o.fields)} columns are still there)")
    by_table: dict[tuple[Optional[str], ChangeKind], list[Change]] = {}
    for c in changes:
        if c.kind in (ChangeKind.COLUMN_ADDED, ChangeKind.COLUMN_REMOVED):
            by_table.setdefault((c.table, c.kind), []).append(c)
    for o in old.database.entities:
        n = new_tables.get(decl.renamed_table(o.table_name))
        if n is None:
            n = renamed_to.get(o.table_name)
            if n is not None:  # the suggested table rename's columns, as if it were declared
                suggestions += _column_suggestions(o, n, [f for f in o.fields if n.field(f.column_name) is None],
                                                   [f for f in n.fields if o.field(f.column_name) is None], decl, old,
                                                   new)
            continue
        added_cols = [f for c in by_table.get((n.table_name, ChangeKind.COLUMN_ADDED), ())
                      if c.column is not None and (f := n.field(c.column)) is not None]
        gone_cols = [f for c in by_table.get((n.table_name, ChangeKind.COLUMN_REMOVED), ())
                     if c.column is not None and (f := o.field(c.column)) is not None
                     and (o.table_name, c.column) not in decl.delete_columns and not decl.allow_drops]
        suggestions += _column_suggestions(o, n, gone_cols, added_cols, decl, old, new)
    # Table renames, removals and additions first, as a reviewer reads them; the sort is stable.
    order = {ChangeKind.TABLE_RENAMED: 0, ChangeKind.TABLE_REMOVED: 1, ChangeKind.TABLE_ADDED: 2}
    changes.sort(key=lambda c: order.get(c.kind, 3))
    return Diff(old, new, tuple(changes), tuple(suggestions))
