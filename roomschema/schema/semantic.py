"""Rules the JSON Schema cannot express: names, references, hashes.

Each finding is one line ``FILE: $.json.path: message``.
"""
from __future__ import annotations

import re
from pathlib import Path

from roomschema.schema.identity import check as check_identity
from roomschema.schema.model import Schema

_INSERT_HASH = re.compile(r"VALUES\(42, ['\"]([0-9a-f]*)['\"]\)")


def _dupes(names) -> list:
    seen, out = set(), []
    for i, n in enumerate(names):
        key = n.lower()  # SQLite identifiers are case-insensitive
        if key in seen:
            out.append((i, n))
        seen.add(key)
    return out


def semantic_errors(schema: Schema, filename: str) -> list:
    errs = []
    db = schema.database
    p = "$.database"

    def add(path, msg):
        errs.append(f"{filename}: {path}: {msg}")

    stem = Path(filename).stem
    if stem.isdigit() and int(stem) != db.version:
        add(f"{p}.version", f"version {db.version} does not match the file name {Path(filename).name}")
    for i, name in _dupes([e.table_name for e in db.entities] + [v.view_name for v in db.views]):
        where = f"{p}.entities[{i}]" if i < len(db.entities) else f"{p}.views[{i - len(db.entities)}]"
        add(where, f"duplicate table or view name '{name}'")
    all_index = [(ei, ii, ix.name) for ei, e in enumerate(db.entities) for ii, ix in enumerate(e.indices)]
    for k, name in _dupes([n for _, _, n in all_index]):
        ei, ii, _ = all_index[k]
        add(f"{p}.entities[{ei}].indices[{ii}].name", f"duplicate index name '{name}' (index names are "
                                                      f"global in SQLite)")
    tables = {e.table_name: e for e in db.entities}
    for ei, e in enumerate(db.entities):
        ep = f"{p}.entities[{ei}]"
        cols = set(e.column_names)
        for fi, name in _dupes(e.column_names):
            add(f"{ep}.fields[{fi}].columnName", f"duplicate column '{name}' in table '{e.table_name}'")
        hidden = set(e.primary_key.column_names) if e.is_fts else set()
        for ci, c in enumerate(e.primary_key.column_names):
            if c not in cols and c not in hidden:
                add(f"{ep}.primaryKey.columnNames[{ci}]", f"primary key names unknown column '{c}'")
        for ii, ix in enumerate(e.indices):
            for ci, c in enumerate(ix.column_names or ()):
                if c not in cols:
                    add(f"{ep}.indices[{ii}].columnNames[{ci}]", f"index '{ix.name}' names unknown column '{c}'")
            if ix.orders and len(ix.orders) != len(ix.column_names or ()):
                add(f"{ep}.indices[{ii}].orders", f"{len(ix.orders)} orders for {len(ix.column_names or ())} columns")
        for fi, fk in enumerate(e.foreign_keys):
            fp = f"{ep}.foreignKeys[{fi}]"
            for ci, c in enumerate(fk.columns):
                if c not in cols:
                    add(f"{fp}.columns[{ci}]", f"foreign key names unknown column '{c}'")
            if len(fk.columns) != len(fk.referenced_columns):
                add(f"{fp}.referencedColumns", f"{len(fk.referenced_columns)} referenced columns for "
                                               f"{len(fk.columns)} columns")
            parent = tables.get(fk.table)
            if parent is None:
                add(f"{fp}.table", f"foreign key references unknown table '{fk.table}'")
                continue
            for ci, c in enumerate(fk.referenced_columns):
                if parent.field(c) is None:
                    add(f"{fp}.referencedColumns[{ci}]", f"column '{c}' is not in table '{fk.table}'")
            refs = set(fk.referenced_columns)
            unique_sets = [set(parent.primary_key.column_names)] + [
                set(ix.column_names or ()) for ix in parent.indices if ix.unique]
            if refs and all(parent.field(c) for c in refs) and refs not in unique_sets:
                add(f"{fp}.referencedColumns", f"({', '.join(fk.referenced_columns)}) of '{fk.table}' is neither "
                                               f"its primary key nor a unique index: SQLite rejects the foreign key "
                                               f"(foreign key mismatch)")
    ident = check_identity(schema)
    if not ident.matches:
        note = f" ({ident.note})" if ident.note else ""
        add(f"{p}.identityHash", f"identityHash {ident.stored} does not match Room's hash of this schema "
                                 f"{ident.computed} (legacy algorithm: {ident.legacy}){note}")
    for qi, q in enumerate(db.setup_queries):
        m = _INSERT_HASH.search(q)
        if m and m.group(1) != db.identity_hash:
            add(f"{p}.setupQueries[{qi}]", f"room_master_table hash {m.group(1)} does not match identityHash "
                                           f"{db.identity_hash}")
    return errs
