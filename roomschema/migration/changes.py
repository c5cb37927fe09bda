"""Two schemas -> the list of changes a reviewer needs, each with its risk.

Matching follows the declarations (renames are never inferred); unmatched
removed/added pairs of the same shape only produce suggestions.
"""
from __future__ import annotations

from roomschema.migration.declarations import Declarations
from roomschema.schema.equality import rename_candidate, same_definition
from roomschema.schema.model import Entity, Field, FtsEntity, Schema
from dataclasses import dataclass, field

from typing import Optional

ADDITIVE = "additive"
REBUILD = "rebuild"
DESTRUCTIVE = "destructive"
DATA_DEPENDENT = "data-dependent"
CLASSES = (ADDITIVE, REBUILD, DESTRUCTIVE, DATA_DEPENDENT)
RISK = {ADDITIVE: 0, REBUILD: 1, DATA_DEPENDENT: 2, DESTRUCTIVE: 3}
# Values SQLite can hold under each affinity without changing them; a move
# to a narrower one may coerce or reinterpret what is stored.
_WIDER = {("INTEGER", "REAL"), ("INTEGER", "TEXT"), ("REAL", "TEXT"), ("INTEGER", "BLOB"),
          ("REAL", "BLOB"), ("TEXT", "BLOB")}


@dataclass(frozen=True)
class Change:
    kind: str
    table: Optional[str]
    column: Optional[str]
    cls: str
    summary: str
    details: dict = field(default_factory=dict)
    backward_compatible: bool = True

    def to_json(self) -> dict:
        return {"kind": self.kind, "table": self.table, "column": self.column, "class": self.cls,
                "backward_compatible": self.backward_compatible, "summary": self.summary,
                "details": self.details}


@dataclass(frozen=True)
class Diff:
    old: Schema
    new: Schema
    changes: tuple
    suggestions: tuple = ()

    @property
    def additive_only(self) -> bool:
        return all(c.cls == ADDITIVE for c in self.changes)

    @property
    def backward_compatible(self) -> bool:
        return all(c.backward_compatible for c in self.changes)

    @property
    def worst(self) -> Optional[str]:
        return max((c.cls for c in self.changes), key=RISK.get, default=None)

    def to_json(self) -> dict:
        counts = {c: sum(1 for x in self.changes if x.cls == c) for c in CLASSES}
        return {"from": self.old.version, "to": self.new.version,
                "additive_only": self.additive_only, "backward_compatible": self.backward_compatible,
                "counts": counts, "changes": [c.to_json() for c in self.changes],
                "suggestions": list(self.suggestions)}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe_field(f: Field) -> str:
    text = f.affinity + (" NOT NULL" if f.not_null else "")
    return text + (f" DEFAULT {f.default_value}" if f.default_value is not None else "")


def _field_json(f: Field) -> dict:
    return {"affinity": f.affinity, "not_null": f.not_null, "default": f.default_value}


def _column_changes(old: Entity, new: Entity, a: Field, b: Field) -> list:
    out = []
    t, c = new.table_name, b.column_name
    detail = {"from": _field_json(a), "to": _field_json(b)}
    if a.affinity != b.affinity:
        narrowed = (a.affinity, b.affinity) not in _WIDER
        out.append(Change("column-affinity-changed", t, c, DESTRUCTIVE if narrowed else REBUILD,
                          f"{t}.{c}: affinity {a.affinity} -> {b.affinity}"
                          + (" (narrowed: stored values may be coerced)" if narrowed else ""), detail, False))
    if a.not_null != b.not_null:
        if b.not_null:
            out.append(Change("column-not-null-changed", t, c, DATA_DEPENDENT,
                              f"{t}.{c}: becomes NOT NULL (existing NULLs need a value)", detail,
                              b.default_value is not None))
        else:
            out.append(Change("column-not-null-changed", t, c, REBUILD, f"{t}.{c}: becomes nullable", detail))
    if a.default_value != b.default_value:
        out.append(Change("column-default-changed", t, c, REBUILD,
                          f"{t}.{c}: default {a.default_value} -> {b.default_value}", detail,
                          not (b.not_null and b.default_value is None)))
    return out


def _index_text(i) -> str:
    cols = ", ".join(f"{c} {o}" if o != "ASC" else c for c, o in zip(i.column_names or (), i.effective_orders))
    return f"{'UNIQUE ' if i.unique else ''}{i.name}({cols})"


def _fk_text(fk) -> str:
    return (f"({', '.join(fk.columns)}) -> {fk.table}({', '.join(fk.referenced_columns)}) "
            f"ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}")


