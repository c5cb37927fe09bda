"""Room's identity hash, recomputed from the export (docs/room-format.md#identity-hash).

Room hashes its compiler model, and three facts of that model are not in the
JSON: whether a foreign key is deferred (recovered from ``createSql``), the
nullability of an FTS entity's hidden rowid/languageId properties (assumed
non-null, then the other possibilities), and the whitespace the source put around
a view query (exported trimmed; the shapes source code produces are tried, those of
the neighbouring version first). ``check`` tries the plausible variants so a true
mismatch is a real one.
"""
from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

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
    # Room 3's @Entity(withoutRowId = true) adds "1", and only then, so older hashes stand.
    return _key([e.table_name, pk_key] + _sorted(fields) + _sorted(index_key(i) for i in e.indices)
                + _sorted(foreign_key_key(e, fk) for fk in e.foreign_keys) + (["1"] if without_rowid(e) else []))


_WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID\s*$", re.IGNORECASE)


def without_rowid(e: Entity) -> bool:
    """A Room 3 ``@Entity(withoutRowId = true)`` table. Its createSql ends in ``WITHOUT ROWID`` in
    every Room 3 release; newer ones also write ``"withoutRowId": true``, which is read as an
    extra key, so the statement is the one signal both have."""
    return not e.is_fts and bool(_WITHOUT_ROWID.search(e.create_sql))


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


# ---- whitespace around view queries --------------------------------------------------------------
#
# An annotation argument must be a compile-time constant, so a @DatabaseView query is usually
# written without trimIndent(): a Kotlin raw string keeps the newline after its opening `"""` and the
# indentation before its closing `"""`, a Java concatenation often ends in a space, a Java text
# block in a newline. Room hashes that text and exports it trimmed. The edges tried on either side:
# nothing, a space, or a newline and up to 16 spaces or 4 tabs of indentation (the corpus needs
# "\n" + 6 spaces before and "\n" + 4 after, and "\n" on both sides). 23 edges, 529 shapes a view.
_MAX_SPACES, _MAX_TABS = 16, 4
_EDGES = ("", " ") + tuple("\n" + " " * n for n in range(_MAX_SPACES + 1)) \
    + tuple("\n" + "\t" * n for n in range(1, _MAX_TABS + 1))


def _view_shapes() -> tuple:
    """Every (before, after) pair of edges, the shapes source code produces first."""
    shapes: dict = {("", ""): None}

    def kotlin(closes: range) -> None:
        # A Kotlin raw string: the query one indentation step (2, 4 or 0) deeper than the closing quotes.
        for close in closes:
            for step in (2, 4, 0):
                if close + step <= _MAX_SPACES:
                    shapes["\n" + " " * (close + step), "\n" + " " * close] = None
    kotlin(range(0, 5, 2))
    # One edge only: a Java text block or a query starting right after `"""`, a concatenation's space.
    for edge in ("\n", " "):
        shapes["", edge] = shapes[edge, ""] = None
    shapes[" ", " "] = None
    kotlin(range(6, _MAX_SPACES + 1, 2))
    for close in range(_MAX_TABS):
        for step in (1, 0):
            shapes["\n" + "\t" * (close + step), "\n" + "\t" * close] = None
    for before in _EDGES:
        for after in _EDGES:
            shapes[before, after] = None
    return tuple(shapes)


VIEW_SHAPES = _view_shapes()
_SHAPE_RANK = {shape: i for i, shape in enumerate(VIEW_SHAPES)}

# The views' shapes must be searched together (Room hashes the concatenation of every entity and
# view key, so no view can be tested on its own), and the combinations multiply. Three searches,
# each bounded or linear in the number of shapes, keep a file that matches nothing at a few thousand
# MD5s (measured: 3 ms with one view, 13 ms with two, 90 ms with ten):
# - together: the likeliest k shapes of every view, best rank sum first, with k**views <= 4096
#   (every shape of one view, the likeliest 64 of each of two views, 16 of three ...);
# - alike: every shape for all views at once (one codebase writes its views the same way);
# - one view at a time: every shape of each view, the others kept at their likeliest shape (the
#   neighbour's), which is how a history changes: one view edited, the others as they were.
# The neighbouring version's shapes come first, so a history costs one MD5 per version.
JOINT_BUDGET = 4096


