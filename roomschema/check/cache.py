"""The sha256-keyed verdict cache of ``roomschema check``: storage only (``fast`` computes the verdicts)."""
from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Optional

from roomschema.errors import RoomSchemaError
from roomschema.files import write_atomic
from roomschema._version import __version__


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version and the code of the installed tool: a verdict made by other code is never reused.

    The version alone is not enough: an install from git, or an edit in a checkout, changes what a
    verdict means without changing ``__version__``. Sizes and modification times of the package's
    files (and the templates beside a checkout) are read, not their contents: one ``stat`` a file.
    """
    from roomschema.render.environment import templates_dir
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(__version__.encode())
    folders = [package]
    try:
        folders.append(templates_dir())
    except FileNotFoundError:
        pass
    for folder in folders:
        for top, dirs, names in os.walk(folder):  # os.walk: a third of rglob's time on every warm check
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                st = os.stat(os.path.join(top, name))
                h.update(f"{os.path.relpath(top, folder)}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


class Cache:
    """Results keyed by the sha256 of everything they depend on, so a stale entry is never read."""

    def __init__(self, root: Optional[Path]):
        self.root = root
        self.memory: dict = {}  # what this run computed, even when nothing can be written
        # What this run learnt about the files it reads (a source tree's words, a file's sha256),
        # which cannot change while it runs: one cache serves one check.
        self.run_memo: dict = {}

    @classmethod
    def for_folder(cls, folder: Path, config, enabled: bool = True) -> "Cache":
        if not enabled:
            return cls(None)
        if os.environ.get("ROOMSCHEMA_CACHE_DIR"):
            return cls(Path(os.environ["ROOMSCHEMA_CACHE_DIR"]))
        here = folder.resolve()
        for d in (here, *here.parents):
            if (d / ".git").exists():
                return cls(d / ".roomschema-cache")
        if config.path:
            return cls(config.root / ".roomschema-cache")
        # With neither a repository nor a config file nothing says the folder's
        # surroundings are the user's to write: it may be a read-only shared corpus.
        xdg = os.environ.get("XDG_CACHE_HOME")
        try:
            base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
        except RuntimeError:  # no home directory: still a correct, only slower, check
            return cls(None)
        # One folder per schema folder, as a repository's own cache would be: each can be removed alone.
        return cls(base / "roomschema" / hashlib.sha256(str(here).encode()).hexdigest())

    @staticmethod
    def key(*parts) -> str:
        h = hashlib.sha256()
        for p in (tool_fingerprint(), *parts):
            b = p if isinstance(p, bytes) else str(p).encode()
            h.update(b"%d:" % len(b) + b)
        return h.hexdigest()

    def get(self, ns: str, key: str) -> Optional[dict]:
        if (ns, key) in self.memory:
            return self.memory[(ns, key)]
        if self.root is None:
            return None
        try:
            return json.loads((self.root / ns / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, ns: str, key: str, value: dict) -> None:
        self.memory[(ns, key)] = value
        if self.root is None:
            return
        try:
            (self.root / ns).mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# written by roomschema: the cache is never committed\n*\n")
            write_atomic(self.root / ns / f"{key}.json", json.dumps(value))
        except (OSError, RoomSchemaError):
            pass  # a read-only checkout still gets a correct, only slower, check
