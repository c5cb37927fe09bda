"""check and docs: the migration checklist, and the history document that shows it."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from roomschema.cli.common import EXIT_FINDINGS, EXIT_OK, emit_json, format_option, project, schemas_option, style
from roomschema.errors import RoomSchemaError
from roomschema.files import write_all

_COLOUR = {"error": "red", "warning": "yellow"}


def _pair_json(p) -> dict:
    d = p.diff
    return {"from": p.old, "to": p.new, "classification": (d.worst or "no change") if d else None,
            "backward_compatible": d.backward_compatible if d else None,
            "migrations": [{"kind": s.kind, "file": str(s.path) if s.path else None, "verified": s.ok,
                            "summary": s.summary, **({"line": s.line} if s.line else {})} for s in p.sources],
            "verified": p.verified}


def _compat_line(pairs) -> str:
    known = [p for p in pairs if p.diff is not None]
    broken = [f"{p.old}->{p.new}" for p in known if not p.diff.backward_compatible]
    text = f"backward compatible: {len(known) - len(broken)} of {len(known)} version pairs"
    return text + (f"; not: {', '.join(broken)}" if broken else "")


@click.command()
@schemas_option
@format_option("text", "json", "github", "sarif", "markdown")
@click.option("--strict", is_flag=True, help="Treat warnings (an empty why, an unused allow entry) as errors.")
@click.option("--no-verify", is_flag=True, help="Check that each migration exists without running it.")
@click.option("--no-cache", is_flag=True, help="Verify again instead of reusing .roomschema-cache/.")
@click.option("--released", metavar="VERSION|REF",
              help="Released schemas: the last released version, or a git tag/branch whose N.json files "
                   "shipped (default: released in config, else every N.json committed at HEAD).")
def check(schemas, db, fmt, strict, no_verify, no_cache, released):
    """Run the migration checklist over the whole schema folder: every N.json
    valid with the right identity hash; no version gaps; released schemas
    unchanged against git; a verified migration for every consecutive pair;
    non-additive changes acknowledged in config; a history entry and a why for
    every version. One line per finding with its rule id and fix; for CI,
    --format github (annotations on the pull request), sarif (code scanning)
    or markdown (a job summary or pull request comment).

    Exit 0 when clean (warnings allowed), 1 on findings, 2 on bad input.
    Migrations are verified in fast mode (a few hundred rows) and the verdict is
    cached by the content of the files it depends on, in .roomschema-cache/ at
    the git top level (outside git: beside the config, else ~/.cache/roomschema).
    """
    from roomschema.check.findings import ERROR
    from roomschema.check.run import run

    proj = project(schemas, db)
    report = run(proj, strict=strict, use_cache=not no_cache, verify=not no_verify, released=released)
    errors = sum(1 for f in report.findings if f.severity == ERROR)
    warnings = len(report.findings) - errors
    if fmt in ("github", "sarif", "markdown"):
        from roomschema.check.formats import Checked, render
        click.echo(render(fmt, [Checked.of(proj.database, report)]), nl=False)
    elif fmt == "json":
        emit_json({"database": proj.database, "folder": str(report.folder), "versions": report.versions,
                   "ok": errors == 0, "errors": errors, "warnings": warnings,
                   "findings": [f.to_json() for f in report.findings],
                   "pairs": [_pair_json(p) for p in report.pairs],
                   "spans": [_pair_json(p) for p in report.spans], "notes": report.notes})
    else:
        for f in report.findings:
            line = f.line()
            tag = f"{f.severity} [{f.rule}]"
            click.echo(line.replace(tag, style(tag, fg=_COLOUR[f.severity], bold=True), 1))
        for note in report.notes:
            click.echo(f"note: {note}")
        v = report.versions
        summary = (f"{proj.database}: {len(v)} versions ({v[0]}..{v[-1]}), {errors} error{'s' * (errors != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)}; {_compat_line(report.pairs)}")
        click.echo(style(summary, fg="red" if errors else "green"))
    return EXIT_FINDINGS if errors else EXIT_OK


def _write(path: Path, text: str, option: Optional[str]) -> None:
    write_all({path: text}, {path: option} if option else None)


@click.command()
@schemas_option
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 when the document is out of date.")
@click.option("--output", metavar="FILE",
              help="The document (default: docs in config, else <module>/migrations/<Database>/MIGRATIONS.md).")
@click.option("--no-cache", is_flag=True, help="Verify again instead of reusing .roomschema-cache/.")
def docs(schemas, db, check_only, output, no_cache):
    """Write the migration history document: per version, its tables, the
    change from the version before and its class, the why (kept from the
    existing document), the checklist state, the rollback plan and a Mermaid
    ER diagram. Only the text between <!-- why:N --> and <!-- /why:N --> is
    yours; everything else is regenerated.
    """
    from roomschema.check.findings import display
    from roomschema.check.run import run
    from roomschema.render.history import doc_path, parse_entries, render_history

    proj = project(schemas, db)
    doc = Path(output) if output else doc_path(proj)
    if doc.is_dir():
        raise RoomSchemaError("is a directory, expected the Markdown file", file=doc, path="--output")
    report = run(proj, use_cache=not no_cache)
    invalid = [f for f in report.findings if f.rule == "schema-invalid"]
    if invalid:
        raise RoomSchemaError(f"{invalid[0].message}; fix it first (roomschema check lists every problem)")
    try:
        existing = doc.read_text(encoding="utf-8") if doc.exists() else ""
    except (OSError, UnicodeDecodeError) as err:
        raise RoomSchemaError(f"cannot read it: {err}", file=doc) from None
    text = render_history(proj, report, parse_entries(existing)[1], doc)
    if text == existing:
        click.echo(f"{display(doc)}: up to date")
        return EXIT_OK
    if check_only:
        click.echo(f"{display(doc)}: out of date; run `roomschema docs` (it keeps every why)")
        return EXIT_FINDINGS
    _write(doc, text, "--output" if output else None)
    click.echo(f"wrote {display(doc)}")
    return EXIT_OK
