"""Replaying a migration's Kotlin without compiling it: what it runs on the database, in order.

The replay walks the syntax tree the way Kotlin would run it, with the values that are known
before the app runs: literals, constants (of the file or of its source tree), parameters
given at the call site, loops over literal lists and ranges, local functions, lambdas and
helper functions of the tree. Each ``execSQL`` becomes a statement with its exact SQL.

What depends on the app at run time becomes a statement with ``sql=None`` and the reason,
never a guess: values read through a cursor, branches on row data, the database object
handed to code that is not followed. What depends only on the schema of the database being
migrated (``PRAGMA table_info``, ``sqlite_master``, ``SELECT * ... LIMIT 0``) is deferred: a
guarded branch keeps both sides and a ``Guard`` that the runner evaluates on the live
database at that point, so the branch Room takes is the one replayed.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable, Optional

from roomschema.kotlin.java import LAMBDA_LABEL, SYNTHETIC_CALLS
from roomschema.kotlin.results import ExtractedStatement, Guard, GuardError, flat_statements
from roomschema.kotlin.strings import kotlin_trim, trim_indent, trim_margin
from roomschema.kotlin.syntax import (Assign, Binary, Block, Call, Cast, ClassDecl, ExprStmt, For, FunDecl, If,
                                      IncDec, Index, IsCheck, Jump, Lambda, Lit, Member, Name, NotNull, ObjectExpr,
                                      Opaque, Ref, StringValue, StrT, CharValue, Super, This, Try, Unary, ValDecl,
                                      When, While)
from roomschema.kotlin.tree import SourceFile, SourceTree
from roomschema.kotlin.values import (BoundRef, Db, Deferred, DeferredVar, Entry, EnumEntry, Fn, LambdaV, Live,
                                      LiveBlock, Obj, Pair, Qual, Scope, Unknown, contains_db, is_deferred,
                                      read_only, schema_read)

_MAX_ITERATIONS = 10_000
_MAX_DEPTH = 60
_MAX_WORK = 400_000

DB_WRITES = {"insert", "update", "delete", "compileStatement", "execPerConnectionSQL", "insertWithOnConflict",
             "replace", "updateWithOnConflict", "executeSQL", "replaceOrThrow", "insertOrThrow"}
_DB_NOOPS = {"beginTransaction", "beginTransactionNonExclusive", "endTransaction", "setTransactionSuccessful",
             "yieldIfContendedSafely", "close", "hashCode", "toString", "equals"}
_DB_SCALARS = {"version", "path", "isOpen", "isReadOnly", "pageSize", "maximumSize", "isWriteAheadLoggingEnabled",
               "inTransaction", "isInTransaction", "isDatabaseIntegrityOk", "attachedDbs", "isDbLockedByCurrentThread"}
_FK_CHECK = "foreignKeyCheck"
_JAVA_STATICS = {("String", "valueOf"), ("Integer", "toString"), ("Long", "toString"), ("Boolean", "toString"),
                 ("String", "join"), ("TextUtils", "join"), ("Arrays", "asList"), ("List", "of"), ("Set", "of"),
                 ("Collections", "singletonList"), ("Collections", "emptyList"), ("Collections", "emptySet")}
_OBJECT_METHODS = {"equals", "hashCode", "toString", "getClass", "andThen", "compose", "negate", "and", "or"}
_MIGRATION_TYPES = ("Migration", "androidx.room.migration.Migration")


class Return(Exception):
    def __init__(self, value, label: Optional[str] = None):
        self.value, self.label = value, label


class Break(Exception):
    def __init__(self, label: Optional[str] = None):
        self.label = label


class Continue(Exception):
    def __init__(self, label: Optional[str] = None):
        self.label = label


class Thrown(Exception):
    def __init__(self, value, line: int):
        self.value, self.line = value, line


class Budget(Exception):
    pass


class Ctx:
    """Where code runs: its file, scope, implicit receivers and where its statements go."""
    __slots__ = ("file", "scope", "receivers", "out", "live", "fn", "top", "anchor", "depth")

    def __init__(self, file: SourceFile, scope: Scope, receivers: tuple = (), out: Optional[list] = None,
                 live: Optional[Live] = None, fn: Optional[str] = None, anchor: int = 0, depth: int = 0):
        self.file, self.scope, self.receivers = file, scope, receivers
        self.out = out if out is not None else []
        self.live, self.fn, self.anchor, self.depth = live, fn, anchor, depth
        self.top: Optional[Scope] = None  # the scope of the function body, for `if (...) return`

    def child(self, **kw) -> "Ctx":
        c = Ctx(self.file, self.scope, self.receivers, self.out, self.live, self.fn, self.anchor, self.depth)
        for k, v in kw.items():
            setattr(c, k, v)
        return c


def _same(a, b) -> bool:
    if a is b:
        return True
    if type(a) in (list, dict) and type(a) is type(b):
        try:
            return bool(a == b)
        except Exception:  # noqa: BLE001 - a comparison Python cannot make is a change
            return False
    return False


def _instance_member(owners: tuple) -> bool:
    return bool(owners) and owners[-1].kind in ("class", "enum", "interface")


def _facade(f: SourceFile) -> Optional[str]:
    """The class Java names a Kotlin file's top-level declarations by (``TabDataKt.HOME``)."""
    return None if f.java else f.facade


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def kstr(v) -> Any:
    """Kotlin's ``toString`` of a value, or the Unknown/Deferred it depends on."""
    if isinstance(v, (Unknown, Deferred, DeferredVar)):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, EnumEntry):
        return v.name
    if isinstance(v, Pair):
        parts = [kstr(x) for x in v]
        bad = next((p for p in parts if not isinstance(p, str)), None)
        return bad if bad is not None else "(" + ", ".join(parts) + ")"
    if isinstance(v, (list, tuple)):
        parts = [kstr(x) for x in v]
        bad = next((p for p in parts if not isinstance(p, str)), None)
        return bad if bad is not None else "[" + ", ".join(parts) + "]"
    if isinstance(v, Db):
        return Unknown("the database object's text")
    return Unknown("the text of an object known only at run time")


