"""The whole-report cache of ``roomschema check``: an unchanged project reprints its last report.

A warm check of a long history found every verdict in the cache and still spent most of its time
loading every schema (0.39 s for 119 versions) and diffing every pair (0.15 s). This keeps the
outcome of the whole run under the content of every input the run reads, and on a hit gives it
back without loading a schema.

Conservative by construction: the key holds the content of every file check reads, and the
listing of every folder it lists, so any change misses:

- the options of the run (strict, verify, released), the working directory (findings show paths
  relative to it), the tool's version and SQLite's;
- per database folder: its label, the configuration as read (every setting, the Gradle facts),
  every file of the schema folder, every file under the migrations folder, every Kotlin and
  Java file of the source trees of the migrations there (the reader resolves names from them),
  the history document, the database builder's sources (``destructive-fallback``), and git's ids
  of the released N.json files at the ref ``released-changed`` compares with.

Where an input is outside that list (``run_kotlin``: the JDK and kotlinc of the machine decide the
verdict; ``ROOMSCHEMA_TEMPLATES``: the history document is rendered from the user's templates),
nothing is stored or read. A run whose inputs changed while it ran is not stored.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from dataclasses import fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Optional

from roomschema.check.cache import Cache
from roomschema.errors import RoomSchemaError

FORMAT = 1  # what an entry holds; part of the key


def _stable(value: Any) -> Any:
    """A JSON-able form of a setting that is the same in every process (a frozenset's order is not)."""
    if is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [[f.name, _stable(getattr(value, f.name))] for f in fields(value)]
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return sorted(([_stable(k), _stable(v)] for k, v in value.items()), key=repr)
    if isinstance(value, (set, frozenset)):
        return sorted((_stable(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(type(value).__name__)  # an input this key does not know: no caching


class _Digest:
    def __init__(self) -> None:
        self.h = hashlib.sha256()
        self.seen: set = set()

    def add(self, *parts) -> None:
        for p in parts:
            b = p if isinstance(p, bytes) else repr(p).encode()
            self.h.update(b"%d:" % len(b) + b)

    def file(self, path) -> None:
        # Paths as strings: a few hundred files, and pathlib would cost more than reading them.
        where = os.path.abspath(path)
        if where in self.seen:  # a migration is also a file of its source tree
            self.add(str(path), "again")
            return
        self.seen.add(where)
        try:
            with open(path, "rb") as f:
                self.add(str(path), f.read())
        except OSError as err:
            self.add(str(path), f"unreadable: {err.errno}")


def _files_under(folder: Path, skip: Optional[str]) -> list:
    """Every file under ``folder`` (``skip``, the cache's own folder, left out), as strings."""
    out: list = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        if skip is not None and os.path.realpath(dirpath) == skip:
            dirnames[:] = []
            continue
        out += [os.path.join(dirpath, n) for n in sorted(filenames)]
    return out


def _tree_sources(root: Path) -> list:
    """The Kotlin and Java files the reader may look names up in under ``root`` (all of them: the
    reader stops listing at 4,000), as strings."""
    from roomschema.files import SOURCE_TREE_SKIP
    out: list = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SOURCE_TREE_SKIP)
        out += [os.path.join(dirpath, n) for n in sorted(filenames) if n.endswith((".kt", ".java"))]
    return out


def _project_inputs(d: _Digest, proj, label: str, released: Optional[str], cache_root: Optional[str]) -> None:
    from roomschema.check.released import _released_blobs, released_setting
    from roomschema.check.rules import builder_sources
    from roomschema.files import source_root
    from roomschema.render.code import default_output_dir
    from roomschema.render.history import doc_path

    config, folder = proj.config, proj.folder
    d.add("project", label, str(folder.resolve()), proj.database, _stable(config), _stable(proj.build))
    if config.path is not None:
        d.file(config.path)
    d.add("schemas")
    for path in _files_under(folder, None):
        d.file(path)
    setting = released_setting(config, released)
    blobs: Any
    try:
        blobs = _released_blobs(folder, setting if isinstance(setting, str) else "HEAD")
    except RoomSchemaError as err:
        blobs = f"error: {err}"
    d.add("released", repr(setting), repr(sorted(blobs.items()) if isinstance(blobs, dict) else blobs))
    out = default_output_dir(folder, config)
    d.add("migrations", str(out))
    folders = set()
    for path in _files_under(out, cache_root):
        d.file(path)
        if path.endswith((".kt", ".java")):
            folders.add(os.path.dirname(os.path.abspath(path)))
    for root in sorted({source_root(Path(f)) for f in folders}):
        d.add("tree", str(root))
        for path in _tree_sources(root):
            d.file(path)
    d.add("doc")
    d.file(doc_path(proj))
    d.add("builder", str(proj.build.module))
    if proj.build.module is not None:
        for path in builder_sources(proj.build.module):
            d.file(path)


def inputs_key(projs: list, labels: dict, options: tuple, cache_root: Optional[str]) -> Optional[str]:
    """The sha256 of every input of a check over ``projs``, or None when one is not known to it."""
    if any(p.folder is None or p.config.run_kotlin for p in projs) or os.environ.get("ROOMSCHEMA_TEMPLATES"):
        return None  # the machine's JDK, or templates of the user's, decide part of the outcome
    d = _Digest()
    d.add("whole-report", FORMAT, Cache.key(), sys.version, sqlite3.sqlite_version, os.getcwd(), options)
    try:
        for proj in projs:
            _project_inputs(d, proj, labels[proj.folder], options[2], cache_root)
    except (TypeError, OSError, RoomSchemaError):
        return None  # an input it cannot tell: the run itself says what is wrong
    return d.h.hexdigest()


# ---- the report, stored and read back ---------------------------------------------------------------

def _source_json(s) -> dict:
    return {"kind": s.kind, "path": str(s.path) if s.path else None, "ok": s.ok, "summary": s.summary,
            "line": s.line, "warnings": list(s.warnings), "links": [[a, b, _source_json(x)] for a, b, x in s.links]}


def _source(j: dict):
    from roomschema.check.sources import Source
    return Source(j["kind"], Path(j["path"]) if j["path"] else None, j["ok"], j["summary"], j["line"],
                  tuple((a, b, _source(x)) for a, b, x in j["links"]), list(j["warnings"]))


def _pair_json(p) -> dict:
    d = p.diff
    return {"old": p.old, "new": p.new, "file": str(p.file), "sources": [_source_json(s) for s in p.sources],
            "diff": None if d is None else {"worst": d.worst.value if d.worst else None,
                                            "backward_compatible": d.backward_compatible}}


def _pair(j: dict):
    from roomschema.check.sources import Pair
    from roomschema.migration.changes import Risk
    diff: Any = None
    if j["diff"] is not None:
        worst = j["diff"]["worst"]
        diff = DiffSummary(Risk(worst) if worst else None, j["diff"]["backward_compatible"])
    return Pair(j["old"], j["new"], Path(j["file"]), diff, [_source(s) for s in j["sources"]])


class DiffSummary:
    """What a stored report keeps of a pair's ``Diff``: what the check command shows of it."""

    def __init__(self, worst, backward_compatible: bool):
        self.worst, self.backward_compatible = worst, backward_compatible


def report_json(report) -> dict:
    return {"folder": str(report.folder), "versions": list(report.versions), "doc": str(report.doc),
            "notes": list(report.notes), "findings": [f.to_json() for f in report.findings],
            "pairs": [_pair_json(p) for p in report.pairs], "spans": [_pair_json(p) for p in report.spans]}


def report_args(j: dict) -> tuple:
    """``run.Report``'s arguments for a stored report: every finding, pair and verdict; no schema
    (``schemas`` is empty)."""
    from roomschema.check.findings import Finding
    findings = [Finding(f["rule"], f["severity"], f["file"], f["message"], f["fix"], tuple(f["versions"]),
                        tuple(f["details"])) for f in j["findings"]]
    return (Path(j["folder"]), list(j["versions"]), {}, [_pair(p) for p in j["pairs"]], findings,
            list(j["notes"]), Path(j["doc"]), [_pair(p) for p in j["spans"]])
