"""verify: prove a migration (generated, SQL file or Kotlin file) on real SQLite."""
from __future__ import annotations

import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import click

from roomschema.cli.common import (EXIT_DECISION, EXIT_FINDINGS, EXIT_OK, echo, emit_json, format_option,
                          project, schemas_option, style)
from roomschema.errors import RoomSchemaError
from roomschema.cli.options import (DeclarationFlags, check_expectations_for, declaration_options, declarations_for,
                                    expectation_options, min_sdk_for)

MODES = {"both": ("legacy_alter_table=ON", "legacy_alter_table=OFF"),
         "framework": ("legacy_alter_table=ON",), "stock": ("legacy_alter_table=OFF",)}


def _kotlin_steps(path: Path, old: int, new: int, line: Optional[int] = None):
    """The statements of ``Migration(old, new)`` in a Kotlin file, or why they cannot be verified."""
    from roomschema.migration.sources import KotlinUnreadable, MigrationNotFound, UnverifiableMigration, migration_steps

    try:
        return migration_steps("kotlin", path, old, new, line=line), []
    except KotlinUnreadable as err:
        raise RoomSchemaError(err.message, path="--kotlin") from None
    except MigrationNotFound as err:
        if err.matching and line is None:
            # Several in one file: verify the first, as it always has.
            return _kotlin_steps(path, old, new, err.matching[0].line)
        if err.matching:
            raise
        have = ", ".join(f"Migration({m.start}, {m.end})" for m in err.declared) or "none"
        if err.unreadable:  # one whose versions could not be told may be it: not verifiable, not absent
            return (), [f"no Migration({old}, {new}) that roomschema could read (found: {have}); it may be one it "
                        f"could not read:"] + [f"{path.name}:{u.line}: {u.name or 'a Migration'} could not be read: "
                                                f"{u.reason}" for u in err.unreadable]
        raise RoomSchemaError(f"no Migration({old}, {new}) in this file (found: {have})", file=path) from None
    except UnverifiableMigration as err:
        return (), [f"{path.name}:{s.line}: {s.reason}" for s in err.statements]


def _steps_for(proj, old, new, flags: DeclarationFlags, sql_file, kotlin_file):
    """(steps, declarations, plan-or-None, problems) for one pair."""
    from roomschema.migration.plan import plan_migration
    from roomschema.migration.sources import migration_steps

    check_expectations_for(proj, old, new, flags)
    decl = declarations_for(proj, old.version, new.version, flags)
    if sql_file:
        return migration_steps("sql", sql_file, old.version, new.version), decl, None, []
    if kotlin_file:
        steps, problems = _kotlin_steps(Path(kotlin_file), old.version, new.version)
        return steps, decl, None, problems
    plan = plan_migration(old, new, decl, min_sdk=min_sdk_for(proj, flags))
    return plan.steps, decl, plan, []


@dataclass(frozen=True)
class RunOptions:
    """How verify seeds, runs and times each migration (the flags after the declarations)."""

    rows: int
    per_table: Optional[int]
    mode: str
    hazard: bool
    keep: Optional[str]
    max_seconds: float
    max_lock: float


def _verify(old, new, steps, decl, opts: RunOptions, name, runner=None, source: Optional[str] = None):
    from roomschema.verify import verify_migration
    from roomschema.verify.outside import made_for
    made = made_for(Path(source), old, steps) if source else None
    rows = opts.rows if opts.per_table is None else {
        e.table_name: opts.per_table for e in old.database.entities}
    return verify_migration(old, new, steps, declarations=decl, rows=rows, modes=MODES[opts.mode],
                            hazard_pass=opts.hazard, keep_dir=opts.keep, max_seconds=opts.max_seconds,
                            max_lock=opts.max_lock, database_name=name, runner=runner, made_elsewhere=made)


def _jvm_runner(kotlin_file: str, old: int, new: int):
    """``(runner, note)``: the compiled Migration(old, new) to run on the JVM, or None and why not."""
    from roomschema.verify.jvm import JvmRunner, JvmUnavailable, load_program
    try:
        program = load_program([Path(kotlin_file)], primary=Path(kotlin_file))
    except JvmUnavailable as err:
        raise RoomSchemaError(f"--jvm: {err}", path="--jvm") from None
    if program.path(old, new) is None:
        return None, (f"not run on the JVM ({program.why_not(old, new)}); "
                      "verified by the static replay of its SQL instead")
    return JvmRunner(program, old, new), "compiled with kotlinc and run on the JVM (sqlite-jdbc): its real migrate()"


