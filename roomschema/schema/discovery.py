"""Finding the schema folder: ``<module>/schemas/<fully.qualified.Database>/N.json``."""
from __future__ import annotations

import os
import re
from pathlib import Path

from roomschema.config import Config
from roomschema.errors import RoomSchemaError
from roomschema.schema.loader import load

from typing import Optional

_VERSION_FILE = re.compile(r"^(\d+)\.json$")
_SKIP = {".git", "node_modules", "build", ".gradle", ".idea", "__pycache__", ".venv", "venv", ".tox",
         "site-packages", "dist", ".hypothesis", ".pytest_cache"}


def version_files(folder: Path) -> dict:
    """``{version: path}`` for every ``N.json`` directly in ``folder``."""
    out = {}
    try:
        entries = list(os.scandir(folder))
    except OSError as err:
        raise RoomSchemaError(err.strerror or str(err), file=folder) from None
    for entry in entries:
        m = _VERSION_FILE.match(entry.name)
        if m and entry.is_file():
            out[int(m.group(1))] = Path(entry.path)
    return dict(sorted(out.items()))


def find_databases(root: Path) -> list:
    """Every folder under ``root`` that holds ``N.json`` files, nearest first."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith("."))
        if any(_VERSION_FILE.match(f) for f in filenames):
            found.append(Path(dirpath))
    # Room's layout first (…/schemas/<fqcn>), then anything else with N.json files.
    return sorted(found, key=lambda p: (p.parent.name != "schemas", len(p.parts), str(p)))


def resolve_schema_dir(schemas: Optional[str], db: Optional[str], config: Config,
                       cwd: Optional[Path] = None) -> Path:
    """The one database folder a command works on (``--schemas``/``--db`` or config)."""
    cwd = cwd or Path.cwd()
    base = Path(schemas) if schemas else config.path_of("schemas")
    db = db or config.db
    option = "--schemas" if schemas else ("schemas (config)" if base else None)
    if base is not None:
        if not base.is_dir():
            raise RoomSchemaError("no such directory", file=base, path=option)
        if version_files(base) and (db is None or base.name == db):
            return base
        candidates = find_databases(base)
    else:
        candidates = find_databases(cwd)
    if db:
        named = [c for c in candidates if c.name == db or c.name.endswith("." + db)]
        if len(named) == 1:
            return named[0]
        if not named:
            listed = ", ".join(sorted({c.name for c in candidates})) or "none"
            raise RoomSchemaError(f"no schema folder for database '{db}' (found: {listed})", path="--db")
        candidates = named
    if not candidates:
        where = base or cwd
        raise RoomSchemaError(f"no Room schema folder (<module>/schemas/<fully.qualified.Database>/N.json) "
                              f"under {where}; pass --schemas DIR", path="--schemas")
    if len(candidates) > 1:
        listed = "; ".join(f"{c.name} ({_rel(c, cwd)})" for c in candidates)
        raise RoomSchemaError(f"several databases found, choose one with --db NAME: {listed}", path="--db")
    return candidates[0]


def _rel(p: Path, cwd: Path) -> str:
    try:
        return str(p.resolve().relative_to(cwd.resolve()))
    except ValueError:
        return str(p)


def load_history(folder) -> dict:
    """``{version: Schema}`` for a database folder, each checked against its file name."""
    folder = Path(folder)
    files = version_files(folder)
    if not files:
        raise RoomSchemaError("no N.json schema files in this directory", file=folder)
    return {v: load(p) for v, p in files.items()}


def resolve_version(ref: str, folder: Optional[Path]) -> Path:
    """A version given as a number (``2``) or as a path to a file."""
    if ref.isdigit() and folder is not None:
        path = folder / f"{int(ref)}.json"
        if not path.is_file():
            have = ", ".join(str(v) for v in version_files(folder)) or "none"
            raise RoomSchemaError(f"no {int(ref)}.json in {folder} (versions: {have})", path="VERSION")
        return path
    path = Path(ref)
    if not path.is_file():
        raise RoomSchemaError("no such schema file" if not path.is_dir() else "is a directory, expected N.json",
                              file=path)
    return path
