"""show, validate, hash: reading schema files."""
from __future__ import annotations

from pathlib import Path

import click

from roomschema.cli.common import (EXIT_FINDINGS, EXIT_OK, echo, emit_json, format_option, load_version, project,
                                   schemas_option, style, versions_of)
from roomschema.errors import RoomSchemaError
from roomschema.files import shown
from roomschema.migration.changes import describe_field
from roomschema.render.environment import render
from roomschema.schema.discovery import resolve_version, version_files
from roomschema.schema.identity import check_history
from roomschema.schema.loader import load
from roomschema.verify.build import statement_error


def _pick_latest(proj) -> str:
    versions = versions_of(proj)
    return str(versions[-1])


def schema_summary(schema) -> dict:
    """The JSON form of ``show``: stable keys for machines."""
    db = schema.database
    tables = []
    for e in db.entities:
        t = {"name": e.table_name, "fts": e.fts_version if e.is_fts else None,
             "columns": [{"name": f.column_name, "affinity": f.affinity, "not_null": f.not_null,
                          "default": f.default_value, "primary_key": f.column_name in e.primary_key.column_names,
                          "definition": describe_field(f)} for f in e.fields],
             "primary_key": {"columns": list(e.primary_key.column_names),
                             "auto_generate": e.primary_key.auto_generate},
             "indices": [{"name": i.name, "unique": i.unique, "columns": list(i.column_names or ()),
                          "orders": list(i.effective_orders)} for i in e.indices],
             "foreign_keys": [{"columns": list(fk.columns), "table": fk.table,
                               "referenced_columns": list(fk.referenced_columns), "on_delete": fk.on_delete,
                               "on_update": fk.on_update} for fk in e.foreign_keys]}
        if e.is_fts:
            o = e.fts_options
            t["fts_options"] = {"tokenizer": o.tokenizer, "tokenizer_args": list(o.tokenizer_args),
                                "content_table": o.content_table,
                                "language_id_column": o.language_id_column_name, "match_info": o.match_info,
                                "not_indexed_columns": list(o.not_indexed_columns),
                                "prefix_sizes": list(o.prefix_sizes), "order": o.preferred_order}
        tables.append(t)
    return {"version": db.version, "identity_hash": db.identity_hash, "format": schema.style.era,
            "tables": tables, "views": [{"name": v.view_name, "query": v.query} for v in db.views]}


@click.command()
@click.argument("version", required=False)
@schemas_option
@format_option("text", "json", "markdown")
def show(version, schemas, db, fmt):
    """Summarise one schema VERSION (default: the newest): tables, columns with
    affinity, NOT NULL and default, primary keys, indices, foreign keys, views, FTS."""
    proj = project(schemas, db, required=not (version and not version.isdigit()))
    schema = load_version(version or _pick_latest(proj), proj)
    data = schema_summary(schema)
    if fmt == "json":
        emit_json(data)
        return EXIT_OK
    template = "show.md.j2" if fmt == "markdown" else "show.txt.j2"
    echo(render(template, s=data, database=proj.database or "", bold=lambda t: style(t, bold=True)), nl=False)
    return EXIT_OK


def _schema_files(refs, schemas, db) -> list:
    """The files ``validate`` and ``hash`` read: each ref a version number or a path, as everywhere;
    none means every version of the database."""

    if not refs:
        folder = project(schemas, db).folder
        assert folder is not None  # required=True: no folder is bad input before this
        return list(version_files(folder).values())
    folder = project(schemas, db).folder if any(r.isdigit() for r in refs) else None
    return [resolve_version(r, folder) for r in refs]


@click.command()
@click.argument("files", nargs=-1)
@schemas_option
@format_option("text", "json")
def validate(files, schemas, db, fmt):
    """Validate schema FILES (default: every version of the database) against
    Room's export format (JSON Schema, draft 2020-12) and Room's rules: unique
    names, known columns, foreign keys to a primary key or unique index, file name
    matching the version, identity hash and setup queries."""
    from roomschema.schema.validation import file_errors

    results = []
    for path in _schema_files(files, schemas, db):
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise RoomSchemaError(err.strerror or str(err), file=path) from None
        errors = file_errors(path, raw, shown(path))
        if not errors:
            # Valid by the format and Room's rules; SQLite must also run every statement.
            sql_error = statement_error(load(path))
            errors = [str(sql_error)] if sql_error else []
        results.append((shown(path), errors))
    bad = sum(1 for _, e in results if e)
    if fmt == "json":
        emit_json({"files": [{"file": n, "valid": not e, "errors": e} for n, e in results],
                   "valid": bad == 0})
    else:
        for name, errors in results:
            for line in errors:
                click.echo(line)
        click.echo(f"{len(results) - bad} of {len(results)} schema files valid", err=bool(bad))
    return EXIT_FINDINGS if bad else EXIT_OK


@click.command("hash")
@click.argument("files", nargs=-1)
@schemas_option
@format_option("text", "json")
def hash_cmd(files, schemas, db, fmt):
    """Print the stored and the recomputed Room identity hash of FILES (default:
    every version), and whether they match. Exit 1 when any does not."""

    paths = _schema_files(files, schemas, db)
    # In order, so each version's view-whitespace search starts from its predecessor's answer.
    results = check_history([load(p) for p in paths])
    rows = [{"file": str(p), **r.to_json()} for p, r in zip(paths, results)]
    if fmt == "json":
        emit_json({"files": rows, "all_match": all(r["match"] for r in rows)})
    else:
        for r in rows:
            mark = style("match", fg="green") if r["match"] else style("MISMATCH", fg="red", bold=True)
            algo = f" ({r['algorithm']})" if r["algorithm"] == "legacy" else ""
            computed = r["computed"] if r["algorithm"] != "legacy" else r["legacy"]
            note = f"  {r['note']}" if r["note"] else ""
            echo(f"{Path(r['file']).name}  stored {r['stored']}  computed {computed}  {mark}{algo}{note}")
    return EXIT_OK if all(r["match"] for r in rows) else EXIT_FINDINGS
