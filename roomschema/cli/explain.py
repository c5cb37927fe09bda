"""explain: a crash report, logcat excerpt or failing test output, in a few lines."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from roomschema.cli.common import EXIT_OK, echo, emit_json, format_option, project, schemas_option
from roomschema.errors import RoomSchemaError
from roomschema.explain.parse import ParseError, messages
from roomschema.explain.report import Explainer
from roomschema.schema.discovery import find_databases

UNRECOGNISED = ("no Room migration message in it (looked for \"Migration didn't properly handle\", "
                "\"Room cannot verify the data integrity\" and \"A migration from X to Y was required but not found\")")


def _read(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as err:
            raise RoomSchemaError(err.strerror or str(err), file=source) from None
    return data.decode("utf-8", errors="replace")


def _folders(schemas, db):
    """The databases to place the crash in: the named one, the one found, or every one found."""

    if schemas or db:
        proj = project(schemas, db)
        return [proj.folder], proj.config, True
    proj = project(None, None, required=False)
    if proj.folder is not None:
        return [proj.folder], proj.config, True
    # Several databases: the crash names its table or hash, which tells them apart.
    root = proj.config.path_of("schemas") or Path.cwd()
    return find_databases(root) if root.is_dir() else [], proj.config, False


@click.command()
@click.argument("source", metavar="[FILE|-]", required=False)
@schemas_option
@format_option("text", "json")
def explain(source, schemas, db, fmt):
    """Explain Room's migration crash in FILE (default: standard input): which table,
    what differs (columns, types, NOT NULL, defaults, primary key, indices, foreign keys),
    which schema version each side is and which migration to fix. Reads
    "Migration didn't properly handle" in every Room layout (logcat prefixes and stack
    frames are skipped), "Room cannot verify the data integrity" (which version's JSON
    has each hash) and "A migration from X to Y was required but not found" (where
    Room's path stops)."""

    if source is None:
        if sys.stdin.isatty():
            raise RoomSchemaError("give the crash report as FILE, or pipe it in (adb logcat -d | roomschema "
                                  "explain -)", path="FILE")
        source = "-"
    label = "standard input" if source == "-" else source
    text = _read(source)
    try:
        found = messages(text)
    except ParseError as err:
        raise RoomSchemaError(f"cannot read Room's message: {err}", file=label) from None
    if not found:
        raise RoomSchemaError(UNRECOGNISED, file=label)
    folders, config, chosen = _folders(schemas, db)
    explainer = Explainer(folders, config, chosen=chosen)
    results = [explainer.explain(m) for m in found]
    if fmt == "json":
        emit_json({"explained": results})
        return EXIT_OK
    echo("\n\n".join("\n".join(r["text"]) for r in results))
    return EXIT_OK
