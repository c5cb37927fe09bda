"""Settings from ``[tool.roomschema]`` in pyproject.toml or a roomschema.toml.

The file nearest the current directory wins; paths in it are relative to it.
Per version pair, ``[tool.roomschema.migrations."1-2"]`` carries the same
declarations as the command-line flags.

The file is read once into a frozen :class:`Config`: every setting is checked
when it is loaded, so a bad value is one line naming the file and the key
before any command runs, whichever command reads the setting. Command-line
flags override settings where both exist.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Union

from roomschema.errors import RoomSchemaError
from roomschema.migration.declarations import (EXPECTATION_KEYS, Declarations, chain, check_expectations, name,
                                               reference, reverse, split_dotted)
from roomschema.schema.model import Schema

DEFAULT_MIN_SDK = 21
"""The lowest Android API level assumed when neither ``--min-sdk`` nor ``min_sdk`` says otherwise."""

KOTLIN_APIS = ("support", "connection", "room3")
"""The ``migrate`` signatures generated Kotlin can target: SupportSQLiteDatabase, Room 2.7+ SQLiteConnection,
or Room 3 (``androidx.room3``), whose only ``migrate`` takes the connection and suspends."""

TEST_KINDS = ("android", "jvm", "kmp")
"""Where a generated MigrationTestHelper test runs: an instrumentation test (androidTest), a JVM test on the
bundled driver (test / jvmTest), or common code for every KMP target (commonTest)."""

KNOWN = {"schemas", "db", "min_sdk", "output", "package", "kotlin_api", "test_kind", "docs", "released", "gaps",
         "require_why", "require_backward_compatible", "migrations", "auto_migrations", "run_kotlin"}
PAIR_KEYS = {"rename_tables", "rename_columns", "delete_tables", "delete_columns", "fill", "allow_drops",
             "allow", "auto_migration", "expect_rows_removed", "expect_values_changed",
             "expect_rows_added", "assume_references"}

_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def check_package(package: str, option: str = "--package", file: object = None) -> str:
    """A Kotlin package name, from a flag (``option``) or a setting (``file`` and key)."""
    if not isinstance(package, str) or not _PACKAGE.match(package):
        raise RoomSchemaError(f"not a Kotlin package name: {package!r}", file=file, path=option)
    return package


@dataclass(frozen=True)
class PairSettings:
    """``[tool.roomschema.migrations."A-B"]``: what was decided about one version pair."""

    declarations: Declarations = field(default_factory=Declarations)
    allow: tuple[str, ...] = ()           # check's additive-first policy: acknowledged changes
    auto_migration: bool = False          # Room's @AutoMigration does this pair


@dataclass(frozen=True)
class Config:
    """Every setting, typed; the defaults are what an absent key means."""

    path: Optional[Path] = None           # the file it came from
    root: Path = field(default_factory=Path.cwd)
    schemas: Optional[str] = None
    db: Optional[str] = None
    min_sdk: int = DEFAULT_MIN_SDK
    output: Optional[str] = None
    package: Optional[str] = None
    kotlin_api: Optional[str] = None      # None: room3 when the Gradle files use androidx.room3, else support
    test_kind: str = "android"
    docs: Optional[str] = None
    released: Union[int, str, None] = None
    gaps: frozenset[int] = frozenset()                       # versions that never existed
    require_why: bool = False
    require_backward_compatible: bool = False
    migrations: Mapping[tuple[int, int], PairSettings] = field(default_factory=dict)
    auto_migrations: frozenset[tuple[int, int]] = frozenset()  # both spellings: the list and auto_migration
    run_kotlin: bool = False              # check compiles hand-written Kotlin and runs migrate() on the JVM

    @property
    def in_pyproject(self) -> bool:
        return self.path is not None and self.path.name == "pyproject.toml"

    def settings_table(self) -> str:
        """Where a top-level setting goes, as a person pastes it (fixes name this)."""
        if self.in_pyproject:
            return "[tool.roomschema] of pyproject.toml"
        return f"{self.path.name if self.path else 'roomschema.toml'} (at the top, before any table)"

    def pair_table(self, old: int, new: int) -> str:
        """The header of a pair's table as this configuration's file spells it: ``[migrations."1-2"]``
        in roomschema.toml, ``[tool.roomschema.migrations."1-2"]`` in pyproject.toml."""
        header = f'migrations."{old}-{new}"'
        if self.in_pyproject:
            return f"[tool.roomschema.{header}] of pyproject.toml"
        return f"[{header}] of {self.path.name if self.path else 'roomschema.toml'}"

    def path_of(self, key: str) -> Optional[Path]:
        """A path setting (``schemas``, ``output``, ``docs``), relative to the file's folder."""
        value = getattr(self, key)
        return None if value is None else (self.root / value)

    def pair(self, old: int, new: int) -> PairSettings:
        return self.migrations.get((old, new)) or PairSettings()

    def declarations(self, old: int, new: int) -> Declarations:
        """The pair's declarations; for a rollback (``new < old``) without a table of its own, the
        renames declared on the way up, undone, so ``generate 2 1`` and ``migrate --to 1`` reverse a
        declared rename instead of dropping the column and asking for a fill."""
        if new < old and (old, new) not in self.migrations:
            up = None
            for a, b in sorted(p for p in self.migrations if new <= p[0] < p[1] <= old):
                up = self.migrations[(a, b)].declarations if up is None else \
                    chain(up, self.migrations[(a, b)].declarations)
            return reverse(up) if up is not None else Declarations()
        return self.pair(old, new).declarations

    def check_expectations(self, old: Schema, new: Schema) -> None:
        """The pair's expectations against its two schemas, once they are loaded: a table or
        column the pair does not keep is one line naming this file and the key (exit 2)."""
        prefix = f'migrations."{old.version}-{new.version}".'
        check_expectations(self.declarations(old.version, new.version), old, new, file=self.path,
                           keys={key: prefix + key for key in EXPECTATION_KEYS})


