"""backup, restore, migrate: working on real database files.

Exit status: 0 done (or nothing to do); 1 a runtime failure (the database
stayed busy, a statement or Room's validation failed; the file was left
unchanged); 2 bad input (not a database, a corrupted file, a file of another
database, a missing schema or path, an output that exists or cannot be written); 3 a
generated migration needs a decision first, or a migration would drop a column added by
hand. Errors are one line on stderr.
"""
from __future__ import annotations

import contextlib
import sqlite3
import sys
from pathlib import Path
from typing import Callable, Optional

import click

from roomschema.cli.common import EXIT_OK, emit_json, format_option, project, schemas_option, style
from roomschema.cli.options import declaration_options, min_sdk_for
from roomschema.errors import RoomSchemaError
from roomschema.recovery.backup import default_backup_path, write_backup
from roomschema.recovery.migrate import Options
from roomschema.recovery.migrate import migrate as migrate_database
from roomschema.recovery.reader import Backup
from roomschema.recovery.restore import check_target
from roomschema.recovery.restore import restore as restore_database
from roomschema.recovery.sqlite_io import as_error, check_database_file, open_for_reading, with_retries
from roomschema.render.code import default_output_dir
from roomschema.schema.discovery import load_history, resolve_version
from roomschema.schema.loader import load


