"""The source tree a migration file belongs to, for the names it uses from other files.

A migration may use ``const val`` and top-level or object ``val`` strings, helper functions
and enums defined elsewhere in its module. The tree is the folder the file is in up to its
source root (``src/<set>/java`` or ``src/<set>/kotlin``) or its module root (the folder
with a ``build.gradle``), bounded so a file outside any project never scans a disk. Files
are read only when their text contains the name looked up, and parsed once.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from roomschema.files import SOURCE_TREE_SKIP as _SKIP_DIRS
from roomschema.files import source_root as _source_root
from roomschema.kotlin.results import KotlinExtractError
from roomschema.kotlin.syntax import ClassDecl, FunDecl, StringValue, ValDecl, parse_file
from roomschema.kotlin.tokens import TokenStream

_MAX_FILES = 4000


@dataclass
class SourceFile:
    path: Optional[Path]
    name: str
    text: str
    _decls: Optional[list] = None
    _index: dict = field(default_factory=dict)
    package: str = ""
    _words: Optional[frozenset] = None
    _sha256: Optional[str] = None

    @property
    def words(self) -> frozenset:
        """Every identifier-like word of the text, for ``mentions``."""
        if self._words is None:
            self._words = frozenset(re.findall(r"\w+", self.text))
        return self._words

    @property
    def sha256(self) -> str:
        """The text as the reader sees it (an unreadable file is empty to it), hashed."""
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()
        return self._sha256

    @property
    def decls(self) -> list:
        if self._decls is None:
            if self.java:
                from roomschema.kotlin.java import parse_java
                self._decls = parse_java(self.text, self.name)
            else:
                stream = TokenStream(self.text, self.name)
                self._decls = parse_file(stream.t, stream.match)
            m = re.search(r"^\s*package\s+([\w.]+)", self.text, re.MULTILINE)
            self.package = m.group(1) if m else ""
            self._index = {}
            self._add(self._decls, ())
        return self._decls

    @property
    def java(self) -> bool:
        """A Java source: read by ``java.parse_java`` into the same tree."""
        return (self.path.name if self.path is not None else self.name).endswith(".java")

    @property
    def facade(self) -> str:
        """The JVM class of a Kotlin file's top-level declarations, as Java names it (``TabDataKt``)."""
        m = re.search(r'^\s*@file\s*:\s*JvmName\s*\(\s*"([^"]+)"', self.text, re.MULTILINE)
        if m:
            return m.group(1)
        stem = (self.path.name if self.path is not None else self.name).rsplit("/", 1)[-1]
        stem = stem[:-3] if stem.endswith(".kt") else stem
        return stem[:1].upper() + stem[1:] + "Kt"

    def _add(self, decls: list, owners: tuple) -> None:
        for d in decls:
            if isinstance(d, FunDecl):
                self._index.setdefault(d.name, []).append((d, owners))
            elif isinstance(d, ValDecl):
                for n in d.names:
                    self._index.setdefault(n, []).append((d, owners))
            elif isinstance(d, ClassDecl):
                if d.name:
                    self._index.setdefault(d.name, []).append((d, owners))
                self._add(d.members, owners + (d,))

    def lookup(self, name: str) -> list:
        """``[(declaration, owners)]`` of ``name`` declared in this file at any nesting."""
        self.decls
        return self._index.get(name, [])


_JAVA_CONST = r"\bfinal\s+(?:String|int|long|Integer|Long)\s+{name}\s*=\s*(\"(?:[^\"\\\n]|\\.)*\"|-?\d+)\s*;"
_JAVA_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _java_literal(text: str):
    if not text.startswith('"'):
        return int(text)
    body = text[1:-1]
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2:i + 6]):
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
                continue
            if nxt not in _JAVA_ESC:
                raise ValueError(nxt)
            out.append(_JAVA_ESC[nxt])
            i += 2
            continue
        out.append(c)
        i += 1
    return StringValue("".join(out))


_CACHE: dict = {}
_CACHE_MAX = 2000


def _read(path: Path) -> SourceFile:
    """A file of the tree, parsed at most once per process while it does not change: the migrations
    of one app share their helpers, and check reads them all."""
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        key = (str(path), 0, 0)
    hit = _CACHE.get(key)
    if hit is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        hit = _CACHE[key] = SourceFile(path, path.name, text)
    return hit


_TREES: dict = {}
_DECLARING: dict = {}
_NEAREST: dict = {}  # (root, folder) -> (the listing, its files nearest to folder first)


def _tree_files(root: Path) -> list:
    """The Kotlin and Java files under a source root. The listing is kept while no folder of the
    tree changes (a folder's mtime moves when a file is added or removed in it)."""
    dirs = []
    listed = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        try:
            dirs.append((dirpath, os.stat(dirpath).st_mtime_ns))
        except OSError:
            continue
        listed.append((dirpath, filenames))
    signature = tuple(dirs)
    hit = _TREES.get(root)
    if hit is None or hit[0] != signature:
        # The Paths only for a new listing: making them on every call was most of reading a
        # history's hundred migrations.
        files: list = []
        for dirpath, filenames in listed:
            if len(files) < _MAX_FILES:
                files += [Path(dirpath) / n for n in sorted(filenames) if n.endswith((".kt", ".java"))]
        _TREES[root] = hit = (signature, files[:_MAX_FILES])
        for key in [k for k in _DECLARING if k[0] == root]:
            del _DECLARING[key]
    return hit[1]


