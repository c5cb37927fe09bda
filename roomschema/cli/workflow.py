"""check and docs: the migration checklist, and the history document that shows it."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from roomschema.cli.common import (EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, echo, emit_json, format_option,
                                   projects, schemas_option, style, versions_of)
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
    """Run the migration checklist over every database found (each build
    variant's or KMP target's schema folder on its own; --db for one): every N.json
    valid with the right identity hash; no version gaps; released schemas
    unchanged against git; a verified migration for every consecutive pair;
    non-additive changes acknowledged in config; a history entry and a why for
    every version. One line per finding with its rule id and fix; for CI,
    --format github (annotations on the pull request), sarif (code scanning)
    or markdown (a job summary or pull request comment). Variant folders of one
    database that disagree on a released version are a finding; so is
    fallbackToDestructiveMigration*() in the database builder code.

    Exit 0 when clean (warnings allowed), 1 on findings, 2 on bad input: the
    worst over the databases.
    Migrations are verified in fast mode (a few hundred rows) and the verdict is
    cached by the content of the files it depends on, in .roomschema-cache/ at
    the git top level (outside git: beside the config, else ~/.cache/roomschema).
    """
    from roomschema.check.run import run_all

    projs, labels = projects(schemas, db)
    checked = run_all(projs, labels, strict=strict, use_cache=not no_cache, verify=not no_verify,
                      released=released)
    if len(checked) == 1 and checked[0].error is not None:
        raise checked[0].error  # one database: bad input as before, one line and exit 2
    done = [c for c in checked if c.report is not None]
    for c in checked:
        if c.error is not None:
            echo(f"roomschema: error: {c.label}: {c.error}", err=True)
    if fmt in ("github", "sarif", "markdown"):
        from roomschema.check.formats import Checked, render
        click.echo(render(fmt, [Checked.of(c.label, c.report) for c in done]), nl=False)
    elif fmt == "json":
        if len(checked) == 1:
            emit_json(_report_json(done[0]))
        else:
            emit_json({"ok": all(_errors(c.report) == 0 for c in done) and len(done) == len(checked),
                       "errors": sum(_errors(c.report) for c in done),
                       "warnings": sum(len(c.report.findings) - _errors(c.report) for c in done),
                       "findings": [{"database": c.label, **f.to_json()} for c in done for f in c.report.findings],
                       "databases": [_report_json(c) if c.report is not None
                                     else {"database": c.label, "folder": str(c.proj.folder), "ok": False,
                                           "error": str(c.error)} for c in checked]})
    else:
        for c in done:
            _report_text(c)
        if len(checked) > 1:
            errors = sum(_errors(c.report) for c in done)
            warnings = sum(len(c.report.findings) for c in done) - errors
            bad = len(checked) - len(done)
            total = (f"{len(checked)} databases: {errors} error{'s' * (errors != 1)}, "
                     f"{warnings} warning{'s' * (warnings != 1)}"
                     + (f", {bad} not checked (bad input, above)" if bad else ""))
            click.echo(style(total, fg="red" if errors or bad else "green"))
    # The worst over the databases: bad input (2) over findings (1) over clean (0).
    if len(done) < len(checked):
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(_errors(c.report) for c in done) else EXIT_OK


def _errors(report) -> int:
    from roomschema.check.findings import ERROR
    return sum(1 for f in report.findings if f.severity == ERROR)


def _report_json(c) -> dict:
    report = c.report
    errors = _errors(report)
    return {"database": c.label, "folder": str(report.folder), "versions": report.versions,
            "ok": errors == 0, "errors": errors, "warnings": len(report.findings) - errors,
            "findings": [f.to_json() for f in report.findings],
            "pairs": [_pair_json(p) for p in report.pairs],
            "spans": [_pair_json(p) for p in report.spans], "notes": report.notes,
            "not_verified": [list(p) for p in report.not_verified]}


def _report_text(c) -> None:
    report = c.report
    errors = _errors(report)
    warnings = len(report.findings) - errors
    for f in report.findings:
        line = f.line()
        tag = f"{f.severity} [{f.rule}]"
        click.echo(line.replace(tag, style(tag, fg=_COLOUR[f.severity], bold=True), 1))
    for note in report.notes:
        click.echo(f"note: {note}")
    v = report.versions
    summary = (f"{c.label}: {len(v)} versions ({v[0]}..{v[-1]}), {errors} error{'s' * (errors != 1)}, "
               f"{warnings} warning{'s' * (warnings != 1)}; {_compat_line(report.pairs)}")
    unknown = report.not_verified
    if unknown:  # not verifiable: neither among the errors nor passed
        summary += (f"; {len(unknown)} version pair{'s' * (len(unknown) != 1)} not verified ("
                    + ", ".join(f"{a}->{b}" for a, b in unknown) + ")")
    click.echo(style(summary, fg="red" if errors else "green"))


def _write(path: Path, text: str, option: Optional[str]) -> None:
    write_all({path: text}, {path: option} if option else None)


@click.command()
@schemas_option
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 when the document is out of date.")
@click.option("--output", metavar="FILE",
              help="The document (default: docs in config, else <module>/migrations/<Database>/MIGRATIONS.md).")
@click.option("--no-cache", is_flag=True, help="Verify again instead of reusing .roomschema-cache/.")
def docs(schemas, db, check_only, output, no_cache):
    """Write the migration history document of every database found (one per
    database, shared by its variant folders): per version, its tables, the
    change from the version before and its class, the why (kept from the
    existing document), the checklist state, the rollback plan and a Mermaid
    ER diagram. Only the text between <!-- why:N --> and <!-- /why:N --> is
    yours; everything else is regenerated.
    """
    from roomschema.render.history import doc_path

    projs, labels = projects(schemas, db)
    groups: dict = {}   # one document per database, however many variant folders share it
    for proj in projs:
        doc = Path(output) if output else doc_path(proj)
        groups.setdefault(doc.resolve(), (doc, []))[1].append(proj)
    for doc, members in groups.values():
        names = sorted({p.database for p in members})
        if len(names) > 1:
            where = "--output" if output else ("docs (config)" if projs[0].config.docs else "the default path")
            raise RoomSchemaError(f"one document for several databases ({', '.join(names)}); choose one with "
                                  f"--db NAME", file=doc, path=where)
    codes = []
    for doc, members in groups.values():
        # The variant folder with the newest version writes it: the others' versions are in it too.
        proj = max(members, key=lambda p: max(versions_of(p), default=0))
        others = [labels[p.folder] for p in members if p is not proj]
        try:
            codes.append(_one_doc(proj, doc, check_only, output, no_cache, others))
        except RoomSchemaError as err:
            if len(projs) == 1:
                raise
            echo(f"roomschema: error: {labels[proj.folder]}: {err}", err=True)
            codes.append(EXIT_BAD_INPUT)
    return max(codes, default=EXIT_OK)


def _one_doc(proj, doc: Path, check_only: bool, output, no_cache: bool, others: list) -> int:
    from roomschema.check.findings import display
    from roomschema.check.run import run
    from roomschema.render.history import parse_entries, render_history

    shared = f" (shared with {', '.join(others)})" if others else ""
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
        click.echo(f"{display(doc)}: up to date{shared}")
        return EXIT_OK
    if check_only:
        click.echo(f"{display(doc)}: out of date{shared}; run `roomschema docs` (it keeps every why)")
        return EXIT_FINDINGS
    _write(doc, text, "--output" if output else None)
    click.echo(f"wrote {display(doc)}{shared}")
    return EXIT_OK