def _describe_edge(edge: str) -> str:
    if not edge:
        return "nothing"
    if edge == " ":
        return "a space"
    indent = edge[1:]
    if not indent:
        return "newline"
    unit = "space" if indent[0] == " " else "tab"
    return f"newline + {len(indent)} {unit}{'s' if len(indent) > 1 else ''}"


def describe_view_whitespace(view_name: str, before: str, after: str) -> str:
    return f"{view_name} ({_describe_edge(before)} before, {_describe_edge(after)} after)"


def _shape_order(name: str, hint: dict) -> list:
    """The shapes to try for one view: its neighbour's, then the neighbour's other views' (one
    codebase writes its views alike), then the rest in VIEW_SHAPES order."""
    first = [hint[name]] if name in hint else []
    for shape in sorted(set(hint.values()), key=lambda s: (-list(hint.values()).count(s), _SHAPE_RANK.get(s, 0))):
        if shape not in first:
            first.append(shape)
    first = [s for s in first if s in _SHAPE_RANK]
    return first + [s for s in VIEW_SHAPES if s not in first]


def _by_rank_sum(n: int, k: int):
    """Every n-tuple of ranks below k, lowest sum first."""
    def parts(total: int, m: int):
        if m == 1:
            if total < k:
                yield (total,)
            return
        for first in range(min(total, k - 1) + 1):
            for rest in parts(total - first, m - 1):
                yield (first,) + rest
    for total in range(n * (k - 1) + 1):
        yield from parts(total, n)


def _search_views(db: Database, entity_keys: list, hint: dict) -> tuple:
    """``(shapes or None, combinations tried)``: the whitespace per view that reproduces the hash."""
    views = db.views
    n = len(views)
    orders = [_shape_order(v.view_name, hint) for v in views]
    base = hashlib.md5("".join(k + SEP for k in entity_keys).encode("utf-8"))
    stored = db.identity_hash
    # Each view's key with its separator, filled in as the ranks are reached. MD5 hex digits are
    # lowercase already, so a plain sort is Room's lowercase sort.
    keys: list = [[None] * len(VIEW_SHAPES) for _ in views]
    tried: set = set()

    def matches(ranks: tuple) -> bool:
        tried.add(ranks)
        parts = []
        for i, r in enumerate(ranks):
            key = keys[i][r]
            if key is None:
                before, after = orders[i][r]
                key = keys[i][r] = _key([before + views[i].query + after]) + SEP
            parts.append(key)
        parts.sort()
        h = base.copy()
        h.update("".join(parts).encode("ascii"))
        return h.hexdigest() == stored

    k = min(len(VIEW_SHAPES), int(JOINT_BUDGET ** (1 / n) + 1e-9))

    def alike():
        rank_of = [{shape: r for r, shape in enumerate(order)} for order in orders]
        return (tuple(rank_of[i][shape] for i in range(n)) for shape in VIEW_SHAPES)
    one_at_a_time = (tuple(r if j == i else 0 for j in range(n)) for i in range(n) for r in range(len(VIEW_SHAPES)))
    candidates = itertools.chain(_by_rank_sum(n, k), alike() if n > 1 else (), one_at_a_time)
    for ranks in candidates:
        if ranks not in tried and matches(ranks):
            return tuple((v.view_name, *orders[i][r]) for i, (v, r) in enumerate(zip(views, ranks))), len(tried)
    return None, len(tried)


