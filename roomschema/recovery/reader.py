"""JSON backup -> header, then each table's rows, checked as they stream by.

The file ``backup.py`` writes is read line by line, so a million-row table
never sits in memory. A backup reformatted by some other tool is still valid
JSON with the same content: it is read whole (slower, more memory) and
checked the same way.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from roomschema.errors import RoomSchemaError
from roomschema.recovery.backup import FORMAT, FORMAT_VERSION
from roomschema.recovery.cells import _dumps as canonical

_HEAD_END = ', "tables": ['
_ROWS_END = ', "rows": ['


class BackupError(RoomSchemaError):
    """A backup file that is not one, or that was changed or cut short."""


@dataclass
class TableData:
    head: dict
    _rows: Iterator[tuple[Optional[str], Any]]   # (canonical text or None, cells)
    _file: Path

    @property
    def name(self) -> str:
        return self.head["name"]

    def rows(self) -> Iterator[list]:
        """Each row's cells; the count and checksum are checked after the last one."""
        digest, count = hashlib.sha256(), 0
        for text, cells in self._rows:
            if not isinstance(cells, list):
                raise BackupError(f"table {self.name}: row {count + 1} is not a list", file=self._file)
            digest.update((text if text is not None else canonical(cells)).encode("utf-8"))
            digest.update(b"\n")
            count += 1
            yield cells
        tail = self.head.get("_tail") or {}
        if tail.get("rowCount") != count:
            raise BackupError(f"table {self.name}: {count} rows, the backup says {tail.get('rowCount')} "
                              f"(cut short or edited)", file=self._file)
        if tail.get("sha256") != digest.hexdigest():
            raise BackupError(f"table {self.name}: checksum mismatch (the rows were changed)", file=self._file)


def _check_header(head: Any, path: Path) -> dict:
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BackupError("not a roomschema backup (no \"format\": \"roomschema-backup\")", file=path)
    if head.get("formatVersion") != FORMAT_VERSION:
        raise BackupError(f"unknown backup formatVersion {head.get('formatVersion')!r}", file=path)
    if not isinstance(head.get("userVersion"), int) or isinstance(head.get("userVersion"), bool):
        raise BackupError("userVersion: expected an integer", file=path)
    return head


class Backup:
    """Open with ``with Backup(path) as b``; ``b.header``; ``for t in b.tables()``."""

    def __init__(self, path: Union[str, Path]):
        self.path = Path(path)
        try:
            self._fh = open(self.path, "r", encoding="utf-8", newline="\n")
            first = self._fh.readline()
        except (OSError, UnicodeDecodeError) as err:
            raise BackupError(getattr(err, "strerror", None) or str(err), file=self.path) from None
        self._whole = None
        line = first.rstrip("\n")
        if line.startswith('{"format": ') and line.endswith(_HEAD_END):
            self.header = _check_header(self._loads(line[:-len(_HEAD_END)] + "}", 1), self.path)
        else:
            self._fh.seek(0)
            self._whole = self._loads(self._fh.read(), None)
            self.header = _check_header(self._whole, self.path)
            if not isinstance(self._whole.get("tables"), list):
                raise BackupError("tables: expected a list", file=self.path)
        self._line = 1

    def __enter__(self) -> Backup:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def _loads(self, text: str, line: Optional[int]) -> Any:
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError) as err:
            where = f"line {line}: " if line else ""
            raise BackupError(f"{where}invalid JSON ({getattr(err, 'msg', err)})", file=self.path) from None

    def _next(self) -> str:
        line = self._fh.readline()
        self._line += 1
        if not line:
            raise BackupError(f"line {self._line}: the file ends early (cut short?)", file=self.path)
        return line.rstrip("\n")

    def tables(self) -> Iterator[TableData]:
        if self._whole is not None:
            for t in self._whole["tables"]:
                if not isinstance(t, dict) or not isinstance(t.get("rows"), list):
                    raise BackupError("tables: each needs a rows list", file=self.path)
                head = {k: v for k, v in t.items() if k != "rows"}
                head["_tail"] = {"rowCount": t.get("rowCount"), "sha256": t.get("sha256")}
                yield self._table(head, ((None, r) for r in t["rows"]))
            return
        while True:
            line = self._next()
            if line == "]}":
                return
            if not line.endswith(_ROWS_END):
                raise BackupError(f"line {self._line}: expected a table or the end of the file", file=self.path)
            head = self._loads(line[:-len(_ROWS_END)] + "}", self._line)
            table = self._table(head, self._stream_rows(head))
            yield table
            if "_tail" not in head:  # the caller skipped the rows: read past them
                for _ in table.rows():
                    pass

    def _table(self, head: dict, rows: Iterator[tuple[Optional[str], Any]]) -> TableData:
        if not isinstance(head.get("name"), str) or not isinstance(head.get("columns"), list):
            raise BackupError("a table needs a name and a columns list", file=self.path)
        return TableData(head, rows, self.path)

    def _stream_rows(self, head: dict) -> Iterator[tuple[str, Any]]:
        while True:
            line = self._next()
            if line.startswith("]"):
                tail = line[1:].rstrip(",").strip()
                head["_tail"] = self._loads("{" + tail.lstrip(",").strip(), self._line)
                return
            text = line[:-1] if line.endswith(",") else line
            yield text, self._loads(text, self._line)
