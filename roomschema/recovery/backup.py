"""Database file -> JSON backup, streamed, written atomically.

The file is one JSON document laid out one row per line, so a reader can
stream it (``reader.py``) and a person can still open it::

    {"format": "roomschema-backup", ..., "tables": [
    {"name": "messages", ..., "rows": [
    ["m1","c1","user","hello",1700000000000,null,0.93,null],
    ...
    ], "rowCount": 2, "sha256": "..."},
    ...
    ]}

Everything is read inside one read transaction, so the backup is one
consistent snapshot even while the app writes.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, BinaryIO, ContextManager, Optional, Union

from roomschema._version import __version__
from roomschema.schema.sql import quote
from roomschema.recovery.cells import row_text
from roomschema.recovery.dbinfo import Inventory, inventory
from roomschema.recovery.sqlite_io import as_error
from roomschema.files import atomic_output, writing

FORMAT = "roomschema-backup"
FORMAT_VERSION = 1
CELLS = ("null=NULL; integer=INTEGER (beyond 2^53 as {\"int\": \"...\"}); number with a fraction=REAL "
         "(whole or infinite REALs as {\"real\": \"...\"}); string=TEXT; {\"b64\": ...}=BLOB; "
         "{\"text_b64\": ...}=TEXT that is not UTF-8. sha256 = rows' compact JSON, one per line, in "
         "rowid/primary key order")
_BATCH = 2000


def default_backup_path(db: Path, version: int) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return db.with_name(f"{db.name}.backup-{version}-{stamp}.json")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def header(inv: Inventory, source: str, schema: Optional[str], counts: dict) -> dict:
    return {"format": FORMAT, "formatVersion": FORMAT_VERSION, "createdBy": f"roomschema {__version__}",
            "createdAt": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "source": source, "schema": schema, "userVersion": inv.user_version,
            "identityHash": inv.identity_hash, "cells": CELLS, "views": inv.views, "triggers": inv.triggers,
            "sqliteSequence": inv.sequences, "skipped": inv.skipped, "rowCounts": counts}


def count_rows(conn: sqlite3.Connection, inv: Inventory) -> dict:
    return {t.name: conn.execute(f"SELECT count(*) FROM {quote(t.name)}").fetchone()[0] for t in inv.tables}


def _write_table(fh, conn, table, last: bool, progress) -> dict:
    fh.write((_dumps(table.header())[:-1] + ', "rows": [').encode("utf-8"))
    digest, count, sep = hashlib.sha256(), 0, b"\n"
    cur = conn.execute(table.select_sql())
    while True:
        rows = cur.fetchmany(_BATCH)
        if not rows:
            break
        for row in rows:
            data = row_text(row).encode("utf-8")
            digest.update(data)
            digest.update(b"\n")
            fh.write(sep)
            fh.write(data)
            sep = b",\n"
        count += len(rows)
        if progress:
            progress(len(rows))
    tail = {"rowCount": count, "sha256": digest.hexdigest()}
    fh.write(("\n], " + _dumps(tail)[1:] + ("\n" if last else ",\n")).encode("utf-8"))
    return {"name": table.name, "kind": table.kind, "rows": count, "sha256": tail["sha256"]}


def write_backup(conn: sqlite3.Connection, out: Union[Path, BinaryIO], *, source: str,
                 schema: Optional[str] = None, progress=None, inv: Optional[Inventory] = None) -> dict:
    """Write every table of ``conn`` to ``out`` (temp file + rename), or to an open binary
    stream (standard output, for ``-o -``); a summary.

    The caller holds a transaction (or none: then one is opened here), so the
    inventory and every row come from the same snapshot. ``progress(total)``
    returns a function that is called with each batch's row count.
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    stream = not isinstance(out, (str, Path))
    try:
        inv = inv or inventory(conn)
        counts = count_rows(conn, inv)
        update = progress(sum(counts.values())) if progress else None
        tables = []
        # private: a backup holds every row of the users' data, whatever the umask says
        target: ContextManager[IO] = contextlib.nullcontext(out) if not isinstance(out, (str, Path)) else \
            atomic_output(Path(out), binary=True, private=True, fsync=True)
        # A write that fails half-way (a full disk) is one line naming the backup; the file is not left.
        # (Standard output's own errors, a closed pipe among them, are the command line's to report.)
        guard = writing(out) if isinstance(out, (str, Path)) else contextlib.nullcontext()
        with guard, target as fh:
            fh.write((_dumps(header(inv, source, schema, counts))[:-1] + ', "tables": [\n').encode("utf-8"))
            for i, table in enumerate(inv.tables):
                tables.append(_write_table(fh, conn, table, i == len(inv.tables) - 1, update))
            fh.write(b"]}\n")
    except sqlite3.Error as err:
        raise as_error(err, Path(source), "reading the database") from None
    finally:
        if own and conn.in_transaction:
            conn.execute("COMMIT")
    return {"file": "-" if stream else str(out), "userVersion": inv.user_version, "identityHash": inv.identity_hash,
            "tables": tables, "skipped": inv.skipped, "rows": sum(t["rows"] for t in tables)}


