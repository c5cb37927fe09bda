"""Run a hand-written migration's real Kotlin on the seeded database, on the JVM.

The static replay (``roomschema.kotlin``) reads what it can; values read through a cursor,
branches on row data and helpers it cannot follow make a migration "not verifiable". When a
JDK, a Kotlin compiler and sqlite-jdbc are present, the migration's source (with the files of
its source tree it imports) is compiled against small stand-ins for Room's ``Migration``,
``SupportSQLiteDatabase``, ``SQLiteConnection``, ``Cursor`` and ``ContentValues`` (the
``runtime`` folder beside this file) that run on the SQLite file through JDBC; ``migrate`` runs
the way Room runs it, and verify validates and checks the data as for any other migration.

Code that needs the app's other classes does not compile; what holds each compiler error (a
declaration, a member, an import, an annotation: ``prune``) is left out of a compiled copy with the
user's line numbers, and compiled again, a few rounds at most. A migration that itself does not
compile falls back to the static replay with the compiler's FILE:LINE reason.

Tools: ``$ROOMSCHEMA_KOTLINC`` or ``kotlinc`` on PATH; ``java``/``javac`` from ``$JAVA_HOME``
or PATH; sqlite-jdbc from ``$ROOMSCHEMA_SQLITE_JDBC`` or Debian's ``libxerial-sqlite-jdbc-java``
(``/usr/share/java/sqlite-jdbc.jar``). Compiled classes are cached by content hash under
``$ROOMSCHEMA_CACHE_DIR/jvm`` (else ``~/.cache/roomschema/jvm``): one kotlinc run per source set.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from roomschema.migration.steps import Step
from roomschema.schema.model import Schema
from roomschema.verify.datacheck import table_stats
from roomschema.verify.hazard import Hazard, compare_stats
from roomschema.verify.jvm.prune import KotlinExtractError, blank, normalized, outline
from roomschema.verify.runner import MigrationRun, StepResult, run_migration

RUNTIME = Path(__file__).resolve().parent / "runtime"
_JDBC_JARS = ("/usr/share/java/sqlite-jdbc.jar", "/usr/share/java/xerial-sqlite-jdbc.jar")
# Compiling is JVM start-up and class loading: C1 only and the serial collector are faster here.
_JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
_COMPILE_ROUNDS = 5       # each leaves out what has errors (declarations, else files) and compiles the rest again
_MAX_TREE_FILES = 400     # the source set of one migration file, with what it imports
_TIMEOUT = 900


class JvmUnavailable(Exception):
    """A tool is missing; the message says which and how to get it."""


@dataclass(frozen=True)
class Toolchain:
    kotlinc: str
    java: str
    javac: str
    sqlite_jdbc: str
    stdlib: str

    def key(self) -> str:
        build = Path(os.path.realpath(self.kotlinc)).parent.parent / "build.txt"
        return _hash(os.path.realpath(self.kotlinc), build.read_bytes() if build.is_file() else b"",
                     os.path.realpath(self.javac), os.path.realpath(self.sqlite_jdbc))


def _hash(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        b = p if isinstance(p, bytes) else str(p).encode()
        h.update(b"%d:" % len(b) + b)
    return h.hexdigest()[:24]


def _jdk_tool(name: str) -> Optional[str]:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / name, os.X_OK):
        return str(Path(home) / "bin" / name)
    return shutil.which(name)


def find_toolchain() -> Toolchain:
    """The tools, or ``JvmUnavailable`` naming the first one missing."""
    kotlinc = os.environ.get("ROOMSCHEMA_KOTLINC")
    if kotlinc and not os.access(kotlinc, os.X_OK):
        raise JvmUnavailable(f"ROOMSCHEMA_KOTLINC={kotlinc} is not an executable kotlinc")
    kotlinc = kotlinc or shutil.which("kotlinc")
    if not kotlinc:
        raise JvmUnavailable("no Kotlin compiler: set ROOMSCHEMA_KOTLINC or put kotlinc on PATH")
    java, javac = _jdk_tool("java"), _jdk_tool("javac")
    if not java or not javac:
        raise JvmUnavailable("no JDK: java and javac are needed on PATH or in $JAVA_HOME")
    jdbc = os.environ.get("ROOMSCHEMA_SQLITE_JDBC") or next((j for j in _JDBC_JARS if os.path.isfile(j)), None)
    if not jdbc or not os.path.isfile(jdbc):
        raise JvmUnavailable("no sqlite-jdbc: install libxerial-sqlite-jdbc-java (apt) or set "
                             "ROOMSCHEMA_SQLITE_JDBC to the jar")
    stdlib = Path(os.path.realpath(kotlinc)).parent.parent / "lib" / "kotlin-stdlib.jar"
    if not stdlib.is_file():
        raise JvmUnavailable(f"no kotlin-stdlib.jar beside {kotlinc} (expected {stdlib})")
    return Toolchain(kotlinc, java, javac, jdbc, str(stdlib))


def cache_root() -> Path:
    env = os.environ.get("ROOMSCHEMA_CACHE_DIR")
    if env:
        return Path(env) / "jvm"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "roomschema" / "jvm"


def _run(cmd: list, cwd: Optional[Path] = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=_TIMEOUT,
                          stdin=subprocess.DEVNULL, cwd=cwd)


def _publish(build: Path, target: Path) -> None:
    """Rename a finished build into place; a parallel session that won the race built the same."""
    try:
        os.replace(build, target)
    except OSError:
        if not (target / "done.json").is_file():
            raise


# ---- the runtime (stubs and the runner main), compiled once per toolchain --------------------------------

def _runtime_files() -> list:
    return sorted(p for p in RUNTIME.rglob("*") if p.suffix in (".kt", ".java"))


def runtime_classes(tc: Toolchain) -> Path:
    files = _runtime_files()
    key = _hash(tc.key(), *(p.relative_to(RUNTIME).as_posix() + "\0" + p.read_text(encoding="utf-8")
                            for p in files))
    target = cache_root() / f"runtime-{key}"
    if (target / "done.json").is_file():
        return target / "classes"
    target.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="build-", dir=target.parent))
    try:
        classes = build / "classes"
        kt = [p for p in files if p.suffix == ".kt"]
        java = [p for p in files if p.suffix == ".java"]
        # Kotlin first, reading the Java sources; then javac with the Kotlin classes on its path.
        for cmd in ([tc.kotlinc, *(f"-J{f}" for f in _JVM_FLAGS), "-nowarn", "-cp", tc.sqlite_jdbc, "-d", classes,
                     *kt, *java],
                    [tc.javac, "-nowarn", "-d", classes, "-cp",
                     os.pathsep.join([str(classes), tc.stdlib, tc.sqlite_jdbc]), *java]):
            proc = _run(cmd)
            if proc.returncode != 0:
                raise JvmUnavailable("the runtime stubs do not compile with this toolchain:\n"
                                     + (proc.stderr or proc.stdout).strip()[:2000])
        (build / "done.json").write_text("{}")
        _publish(build, target)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return target / "classes"


# ---- an app's source set --------------------------------------------------------------------------------

_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)", re.MULTILINE)
_IMPORT = re.compile(r"^\s*import\s+([\w.]+)(?:\s+as\s+\w+)?\s*;?\s*$", re.MULTILINE)


def _package(text: str) -> str:
    m = _PACKAGE.search(text)
    return m.group(1) if m else ""


def _root(path: Path, package: str) -> Path:
    """The source root: the file's folder minus the folders its package names."""
    folder = path.parent
    parts = package.split(".") if package else []
    if parts and list(folder.parts[-len(parts):]) == parts:
        return Path(*folder.parts[:-len(parts)])
    return folder