@click.command()
@click.argument("from_ref", metavar="FROM", required=False)
@click.argument("to_ref", metavar="TO", required=False)
@schemas_option
@declaration_options
@expectation_options
@click.option("--sql", "sql_file", metavar="FILE", help="Verify this hand-written SQL migration.")
@click.option("--kotlin", "kotlin_file", metavar="FILE",
              help="Verify the Migration(FROM, TO) of this Kotlin or Java file (its execSQL string literals).")
@click.option("--jvm", is_flag=True,
              help="With --kotlin: compile the file (and what it imports from its source tree) and run its real "
                   "migrate() on the seeded database; falls back to the static replay when it needs the app's "
                   "other classes. Needs kotlinc, a JDK and sqlite-jdbc.")
@click.option("--all", "all_pairs", is_flag=True,
              help="Every consecutive pair, then the whole chain oldest -> newest as Room runs it.")
@click.option("--rows", type=click.IntRange(0), default=10_000, show_default=True,
              help="Rows seeded at FROM in all, spread over its tables (the strategy's 10,000 records).")
@click.option("--rows-per-table", type=click.IntRange(0), default=None,
              help="Seed this many rows in every table instead.")
@click.option("--mode", type=click.Choice(list(MODES)), default=None,
              help="framework: legacy_alter_table=ON (Android's SQLite); stock: OFF (bundled/KMP drivers); "
                   "both. Default: stock when the Gradle files use the bundled driver "
                   "(androidx.sqlite:sqlite-bundled), else both.")
@click.option("--no-hazard", is_flag=True, help="Skip the pass with foreign keys ON that finds cascade deletions.")
@click.option("--keep", metavar="DIR", help="Keep the databases in DIR instead of a temporary folder.")
@click.option("--max-seconds", type=click.FloatRange(0), default=5.0, show_default=True,
              help="Fail when the migration takes longer (the strategy: 5 s for 10,000 records).")
