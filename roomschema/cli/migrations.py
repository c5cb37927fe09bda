"""diff and generate."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import click

from roomschema.cli.common import (EXIT_DECISION, EXIT_OK, echo, emit_json, format_option, project, projects,
                                   schemas_option, style, versions_of)
from roomschema.errors import RoomSchemaError
from roomschema.files import shown, write_all
from roomschema.cli.diffing import diff_output, needs_folder, pair
from roomschema.cli.options import (DeclarationFlags, check_config_declarations, declaration_options,
                                    declarations_for, min_sdk_for)
from roomschema.config import KOTLIN_APIS, Config, TEST_KINDS
from roomschema.migration.declarations import applicable, unused
from roomschema.migration.rollback import lost_on_rollback, plan_either_way


@click.command("diff")
@click.argument("from_ref", metavar="FROM", required=False)
@click.argument("to_ref", metavar="TO", required=False)
@schemas_option
@format_option("text", "json", "markdown")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes, like git diff --exit-code.")
@click.option("--rename-table", multiple=True, metavar="OLD=NEW", help="Match a renamed table.")
@click.option("--rename-column", multiple=True, metavar="TABLE.OLD=NEW", help="Match a renamed column.")
@click.option("--delete-table", multiple=True, metavar="TABLE", help="Mark a removal as intended.")
@click.option("--delete-column", multiple=True, metavar="TABLE.COL", help="Mark a removal as intended.")
@click.option("--allow-drops", is_flag=True, help="Mark every removal as intended.")
def diff_cmd(from_ref, to_ref, schemas, db, fmt, exit_code, **kw):
    """Show what changed from version FROM to TO (default: the newest two), each
    change classified: additive, rebuild, destructive or data-dependent."""
    text, code = diff_output(from_ref, to_ref, schemas, db, fmt, exit_code, DeclarationFlags(**kw))
    echo(text, nl=False)
    return code


def _decision_report(plan, fmt, config=None):
    if fmt == "json":
        emit_json({"from": plan.old.version, "to": plan.new.version, "ok": False,
                   "decisions": [x.to_json() for x in plan.decisions]})
        return
    echo(style(f"{plan.old.version} -> {plan.new.version}: {len(plan.decisions)} decision"
                     f"{'s' if len(plan.decisions) != 1 else ''} needed; nothing was written.",
                     fg="red", bold=True), err=True)
    for x in plan.decisions:
        echo(f"\n  {x.message}", err=True)
        echo("    resolve with one of:", err=True)
        for flag in x.flags:
            echo(f"      {flag}", err=True)
        for r in x.room:
            echo(f"    Room: {r}", err=True)
    table = (config or Config()).pair_table(plan.old.version, plan.new.version)
    echo(f"\n  Or declare it for this pair in {table}.", err=True)


def write_outputs(outputs: dict, force: bool, options: Optional[dict] = None,
                  config_update: Optional[tuple] = None) -> list:
    """Write every ``{path or '-': text}`` or nothing: all checks before any write, and the
    files all at once (``write_all``), so a failing one leaves no other behind.
    ``options`` names the option each path came from, for the error; ``config_update``
    (file, text) is the configuration with the declarations recorded, written in the same batch."""

    options = options or {}
    files = {p: t for p, t in outputs.items() if p != "-"}
    for path in files:
        if Path(path).is_dir():
            raise RoomSchemaError("is a directory", file=Path(path), path=options.get(path))
        if Path(path).exists() and not force:
            raise RoomSchemaError("exists; pass --force to overwrite", file=Path(path))
    if config_update is not None:
        files[config_update[0]] = config_update[1]
    written = write_all(files, options)
    for path, text in outputs.items():
        if path == "-":
            sys.stdout.write(text)
    return written


def _output_options(fmt: str, given: dict) -> dict:
    """``{path: option}`` of generate's outputs; refused with one line, exit 2, when two of them
    share standard output or a file (the second would silently replace the first)."""
    by_path: dict = {}
    for option, path in given.items():
        if path:
            by_path.setdefault(path if path == "-" else str(Path(path).resolve()), []).append(option)
    for path, opts in by_path.items():
        if len(opts) > 1:
            what = "standard output ('-')" if path == "-" else "one file"
            raise RoomSchemaError(f"{' and '.join(opts)} cannot both go to {what}; give each its own",
                                  path="/".join(opts))
    if fmt == "json" and "-" in by_path:
        raise RoomSchemaError(f"--format json prints its report on standard output; give {by_path['-'][0]} a "
                              "file instead of '-'", path=f"{by_path['-'][0]} -")
    return {path: option for option, path in given.items() if path and path != "-"}


def _recorded(proj, old: int, new: int, given, text: Optional[str] = None) -> Optional[tuple]:
    """(configuration file, its new text) with the declarations ``given`` (flags, or what the flags
    declare) in the pair's table, or None."""
    from dataclasses import replace

    from roomschema.config_file import with_declarations
    if isinstance(given, DeclarationFlags):
        given = given.declarations()
    given = replace(given, expect_rows_removed=(), expect_values_changed=(), expect_rows_added=(),
                    assume_references=())
    return with_declarations(proj.config, old, new, given, text)


