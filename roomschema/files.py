"""Writing files so that a reader never sees half of one, and showing paths.

Every file roomschema writes (generated sources, the history document, cache
entries, backups, restored databases) goes through here, so they all get the
same guarantees: the old file stays whole until the new one is complete, and
the new one gets the permissions a user expects.
"""
from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator, Mapping, Optional, Union

from roomschema.errors import RoomSchemaError, shown

__all__ = ["atomic_output", "file_mode", "make_parent", "output_error", "shown", "sibling_temp", "write_all",
           "write_atomic", "writing"]


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def file_mode(path: Path, private: bool = False) -> int:
    """The mode a replacement of ``path`` gets: the old file's, else what ``open()`` would give.

    ``private`` is for files holding users' rows (backups): owner only, whatever the umask.
    """
    if private:
        return 0o600
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return _default_mode()


@contextlib.contextmanager
def sibling_temp(path: Union[str, Path], suffix: str = ".tmp", *, private: bool = False) -> Iterator[Path]:
    """A new empty file beside ``path``, moved over it when the block ends without error.

    Beside, not in the temporary folder, so the final ``os.replace`` is a rename
    on one file system; on error the temporary file is removed and ``path`` is
    untouched.
    """
    path = Path(path)
    mode = file_mode(path, private)
    with writing(path):
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with writing(path):
            os.chmod(tmp, mode)  # mkstemp makes 0600 files
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_output(path: Union[str, Path], *, binary: bool = False, private: bool = False,
                  fsync: bool = False) -> Iterator[IO]:
    """An open file whose content replaces ``path`` only once it is completely written."""
    with sibling_temp(path, private=private) as tmp:
        if binary:
            with open(tmp, "wb") as fh:
                yield fh
                if fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
        else:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                yield fh
                if fsync:
                    fh.flush()
                    os.fsync(fh.fileno())


def write_atomic(path: Union[str, Path], data: Union[str, bytes], *, private: bool = False) -> None:
    """``path`` gets ``data`` whole, or keeps what it had."""
    with writing(path), atomic_output(path, binary=isinstance(data, bytes), private=private) as fh:
        fh.write(data)


# ---- output paths a command cannot write: one line, exit 2 ---------------------------------------------

def output_error(path: Union[str, Path], err: OSError, option: Optional[str] = None) -> RoomSchemaError:
    """``err`` (an OSError on the way to writing ``path``) as one line naming the path and the reason."""
    reason = err.strerror or str(err)
    blocker = _blocking_file(Path(path))
    if blocker is not None:
        reason = f"{shown(blocker)} is a file, not a folder"
    elif err.filename is not None and not _ours(Path(os.fsdecode(err.filename)), Path(path)):
        # An error about a folder on the way names that folder too.
        reason = f"{reason} ({shown(os.fsdecode(err.filename))})"
    return RoomSchemaError(f"cannot write: {reason}", file=Path(path), path=option)


def _ours(name: Path, path: Path) -> bool:
    """``name`` is ``path`` itself or the temporary file written beside it."""
    return name == path or (name.parent == path.parent and name.name.startswith(f".{path.name}."))


def _blocking_file(path: Path) -> Optional[Path]:
    """The nearest existing ancestor of ``path`` when it is not a folder (``--sql afile/x.sql``)."""
    for parent in path.parents:
        try:
            if parent.exists():
                return None if parent.is_dir() else parent
        except OSError:
            return None
    return None


@contextlib.contextmanager
def writing(path: Union[str, Path], option: Optional[str] = None) -> Iterator[None]:
    """A block that writes ``path``: an OSError in it becomes :func:`output_error` (exit 2)."""
    try:
        yield
    except OSError as err:
        raise output_error(path, err, option) from None


def make_parent(path: Union[str, Path], option: Optional[str] = None) -> list[Path]:
    """Create the folders ``path`` goes in, or fail with one line naming it; the folders created, outermost first."""
    parent = Path(path).parent
    missing = []
    for folder in (parent, *parent.parents):
        if folder.exists():
            break
        missing.append(folder)
    with writing(path, option):
        if parent.exists() and not parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(parent))
        parent.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def write_all(files: Mapping[Union[str, Path], Union[str, bytes]],
              options: Optional[Mapping[Union[str, Path], str]] = None) -> list[Path]:
    """Every file of ``files`` written, or none of them changed.

    Each content goes to a temporary file beside its target first; only when all of them
    are complete are they renamed into place. A failure before that removes the temporary
    files and the folders made for them, and leaves every target as it was
    (``generate --sql ok.sql --kotlin <unwritable>`` leaves no ``ok.sql``). ``options``
    names the option each path came from, for the error. The renames are not one
    transaction, but a rename within a folder does not fail for want of space or
    permission once its temporary file could be created there.
    """
    options = options or {}
    staged: list[tuple[Path, Path, Optional[str]]] = []
    created: list[Path] = []
    try:
        for target, data in files.items():
            path, option = Path(target), options.get(target)
            created += make_parent(path, option)
            if path.is_dir():
                raise RoomSchemaError("is a directory", file=path, path=option)
            mode = file_mode(path)
            with writing(path, option):
                fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                staged.append((Path(name), path, option))
                with open(fd, "wb") as fh:
                    fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
                os.chmod(name, mode)  # mkstemp makes 0600 files
        for tmp, path, option in staged:
            with writing(path, option):
                os.replace(tmp, path)
        return [path for _, path, _ in staged]
    except BaseException:
        for tmp, _, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


# ---- the Kotlin and Java source tree a file belongs to -------------------------------------------
# Here, not in roomschema.kotlin, so check's whole-report cache finds the trees it keys on
# without loading the Kotlin reader.

SOURCE_TREE_SKIP = frozenset({"build", ".gradle", ".git", ".idea", "node_modules", "generated"})
_SOURCE_TREE_MAX_UP = 12


def source_root(folder: Path) -> Path:
    """The top of the source tree of a file in ``folder``: its source root (``src/<set>/java`` or
    ``src/<set>/kotlin``) or its module root (the folder with a ``build.gradle``), at most 12
    folders up, so a file outside any project never scans a disk; else ``folder`` itself."""
    p = folder
    for _ in range(_SOURCE_TREE_MAX_UP):
        if p.name in ("java", "kotlin") and p.parent.parent.name == "src":
            return p
        if any((p / n).is_file() for n in ("build.gradle", "build.gradle.kts")):
            return p
        if p.parent == p:
            break
        p = p.parent
    return folder
