"""What ``roomschema diff`` does, without click: shared by the click command
(migrations.py) and the executable's fast path for the command's common forms
(entry.py), so the two cannot drift apart."""
from __future__ import annotations

import json
from pathlib import Path

from roomschema.cli.common import EXIT_FINDINGS, EXIT_OK, badge, load_version, project, style, versions_of
from roomschema.cli.options import DeclarationFlags, declarations_for
from roomschema.errors import RoomSchemaError
from roomschema.migration.changes import diff
from roomschema.render.reports import diff_markdown, diff_text


def pair(proj, from_ref, to_ref):
    """The two schemas to compare: FROM and TO, or the newest two versions."""
    if from_ref is None:
        versions = versions_of(proj)
        if len(versions) < 2:
            raise RoomSchemaError("need two versions to compare; give FROM and TO", path="FROM")
        from_ref, to_ref = str(versions[-2]), str(versions[-1])
    elif to_ref is None:
        raise RoomSchemaError("give both FROM and TO (or neither for the newest two versions)", path="TO")
    return load_version(from_ref, proj), load_version(to_ref, proj)


def needs_folder(*refs) -> bool:
    return any(r is None or r.isdigit() for r in refs)


def _database_name(proj, from_ref, to_ref, old, new) -> str:
    """The database the header names: the project's for version numbers; for two files, their folder's
    (Room's layout names it after the database), never the current directory's for files from elsewhere."""
    if needs_folder(from_ref, to_ref):
        return proj.database or ""
    folders = {Path(s.path).resolve().parent for s in (old, new) if s.path is not None}
    return folders.pop().name if len(folders) == 1 else ""


def diff_output(from_ref, to_ref, schemas, db, fmt: str, exit_code: bool, flags: DeclarationFlags) -> tuple:
    """(what to print, exit status) of ``roomschema diff``, with its rename/delete flags."""

    proj = project(schemas, db, required=needs_folder(from_ref, to_ref))
    old, new = pair(proj, from_ref, to_ref)
    decl = declarations_for(proj, old.version, new.version, flags)
    d = diff(old, new, decl)
    database = _database_name(proj, from_ref, to_ref, old, new)
    if fmt == "json":
        text = json.dumps(d.to_json(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    elif fmt == "markdown":
        text = diff_markdown(d, old.version, new.version, database)
    else:
        text = diff_text(d, old.version, new.version, database, bold=lambda t: style(t, bold=True),
                         badge=badge, yellow=lambda t: style(t, fg="yellow"))
    return text, (EXIT_FINDINGS if exit_code and d.changes else EXIT_OK)