class Replay:
    def __init__(self, tree: SourceTree):
        self.tree = tree
        self.main = tree.main
        self.work = 0
        self._objects: dict = {}

    # ---- effects --------------------------------------------------------------------------
    def emit(self, ctx: Ctx, line: int, sql: Optional[str], reason: Optional[str] = None, **kw) -> None:
        if ctx.live is not None:
            raise GuardError(f"line {line}: a guard's code changes the database")
        if ctx.file is not self.main:
            where = f"{ctx.file.name}:{line}"
            line = ctx.anchor or line
            if reason is not None:
                reason = f"{reason} (in {where})"
        ctx.out.append(ExtractedStatement(sql, line, reason, **kw))

    def unverifiable(self, ctx: Ctx, line: int, reason: str) -> None:
        self.emit(ctx, line, None, reason)

    def tick(self) -> None:
        self.work += 1
        if self.work > _MAX_WORK:
            raise Budget()

    # ---- running a migration --------------------------------------------------------------
    def run_migration(self, m: Obj, label: str, line: int) -> tuple:
        """The statements of ``m.migrate(db)``."""
        ctx = Ctx(m.file, Scope(m.scope), (m,), anchor=line)
        try:
            if m.factory is not None:
                db = self._db_for_lambda(m.factory)
                self.call_lambda(m.factory, [db], ctx, line)
            else:
                found = self.find_migrate(m)
                if found is None:
                    return ()  # Room's abstract migrate: the class does not compile without one
                owner, decl = found
                db = Db(decl.params[0].name, "connection" if "SQLiteConnection" in decl.params[0].type else "support")
                self.call_fn(Fn(decl, owner.scope, owner.file, owner), [db], {}, None, ctx, decl.line)
        except Budget:
            ctx.out.append(ExtractedStatement(None, line, "the migration's code runs too long to replay statically"))
        except Thrown as t:
            ctx.out.append(ExtractedStatement(None, t.line, "the migration throws at line "
                                              f"{t.line} when replayed, so what runs is known only at run time"))
        except Return:
            pass
        except (Break, Continue):
            pass
        except RecursionError:
            ctx.out.append(ExtractedStatement(None, line, "the migration's code nests too deeply to replay"))
        return tuple(ctx.out)

    def _db_for_lambda(self, lam: LambdaV) -> Db:
        params = lam.node.params
        return Db(params[0] if params else "it")

    def find_migrate(self, m: Obj):
        for o in m.chain():
            if o.cls is None:
                continue
            cands = [d for d in o.cls.members if isinstance(d, FunDecl) and d.name == "migrate" and len(d.params) == 1
                     and d.body is not None]
            if cands:
                conn = [d for d in cands if "SQLiteConnection" in d.params[0].type]
                return o, (conn or cands)[0]
        return None

    # ---- statements ----------------------------------------------------------------------
    def exec_block(self, block, ctx: Ctx, new_scope: bool = True):
        """Runs the statements; the value of the last one when it is an expression."""
        stmts = block.stmts if isinstance(block, Block) else [block]
        c = ctx.child(scope=Scope(ctx.scope)) if new_scope else ctx
        return self.exec_stmts(stmts, c)

    def exec_stmts(self, stmts: list, ctx: Ctx):
        value: Any = None
        for i, st in enumerate(stmts):
            self.tick()
            if ctx.file is self.main:
                ctx.anchor = st.line
            if isinstance(st, ExprStmt) and isinstance(st.expr, If) and ctx.live is None:
                handled = self._early_return(st.expr, stmts[i + 1:], ctx)
                if handled:
                    return None
            value = self.exec_stmt(st, ctx)
        return value

    def exec_stmt(self, st, ctx: Ctx):
        if isinstance(st, ExprStmt):
            return self.ev(st.expr, ctx)
        if isinstance(st, ValDecl):
            v = self.ev(st.expr, ctx) if st.expr is not None else Unknown(f"`{st.names[0]}` has no value yet")
            if len(st.names) == 1:
                ctx.scope.vars[st.names[0]] = v
            else:
                for k, n in enumerate(st.names):
                    ctx.scope.vars[n] = self.component(v, k)
            return None
        if isinstance(st, FunDecl):
            ctx.scope.vars[st.name] = Fn(st, ctx.scope, ctx.file, ctx.receivers[-1] if ctx.receivers else None)
            return None
        if isinstance(st, ClassDecl):
            return None
        if isinstance(st, Assign):
            return self.assign(st, ctx)
        if isinstance(st, IncDec):
            cur = self.ev(st.target, ctx)
            new = cur + (1 if st.op == "++" else -1) if isinstance(cur, int) else Unknown("a counter")
            self.store(st.target, new, ctx)
            return None
        if isinstance(st, For):
            return self.exec_for(st, ctx)
        if isinstance(st, While):
            return self.exec_while(st, ctx)
        if isinstance(st, Opaque):
            return self.opaque(st, ctx)
        if isinstance(st, Block):
            return self.exec_block(st, ctx)
        return self.ev(st, ctx)

    def component(self, v, k: int):
        if isinstance(v, (list, tuple)) and k < len(v):
            return v[k]
        if isinstance(v, Entry):
            return v.key if k == 0 else v.value
        if isinstance(v, (Unknown, Deferred, DeferredVar)):
            return v
        return Unknown("a destructured value")

    def opaque(self, st: Opaque, ctx: Ctx):
        names = {t.value for t in st.tokens if t.kind == "ident"}
        uses_db = any(isinstance(self.lookup_local(n, ctx), Db) for n in names)
        uses_db = uses_db or ("this" in names and any(isinstance(r, Db) for r in ctx.receivers))
        uses_db = uses_db or bool(names & ({"execSQL", "query", "prepare"} | DB_WRITES))
        if uses_db:
            self.unverifiable(ctx, st.line, f"roomschema cannot read the Kotlin at line {st.line} ({st.why})")
        for k, t in enumerate(st.tokens[:-1]):
            if t.kind == "ident" and st.tokens[k + 1].kind == "op" and st.tokens[k + 1].value in ("=", "+=", "-="):
                s = ctx.scope.find(t.value)
                if s is not None:
                    s.vars[t.value] = Unknown(f"`{t.value}` is set by code roomschema cannot read (line {st.line})")
        return None

    def lookup_local(self, name: str, ctx: Ctx):
        s = ctx.scope.find(name)
        return s.vars[name] if s is not None else None

    def assign(self, st: Assign, ctx: Ctx):
        v = self.ev(st.expr, ctx)
        if st.op != "=":
            cur = self.ev(st.target, ctx)
            v = self.binop(st.op[0], cur, v, st, ctx)
        self.store(st.target, v, ctx)
        return None

    def store(self, target, v, ctx: Ctx) -> None:
        if isinstance(target, Name):
            s = ctx.scope.find(target.id)
            if s is not None:
                s.vars[target.id] = v
                return
            for r in reversed(ctx.receivers):
                if isinstance(r, Obj):
                    for o in r.chain():
                        if target.id in o.scope.vars:
                            o.scope.vars[target.id] = v
                            return
            return
        if isinstance(target, Member):
            obj = self.ev(target.obj, ctx)
            if isinstance(obj, Obj):
                obj.scope.vars[target.name] = v
            return
        if isinstance(target, Index):
            obj = self.ev(target.obj, ctx)
            key = self.ev(target.args[0].expr, ctx) if target.args else None
            if isinstance(obj, dict) and isinstance(key, (str, int)):
                obj[key] = v
            elif isinstance(obj, list) and isinstance(key, int) and 0 <= key < len(obj):
                obj[key] = v

    # ---- branches the replay cannot decide -------------------------------------------------
    def _run_branch(self, run: Callable, ctx: Ctx) -> tuple:
        """Runs ``run(ctx)`` on a copy of the scopes: ``(statements, pairs, returned)``."""
        scope, pairs = ctx.scope.clone()
        out: list = []
        c = ctx.child(scope=scope, out=out)
        returned: Optional[Exception] = None
        try:
            run(c)
        except Return as r:
            returned = r
        except (Break, Continue) as j:
            returned = j
        except Thrown:
            returned = Return(None)
        return out, pairs, returned

    def _merge(self, pair_sets: list, why: str) -> list:
        changed = []
        for pairs in pair_sets:
            for orig, copy in pairs:
                for name, value in copy.vars.items():
                    if name not in orig.vars or not _same(orig.vars[name], value):
                        changed.append((orig, name))
        for orig, name in changed:
            orig.vars[name] = Unknown(f"`{name}` is set {why}")
        return changed

    def uncertain(self, why: str, runs: list, ctx: Ctx) -> None:
        """Code that runs zero or more times depending on the app's data: every statement in it
        is reported, none replayed."""
        pair_sets = []
        for run in runs:
            out, pairs, _ = self._run_branch(run, ctx)
            pair_sets.append(pairs)
            self.report(out, why, ctx)
        self._merge(pair_sets, why)

    def _early_return(self, node: If, rest: list, ctx: Ctx) -> bool:
        """``if (cond) return`` at the top of a function body, decided at run time: what follows
        runs only on the other side."""
        if ctx.top is not ctx.scope:
            return False
        if not self._returns(node.then) or node.else_ is not None and self._returns(node.else_):
            return False
        cond = self.ev(node.cond, ctx)
        if not isinstance(cond, (Unknown, Deferred, DeferredVar)):
            # Decided now: run it as any statement (the rest follows unless it returned).
            return False
        then_out, _, _ = self._run_branch(lambda c: self.exec_block(node.then, c), ctx)

        def rest_run(c: Ctx) -> None:
            if node.else_ is not None:
                self.exec_block(node.else_, c)
            self.exec_stmts(rest, c)
        if isinstance(cond, Unknown):
            out, _, _ = self._run_branch(rest_run, ctx)
            why = f"only if the early return at line {node.line} is not taken"
            for st in flat_statements(then_out) + flat_statements(out):
                if st.guard is None:
                    ctx.out.append(ExtractedStatement(None, st.line, st.reason if st.sql is None else f"runs {why}"))
            raise Return(Unknown(f"the result of a function that may return early at line {node.line}"))
        else_out, _, _ = self._run_branch(rest_run, ctx)
        self._guard(node, cond, then_out, else_out, ctx)
        raise Return(Unknown(f"the result of a function that may return early at line {node.line}"))

    def _returns(self, body) -> bool:
        stmts = body.stmts if isinstance(body, Block) else [body]
        return bool(stmts) and isinstance(stmts[-1], ExprStmt) and isinstance(stmts[-1].expr, Jump) \
            and stmts[-1].expr.kind == "return" and stmts[-1].expr.label is None

    def _guard(self, node, cond, then_out: list, else_out: list, ctx: Ctx) -> None:
        text = getattr(node, "text", "") or f"the condition at line {node.line}"
        guard = Guard(text, node.line, _Evaluate(self, cond))
        # Evaluated once on an empty database: code the live evaluation could not run shows now,
        # not in the middle of a verification. What an empty schema answers differently does not count.
        failure: Optional[Exception] = None
        try:
            probe = sqlite3.connect(":memory:")
            try:
                guard.holds(probe)
            finally:
                probe.close()
        except GuardError as err:
            failure = None if err.depends_on_rows else err
        except sqlite3.Error:
            failure = None
        except Budget as err:
            failure = err
        if failure is not None:
            why = (f"inside if at line {node.line}, whose condition roomschema cannot evaluate on the database "
                   f"({failure})")
            for st in flat_statements(then_out) + flat_statements(else_out):
                if st.guard is None:
                    ctx.out.append(ExtractedStatement(None, st.line, st.reason if st.sql is None else f"runs {why}"))
            return
        where = f"line {node.line}" if ctx.file is self.main else f"{ctx.file.name}:{node.line}"
        sql = f"-- if ({text}) at {where}, decided on the database being migrated"
        self.emit(ctx, node.line, sql, None, guard=guard, then=tuple(then_out), otherwise=tuple(else_out))

    def branch_if(self, node: If, ctx: Ctx):
        cond = self.ev(node.cond, ctx)
        if isinstance(cond, bool):
            if cond:
                return self.exec_block(node.then, ctx)
            return self.exec_block(node.else_, ctx) if node.else_ is not None else None
        if isinstance(cond, Unknown):
            self.uncertain(f"inside if at line {node.line}", [lambda c: self.exec_block(node.then, c)], ctx)
            if node.else_ is not None:
                self.uncertain(f"in the else branch at line {node.else_.line}",
                               [lambda c: self.exec_block(node.else_, c)], ctx)
            return Unknown(f"the value of the if at line {node.line}: {cond.reason}")
        if isinstance(cond, (Deferred, DeferredVar)):
            if ctx.live is not None:
                cond = self.resolve(cond, ctx.live)
                if cond is True:
                    return self.exec_block(node.then, ctx)
                return self.exec_block(node.else_, ctx) if node.else_ is not None else None
            snap, _ = ctx.scope.clone()
            then_out, tp, tr = self._run_branch(lambda c: self.exec_block(node.then, c), ctx)
            else_out, ep, er = self._run_branch(
                (lambda c: self.exec_block(node.else_, c)) if node.else_ is not None else (lambda c: None), ctx)
            if tr is not None or er is not None:
                self.uncertain(f"inside if at line {node.line}, which leaves early", [
                    lambda c: self.exec_block(node.then, c),
                    (lambda c: self.exec_block(node.else_, c)) if node.else_ is not None else (lambda c: None)], ctx)
                return Unknown("an early exit")
            if not then_out and not else_out:
                block = LiveBlock(ExprStmt(node.line, node), snap, ctx.file, ctx.receivers)
                changed = self._merge([tp, ep], f"inside if at line {node.line}")
                for orig, name in changed:
                    orig.vars[name] = DeferredVar(block, name)
                return Deferred(node, snap, ctx.file, ctx.receivers)
            self._merge([tp, ep], f"inside the guarded if at line {node.line}")
            self._guard(node, cond, then_out, else_out, ctx)
            return Unknown(f"the value of the guarded if at line {node.line}")
        return Unknown(f"the condition at line {node.line} is not a Boolean roomschema knows")

    # ---- loops -----------------------------------------------------------------------------
    def iterate(self, v):
        if isinstance(v, range):
            return list(v)
        if isinstance(v, dict):
            return [Entry(k, x) for k, x in v.items()]
        if isinstance(v, str):
            return [CharValue(c) for c in v]
        if isinstance(v, (list, tuple)):
            return list(v)
        return None

    def loop_unknown(self, node, what: str, body_run: Callable, ctx: Ctx, deferred) -> None:
        if deferred is not None and ctx.live is None:
            snap, _ = ctx.scope.clone()
            out, pairs, _ = self._run_branch(body_run, ctx)
            if not out:
                block = LiveBlock(node, snap, ctx.file, ctx.receivers)
                for orig, name in self._merge([pairs], f"in {what} at line {node.line}"):
                    orig.vars[name] = DeferredVar(block, name)
                return
        self.uncertain(f"inside {what} at line {node.line}", [body_run], ctx)

    def exec_for(self, st: For, ctx: Ctx):
        it = self.ev(st.iterable, ctx)
        if isinstance(it, DeferredVar) or isinstance(it, Deferred):
            if ctx.live is not None:
                it = self.resolve(it, ctx.live)
        items = self.iterate(it)
        if items is None:
            def body(c: Ctx) -> None:
                c.scope = Scope(c.scope)
                for n in st.names:
                    c.scope.vars[n] = it if isinstance(it, (Unknown, Deferred)) else Unknown("a loop variable")
                self.exec_block(st.body, c)
            self.loop_unknown(st, "a for loop", body, ctx, it if is_deferred(it) else None)
            return None
        if len(items) > _MAX_ITERATIONS:
            raise Budget()
        for item in items:
            self.tick()
            c = ctx.child(scope=Scope(ctx.scope))
            if len(st.names) == 1:
                c.scope.vars[st.names[0]] = item
            else:
                for k, n in enumerate(st.names):
                    c.scope.vars[n] = self.component(item, k)
            try:
                self.exec_block(st.body, c, new_scope=False)
            except Break as b:
                if b.label in (None, st.label):
                    break
                raise
            except Continue as cont:
                if cont.label in (None, st.label):
                    continue
                raise
        return None

    def exec_while(self, st: While, ctx: Ctx):
        count = 0
        first = True
        while True:
            self.tick()
            if not (st.do and first):
                cond = self.ev(st.cond, ctx)
                if isinstance(cond, (Deferred, DeferredVar)) and ctx.live is not None:
                    cond = self.resolve(cond, ctx.live)
                if isinstance(cond, (Unknown, Deferred, DeferredVar)):
                    if count:
                        raise Budget()
                    what = "a do-while loop" if st.do else "a while loop"
                    self.loop_unknown(st, what, lambda c: self.exec_block(st.body, c), ctx,
                                      cond if is_deferred(cond) else None)
                    return None
                if not cond:
                    return None
            first = False
            count += 1
            if count > _MAX_ITERATIONS:
                raise Budget()
            try:
                self.exec_block(st.body, ctx)
            except Break as b:
                if b.label in (None, st.label):
                    return None
                raise
            except Continue as c:
                if c.label not in (None, st.label):
                    raise

    # ---- expressions -----------------------------------------------------------------------
    def ev(self, node, ctx: Ctx):
        self.tick()
        method = getattr(self, "ev_" + type(node).__name__, None)
        if method is None:
            return Unknown(f"an expression roomschema does not evaluate (line {node.line})")
        return method(node, ctx)

    def deferred(self, node, ctx: Ctx, values: list):
        """The first Unknown among ``values``, else a Deferred of ``node`` when one is deferred, else None."""
        for v in values:
            if isinstance(v, Unknown):
                return v
        for v in values:
            if isinstance(v, (Deferred, DeferredVar)):
                if ctx.live is not None:
                    return None
                snap, _ = ctx.scope.clone()
                return Deferred(node, snap, ctx.file, ctx.receivers)
        return None

    def ev_Lit(self, node: Lit, ctx: Ctx):
        return node.value

    def ev_StrT(self, node: StrT, ctx: Ctx):
        out = []
        for p in node.parts:
            if isinstance(p, str):
                out.append(p)
                continue
            v = self.ev(p, ctx)
            if isinstance(v, (Deferred, DeferredVar)) and ctx.live is not None:
                v = self.resolve(v, ctx.live)
            s = kstr(v)
            if isinstance(s, Unknown):
                what = f"${p.id}" if isinstance(p, Name) else "${...}"
                return Unknown(f"string template {what}: {s.reason}")
            if not isinstance(s, str):
                return self.deferred(node, ctx, [s])
            out.append(s)
        return StringValue("".join(out))

    def ev_Opaque(self, node: Opaque, ctx: Ctx):
        names = {t.value for t in node.tokens if t.kind == "ident"}
        if any(isinstance(self.lookup_local(n, ctx), Db) for n in names):
            self.unverifiable(ctx, node.line, f"roomschema cannot read the Kotlin at line {node.line} ({node.why})")
        return Unknown(f"code roomschema cannot read at line {node.line}")

    def ev_Name(self, node: Name, ctx: Ctx):
        v = self.name(node.id, ctx, node.line)
        if ctx.live is not None and isinstance(v, (Deferred, DeferredVar)):
            return self.resolve(v, ctx.live)
        return v

    def name(self, name: str, ctx: Ctx, line: int):
        s = ctx.scope.find(name)
        if s is not None:
            return s.vars[name]
        for r in reversed(ctx.receivers):
            found, v = self.member_value(r, name, ctx, line)
            if found:
                return v
        return self.global_value(name, ctx, line)

    def global_value(self, name: str, ctx: Ctx, line: int):
        for f in self._files_for(ctx):
            for decl, owners in f.lookup(name):
                if _instance_member(owners):
                    continue  # an instance member: only through its instance
                if isinstance(decl, ValDecl):
                    return self.top_val(decl, owners, f, name)
                if isinstance(decl, ClassDecl):
                    if decl.kind in ("object", "companion"):
                        return self.singleton(decl, f)
                    return Qual(name)
        for decl, owners, f in self.tree.lookup(name):
            if _instance_member(owners):
                continue
            if isinstance(decl, ValDecl):
                return self.top_val(decl, owners, f, name)
            if isinstance(decl, ClassDecl):
                if decl.kind in ("object", "companion"):
                    return self.singleton(decl, f)
                return Qual(name)
        java = self.tree.java_constant(name)
        if java is not None:
            return java
        return Qual(name)

    def _files_for(self, ctx: Ctx) -> list:
        return [ctx.file] if ctx.file is self.main else [ctx.file, self.main]

    def top_val(self, decl: ValDecl, owners: tuple, f: SourceFile, name: str):
        key = (id(decl), name)
        if key in self._objects:
            return self._objects[key]
        self._objects[key] = Unknown(f"`{name}` is defined in terms of itself")
        receivers: tuple = ()
        if owners:
            receivers = (self.singleton(owners[-1], f),)
        ctx = Ctx(f, Scope(), receivers)
        if decl.expr is None and decl.getter is None:
            v: Any = Unknown(f"`{name}` has no initial value")
        else:
            try:
                v = self.ev(decl.expr if decl.expr is not None else decl.getter, ctx)
            except (Return, Break, Continue, Thrown, GuardError):
                v = Unknown(f"`{name}`'s value")
            if ctx.out:
                v = Unknown(f"`{name}` runs database code when initialised")
        if isinstance(v, (list, dict)):
            v = Unknown(f"`{name}`, a collection that may change at run time") if decl.mutable else v
        if decl.mutable:
            v = Unknown(f"`{name}` is a var, known only at run time")
        self._objects[key] = v
        return v

    def singleton(self, decl: ClassDecl, f: SourceFile) -> Obj:
        key = id(decl)
        if key not in self._objects:
            obj = Obj(decl, f, Scope())
            self._objects[key] = obj
            self.init_members(obj, Ctx(f, obj.scope, (obj,)))
        return self._objects[key]

    def init_members(self, obj: Obj, ctx: Ctx) -> None:
        for mem in obj.cls.members:
            if isinstance(mem, ValDecl):
                try:
                    v = self.ev(mem.expr, ctx) if mem.expr is not None else (
                        Unknown(f"`{mem.names[0]}`, a property computed at run time") if mem.getter is not None
                        else Unknown(f"`{mem.names[0]}` has no initial value"))
                except (Return, Break, Continue, Thrown, GuardError):
                    v = Unknown(f"`{mem.names[0]}`'s value")
                if mem.getter is not None and mem.expr is None:
                    continue
                for k, n in enumerate(mem.names):
                    obj.scope.vars[n] = v if len(mem.names) == 1 else self.component(v, k)
            elif isinstance(mem, Block):
                try:
                    self.exec_block(mem, ctx)
                except (Return, Break, Continue, Thrown, GuardError):
                    pass

    def member_value(self, recv, name: str, ctx: Ctx, line: int) -> tuple:
        """``(found, value)`` of ``recv.name`` as an implicit receiver's property."""
        if isinstance(recv, Obj):
            for o in recv.chain():
                if name in o.scope.vars:
                    return True, o.scope.vars[name]
                if o.cls is not None:
                    for mem in o.cls.members:
                        if isinstance(mem, ValDecl) and name in mem.names and mem.getter is not None:
                            return True, self.exec_getter(o, mem, ctx)
                        if isinstance(mem, ClassDecl) and mem.kind == "companion":
                            comp = self.singleton(mem, o.file)
                            if name in comp.scope.vars:
                                return True, comp.scope.vars[name]
            if recv.start is not None and name in ("startVersion", "endVersion"):
                return True, recv.start if name == "startVersion" else recv.end
        return False, None

    def exec_getter(self, o: Obj, mem: ValDecl, ctx: Ctx):
        c = Ctx(o.file, Scope(o.scope), (o,), live=ctx.live, anchor=ctx.anchor, depth=ctx.depth + 1)
        c.out = ctx.out
        try:
            return self.exec_block(mem.getter, c) if isinstance(mem.getter, Block) else self.ev(mem.getter, c)
        except Return as r:
            return r.value

    def ev_This(self, node: This, ctx: Ctx):
        for r in reversed(ctx.receivers):
            if node.label is None or isinstance(r, Obj) and r.cls is not None and r.cls.name == node.label:
                return r
        return ctx.receivers[-1] if ctx.receivers else Unknown("`this`")

    def ev_Super(self, node: Super, ctx: Ctx):
        for r in reversed(ctx.receivers):
            if isinstance(r, Obj):
                return r.sup if r.sup is not None else Qual("super")
        return Qual("super")

    def ev_Lambda(self, node: Lambda, ctx: Ctx):
        return LambdaV(node, ctx.scope, ctx.file, ctx.receivers)

    def ev_Ref(self, node: Ref, ctx: Ctx):
        recv = self.ev(node.obj, ctx) if node.obj is not None else None
        return BoundRef(recv, node.name)

    def ev_ObjectExpr(self, node: ObjectExpr, ctx: Ctx):
        return self.instantiate(node.decl, ctx.file, ctx.scope, [], {}, ctx, node.line)

    def ev_Jump(self, node: Jump, ctx: Ctx):
        if node.kind == "return":
            raise Return(self.ev(node.expr, ctx) if node.expr is not None else None, node.label)
        if node.kind == "break":
            raise Break(node.label)
        if node.kind == "continue":
            raise Continue(node.label)
        raise Thrown(self.ev(node.expr, ctx) if node.expr is not None else None, node.line)

    def ev_NotNull(self, node: NotNull, ctx: Ctx):
        v = self.ev(node.expr, ctx)
        if v is None:
            raise Thrown(None, node.line)
        return v

    def ev_Cast(self, node: Cast, ctx: Ctx):
        return self.ev(node.expr, ctx)

    def ev_IsCheck(self, node: IsCheck, ctx: Ctx):
        v = self.ev(node.expr, ctx)
        d = self.deferred(node, ctx, [v])
        if d is not None:
            return d
        base = node.type.rstrip("?")
        known = {"String": str, "Int": int, "Long": int, "Boolean": bool}
        if base in known:
            r = isinstance(v, known[base]) and not (base != "Boolean" and isinstance(v, bool))
            return (not r) if node.negated else r
        if v is None:
            return node.negated != node.type.endswith("?")
        return Unknown(f"a type check `is {node.type}`")

    def ev_Unary(self, node: Unary, ctx: Ctx):
        if node.op in ("++", "--"):
            cur = self.ev(node.expr, ctx)
            new = cur + (1 if node.op == "++" else -1) if isinstance(cur, int) else Unknown("a counter")
            self.store(node.expr, new, ctx)
            return new
        v = self.ev(node.expr, ctx)
        d = self.deferred(node, ctx, [v])
        if d is not None:
            return d
        if node.op == "!":
            return (not v) if isinstance(v, bool) else Unknown("a negation")
        if node.op == "-":
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unknown("a negative number")
        return v

    def ev_Binary(self, node: Binary, ctx: Ctx):
        left = self.ev(node.left, ctx)
        if ctx.live is not None and is_deferred(left):
            left = self.resolve(left, ctx.live)
        if node.op == "&&" and left is False or node.op == "||" and left is True:
            return left
        if node.op == "?:" and left is not None and not isinstance(left, (Unknown, Deferred, DeferredVar)):
            return left
        right = self.ev(node.right, ctx)
        if ctx.live is not None and is_deferred(right):
            right = self.resolve(right, ctx.live)
        if node.op in ("&&", "||"):
            # false && unknown is false; unknown || true is true
            if node.op == "&&" and right is False or node.op == "||" and right is True:
                if not isinstance(left, (Deferred, DeferredVar)):
                    return right
        d = self.deferred(node, ctx, [left, right])
        if d is not None:
            return d
        return self.binop(node.op, left, right, node, ctx)

    def binop(self, op: str, a, b, node, ctx: Ctx):
        for v in (a, b):
            if isinstance(v, Unknown):
                return v
        if isinstance(a, (Deferred, DeferredVar)) or isinstance(b, (Deferred, DeferredVar)):
            return self.deferred(node, ctx, [a, b]) or Unknown("a value from the database")
        try:
            if op == "+":
                if isinstance(a, StringValue) or (isinstance(a, str) and not isinstance(a, CharValue)):
                    s = kstr(b)
                    return s if not isinstance(s, str) else StringValue(a + s)
                if isinstance(a, list):
                    return a + (list(b) if isinstance(b, (list, tuple)) and not isinstance(b, Pair) else [b])
                if isinstance(a, dict) and isinstance(b, dict):
                    return {**a, **b}
                if isinstance(a, CharValue) and isinstance(b, int):
                    return CharValue(chr(ord(a) + b))
                if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                    return a + b
                if isinstance(b, str) and not isinstance(b, CharValue):
                    # Java: `1 + "x"` and `'c' + "x"` are text (Kotlin has only Char + String).
                    s = kstr(a)
                    return s if not isinstance(s, str) else StringValue(s + b)
                return Unknown("an addition roomschema does not evaluate")
            if op == "-":
                if isinstance(a, list):
                    return [x for x in a if x != b]
                return a - b
            if op == "*":
                return a * b if isinstance(a, (int, float)) and isinstance(b, (int, float)) else Unknown("a product")
            if op == "/":
                if isinstance(a, int) and isinstance(b, int):
                    if b == 0:
                        raise Thrown(None, node.line)
                    q = abs(a) // abs(b)
                    return q if (a >= 0) == (b >= 0) else -q
                return a / b
            if op == "%":
                if isinstance(a, int) and isinstance(b, int):
                    return a - b * self.binop("/", a, b, node, ctx)
                return Unknown("a remainder")
            if op in ("==", "==="):
                return self.equals(a, b)
            if op in ("!=", "!=="):
                e = self.equals(a, b)
                return (not e) if isinstance(e, bool) else e
            if op in ("<", ">", "<=", ">="):
                if isinstance(a, EnumEntry) and isinstance(b, EnumEntry):
                    a, b = a.ordinal, b.ordinal
                return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
            if op == "..":
                return range(a, b + 1)
            if op in ("until", "..<"):
                return range(a, b)
            if op == "downTo":
                return range(a, b - 1, -1)
            if op == "step":
                if isinstance(a, range):
                    return range(a.start, a.stop, b if a.step > 0 else -b)
                return Unknown("a stepped range")
            if op == "to":
                return Pair((a, b))
            if op in ("in", "!in"):
                r = self.contains(b, a)
                return r if not isinstance(r, bool) else (r if op == "in" else not r)
            if op == "?:":
                return b if a is None else a
            if op in ("and", "or", "xor") and isinstance(a, bool) and isinstance(b, bool):
                return {"and": a and b, "or": a or b, "xor": a != b}[op]
            if op in ("and", "or", "xor", "shl", "shr") and type(a) is int and type(b) is int and (
                    op not in ("shl", "shr") or 0 <= b < 31):
                r = {"and": a & b, "or": a | b, "xor": a ^ b, "shl": a << b, "shr": a >> b}[op]
                if -2 ** 31 <= a < 2 ** 31 and -2 ** 31 <= r < 2 ** 31:  # the same for Int and Long
                    return r
            if op in ("&&", "||"):
                if isinstance(a, bool) and isinstance(b, bool):
                    return (a and b) if op == "&&" else (a or b)
                return Unknown("a condition")
        except TypeError:
            return Unknown(f"`{op}` on values roomschema does not evaluate")
        return Unknown(f"the operator {op}")

    def equals(self, a, b):
        if isinstance(a, (Obj, Db, LambdaV, Fn)) or isinstance(b, (Obj, Db, LambdaV, Fn)):
            return a is b
        if isinstance(a, EnumEntry) or isinstance(b, EnumEntry):
            return a is b
        if isinstance(a, bool) != isinstance(b, bool):
            return False
        if isinstance(a, CharValue) != isinstance(b, CharValue) and isinstance(a, str) and isinstance(b, str):
            return False
        if isinstance(a, range) or isinstance(b, range):
            return list(a) == list(b) if isinstance(a, range) and isinstance(b, range) else False
        return a == b

    def contains(self, coll, x):
        if isinstance(coll, (Unknown, Deferred, DeferredVar)):
            return coll if isinstance(coll, Unknown) else Unknown("a collection from the database")
        if isinstance(x, Unknown):
            return x
        if isinstance(coll, range):
            return isinstance(x, int) and x in coll
        if isinstance(coll, str) and isinstance(x, str):
            return x in coll
        if isinstance(coll, dict):
            return any(self.equals(k, x) is True for k in coll)
        if isinstance(coll, (list, tuple, set, frozenset)):
            return any(self.equals(k, x) is True for k in coll)
        return Unknown("a membership test")

    def ev_If(self, node: If, ctx: Ctx):
        return self.branch_if(node, ctx)

    def ev_When(self, node: When, ctx: Ctx):
        subject = self.ev(node.subject, ctx) if node.subject is not None else None
        if ctx.live is not None and is_deferred(subject):
            subject = self.resolve(subject, ctx.live)
        c = ctx
        if node.subject_name:
            c = ctx.child(scope=Scope(ctx.scope))
            c.scope.vars[node.subject_name] = subject
        pending: list = []  # branches whose test is not known
        for br in node.branches:
            if br.conds is None:
                decided: Any = True
            else:
                decided = False
                for kind, cond in br.conds:
                    if kind == "expr":
                        v = self.ev(cond, c)
                        if ctx.live is not None and is_deferred(v):
                            v = self.resolve(v, ctx.live)
                        r = self.equals(subject, v) if node.subject is not None else v
                        if isinstance(subject, (Unknown, Deferred, DeferredVar)):
                            r = subject if isinstance(subject, Unknown) else Unknown("a when on a database value")
                        if isinstance(v, Unknown):
                            r = v
                    elif kind in ("in", "!in"):
                        r = self.contains(self.ev(cond, c), subject)
                        if isinstance(r, bool) and kind == "!in":
                            r = not r
                    else:
                        r = Unknown(f"a type check `{kind} {cond}`")
                    if r is True:
                        decided = True
                        break
                    if not isinstance(r, bool):
                        decided = r if not isinstance(r, (Deferred, DeferredVar)) else Unknown("a database value")
            if decided is True and not pending:
                return self.exec_block(br.body, c)
            if decided is True or isinstance(decided, Unknown):
                pending.append(br)
                if decided is True:
                    break
        if pending:
            self.uncertain(f"in a when branch at line {pending[0].line}",
                           [lambda cc, b=b: self.exec_block(b.body, cc) for b in pending], c)
            return Unknown(f"the value of the when at line {node.line}")
        return None

    def ev_Try(self, node: Try, ctx: Ctx):
        try:
            if not node.catches:
                return self.exec_block(node.body, ctx)
            out, pairs, returned = self._run_branch(lambda c: self.exec_block(node.body, c), ctx)
            if out:
                # A statement that fails is caught: whether the rest runs is known only at run time.
                self.report(out, f"in a try block at line {node.line} whose errors are caught", ctx)
                self._merge([pairs], f"in the try block at line {node.line}")
            else:
                for orig, copy in pairs:
                    orig.vars.update(copy.vars)
                if returned is not None:
                    raise returned
            for _, _, block in node.catches:
                self.uncertain(f"in a catch block at line {block.line}", [lambda c, b=block: self.exec_block(b, c)],
                               ctx)
            return Unknown(f"the value of the try at line {node.line}")
        finally:
            if node.finally_ is not None:
                self.exec_block(node.finally_, ctx)

    def report(self, out: list, why: str, ctx: Ctx) -> None:
        for st in flat_statements(out):
            if st.guard is None:
                reason = (f"{st.reason}; it also runs {why}" if st.sql is None else
                          f"runs {why}, so whether and how often it runs is known only at run time")
                ctx.out.append(ExtractedStatement(None, st.line, reason))

    def ev_Block(self, node: Block, ctx: Ctx):
        return self.exec_block(node, ctx)

    def ev_Index(self, node: Index, ctx: Ctx):
        obj = self.ev(node.obj, ctx)
        keys = [self.ev(a.expr, ctx) for a in node.args]
        d = self.deferred(node, ctx, [obj] + keys)
        if d is not None:
            return d
        return self.method(obj, "get", keys, {}, None, ctx, node)

    def ev_Member(self, node: Member, ctx: Ctx):
        obj = self.ev(node.obj, ctx)
        if ctx.live is not None and is_deferred(obj):
            obj = self.resolve(obj, ctx.live)
        if obj is None and node.safe:
            return None
        return self.property(obj, node.name, node, ctx)

    def property(self, obj, name: str, node, ctx: Ctx):
        if isinstance(obj, Qual):
            return self.qualified(obj, name, ctx, node.line)
        if isinstance(obj, Unknown):
            return obj
        if isinstance(obj, (Deferred, DeferredVar)):
            return self.deferred(node, ctx, [obj])
        found, v = self.member_value(obj, name, ctx, node.line)
        if found:
            return v
        if isinstance(obj, EnumEntry):
            if name == "name":
                return StringValue(obj.name)
            if name == "ordinal":
                return obj.ordinal
            if obj.obj is not None:
                found, v = self.member_value(obj.obj, name, ctx, node.line)
                if found:
                    return v
        if isinstance(obj, Pair):
            if name in ("first", "second"):
                return obj[0 if name == "first" else 1]
        if isinstance(obj, Entry):
            if name in ("key", "value"):
                return obj.key if name == "key" else obj.value
        if isinstance(obj, str):
            if name == "length":
                return len(obj)
        if isinstance(obj, (list, tuple, dict, range)):
            if name == "size" or name == "length" and isinstance(obj, list):  # Java arrays have `length`
                return len(obj)
            if name == "indices" and isinstance(obj, (list, tuple)):
                return range(len(obj))
            if name == "lastIndex" and isinstance(obj, (list, tuple)):
                return len(obj) - 1
            if isinstance(obj, dict) and name in ("keys", "values", "entries"):
                return list(obj.keys()) if name == "keys" else list(obj.values()) if name == "values" else \
                    [Entry(k, v) for k, v in obj.items()]
            if isinstance(obj, range) and name in ("first", "last", "start", "endInclusive"):
                return obj[0] if name in ("first", "start") else obj[-1]
        if isinstance(obj, Db):
            if name in _DB_SCALARS:
                return Unknown(f"`{obj.label}.{name}`, a property of the database known only at run time")
            # `connection.db`, `helper.writableDatabase`: still the database, wherever it goes.
            return Db(f"{obj.label}.{name}", obj.api)
        # Kotlin reads `x.count` as `x.getCount()`.
        if isinstance(obj, LiveCursor):
            return obj.call(name if name.startswith("is") else "get" + _cap(name), [])
        return Unknown(f"`.{name}` of a value known only at run time")

    def qualified(self, q: Qual, name: str, ctx: Ctx, line: int):
        if q.path == "super":
            return Unknown("super")
        last = q.path.split(".")[-1]
        for decl, owners, f in self._lookup(name, ctx):
            if owners and owners[-1].name == last or not owners and (not last[:1].isupper() or _facade(f) == last):
                if isinstance(decl, ValDecl):
                    if owners and owners[-1].kind in ("object", "companion"):
                        obj = self.singleton(owners[-1], f)
                        if name in obj.scope.vars:
                            return obj.scope.vars[name]
                    return self.top_val(decl, owners, f, name)
                if isinstance(decl, ClassDecl):
                    return self.singleton(decl, f) if decl.kind in ("object", "companion") else Qual(name)
            if owners and owners[-1].kind == "companion" and len(owners) > 1 and owners[-2].name == last:
                obj = self.singleton(owners[-1], f)
                if name in obj.scope.vars:
                    return obj.scope.vars[name]
        for decl, owners, f in self._lookup(last, ctx):
            if isinstance(decl, ClassDecl) and decl.kind == "enum":
                for k, (ename, args, eline) in enumerate(decl.entries):
                    if ename == name:
                        return self.enum_entry(decl, f, k, ename, args)
        java = self.tree.java_constant(name)
        if java is not None:
            return java
        return Qual(f"{q.path}.{name}")

    def _lookup(self, name: str, ctx: Ctx) -> list:
        out = []
        for f in self._files_for(ctx):
            out += [(d, o, f) for d, o in f.lookup(name)]
        return out + self.tree.lookup(name)

    def enum_entry(self, decl: ClassDecl, f: SourceFile, k: int, name: str, args: list) -> EnumEntry:
        key = (id(decl), name)
        if key not in self._objects:
            ctx = Ctx(f, Scope())
            argv, named = self.args(args, ctx)
            obj = self.instantiate(decl, f, Scope(), argv, named, ctx, decl.line) if decl.params else None
            self._objects[key] = EnumEntry(decl, name, k, obj if isinstance(obj, Obj) else None)
        return self._objects[key]

    # ---- calls -----------------------------------------------------------------------------
    def args(self, args: list, ctx: Ctx) -> tuple:
        pos: list = []
        named: dict = {}
        for a in args:
            v = self.ev(a.expr, ctx)
            if ctx.live is not None and is_deferred(v):
                v = self.resolve(v, ctx.live)
            if a.spread:
                pos.extend(v if isinstance(v, (list, tuple)) else [Unknown("a spread argument")])
            elif a.name is not None:
                named[a.name] = v
            else:
                pos.append(v)
        return pos, named

    def ev_Call(self, node: Call, ctx: Ctx):
        callee = node.callee
        lam = LambdaV(node.lambda_, ctx.scope, ctx.file, ctx.receivers) if node.lambda_ is not None else None
        if isinstance(callee, Member):
            recv = self.ev(callee.obj, ctx)
            if ctx.live is not None and is_deferred(recv):
                recv = self.resolve(recv, ctx.live)
            if recv is None and callee.safe:
                return None
            if isinstance(recv, Qual) and callee.name == _FK_CHECK and recv.path == "DBUtil":
                return self.fk_check(node, ctx)
            if isinstance(recv, Qual) and recv.path == "String" and callee.name == "format":
                return Unknown("SQL built with String.format")
            if isinstance(callee.obj, Super) and not isinstance(recv, Obj):
                pos, named = self.args(node.args, ctx)
                if not self.escape_check(f"{callee.name}(...)", pos + list(named.values()), ctx, node):
                    self.dry_lambdas(f"super.{callee.name}(...)", [lam], ctx, node)
                return Unknown(f"super.{callee.name}(...)")
            if isinstance(recv, Qual) and callee.name == "Migration" and recv.path == "androidx.room.migration":
                return self.fn_Migration(node, lam, ctx)
            pos, named = self.args(node.args, ctx)
            return self.method(recv, callee.name, pos, named, lam, ctx, node)
        if isinstance(callee, Name):
            name = callee.id
            if name == _FK_CHECK:
                return self.fk_check(node, ctx)
            local = ctx.scope.find(name)
            if local is not None:
                pos, named = self.args(node.args, ctx)
                return self.invoke(local.vars[name], pos, named, lam, ctx, node)
            # members of implicit receivers (a class's own functions, the database in `with(db)`)
            for r in reversed(ctx.receivers):
                if isinstance(r, Db) and (name in ("execSQL", "query", "prepare", "rawQuery") or name in DB_WRITES
                                          or name in _DB_NOOPS):
                    pos, named = self.args(node.args, ctx)
                    return self.db_call(r, name, pos, named, lam, ctx, node)
                if isinstance(r, Obj):
                    fn = self.find_method(r, name)
                    if fn is not None:
                        pos, named = self.args(node.args, ctx)
                        return self.call_fn(fn, pos, named, lam, ctx, node.line)
                    found, v = self.member_value(r, name, ctx, node.line)
                    if found:
                        pos, named = self.args(node.args, ctx)
                        return self.invoke(v, pos, named, lam, ctx, node)
            builtin = getattr(self, "fn_" + name, None)
            if builtin is not None and name not in self._user_names(name, ctx):
                return builtin(node, lam, ctx)
            pos, named = self.args(node.args, ctx)
            for r in reversed(ctx.receivers):
                # an extension function of the tree called on an implicit receiver (`with(db) { inTransaction {} }`)
                if isinstance(r, (Db, Obj, str, list, dict)) and not isinstance(r, Unknown):
                    ext = self.resolve_callable(name, ctx, receiver=r)
                    if ext is not None:
                        return self.call_fn(ext[1], pos, named, lam, ctx, node.line, this=r)
            target = self.resolve_callable(name, ctx, receiver=None)
            if target is not None:
                return self.call_target(target, pos, named, lam, ctx, node)
            return self.unknown_call(name, None, pos, named, lam, ctx, node)
        f = self.ev(callee, ctx)
        pos, named = self.args(node.args, ctx)
        return self.invoke(f, pos, named, lam, ctx, node)

    def _user_names(self, name: str, ctx: Ctx) -> set:
        # A user function of the same name as a builtin wins, as Kotlin's resolution does. In Java a
        # bare name is always a method of the classes around it, never Kotlin's standard library.
        if ctx.file.java and name not in SYNTHETIC_CALLS:
            return {name}
        for f in self._files_for(ctx):
            if any(isinstance(d, (FunDecl, ClassDecl)) and not o for d, o in f.lookup(name)):
                return {name}
        return set()

    def resolve_callable(self, name: str, ctx: Ctx, receiver) -> Optional[tuple]:
        """A function or class named ``name``: ``("fn", Fn)`` or ``("class", decl, file)``."""
        for decl, owners, f in self._lookup(name, ctx):
            if isinstance(decl, FunDecl):
                if receiver is None and decl.receiver is not None:
                    continue
                if receiver is not None and decl.receiver is None:
                    continue
                if _instance_member(owners) and receiver is None:
                    continue
                this = self.singleton(owners[-1], f) if owners and owners[-1].kind in ("object", "companion") else None
                return ("fn", Fn(decl, Scope(), f, this))
            if isinstance(decl, ClassDecl) and decl.kind in ("class", "enum") and receiver is None:
                return ("class", decl, f)
        return None

    def call_target(self, target: tuple, pos: list, named: dict, lam, ctx: Ctx, node):
        if target[0] == "fn":
            return self.call_fn(target[1], pos, named, lam, ctx, node.line)
        decl, f = target[1], target[2]
        if lam is not None:
            pos = pos + [lam]
        return self.instantiate(decl, f, Scope(), pos, named, ctx, node.line)

    def find_method(self, obj: Obj, name: str) -> Optional[Fn]:
        for o in obj.chain():
            if o.cls is None:
                continue
            for mem in o.cls.members:
                if isinstance(mem, FunDecl) and mem.name == name and mem.receiver is None:
                    return Fn(mem, o.scope, o.file, obj)
        return None

    def invoke(self, f, pos: list, named: dict, lam, ctx: Ctx, node):
        if lam is not None:
            pos = pos + [lam]
        if isinstance(f, LambdaV):
            return self.call_lambda(f, pos, ctx, node.line)
        if isinstance(f, Fn):
            return self.call_fn(f, pos, named, None, ctx, node.line)
        if isinstance(f, BoundRef):
            if f.receiver is None:
                target = self.resolve_callable(f.name, ctx, None)
                if target is not None:
                    return self.call_target(target, pos, named, None, ctx, node)
                return self.unknown_call(f.name, None, pos, named, None, ctx, node)
            return self.method(f.receiver, f.name, pos, named, None, ctx, node)
        if isinstance(f, Unknown):
            self.escape_check(f"a function value ({f.reason})", pos + list(named.values()), ctx, node)
            return f
        if isinstance(f, (Deferred, DeferredVar)):
            return Unknown("a function from the database")
        self.escape_check("a function value", pos + list(named.values()), ctx, node)
        return Unknown("calls a value that is not a function roomschema knows")

    def call_fn(self, fn: Fn, pos: list, named: dict, lam, ctx: Ctx, line: int, this=None):
        decl: FunDecl = fn.decl
        if ctx.depth >= _MAX_DEPTH:
            raise Budget()
        if lam is not None:
            pos = pos + [lam]
        scope = Scope(fn.closure)
        receivers: tuple = ()
        if fn.this is not None:
            receivers = (fn.this,)
        if this is not None:
            receivers = receivers + (this,)
        c = Ctx(fn.file, scope, receivers, ctx.out, ctx.live, decl.name, ctx.anchor, ctx.depth + 1)
        pos = [LambdaV(v.node, v.closure, v.file, v.receivers, True)
               if isinstance(v, LambdaV) and i < len(decl.params) and ".(" in decl.params[i].type else v
               for i, v in enumerate(pos)]
        for name_, v in list(named.items()):
            p_ = next((p for p in decl.params if p.name == name_), None)
            if isinstance(v, LambdaV) and p_ is not None and ".(" in p_.type:
                named[name_] = LambdaV(v.node, v.closure, v.file, v.receivers, True)
        self.bind(decl.params, pos, named, c, lambda name: Unknown(
            f"`{name}`, an argument of {decl.name}(...) not given here"))
        if decl.body is None:
            return Unknown(f"{decl.name}(...) has no body")
        try:
            if isinstance(decl.body, Block):
                c.top = scope
                self.exec_stmts(decl.body.stmts, c)
                return None
            return self.ev(decl.body, c)
        except Return as r:
            if r.label is None or r.label == decl.name:
                return r.value
            raise

    def call_lambda(self, lam: LambdaV, pos: list, ctx: Ctx, line: int, this=None, label: Optional[str] = None):
        node: Lambda = lam.node
        if ctx.depth >= _MAX_DEPTH:
            raise Budget()
        if lam.with_receiver and this is None:
            if pos:
                this, pos = pos[0], list(pos[1:])
            elif ctx.receivers:
                this = ctx.receivers[-1]
        scope = Scope(lam.closure)
        receivers = lam.receivers + ((this,) if this is not None else ())
        c = Ctx(lam.file, scope, receivers, ctx.out, ctx.live, ctx.fn, ctx.anchor, ctx.depth + 1)
        if node.params is None:
            scope.vars["it"] = pos[0] if pos else Unknown("`it`")
        else:
            vals = list(pos)
            if len(node.params) > len(vals) and len(vals) == 1:
                vals = [self.component(vals[0], k) for k in range(len(node.params))]
            for k, n in enumerate(node.params):
                if n != "_":
                    scope.vars[n] = vals[k] if k < len(vals) else Unknown(f"`{n}`")
        try:
            return self.exec_stmts(node.body.stmts, c)
        except Return as r:
            if r.label is not None and r.label in (node.label, label):
                return r.value
            raise

    def fk_check(self, node: Call, ctx: Ctx):
        pos, named = self.args(node.args, ctx)
        table = named.get("tableName", pos[1] if len(pos) > 1 else None)
        if isinstance(table, str) and not isinstance(table, CharValue):
            self.emit(ctx, node.line, "PRAGMA foreign_key_check(`" + str(table).replace("`", "``") + "`)")
        elif isinstance(table, Unknown):
            self.unverifiable(ctx, node.line, f"foreign key check of a table not known at compile time: {table.reason}")
        else:
            self.unverifiable(ctx, node.line, "foreign key check of a table that is not a string")
        return None

    def escape_check(self, callee: str, values: list, ctx: Ctx, node) -> bool:
        for v in values:
            if contains_db(v):
                label = v.label if isinstance(v, Db) else "the database"
                self.unverifiable(ctx, node.line, f"passes `{label}` to {callee}; statements run there are not "
                                  "extracted")
                return True
        return False

    def dry_lambdas(self, where: str, lams: list, ctx: Ctx, node, arg=None) -> bool:
        """Lambdas handed to code that is not followed: if they would touch the database, each of
        their statements is reported."""
        found = False
        for lam in lams:
            if isinstance(lam, Obj):
                found = self.dry_object(where, lam, ctx, node) or found
                continue
            if not isinstance(lam, LambdaV):
                continue
            out, pairs, _ = self._run_branch(
                lambda c, lv=lam: self.call_lambda(lv, [arg if arg is not None else Unknown("a lambda argument")] * 3,
                                                   c, node.line), ctx)
            for st in flat_statements(out):
                if st.guard is None:
                    found = True
                    ctx.out.append(ExtractedStatement(None, st.line, (
                        f"{st.reason}; " if st.sql is None else "") + f"runs in a lambda passed to {where} at line "
                        f"{node.line}, which roomschema does not follow"))
        return found

    def dry_object(self, where: str, obj: Obj, ctx: Ctx, node) -> bool:
        """An object expression handed to code that is not followed (``post(new Runnable() { ... })``,
        ``post(object : Runnable { ... })``): its methods see the migration's variables, so each
        statement they would run on the database is reported."""
        if obj.cls is None or obj.cls.name is not None or obj.start is not None:
            return False
        found = False
        for mem in obj.cls.members:
            if not isinstance(mem, FunDecl) or mem.body is None:
                continue
            args = [Unknown("an argument of a callback")] * len(mem.params)
            out, _, _ = self._run_branch(
                lambda c, d=mem: self.call_fn(Fn(d, obj.scope, obj.file, obj), args, {}, None, c, node.line), ctx)
            for st in flat_statements(out):
                if st.guard is None:
                    found = True
                    ctx.out.append(ExtractedStatement(None, st.line, (
                        f"{st.reason}; " if st.sql is None else "") + f"runs in {mem.name}() of an object passed to "
                        f"{where} at line {node.line}, which roomschema does not follow"))
        return found

    def deferred_call(self, recv, name: str, lam, ctx: Ctx, node):
        """A call on a query result (``cursor.use { ... }``): it is computed on the live database;
        the variables its lambda sets become deferred too. A lambda that touches the database is
        reported instead: how often it runs depends on the rows."""
        if ctx.live is not None:
            return Unknown("a query result")
        snap, _ = ctx.scope.clone()
        if isinstance(lam, LambdaV):
            scope, pairs = lam.closure.clone()
            copy = LambdaV(lam.node, scope, lam.file, lam.receivers)
            out: list = []
            try:
                self.call_lambda(copy, [recv, recv], ctx.child(out=out), node.line, label=name)
            except (Return, Break, Continue, Thrown):
                pass
            if out:
                self.report(out, f"in a lambda over a query result at line {node.line}", ctx)
                self._merge([pairs], f"in the lambda at line {node.line}")
                return Unknown(f"the result of a lambda over a query result at line {node.line}")
            changed = self._merge([pairs], f"in the lambda at line {node.line}")
            if changed:
                block = LiveBlock(ExprStmt(node.line, node), snap, ctx.file, ctx.receivers)
                for orig, var in changed:
                    orig.vars[var] = DeferredVar(block, var)
        return Deferred(node, snap, ctx.file, ctx.receivers)

    def unknown_call(self, name: str, recv, pos: list, named: dict, lam, ctx: Ctx, node):
        bare = name.lstrip(".")
        if bare == "execSQL":
            # Only a database (or a wrapper of one) has execSQL: what it runs is what the migration runs.
            return self.db_call(Db("the database"), bare, pos, named, lam, ctx, node)
        if bare in DB_WRITES or bare in ("query", "rawQuery", "prepare"):
            self.unverifiable(ctx, node.line, f"calls {bare}(...) on something roomschema cannot tell apart from the "
                              "database; what it runs is not replayed")
            return Unknown(f"the result of {bare}(...)")
        where = f"{name}(...)"
        values = pos + list(named.values())
        if not self.escape_check(where, values, ctx, node):
            if recv is None and not name[:1].isupper() and any(isinstance(r, Db) for r in ctx.receivers):
                self.unverifiable(ctx, node.line, f"calls {where} with the database as its receiver; statements "
                                  "run there are not extracted")
        self.dry_lambdas(where, [lam] + [v for v in values if isinstance(v, (LambdaV, Obj))], ctx, node)
        if name == "buildString":
            return Unknown("SQL built with buildString")
        return Unknown(f"SQL built by calling {where}" if not name[:1].isupper() else
                       f"the result of {where}, which is not in the source tree")

    def bind(self, params: list, pos: list, named: dict, ctx: Ctx, absent: Callable[[str], Any]) -> None:
        """Kotlin's binding of a call's arguments to ``params`` in ``ctx``'s scope: by name, else by
        position (a vararg takes what the parameters after it leave), else the default (evaluated in
        ``ctx``), else ``absent(name)``."""
        k = 0
        for i, p in enumerate(params):
            if p.vararg:
                rest = pos[k:len(pos) - (len(params) - i - 1)]
                ctx.scope.vars[p.name] = list(rest) if p.name not in named else named[p.name]
                k += len(rest)
            elif p.name in named:
                ctx.scope.vars[p.name] = named[p.name]
            elif k < len(pos):
                ctx.scope.vars[p.name] = pos[k]
                k += 1
            elif p.default is not None:
                ctx.scope.vars[p.name] = self.ev(p.default, ctx)
            else:
                ctx.scope.vars[p.name] = absent(p.name)

    # ---- instances -------------------------------------------------------------------------
    def instantiate(self, decl: ClassDecl, f: SourceFile, closure: Scope, pos: list, named: dict, ctx: Ctx,
                    line: int, missing: Optional[Callable] = None):
        scope = Scope(closure)
        obj = Obj(decl, f, scope)
        c = Ctx(f, scope, (obj,), ctx.out, ctx.live, None, ctx.anchor, ctx.depth + 1)

        def absent(name: str):
            why = f"`{name}`, a constructor parameter of {decl.name or 'the object'} known only at run time"
            return missing(why) if missing is not None else Unknown(why)
        self.bind(decl.params, pos, named, c, absent)
        for sup in decl.supers:
            if sup.args is None:
                continue
            argv, nargs = self.args(sup.args, c)
            if sup.type in _MIGRATION_TYPES:
                obj.start = nargs.get("startVersion", argv[0] if argv else None)
                obj.end = nargs.get("endVersion", argv[1] if len(argv) > 1 else argv[0] if
                                    "startVersion" in nargs and argv else None)
            else:
                target = self.resolve_callable(sup.type.split(".")[-1], Ctx(f, scope), None)
                if target is not None and target[0] == "class":
                    base = self.instantiate(target[1], target[2], Scope(), argv, nargs, ctx, line, missing)
                    if isinstance(base, Obj):
                        obj.sup = base
                        obj.start, obj.end = base.start, base.end
        self.init_members(obj, c)
        return obj

    # ---- methods on values -----------------------------------------------------------------
    def method(self, recv, name: str, pos: list, named: dict, lam, ctx: Ctx, node):
        values = pos + list(named.values())
        if isinstance(recv, Unknown) and name == "execSQL":
            # The SQL a migration runs through any handle is what it runs: replayed on the database.
            return self.db_call(Db("the database"), name, pos, named, lam, ctx, node)
        if isinstance(recv, Qual):
            return self.static_call(recv, name, pos, named, lam, ctx, node)
        safe = isinstance(getattr(node, "callee", None), Member) and node.callee.safe
        if isinstance(recv, Unknown):
            if name in ("let", "also", "run", "apply", "use") and lam is not None and not safe:
                # These run their lambda once, whatever the value.
                receiver_style = name in ("run", "apply")
                r = self.call_lambda(lam, [] if receiver_style else [recv], ctx, node.line,
                                     this=recv if receiver_style else None, label=name)
                return recv if name in ("also", "apply") else Unknown(recv.reason) if r is None else r
            if name in ("let", "also", "run", "apply", "use", "takeIf", "takeUnless", "forEach"):
                self.dry_lambdas(f".{name} on a value known only at run time", [lam], ctx, node, recv)
            else:
                self.escape_check(f".{name}(...) of a value known only at run time", values, ctx, node)
                self.dry_lambdas(f".{name}(...)", [lam] + [v for v in values if isinstance(v, (LambdaV, Obj))], ctx,
                                 node, recv)
            return recv
        if isinstance(recv, (Deferred, DeferredVar)):
            return self.deferred_call(recv, name, lam, ctx, node)
        if isinstance(recv, Db):
            return self.db_call(recv, name, pos, named, lam, ctx, node)
        # scope functions, on any value
        if name in ("let", "also", "run", "apply", "use", "takeIf", "takeUnless") and lam is not None:
            receiver_style = name in ("run", "apply")
            r = self.call_lambda(lam, [] if receiver_style else [recv], ctx, node.line,
                                 this=recv if receiver_style else None, label=name)
            if name in ("also", "apply"):
                return recv
            if name in ("takeIf", "takeUnless"):
                if not isinstance(r, bool):
                    return Unknown("takeIf on a value known only at run time")
                return recv if r == (name == "takeIf") else None
            return r
        if isinstance(recv, Obj):
            fn = self.find_method(recv, name)
            if fn is not None:
                return self.call_fn(fn, pos, named, lam, ctx, node.line)
            if name == "migrate" and recv.start is not None:
                self.escape_check("migrate(...)", values, ctx, node)
                return None
            found, v = self.member_value(recv, name, ctx, node.line)
            if found:
                return self.invoke(v, pos, named, lam, ctx, node)
        if isinstance(recv, EnumEntry) and recv.obj is not None:
            fn = self.find_method(recv.obj, name)
            if fn is not None:
                return self.call_fn(fn, pos, named, lam, ctx, node.line)
        if isinstance(recv, (LambdaV, Fn, BoundRef)) and (name == "invoke" or name not in _OBJECT_METHODS and (
                isinstance(recv, LambdaV) and recv.node.label == LAMBDA_LABEL or isinstance(recv, BoundRef)
                and ctx.file.java)):
            # A Java lambda or method reference is called through its interface's one method.
            return self.invoke(recv, pos, named, lam, ctx, node)
        # extension functions of the source tree
        target = self.resolve_callable(name, ctx, receiver=recv)
        if target is not None:
            return self.call_fn(target[1], pos, named, lam, ctx, node.line, this=recv)
        if isinstance(recv, LiveCursor):
            return recv.call(name, pos)
        builtin = self.builtin_method(recv, name, pos, named, lam, ctx, node)
        if builtin is not NotImplemented:
            return builtin
        if isinstance(recv, (list, dict)) and isinstance(getattr(node, "callee", None), Member):
            # A method roomschema does not model may change the collection (compute, merge, ...):
            # from here on its content is known only at run time.
            self.store(node.callee.obj, Unknown(f"a collection changed by .{name}(...) at line {node.line}"), ctx)
        return self.unknown_call(f".{name}", recv, pos, named, lam, ctx, node)

    def static_call(self, q: Qual, name: str, pos: list, named: dict, lam, ctx: Ctx, node):
        last = q.path.split(".")[-1]
        for decl, owners, f in self._lookup(name, ctx):
            if isinstance(decl, FunDecl) and decl.receiver is None and not owners and _facade(f) == last:
                return self.call_fn(Fn(decl, Scope(), f, None), pos, named, lam, ctx, node.line)  # Java: FileKt.f()
            if isinstance(decl, FunDecl) and decl.receiver is None and owners and owners[-1].name == last:
                this = self.singleton(owners[-1], f) if owners[-1].kind in ("object", "companion") else None
                return self.call_fn(Fn(decl, Scope(), f, this), pos, named, lam, ctx, node.line)
            if isinstance(decl, FunDecl) and owners and owners[-1].kind == "companion" and len(owners) > 1 \
                    and owners[-2].name == last:
                return self.call_fn(Fn(decl, Scope(), f, self.singleton(owners[-1], f)), pos, named, lam, ctx,
                                    node.line)
        v = self.qualified(q, name, ctx, node.line)
        if not isinstance(v, Qual):
            return self.invoke(v, pos, named, lam, ctx, node)
        target = self.resolve_callable(name, ctx, None)
        if target is not None and not last[:1].isupper():
            return self.call_target(target, pos, named, lam, ctx, node)
        if (last, name) in _JAVA_STATICS and not named and lam is None:
            d = self.deferred(node, ctx, pos)  # `Arrays.asList(cursor.getColumnNames())` in a guard
            if d is not None:
                return d
            java = self.java_static(last, name, pos)
            if java is not NotImplemented:
                return java
        return self.unknown_call(f"{q.path}.{name}", q, pos, named, lam, ctx, node)

    def java_static(self, cls: str, name: str, pos: list):
        """The few static methods of the Java library that build SQL text or literal lists."""
        if any(isinstance(v, (Unknown, Deferred, DeferredVar, Db, Obj, LiveCursor)) for v in pos):
            return NotImplemented
        if (cls, name) in (("String", "valueOf"), ("Integer", "toString"), ("Long", "toString"),
                           ("Boolean", "toString")) and len(pos) == 1:
            v = kstr(pos[0])
            return StringValue(v) if isinstance(v, str) else NotImplemented
        if (cls, name) in (("String", "join"), ("TextUtils", "join")) and len(pos) >= 2 and isinstance(pos[0], str):
            items = pos[1] if len(pos) == 2 and isinstance(pos[1], (list, tuple)) else pos[1:]
            texts = [kstr(x) for x in items]
            if all(isinstance(x, str) for x in texts):
                return StringValue(str(pos[0]).join(texts))
            return NotImplemented
        if (cls, name) in (("Arrays", "asList"), ("List", "of"), ("Set", "of"), ("Collections", "singletonList")):
            return list(pos[0]) if len(pos) == 1 and type(pos[0]) is list and name == "asList" else list(pos)
        if (cls, name) in (("Collections", "emptyList"), ("Collections", "emptySet")) and not pos:
            return []
        return NotImplemented

    def db_call(self, db: Db, name: str, pos: list, named: dict, lam, ctx: Ctx, node):
        line = node.line
        if name == "execSQL":
            sql = named.get("sql", pos[0] if pos else None)
            if sql is None and not pos:
                self.unverifiable(ctx, line, "execSQL() without an argument")
            elif len(pos) + len(named) > 1:
                self.unverifiable(ctx, line, "execSQL with bind arguments: the bound values are only known at run time")
            elif isinstance(sql, Unknown):
                self.unverifiable(ctx, line, sql.reason)
            elif isinstance(sql, (Deferred, DeferredVar)):
                self.unverifiable(ctx, line, "the SQL is built from what a query returns at run time")
            elif isinstance(sql, str) and not isinstance(sql, CharValue):
                self.emit(ctx, line, str(sql))
            else:
                self.unverifiable(ctx, line, "the execSQL argument is not a String")
            return None
        if name in ("query", "rawQuery", "prepare"):
            sql = named.get("sql", named.get("query", pos[0] if pos else None))
            if isinstance(sql, str) and not isinstance(sql, CharValue):
                if len(pos) + len(named) == 1 and schema_read(sql):
                    if ctx.live is not None:
                        return LiveCursor(ctx.live.conn, str(sql), name == "prepare")
                    snap, _ = ctx.scope.clone()
                    value = Deferred(node, snap, ctx.file, ctx.receivers)
                    if lam is not None:
                        return self.method(value, "use", [], {}, lam, ctx, node)
                    return value
                if read_only(sql):
                    return Unknown(f"rows read through a cursor at line {line}, known only at run time")
                if name == "prepare":
                    self.emit(ctx, line, None, "prepare(...) runs a statement outside execSQL; roomschema cannot "
                              "replay it")
                    return Unknown("a prepared statement")
            if isinstance(sql, Unknown) and name == "prepare":
                self.emit(ctx, line, None, f"prepare(...) of SQL known only at run time: {sql.reason}")
            return Unknown(f"rows read through a cursor at line {line}, known only at run time")
        if name in DB_WRITES:
            self.unverifiable(ctx, line, f"{name}(...) changes the database outside execSQL; roomschema cannot "
                              "replay it")
            return Unknown(f"the result of {name}(...)")
        if name in _DB_NOOPS:
            return None
        if name in ("let", "also", "run", "apply", "use") and lam is not None:
            receiver_style = name in ("run", "apply")
            r = self.call_lambda(lam, [] if receiver_style else [db], ctx, line, this=db if receiver_style else None,
                                 label=name)
            return db if name in ("also", "apply") else r
        target = self.resolve_callable(name, ctx, receiver=db)
        if target is not None:
            return self.call_fn(target[1], pos, named, lam, ctx, line, this=db)
        self.unverifiable(ctx, line, f"calls {db.label}.{name}(...), which roomschema does not follow; what it runs "
                          "on the database is not replayed")
        self.dry_lambdas(f"{db.label}.{name}(...)", [lam], ctx, node)
        return Unknown(f"the result of {db.label}.{name}(...)")

    # ---- deferred values on the live database ----------------------------------------------
    def resolve(self, v, live: Live):
        if isinstance(v, Deferred):
            key = id(v)
            if key not in live.memo:
                scope, _ = v.scope.clone()
                ctx = Ctx(v.file, scope, v.receivers, [], live)
                try:
                    live.memo[key] = self.ev(v.node, ctx)
                except Budget:
                    raise GuardError("the guard's code runs too long") from None
                except (Return, Break, Continue, Thrown):
                    raise GuardError("the guard's code leaves early") from None
            return live.memo[key]
        if isinstance(v, DeferredVar):
            key = id(v.block)
            if key not in live.memo:
                scope, _ = v.block.scope.clone()
                ctx = Ctx(v.block.file, scope, v.block.receivers, [], live)
                try:
                    self.exec_stmt(v.block.stmt, ctx)
                except (Return, Break, Continue, Thrown, Budget):
                    raise GuardError("the guard's code leaves early") from None
                live.memo[key] = scope
            found = live.memo[key].find(v.name)
            return found.vars[v.name] if found is not None else None
        return v

    # ---- the standard library --------------------------------------------------------------
    def _collection(self, node: Call, lam, ctx: Ctx, kind):
        pos, named = self.args(node.args, ctx)
        return kind(pos)

    def fn_listOf(self, node, lam, ctx):
        return self._collection(node, lam, ctx, list)

    fn_mutableListOf = fn_arrayListOf = fn_arrayOf = fn_setOf = fn_mutableSetOf = fn_hashSetOf = fn_linkedSetOf = \
        fn_listOfNotNull = fn_sortedSetOf = fn_emptyList = fn_emptySet = fn_emptyArray = fn_intArrayOf = \
        fn_longArrayOf = fn_sequenceOf = fn_listOf

    def fn_mapOf(self, node, lam, ctx):
        pos, _ = self.args(node.args, ctx)
        out: dict = {}
        for p in pos:
            if isinstance(p, Pair) and not isinstance(p[0], (Unknown, Deferred)):
                out[p[0]] = p[1]
            else:
                return Unknown("a map with keys known only at run time")
        return out

    fn_mutableMapOf = fn_hashMapOf = fn_linkedMapOf = fn_emptyMap = fn_sortedMapOf = fn_mapOf

    def fn_Migration(self, node, lam, ctx):
        """Room's factory ``Migration(start, end) { db -> ... }``."""
        pos, named = self.args(node.args, ctx)
        fn = lam or named.get("migrate") or (pos[2] if len(pos) > 2 else None)
        start = named.get("startVersion", pos[0] if pos else None)
        end = named.get("endVersion", pos[1] if len(pos) > 1 else pos[0] if "startVersion" in named and pos else None)
        if not isinstance(fn, LambdaV):
            return Unknown("a Migration whose body is not a lambda written here, so its SQL cannot be read")
        return Obj(None, ctx.file, Scope(ctx.scope), start=start, end=end, factory=fn)

    def fn_Pair(self, node, lam, ctx):
        pos, _ = self.args(node.args, ctx)
        return Pair(tuple(pos[:2]))

    def fn_repeat(self, node, lam, ctx):
        pos, _ = self.args(node.args, ctx)
        n = pos[0] if pos else None
        f = lam or (pos[1] if len(pos) > 1 else None)
        if not isinstance(n, int) or not isinstance(f, LambdaV):
            self.dry_lambdas("repeat(...)", [f], ctx, node)
            return None
        for i in range(n):
            self.call_lambda(f, [i], ctx, node.line, label="repeat")
        return None

    def _scope_fn(self, node, lam, ctx, receiver_style: bool, name: str):
        pos, _ = self.args(node.args, ctx)
        f = lam or (pos[-1] if pos and isinstance(pos[-1], LambdaV) else None)
        if f is None:
            return Unknown(f"{name}(...)")
        if receiver_style and pos and pos[0] is not f:
            return self.call_lambda(f, [], ctx, node.line, this=pos[0], label=name)
        return self.call_lambda(f, [], ctx, node.line, label=name)

    def fn_with(self, node, lam, ctx):
        return self._scope_fn(node, lam, ctx, True, "with")

    def fn_run(self, node, lam, ctx):
        return self._scope_fn(node, lam, ctx, False, "run")

    def fn_synchronized(self, node, lam, ctx):
        return self._scope_fn(node, lam, ctx, False, "synchronized")

    def fn_require(self, node, lam, ctx):
        self.args(node.args, ctx)
        return None

    fn_check = fn_assert = fn_println = fn_print = fn_require

    def fn_requireNotNull(self, node, lam, ctx):
        pos, _ = self.args(node.args, ctx)
        return pos[0] if pos else None

    fn_checkNotNull = fn_requireNotNull

    def fn_error(self, node, lam, ctx):
        raise Thrown(None, node.line)

    fn_TODO = fn_error

    def fn_maxOf(self, node, lam, ctx):
        pos, _ = self.args(node.args, ctx)
        if pos and all(isinstance(p, int) for p in pos):
            return max(pos) if node.callee.id == "maxOf" else min(pos)
        return Unknown("maxOf/minOf of values known only at run time")

    fn_minOf = fn_maxOf

    def fn_generateSequence(self, node, lam, ctx):
        pos, _ = self.args(node.args, ctx)
        self.dry_lambdas("generateSequence(...)", [lam] + [v for v in pos if isinstance(v, LambdaV)], ctx, node)
        return Unknown("a sequence computed at run time")

    def fn_buildString(self, node, lam, ctx):
        return Unknown("SQL built with buildString")

    def java_method(self, recv, name: str, pos: list, java: bool):
        """The Java library methods whose Kotlin counterparts are properties or have other names; in
        Java source, those of the same name that mean something else are not evaluated."""
        if java and (isinstance(recv, str) and name == "split" or isinstance(recv, list) and name == "remove"):
            # String.split takes a regular expression and drops trailing empty strings; List.remove(int)
            # removes by index.
            return Unknown(f"Java's .{name}(...), which roomschema does not evaluate")
        if pos:
            if isinstance(recv, str) and not isinstance(recv, CharValue) and name in ("concat", "equalsIgnoreCase"):
                a = pos[0]
                if not isinstance(a, str):
                    return NotImplemented
                return StringValue(recv + a) if name == "concat" else recv.lower() == a.lower()
            return NotImplemented
        if isinstance(recv, str) and not isinstance(recv, CharValue) and name == "length":
            return len(recv)
        if isinstance(recv, EnumEntry) and name in ("name", "ordinal"):
            return StringValue(recv.name) if name == "name" else recv.ordinal
        if isinstance(recv, Entry) and name in ("getKey", "getValue"):
            return recv.key if name == "getKey" else recv.value
        if isinstance(recv, dict) and name in ("keySet", "values", "entrySet"):
            return list(recv.keys()) if name == "keySet" else list(recv.values()) if name == "values" else \
                [Entry(k, v) for k, v in recv.items()]
        return NotImplemented

    def builtin_method(self, recv, name: str, pos: list, named: dict, lam, ctx: Ctx, node):
        f = lam or next((v for v in pos if isinstance(v, (LambdaV, Fn, BoundRef))), None)

        def call(*a):
            return self.invoke(f, list(a), {}, None, ctx, node) if not isinstance(f, LambdaV) else \
                self.call_lambda(f, list(a), ctx, node.line, label=name)
        java = self.java_method(recv, name, pos, ctx.file.java)
        if java is not NotImplemented:
            return java
        if name == "toString" and not pos:
            return kstr(recv) if not isinstance(recv, str) else StringValue(recv)
        if name in ("equals",) and pos:
            return self.equals(recv, pos[0])
        if isinstance(recv, str):
            r = self.string_method(recv, name, pos, named)
            if r is not NotImplemented:
                return r
        if isinstance(recv, int) and not isinstance(recv, bool):
            if name in ("toLong", "toInt", "toShort", "toByte", "coerceAtLeast", "coerceAtMost", "plus", "minus",
                        "times", "div", "rem", "rangeTo", "until", "downTo", "compareTo"):
                if name in ("toLong", "toInt", "toShort", "toByte"):
                    return recv
                a = pos[0] if pos else None
                if not isinstance(a, int):
                    return Unknown(f".{name} of a value known only at run time")
                return {"coerceAtLeast": max(recv, a), "coerceAtMost": min(recv, a), "plus": recv + a,
                        "minus": recv - a, "times": recv * a, "div": self.binop("/", recv, a, node, ctx),
                        "rem": self.binop("%", recv, a, node, ctx), "rangeTo": range(recv, a + 1),
                        "until": range(recv, a), "downTo": range(recv, a - 1, -1),
                        "compareTo": (recv > a) - (recv < a)}[name]
        if isinstance(recv, bool) and name in ("not",):
            return not recv
        if isinstance(recv, (list, tuple, range, dict)) and not isinstance(recv, Pair):
            return self.collection_method(recv, name, pos, named, f, call, ctx, node)
        if isinstance(recv, Pair) and name in ("component1", "component2"):
            return recv[0 if name == "component1" else 1]
        if isinstance(recv, Entry) and name in ("component1", "component2"):
            return recv.key if name == "component1" else recv.value
        return NotImplemented

    def string_method(self, s: str, name: str, pos: list, named: dict):
        a = pos[0] if pos else None
        if any(isinstance(v, (Unknown, Deferred, DeferredVar)) for v in pos):
            return next(v for v in pos if isinstance(v, Unknown)) if any(isinstance(v, Unknown) for v in pos) else \
                Unknown("text from the database")
        if name == "format":
            return Unknown("SQL built with String.format")
        if isinstance(s, CharValue):
            if name in ("uppercaseChar", "toUpperCase", "uppercase"):
                return CharValue(s.upper()) if name == "uppercaseChar" else StringValue(s.upper())
            if name in ("lowercaseChar", "toLowerCase", "lowercase"):
                return CharValue(s.lower()) if name == "lowercaseChar" else StringValue(s.lower())
            if name == "code":
                return ord(s)
            return NotImplemented
        S = StringValue
        if name == "trimIndent" and not pos:
            return S(trim_indent(s))
        if name == "trimMargin":
            prefix = named.get("marginPrefix", a if a is not None else "|")
            try:
                return S(trim_margin(s, str(prefix)))
            except ValueError as e:
                return Unknown(f"trimMargin throws at run time: {e}")
        if name == "trim" and not pos:
            return S(kotlin_trim(s))
        if name in ("trimEnd", "trimStart") and not pos:
            return S(s.rstrip() if name == "trimEnd" else s.lstrip())
        if name in ("uppercase", "toUpperCase") and not pos:
            return S(s.upper())
        if name in ("lowercase", "toLowerCase") and not pos:
            return S(s.lower())
        if name == "replace" and len(pos) >= 2 and isinstance(a, str) and isinstance(pos[1], str):
            return S(s.replace(a, pos[1])) if a else S(pos[1].join([""] + list(s) + [""]))
        if name in ("contains", "startsWith", "endsWith") and isinstance(a, str):
            return {"contains": a in s, "startsWith": s.startswith(a), "endsWith": s.endswith(a)}[name]
        if name in ("isEmpty", "isNotEmpty", "isBlank", "isNotBlank", "none", "any") and not pos:
            blank = not kotlin_trim(s)
            return {"isEmpty": not s, "isNotEmpty": bool(s), "isBlank": blank, "isNotBlank": not blank,
                    "none": not s, "any": bool(s)}[name]
        if name == "substring" and pos and all(isinstance(v, int) for v in pos):
            return S(s[pos[0]:pos[1]] if len(pos) > 1 else s[pos[0]:])
        if name in ("removePrefix", "removeSuffix") and isinstance(a, str):
            if name == "removePrefix":
                return S(s[len(a):] if s.startswith(a) else s)
            return S(s[:-len(a)] if a and s.endswith(a) else s)
        if name == "repeat" and isinstance(a, int):
            return S(s * a)
        if name == "plus" and pos:
            r = kstr(a)
            return S(s + r) if isinstance(r, str) else r
        if name == "split" and pos and all(isinstance(v, str) for v in pos):
            return [S(x) for x in s.split(str(pos[0]))]
        if name == "lines" and not pos:
            import re
            return [S(x) for x in re.split(r"\r\n|\n|\r", s)]
        if name in ("get",) and isinstance(a, int):
            return CharValue(s[a])
        if name in ("toInt", "toLong") and not pos:
            try:
                return int(s)
            except ValueError:
                return Unknown("a number parsed from text")
        if name == "ifEmpty":
            return NotImplemented
        if name == "prependIndent":
            return NotImplemented
        return NotImplemented

    def collection_method(self, c, name: str, pos: list, named: dict, f, call, ctx: Ctx, node):
        items = self.iterate(c) or []
        a = pos[0] if pos else None
        if isinstance(c, dict) and name in ("get", "getValue", "getOrDefault", "containsKey", "put", "getOrElse",
                                            "remove", "containsValue"):
            if name == "put":
                c[a] = pos[1]
                return None
            if name == "remove":
                return c.pop(a, None)
            if name == "containsKey":
                return a in c
            if name == "containsValue":
                return any(self.equals(v, a) is True for v in c.values())
            if a in c:
                return c[a]
            return pos[1] if name == "getOrDefault" and len(pos) > 1 else None
        if isinstance(c, (Unknown,)):
            return c
        if name in ("forEach", "onEach", "forEachIndexed"):
            for i, x in enumerate(items):
                try:
                    call(*(i, x) if name == "forEachIndexed" else (x,))
                except Return as r:
                    if r.label != name:
                        raise
            return c if name == "onEach" else None
        if name in ("map", "mapIndexed", "mapNotNull", "flatMap", "filter", "filterNot", "filterNotNull", "any",
                    "all", "none", "count", "first", "firstOrNull", "last", "lastOrNull", "find", "associate",
                    "associateWith", "associateBy", "sumOf", "single", "singleOrNull") and f is not None:
            res = []
            for i, x in enumerate(items):
                try:
                    got = call(*(i, x) if name == "mapIndexed" else (x,))
                except Return as ret:
                    if ret.label != name:
                        raise
                    got = ret.value
                if isinstance(got, (Unknown, Deferred, DeferredVar)):
                    return got if isinstance(got, Unknown) else Unknown("a collection from the database")
                res.append((x, got))
            if name in ("map", "mapIndexed"):
                return [r for _, r in res]
            if name == "mapNotNull":
                return [r for _, r in res if r is not None]
            if name == "flatMap":
                return [y for _, r in res for y in (r if isinstance(r, (list, tuple)) else [r])]
            if name in ("filter", "filterNot"):
                return [x for x, r in res if (r is True) == (name == "filter")]
            if name in ("any", "all", "none"):
                truth = [r is True for _, r in res]
                return any(truth) if name == "any" else all(truth) if name == "all" else not any(truth)
            if name == "count":
                return sum(1 for _, r in res if r is True)
            if name in ("first", "firstOrNull", "find", "single", "singleOrNull"):
                hit = [x for x, r in res if r is True]
                if hit:
                    return hit[0]
                if name in ("first", "single"):
                    raise Thrown(None, node.line)
                return None
            if name in ("last", "lastOrNull"):
                hit = [x for x, r in res if r is True]
                return hit[-1] if hit else None
            if name == "associate":
                return {r[0]: r[1] for _, r in res if isinstance(r, Pair)}
            if name == "associateWith":
                return {x: r for x, r in res}
            if name == "associateBy":
                return {r: x for x, r in res}
            if name == "sumOf":
                return sum(r for _, r in res)
        if name == "joinToString":
            sep = named.get("separator", pos[0] if pos and not isinstance(pos[0], LambdaV) else ", ")
            prefix = named.get("prefix", pos[1] if len(pos) > 1 and not isinstance(pos[1], LambdaV) else "")
            postfix = named.get("postfix", pos[2] if len(pos) > 2 and not isinstance(pos[2], LambdaV) else "")
            transform = named.get("transform", f)
            parts = []
            for x in items:
                if transform is not None and not isinstance(transform, (LambdaV, Fn, BoundRef)):
                    return Unknown("joinToString with a transform known only at run time")
                v = (self.invoke(transform, [x], {}, None, ctx, node) if not isinstance(transform, LambdaV) else
                     self.call_lambda(transform, [x], ctx, node.line)) if transform is not None else x
                s = kstr(v)
                if not isinstance(s, str):
                    return s if isinstance(s, Unknown) else Unknown("text from the database")
                parts.append(s)
            for v in (sep, prefix, postfix):
                if not isinstance(v, str):
                    return Unknown("joinToString with a separator known only at run time")
            return StringValue(prefix + sep.join(parts) + postfix)
        if name in ("size",):
            return len(items)
        if name in ("isEmpty", "isNotEmpty", "any", "none") and not pos:
            return {"isEmpty": not items, "isNotEmpty": bool(items), "any": bool(items), "none": not items}[name]
        if name in ("contains",) and pos:
            return self.contains(c, a)
        if name in ("get", "elementAt") and isinstance(a, int):
            if 0 <= a < len(items):
                return items[a]
            raise Thrown(None, node.line)
        if name == "getOrNull" and isinstance(a, int):
            return items[a] if 0 <= a < len(items) else None
        if name in ("first", "last", "firstOrNull", "lastOrNull", "single") and not pos:
            if not items:
                if name in ("first", "last", "single"):
                    raise Thrown(None, node.line)
                return None
            return items[0] if name in ("first", "firstOrNull", "single") else items[-1]
        if name == "indexOf":
            return next((i for i, x in enumerate(items) if self.equals(x, a) is True), -1)
        if name in ("toList", "toMutableList", "toTypedArray", "asList", "asSequence", "toSet", "toMutableSet",
                    "asIterable", "toIntArray", "toLongArray", "toList"):
            return list(items)
        if name in ("toMap", "toMutableMap") and isinstance(c, dict):
            return dict(c)
        if name in ("reversed", "asReversed"):
            return list(reversed(items))
        if name in ("sorted",):
            try:
                return sorted(items)
            except TypeError:
                return Unknown("a sorted collection")
        if name == "distinct":
            out: list = []
            for x in items:
                if not any(self.equals(x, y) is True for y in out):
                    out.append(x)
            return out
        if name in ("plus", "minus") and pos:
            return self.binop("+" if name == "plus" else "-", list(items), a, node, ctx)
        if name in ("add", "addAll", "remove", "clear", "removeAt", "removeAll") and isinstance(c, list):
            if name == "add":
                if len(pos) == 2 and isinstance(pos[0], int):
                    c.insert(pos[0], pos[1])
                else:
                    c.append(a)
                return True
            if name == "addAll":
                c.extend(self.iterate(a) or [])
                return True
            if name == "clear":
                c.clear()
                return None
            if name == "removeAt" and isinstance(a, int):
                return c.pop(a)
            if name == "remove":
                for i, x in enumerate(c):
                    if self.equals(x, a) is True:
                        del c[i]
                        return True
                return False
        if name == "withIndex":
            return [Pair((i, x)) for i, x in enumerate(items)]
        if name == "zip" and isinstance(a, (list, tuple, range)):
            return [Pair((x, y)) for x, y in zip(items, self.iterate(a) or [])]
        if name in ("take", "drop") and isinstance(a, int):
            return items[:a] if name == "take" else items[a:]
        if name == "chunked" and isinstance(a, int) and a > 0:
            return [items[i:i + a] for i in range(0, len(items), a)]
        return NotImplemented


