"""Opening real database files: checks, read-only snapshots, busy retries.

Exit codes follow the CLI: a file that is not (or no longer) a database, or
belongs to another database, is bad input (2); a database that stays busy,
a failing statement or a failed check is a runtime failure (1).
"""
from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path
from typing import Callable, Optional, Sequence, TypeVar

from roomschema.errors import RoomSchemaError
from roomschema.recovery.cells import text_factory

HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("", "-wal", "-journal")
BACKOFF = (0.2, 0.4, 0.8)
_T = TypeVar("_T")


class RecoveryFailed(RoomSchemaError):
    """The database could not be processed; it was left as it was."""

    exit_code = 1


class DatabaseBusy(RecoveryFailed):
    pass


def check_database_file(path: Path, option: str = "DB") -> Path:
    """A readable SQLite 3 file, or one line saying what it is instead."""
    path = Path(path)
    if not path.exists():
        raise RoomSchemaError("no such database file", file=path, path=option)
    if not path.is_file():
        raise RoomSchemaError("is not a file", file=path, path=option)
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(HEADER))
    except OSError as err:
        raise RoomSchemaError(err.strerror or str(err), file=path) from None
    if not head:
        raise RoomSchemaError("empty file, not a database", file=path)
    if head != HEADER:
        raise RoomSchemaError("not an SQLite database (no 'SQLite format 3' header)", file=path)
    return path


def is_busy(err: BaseException) -> bool:
    text = str(err).lower()
    return isinstance(err, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def as_error(err: sqlite3.Error, path: Path, doing: str) -> RoomSchemaError:
    """A one-line error for an SQLite failure; a damaged file is bad input."""
    text = str(err)
    if type(err) is sqlite3.DatabaseError or "malformed" in text or "not a database" in text:
        return RoomSchemaError(f"corrupted or not a database ({text}); nothing was changed", file=path)
    if is_busy(err):
        return DatabaseBusy(f"database is locked by another connection ({text})", file=path)
    return RecoveryFailed(f"{doing}: {text}", file=path)


def _configure(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.text_factory = text_factory
    return conn


def has_live_wal(path: Path) -> bool:
    """A WAL-mode database (header byte 18 is 2) whose -wal file exists."""
    with open(path, "rb") as fh:
        head = fh.read(20)
    return len(head) == 20 and head[18] == 2 and Path(str(path) + "-wal").exists()


def open_for_reading(path: Path, busy_ms: int = 0) -> sqlite3.Connection:
    """A connection that leaves every file as it found it.

    A read-only connection never checkpoints (so an existing -wal and the db
    file stay as they are), but on a WAL database without a -wal it creates an
    empty -wal and -shm it cannot remove; a read-write connection that only
    reads removes them again when it closes. So: read-only when a -wal exists.
    """
    return open_readonly(path, busy_ms) if has_live_wal(path) else open_readwrite(path, busy_ms)


def open_readonly(path: Path, busy_ms: int = 0) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_ms / 1000)
    return _configure(conn)


def open_readwrite(path: Path, busy_ms: int = 0) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri() + "?mode=rw"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_ms / 1000)
    return _configure(conn)


def with_retries(action: Callable[[], _T], *, path: Path, retries: int = 3, backoff: Sequence[float] = BACKOFF,
                 on_retry: Optional[Callable[[int, float], object]] = None,
                 sleep: Callable[[float], object] = time.sleep) -> _T:
    """Run ``action()``; while SQLite says busy/locked, wait and try again."""
    delays = list(backoff)[:retries] + [backoff[-1] * 2 ** (i + 1) for i in range(retries - len(backoff))]
    attempt = 0
    while True:
        try:
            return action()
        except sqlite3.OperationalError as err:
            if not is_busy(err):
                raise
            if attempt >= retries:
                raise DatabaseBusy(f"database is locked by another connection; gave up after {retries} "
                                   f"retr{'y' if retries == 1 else 'ies'} ({str(err)})", file=path) from None
            if on_retry:
                on_retry(attempt + 1, delays[attempt])
            sleep(delays[attempt])
            attempt += 1


def fingerprint(path: Path) -> dict[str, Optional[str]]:
    """sha256 of the database and its -wal and -journal files (None when absent)."""
    out: dict[str, Optional[str]] = {}
    for suffix in SIDE_FILES:
        p = Path(str(path) + suffix)
        if p.exists():
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out[suffix or "db"] = h.hexdigest()
        else:
            out[suffix or "db"] = None
    return out


def remove_stale_journals(target: Path) -> None:
    """Before a finished database file moves over ``target``: never pair it with a stale WAL."""
    for suffix in ("-wal", "-shm", "-journal"):
        stale = Path(str(target) + suffix)
        if stale.exists():
            stale.unlink()