def _table_changes(old: Entity, new: Entity, decl: Declarations) -> list:
    out = []
    t = new.table_name
    renames = {o: n for (tbl, o), n in decl.rename_columns.items() if tbl == old.table_name}
    matched = set()
    for a in old.fields:
        target = renames.get(a.column_name, a.column_name)
        b = new.field(target)
        if b is None:
            deleted = (old.table_name, a.column_name) in decl.delete_columns
            out.append(Change("column-removed", t, a.column_name, DESTRUCTIVE,
                              f"{t}.{a.column_name}: column removed ({describe_field(a)})"
                              + ("" if deleted or decl.allow_drops else " - undeclared"),
                              {"field": _field_json(a), "declared": deleted or decl.allow_drops}, False))
            continue
        matched.add(target)
        if target != a.column_name:
            out.append(Change("column-renamed", t, target, REBUILD,
                              f"{t}.{a.column_name} renamed to {target}", {"from": a.column_name, "to": target},
                              False))
        if not same_definition(a, b):
            out += _column_changes(old, new, a, b)
    for b in new.fields:
        if b.column_name in matched:
            continue
        filled = (t, b.column_name) in decl.fills
        if b.not_null and b.default_value is None:
            out.append(Change("column-added", t, b.column_name, DATA_DEPENDENT,
                              f"{t}.{b.column_name}: NOT NULL column added without default"
                              + (f" (filled with {decl.fills[(t, b.column_name)]})" if filled else " - needs --fill"),
                              {"field": _field_json(b), "fill": decl.fills.get((t, b.column_name))}, False))
        else:
            out.append(Change("column-added", t, b.column_name, ADDITIVE,
                              f"{t}.{b.column_name}: column added ({describe_field(b)})", {"field": _field_json(b)}))
    rn = lambda cols: tuple(renames.get(c, c) for c in (cols or ()))  # noqa: E731
    if rn(old.primary_key.column_names) != tuple(new.primary_key.column_names) or \
            old.primary_key.auto_generate != new.primary_key.auto_generate:
        out.append(Change("primary-key-changed", t, None, DATA_DEPENDENT,
                          f"{t}: primary key ({', '.join(old.primary_key.column_names)}) -> "
                          f"({', '.join(new.primary_key.column_names)})"
                          + (" autoGenerate" if new.primary_key.auto_generate else ""),
                          {"from": list(old.primary_key.column_names), "to": list(new.primary_key.column_names),
                           "auto_generate": new.primary_key.auto_generate}, False))
    old_idx = {i.name: i for i in old.indices}
    new_idx = {i.name: i for i in new.indices}
    for name, i in new_idx.items():
        before = old_idx.get(name)
        if before is None:
            out.append(Change("index-added", t, None, DATA_DEPENDENT if i.unique else ADDITIVE,
                              f"{t}: index added {_index_text(i)}" + (" (fails on duplicates)" if i.unique else ""),
                              {"name": name, "unique": i.unique, "columns": list(i.column_names or ())}))
        elif (before.unique, rn(before.column_names), before.effective_orders) != \
                (i.unique, tuple(i.column_names or ()), i.effective_orders):
            tighter = i.unique and not before.unique
            out.append(Change("index-changed", t, None, DATA_DEPENDENT if tighter else REBUILD,
                              f"{t}: index {_index_text(before)} -> {_index_text(i)}",
                              {"name": name, "from": list(before.column_names or ()),
                               "to": list(i.column_names or ()), "unique": i.unique}))
    for name, i in old_idx.items():
        if name not in new_idx:
            out.append(Change("index-removed", t, None, REBUILD, f"{t}: index removed {_index_text(i)}",
                              {"name": name, "columns": list(i.column_names or ())}))
    old_fk = {rn(fk.columns): fk for fk in old.foreign_keys}
    new_fk = {tuple(fk.columns): fk for fk in new.foreign_keys}
    for cols, fk in new_fk.items():
        before = old_fk.get(cols)
        parent = decl.renamed_table(before.table) if before else None
        if before is None:
            out.append(Change("foreign-key-added", t, None, DATA_DEPENDENT, f"{t}: foreign key added {_fk_text(fk)}",
                              {"columns": list(cols), "table": fk.table}, True))
        elif (parent, before.on_delete, before.on_update, tuple(before.referenced_columns)) != \
                (fk.table, fk.on_delete, fk.on_update, tuple(fk.referenced_columns)):
            out.append(Change("foreign-key-changed", t, None, DATA_DEPENDENT,
                              f"{t}: foreign key {_fk_text(before)} -> {_fk_text(fk)}",
                              {"columns": list(cols), "table": fk.table}))
    for cols, fk in old_fk.items():
        if cols not in new_fk:
            out.append(Change("foreign-key-removed", t, None, REBUILD, f"{t}: foreign key removed {_fk_text(fk)}",
                              {"columns": list(cols), "table": fk.table}))
    if isinstance(old, FtsEntity) or isinstance(new, FtsEntity):
        if not (isinstance(old, FtsEntity) and isinstance(new, FtsEntity)):
            out.append(Change("fts-changed", t, None, REBUILD,
                              f"{t}: {'becomes' if new.is_fts else 'no longer'} an FTS table", {}))
        elif old.fts_version != new.fts_version or old.fts_options != new.fts_options:
            detail = {k: {"from": getattr(old.fts_options, k), "to": getattr(new.fts_options, k)}
                      for k in ("tokenizer", "tokenizer_args", "content_table", "language_id_column_name",
                                "match_info", "not_indexed_columns", "prefix_sizes", "preferred_order")
                      if getattr(old.fts_options, k) != getattr(new.fts_options, k)}
            if old.fts_version != new.fts_version:
                detail["fts_version"] = {"from": old.fts_version, "to": new.fts_version}
            detail = {k: {"from": list(v["from"]) if isinstance(v["from"], tuple) else v["from"],
                          "to": list(v["to"]) if isinstance(v["to"], tuple) else v["to"]} for k, v in detail.items()}
            out.append(Change("fts-changed", t, None, REBUILD,
                              f"{t}: FTS " + ", ".join(f"{k} {v['from']} -> {v['to']}" for k, v in detail.items()),
                              detail))
    return out


