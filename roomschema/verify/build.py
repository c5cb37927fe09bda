"""Build a database from a schema export the way MigrationTestHelper does.

``create_statements`` is ``DatabaseBundle.buildCreateQueries()``
(docs/room-format.md#create-order); ``build_database`` runs them on a real file and sets
``user_version``, which Room's open sequence writes after onCreate.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Optional, TypeVar, Union

from roomschema.errors import RoomSchemaError
from roomschema.schema.model import Entity, FtsEntity, Schema

_T = TypeVar("_T")


def _fts_create_compare(first: Entity, second: Entity) -> int:
    """Room's FtsEntityCreateComparator: an FTS table goes after its content table."""
    if isinstance(first, FtsEntity):
        return 1 if first.content_table == second.table_name else 0
    if isinstance(second, FtsEntity) and second.content_table == first.table_name:
        return -1
    return 0


def _java_small_sort(items: list[_T], cmp: Callable[[_T, _T], int]) -> list[_T]:
    """Java's TimSort for short arrays: the initial run, then binary insertion.

    The comparator is not a total order, so the result depends on the exact
    algorithm; this is the one ``Collections.sort``/``sortedWith`` use below 32
    elements (every real schema). Longer lists get the same algorithm, which
    may differ from Java's merge phase (see the report's gaps).
    """
    a = list(items)
    n = len(a)
    if n < 2:
        return a
    run = 1
    if cmp(a[1], a[0]) < 0:
        run = 2
        while run < n and cmp(a[run], a[run - 1]) < 0:
            run += 1
        a[:run] = reversed(a[:run])
    else:
        run = 2
        while run < n and cmp(a[run], a[run - 1]) >= 0:
            run += 1
    for start in range(run, n):
        pivot = a[start]
        left, right = 0, start
        while left < right:
            mid = (left + right) >> 1
            if cmp(pivot, a[mid]) < 0:
                right = mid
            else:
                left = mid + 1
        a[left + 1:start + 1] = a[left:start]
        a[left] = pivot
    return a


def sorted_entities(schema: Schema) -> list[Entity]:
    return _java_small_sort(list(schema.database.entities), _fts_create_compare)


def create_statements(schema: Schema) -> list[str]:
    return [sql for _, sql in located_create_statements(schema)]


def located_create_statements(schema: Schema) -> list[tuple[str, str]]:
    """``create_statements`` with the JSON path each statement comes from in the N.json."""
    db = schema.database
    position = {id(e): i for i, e in enumerate(db.entities)}
    out: list[tuple[str, str]] = []
    for entity in sorted_entities(schema):
        at = f"$.database.entities[{position[id(entity)]}]"
        out.append((f"{at}.createSql", entity.create_table_sql()))
        if isinstance(entity, FtsEntity):
            out += [(f"{at}.contentSyncTriggers[{k}]", sql) for k, sql in enumerate(entity.content_sync_triggers)]
        else:
            out += [(f"{at}.indices[{k}].createSql", i.create_sql_for(entity.table_name))
                    for k, i in enumerate(entity.indices)]
    out += [(f"$.database.views[{k}].createSql", v.create_view_sql()) for k, v in enumerate(db.views)]
    out += [(f"$.database.setupQueries[{k}]", sql) for k, sql in enumerate(db.setup_queries)]
    return out


class StatementError(RoomSchemaError, sqlite3.OperationalError):
    """A statement of a schema file SQLite refuses: bad input (exit 2) to the command line, and
    still the ``sqlite3.OperationalError`` a caller of ``build_database`` has always caught."""


def statement_error(schema: Schema) -> Optional[StatementError]:
    """The first statement of the schema SQLite refuses, built as Room builds it in an empty
    in-memory database: its file, JSON path and SQLite's message; None when all of them run.

    JSON Schema and Room's rules cannot tell that a ``createSql`` parses; without this a file
    ``validate`` calls valid makes ``verify`` fail with SQLite's exception.
    """
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for at, sql in located_create_statements(schema):
            try:
                conn.execute(sql)
            except (sqlite3.Error, ValueError) as err:  # ValueError: a NUL character, say
                return StatementError(f"SQLite cannot run it: {err}", file=schema.path or schema.name, path=at)
    finally:
        conn.close()
    return None


# How each driver's SQLite is compiled, where it changes what a migration costs.
# Android's framework SQLite (AOSP external/sqlite) builds with
# SQLITE_SECURE_DELETE (freed pages are zeroed: a DROP TABLE writes the whole
# table again), SQLITE_DEFAULT_AUTOVACUUM=1 (every commit moves pages to fill
# the freed ones and shrinks the file) and a 1 MiB journal size limit; androidx's
# bundled driver keeps SQLite's defaults. Stating them here keeps the measured
# time and lock independent of how the host's SQLite was compiled (Debian's
# zeroes freed pages, SQLite's default build does not). The framework's
# SQLITE_TEMP_STORE=3 is left out on purpose: it changes where a sort lives,
# not what it costs, and in memory a million-row CREATE INDEX doubles verify's
# peak memory.
FRAMEWORK = {"secure_delete": "ON", "journal_size_limit": "1048576"}
BUNDLED = {"secure_delete": "OFF", "journal_size_limit": "-1"}


def auto_vacuum(legacy_alter_table: bool) -> int:
    """The auto_vacuum a database created by that mode's driver has (0 NONE, 1 FULL)."""
    return 1 if legacy_alter_table else 0


def connect(path: Union[str, Path], *, legacy_alter_table: bool = True) -> sqlite3.Connection:
    """A connection configured as Room's driver path configures one (docs/room-format.md#opening-a-database).

    ``legacy_alter_table`` is ON in Android's framework SQLite and OFF in stock
    SQLite; both are worth running (docs/sqlite-android.md#views-and-legacy_alter_table). The mode brings the
    rest of that driver's build along (FRAMEWORK or BUNDLED); a new file also
    gets its auto_vacuum, which only a file without tables can take.
    """
    conn = sqlite3.connect(str(path), isolation_level=None)
    settings = FRAMEWORK if legacy_alter_table else BUNDLED
    for name, value in settings.items():
        conn.execute(f"PRAGMA {name} = {value}")
    # Before journal_mode: switching to WAL writes the file header, which fixes auto_vacuum.
    conn.execute(f"PRAGMA auto_vacuum = {auto_vacuum(legacy_alter_table)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 3000")
    conn.execute(f"PRAGMA legacy_alter_table = {'ON' if legacy_alter_table else 'OFF'}")
    return conn


def build_database(schema: Schema, path: Union[str, Path], *, legacy_alter_table: bool = True) -> sqlite3.Connection:
    """Create ``path`` at ``schema``'s version; the caller owns the connection."""
    path = Path(path)
    if path.exists():
        # MigrationTestHelper refuses an existing file rather than reuse it.
        raise FileExistsError(f"{path} already exists: a database is built only on a new file")
    conn = connect(path, legacy_alter_table=legacy_alter_table)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        for sql in create_statements(schema):
            conn.execute(sql)
        conn.execute(f"PRAGMA user_version = {int(schema.version)}")
        conn.execute("COMMIT")
    except BaseException as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        # A statement SQLite refuses is the file's fault: one line, exit 2, and no database left.
        # Asked only once the build failed: building every schema twice cost a check of a long
        # history a tenth of its verification.
        refused = statement_error(schema) if isinstance(err, (sqlite3.Error, ValueError)) else None
        if refused is not None:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            raise refused from None
        raise
    return conn
