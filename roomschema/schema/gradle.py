"""What the Gradle build around a schema folder says about Room and SQLite.

Read from the build files as text, never by running Gradle: from the schema folder
upwards, every ``build.gradle``, ``build.gradle.kts`` and ``gradle/libs.versions.toml``
up to the project's root (the folder with ``settings.gradle(.kts)`` or ``.git``), at most
:data:`MAX_LEVELS` folders. Two facts come out of it:

* ``room3``: the build uses Room 3 (``androidx.room3``), so generated Kotlin targets
  ``androidx.room3.migration.Migration`` unless ``--kotlin-api``/``kotlin_api`` says otherwise;
* ``bundled_sqlite``: the app ships its own SQLite (``androidx.sqlite:sqlite-bundled``, the
  KMP default). Its SQLite is the library's, not the device's: the Android framework's
  ``legacy_alter_table=ON`` does not apply and the device's API level does not limit which
  SQLite features a migration may use.

A version catalog entry counts as use: a catalog lists what the build may use, and a
project that declares the bundled driver there almost always uses it. Commented-out lines
do not count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

MAX_LEVELS = 8
"""Folders looked at, the schema folder's own included: ``<module>/schemas/<variant>/<fqcn>``
is four below the module, and a module rarely sits more than three below the root."""

BUILD_FILES = ("build.gradle.kts", "build.gradle")
CATALOG = Path("gradle") / "libs.versions.toml"

BUNDLED_SQLITE_MIN_SDK = 101
"""The ``min_sdk`` the planner is given on the bundled driver: above every API level
``--min-sdk`` accepts (1-100), because the bundled SQLite (3.46 in androidx.sqlite 2.5) has
every feature the newest framework SQLite has, whatever the device's API level."""

_ROOM3 = re.compile(r"\bandroidx\.room3\b")
_COMMENT = re.compile(r"^\s*(//|/\*|\*|#)")


@dataclass(frozen=True)
class GradleBuild:
    """The Gradle facts of one schema folder; all false when there is no build around it."""

    files: tuple[Path, ...] = ()     # the build files read, nearest first
    module: Optional[Path] = None    # the nearest folder above the schemas with a build file
    room3: bool = False
    bundled_sqlite: bool = False

    @property
    def kotlin_api(self) -> str:
        """The ``--kotlin-api`` the build implies: room3 for Room 3, else support."""
        return "room3" if self.room3 else "support"

    def schema_directory(self, schema_dir: Path) -> str:
        """The folder holding ``<fqcn>/N.json`` relative to the module, as MigrationTestHelper's
        ``schemaDirectoryPath`` on the JVM wants it (Gradle runs tests in the module's folder)."""
        parent = Path(schema_dir).resolve().parent
        if self.module is not None:
            try:
                return parent.relative_to(self.module).as_posix() or "."
            except ValueError:
                pass
        return "schemas"


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if not _COMMENT.match(line)]


def _uses_bundled(line: str) -> bool:
    # "androidx.sqlite:sqlite-bundled:2.5.0", module = "androidx.sqlite:sqlite-bundled", or a
    # catalog's { group = "androidx.sqlite", name = "sqlite-bundled" }.
    return "sqlite-bundled" in line and "androidx.sqlite" in line


def _is_root(folder: Path) -> bool:
    return any((folder / n).exists() for n in ("settings.gradle.kts", "settings.gradle", ".git"))


def _read(start: Path) -> GradleBuild:
    files: list[Path] = []
    module: Optional[Path] = None
    for level, folder in enumerate((start, *start.parents)):
        if level >= MAX_LEVELS:
            break
        builds = [folder / n for n in BUILD_FILES if (folder / n).is_file()]
        if builds and module is None:
            module = folder
        files += builds + ([folder / CATALOG] if (folder / CATALOG).is_file() else [])
        if _is_root(folder):
            break
    room3 = bundled = False
    for path in files:
        for line in _lines(path):
            room3 = room3 or bool(_ROOM3.search(line))
            bundled = bundled or _uses_bundled(line)
    return GradleBuild(tuple(files), module, room3, bundled)


def read_build(schema_dir: Union[str, Path, None]) -> GradleBuild:
    """The Gradle facts around ``schema_dir`` (a schema folder, or any folder in the module)."""
    if schema_dir is None:
        return GradleBuild()
    return _read(Path(schema_dir).resolve())


def sqlite_min_sdk(min_sdk: int, build: GradleBuild) -> int:
    """The ``min_sdk`` to plan with: the app's, unless the bundled driver brings its own SQLite."""
    return max(min_sdk, BUNDLED_SQLITE_MIN_SDK) if build.bundled_sqlite else min_sdk