def build_plan(proj, old, new, flags: DeclarationFlags):
    """The plan FROM -> TO (a rollback when TO is older), the flags on top of the configuration."""
    check_config_declarations(proj, old, new)
    return plan_either_way(old, new, declarations_for(proj, old.version, new.version, flags),
                           min_sdk=min_sdk_for(proj, flags))


@click.command()
@click.argument("from_ref", metavar="FROM", required=False)
@click.argument("to_ref", metavar="TO", required=False)
@schemas_option
@declaration_options
@click.option("--sql", "sql_out", metavar="FILE", help="Write the SQL migration to FILE ('-' for stdout).")
@click.option("--kotlin", "kotlin_out", metavar="FILE", help="Write the Kotlin Migration to FILE ('-' for stdout).")
@click.option("--kotlin-api", type=click.Choice(KOTLIN_APIS), default=None,
              help="support: migrate(db: SupportSQLiteDatabase); connection: Room 2.7+ "
                   "migrate(connection: SQLiteConnection); room3: Room 3 (androidx.room3, suspend migrate over "
                   "SQLiteConnection). Default: kotlin_api in config, else room3 when the Gradle files use "
                   "androidx.room3, else support.")
@click.option("--package", metavar="NAME", help="Kotlin package (default: the database's package + .migrations).")
@click.option("--auto-spec", "auto_spec_out", metavar="FILE",
              help="Write the @AutoMigration line and AutoMigrationSpec class, when Room can do this pair.")
@click.option("--test", "test_out", metavar="FILE", help="Write a MigrationTestHelper test in Kotlin.")
@click.option("--test-kind", type=click.Choice(TEST_KINDS), default=None,
              help="Where --test runs: android (instrumentation test), jvm (host test on the bundled driver, "
                   "no emulator), kmp (commonTest). Default: test_kind in config, else android.")