class SourceTree:
    """The main file and, when it has a path, the other Kotlin (and Java) files of its tree."""

    def __init__(self, main: SourceFile):
        self.main = main
        self._files: Optional[list] = None
        self._root: Optional[Path] = None
        self._parsed: dict = {}
        # Every name looked up in the other files: with the main file, what a read depends on.
        self.names: set = set()

    def files(self) -> list:
        if self._files is None:
            self._files = []
            if self.main.path is not None:
                main = self.main.path.absolute()
                folder = main.parent
                self._root = _source_root(folder)
                listing = _tree_files(self._root)
                hit = _NEAREST.get((self._root, folder))
                if hit is None or hit[0] is not listing:
                    # Nearest first: the file's own folder, then the rest of the tree. Sorted once
                    # per folder and listing: the hundred migrations of one folder share it.
                    _NEAREST[(self._root, folder)] = hit = (listing, sorted(
                        listing, key=lambda p: (p.parent != folder, str(p))))
                self._files = [p for p in hit[1] if p != main]
        return self._files

    def _file(self, path: Path) -> Optional[SourceFile]:
        if path not in self._parsed:
            self._parsed[path] = _read(path)
        return self._parsed[path]

    def lookup(self, name: str) -> list:
        """``[(declaration, owners, SourceFile)]`` of Kotlin declarations of ``name`` in other files."""
        self.names.add(name)
        out = []
        for path in self._declaring(name):
            f = self._file(path)
            if f is None:
                continue
            try:
                for decl, owners in f.lookup(name):
                    out.append((decl, owners, f))
            except KotlinExtractError:
                continue
        return out

    def _declaring(self, name: str) -> list:
        """The Kotlin files whose text may declare ``name``: only those are parsed, not every file
        that uses it."""
        files = self.files()
        key = (self._root, name)
        if key not in _DECLARING:
            pattern = re.compile(r"\b(?:fun|val|var|class|object|interface)\b[^\n]*\b" + re.escape(name) + r"\b")
            # Java declares with a type before the name: a field, a method or a type of that name.
            java = re.compile(r"\b(?:class|interface|enum|record)\s+" + re.escape(name) + r"\b|[\w>\]]\s+"
                              + re.escape(name) + r"\s*(?:=|;|,|\()")

            def declares(path: Path) -> bool:
                text = _read(path).text
                # The pattern only where the name occurs at all: most files of a tree never say it.
                return name in text and (pattern if path.suffix == ".kt" else java).search(text) is not None
            _DECLARING[key] = [p for p in _tree_files(self._root) if declares(p)] if self._root is not None else []
        main = self.main.path.absolute() if self.main.path is not None else None
        hits = set(_DECLARING[key])
        return [p for p in files if p in hits and p != main]

    def java_constant(self, name: str):
        """The value of a Java ``static final`` String or int constant ``name``, when one file of the
        tree declares it with a literal and no other file declares it differently."""
        self.names.add(name)
        pattern = re.compile(_JAVA_CONST.format(name=re.escape(name)))
        values = set()
        for path in self.files():
            if path.suffix != ".java":
                continue
            f = self._file(path)
            if f is None or name not in f.text:
                continue
            for m in pattern.finditer(f.text):
                try:
                    values.add(_java_literal(m.group(1)))
                except ValueError:
                    return None
        return values.pop() if len(values) == 1 else None


def dependencies(path: Path, names, memo: Optional[dict] = None) -> list:
    """The other files of ``path``'s source tree whose content a read of it that looked up ``names``
    depends on: every file of the tree in which one of them occurs as a word (more than the files
    that declare them, never fewer). A file added since, or edited to declare one of them, is among
    them too, so a result kept under their content (and the file's own) is never stale.

    ``memo``: a dict the caller keeps while the files cannot change (one check), so a hundred
    migrations of one tree list it and look each name up once.
    """
    memo = {} if memo is None else memo
    out: set = set()
    for name in names:
        out.update(mentions(path, name, memo))
    out.discard(path.absolute())
    return sorted(out)


def mentions(path: Path, name: str, memo: dict) -> list:
    """Every file of ``path``'s source tree (``path`` included) in which ``name`` occurs as a word."""
    folder = path.absolute().parent
    key = ("mentions", folder, name)
    if key not in memo:
        root = memo.get(("root", folder))
        if root is None:
            root = memo[("root", folder)] = _source_root(folder)
        if ("files", root) not in memo:
            memo[("files", root)] = _tree_files(root)
        memo[key] = [p for p in memo[("files", root)] if name in _read(p).words]
    return memo[key]


def content_digest(path: Path) -> str:
    """The sha256 of a file of the tree as the reader sees it, computed once per process while the
    file does not change."""
    return _read(path).sha256
