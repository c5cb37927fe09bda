"""check's ``run_kotlin = true``: a hand-written Kotlin migration judged by running its compiled code.

The verdict is cached under the content of everything that was compiled (the file and what it
imports from its source tree), so a warm check neither compiles nor runs a JVM. What does not
compile around a migration (the @Database class's entities, DAOs, builder) is left out of the
compiled copy; a migration that itself does not compile without the app's other classes, one
whose run showed nothing (none of its SQL ran), or a machine without the tools, gets the reason
instead of a verdict: check then reads it statically, as without the setting, and says why.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, Optional, Union

from roomschema.check.cache import Cache
from roomschema.check.sources import Source
from roomschema.errors import RoomSchemaError
from roomschema.migration.sources import NotVerifiable, migration_steps


@functools.lru_cache(maxsize=64)
def _program(path: Path) -> Any:
    from roomschema.verify.jvm import load_program
    return load_program([path], primary=path)


def _source_key(path: Path) -> str:
    from roomschema.verify.jvm import source_set
    return Cache.key("jvm-sources", *(str(p) + "\0" + p.read_text(encoding="utf-8", errors="replace")
                                      for p in source_set([path])))


def _static_steps(src: Source, start: int, end: int) -> tuple:
    """The statements the static reader finds in the migration, when it reads them all: the JVM runs the
    real code, and these seed the rows with the values it compares (as ``verify --kotlin --jvm`` does)."""
    try:
        return migration_steps("kotlin", src.path, start, end, line=src.line or None)
    except RoomSchemaError:
        return ()


def jvm_verdict(src: Source, old, new, decl, name: str, cache: Cache, common: tuple,
                verdict: Callable[[Any], dict], options: dict) -> Union[dict, str]:
    """The verdict of running ``src``'s compiled Migration(old, new), or why it cannot run (a string)."""
    from roomschema.verify import verify_migration
    from roomschema.verify.jvm import JvmRunner, JvmUnavailable

    from roomschema.verify.outside import made_for
    assert src.path is not None
    path = Path(src.path).resolve()
    steps = _static_steps(src, old.version, new.version)
    # A table it drops that the app makes elsewhere (verify.outside): the evidence is part of the verdict.
    made = made_for(path, old, steps)
    key = Cache.key("jvm", _source_key(path), old.version, new.version, *common, *sorted(made.items()))
    hit: Optional[dict] = cache.get("verify", key)
    if hit is not None:
        return hit
    try:
        program = _program(path)
    except JvmUnavailable as err:
        return str(err)
    if program.path(old.version, new.version) is None:
        return program.why_not(old.version, new.version)
    runner = JvmRunner(program, old.version, new.version)
    try:
        report = verify_migration(old, new, steps, declarations=decl, database_name=name, runner=runner,
                                  made_elsewhere=made, **options)
    except NotVerifiable as err:  # a module the app's own SQLite has, a table made outside the schema
        return err.message
    if runner.undecided:  # e.g. migrate() ran none of its SQL on the seeded rows: no evidence either way
        return runner.undecided
    hit = verdict(report)
    cache.put("verify", key, hit)
    return hit
