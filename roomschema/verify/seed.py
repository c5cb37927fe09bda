"""Fill a built database with rows that look like a real user's, quickly.

Rows are generated inside SQLite (a recursive CTE feeding INSERT .. SELECT),
so a million rows cost about a second and no row passes through Python.
Every value is a function of the row number and ``seed``: runs repeat exactly.

What the rows contain, and why: migrations fail on data, not on schemas
(docs/sqlite-android.md#failures-that-need-rows), so nullable columns hold NULLs, non-unique columns
repeat values, text has quotes, newlines and non-ASCII, integers reach
-1, 0 and the 64-bit limits, and every foreign key points at a real parent.
A text column the migration compares with a few literals (an enum it maps
value by value) holds just those, as an app's rows do: ``compared_literals``.
The trade: a value the app stores but the migration forgets to map cannot be
seeded, since nothing says it exists; arbitrary text there would fail every
such migration on rows no app holds.
"""
from __future__ import annotations

import re
import sqlite3
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence, Union

from roomschema.schema.model import Entity, ForeignKey, Schema
from roomschema.schema.sql import NAME, name_in, quote

DEFAULT_ROWS = 10_000
DEFER_INDEX_ROWS = 100_000  # above this, non-unique indices are rebuilt after the insert
ACTIVE_PARENTS = 8  # children of this many parents interleave at any point of a table
I64_MAX, I64_MIN = "9223372036854775807", "(-9223372036854775807 - 1)"
_NL = "char(10)"
_DIGITS, _BASE = "_seed_digits", 1024

_TEXTS = ["''", "'a'", "'O''Brien'", "'naïve café'", "'日本語テキスト'", "'emoji 🙂🚀'",
          "'42'", "'\"double\" and `back`'", f"'line one' || {_NL} || 'line two'", "'  padded  '",
          "'tab' || char(9) || 'sep'", "'" + "long-" * 40 + "'", "'a'"]
_TEXT_SUFFIXES = ["''", "' O''Brien'", "' ünï 中文 🙂'", "' \"q\" `b`'", f"' ' || {_NL}"]
_INTS = ["0", "-1", I64_MAX, I64_MIN, "1", "1", "2"]
_REALS = ["0.0", "-1.5", "1.7976931348623157e308", "3.141592653589793", "-0.0", "1e-300", "0.1"]
_BLOBS = ["X''", "X'00FF'", "zeroblob(16)", "CAST('€uro' AS BLOB)", "X'DEADBEEF'"]


def _salt(*parts: object) -> int:
    return zlib.crc32("\x1f".join(map(str, parts)).encode()) % 997


def _case(selector: str, values: list[str]) -> str:
    whens = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values))
    return f"CASE ({selector}) % {len(values)} {whens} END"


def _step(position: int, length: int) -> int:
    """A multiplier that differs for neighbouring columns, so no two columns of a
    table repeat the same sequence (a swapped copy would go unnoticed)."""
    return 1 + position % (length - 1)


def unique_value(affinity: str, rowid_alias: bool = False, variant: int = 0) -> str:
    """An expression of ``n`` that never repeats, boundary values first.

    ``variant`` (the column's place among its table's unique columns) keeps two
    unique columns of one table apart past the boundaries, so a copy that swaps
    them shows.
    """
    odd = 2 * variant + 1
    if affinity == "INTEGER":
        # The 64-bit maximum in an AUTOINCREMENT key would make the app's next insert fail.
        big = I64_MIN if rowid_alias else I64_MAX
        return f"CASE n WHEN 0 THEN -1 WHEN 1 THEN 0 WHEN 2 THEN {big} ELSE {'n' if odd == 1 else f'n * {odd}'} END"
    if affinity == "REAL":
        return ("CASE n WHEN 0 THEN 0.0 WHEN 1 THEN -1.5 WHEN 2 THEN 1.7976931348623157e308 ELSE "
                f"{'n' if odd == 1 else f'n * {odd}'} + 0.25 END")
    # Zero-padded so keys arrive in index order (appends, not random B-tree inserts);
    # a fixed-width number followed by a non-digit or nothing stays distinct.
    letter = "kmpqrstuvw"[variant % 10]
    if affinity == "BLOB":
        prefix = "b" if variant == 0 else letter
        return f"CASE n WHEN 0 THEN X'' WHEN 1 THEN X'00' ELSE CAST(printf('{prefix}%09d', n) AS BLOB) END"
    return f"printf('{letter}%09d', n) || {_case('n', _TEXT_SUFFIXES)}"


def repeating_value(affinity: str, salt: int, position: int = 0) -> str:
    """An expression of ``n`` that cycles through a few values, boundaries included.

    ``position`` (the column's place in its table) picks the stride through the
    values; the palettes have prime lengths so every stride visits them all.
    """
    palette = {"INTEGER": _INTS, "REAL": _REALS, "BLOB": _BLOBS}.get(affinity, _TEXTS)
    sel = f"n * {_step(position, len(palette))} + {salt}"
    if affinity == "INTEGER":
        return f"CASE WHEN ({sel}) % 3 = 0 THEN ({sel}) % 1000 ELSE {_case(sel, palette)} END"
    if affinity == "REAL":
        return f"CASE WHEN ({sel}) % 3 = 0 THEN (({sel}) % 50) * 0.5 ELSE {_case(sel, palette)} END"
    return _case(sel, palette)


