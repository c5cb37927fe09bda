"""Writing files so that a reader never sees half of one, and showing paths.

Every file roomschema writes (generated sources, the history document, cache
entries, backups, restored databases) goes through here, so they all get the
same guarantees: the old file stays whole until the new one is complete, and
the new one gets the permissions a user expects.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator, Optional, Union


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
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
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
    with atomic_output(path, binary=isinstance(data, bytes), private=private) as fh:
        fh.write(data)


def shown(path: Union[str, Path], cwd: Optional[Path] = None) -> str:
    """A path as the user would type it: relative to where they are when it is below it.

    Editors and CI logs open such paths directly; anything outside stays as given.
    """
    path = Path(path)
    here = (cwd or Path.cwd()).resolve()
    try:
        return str(path.resolve().relative_to(here))
    except (ValueError, OSError):
        return str(path)