@dataclass(frozen=True)
class IdentityCheck:
    stored: str
    computed: str
    legacy: str
    algorithm: Optional[str]  # "current", "legacy", or None when neither matches
    note: str = ""
    # (view name, whitespace before, whitespace after) as Room hashed each query, when recovered
    view_whitespace: tuple = ()

    @property
    def matches(self) -> bool:
        return self.algorithm is not None

    def hint(self) -> dict:
        """The view shapes to try first on a neighbouring version of the same database."""
        return {name: (before, after) for name, before, after in self.view_whitespace}

    def to_json(self) -> dict:
        return {"stored": self.stored, "computed": self.computed, "legacy": self.legacy,
                "match": self.matches, "algorithm": self.algorithm, "note": self.note,
                "view_whitespace": [{"view": n, "before": b, "after": a} for n, b, a in self.view_whitespace]}


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


def check(schema: Schema, hint: Optional[Mapping[str, tuple]] = None) -> IdentityCheck:
    """Whether the stored hash is Room's, trying what the export lost (see the module docstring).

    ``hint`` maps view names to the (before, after) whitespace a neighbouring version's views
    were hashed with (``IdentityCheck.hint()``): those are tried first.
    """
    return _check(schema, hint, {})


def _check(schema: Schema, hint: Optional[Mapping[str, tuple]], entity_keys: dict) -> IdentityCheck:
    db = schema.database
    stored = db.identity_hash
    # Most entities of a history are the same from one version to the next: their keys are
    # computed once (``entity_keys``, shared by ``check_history``), the bulk of the time otherwise.
    ekeys = []
    for e in db.entities:
        key = entity_keys.get(e)
        if key is None:
            key = entity_keys[e] = entity_key(e)
        ekeys.append(key)
    ekeys = _sorted(ekeys)
    computed = _key(ekeys + _sorted(view_key(v) for v in db.views))
    legacy = legacy_identity_hash(db)
    if computed == stored:
        return IdentityCheck(stored, computed, legacy, "current")
    if legacy == stored:
        return IdentityCheck(stored, computed, legacy, "legacy")
    hint = dict(hint or {})
    tried = 0
    if db.views:
        shapes, tried = _search_views(db, ekeys, hint)
        if shapes is not None:
            shaped = [describe_view_whitespace(*s) for s in shapes if s[1] or s[2]]
            return IdentityCheck(stored, stored, legacy, "current",
                                 "views hashed with their source's whitespace: " + "; ".join(shaped), shapes)
    views = [_key([hint.get(v.view_name, ("", ""))[0] + v.query + hint.get(v.view_name, ("", ""))[1]])
             for v in db.views]
    for variant in _hidden_variants(db):
        keys = [entity_key(e, variant.get(e.table_name, ())) for e in db.entities]
        if _key(_sorted(keys) + _sorted(views)) == stored:
            nullable = [t for t, v in variant.items() if not all(v)]
            return IdentityCheck(stored, stored, legacy, "current",
                                 f"matches when the hidden FTS rowid/languageId of {', '.join(nullable)} is nullable")
    note = ""
    if db.views:
        note = (f"no whitespace around the view queries reproduces it: tried {tried} combinations for "
                f"{len(db.views)} view{'s' if len(db.views) > 1 else ''}, each query with nothing, a space, or a "
                f"newline and up to {_MAX_SPACES} spaces or {_MAX_TABS} tabs before and after it")
    return IdentityCheck(stored, computed, legacy, None, note)


def check_history(schemas: Iterable[Schema]) -> list:
    """``check`` of each version in order, each search starting from the shapes its predecessor's
    views were hashed with (a view keeps its source's whitespace from one version to the next)."""
    results: list = []
    hint: dict = {}
    entity_keys: dict = {}
    for schema in schemas:
        result = _check(schema, hint, entity_keys)
        results.append(result)
        if result.view_whitespace:
            hint = {**hint, **result.hint()}
        elif result.algorithm == "current" and not result.note:
            hint = {**hint, **{v.view_name: ("", "") for v in schema.database.views}}
    return results