class _Bar:
    """A click progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, label: str):
        self.label = label
        self._shown = contextlib.ExitStack()

    def start(self, total: int) -> Optional[Callable[[int], None]]:
        if not sys.stderr.isatty() or total < 10_000:
            return None
        bar = self._shown.enter_context(click.progressbar(length=total, label=self.label, file=sys.stderr))
        return bar.update

    def close(self) -> None:
        self._shown.close()


def _err(text: str) -> None:
    click.echo(text, err=True)


def _check_output(path: Path, force: bool, option: str) -> None:
    if path.is_dir():
        raise RoomSchemaError("is a directory", file=path, path=option)
    if path.exists() and not force:
        raise RoomSchemaError("exists; pass --force to overwrite", file=path, path=option)
    if path.parent.exists() and not path.parent.is_dir():
        raise RoomSchemaError("is a file, not a folder", file=path.parent, path=option)
    if not path.parent.is_dir():
        raise RoomSchemaError("no such directory", file=path.parent, path=option)


@click.command()
@click.argument("db_file", metavar="DB")
@click.option("-o", "--output", metavar="FILE.json",
              help="Where to write (default: beside DB, <db>.backup-<version>-<timestamp>.json).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--busy-timeout", "busy_ms", type=click.IntRange(0, 600_000), default=200, show_default=True,
              metavar="MS", help="How long SQLite waits on a lock before each retry.")
@format_option("text", "json")
def backup(db_file, output, force, busy_ms, fmt):
    """Export every table and row of the database file DB as JSON.

    One consistent snapshot, streamed, written to a temp file and renamed.
    Cells keep their SQLite storage class (see the file's "cells" key); each
    table has its row count and a sha256. SQLite's own tables, FTS shadow
    tables and content-synced FTS tables are skipped and listed with why.
    """

    db = check_database_file(Path(db_file))
    to_stdout = output == "-"  # as everywhere: '-' is standard output
    if to_stdout and fmt == "json":
        raise RoomSchemaError("--format json prints its summary on standard output; give -o a file instead "
                              "of '-'", path="--output -")
    out = Path(output) if output and not to_stdout else None
    if out is not None:
        _check_output(out, force, "--output")
    bar = _Bar("backup")
    conn = None
    try:
        def begin():
            c = open_for_reading(db, busy_ms)
            try:
                c.execute("BEGIN")
                return c, c.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.Error:
                c.close()
                raise
        conn, version = with_retries(begin, path=db, on_retry=_retrying)
        if out is None and not to_stdout:
            out = default_backup_path(db, version)
        summary = write_backup(conn, sys.stdout.buffer if to_stdout else out, source=str(db),
                               progress=bar.start)
    except sqlite3.Error as err:
        raise as_error(err, db, "reading") from None
    finally:
        bar.close()
        if conn is not None:
            conn.close()
    if fmt == "json":
        emit_json(summary)
    else:
        # With the backup on standard output, the summary goes beside it, to stderr.
        click.echo(f"wrote {out or 'standard output'}: version {summary['userVersion']}, {summary['rows']} rows "
                   f"in {len(summary['tables'])} tables", err=to_stdout)
        for s in summary["skipped"]:
            click.echo(style(f"  skipped {s['name']}: {s['reason']}", dim=True), err=to_stdout)
    return EXIT_OK


def _retrying(attempt: int, delay: float) -> None:
    _err(f"roomschema: database is busy; retry {attempt} in {delay:g} s")


def _schema_for(header: dict, schemas, db):
    try:
        proj = project(schemas, db)
    except RoomSchemaError:
        if db or not header.get("schema"):
            raise
        proj = project(schemas, header["schema"])
    return load(resolve_version(str(header["userVersion"]), proj.folder))


@click.command()
@click.argument("backup_file", metavar="FILE.json")
@click.argument("target", metavar="DB2")
@schemas_option
@click.option("--force", is_flag=True, help="Replace an existing DB2 (and its -wal/-journal files).")
@format_option("text", "json")
def restore(backup_file, target, schemas, db, force, fmt):
    """Recreate a database file DB2 from the backup FILE.json.

    The tables come from the schema of the backup's version (found as usual,
    or with --schemas/--db) in Room's create order; every row is loaded,
    content-synced FTS tables are rebuilt, user_version and room_master_table
    are set, and the result is checked by Room's rules before it is moved
    into place. An existing DB2 is left alone unless --force.
    """

    target_path = Path(target)
    check_target(target_path, force)
    with Backup(backup_file) as b:
        header = b.header
    schema = _schema_for(header, schemas, db)
    bar = _Bar("restore")
    try:
        summary = restore_database(Path(backup_file), target_path, schema, force=force, progress=bar.start)
    finally:
        bar.close()
    if fmt == "json":
        emit_json(summary)
    else:
        click.echo(f"wrote {target_path}: version {summary['userVersion']}, {summary['rows']} rows in "
                   f"{len(summary['tables'])} tables" +
                   (f"; rebuilt {', '.join(summary['rebuilt'])}" if summary["rebuilt"] else ""))
        for w in summary["warnings"]:
            _err(f"roomschema: warning: {w}")
    return EXIT_OK


def _consent(db: Path, to: int, yes: bool) -> None:
    if yes:
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise RoomSchemaError("--destructive deletes every table and row; pass --yes to confirm "
                              "(no terminal to ask on)", path="--destructive")
    if not click.confirm(f"Delete every table of {db} and recreate it empty at version {to}? "
                         f"(a backup is written first)", default=False, err=True):
        raise RoomSchemaError("not confirmed; nothing was changed", path="--destructive")


@click.command()
@click.argument("db_file", metavar="DB")
@click.option("--to", "to", type=int, metavar="N", help="Target version (default: the newest schema).")
@schemas_option
@click.option("--backup", "backup_file", metavar="FILE.json",
              help="Where the backup goes (default: beside DB, <db>.backup-<version>-<timestamp>.json).")
@click.option("--migrations", "migrations_dir", metavar="DIR",
              help="Folder of migration_<from>_<to>.sql files (default: where generate writes them).")
@click.option("--dry-run", is_flag=True, help="Print the path and statements; change nothing.")
@click.option("--destructive", is_flag=True,
              help="Development mode: wipe the database and recreate it empty at N (backup first; "
                   "needs --yes or a confirmation).")
@click.option("--yes", is_flag=True, help="Consent to --destructive without asking, and to dropping columns the "
                                         "database has but its schema does not (added by hand).")
@click.option("--busy-timeout", "busy_ms", type=click.IntRange(0, 600_000), default=200, show_default=True,
              metavar="MS", help="How long SQLite waits on a lock per attempt.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True, metavar="N",
              help="Retries on a busy database, waiting 0.2 s, 0.4 s, 0.8 s, ... between them.")
@declaration_options
@format_option("text", "json")
def migrate(db_file, to, schemas, db, backup_file, migrations_dir, dry_run, destructive, yes, busy_ms, retries,
            fmt, flags):
    """Migrate the database file DB to version N, all or nothing.

    Checks that DB's user_version and identity hash match that version's
    schema; takes the path Room would take (migration SQL files first, else
    the generated plan for each consecutive pair); writes a backup; runs the
    whole path in one exclusive transaction with foreign keys off; checks the
    result by Room's rules; commits. On any failure it rolls back and DB is
    left byte-identical (with its -wal and -journal files).

    Exit status: 0 migrated or already there; 1 runtime failure (still busy
    after the retries, a statement, a foreign key check or Room's validation
    failed: rolled back, the backup stays); 2 bad input (not a database,
    corrupted, another database's file, no schema or path; nothing written);
    3 a generated migration needs a decision (declare it in the config, or
    give the declaration flags, as to generate, when the path has one
    generated migration), or it would drop a column the database has but
    its schema does not (added by hand; --yes drops it, the backup keeps it).
    """

    db_path = check_database_file(Path(db_file))
    proj = project(schemas, db)
    history = load_history(proj.folder)
    to = to if to is not None else max(history)
    if backup_file:
        _check_output(Path(backup_file), False, "--backup")
    if destructive and not dry_run:
        _consent(db_path, to, yes)
    folder = Path(migrations_dir) if migrations_dir else default_output_dir(proj.folder, proj.config)
    if migrations_dir and not folder.is_dir():
        raise RoomSchemaError("no such directory", file=folder, path="--migrations")
    bar = _Bar("backup")
    opts = Options(to=to, backup=Path(backup_file) if backup_file else None, dry_run=dry_run,
                   destructive=destructive, busy_ms=busy_ms, retries=retries,
                   min_sdk=min_sdk_for(proj, flags), declarations=flags.declarations(), drop_unknown=yes,
                   migrations_dir=folder, config=proj.config, progress=bar.start, on_retry=_retrying)
    try:
        result = migrate_database(db_path, history, opts, database_name=proj.database or "database",
                     echo=_err if fmt != "json" else (lambda s: None))
    finally:
        bar.close()
    if fmt == "json":
        emit_json(result.to_json())
        return EXIT_OK
    _report(db_path, result)
    return EXIT_OK


def _report(db: Path, r) -> None:
    if r.start == r.to and not r.destructive:
        click.echo(f"{db} is already at version {r.to}; nothing to do")
        return
    route = " -> ".join([str(r.start)] + [str(b) for _, b, _ in r.path]) if r.path else f"{r.start} -> {r.to}"
    how = "destructive: wipe and recreate" if r.destructive else \
        ", ".join(f"{a}->{b}: {s}" for a, b, s in r.path)
    if r.dry_run:
        click.echo(f"-- {db}: version {r.start}, path {route} ({how})")
        for sql in r.statements:
            click.echo(sql if sql.startswith("--") else sql + ";")
        click.echo("-- dry run: nothing was changed")
        return
    click.echo(style(f"migrated {db}: {route} ({how}), {len(r.statements)} statements in {r.seconds:.2f} s",
                     fg="green"))
    before = {t["name"]: t["rows"] for t in r.backup["tables"]}
    for table, n in r.rows_after.items():
        was = before.get(table)
        click.echo(f"  {table}: {n} rows" + (f" (was {was})" if was is not None and was != n else ""))
    for table in before:
        if table not in r.rows_after and table != "android_metadata":
            click.echo(style(f"  {table}: dropped; its {before[table]} rows are in the backup", fg="yellow"))
