"""Settings from ``[tool.roomschema]`` in pyproject.toml or a roomschema.toml.

The file nearest the current directory wins; paths in it are relative to it.
Per version pair, ``[tool.roomschema.migrations."1-2"]`` carries the same
declarations as the command-line flags.
"""
from __future__ import annotations

from pathlib import Path

from roomschema.migration.declarations import Declarations, from_options
from roomschema.errors import RoomSchemaError
from dataclasses import dataclass, field

from typing import Any, Optional

KNOWN = {"schemas", "db", "min_sdk", "output", "package", "kotlin_api", "docs", "released", "gaps",
         "require_why", "require_backward_compatible", "migrations", "auto_migrations", "database_class"}
PAIR_KEYS = {"rename_tables", "rename_columns", "delete_tables", "delete_columns", "fill", "allow_drops",
             "allow", "auto_migration"}


@dataclass(frozen=True)
class Config:
    path: Optional[Path] = None          # the file it came from
    root: Path = field(default_factory=Path.cwd)
    values: dict = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def path_of(self, key: str) -> Optional[Path]:
        value = self.values.get(key)
        return None if value is None else (self.root / value)

    def pair(self, old: int, new: int) -> dict:
        return dict((self.values.get("migrations") or {}).get(f"{old}-{new}") or {})

    def declarations(self, old: int, new: int) -> Declarations:
        p = self.pair(old, new)
        where = f"{self.path.name if self.path else 'config'}: migrations.\"{old}-{new}\""
        try:
            return from_options(
                rename_table=[f"{k}={v}" for k, v in (p.get("rename_tables") or {}).items()],
                rename_column=[f"{k}={v}" for k, v in (p.get("rename_columns") or {}).items()],
                delete_table=list(p.get("delete_tables") or ()),
                delete_column=list(p.get("delete_columns") or ()),
                fill=[f"{k}={v}" for k, v in (p.get("fill") or {}).items()],
                allow_drops=bool(p.get("allow_drops", False)),
                allow=list(p.get("allow") or ()))
        except RoomSchemaError as err:
            raise RoomSchemaError(err.message, path=f"{where}: {err.path}") from None


def _may_hold_ours(text: str) -> bool:
    """Whether a pyproject.toml can hold [tool.roomschema]: a header or dotted key
    naming it, or a [tool] table or inline ``tool = {...}`` (spaces and quotes
    around the names ignored). A few string scans, no regex to compile."""
    flat = text.replace(" ", "").replace("\t", "").replace('"', "").replace("'", "")
    return "tool.roomschema" in flat or "[tool]" in flat or "\ntool=" in flat or flat.startswith("tool=")


def _read(path: Path, table_path: tuple) -> Optional[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RoomSchemaError(str(err), file=path) from None
    if table_path and not _may_hold_ours(text):
        # Another tool's pyproject.toml: not ours to parse (or to reject), and
        # tomllib is 3 ms of diff's start-up (it imports typing and datetime).
        return None
    import tomllib

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


def _validate(values: dict, path: Path) -> dict:
    for key in values:
        if key not in KNOWN:
            raise RoomSchemaError(f"unknown setting '{key}' (known: {', '.join(sorted(KNOWN))})", file=path)
    for pair, body in (values.get("migrations") or {}).items():
        parts = pair.split("-")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or not isinstance(body, dict):
            raise RoomSchemaError(f"expected a table named \"FROM-TO\" such as \"1-2\", got {pair!r}",
                                  file=path, path="migrations")
        for key in body:
            if key not in PAIR_KEYS:
                raise RoomSchemaError(f"unknown key '{key}' (known: {', '.join(sorted(PAIR_KEYS))})",
                                      file=path, path=f"migrations.\"{pair}\"")
    if "min_sdk" in values and not isinstance(values["min_sdk"], int):
        raise RoomSchemaError("expected an integer", file=path, path="min_sdk")
    return values


def find_config(start: Optional[Path] = None) -> Config:
    """The nearest roomschema.toml or pyproject.toml with a [tool.roomschema] table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "roomschema.toml"
        if candidate.is_file():
            values = _read(candidate, ()) or {}
            return Config(candidate, folder, _validate(values, candidate))
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            values = _read(candidate, ("tool", "roomschema"))
            if values is not None:
                return Config(candidate, folder, _validate(values, candidate))
        if (folder / ".git").exists():
            break
    return Config(None, here, {})