# Columns named like these hold one of a few values in an app (an enum stored as
# text, a locale, a MIME type): they keep cycling through the palette.
_CATEGORY_WORDS = frozenset({
    "type", "kind", "role", "status", "state", "mode", "category", "level", "priority", "visibility", "locale",
    "language", "lang", "format", "unit", "currency", "country", "platform", "gender", "channel", "tier",
    "phase", "stage", "scope", "severity", "provider", "mime", "direction", "flavor", "flavour", "theme"})
_WORDS = ["note", "Hello there", "item", "Re: meeting", "draft", "photo", "todo", "Lunch at noon"]
_EDGE_EVERY = 8  # one row in this many of a text column holds an edge value


def categorical(column: str) -> bool:
    """Whether a text column's name says it holds one of a few values (``role``, ``mime_type``, ``syncState``)."""
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", column)
    return bool(words) and words[-1].lower() in _CATEGORY_WORDS


def varied_text(salt: int, position: int = 0) -> str:
    """An expression of ``n`` for an ordinary text column: a text of its own in most
    rows, as titles and message bodies are, and the palette's edge values (empty,
    quotes, newlines, unicode, long) in one row in ``_EDGE_EVERY``.

    Cycling through a dozen values, as this did before, made every dedupe on
    text look like it dropped almost every row. The salt and the position keep
    neighbouring columns apart, so a swapped copy still shows.
    """
    sel = f"n * {_step(position, len(_TEXTS))} + {salt}"
    word = _WORDS[(salt + position) % len(_WORDS)].replace("'", "''")
    own = f"printf('{word} %d', n * {2 * position + 3} + {salt})"
    # The gate steps by 1 (every stride shares no factor with 13), so its rows still visit every edge value.
    return f"CASE WHEN (n + {salt + position}) % {_EDGE_EVERY} = 0 THEN {_case(sel, _TEXTS)} ELSE {own} END"


# What a migration compares a column with tells what the app stores in it.
# Rows of an app only ever hold an enum's strings in an enum column, and hand-written
# migrations rely on that: simple-android's 36->37 runs
# ``SET "status" = (CASE WHEN "status" == 'WAITING_FOR_APPROVAL' THEN 'requested' ... END)``
# with no ELSE, which turns any other text into NULL in a NOT NULL column.
# Seeding such a column with arbitrary text reports a failure the app never has, so
# a column the migration compares with two or more literals holds exactly those.
# A handful of regular expressions, not a parser: a statement they misread only
# costs a column its generic text, so anything unclear is left out.
_LITERAL = r"'((?:[^']|'')*)'"
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_REF = rf"(?:{NAME}\s*\.\s*)?{NAME}"   # groups 1-4 the qualifier, 5-8 the column
_KEYWORDS = frozenset({"set", "where", "select", "from", "join", "left", "right", "inner", "outer", "cross",
                       "natural", "on", "using", "group", "order", "limit", "union", "values", "indexed", "not",
                       "default", "returning", "as", "case", "when", "then", "else", "end", "and", "or", "in",
                       "is", "like", "glob", "null", "exists", "between"})
_TARGET = {
    "update": re.compile(rf"^\s*UPDATE\s+(?:OR\s+\w+\s+)?(?:\w+\s*\.\s*)?{NAME}(?:\s+(?:AS\s+)?{NAME})?\s+SET\b",
                         re.I | re.S),
    "delete": re.compile(rf"^\s*DELETE\s+FROM\s+(?:\w+\s*\.\s*)?{NAME}(?:\s+(?:AS\s+)?{NAME})?", re.I | re.S),
    # INSERT .. SELECT reads the rows of its FROM table: that table's values are compared.
    "insert": re.compile(rf"^\s*(?:INSERT|REPLACE)\b.*?\bSELECT\b.*?\bFROM\s+(?:\w+\s*\.\s*)?{NAME}"
                         rf"(?:\s+(?:AS\s+)?{NAME})?", re.I | re.S),
}
_EQUALS = re.compile(rf"(?<![\w.\"`\]])(\bSET\s+|,\s*)?{_REF}\s*==?\s*{_LITERAL}", re.I)
_IN = re.compile(rf"(?<![\w.\"`\]]){_REF}\s+IN\s*\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)\s*\)", re.I)
_CASE = re.compile(rf"\bCASE\s+{_REF}\s+(WHEN\b.*?)\bEND\b", re.I | re.S)


def _literals(text: str) -> list[str]:
    return [m.group(1).replace("''", "'") for m in re.finditer(_LITERAL, text)]


