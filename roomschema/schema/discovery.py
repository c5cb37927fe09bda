"""Finding the schema folder: ``<module>/schemas/<fully.qualified.Database>/N.json``."""
from __future__ import annotations

import os
import re
from pathlib import Path

from roomschema.config import Config
from roomschema.errors import RoomSchemaError
from roomschema.files import shown
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


def variant_of(folder: Path) -> Optional[str]:
    """The build variant (or KMP target) of a database folder laid out by the Room Gradle plugin,
    ``schemaDirectory("<variant>", "$projectDir/schemas/<variant>")``: ``schemas/<variant>/<fqcn>/``."""
    parent = Path(folder).absolute().parent
    if parent.name and parent.name != "schemas" and parent.parent.name == "schemas":
        return parent.name
    return None


def schemas_root(folder: Path) -> Path:
    """The ``schemas`` folder a database folder is in, above any variant folder."""
    folder = Path(folder)
    return folder.parent.parent if variant_of(folder) else folder.parent


def database_labels(folders: list, cwd: Optional[Path] = None) -> dict:
    """``{folder: name}``: the fully qualified name, qualified by the variant (``debug/com.example.Db``)
    when the folder is a variant's, or by its parent folder when the same database is found elsewhere
    too (``schemas-debug/com.example.Db``), else by its path."""
    names = {f: (f"{variant_of(f)}/{f.name}" if variant_of(f) else f.name) for f in folders}

    def repeated() -> set:
        seen = [names[f] for f in folders]
        return {f for f in folders if seen.count(names[f]) > 1}

    for f in repeated():
        if not variant_of(f):
            names[f] = f"{f.parent.name}/{f.name}"
    for f in repeated():
        names[f] = shown(f, cwd)
    return names


def _named(folder: Path, db: str, label: str) -> bool:
    """``--db`` names a folder by its label, its fully qualified or simple name, either of those
    after ``<variant>/``, or its path."""
    if db in (label, folder.name) or folder.name.endswith("." + db):
        return True
    qualifier, _, name = db.rpartition("/")
    if qualifier and name and (folder.name == name or folder.name.endswith("." + name)):
        return qualifier in (variant_of(folder), folder.parent.name) or Path(qualifier) == folder.parent
    return False


def _candidates(schemas: Optional[str], db: Optional[str], config: Config, cwd: Path) -> tuple:
    """``(the database folders --schemas/--db or the configuration select, the folders searched, db)``."""
    base = Path(schemas) if schemas else config.path_of("schemas")
    db = db or config.db
    option = "--schemas" if schemas else ("schemas (config)" if base else None)
    if base is not None:
        if not base.is_dir():
            raise RoomSchemaError("no such directory", file=base, path=option)
        if version_files(base) and (db is None or base.name == db):
            return [base], [base], db
        found = find_databases(base)
    else:
        found = find_databases(cwd)
    if not found and not db:
        where = base or cwd
        raise RoomSchemaError(f"no Room schema folder (<module>/schemas/<fully.qualified.Database>/N.json) "
                              f"under {where}; pass --schemas DIR", path="--schemas")
    if not db:
        return found, found, db
    labels = database_labels(found, cwd)
    named = [c for c in found if _named(c, db, labels[c])]
    if not named:
        listed = ", ".join(sorted(set(labels.values()))) or "none"
        raise RoomSchemaError(f"no schema folder for database '{db}' (found: {listed})", path="--db")
    return named, found, db


def resolve_schema_dirs(schemas: Optional[str], db: Optional[str], config: Config,
                        cwd: Optional[Path] = None) -> list:
    """Every database folder a command that handles several works on: all found, or those
    ``--db`` names (a database in several variant folders is one folder each)."""
    return _candidates(schemas, db, config, cwd or Path.cwd())[0]


def resolve_schema_dir(schemas: Optional[str], db: Optional[str], config: Config,
                       cwd: Optional[Path] = None) -> Path:
    """The one database folder a command works on (``--schemas``/``--db`` or config)."""
    cwd = cwd or Path.cwd()
    candidates, _, db = _candidates(schemas, db, config, cwd)
    if len(candidates) > 1:
        labels = database_labels(candidates, cwd)
        listed = "; ".join(f"{labels[c]} ({shown(c, cwd)})" for c in candidates)
        qualified = [c for c in candidates if "/" in labels[c] and not Path(labels[c]).is_absolute()]
        how = ""
        if qualified:
            c = qualified[0]
            how = (f". A variant's folder is named with its variant, --db {labels[c]}, or by its "
                   f"folder, --schemas {shown(c.parent, cwd)}")
        raise RoomSchemaError(f"several databases found, choose one with --db NAME: {listed}{how}", path="--db")
    return candidates[0]


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