def _sources_in(folder: Path) -> list:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in (".kt", ".java") and p.is_file())
    except OSError:
        return []


def _module_roots(root: Path) -> list:
    """The source roots of the other modules of ``root``'s project (``core/model/src/main/kotlin`` beside
    ``core/database/src/main/kotlin``), test sets left out: where an import from another module is.
    Only for a root that is a Gradle source root; found by pattern, two levels up at most."""
    if root.parent.parent.name != "src":
        return []
    module = root.parent.parent.parent
    out: list = []
    for top in (module.parent, module.parent.parent):
        for pattern in ("*/src/*/java", "*/src/*/kotlin", "*/*/src/*/java", "*/*/src/*/kotlin"):
            for r in sorted(top.glob(pattern)):
                if r.is_dir() and r != root and r not in out and "test" not in r.parent.name.lower():
                    out.append(r)
    return out[:200]


def source_set(files: Iterable) -> list:
    """``files``, the files of their packages beside them, and the files of their source tree whose
    declarations they import (transitively; from the project's other modules too), bounded: what one
    kotlinc run gets."""
    out: dict = {}
    modules: dict = {}
    queue = [Path(f).resolve() for f in files]
    while queue and len(out) < _MAX_TREE_FILES:
        path = queue.pop(0)
        if path in out:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        out[path] = text
        package = _package(text)
        root = _root(path, package)
        for sibling in _sources_in(path.parent):
            if sibling not in out and sibling not in queue:
                queue.append(sibling)
        for name in _IMPORT.findall(text):
            parts = name.split(".")
            found = _import_folder(root, parts)
            if found is None:
                if root not in modules:
                    modules[root] = _module_roots(root)
                found = next((f for f in (_import_folder(r, parts) for r in modules[root]) if f is not None), None)
            if found is None or found[0] == path.parent:
                continue
            folder, symbol = found
            for f in _sources_in(folder):
                if f not in out and f not in queue and symbol in f.read_text(encoding="utf-8", errors="replace"):
                    queue.append(f)
    return list(out)


