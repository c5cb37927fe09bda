"""JSON backup + schema -> a new database file at the backup's version.

The tables come from the schema, in Room's create order (docs/room-format.md#create-order),
so the result is what Room itself would have created; then every row goes
back in, content-synced FTS indexes are rebuilt from their content tables,
and the database is checked by Room's rules before it is moved into place.
The work happens in a temp file beside the target: the target is only ever
the old file or the finished new one.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Optional

from roomschema.errors import RoomSchemaError
from roomschema.schema.model import Schema
from roomschema.schema.sql import quote
from roomschema.recovery.cells import CellError, RawText, decode
from roomschema.recovery.dbinfo import Table, fts_content, read_table, table_list, virtual_module
from roomschema.recovery.reader import Backup, BackupError, TableData
from roomschema.files import sibling_temp
from roomschema.recovery.sqlite_io import RecoveryFailed, remove_stale_journals

_BATCH = 1000
_PLAIN = (str, int, float, type(None))


def check_target(target: Path, force: bool) -> None:
    if target.is_dir():
        raise RoomSchemaError("is a directory", file=target, path="DB2")
    if target.exists() and not force:
        raise RoomSchemaError("exists; pass --force to replace it", file=target, path="DB2")
    if target.parent.exists() and not target.parent.is_dir():
        raise RoomSchemaError("is a file, not a folder", file=target.parent, path="DB2")
    if not target.parent.is_dir():
        raise RoomSchemaError("no such directory", file=target.parent, path="DB2")


def check_schema(header: dict, schema: Schema, backup_path: Path) -> None:
    found, expected = header.get("identityHash"), schema.database.identity_hash
    if found is None:
        raise BackupError("the backup has no identity hash (its database had no room_master_table), so no "
                          "schema version can be trusted to match it", file=backup_path)
    if found != expected:
        raise BackupError(f"identity hash {found} does not match version {schema.version}'s {expected} "
                          f"({schema.name}): the backup is of another schema", file=backup_path)


def _live_table(conn, name: str) -> Optional[Table]:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    if row is None:
        return None
    return read_table(conn, table_list(conn), name, row[0], virtual_module(row[0]))


def _insert_sql(table: Table, names: list, raw: tuple = ()) -> str:
    marks = ", ".join("CAST(? AS TEXT)" if i in raw else "?" for i in range(len(names)))
    return f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({marks})"


def _load(conn, data: TableData, table: Table, progress) -> int:
    head = data.head
    if set(head["columns"]) != set(table.columns):
        raise BackupError(f"table {table.name}: the backup has columns {head['columns']}, the schema has "
                          f"{table.columns}", file=data._file)
    names = list(head["columns"])
    if head.get("rowid"):
        if table.without_rowid:
            raise BackupError(f"table {table.name}: the backup has rowids, the table has none", file=data._file)
        names = [table.rowid or "rowid"] + names
    plain, count = _insert_sql(table, names), 0
    batch: list[list] = []

    def flush():
        conn.executemany(plain, batch)
        if progress:
            progress(len(batch))
        batch.clear()

    for cells in data.rows():
        if len(cells) != len(names):
            raise BackupError(f"table {table.name}: row {count + 1} has {len(cells)} cells, expected "
                              f"{len(names)}", file=data._file)
        # Most rows are plain JSON scalars, which bind as they are; only tagged cells need decoding.
        raw: tuple[int, ...] = ()   # positions of RawText cells, bound as CAST(? AS TEXT)
        if any(type(c) not in _PLAIN for c in cells):
            try:
                cells = [decode(c) for c in cells]
            except CellError as err:
                raise BackupError(f"table {table.name}: row {count + 1}: {err}", file=data._file) from None
            raw = tuple(i for i, v in enumerate(cells) if type(v) is RawText)
        values = cells
        if raw:
            flush()
            conn.execute(_insert_sql(table, names, raw), [bytes(v) if type(v) is RawText else v for v in values])
        else:
            batch.append(values)
        count += 1
        if len(batch) >= _BATCH:
            flush()
    flush()
    return count


def _create_extra(conn, head: dict, warnings: list) -> None:
    """A table the schema does not have (android_metadata, a leftover): keep its rows."""
    conn.execute(head["sql"])
    for sql in head.get("indexes") or ():
        conn.execute(sql)
    if head["name"] != "android_metadata":
        warnings.append(f"table {head['name']} is not in the schema; recreated from the backup")


def _restore_rows(conn, backup: Backup, schema: Schema, progress, warnings: list) -> list:
    loaded = []
    for data in backup.tables():
        table = _live_table(conn, data.name)
        if table is None:
            _create_extra(conn, data.head, warnings)
            table = _live_table(conn, data.name)
            if table is None:
                raise BackupError(f"table {data.name}: the backup's sql does not create it", file=data._file)
        loaded.append({"name": data.name, "rows": _load(conn, data, table, progress)})
    names = {t["name"] for t in loaded}
    for e in schema.database.entities:
        if e.table_name not in names and not (e.is_fts and e.content_table):
            warnings.append(f"table {e.table_name} is not in the backup; left empty")
    return loaded


def _finish(conn, header: dict, schema: Schema, warnings: list) -> list:
    rebuilt = []
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall():
        if (virtual_module(sql) or "").startswith("fts") and fts_content(sql):
            conn.execute(f"INSERT INTO {quote(name)}({quote(name)}) VALUES('rebuild')")
            rebuilt.append(name)
    for e in schema.database.entities:
        for sql in getattr(e, "content_sync_triggers", ()):
            conn.execute(sql)
    existing = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
    for obj in list(header.get("views") or ()) + list(header.get("triggers") or ()):
        if obj.get("name") not in existing:
            try:
                conn.execute(obj["sql"])
                warnings.append(f"{obj['name']} is not in the schema; recreated from the backup")
            except sqlite3.Error as err:
                warnings.append(f"{obj['name']} from the backup could not be recreated: {err}")
    sequences = header.get("sqliteSequence") or {}
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        conn.execute("DELETE FROM sqlite_sequence")
        conn.executemany("INSERT INTO sqlite_sequence(name, seq) VALUES (?, ?)", sequences.items())
    conn.execute(f"PRAGMA user_version = {int(schema.version)}")
    return rebuilt


def _validate(conn, schema: Schema) -> None:
    from roomschema.verify.tableinfo import validate
    name = schema.path.parent.name if getattr(schema, "path", None) else "database"
    mismatches = validate(conn, schema, database_name=name, validate_dropped_tables=False)
    if mismatches:
        lines = "; ".join(line for m in mismatches for line in (m.summary or (m.room_message,)))
        raise RecoveryFailed(f"the restored database does not pass Room's validation: {lines}")


def restore(backup_path: Path, target: Path, schema: Schema, *, force: bool = False, progress=None) -> dict:
    """Recreate ``target`` from ``backup_path`` at ``schema``'s version; a summary."""
    target = Path(target)
    check_target(target, force)
    with Backup(backup_path) as backup:
        check_schema(backup.header, schema, Path(backup_path))
        warnings: list = []
        # private: the new file holds every row of the users' data
        with sibling_temp(target, ".restore", private=True) as tmp:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                loaded, rebuilt = _fill(conn, backup, schema, progress, warnings)
                conn.close()
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                remove_stale_journals(target)
            except sqlite3.Error as err:
                conn.close()
                raise RecoveryFailed(f"restoring into a new database failed: {err}", file=backup_path) from None
            except BaseException:
                conn.close()
                raise
    return {"file": str(target), "userVersion": schema.version, "identityHash": schema.database.identity_hash,
            "tables": loaded, "rebuilt": rebuilt, "rows": sum(t["rows"] for t in loaded), "warnings": warnings}


def _fill(conn: sqlite3.Connection, backup: Backup, schema: Schema, progress, warnings: list) -> tuple:
    """Create ``schema`` in the new file and load every row of ``backup``: (tables loaded, rebuilt)."""
    from roomschema.verify.build import create_statements

    # A temp file nobody else sees: no journal, no syncs until the end.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN EXCLUSIVE")
    triggers = {sql for e in schema.database.entities for sql in getattr(e, "content_sync_triggers", ())}
    for sql in create_statements(schema):
        if sql not in triggers:  # recreated after the rows, so they index nothing twice
            conn.execute(sql)
    counts = backup.header.get("rowCounts") or {}
    update = progress(sum(v for v in counts.values() if isinstance(v, int))) if progress else None
    loaded = _restore_rows(conn, backup, schema, update, warnings)
    rebuilt = _finish(conn, backup.header, schema, warnings)
    _validate(conn, schema)
    conn.execute("COMMIT")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        warnings.append(f"{len(broken)} rows break a foreign key (as they did in the backup)")
    return loaded, rebuilt