# ---- reading ----------------------------------------------------------------------------------------

def _read(path: Path, table_path: tuple) -> Optional[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RoomSchemaError(str(err), file=path) from None
    data: object
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RoomSchemaError(f"invalid TOML: {err}", file=path) from None
    for key in table_path:
        data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            return None
    if not isinstance(data, dict):
        raise RoomSchemaError("expected a table", file=path, path=".".join(table_path))
    return data


def find_config(start: Optional[Path] = None) -> Config:
    """The nearest roomschema.toml or pyproject.toml with a [tool.roomschema] table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "roomschema.toml"
        if candidate.is_file():
            return parse(_read(candidate, ()) or {}, candidate, folder)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            values = _read(candidate, ("tool", "roomschema"))
            if values is not None:
                return parse(values, candidate, folder)
        if (folder / ".git").exists():
            break
    return Config(None, here)


# ---- checking ---------------------------------------------------------------------------------------

class _Reader:
    """One table's values, each taken out with its type checked; errors name ``file`` and the key."""

    def __init__(self, values: dict, file: Path, prefix: str = ""):
        self.values, self.file, self.prefix = values, file, prefix

    def fail(self, key: str, message: str) -> RoomSchemaError:
        return RoomSchemaError(message, file=self.file, path=self.prefix + key)

    def string(self, key: str) -> Optional[str]:
        value = self.values.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise self.fail(key, f"expected a non-empty string, got {value!r}")
        return value

    def flag(self, key: str) -> bool:
        value = self.values.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def table(self, key: str, example: str) -> dict:
        value = self.values.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table such as {example}, got {value!r}")
        return value

    def array(self, key: str, example: str) -> list:
        value = self.values.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list such as {example}, got {value!r}")
        return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _min_sdk(r: _Reader) -> int:
    value = r.values.get("min_sdk", DEFAULT_MIN_SDK)
    if not _is_int(value):
        raise r.fail("min_sdk", "expected an integer")
    if not 1 <= value <= 100:
        raise r.fail("min_sdk", f"expected an Android API level from 1 to 100, got {value}")
    return value


def _one_of(r: _Reader, key: str, choices: tuple, default: Optional[str]) -> Optional[str]:
    value = r.values.get(key, default)
    if key in r.values and value not in choices:
        raise r.fail(key, f"expected {', '.join(choices[:-1])} or {choices[-1]}, got {value!r}")
    return value


def _released(r: _Reader) -> Union[int, str, None]:
    value = r.values.get("released")
    if value is not None and not (_is_int(value) or isinstance(value, str)):
        raise r.fail("released", "expected the last released version (an integer) or a git tag (a string)")
    return value


def _gaps(r: _Reader) -> frozenset[int]:
    """``gaps = [55, 57]`` (versions never released) or ``[[54, 56]]`` (allowed jumps) -> missing versions."""
    value = r.values.get("gaps") or []
    if not isinstance(value, list):
        raise r.fail("gaps", "expected a list such as [55] or [[54, 56]]")
    missing: set[int] = set()
    for item in value:
        if _is_int(item):
            missing.add(item)
        elif isinstance(item, list) and len(item) == 2 and all(_is_int(x) for x in item) and item[0] < item[1]:
            missing.update(range(item[0] + 1, item[1]))
        else:
            raise r.fail("gaps", f"expected a version or a [from, to] pair, got {item!r}")
    return frozenset(missing)


def _auto_migrations(r: _Reader) -> set[tuple[int, int]]:
    value = r.values.get("auto_migrations") or []
    if not isinstance(value, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(_is_int(x) for x in p) for p in value):
        raise r.fail("auto_migrations", "expected a list of [from, to] pairs such as [[1, 2], [2, 3]]")
    return {(p[0], p[1]) for p in value}


def _names(r: _Reader, key: str) -> list:
    return [name(v, r.prefix + key, r.file) for v in r.array(key, '["legacy"]')]


def _pair(body: dict, file: Path, prefix: str) -> PairSettings:
    r = _Reader(body, file, prefix)
    for key in body:
        if key not in PAIR_KEYS:
            raise RoomSchemaError(f"unknown key '{key}' (known: {', '.join(sorted(PAIR_KEYS))})",
                                  file=file, path=prefix.rstrip("."))
    where = {k: prefix + k for k in PAIR_KEYS}
    rename_tables = {name(old, where["rename_tables"], file): name(new, where["rename_tables"], file)
                     for old, new in r.table("rename_tables", '{ "old" = "new" }').items()}
    rename_columns = {split_dotted(old, where["rename_columns"], file): name(new, where["rename_columns"], file)
                      for old, new in r.table("rename_columns", '{ "table.old" = "new" }').items()}
    fills = {}
    for column, sql in r.table("fill", '{ "table.column" = "0" }').items():
        if not isinstance(sql, str) or not sql.strip():
            raise r.fail("fill", f"expected an SQL expression (a string) for {column!r}, got {sql!r}")
        fills[split_dotted(column, where["fill"], file)] = sql
    delete_columns = [split_dotted(c, where["delete_columns"], file)
                      for c in r.array("delete_columns", '["table.column"]')]
    allow = r.array("allow", '["rebuild:table"]')
    for entry in allow:
        if not isinstance(entry, str):
            raise r.fail("allow", f"expected KIND:TABLE or KIND:TABLE.COLUMN, got {entry!r}")
    values_changed = [split_dotted(c, where["expect_values_changed"], file)
                      for c in r.array("expect_values_changed", '["table.column"]')]
    declarations = Declarations(
        rename_tables=rename_tables, rename_columns=rename_columns,
        delete_tables=tuple(dict.fromkeys(_names(r, "delete_tables"))),
        delete_columns=tuple(dict.fromkeys(delete_columns)),
        fills=fills, allow_drops=r.flag("allow_drops"),
        expect_rows_removed=tuple(dict.fromkeys(_names(r, "expect_rows_removed"))),
        expect_values_changed=tuple(dict.fromkeys(values_changed)),
        expect_rows_added=tuple(dict.fromkeys(_names(r, "expect_rows_added"))),
        assume_references=tuple(dict.fromkeys(
            reference(column, where["assume_references"], file, target)
            for column, target in r.table("assume_references", '{ "table.column" = "parent.column" }').items())))
    return PairSettings(declarations, tuple(allow), r.flag("auto_migration"))


def _migrations(r: _Reader) -> dict[tuple[int, int], PairSettings]:
    out = {}
    for pair, body in r.table("migrations", '[tool.roomschema.migrations."1-2"]').items():
        parts = pair.split("-")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or not isinstance(body, dict):
            raise r.fail("migrations", f"expected a table named \"FROM-TO\" such as \"1-2\", got {pair!r}")
        out[(int(parts[0]), int(parts[1]))] = _pair(body, r.file, f"migrations.\"{pair}\".")
    return out


def parse(values: dict, file: Path, root: Path) -> Config:
    """``values`` (the table read from ``file``) checked into a Config; paths are relative to ``root``."""
    for key in values:
        if key not in KNOWN:
            raise RoomSchemaError(f"unknown setting '{key}' (known: {', '.join(sorted(KNOWN))})", file=file)
    r = _Reader(values, file)
    migrations = _migrations(r)
    package = r.string("package")
    if package is not None:
        check_package(package, "package", file)
    autos = _auto_migrations(r) | {p for p, s in migrations.items() if s.auto_migration}
    return Config(path=file, root=root, schemas=r.string("schemas"), db=r.string("db"), min_sdk=_min_sdk(r),
                  output=r.string("output"), package=package, kotlin_api=_one_of(r, "kotlin_api", KOTLIN_APIS, None),
                  test_kind=_one_of(r, "test_kind", TEST_KINDS, "android") or "android",
                  docs=r.string("docs"),
                  released=_released(r), gaps=_gaps(r), require_why=r.flag("require_why"),
                  require_backward_compatible=r.flag("require_backward_compatible"), migrations=migrations,
                  auto_migrations=frozenset(autos), run_kotlin=r.flag("run_kotlin"))