def _import_folder(root: Path, parts: list) -> Optional[tuple]:
    """import a.b.C, a.b.C.D or a.b.function: ``(folder, name)``, the longest package prefix that is a
    folder of sources under ``root`` and the name imported from it."""
    for n in range(len(parts) - 1, 0, -1):
        folder = root.joinpath(*parts[:n])
        if folder.is_dir() and _sources_in(folder):
            return folder, parts[n]
    return None


# ---- compiling an app's migrations ------------------------------------------------------------------

@dataclass
class Pruned:
    """A declaration left out of the compiled copy of its file, and the compiler error why."""

    path: Path
    line: int
    end_line: int
    name: Optional[str]
    kind: str           # declaration, annotation, import
    reason: str         # FILE:LINE: the compiler's error


@dataclass
class Compiled:
    classes: Path
    compiled: list                                  # source files whose classes are there (some in part)
    errors: dict = field(default_factory=dict)      # source file left out whole -> the compiler's first error
    seconds: float = 0.0
    pruned: list = field(default_factory=list)      # Pruned: declarations left out of compiled files
    rounds: int = 0                                 # kotlinc runs it took

    def why_not(self, path: Optional[Path] = None) -> str:
        """Why a migration was not found among the classes: the errors of its file, else of them all."""
        if path is not None and Path(path).resolve() in self.errors:
            return self.errors[Path(path).resolve()]
        if self.errors:
            first = next(iter(self.errors.items()))
            return f"{first[0].name} does not compile on its own: {first[1]}"
        return ""

    def left_out(self, path: Path, line: int) -> Optional[Pruned]:
        """The declaration around ``path``:``line`` that was left out, if any (the outermost)."""
        path = Path(path).resolve()
        around = [p for p in self.pruned if p.path == path and p.line <= line <= p.end_line and p.kind == "declaration"]
        return min(around, key=lambda p: p.line) if around else None


_ERROR = re.compile(r"^(.+?\.(?:kt|java)):(\d+)(?::(\d+))?: error: (.*)$", re.MULTILINE)
_UNRESOLVED = re.compile(r"unresolved reference '?(\w+)'?")


@dataclass(frozen=True)
class _Error:
    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line}: {self.message}"