class _Evaluate:
    """A guard's condition, evaluated on a live connection (a class, not a closure: the steps of a
    check are pickled to the worker processes)."""

    def __init__(self, replay: Replay, value):
        self.replay, self.value = replay, value

    def __call__(self, conn):
        return self.replay.resolve(self.value, Live(conn))


class LiveCursor:
    """A ``Cursor`` or ``SQLiteStatement`` over a schema query run on the live database."""

    def __init__(self, conn, sql: str, statement: bool):
        cur = conn.execute(sql)
        self.columns = [d[0] for d in cur.description or ()]
        self.rows = cur.fetchall()
        self.pos = -1
        self.statement = statement

    def call(self, name: str, pos: list):
        a = pos[0] if pos else None
        row = self.rows[self.pos] if 0 <= self.pos < len(self.rows) else None

        def col(i):
            if row is None or not isinstance(i, int) or not 0 <= i < len(row):
                raise GuardError(f"a cursor read outside its rows ({name})", depends_on_rows=True)
            return row[i]
        if name in ("moveToNext", "step"):
            self.pos = min(self.pos + 1, len(self.rows))
            return self.pos < len(self.rows)
        if name == "moveToFirst":
            self.pos = 0
            return bool(self.rows)
        if name == "moveToLast":
            self.pos = len(self.rows) - 1
            return bool(self.rows)
        if name == "moveToPosition" and isinstance(a, int):
            self.pos = a
            return 0 <= a < len(self.rows)
        if name in ("isAfterLast",):
            return self.pos >= len(self.rows)
        if name in ("isBeforeFirst",):
            return self.pos < 0
        if name in ("getCount",):
            return len(self.rows)
        if name in ("getPosition",):
            return self.pos
        if name in ("getColumnIndex", "getColumnIndexOrThrow"):
            if a in self.columns:
                return self.columns.index(a)
            if name == "getColumnIndexOrThrow":
                raise GuardError(f"no column {a} in the query's result", depends_on_rows=True)
            return -1
        if name in ("getColumnNames",):
            return [StringValue(c) for c in self.columns]
        if name in ("getColumnCount",):
            return len(self.columns)
        if name == "getColumnName" and isinstance(a, int):
            return StringValue(self.columns[a])
        if name in ("getString", "getText"):
            v = col(a)
            return None if v is None else StringValue(str(v))
        if name in ("getInt", "getLong", "getShort"):
            v = col(a)
            return int(v) if isinstance(v, (int, float)) else 0
        if name == "getBoolean":
            return bool(col(a))
        if name in ("getDouble", "getFloat"):
            v = col(a)
            return float(v) if isinstance(v, (int, float)) else 0.0
        if name == "isNull":
            return col(a) is None
        if name in ("close", "reset"):
            return None
        raise GuardError(f"{name}(...) on a cursor is not something roomschema evaluates")