def diff(old: Schema, new: Schema, declarations: Optional[Declarations] = None) -> Diff:
    decl = declarations or Declarations()
    changes, suggestions = [], []
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
            changes.append(Change("table-renamed", target, None, REBUILD,
                                  f"table {o.table_name} renamed to {target}",
                                  {"from": o.table_name, "to": target}, False))
        changes += _table_changes(o, n, decl)
    added = [n for n in new.database.entities if n.table_name not in matched]
    for o in removed:
        declared = o.table_name in decl.delete_tables or decl.allow_drops
        changes.append(Change("table-removed", o.table_name, None, DESTRUCTIVE,
                              f"table {o.table_name} removed" + ("" if declared else " - undeclared"),
                              {"columns": list(o.column_names), "declared": declared}, False))
    for n in added:
        changes.append(Change("table-added", n.table_name, None, ADDITIVE,
                              f"table {n.table_name} added ({_count(len(n.fields), 'column', 'columns')}"
                              + (f", {_count(len(n.indices), 'index', 'indices')}" if n.indices else "")
                              + (f", {_count(len(n.foreign_keys), 'foreign key', 'foreign keys')}"
                                 if n.foreign_keys else "") + ")",
                              {"columns": list(n.column_names), "fts": n.is_fts}))
    old_views = {v.view_name: v for v in old.database.views}
    new_views = {v.view_name: v for v in new.database.views}
    for name, v in new_views.items():
        if name not in old_views:
            changes.append(Change("view-added", name, None, ADDITIVE, f"view {name} added", {}))
        elif old_views[name].create_sql != v.create_sql:
            changes.append(Change("view-changed", name, None, REBUILD, f"view {name} changed",
                                  {"from": old_views[name].query, "to": v.query}))
    for name in old_views:
        if name not in new_views:
            changes.append(Change("view-removed", name, None, DESTRUCTIVE, f"view {name} removed (holds no rows)",
                                  {}, False))
    # Suggestions, never inference: only unambiguous same-shape pairs.
    for o in removed:
        shape = sorted((f.column_name, f.affinity) for f in o.fields)
        same = [n for n in added if sorted((f.column_name, f.affinity) for f in n.fields) == shape]
        if len(same) == 1 and o.table_name not in decl.delete_tables:
            suggestions.append(f"did you mean --rename-table {o.table_name}={same[0].table_name}?")
    by_table: dict = {}
    for c in changes:
        if c.kind in ("column-added", "column-removed"):
            by_table.setdefault((c.table, c.kind), []).append(c)
    for o in old.database.entities:
        n = new_tables.get(decl.renamed_table(o.table_name))
        if n is None:
            continue
        added_cols = [n.field(c.column) for c in by_table.get((n.table_name, "column-added"), ())]
        for c in by_table.get((n.table_name, "column-removed"), ()):
            if (o.table_name, c.column) in decl.delete_columns or decl.allow_drops:
                continue
            guess = rename_candidate(o.field(c.column), added_cols)
            if guess is not None:
                suggestions.append(f"did you mean --rename-column {o.table_name}.{c.column}={guess.column_name}?")
    order = {"table-renamed": 0, "table-removed": 1, "table-added": 2}
    changes.sort(key=lambda c: (order.get(c.kind, 3)))
    return Diff(old, new, tuple(changes), tuple(suggestions))