def _compiler_errors(output: str, by_name: dict) -> list:
    """The errors that name one of our files (``by_name``: the path kotlinc saw -> the user's file)."""
    out = []
    for m in _ERROR.finditer(output):
        f = by_name.get(m.group(1)) or by_name.get(str(Path(m.group(1)).resolve()))
        if f is not None:
            out.append(_Error(f, int(m.group(2)), int(m.group(3) or 1), m.group(4).strip().rstrip(".")))
    return out


def _errors(output: str, files: list) -> dict:
    by_name = {str(f): f for f in files}
    out: dict = {}
    for e in _compiler_errors(output, by_name):
        out.setdefault(e.path, str(e))
    return out


class _Pruner:
    """The compiled copies of a source set, with the declarations that do not compile left out."""

    def __init__(self, sources: list, folder: Path):
        self.texts = {p: normalized(p.read_text(encoding="utf-8", errors="replace")) for p in sources}
        self.copies = {p: folder / str(i) / p.name for i, p in enumerate(sources)}
        self.outlines: dict = {}
        self.blanked: dict = {p: [] for p in sources}
        self.pruned: list = []
        self.why_out: dict = {}   # a name left out -> why, for the errors its users get next

    def write(self, files: list) -> list:
        out = []
        for p in files:
            copy = self.copies[p]
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(blank(self.texts[p], self.blanked[p]), encoding="utf-8")
            out.append(copy)
        return out

    def outline(self, p: Path):
        if p not in self.outlines:
            try:
                self.outlines[p] = outline(self.texts[p], p.name)
            except KotlinExtractError:
                self.outlines[p] = None
        return self.outlines[p]

    def reason(self, e: _Error) -> str:
        m = _UNRESOLVED.search(e.message)
        if m and m.group(1) in self.why_out:
            return f"{e}, left out because {self.why_out[m.group(1)]}"
        return str(e)

    def prune(self, p: Path, errors: list) -> bool:
        """Leave out what holds each of ``p``'s errors; False when one cannot be (then the file goes whole)."""
        if p.suffix != ".kt":
            return False
        tree = self.outline(p)
        if tree is None:
            return False
        spans = []
        for e in errors:
            span = tree.holder(e.line, e.column)
            if span is None or any(s is span or _inside(span, s) for s in self.blanked[p]):
                return False  # the package line, or an error in what is already out: no progress
            spans.append((span, e))
        for span, e in spans:
            if any(s is span or _inside(span, s) for s in self.blanked[p]):
                continue
            why = self.reason(e)
            self.blanked[p].append(span)
            self.pruned.append(Pruned(p, span.line, span.end_line, span.name, span.kind, why))
            if span.name:
                self.why_out.setdefault(span.name, why)
        return True


def _inside(span, outer) -> bool:
    s = span.parent
    while s is not None:
        if s is outer:
            return True
        s = s.parent
    return False


