"""The values the replay computes with, and the scopes that hold them.

Concrete values are Python's (``int``, ``bool``, ``None``, ``StringValue``/``CharValue``,
``list``, ``dict``, ``Pair``). The rest say what the replay knows about a value it cannot
compute: ``Unknown`` (known only at run time, with the reason), ``Deferred`` (asks the
database being migrated, so the runner can compute it at that point of the migration).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional


class Scope:
    __slots__ = ("vars", "parent")

    def __init__(self, parent: Optional["Scope"] = None):
        self.vars: dict = {}
        self.parent = parent

    def find(self, name: str) -> Optional["Scope"]:
        s: Optional[Scope] = self
        while s is not None:
            if name in s.vars:
                return s
            s = s.parent
        return None

    def chain(self) -> list:
        out = []
        s: Optional[Scope] = self
        while s is not None:
            out.append(s)
            s = s.parent
        return out

    def clone(self) -> tuple:
        """A copy of the whole chain (values shared): ``(copy, [(original, copy), ...])``."""
        pairs = []
        parent = None
        for s in reversed(self.chain()):
            c = Scope(parent)
            # Collections are copied too: code run on the copy may add to them.
            c.vars = {k: (list(v) if type(v) is list else dict(v) if type(v) is dict else v) for k, v in s.vars.items()}
            pairs.append((s, c))
            parent = c
        pairs.reverse()
        return pairs[0][1], pairs


@dataclass(eq=False)
class Unknown:
    """A value only known when the app runs; ``reason`` says which and why."""
    reason: str


@dataclass(eq=False)
class Db:
    """The database handed to ``migrate``: ``SupportSQLiteDatabase`` or ``SQLiteConnection``."""
    label: str
    api: str = "support"


class Qual(Unknown):
    """A name that is not a value in scope: a class, an object or a package prefix. As a value it
    is unknown; as the receiver of ``.name`` it qualifies the name."""

    def __init__(self, path: str):
        super().__init__(f"`{path}`, which is not defined in the source tree")
        self.path = path


class TemplateParam(Unknown):
    """A parameter of a function or class that builds Migrations: known at each call site."""


@dataclass(eq=False)
class Deferred:
    """A value computed from what the database being migrated says about its own schema; the
    replay evaluates ``node`` again on the live database when the runner gets there."""
    node: Any
    scope: Scope
    file: Any
    receivers: tuple


@dataclass(eq=False)
class LiveBlock:
    """A statement (a loop over a cursor, an ``if`` on one) whose effect is only on local
    variables that depend on the live schema."""
    stmt: Any
    scope: Scope
    file: Any
    receivers: tuple


@dataclass(eq=False)
class DeferredVar:
    block: LiveBlock
    name: str


@dataclass(eq=False)
class Fn:
    decl: Any
    closure: Scope
    file: Any
    this: Any = None


@dataclass(eq=False)
class LambdaV:
    node: Any
    closure: Scope
    file: Any
    receivers: tuple
    with_receiver: bool = False  # of a type `T.() -> R`: its first argument is `this`


@dataclass(eq=False)
class BoundRef:
    """``receiver::name`` or ``::name``."""
    receiver: Any
    name: str


@dataclass(eq=False)
class Obj:
    """An instance of a class or object of the source tree."""
    cls: Any
    file: Any
    scope: Scope
    sup: Optional["Obj"] = None
    # set when the instance is a Room Migration
    start: Any = None
    end: Any = None
    factory: Optional[LambdaV] = None

    def chain(self) -> list:
        out = []
        o: Optional[Obj] = self
        while o is not None:
            out.append(o)
            o = o.sup
        return out


@dataclass(eq=False)
class EnumEntry:
    cls: Any
    name: str
    ordinal: int
    obj: Optional[Obj]


class Pair(tuple):
    pass


@dataclass(eq=False)
class Entry:
    key: Any
    value: Any


@dataclass
class Live:
    """One evaluation of guards on a live connection; deferred values are computed once each."""
    conn: Any
    memo: dict = field(default_factory=dict)


def is_deferred(v) -> bool:
    return isinstance(v, (Deferred, DeferredVar))


def contains_db(v, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(v, Db):
        return True
    if isinstance(v, (list, tuple)):
        return any(contains_db(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return any(contains_db(x, depth + 1) for x in list(v.keys()) + list(v.values()))
    if isinstance(v, Entry):
        return contains_db(v.key, depth + 1) or contains_db(v.value, depth + 1)
    if isinstance(v, Obj):
        return any(contains_db(x, depth + 1) for o in v.chain() for x in o.scope.vars.values())
    if isinstance(v, BoundRef):
        return contains_db(v.receiver, depth + 1)
    return False


_SCHEMA_PRAGMA = re.compile(r"^\s*PRAGMA\s+(?:\w+\s*\.\s*)?(table_info|table_xinfo|index_list|index_info|index_xinfo|"
                            r"foreign_key_list|user_version|schema_version)\b(?!\s*=)", re.IGNORECASE)
_FROM = re.compile(r"\b(?:FROM|JOIN)\s+([`\"\[]?[\w.]+[`\"\]]?)", re.IGNORECASE)
_LIMIT0 = re.compile(r"\bLIMIT\s+0\s*;?\s*$", re.IGNORECASE)


def schema_read(sql: str) -> bool:
    """A read-only query whose answer depends only on the schema (never on the rows), so the
    seeded database answers it as the user's database would."""
    if _SCHEMA_PRAGMA.match(sql):
        return True
    head = sql.lstrip().upper()
    if not head.startswith("SELECT") or ";" in sql.strip().rstrip(";"):
        return False
    if _LIMIT0.search(sql) and "UNION" not in head:
        return True
    tables = [m.group(1).strip("`\"[]").lower().split(".")[-1] for m in _FROM.finditer(sql)]
    return bool(tables) and all(t in ("sqlite_master", "sqlite_schema", "sqlite_temp_master") for t in tables)


def read_only(sql: str) -> bool:
    head = sql.lstrip().upper()
    return head.startswith(("SELECT", "WITH")) and not re.search(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", head) \
        or (head.startswith("PRAGMA") and "=" not in head)
