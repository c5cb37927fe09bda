"""Compile Kotlin with a real ``kotlinc`` against the androidx stubs in ``tests/kotlin/stubs``.

Usage from a test::

    from kotlinc import compile_kotlin, requires_kotlinc   # tests/ is on sys.path, as for conftest

    pytestmark = [pytest.mark.kotlin, requires_kotlinc]

    def test_generated_code_compiles(tmp_path):
        files = [write_generated(tmp_path, v) for v in versions]   # distinct packages/names
        compile_kotlin(files, tmp_path)                            # one JVM for all files

The compiler comes from ``.ci/install-kotlin.sh`` (npm package ``kotlin-compiler``). Every call
starts a JVM (about 3-4 s even for one small file), so callers should hand all their files to a
single call rather than compile one file per test.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

STUBS_DIR = Path(__file__).resolve().parent / "kotlin" / "stubs"
INSTALL_HINT = "run `bash .ci/install-kotlin.sh` (or set ROOMSCHEMA_KOTLINC to a kotlinc launcher)"

# Compiling a few files is dominated by JVM start-up and class loading: C1-only JIT and the
# serial collector cut a small compile from ~4.5 s to ~3.4 s and a 60-file batch from 8 s to
# 5.4 s on the 2-core CI machine. Passed as -J flags so a user's JAVA_OPTS still applies.
_JVM_FLAGS = ("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xss4m", "-J-Xmx1g")
_TIMEOUT_S = 900


def kotlin_home() -> Path:
    """Where ``.ci/install-kotlin.sh`` installs the compiler (``$ROOMSCHEMA_KOTLIN_HOME``)."""
    env = os.environ.get("ROOMSCHEMA_KOTLIN_HOME")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "roomschema-kotlin"


def kotlinc_path() -> str | None:
    """The kotlinc launcher: $ROOMSCHEMA_KOTLINC, else the install location, else PATH."""
    env = os.environ.get("ROOMSCHEMA_KOTLINC")
    if env:
        # An explicit setting that points nowhere is a configuration error, not "absent":
        # falling back silently would test with some other compiler.
        return env if os.access(env, os.X_OK) else None
    installed = kotlin_home() / "node_modules" / "kotlin-compiler" / "bin" / "kotlinc"
    if os.access(installed, os.X_OK):
        return str(installed)
    return shutil.which("kotlinc")


def _java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and os.access(Path(java_home) / "bin" / "java", os.X_OK):
        return True
    return shutil.which("java") is not None


def _missing_reason() -> str | None:
    if kotlinc_path() is None:
        where = os.environ.get("ROOMSCHEMA_KOTLINC") or str(kotlin_home())
        return f"no Kotlin compiler (looked for {where} and kotlinc on PATH): {INSTALL_HINT}"
    if not _java_available():
        return "kotlinc needs a JDK (17+): no java on PATH and JAVA_HOME unset"
    return None


def _must_have_kotlinc() -> bool:
    # CI sets this so that a missing install fails loudly instead of skipping every
    # Kotlin test, which would otherwise look green.
    return os.environ.get("ROOMSCHEMA_REQUIRE_KOTLINC", "").lower() in ("1", "true", "yes")


_reason = _missing_reason()
requires_kotlinc = pytest.mark.skipif(
    _reason is not None and not _must_have_kotlinc(),
    reason=_reason or "kotlinc available",
)
"""Skip marker for tests that compile Kotlin. Combine with ``pytest.mark.kotlin``."""


# kotlin.test (assertEquals, @Test for common code) cannot be stubbed: only the standard library
# may declare a package named kotlin.*. Every kotlinc distribution ships it, with the JUnit 4
# binding that makes kotlin.test.Test org.junit.Test on the JVM.
_LIBRARY_JARS = ("kotlin-test.jar", "kotlin-test-junit.jar")


def _library_jars(kotlinc: str) -> list[Path]:
    lib = Path(os.path.realpath(kotlinc)).parent.parent / "lib"
    return [lib / name for name in _LIBRARY_JARS if (lib / name).is_file()]


def _classpath(kotlinc: str, *first: Path) -> str:
    return os.pathsep.join(str(p) for p in (*first, *_library_jars(kotlinc)))


def _stub_files() -> list[Path]:
    return sorted(p for p in STUBS_DIR.rglob("*") if p.suffix in (".kt", ".java"))


def _stub_key(kotlinc: str) -> str:
    h = hashlib.sha256()
    h.update(os.path.realpath(kotlinc).encode())
    build_txt = Path(os.path.realpath(kotlinc)).parent.parent / "build.txt"
    if build_txt.is_file():
        h.update(build_txt.read_bytes())
    for path in _stub_files():
        h.update(b"\0" + path.relative_to(STUBS_DIR).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _stub_cache_root() -> Path:
    env = os.environ.get("ROOMSCHEMA_KOTLIN_STUB_CACHE")
    return Path(env) if env else kotlin_home() / "stub-classes"


def _run(cmd: list[str], what: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=_TIMEOUT_S, stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        output = "\n".join(s for s in (proc.stderr.strip(), proc.stdout.strip()) if s)
        raise AssertionError(f"{what} failed (exit {proc.returncode}):\n{output}")
    return proc


def _javac() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and os.access(Path(java_home) / "bin" / "javac", os.X_OK):
        return str(Path(java_home) / "bin" / "javac")
    return shutil.which("javac")


@functools.cache
def stub_classpath() -> tuple[Path, tuple[Path, ...]]:
    """Compiled stubs, built once and cached on disk under a hash of the stubs and compiler.

    Returns the classes directory and the Java stub sources that every compile must also be
    given: empty when javac compiled them, else kotlinc resolves them from source (kotlinc
    reads Java sources but writes no classes for them).
    """
    kotlinc = kotlinc_path()
    if kotlinc is None:
        raise AssertionError(f"no Kotlin compiler: {INSTALL_HINT}")
    java_sources = [p for p in _stub_files() if p.suffix == ".java"]
    kotlin_sources = [p for p in _stub_files() if p.suffix == ".kt"]
    javac = _javac()
    java_on_source_path = tuple() if javac else tuple(java_sources)

    root = _stub_cache_root()
    target = root / (_stub_key(kotlinc) + ("" if javac else "-nojavac"))
    if (target / ".complete").is_file():
        return target, java_on_source_path

    root.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed into place, so parallel sessions (xdist, two
    # checkouts) never see a half-written directory.
    build = Path(tempfile.mkdtemp(prefix="build-", dir=root))
    try:
        classes = build / "classes"
        classes.mkdir()
        if javac and java_sources:
            _run([javac, "-nowarn", "-d", str(classes), *map(str, java_sources)], "javac (stubs)")
        _run(
            [kotlinc, *_JVM_FLAGS, "-nowarn", "-cp", _classpath(kotlinc, classes), "-d", str(classes),
             *map(str, kotlin_sources), *map(str, java_on_source_path)],
            "kotlinc (stubs)",
        )
        (classes / ".complete").write_text("ok\n")
        try:
            os.replace(classes, target)
        except OSError:
            # Another session won the race; its copy is identical.
            if not (target / ".complete").is_file():
                raise
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return target, java_on_source_path


def compile_kotlin(
    sources: list[Path], workdir: Path, *, extra_args: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Compile ``sources`` together, in ONE kotlinc run, against the stubs.

    Classes go to ``workdir / "classes"``. Raises AssertionError carrying the compiler's
    messages (``file:line:col: error: ...``) when compilation fails. Warnings are off
    (``-nowarn``): generated code is judged by errors only.
    """
    if not sources:
        raise ValueError("compile_kotlin needs at least one source file")
    kotlinc = kotlinc_path()
    if kotlinc is None:
        raise AssertionError(f"no Kotlin compiler: {INSTALL_HINT}")
    missing = [str(s) for s in sources if not Path(s).is_file()]
    if missing:
        raise FileNotFoundError(f"Kotlin sources not found: {', '.join(missing)}")
    stub_classes, java_stub_sources = stub_classpath()
    out = Path(workdir) / "classes"
    out.mkdir(parents=True, exist_ok=True)
    cmd = [
        kotlinc, *_JVM_FLAGS, "-nowarn", "-cp", _classpath(kotlinc, stub_classes), "-d", str(out),
        *extra_args, *map(str, sources), *map(str, java_stub_sources),
    ]
    names = ", ".join(Path(s).name for s in sources)
    return _run(cmd, f"kotlinc ({names})")


def run_kotlin(workdir: Path, main_class: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``main_class`` (e.g. ``"pkg.MainKt"``) from classes that :func:`compile_kotlin`
    wrote to ``workdir / "classes"``, with the stubs and the Kotlin stdlib on the classpath.

    The stub bodies mostly throw; a test that runs code supplies its own implementations
    (java.lang.reflect.Proxy works well for the interfaces)."""
    kotlinc = kotlinc_path()
    if kotlinc is None:
        raise AssertionError(f"no Kotlin compiler: {INSTALL_HINT}")
    lib = Path(os.path.realpath(kotlinc)).parent.parent / "lib"
    stub_classes, _ = stub_classpath()
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else (shutil.which("java") or "java")
    classpath = os.pathsep.join([str(Path(workdir) / "classes"), str(stub_classes), str(lib / "kotlin-stdlib.jar"),
                                 *map(str, _library_jars(kotlinc))])
    return _run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, main_class, *args],
                f"java {main_class}")