def compile_sources(files: Sequence, tc: Toolchain) -> Compiled:
    """Compile ``files`` (and their source set), leaving out the declarations that do not compile
    against the stubs (``prune``), then files whose errors cannot be placed; cached by the content of
    every file."""
    runtime = runtime_classes(tc)
    sources = source_set(files)
    key = _hash(runtime, "prune-2", *(str(p) + "\0" + p.read_text(encoding="utf-8", errors="replace")
                                      for p in sources))
    target = cache_root() / f"classes-{key}"
    done = target / "done.json"
    if done.is_file():
        data = json.loads(done.read_text())
        return Compiled(target / "classes", [Path(p) for p in data["compiled"]],
                        {Path(k): v for k, v in data["errors"].items()}, data["seconds"],
                        [Pruned(Path(p["path"]), p["line"], p["end_line"], p["name"], p["kind"], p["reason"])
                         for p in data["pruned"]], data["rounds"])
    target.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="build-", dir=target.parent))
    t0 = time.perf_counter()
    rounds = 0
    try:
        classes = build / "classes"
        pruner = _Pruner(sources, build / "src")
        live, errors = list(sources), {}
        cp = os.pathsep.join([str(runtime), tc.stdlib])
        for _ in range(_COMPILE_ROUNDS):
            kt = [p for p in live if p.suffix == ".kt"]
            if not kt:
                break
            shutil.rmtree(classes, ignore_errors=True)
            copies = pruner.write(live)
            rounds += 1
            proc = _run([tc.kotlinc, *(f"-J{f}" for f in _JVM_FLAGS), "-nowarn", "-cp", cp, "-d", classes, *copies])
            if proc.returncode == 0:
                break
            found = _compiler_errors(proc.stderr + proc.stdout, {str(c): p for p, c in zip(live, copies)})
            if not found:  # an error that names no file of ours: nothing compiles
                errors.update({p: (proc.stderr or proc.stdout).strip().splitlines()[0] for p in kt})
                live = []
                break
            by_file: dict = {}
            for e in found:
                by_file.setdefault(e.path, []).append(e)
            for p, errs in by_file.items():
                if not pruner.prune(p, errs):
                    errors[p] = pruner.reason(errs[0])
                    live = [q for q in live if q != p]
        else:
            live = []
        java = [p for p in live if p.suffix == ".java"]
        for _ in range(_COMPILE_ROUNDS if java else 0):
            proc = _run([tc.javac, "-nowarn", "-proc:none", "-d", classes, "-cp",
                         os.pathsep.join([str(classes), cp]), *java])
            if proc.returncode == 0:
                break
            bad = _errors(proc.stderr + proc.stdout, java)
            if not bad:
                break
            errors.update(bad)
            java = [p for p in java if p not in bad]
            live = [p for p in live if p not in bad]
        classes.mkdir(exist_ok=True)
        seconds = time.perf_counter() - t0
        pruned = [p for p in pruner.pruned if p.path in live]
        (build / "done.json").write_text(json.dumps({
            "compiled": [str(p) for p in live], "seconds": seconds, "rounds": rounds,
            "errors": {str(k): v for k, v in errors.items()},
            "pruned": [{"path": str(p.path), "line": p.line, "end_line": p.end_line, "name": p.name,
                        "kind": p.kind, "reason": p.reason} for p in pruned]}))
        shutil.rmtree(build / "src", ignore_errors=True)
        _publish(build, target)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return Compiled(target / "classes", live, errors, seconds, pruned, rounds)


# ---- running the main --------------------------------------------------------------------------------

def _unescape(field_text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), field_text)


@dataclass
class Listed:
    migrations: list            # (start, end, origin)
    skipped: list               # (origin, why)
    result: Optional[list] = None
    stderr: str = ""
    returncode: int = 0
    defaults: set = field(default_factory=set)   # origins made by a factory with its parameters' defaults
    env: tuple = ()             # (zone, locale, instant) the defaults were evaluated with


def _main(tc: Toolchain, compiled: Compiled, *args) -> Listed:
    cp = os.pathsep.join([str(compiled.classes), str(runtime_classes(tc)), tc.stdlib, tc.sqlite_jdbc])
    proc = _run([tc.java, *_JVM_FLAGS, "-cp", cp, "roomschema.jvm.Main", args[0], compiled.classes, *args[1:]])
    listed = Listed([], [], stderr=proc.stderr, returncode=proc.returncode)
    for line in proc.stdout.splitlines():
        kind, *fields = [_unescape(f) for f in line.split("\t")]
        if kind == "migration":
            listed.migrations.append((int(fields[0]), int(fields[1]), fields[2]))
            if fields[3:4] == ["defaults"]:
                listed.defaults.add(fields[2])
        elif kind == "env":
            listed.env = tuple(fields[:3])
        elif kind == "skipped":
            listed.skipped.append((fields[0], fields[1] if len(fields) > 1 else ""))
        elif kind == "result":
            listed.result = fields
    return listed


