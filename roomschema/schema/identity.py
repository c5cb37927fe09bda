"""Room's identity hash, recomputed from the export (docs/room-format.md#identity-hash).

Room hashes its compiler model, and three facts of that model are not in the
JSON: whether a foreign key is deferred (recovered from ``createSql``), the
nullability of an FTS entity's hidden rowid/languageId properties (assumed
non-null, then the other possibilities), and whitespace around a view query
(lost; cannot be recovered). ``check`` tries the plausible variants so a true
mismatch is a real one.
"""
from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from typing import Iterable, Optional

from roomschema.schema.model import Database, Entity, FtsEntity, ForeignKey, Index, Schema, View

SEP = "?:?"
LEGACY_SEP = "\u00af\\_(\u30c4)_/\u00af"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _key(parts: Iterable[str]) -> str:
    return _md5("".join(p + SEP for p in parts))


def _sorted(keys: Iterable[str]) -> list:
    # Kotlin's sortedWith is stable, as is Python's sort.
    return sorted(keys, key=lambda k: k.lower())


def _bool(value: bool) -> str:
    return "true" if value else "false"


def field_key(column: str, affinity: str, not_null: bool, default: Optional[str]) -> str:
    key = f"{column}-{affinity or 'TEXT'}-{_bool(not_null)}"
    return key if default is None else f"{key}-defaultValue={default}"


def index_key(i: Index) -> str:
    key = f"{_bool(i.unique)}-{i.name}-{','.join(i.column_names or ())}"
    return key + ("-" + ",".join(i.orders) if i.orders else "")


def is_deferred(entity: Entity, fk: ForeignKey) -> bool:
    cols = ", ".join(f"`{c}`" for c in fk.columns)
    refs = ", ".join(f"`{c}`" for c in fk.referenced_columns)
    clause = (f"FOREIGN KEY({cols}) REFERENCES `{fk.table}`({refs}) "
              f"ON UPDATE {fk.on_update} ON DELETE {fk.on_delete} DEFERRABLE INITIALLY DEFERRED")
    return clause in entity.create_sql


def foreign_key_key(entity: Entity, fk: ForeignKey) -> str:
    return (f"{fk.table}-{','.join(fk.referenced_columns)}-{','.join(fk.columns)}"
            f"-{fk.on_delete}-{fk.on_update}-{_bool(is_deferred(entity, fk))}")


def hidden_fts_columns(entity: FtsEntity) -> list:
    """The rowid and languageId properties Room hashes but does not export."""
    present = set(entity.column_names)
    hidden = [c for c in entity.primary_key.column_names if c not in present]
    lang = entity.fts_options.language_id_column_name
    if lang and lang not in present and lang not in hidden:
        hidden.append(lang)
    return hidden


def _fts_options_key(e: FtsEntity) -> str:
    o = e.fts_options
    return _key([o.tokenizer, ", ".join(o.tokenizer_args), o.content_table, o.language_id_column_name,
                 o.match_info, ", ".join(o.not_indexed_columns), ", ".join(map(str, o.prefix_sizes)),
                 o.preferred_order])


def entity_key(e: Entity, hidden_not_null: tuple = ()) -> str:
    fields = [field_key(f.column_name, f.affinity, f.not_null, f.default_value) for f in e.fields]
    if isinstance(e, FtsEntity):
        hidden = hidden_fts_columns(e)
        nn = hidden_not_null or (True,) * len(hidden)
        fields += [field_key(c, "INTEGER", n, None) for c, n in zip(hidden, nn)]
        return _key([e.table_name] + _sorted(fields) + [e.fts_version, _fts_options_key(e)])
    pk = e.primary_key
    pk_key = f"{_bool(pk.auto_generate)}-[{', '.join(pk.column_names)}]"
    return _key([e.table_name, pk_key] + _sorted(fields) + _sorted(index_key(i) for i in e.indices)
                + _sorted(foreign_key_key(e, fk) for fk in e.foreign_keys))


def view_key(v: View) -> str:
    return _key([v.query])


def identity_hash(db: Database) -> str:
    """Room's current SchemaIdentityKey hash (hidden FTS fields taken as non-null)."""
    return _key(_sorted(entity_key(e) for e in db.entities) + _sorted(view_key(v) for v in db.views))


def legacy_identity_hash(db: Database) -> str:
    """The Room 1.0 alpha hash that Room still accepts on open (docs/room-format.md#legacy-identity-hash)."""
    parts = [e.create_table_sql() for e in sorted(db.entities, key=lambda e: e.table_name)]
    for e in db.entities:
        for i in e.indices:
            sql = i.create_sql_for(e.table_name)
            marker = "IF NOT EXISTS"
            if marker in sql:
                head = "CREATE UNIQUE INDEX" if i.unique else "CREATE  INDEX"
                sql = head + sql[sql.index(marker) + len(marker):]
            parts.append(sql)
    parts += [v.view_name + v.query for v in sorted(db.views, key=lambda v: v.view_name)]
    return _md5(LEGACY_SEP.join(parts))


@dataclass(frozen=True)
class IdentityCheck:
    stored: str
    computed: str
    legacy: str
    algorithm: Optional[str]  # "current", "legacy", or None when neither matches
    note: str = ""

    @property
    def matches(self) -> bool:
        return self.algorithm is not None

    def to_json(self) -> dict:
        return {"stored": self.stored, "computed": self.computed, "legacy": self.legacy,
                "match": self.matches, "algorithm": self.algorithm, "note": self.note}


def _hidden_variants(db: Database):
    """Each assignment of nullability to hidden FTS properties, most likely first."""
    slots = [(e.table_name, len(hidden_fts_columns(e))) for e in db.entities if isinstance(e, FtsEntity)]
    total = sum(n for _, n in slots)
    if not total or total > 8:
        return
    for combo in itertools.product((True, False), repeat=total):
        if all(combo):
            continue
        it = iter(combo)
        yield {t: tuple(next(it) for _ in range(n)) for t, n in slots}


def check(schema: Schema) -> IdentityCheck:
    db = schema.database
    stored = db.identity_hash
    computed = identity_hash(db)
    legacy = legacy_identity_hash(db)
    if computed == stored:
        return IdentityCheck(stored, computed, legacy, "current")
    if legacy == stored:
        return IdentityCheck(stored, computed, legacy, "legacy")
    for variant in _hidden_variants(db):
        keys = [entity_key(e, variant.get(e.table_name, ())) for e in db.entities]
        if _key(_sorted(keys) + _sorted(view_key(v) for v in db.views)) == stored:
            nullable = [t for t, v in variant.items() if not all(v)]
            return IdentityCheck(stored, stored, legacy, "current",
                                 f"matches when the hidden FTS rowid/languageId of {', '.join(nullable)} is nullable")
    note = "a view query with leading or trailing whitespace cannot be rehashed from JSON" if db.views else ""
    return IdentityCheck(stored, computed, legacy, None, note)