@click.option("--output", "output_dir", metavar="DIR",
              help="Folder for generate without versions (default: <module>/migrations/<Database>/).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@format_option("text", "json")
def generate(from_ref, to_ref, schemas, db, sql_out, kotlin_out, kotlin_api, package, auto_spec_out, test_out,
             test_kind, output_dir, force, fmt, flags):
    """Write the migration from FROM to TO as SQL and Kotlin.

    Without versions, writes every consecutive pair that has no migration yet,
    for every database found (--db for one), into its output folder (SQL, Kotlin and Migrations.kt), never overwriting
    without --force. A removed table or column, or a NOT NULL column without
    default, needs a declaration first: exit 3 lists each with the flag that
    settles it and nothing is written. Generating FROM > TO writes a rollback
    (downgrade) migration and lists the data it cannot bring back.
    """
    from roomschema.render import code as render_code

    if from_ref is None:
        projs, labels = projects(schemas, db)
        if len(projs) > 1:
            return _generate_each(click.get_current_context(), projs, labels, output_dir, fmt)
    proj = project(schemas, db, required=needs_folder(from_ref, to_ref))
    api = kotlin_api or proj.config.kotlin_api or proj.build.kotlin_api
    if package:
        render_code.check_package(package)
    package = package or proj.config.package  # the setting was checked when the config was read
    if from_ref is None:
        return _generate_all(proj, api, package, output_dir, force, fmt, flags)
    old, new = pair(proj, from_ref, to_ref)
    plan = build_plan(proj, old, new, flags)
    if plan.decisions:
        _decision_report(plan, fmt, proj.config)
        return EXIT_DECISION
    outputs = {}
    if not (sql_out or kotlin_out or auto_spec_out or test_out) and fmt != "json":
        sql_out = "-"
    options = _output_options(fmt, {"--sql": sql_out, "--kotlin": kotlin_out, "--auto-spec": auto_spec_out,
                                    "--test": test_out})
    if sql_out:
        outputs[sql_out] = render_code.migration_sql(plan)
    if kotlin_out:
        outputs[kotlin_out] = render_code.migration_kotlin(plan, package, api)
    if auto_spec_out:
        if not render_code.auto_migration_expressible(plan):
            raise RoomSchemaError("Room's AutoMigration cannot do this pair as planned (it needs: "
                                  + "; ".join(s.deviation for s in plan.deviations if s.deviation)
                                  + ("fills" if plan.declarations.fills else "") + "); use --kotlin",
                                  path="--auto-spec")
        outputs[auto_spec_out] = render_code.auto_spec_kotlin(plan, package, api)
    if test_out:
        schema_directory = proj.build.schema_directory(proj.folder) if proj.folder else "schemas"
        outputs[test_out] = render_code.migration_test_kotlin(
            plan, package, api, test_kind or proj.config.test_kind, schema_directory=schema_directory,
            bundled=proj.build.bundled_sqlite)
    # What the flags declared is recorded where check, docs, verify and migrate read it, so they
    # judge the written migration by the same declarations; only with a file written.
    update = _recorded(proj, old.version, new.version, flags) if options else None
    written = write_outputs(outputs, force, options, update)
    recorded = written.pop() if update is not None else None
    lost = lost_on_rollback(plan) if new.version < old.version else []
    if fmt == "json":
        emit_json({"from": old.version, "to": new.version, "ok": True, "written": [str(p) for p in written],
                   "statements": [s.sql for s in plan.steps], "room_exact": plan.room_exact,
                   "deviations": [s.deviation for s in plan.deviations], "not_restored": lost,
                   "recorded": str(recorded) if recorded else None})
    else:
        for p in written:
            echo(f"wrote {shown(p)}", err=True)
        if recorded is not None:
            table = proj.config.pair_table(old.version, new.version).split(" of ")[0]
            echo(f"recorded the declarations in {shown(recorded)} {table}: check, docs, verify and migrate read "
                 f"them there", err=True)
        if lost:
            echo("rollback cannot bring back: " + ", ".join(lost), err=True)
    return EXIT_OK


def _generate_all(proj, api, package, output_dir, force, fmt, flags):
    from roomschema.render import code as render_code
    from roomschema.schema.discovery import load_history

    history = load_history(proj.folder)
    versions = list(history)
    out = Path(output_dir) if output_dir else render_code.default_output_dir(proj.folder, proj.config)
    pkg = package or None
    outputs, blocked, pairs, update = {}, [], [], None
    given, used = flags.declarations(), []
    for a, b in zip(versions, versions[1:]):
        pairs.append((a, b))
        sql_path, kt_path = out / render_code.sql_file_name(a, b), out / render_code.kotlin_file_name(a, b)
        if sql_path.exists() and kt_path.exists() and not force:
            continue
        # Without versions, each declaration flag goes to the pairs whose schemas it names.
        fits = applicable(given, history[a], history[b])
        used.append(fits)
        check_config_declarations(proj, history[a], history[b])
        plan = plan_either_way(history[a], history[b], proj.config.declarations(a, b).merged(fits),
                               min_sdk=min_sdk_for(proj, flags))
        if plan.decisions:
            blocked.append(plan)
            continue
        if force or not sql_path.exists():
            outputs[sql_path] = render_code.migration_sql(plan)
        if force or not kt_path.exists():
            outputs[kt_path] = render_code.migration_kotlin(plan, pkg, api)
        # Recorded for this pair, as for FROM TO.
        update = _recorded(proj, a, b, fits, update[1] if update else None) or update
    stray = unused(given, used)
    if stray:
        raise RoomSchemaError(f"{', '.join(stray)}: no version pair to generate has "
                              f"{'that table or column' if len(stray) == 1 else 'those tables or columns'}; "
                              f"give FROM and TO to generate the pair it is for", path=stray[0].split()[0])
    if blocked:
        for plan in blocked:
            _decision_report(plan, fmt, proj.config)
        return EXIT_DECISION
    all_path = out / "Migrations.kt"
    if pairs and (outputs or not all_path.exists() or force):
        outputs[all_path] = render_code.all_migrations_kotlin(
            pairs, render_code.check_package(pkg or render_code.default_package(proj.database)), proj.database, api)
    written = write_outputs(outputs, force=True, options={p: "--output" for p in outputs} if output_dir else None,
                            config_update=update)
    recorded = written.pop() if update is not None else None
    if recorded is not None and fmt != "json":
        echo(f"recorded the declarations in {shown(recorded)}: check, docs, verify and migrate read them there",
             err=True)
    if fmt == "json":
        data = {"output": str(out), "written": [str(p) for p in written], "pairs": [list(p) for p in pairs],
                "recorded": str(recorded) if recorded else None}
        collected = click.get_current_context().meta.get(_COLLECTED)
        if collected is not None:  # one database of several: _generate_each prints them together
            collected.append(data)
        else:
            emit_json(data)
    else:
        if not written:
            click.echo(f"nothing to do: every migration exists in {out}")
        for p in written:
            click.echo(f"wrote {shown(p)}")
    return EXIT_OK


_COLLECTED = "roomschema.generate.json"


def _generate_each(ctx, projs, labels, output_dir, fmt):
    """``generate`` without versions for every database found: each as if named alone with
    ``--schemas``, so each gets its own settings; exit status the worst of them."""
    from roomschema.render.code import default_output_dir
    outs: dict = {}
    for proj in projs:
        out = Path(output_dir) if output_dir else default_output_dir(proj.folder, proj.config)
        outs.setdefault(out.resolve(), set()).add(proj.database)
    for out, names in outs.items():
        if len(names) > 1:  # the same Migration_1_2.kt and Migrations.kt for two databases
            raise RoomSchemaError(f"one migrations folder for several databases ({', '.join(sorted(names))}); "
                                  f"choose one with --db NAME", file=out,
                                  path="--output" if output_dir else "output (config)")
    results = []
    ctx.meta[_COLLECTED] = results
    # Variant folders of one database share its migrations: the one with the newest version last,
    # so its Migrations.kt lists every pair.
    codes = []
    for proj in sorted(projs, key=lambda p: max(versions_of(p), default=0)):
        try:
            codes.append(ctx.invoke(generate, **{**ctx.params, "schemas": str(proj.folder), "db": None}) or EXIT_OK)
        except RoomSchemaError as err:
            echo(f"roomschema: error: {labels[proj.folder]}: {err}", err=True)
            codes.append(err.exit_code)
        else:
            if results and "database" not in results[-1]:
                results[-1] = {"database": labels[proj.folder], **results[-1]}
    if fmt == "json":
        emit_json({"databases": results})
    return max(codes)