def find_path(migrations: list, start: int, end: int) -> Optional[list]:
    """Room's ``MigrationContainer.findMigrationPath`` over ``(start, end, origin)``."""
    by_start: dict = {}
    for m in migrations:
        by_start.setdefault(m[0], {})[m[1]] = m
    path, at, up = [], start, end > start
    while (at < end) if up else (at > end):
        targets = by_start.get(at, {})
        ok = [t for t in targets if (at < t <= end if up else end <= t < at)]
        if not ok:
            return None
        nxt = targets[max(ok) if up else min(ok)]
        path.append(nxt)
        at = nxt[1]
    return path


@dataclass
class JvmResult:
    """What running ``migrate`` on the JVM decided, or why it could not."""

    decided: bool
    ok: bool = False
    error: Optional[str] = None       # the throwable, as Room would see it
    location: str = ""                # FILE:LINE of the app's code where it was thrown
    reason: str = ""                  # why not decided (then the static replay is the fallback)
    ran: str = ""                     # the migrations run, in order
    migrate_seconds: float = 0.0
    lock_seconds: float = 0.0
    statements: int = -1              # statements migrate() ran (-1: not told)
    defaults: str = ""                # the factory defaults the verdict holds for, when any were used


@dataclass
class KotlinProgram:
    """An app's migration sources, compiled, and the migrations found in them."""

    toolchain: Toolchain
    compiled: Compiled
    listed: Listed
    primary: Optional[Path] = None
    _migration_files: Optional[list] = None

    def path(self, start: int, end: int) -> Optional[list]:
        return find_path(self.listed.migrations, start, end)

    def why_not(self, start: int, end: int) -> str:
        """Why Migration(start, end) cannot run here: the compiler's or the runner's reason."""
        left = self._left_out(start, end)
        if left:
            return left
        reason = self.compiled.why_not(self.primary)
        skipped = "; ".join(f"{o}: {w}" for o, w in self.listed.skipped[:3])
        if reason and skipped:
            return f"{reason}; {skipped}"
        if reason or skipped:
            return reason or skipped
        if self.listed.returncode not in (0, 3):
            return (self.listed.stderr.strip().splitlines() or ["the runner failed"])[-1]
        return f"no Migration({start}, {end}) among the compiled classes"

    def _read(self) -> list:
        """``(path, text, MigrationFile)`` of each compiled Kotlin file the static reader can read."""
        if self._migration_files is None:
            from roomschema.kotlin import KotlinExtractError as ReadError
            from roomschema.kotlin import read_migrations
            self._migration_files = []
            for path in self.compiled.compiled:
                if path.suffix != ".kt":
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
                if "Migration" not in text:
                    continue
                try:
                    self._migration_files.append((path, text, read_migrations(text, path.name, path)))
                except ReadError:
                    continue
        return self._migration_files

    def _left_out(self, start: int, end: int) -> str:
        """The compiler error that took Migration(start, end)'s declaration out of its file, if that is why."""
        if not self.compiled.pruned:
            return ""
        for path, _, found in self._read():
            for m in found.migrations:
                if (m.start, m.end) == (start, end):
                    p = self.compiled.left_out(path, m.line)
                    if p is not None:
                        return p.reason
        return ""

    def runs_sql(self, start: int, end: int) -> Optional[bool]:
        """Whether the source of Migration(start, end) runs statements, as the static reader sees it
        (None: it cannot find the migration)."""
        for _, _, found in self._read():
            for m in found.migrations:
                if (m.start, m.end) == (start, end):
                    return bool(m.statements)
        return None

    def defaults_note(self, origins: Sequence[str]) -> str:
        """``factory(param: T = default)`` of each migration made with its defaults, and what this JVM
        evaluated them with: the verdict holds for those values."""
        made = [o for o in origins if o in self.listed.defaults]
        if not made:
            return ""
        headers = []
        for origin in made:
            name = origin.rsplit(".", 1)[-1].rstrip("()")
            headers.append(self._header(name) or f"{name}()")
        zone, locale, instant = (list(self.listed.env) + ["?", "?", "?"])[:3]
        return (f"made by {', '.join(headers)} with its defaults, evaluated on this JVM "
                f"(zone {zone}, locale {locale}, clock {instant})")

    def _header(self, name: str) -> str:
        """``name(params with their defaults)`` as the source declares it."""
        for _, text, _ in self._read():
            if name not in text:
                continue
            try:
                tree = outline(normalized(text), name)
            except KotlinExtractError:
                continue
            for span in tree.find(name):
                code = tree.text[span.start:span.end]
                at = re.search(rf"\b{re.escape(name)}\s*\(", code)
                if at is None:
                    continue
                depth, k = 0, at.end() - 1
                for k in range(at.end() - 1, len(code)):
                    depth += {"(": 1, ")": -1}.get(code[k], 0)
                    if depth == 0:
                        break
                return " ".join(code[at.start():k + 1].split()).replace("( ", "(").replace(", )", ")")
        return ""

    def run(self, database: Path, start: int, end: int, pragmas: Sequence[str]) -> JvmResult:
        path = self.path(start, end)
        if path is None:
            return JvmResult(False, reason=self.why_not(start, end))
        listed = _main(self.toolchain, self.compiled, "run", database, start, end, *pragmas)
        if listed.env:
            self.listed.env = listed.env
        res = listed.result or []
        if res[:1] == ["ok"]:
            ran = res[3] if len(res) > 3 else ""
            statements = int(res[4]) if len(res) > 4 and res[4].isdigit() else -1
            if statements == 0 and any(self.runs_sql(a, b) is not False for a, b, _ in path):
                # Its SQL sits behind a branch the seeded rows never took (or where the reader cannot
                # see it): nothing ran, so nothing was shown.
                return JvmResult(False, reason=f"{ran or f'Migration({start}, {end})'} ran no SQL statement on the "
                                               "seeded database, though its source has some: not evidence")
            return JvmResult(True, ok=True, migrate_seconds=int(res[1]) / 1e9, lock_seconds=int(res[2]) / 1e9,
                             ran=ran, statements=statements, defaults=self.defaults_note([o for _, _, o in path]))
        if res[:1] == ["error"]:
            module = _NO_MODULE.search(res[1])
            if module:  # spellfix1, an app-built FTS tokenizer: the app's own SQLite has it, this one does not
                return JvmResult(False, reason=f"migrate() needs the SQLite module {module.group(1)}, which this "
                                               "SQLite does not have (the app's own SQLite build provides it)")
            return JvmResult(True, ok=False, error=res[1], location=res[2] if len(res) > 2 else "")
        return JvmResult(False, reason=(listed.stderr.strip().splitlines() or ["the runner failed"])[-1])


