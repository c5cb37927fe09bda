"""Finding Room ``Migration(a, b)`` sites in a Kotlin file: their versions, names and bodies.

A site is any place a Migration with known versions is built:

* a declaration: ``object``/``class ... : Migration(a, b) { ... }``, an object expression,
  or a subclass of another class of the tree that passes its versions up;
* a call of Room's factory ``Migration(a, b) { db -> ... }``;
* a call of a *template*: a function or class that builds a Migration from its parameters
  (``fun addMigration(startVersion: Int, endVersion: Int, migration: (SupportSQLiteDatabase)
  -> Unit) = object : Migration(startVersion, endVersion) { ... }``), resolved at each call.

A Migration whose versions cannot be told is reported as unreadable, with its line and the
reason; it never stops the others of the file from being read. The statements of each site
are what ``replay`` finds ``migrate`` runs.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Iterator, Optional

from roomschema.kotlin.replay import Budget, Ctx, Replay
from roomschema.kotlin.results import ExtractedMigration, KotlinExtractError, UnreadableMigration
from roomschema.kotlin.syntax import (Arg, Call, ClassDecl, FunDecl, Lambda, Member, Name, ObjectExpr, SuperCall,
                                      ValDecl, WhenBranch)
from roomschema.kotlin.tree import SourceFile, SourceTree
from roomschema.kotlin.values import Obj, Scope, TemplateParam, Unknown

_MIGRATION_TYPES = ("Migration", "androidx.room.migration.Migration")


class MigrationFile:
    """Every Migration of one Kotlin file: ``migrations`` (read) and ``unreadable``; ``files``, the
    other files of its source tree the read opened, and ``names``, those it looked up there (what
    ``tree.dependencies`` turns into the files a result depends on)."""

    def __init__(self, migrations: list, unreadable: list, files: tuple = (), names: tuple = ()):
        self.migrations = migrations
        self.unreadable = unreadable
        self.files = files
        self.names = names


class _Readings:
    """What read_migrations read while ``remembering`` is active."""

    def __init__(self) -> None:
        self.by_text: dict = {}   # (text, name, path) -> MigrationFile
        self.paths: set = set()   # (str(path), name) of each file read


_REMEMBERED: Optional[_Readings] = None


@contextmanager
def remembering() -> Iterator[None]:
    """Within the block, reading the same text under the same name and path again gives back the
    first reading: for one run over files that do not change meanwhile (check reads each migration
    file once for its sites, then again for a pair's statements). The files of the source tree
    must not change either; outside such a run nothing is kept."""
    global _REMEMBERED
    outer = _REMEMBERED
    if outer is None:
        _REMEMBERED = _Readings()
    try:
        yield
    finally:
        _REMEMBERED = outer


def remembered(path: Path, filename: str) -> bool:
    """Whether ``remembering`` keeps a reading of the file at ``path`` under that name."""
    return _REMEMBERED is not None and (str(path), filename) in _REMEMBERED.paths


def read_migrations(source: str, filename: str = "<kotlin>", path: Optional[Path] = None) -> MigrationFile:
    """Every Room ``Migration`` in ``source``, in source order, with what it runs.

    ``path``, when given, is where the file lives: names it uses from other files of its source
    tree are looked up there. Raises KotlinExtractError (``FILE:LINE: ...``) only when the text
    cannot be lexed as Kotlin (unterminated string or comment, unbalanced brackets, illegal
    escape).
    """
    key = (source, filename, None if path is None else str(path))
    if _REMEMBERED is not None and key in _REMEMBERED.by_text:
        return _REMEMBERED.by_text[key]
    main = SourceFile(path, filename, source)
    main.decls  # lex and parse now: a file that is not Kotlin is an error of its own
    tree = SourceTree(main)
    found = MigrationFinder(tree).find()
    found.files, found.names = tuple(sorted(tree._parsed)), tuple(sorted(tree.names))
    if _REMEMBERED is not None:
        _REMEMBERED.by_text[key] = found
        _REMEMBERED.paths.add((key[2], filename))
    return found


def extract_migrations(source: str, filename: str = "<kotlin>", path: Optional[Path] = None) -> list:
    """The readable migrations of ``read_migrations``."""
    return read_migrations(source, filename, path).migrations


def _children(node):
    if isinstance(node, list):
        for x in node:
            yield x
        return
    if isinstance(node, tuple):
        for x in node:
            yield x
        return
    if not is_dataclass(node):
        return
    for f in fields(node):
        if f.name in ("owner", "tokens"):
            continue
        v = getattr(node, f.name)
        if isinstance(v, (list, tuple)) or is_dataclass(v):
            yield v


class MigrationFinder:
    def __init__(self, tree: SourceTree):
        self.tree = tree
        self.file = tree.main
        self.replay = Replay(tree)
        self.sites: dict = {}        # id(node) -> (line, name, Obj)
        self.unreadable: dict = {}   # id(node) -> UnreadableMigration
        self.templates: dict = {}    # name -> line
        self.calls: list = []        # (Call, enclosing, name)
        self.constructs: list = []   # (node, enclosing, name)

    # ---- walking the file ------------------------------------------------------------------
    def walk(self, node, enclosing: tuple, name: Optional[str]) -> None:
        if isinstance(node, ValDecl) and node.expr is not None:
            self.walk(node.expr, enclosing, node.names[0] if len(node.names) == 1 else None)
            return
        if isinstance(node, ClassDecl):
            if any(s.args is not None for s in node.supers):
                self.constructs.append((node, enclosing, node.name))
            for m in node.members:
                self.walk(m, enclosing + (node,), None)
            return
        if isinstance(node, ObjectExpr):
            self.constructs.append((node, enclosing, name))
            for m in node.decl.members:
                self.walk(m, enclosing + (node.decl,), None)
            return
        if isinstance(node, Call):
            self.calls.append((node, enclosing, name))
        if isinstance(node, FunDecl):
            for p in node.params:
                if p.default is not None:
                    self.walk(p.default, enclosing, None)
            if node.body is not None:
                self.walk(node.body, enclosing + (node,), None)
            return
        if isinstance(node, Lambda):
            self.walk(node.body, enclosing + (node,), None)
            return
        for child in _children(node):
            if isinstance(child, (list, tuple)):
                for x in child:
                    if is_dataclass(x) or isinstance(x, (list, tuple)):
                        self.walk(x, enclosing, None)
            elif isinstance(child, (Arg, WhenBranch, SuperCall)) or is_dataclass(child):
                self.walk(child, enclosing, None)

    def context(self, enclosing: tuple, template_params: bool = True) -> Ctx:
        """Where a site's own expressions run: the parameters of the functions around it are
        known only at a call (templates), those of lambdas only at run time."""
        scope = Scope()
        receivers: tuple = ()
        for e in enclosing:
            scope = Scope(scope)
            if isinstance(e, FunDecl):
                for p in e.params:
                    why = f"`{p.name}`, a parameter of {e.name}(...) known only where it is called"
                    scope.vars[p.name] = TemplateParam(why) if template_params else Unknown(why)
            elif isinstance(e, Lambda):
                for n in (e.params if e.params is not None else ["it"]):
                    scope.vars[n] = Unknown(f"`{n}`, a lambda parameter known only at run time")
            elif isinstance(e, ClassDecl) and e.kind in ("object", "companion"):
                receivers = receivers + (self.replay.singleton(e, self.file),)
        return Ctx(self.file, scope, receivers)

    def _enclosing_template(self, enclosing: tuple) -> Optional[str]:
        for e in reversed(enclosing):
            if isinstance(e, FunDecl):
                return e.name
        return None

    def find(self) -> MigrationFile:
        for decl in self.file.decls:
            self.walk(decl, (), None)
        for node, enclosing, name in self.constructs:
            self.construct(node, enclosing, name)
        for call, enclosing, name in self.calls:
            if self._is_factory(call):
                self.evaluate(call, call.line, enclosing, name, call)
        # Templates resolve at their calls, and a call inside a template makes it one too.
        done: set = set()
        while True:
            todo = [(c, e, n) for c, e, n in self.calls if id(c) not in done and self._calls_template(c)]
            if not todo:
                break
            for call, enclosing, name in todo:
                done.add(id(call))
                self.evaluate(call, call.line, enclosing, name, call)
        migrations = []
        for key, (line, name, obj, statements) in sorted(self.sites.items(), key=lambda kv: kv[1][0]):
            migrations.append(ExtractedMigration(obj.start, obj.end, name, line, statements))
        unreadable = sorted(self.unreadable.values(), key=lambda u: u.line)
        return MigrationFile(migrations, unreadable)

    def _is_factory(self, call: Call) -> bool:
        c = call.callee
        if isinstance(c, Name):
            return c.id == "Migration"
        return isinstance(c, Member) and c.name == "Migration" and _dotted(c.obj) == "androidx.room.migration"

    def _calls_template(self, call: Call) -> bool:
        c = call.callee
        return isinstance(c, Name) and c.id in self.templates or (
            isinstance(c, Member) and c.name in self.templates and not self._is_factory(call))

    def construct(self, node, enclosing: tuple, name: Optional[str]) -> None:
        decl: ClassDecl = node.decl if isinstance(node, ObjectExpr) else node
        if "abstract" in decl.modifiers or "sealed" in decl.modifiers or "open" in decl.modifiers:
            # A base class: it is a migration only through its subclasses and calls.
            if decl.name and decl.params:
                self.templates.setdefault(decl.name, decl.line)
            return
        ctx = self.context(enclosing)
        try:
            obj = self.replay.instantiate(decl, self.file, ctx.scope, [], {}, ctx.child(out=[]), decl.line,
                                          missing=TemplateParam)
        except Budget:
            return
        except Exception as err:  # noqa: BLE001 - a construct the replay cannot build is reported, not fatal
            if _declares_migration(decl):
                self.unreadable[id(node)] = UnreadableMigration(name, decl.line, f"cannot read this Migration ({err})")
            return
        self.judge(obj, node, decl.line, enclosing, name, decl)

    def evaluate(self, call: Call, line: int, enclosing: tuple, name: Optional[str], key) -> None:
        ctx = self.context(enclosing)
        try:
            value = self.replay.ev(call, ctx.child(out=[]))
        except Budget:
            return
        except Exception:  # noqa: BLE001 - control flow of the replay (throw, return) at a call site
            return
        objs = value if isinstance(value, list) else [value]
        for k, obj in enumerate(objs):
            if isinstance(obj, Obj):
                self.judge(obj, (key, k) if len(objs) > 1 else key, line, enclosing, name, None)
            elif isinstance(obj, Unknown) and self._is_factory(call):
                self.unreadable[id(key)] = UnreadableMigration(name, line, obj.reason)

    def judge(self, obj: Obj, key, line: int, enclosing: tuple, name: Optional[str], decl) -> None:
        start, end = obj.start, obj.end
        if start is None and end is None:
            return  # not a Migration
        ident = id(key) if not isinstance(key, tuple) else (id(key[0]), key[1])
        if isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool) \
                and not isinstance(end, bool):
            statements = self.replay.run_migration(obj, name or "Migration", line)
            self.sites[ident] = (line, name, obj, statements)
            self.unreadable.pop(ident, None)
            return
        if isinstance(start, TemplateParam) or isinstance(end, TemplateParam):
            template = decl.name if decl is not None and decl.params and decl.name else \
                self._enclosing_template(enclosing)
            if template is not None:
                self.templates.setdefault(template, line)
                return
        why = next((v.reason for v in (start, end) if isinstance(v, Unknown)), "they are not integers")
        self.unreadable[ident] = UnreadableMigration(
            name, line, f"cannot tell the versions of this Migration: {why}")


def _dotted(node) -> str:
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Member):
        inner = _dotted(node.obj)
        return inner + "." + node.name if inner else ""
    return ""


def _declares_migration(decl: ClassDecl) -> bool:
    return any(s.type in _MIGRATION_TYPES for s in decl.supers)


__all__ = ["MigrationFile", "read_migrations", "remembering", "remembered", "extract_migrations", "KotlinExtractError"]