@click.option("--max-lock", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Fail when the write lock (the migration's transaction) is held longer.")
@format_option("text", "json")
def verify(from_ref, to_ref, schemas, db, sql_file, kotlin_file, jvm, all_pairs, rows, rows_per_table, mode,
           no_hazard, keep, max_seconds, max_lock, fmt, flags):
    """Prove the migration FROM -> TO (default: the newest pair) on a real SQLite
    database: build FROM as MigrationTestHelper does, seed rows, migrate as Room does
    (foreign keys off, one exclusive transaction), validate as Room does, then check
    every row and value, foreign keys, integrity, indices and timings.

    Verifies the generated migration unless --sql or --kotlin names a hand-written
    one. Exit 0 verified, 1 failed (or not verifiable), 2 bad input, 3 a decision is
    needed before anything can be generated.
    """
    if sql_file and kotlin_file:
        raise RoomSchemaError("give --sql or --kotlin, not both", path="--sql/--kotlin")
    if jvm and not kotlin_file:
        raise RoomSchemaError("--jvm runs the code of a --kotlin FILE; give --kotlin too", path="--jvm")
    if rows_per_table is not None and \
            click.get_current_context().get_parameter_source("rows") is not click.core.ParameterSource.DEFAULT:
        raise RoomSchemaError("give --rows (in all) or --rows-per-table, not both", path="--rows/--rows-per-table")
    if all_pairs and (from_ref or sql_file or kotlin_file):
        raise RoomSchemaError("--all verifies the generated migrations of every pair; drop FROM/TO/--sql/--kotlin",
                              path="--all")
    proj = project(schemas, db, required=any(r is None or r.isdigit() for r in (from_ref, to_ref)))
    # The bundled driver's SQLite is stock SQLite on every platform: no framework behaviour to run.
    mode = mode or ("stock" if proj.build.bundled_sqlite else "both")
    opts = RunOptions(rows=rows, per_table=rows_per_table, mode=mode, hazard=not no_hazard, keep=keep,
                      max_seconds=max_seconds, max_lock=max_lock)
    if all_pairs:
        return _verify_all(proj, flags, opts, fmt)
    from roomschema.cli.diffing import pair
    old, new = pair(proj, from_ref, to_ref)
    runner, jvm_note = _jvm_runner(kotlin_file, old.version, new.version) if jvm else (None, "")
    try:
        steps, decl, plan, problems = _steps_for(proj, old, new, flags, sql_file, kotlin_file)
    except RoomSchemaError:
        if runner is None:
            raise
        # The real code runs: what the static reader cannot read does not matter (bad declarations do).
        check_expectations_for(proj, old, new, flags)
        steps, decl, plan, problems = (), declarations_for(proj, old.version, new.version, flags), None, []
    if runner is not None:
        problems = []
    if plan is not None and plan.decisions:
        from roomschema.cli.migrations import _decision_report
        _decision_report(plan, fmt, proj.config)
        return EXIT_DECISION
    if problems:
        return _not_verifiable(old, new, problems, fmt, jvm_note,
                               "not verifiable: SQL built at run time cannot be checked")
    from roomschema.migration.sources import NotVerifiable
    try:
        report = _verify(old, new, steps, decl, opts, proj.database, runner=runner, source=kotlin_file or sql_file)
    except NotVerifiable as err:
        # Decided only on the database at hand (a guard it cannot answer, a table or module
        # from outside the schema): the migration is not verifiable here, not wrong input.
        return _not_verifiable(old, new, [err.message], fmt, jvm_note, "not verifiable")
    if jvm_note:
        for m in report.modes:
            m.notes.insert(0, jvm_note)
    if fmt == "json":
        emit_json(report.to_json())
    else:
        echo(report.to_text(), nl=False)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _not_verifiable(old, new, problems: list, fmt: str, jvm_note: str, headline: str) -> int:
    if fmt == "json":
        emit_json({"from": old.version, "to": new.version, "ok": False, "verifiable": False, "problems": problems})
    else:
        echo(style(headline, fg="red", bold=True), err=True)
        for p in problems:
            echo(f"  {p}", err=True)
        if jvm_note:
            echo(f"  {jvm_note.split('; verified by')[0]}", err=True)
    return EXIT_FINDINGS


def _verify_all(proj, flags: DeclarationFlags, opts: RunOptions, fmt):
    from roomschema.migration.declarations import chain
    from roomschema.schema.discovery import load_history
    from roomschema.migration.plan import plan_migration

    history = load_history(proj.folder)
    versions = list(history)
    if len(versions) < 2:
        raise RoomSchemaError("need at least two versions", file=proj.folder)
    results, chain_steps, chain_decl, blocked = [], [], None, []
    pairs = list(zip(versions, versions[1:]))
    stream = sys.stderr
    show_bar = fmt != "json" and stream.isatty()
    with click.progressbar(pairs, label="verifying", file=stream, show_pos=True,
                           item_show_func=lambda p: f"{p[0]}->{p[1]}" if p else "") if show_bar \
            else nullcontext(pairs) as bar:
        for a, b in bar:
            old, new = history[a], history[b]
            check_expectations_for(proj, old, new, flags)
            decl = declarations_for(proj, a, b, flags)
            plan = plan_migration(old, new, decl, min_sdk=min_sdk_for(proj, flags))
            if plan.decisions:
                blocked.append(plan)
                results.append({"from": a, "to": b, "ok": False, "decisions": [d.to_json() for d in plan.decisions]})
                continue
            report = _verify(old, new, plan.steps, decl, opts, proj.database)
            results.append({"from": a, "to": b, "ok": report.ok, "report": report})
            chain_steps += list(plan.steps)
            chain_decl = decl if chain_decl is None else chain(chain_decl, decl)
    chain_result = None
    if not blocked and len(pairs) > 1:
        # Room's findMigrationPath over the consecutive migrations is all of them, in order.
        report = _verify(history[versions[0]], history[versions[-1]], chain_steps, chain_decl, opts, proj.database)
        chain_result = {"from": versions[0], "to": versions[-1], "ok": report.ok, "report": report}
    ok = not blocked and all(r["ok"] for r in results) and (chain_result is None or chain_result["ok"])
    if fmt == "json":
        def js(r):
            return {k: (v.to_json() if k == "report" else v) for k, v in r.items()}
        emit_json({"ok": ok, "pairs": [js(r) for r in results], "chain": js(chain_result) if chain_result else None})
    else:
        for r in results + ([chain_result] if chain_result else []):
            label = f"{r['from']} -> {r['to']}" + (" (chain)" if r is chain_result else "")
            if "decisions" in r:
                echo(f"{style('DECISION', fg='magenta', bold=True)} {label}: "
                     + "; ".join(d["flags"][0] for d in r["decisions"]))
            elif r["ok"]:
                echo(f"{style('ok', fg='green')}       {label}")
            else:
                echo(f"{style('FAILED', fg='red', bold=True)}   {label}")
                echo(r["report"].to_text(), nl=False)
        n_ok = sum(1 for r in results if r["ok"])
        echo(f"{n_ok} of {len(results)} pairs verified" + (f", {len(blocked)} need a decision" if blocked else "")
             + (f"; chain {chain_result['from']} -> {chain_result['to']} "
                f"{'verified' if chain_result['ok'] else 'FAILED'}" if chain_result else ""))
    if blocked and all(r["ok"] for r in results if "decisions" not in r):
        return EXIT_DECISION
    return EXIT_OK if ok else EXIT_FINDINGS

