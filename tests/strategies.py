"""Hypothesis strategies: random valid Room schemas and a random next version.

The next version is built by applying random edits to the old one, recording
the declarations a person would make, so every pair is one roomschema can plan.
"""
from __future__ import annotations

from hypothesis import strategies as st

from roomschema.schema.compose import entity, field, foreign_key, index, schema
from roomschema.migration.declarations import Declarations
from roomschema.schema.model import replace

AFFINITIES = ("INTEGER", "TEXT", "REAL", "BLOB")
DEFAULTS = {"INTEGER": "0", "TEXT": "'x'", "REAL": "1.5", "BLOB": "x'00'"}
NAMES = st.sampled_from(["a", "b", "c", "d", "e", "note", "ünï", "sp ace", "q`t", "order"])


@st.composite
def columns(draw, prefix):
    n = draw(st.integers(0, 4))
    out = []
    for i in range(n):
        aff = draw(st.sampled_from(AFFINITIES))
        nn = draw(st.booleans())
        dv = DEFAULTS[aff] if (nn or draw(st.booleans())) and draw(st.booleans()) else None
        out.append(field(f"{prefix}{i}_{draw(NAMES)}", aff, nn, dv))
    return out


@st.composite
def table_spec(draw, name, parents):
    cols = [field("id", "INTEGER", True)] + draw(columns(name[0]))
    fks = []
    if parents and draw(st.booleans()):
        parent = draw(st.sampled_from(parents))
        cols.append(field("parent_id", "INTEGER", False))
        fks.append(("parent_id", parent, draw(st.sampled_from(["CASCADE", "NO ACTION", "SET NULL"]))))
    idx = []
    if len(cols) > 1 and draw(st.booleans()):
        idx.append((cols[-1].column_name, False))
    return {"name": name, "columns": cols, "fks": fks, "indices": idx}


def build(spec):
    name = spec["name"]
    return entity(name, spec["columns"], primary_key=["id"],
                  indices=[index(name, [c], unique=u) for c, u in spec["indices"]],
                  foreign_keys=[foreign_key([c], p, ["id"], a) for c, p, a in spec["fks"]])


@st.composite
def schema_pairs(draw):
    """(old schema, new schema, declarations)."""
    names = draw(st.lists(st.sampled_from(["songs", "albums", "artists", "plays", "tags ü"]),
                          min_size=1, max_size=4, unique=True))
    specs = []
    for i, n in enumerate(names):
        specs.append(draw(table_spec(n, [s["name"] for s in specs])))
    old = schema(1, [build(s) for s in specs])
    decl = Declarations()
    new_specs = []
    referenced = {p for s in specs for _, p, _ in s["fks"]}
    for s in specs:
        s = {**s, "columns": list(s["columns"]), "fks": list(s["fks"]), "indices": list(s["indices"])}
        op = draw(st.sampled_from(["keep", "add", "add_nn", "drop_col", "rename_col", "drop_table",
                                   "index", "tighten", "relax", "rename_table"]))
        plain = [c for c in s["columns"] if c.column_name not in ("id", "parent_id")]
        if op == "add":
            aff = draw(st.sampled_from(AFFINITIES))
            s["columns"].append(field("added", aff, draw(st.booleans()), DEFAULTS[aff]))
        elif op == "add_nn":
            s["columns"].append(field("filled", "INTEGER", True))
            decl = replace(decl, fills={**decl.fills, (s["name"], "filled"): "length('x') + 41"})
        elif op == "drop_col" and plain:
            gone = draw(st.sampled_from(plain))
            s["columns"].remove(gone)
            s["indices"] = [i for i in s["indices"] if i[0] != gone.column_name]
            decl = replace(decl, delete_columns=decl.delete_columns + ((s["name"], gone.column_name),))
        elif op == "rename_col" and plain:
            c = draw(st.sampled_from(plain))
            new_name = c.column_name + "_v2"
            s["columns"] = [replace(x, column_name=new_name, field_path=new_name) if x is c else x
                            for x in s["columns"]]
            s["indices"] = [(new_name if i[0] == c.column_name else i[0], i[1]) for i in s["indices"]]
            decl = replace(decl, rename_columns={**decl.rename_columns, (s["name"], c.column_name): new_name})
        elif op == "drop_table" and s["name"] not in referenced:
            decl = replace(decl, delete_tables=decl.delete_tables + (s["name"],))
            continue
        elif op == "index" and plain:
            c = draw(st.sampled_from(plain))
            s["indices"] = [] if s["indices"] else [(c.column_name, False)]
        elif op == "tighten" and [c for c in plain if not c.not_null]:
            c = draw(st.sampled_from([c for c in plain if not c.not_null]))
            s["columns"] = [replace(x, not_null=True, default_value=DEFAULTS[x.affinity]) if x is c else x
                            for x in s["columns"]]
        elif op == "relax" and [c for c in plain if c.not_null]:
            c = draw(st.sampled_from([c for c in plain if c.not_null]))
            s["columns"] = [replace(x, not_null=False) if x is c else x for x in s["columns"]]
        elif op == "rename_table" and s["name"] not in referenced:
            decl = replace(decl, rename_tables={**decl.rename_tables, s["name"]: s["name"] + "_v2"})
            s = {**s, "name": s["name"] + "_v2"}
        new_specs.append(s)
    if draw(st.booleans()):
        new_specs.append(draw(table_spec("fresh", [s["name"] for s in new_specs])))
    new = schema(2, [build(s) for s in new_specs])
    return old, new, decl