def load_program(source_files: Sequence, primary: Optional[Path] = None,
                 toolchain: Optional[Toolchain] = None) -> KotlinProgram:
    """Compile ``source_files`` (one kotlinc run, cached) and list their migrations.
    Raises ``JvmUnavailable`` when a tool is missing."""
    tc = toolchain or find_toolchain()
    compiled = compile_sources(source_files, tc)
    # One listing per compiled set: an app's migration files usually share one (their folder).
    listed = _LISTED.get(compiled.classes)
    if listed is None:
        listed = _LISTED[compiled.classes] = _main(tc, compiled, "list")
    return KotlinProgram(tc, compiled, listed, Path(primary).resolve() if primary else None)


_LISTED: dict = {}
_NO_MODULE = re.compile(r"no such module: (\w+)")


def _pragmas(conn: sqlite3.Connection, foreign_keys: bool) -> list:
    """The connection's driver settings, for the JVM's connection to the same file."""
    out = []
    for name in ("legacy_alter_table", "secure_delete", "journal_size_limit", "synchronous"):
        value = conn.execute(f"PRAGMA {name}").fetchone()
        if value is not None:
            out.append(f"{name}={value[0]}")
    return out + [f"foreign_keys={'ON' if foreign_keys else 'OFF'}"]


def _main_file(conn: sqlite3.Connection) -> Path:
    return Path(next(r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"))


def run_kotlin_migration(source_files: Sequence, start: int, end: int, database_path, *,
                         legacy_alter_table: bool = True, foreign_keys: bool = False) -> JvmResult:
    """Compile ``source_files`` and run Room's migration path ``start`` -> ``end`` on the SQLite file
    ``database_path`` (foreign keys off, one exclusive transaction, committed unless it throws).
    Not decided (``decided=False`` and the reason) when a tool is missing or the migration does not
    compile without the app's other classes."""
    try:
        program = load_program(source_files, primary=Path(source_files[0]) if source_files else None)
    except JvmUnavailable as err:
        return JvmResult(False, reason=str(err))
    pragmas = [f"legacy_alter_table={'ON' if legacy_alter_table else 'OFF'}",
               f"foreign_keys={'ON' if foreign_keys else 'OFF'}"]
    return program.run(Path(database_path), start, end, pragmas)


class JvmRunner:
    """verify's migration runner for compiled Kotlin: the JVM migrates the file, then verify
    validates, writes Room's identity and checks the data exactly as for statements."""

    def __init__(self, program: KotlinProgram, start: int, end: int):
        self.program, self.start, self.end = program, start, end
        self.ran = ""
        self.defaults = ""
        self.undecided = ""   # why the JVM could not decide (a run failed for want of it, not the migration)

    def notes(self) -> list:
        """For the report: the factory defaults the verdict holds for (a zone, a clock), when any."""
        return [self.defaults] if self.defaults else []

    def _label(self) -> str:
        label = f"migrate() of {self.ran or f'Migration({self.start}, {self.end})'}, compiled and run on the JVM"
        return f"{label}; {self.defaults}" if self.defaults else label

    def run(self, conn: sqlite3.Connection, old: Schema, new: Schema, steps: Sequence[Step], *,
            database_name: str, keep_on_mismatch: bool = False, **kwargs) -> MigrationRun:
        t0 = time.perf_counter()
        res = self.program.run(_main_file(conn), self.start, self.end, _pragmas(conn, foreign_keys=False))
        self.ran = res.ran or self.ran
        self.defaults = res.defaults or self.defaults
        if not res.decided:
            self.undecided = res.reason
        if not res.decided or not res.ok:
            error = res.error or f"the JVM runner could not run it: {res.reason}"
            if res.location:
                error += f" (at {res.location})"
            return MigrationRun(ok=False, error=error, failed_step=0, total_seconds=time.perf_counter() - t0,
                                steps=[StepResult(0, self._label(), "jvm", time.perf_counter() - t0, error)])
        run = run_migration(conn, old, new, (), database_name=database_name, keep_on_mismatch=keep_on_mismatch,
                            **kwargs)
        run.steps = [StepResult(0, self._label(), "jvm", res.migrate_seconds)] + [
            StepResult(s.index + 1, s.sql, s.kind, s.seconds, s.error) for s in run.steps]
        run.migrate_seconds = res.migrate_seconds
        # The migration's own transaction on the JVM, then validation and the identity here.
        run.lock_seconds += res.lock_seconds
        run.total_seconds += res.lock_seconds
        return run

    def hazards(self, copy: Path, new: Schema, baseline: dict, legacy: bool) -> list:
        """The cascade pass: the same code with foreign keys ON, on a throwaway copy."""
        from roomschema.verify.build import connect
        conn = connect(copy, legacy_alter_table=legacy)
        try:
            res = self.program.run(copy, self.start, self.end, _pragmas(conn, foreign_keys=True))
            if res.decided and not res.ok:
                first = (res.error or "").splitlines()[0] if res.error else ""
                return [Hazard("", "step-fails", 0, f"with foreign_keys=ON, migrate() fails: {first}")]
            return compare_stats(table_stats(conn, new), baseline)
        finally:
            conn.close()


__all__ = ["JvmResult", "JvmRunner", "JvmUnavailable", "KotlinProgram", "Toolchain", "find_toolchain",
           "load_program", "run_kotlin_migration", "source_set"]
