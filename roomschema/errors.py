"""Errors a user can act on: each names the file and the JSON path or option."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

# The exit status of every command (README, "Exit status"): one table for the CLI and these errors.
EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_DECISION = 0, 1, 2, 3


class RoomSchemaError(Exception):
    """Bad input. The CLI prints ``str(err)`` on one line and exits 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, file: object = None, path: str | None = None):
        self.file = file
        self.path = path
        self.message = message
        super().__init__(self.format())

    def format(self) -> str:
        where = []
        if isinstance(self.file, os.PathLike):
            where.append(shown(os.fspath(self.file)))
        elif self.file is not None:
            where.append(getattr(self.file, "name", None) or str(self.file))
        if self.path:
            where.append(self.path)
        text = ": ".join(where + [self.message])
        return text.replace("\r", "\\r").replace("\n", "\\n")


class SchemaFileError(RoomSchemaError):
    """A schema file that cannot be read into the model."""


class DecisionRequired(RoomSchemaError):
    """A change only a person can decide (a drop or a NOT NULL column without value)."""

    exit_code = EXIT_DECISION


def shown(path: Union[str, "os.PathLike[str]"], cwd: Optional[Path] = None) -> str:
    """A path as the user would type it: relative to where they are when it is below it.

    Editors and CI logs open such paths directly; anything outside stays as given, so
    ``diff 1 /elsewhere/1.json`` names ``/elsewhere/1.json``, never a bare ``1.json``.
    Here rather than in ``files`` so that every error can use it (``files`` builds errors).
    """
    path = Path(path)
    here = (cwd or Path.cwd()).resolve()
    try:
        return str(path.resolve().relative_to(here))
    except (ValueError, OSError):
        return str(path)