def compared_literals(statements: Iterable[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """The string literals each column is compared with in ``statements``
    (``col = 'X'``, ``col == 'X'``, ``col IN ('A', 'B')``, ``CASE col WHEN 'X'``),
    by table and column, both lower-cased (SQLite's names are case-insensitive).

    A reference counts for the table the statement works on: the UPDATE or DELETE
    target, or the FROM table of an INSERT .. SELECT. Where the statement reads
    other tables too (a JOIN, a subquery, ``FROM a, b``), only a reference
    qualified with that table's name or alias counts. An assignment
    (``SET col = 'X'``) writes a value rather than compares one and is left out.
    """
    found: dict[str, dict[str, list[str]]] = {}
    for sql in statements:
        sql = _COMMENTS.sub(" ", sql)
        target = None
        for kind, pattern in _TARGET.items():
            m = pattern.match(sql)
            if m:
                target = kind, m
                break
        if target is None:
            continue
        kind, m = target
        table = name_in(m.groups()[:4])
        alias = name_in(m.groups()[4:8])
        if table is None or table.lower() in _KEYWORDS:
            continue
        if alias is not None and alias.lower() in _KEYWORDS:
            alias = None
        # FROM/JOIN beyond the statement's own one, or a comma right after the FROM table.
        own = 0 if kind == "update" else 1
        multi = (len(re.findall(r"\b(?:FROM|JOIN)\b", sql, re.I)) > own
                 or (kind == "insert" and re.match(r"\s*,", sql[m.end():]) is not None))
        names = {table.lower()} | ({alias.lower()} if alias else set())

        def add(groups: tuple, values: list[str]) -> None:
            qualifier, column = name_in(groups[:4]), name_in(groups[4:8])
            if column is None or column.lower() in _KEYWORDS:
                return
            if qualifier is None and multi:
                return  # which of the tables it reads is not clear
            if qualifier is not None and qualifier.lower() not in names:
                return
            known = found.setdefault(table.lower(), {}).setdefault(column.lower(), [])
            known += [v for v in values if v not in known]

        for e in _EQUALS.finditer(sql):
            if e.group(1) is None:
                add(e.groups()[1:9], [e.group(10).replace("''", "'")])
        for i in _IN.finditer(sql):
            add(i.groups()[:8], _literals(i.group(9)))
        for c in _CASE.finditer(sql):
            whens = re.findall(rf"\bWHEN\s+{_LITERAL}", c.group(9), re.I)
            add(c.groups()[:8], [w.replace("''", "'") for w in whens])
    return {t: {c: tuple(v) for c, v in cols.items()} for t, cols in found.items()}


_CLEANUP = re.compile(rf"^\s*DELETE\s+FROM\s+(?:\w+\s*\.\s*)?{NAME}\s+WHERE\s+{_REF}\s+NOT\s+IN\s*\(\s*SELECT\s+"
                      rf"(?:DISTINCT\s+)?{_REF}\s+FROM\s+(?:\w+\s*\.\s*)?{NAME}\s*\)\s*$", re.I | re.S)


def cleaned_references(statements: Iterable[str]) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """``((table, column), (parent, key))`` for each ``DELETE FROM table WHERE column NOT IN (SELECT key
    FROM parent)`` in ``statements``: the migration says the column refers to the parent's key and
    that some rows of the app's refer to none (a logged-out account's rows, say). Seeded that way
    (``seed(orphans=...)``), those rows exist, and what the cleanup leaves behind shows."""
    found = []
    for sql in statements:
        m = _CLEANUP.match(_COMMENTS.sub(" ", sql))
        if m is None:
            continue
        table, column = name_in(m.groups()[:4]), name_in(m.groups()[8:12])
        key, parent = name_in(m.groups()[16:20]), name_in(m.groups()[20:24])
        if None in (table, column, key, parent) or name_in(m.groups()[4:8]) not in (None, table):
            continue
        found.append(((str(table), str(column)), (str(parent), str(key))))
    return list(dict.fromkeys(found))


_COPY = re.compile(rf"^\s*INSERT\s+INTO\s+(?:\w+\s*\.\s*)?{NAME}\s*\(([^)]*)\)\s*SELECT\s+(.*?)\s+FROM\s+"
                   rf"(?:\w+\s*\.\s*)?{NAME}(?:\s+(?:AS\s+)?{NAME})?(?:\s+WHERE\s+(.*?))?\s*$", re.I | re.S)
_BARE = re.compile(rf"^\s*{_REF}\s*$", re.S)


@dataclass(frozen=True)
class Copy:
    """``INSERT INTO target (columns) SELECT ... FROM source [WHERE where]`` with bare columns."""
    target: str
    source: str
    alias: Optional[str]
    columns: tuple[tuple[str, str], ...]   # (target column, source column)
    where: Optional[str]


def _top_level_split(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def plain_copies(statements: Iterable[str]) -> list[Copy]:
    """The backfills among ``statements``: an ``INSERT INTO t (...) SELECT`` (not OR IGNORE, not OR
    REPLACE) of another table's columns. Into a table that already has rows and a unique key, such a
    copy fails on a device where one of those rows has the values it copies (a task already tagged
    with its category's tag): ``seed(copies=...)`` seeds that collision, so verify shows it."""
    found = []
    for sql in statements:
        m = _COPY.match(_COMMENTS.sub(" ", sql))
        if m is None:
            continue
        target, source, alias = name_in(m.groups()[:4]), name_in(m.groups()[6:10]), name_in(m.groups()[10:14])
        names = [name_in(b.groups()[4:8]) if (b := _BARE.match(c)) else None
                 for c in _top_level_split(m.group(6))]
        cols = [c.strip().strip('`"[]') for c in m.group(5).split(",")]
        # Only the columns copied as they are (a literal or an expression is not a column's value).
        pairs = tuple((c, str(n)) for c, n in zip(cols, names) if n is not None and n.lower() not in _KEYWORDS)
        if target is None or source is None or not pairs or len(cols) != len(names) or target == source:
            continue
        if alias is not None and alias.lower() in _KEYWORDS:
            alias = None
        found.append(Copy(target, source, alias, pairs, m.group(15)))
    return found


def _entity(schema: Schema, name: str) -> Optional[Entity]:
    """The table a statement names: SQL names are case-insensitive, the schema's spelling is the one to seed."""
    return next((e for e in schema.database.entities if e.table_name.lower() == name.lower()), None)


def _column(entity: Optional[Entity], name: str) -> Optional[str]:
    return next((f.column_name for f in entity.fields if f.column_name.lower() == name.lower()), None) \
        if entity is not None else None


def _spread(n: str, children: int, parents: int, salt: int) -> str:
    """The parent number (0 .. parents-1) of child ``n``, as rows arrive in an app.

    Children come in turns over ``ACTIVE_PARENTS`` parents at a time (a user
    writes in a few conversations at once), each of those parents gets
    ``per`` children (at least 3) before the next ones take over, and about
    one parent in seven gets none.

    Interleaved, so an index on the key is built from rows out of order, as
    a migration on a user's database builds it; local, as real rows are, so
    checking that index row by row (``integrity_check``) stays in a few pages.
    Scattering the children over all the parents, as this did before, made
    that check cost twice as much (0.52 s against 0.26 s at 1M rows) and the
    migration itself under 3% more (0.72 s against 0.70 s).
    """
    used = parents - max(1, parents // 7) if parents > 1 else parents
    per = max(3, -(-children // max(used, 1)))
    w = ACTIVE_PARENTS
    return f"((({n}) / {per * w}) * {w} + ({n}) % {w} + {salt}) % {max(parents, 1)}"


def _nullable(expr: str, salt: int) -> str:
    return f"CASE WHEN (n + {salt}) % 6 = 5 THEN NULL ELSE {expr} END"


@dataclass
class _ForeignKeyPlan:
    index: int
    columns: tuple[str, ...]
    parent: str
    referenced: tuple[str, ...]
    nullable: bool
    deferred: bool = False
    radix: Optional[int] = None   # position in the mixed radix when a unique key needs it
    map_name: str = ""
    parent_count: int = 0
    orphans: bool = False         # some rows refer to no parent row (a reference the schema does not enforce)


@dataclass
class _TablePlan:
    entity: Entity
    target: int
    fks: list[_ForeignKeyPlan] = field(default_factory=list)
    unique_columns: set[str] = field(default_factory=set)
    radix_fks: list[_ForeignKeyPlan] = field(default_factory=list)


def _unique_keys(entity: Entity) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = []
    if entity.primary_key.column_names:
        keys.append(tuple(entity.primary_key.column_names))
    keys += [tuple(i.column_names or ()) for i in entity.indices if i.unique and i.column_names]
    return keys


def _not_null(entity: Entity, column: str) -> bool:
    f = entity.field(column)
    return f is not None and f.not_null


def _is_rowid_alias(entity: Entity, column: str) -> bool:
    pk = entity.primary_key.column_names
    f = entity.field(column)
    return len(pk) == 1 and pk[0] == column and f is not None and f.affinity == "INTEGER"


def _plan_table(entity: Entity, target: int, assumed: Sequence[tuple[ForeignKey, bool]] = ()) -> _TablePlan:
    """``assumed``: ``(reference, orphans)`` the schema does not declare, seeded like its own foreign
    keys; with ``orphans``, one row in five refers to no parent row."""
    plan = _TablePlan(entity, target)
    declared = len(entity.foreign_keys)
    fk_of: dict[str, _ForeignKeyPlan] = {}
    # Wider keys first: a column in two keys, as ``account`` in both (account) ->
    # Account and (author, account) -> Author, takes its value from the wider
    # key's parent row, so the composite key is one real row. The other way round,
    # ``author`` had to be found among the Author rows of the account already
    # picked, and where the two tables' children clustered on different accounts
    # none matched: every row was dropped (pachli's StatusEntity).
    every = tuple(entity.foreign_keys) + tuple(fk for fk, _ in assumed)
    for i, fk in sorted(enumerate(every), key=lambda item: -len(item[1].columns)):
        nullable = all(not _not_null(entity, c) for c in fk.columns)
        fkp = _ForeignKeyPlan(i, tuple(fk.columns), fk.table, tuple(fk.referenced_columns), nullable,
                              orphans=i >= declared and assumed[i - declared][1])
        plan.fks.append(fkp)
        for c in fk.columns:
            fk_of.setdefault(c, fkp)
    for key in _unique_keys(entity):
        if any(c in plan.unique_columns for c in key):
            continue
        free = [c for c in key if c not in fk_of and entity.field(c) is not None]
        if free:
            plan.unique_columns.add(free[-1])
            continue
        # Every column comes from a parent: make the combination of parents unique.
        for c in key:
            parent_fk = fk_of.get(c)
            if parent_fk is not None and parent_fk not in plan.radix_fks:
                plan.radix_fks.append(parent_fk)
    for pos, fkp in enumerate(plan.radix_fks):
        fkp.radix = pos
    return plan


def _order(plans: dict[str, _TablePlan]) -> list[str]:
    """Parents before children; a cycle is cut and its edges filled in afterwards."""
    remaining = list(plans)
    done: set[str] = set()
    order: list[str] = []
    while remaining:
        ready = [t for t in remaining
                 if all(fk.parent in done or fk.parent == t or fk.parent not in plans for fk in plans[t].fks)]
        pick = ready[0] if ready else remaining[0]
        for fk in plans[pick].fks:
            if fk.parent == pick or (fk.parent in plans and fk.parent not in done):
                fk.deferred = True
        order.append(pick)
        done.add(pick)
        remaining.remove(pick)
    return order


def _targets(schema: Schema, rows: Union[int, Mapping[str, int]]) -> dict[str, int]:
    tables = [e for e in schema.database.entities if not (e.is_fts and e.content_table)]
    if isinstance(rows, Mapping):
        return {e.table_name: int(rows.get(e.table_name, 0)) for e in tables}
    total = max(0, int(rows))
    base, extra = divmod(total, len(tables)) if tables else (0, 0)
    return {e.table_name: base + (1 if i < extra else 0) for i, e in enumerate(tables)}


class _Seeder:
    def __init__(self, conn: sqlite3.Connection, schema: Schema, seed: int,
                 values: Optional[Mapping[str, Mapping[str, Sequence[str]]]] = None):
        self.conn, self.schema, self.seed = conn, schema, seed
        self.values = {t.lower(): {c.lower(): tuple(v) for c, v in cols.items()}
                       for t, cols in (values or {}).items()}
        self.maps: dict[tuple[str, tuple[str, ...]], tuple[str, int]] = {}  # (parent, key) -> (table, rows)
        self.made = 0
        self.digits = False
        # Stays True while every foreign-key value is copied from an existing
        # parent row of the same affinity: then nothing can point nowhere and
        # the repair pass (a full foreign_key_check) has nothing to find.
        self.exact = True

    def parent_map(self, parent: str, referenced: tuple[str, ...]) -> tuple[str, int]:
        """A temp table numbering the parent's keys 0..P-1, for O(1) picks by number."""
        key = (parent, referenced)
        if key not in self.maps:
            name = f"_seed_map_{self.made}"
            self.made += 1
            cols = ", ".join(f"v{i}" for i in range(len(referenced)))
            src = ", ".join(quote(c) for c in referenced)
            not_null = " AND ".join(f"{quote(c)} IS NOT NULL" for c in referenced)
            self.conn.execute(f"CREATE TEMP TABLE {name} (k INTEGER PRIMARY KEY, {cols})")
            self.conn.execute(f"INSERT INTO {name} (k, {cols}) SELECT row_number() OVER (ORDER BY rowid) - 1, "
                              f"{src} FROM main.{quote(parent)} WHERE {not_null}")
            count = self.conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            self.maps[key] = (name, count)
        return self.maps[key]

    def pick(self, plan: _TablePlan, fkp: _ForeignKeyPlan, n: str) -> str:
        if fkp.radix is None:
            return _spread(n, plan.target, fkp.parent_count, _salt(self.seed, plan.entity.table_name, fkp.index))
        divisor = 1
        for other in plan.radix_fks[:fkp.radix]:
            divisor *= max(other.parent_count, 1)
        return f"(({n}) / {divisor}) % {fkp.parent_count}"

    def insert(self, plan: _TablePlan) -> None:
        e = plan.entity
        t = e.table_name
        count = plan.target
        joins: list[str] = []
        exprs: dict[str, str] = {}        # column -> SQL over n
        fk_columns: dict[str, str] = {}   # column -> its parent's value, SQL over n
        for fkp in plan.fks:
            if fkp.deferred or fkp.parent not in self.schema.database.table_names:
                self.exact = False
                continue
            if not self._same_affinity(e, fkp) or any(c in fk_columns for c in fkp.columns):
                self.exact = False
            fkp.map_name, fkp.parent_count = self.parent_map(fkp.parent, fkp.referenced)
            alias = f"m{fkp.index}"
            if fkp.parent_count == 0:
                for c in fkp.columns:
                    fk_columns.setdefault(c, "NULL")
                continue
            shared = [i for i, c in enumerate(fkp.columns) if c in fk_columns]
            if len(shared) == len(fkp.columns):
                # Every column comes from a wider key's parent row, which usually
                # references this parent too; where it does not, repair() decides.
                continue
            if shared:
                self._overlapping(plan, fkp, shared, fk_columns)
                continue
            joins.append(f"LEFT JOIN {fkp.map_name} {alias} ON {alias}.k = {self.pick(plan, fkp, 'n')}")
            for i, c in enumerate(fkp.columns):
                value = f"{alias}.v{i}"
                f = e.field(c)
                if f is not None and not f.not_null and fkp.radix is None:
                    # Some children without a parent, as a nullable reference allows.
                    value = f"CASE WHEN (n + {_salt(self.seed, t, fkp.index)}) % 5 = 4 THEN NULL ELSE {value} END"
                if fkp.orphans and f is not None:
                    # Far from any key the seed makes (those stay under a billion): no parent row has it.
                    gone = {"INTEGER": "1000000007 + n", "REAL": "1000000007.5 + n",
                            "BLOB": "CAST('gone ' || n AS BLOB)"}.get(f.affinity, "'gone ' || n")
                    value = f"CASE WHEN (n + {_salt(self.seed, t, fkp.index)}) % 5 = 2 THEN {gone} ELSE {value} END"
                fk_columns.setdefault(c, value)
        if plan.radix_fks:
            cap = 1
            for fkp in plan.radix_fks:
                cap *= max(fkp.parent_count, 0)
            count = min(count, cap)
        known = self.values.get(t.lower(), {})
        for position, f in enumerate(e.fields):
            c = f.column_name
            salt = _salt(self.seed, t, c)
            if c in fk_columns:
                exprs[c] = fk_columns[c]
                continue
            if c in plan.unique_columns:
                variant = sum(1 for g in e.fields[:position] if g.column_name in plan.unique_columns)
                expr = unique_value(f.affinity, _is_rowid_alias(e, c), variant)
            elif f.affinity == "TEXT" and len(known.get(c.lower(), ())) >= 2:
                # Stride 1 visits every value whatever their number; the salt keeps columns apart.
                literals = ["'" + v.replace("'", "''") + "'" for v in known[c.lower()]]
                expr = _case(f"n + {salt}", literals)
            elif f.affinity == "TEXT" and not categorical(c):
                expr = varied_text(salt, position)
            else:
                expr = repeating_value(f.affinity, salt, position)
            # Several NULLs are fine in a UNIQUE index; never in a key Room declared.
            in_pk = c in e.primary_key.column_names
            exprs[c] = expr if f.not_null or in_pk else _nullable(expr, salt)
        if count <= 0 or not exprs:
            return
        cols = ", ".join(quote(c) for c in exprs)
        select = ", ".join(exprs.values())
        # Building a big index once, sorted, is about 4x cheaper than row by row.
        # Unique indices stay: they are what drops a duplicate row.
        deferred = [i for i in e.indices if not i.unique] if count >= DEFER_INDEX_ROWS else []
        for i in deferred:
            self.conn.execute(f"DROP INDEX IF EXISTS main.{quote(i.name)}")
        self.conn.execute(
            f"INSERT OR IGNORE INTO main.{quote(t)} ({cols}) "
            f"SELECT {select} FROM {self.numbers(count)} {' '.join(joins)}")
        for i in deferred:
            self.conn.execute(i.create_sql_for(t))

    def _same_affinity(self, child: Entity, fkp: _ForeignKeyPlan) -> bool:
        """A value copied into a column of another affinity may be stored converted."""
        parent = self.schema.database.entity(fkp.parent)
        if parent is None or len(fkp.columns) != len(fkp.referenced):
            return False
        for c, r in zip(fkp.columns, fkp.referenced):
            mine, theirs = child.field(c), parent.field(r)
            if mine is None or theirs is None or mine.affinity != theirs.affinity:
                return False
        return True

    def _overlapping(self, plan: _TablePlan, fkp: _ForeignKeyPlan, shared: list[int],
                     fk_columns: dict[str, str]) -> None:
        """A key sharing columns with an earlier one (``(x, account)`` and ``(y, account)``):
        pick a parent whose shared columns match the values already chosen."""
        index_cols = ", ".join([f"v{i}" for i in shared] + ["k"])
        self.conn.execute(f"CREATE INDEX IF NOT EXISTS temp.{fkp.map_name}_by_{'_'.join(map(str, shared))} "
                          f"ON {fkp.map_name} ({index_cols})")
        match = " AND ".join(f"v{i} = {fk_columns[fkp.columns[i]]}" for i in shared)
        start = self.pick(plan, fkp, "n")
        for i, c in enumerate(fkp.columns):
            if i in shared:
                continue
            first = f"(SELECT v{i} FROM {fkp.map_name} WHERE {match} AND k >= {start} ORDER BY k LIMIT 1)"
            wrap = f"(SELECT v{i} FROM {fkp.map_name} WHERE {match} ORDER BY k LIMIT 1)"
            fk_columns.setdefault(c, f"COALESCE({first}, {wrap})")

    def fill_deferred(self, plan: _TablePlan) -> None:
        """Edges cut from a cycle or pointing at the table itself: point them at rows that exist now."""
        t = plan.entity.table_name
        taken: set[str] = set()  # columns a wider key already took from one parent row
        for fkp in plan.fks:
            if not fkp.deferred:
                taken.update(fkp.columns)
                continue
            self.exact = False  # UPDATE OR IGNORE can leave a row pointing nowhere
            if taken.issuperset(fkp.columns):
                continue  # overwriting them would split that row's composite key
            taken.update(fkp.columns)
            stale = self.maps.pop((fkp.parent, fkp.referenced), None)  # the parent has rows now
            if stale:
                self.conn.execute(f"DROP TABLE temp.{stale[0]}")
            name, count = self.parent_map(fkp.parent, fkp.referenced)
            if count == 0:
                continue
            pick = f"(main.{quote(t)}.rowid * 31 + {_salt(self.seed, t, fkp.index)}) % {count}"
            sets = ", ".join(f"{quote(c)} = (SELECT v{i} FROM {name} WHERE k = {pick})"
                             for i, c in enumerate(fkp.columns))
            where = f"WHERE (main.{quote(t)}.rowid % 5) != 4" if fkp.nullable else ""
            self.conn.execute(f"UPDATE OR IGNORE main.{quote(t)} SET {sets} {where}")

    def repair(self) -> None:
        """Whatever still points nowhere is set to NULL, or deleted when it cannot be NULL."""
        for _ in range(20):
            try:
                rows = self.conn.execute("PRAGMA main.foreign_key_check").fetchall()
            except sqlite3.DatabaseError:
                return  # a "foreign key mismatch" schema: nothing seeding can fix
            rows = [r for r in rows if r[1] is not None]
            if not rows:
                return
            by_fk: dict[tuple[str, int], list[int]] = {}
            for table, rowid, _parent, fkid in rows:
                by_fk.setdefault((table, fkid), []).append(rowid)
            for (table, fkid), rowids in by_fk.items():
                cols = [r[3] for r in self.conn.execute(f"PRAGMA foreign_key_list({quote(table)})")
                        if r[0] == fkid]
                entity = self.schema.database.entity(table)
                # One NULL column is enough for SQLite to leave a composite key unchecked.
                nullable = [c for c in cols if entity is not None and entity.field(c) is not None
                            and not _not_null(entity, c)]
                ids = ",".join(str(int(r)) for r in rowids)
                if nullable:
                    sets = ", ".join(f"{quote(c)} = NULL" for c in nullable)
                    self.conn.execute(f"UPDATE OR IGNORE main.{quote(table)} SET {sets} WHERE rowid IN ({ids})")
                self.conn.execute(f"DELETE FROM main.{quote(table)} WHERE rowid IN ({ids}) AND "
                                  + " AND ".join(f"{quote(c)} IS NOT NULL" for c in cols))

    def collide(self, copy: Copy) -> None:
        """Give two rows of ``copy.target`` the values ``copy`` will insert, where its unique key would
        then refuse them: the rows a device has when the backfill ran once already, by hand or in part."""
        target, source = _entity(self.schema, copy.target), _entity(self.schema, copy.source)
        if target is None or source is None or target.is_fts:
            return
        mapped = {t.lower() for t, _ in copy.columns}
        if not any(key and {c.lower() for c in key} <= mapped for key in _unique_keys(target)):
            return  # no unique key made of copied columns: the copy cannot collide
        frm = f"main.{quote(source.table_name)}" + (f" AS {quote(copy.alias)}" if copy.alias else "")
        try:
            rows = self.conn.execute(f"SELECT {', '.join(quote(s) for _, s in copy.columns)} FROM {frm}"
                                     + (f" WHERE {copy.where}" if copy.where else "") + " LIMIT 2").fetchall()
            sets = ", ".join(f"{quote(t)} = ?" for t, _ in copy.columns)
            for k, row in enumerate(rows):
                self.conn.execute(f"UPDATE OR IGNORE main.{quote(target.table_name)} SET {sets} WHERE rowid = "
                                  f"(SELECT rowid FROM main.{quote(target.table_name)} ORDER BY rowid LIMIT 1 "
                                  f"OFFSET {k})", row)
        except sqlite3.Error:
            return  # a statement this reading got wrong: the rows stay as seeded
        self.exact = False  # the copied values may break the target's own foreign keys: repair decides

    def fts(self, target: dict[str, int]) -> None:
        for e in self.schema.database.entities:
            if not e.is_fts:
                continue
            t = quote(e.table_name)
            if e.content_table:
                try:
                    self.conn.execute(f"INSERT INTO main.{t}({t}) VALUES('rebuild')")
                except sqlite3.DatabaseError:
                    pass  # content table outside the schema: nothing to index
                continue
            count = target.get(e.table_name, 0)
            if count <= 0 or not e.fields:
                continue
            cols = ", ".join(quote(f.column_name) for f in e.fields)
            values = ", ".join(f"'word{j} ' || n || ' ' || "
                               f"{repeating_value('TEXT', _salt(self.seed, e.table_name, j), j)}"
                               for j in range(len(e.fields)))
            self.conn.execute(
                f"INSERT INTO main.{t} ({cols}) "
                f"SELECT {values} FROM {self.numbers(count)}")

    def numbers(self, count: int) -> str:
        """A row source ``s(n)`` with n = 0 .. count-1 in ascending order.

        A cross join of a 1,024-row table with itself: each row is a cursor
        step, where a recursive CTE pushes and pops a queue per row (0.3 s of
        a 1.1 s million-row insert).
        """
        if not self.digits:
            self.conn.execute(f"CREATE TEMP TABLE {_DIGITS} (x INTEGER PRIMARY KEY)")
            self.conn.execute(f"INSERT INTO {_DIGITS} (x) WITH RECURSIVE d(x) AS (SELECT 0 UNION ALL "
                              f"SELECT x + 1 FROM d WHERE x + 1 < {_BASE}) SELECT x FROM d")
            self.digits = True
        count = max(int(count), 0)
        levels = 1
        while _BASE ** levels < count:
            levels += 1
        n = "d0.x"
        for i in range(1, levels):
            n = f"({n}) * {_BASE} + d{i}.x"
        tables = " CROSS JOIN ".join(f"{_DIGITS} d{i}" for i in range(levels))  # d0 outermost: n ascends
        top = max(count - 1, 0) // _BASE ** (levels - 1)
        # OFFSET 0 keeps SQLite from flattening the subquery into the INSERT, which
        # would compute n again at each of its dozen uses in a row: a co-routine
        # computes it once (a million-row insert: 0.63 s -> 0.50 s).
        return f"(SELECT {n} AS n FROM {tables} WHERE d0.x <= {top} AND {n} < {count} LIMIT -1 OFFSET 0) s"

    def drop_maps(self) -> None:
        for name, _ in self.maps.values():
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        self.maps.clear()
        if self.digits:
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{_DIGITS}")
            self.digits = False


def _content_triggers(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 22) = 'room_fts_content_sync_'")]


def seed(conn: sqlite3.Connection, schema: Schema, rows_per_table: Union[int, Mapping[str, int]] = DEFAULT_ROWS,
         *, seed: int = 0, values: Optional[Mapping[str, Mapping[str, Sequence[str]]]] = None,
         references: Sequence[tuple[tuple[str, str], tuple[str, str]]] = (),
         orphans: Sequence[tuple[tuple[str, str], tuple[str, str]]] = (),
         copies: Sequence[Copy] = ()) -> dict[str, int]:
    """Insert rows into every table of ``schema``; returns the row count of each.

    An int is a total spread evenly over the tables (FTS tables with a content
    table mirror it and get no share); a mapping gives each table's count
    (tables it leaves out get none). A table can end up with fewer rows than
    asked when its unique keys are made only of foreign keys (there are only
    so many parent combinations) or when a row had to go to keep every
    foreign key valid.

    ``values`` (table -> column -> texts, as ``compared_literals`` finds them)
    names the only texts an app stores in a column: a TEXT column given two or
    more holds just those, unless it is a key or takes its value from a parent.
    ``references`` (``((table, column), (parent, column))``, the declared
    ``assume_references``) are seeded like foreign keys the schema does not have;
    ``orphans`` (``cleaned_references``) too, but one row in five refers to nothing.
    ``copies`` (``plain_copies``): rows of the target that already hold what a copy inserts.
    A column that is a foreign key already keeps its own.
    """
    if conn.in_transaction:
        raise RuntimeError("seed() needs a connection outside a transaction (it switches foreign keys off)")
    target = _targets(schema, rows_per_table)
    assumed: dict[str, list[tuple[ForeignKey, bool]]] = {}
    for refs, orphaned in ((references, False), (orphans, True)):
        for (table, column), (parent, key) in refs:
            entity, referred = _entity(schema, table), _entity(schema, parent)
            mine, theirs = _column(entity, column), _column(referred, key)
            if entity is None or referred is None or mine is None or theirs is None:
                continue  # a statement about a table this version does not have
            if any(mine in fk.columns for fk in entity.foreign_keys) or \
                    any(mine in fk.columns for fk, _ in assumed.get(entity.table_name, [])):
                continue
            fk = ForeignKey(table=referred.table_name, columns=(mine,), referenced_columns=(theirs,))
            assumed.setdefault(entity.table_name, []).append((fk, orphaned))
    plans = {e.table_name: _plan_table(e, target[e.table_name], assumed.get(e.table_name, ()))
             for e in schema.database.entities if not e.is_fts}
    seeder = _Seeder(conn, schema, seed, values)
    # The FKs must be off before BEGIN: the pragma is a no-op inside a transaction.
    fk_state = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    # In WAL mode every seeded page is written twice (the log, then the
    # checkpoint at COMMIT: 75 ms at 1M rows). A rollback journal in memory
    # writes it once; nothing but this connection uses the file meanwhile.
    journal = conn.execute("PRAGMA main.journal_mode").fetchone()[0]
    if journal.lower() == "wal":
        conn.execute("PRAGMA main.journal_mode = MEMORY").fetchone()
    try:
        conn.execute("BEGIN IMMEDIATE")
        # Content-sync triggers would index each row twice; rebuild once instead.
        for name in _content_triggers(conn):
            conn.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
        order = _order(plans)
        for table in order:
            seeder.insert(plans[table])
        for table in order:
            seeder.fill_deferred(plans[table])
        for copy in copies:
            seeder.collide(copy)
        if not seeder.exact:
            seeder.repair()
        seeder.fts(target)
        for e in schema.database.entities:
            if e.is_fts:
                for sql in e.content_sync_triggers:
                    conn.execute(sql)
        seeder.drop_maps()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if fk_state else 'OFF'}")
        if journal.lower() == "wal":
            conn.execute("PRAGMA main.journal_mode = WAL").fetchone()
    return row_counts(conn, schema)


def row_counts(conn: sqlite3.Connection, schema: Schema) -> dict[str, int]:
    return {e.table_name: conn.execute(f"SELECT count(*) FROM main.{quote(e.table_name)}").fetchone()[0]
            for e in schema.database.entities}
