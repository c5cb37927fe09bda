"""The ``roomschema`` command: a thin shell over the library.

Subcommands are imported only when run, so ``roomschema diff`` does not pay
for the verifier, jsonschema or Jinja.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from roomschema._version import __version__
from roomschema.errors import EXIT_BAD_INPUT, RoomSchemaError

# name -> (module, function, one-line help)
COMMANDS = {
    "show": ("roomschema.cli.inspect", "show", "Summarise one schema version."),
    "validate": ("roomschema.cli.inspect", "validate", "Check schema files against Room's format and rules."),
    "hash": ("roomschema.cli.inspect", "hash_cmd", "Recompute Room's identity hash of schema files."),
    "diff": ("roomschema.cli.migrations", "diff_cmd", "Show what changed between two versions, and the risk."),
    "generate": ("roomschema.cli.migrations", "generate", "Write the migration as SQL and Kotlin."),
    "verify": ("roomschema.cli.verify", "verify", "Prove a migration on a real SQLite database."),
    "check": ("roomschema.cli.workflow", "check", "Run the migration checklist (pre-commit hook)."),
    "docs": ("roomschema.cli.workflow", "docs", "Write or check the migration history document."),
    "backup": ("roomschema.cli.recovery", "backup", "Export every row of a database file as JSON."),
    "restore": ("roomschema.cli.recovery", "restore", "Recreate a database file from a JSON backup."),
    "migrate": ("roomschema.cli.recovery", "migrate", "Migrate a real database file safely, with backup."),
    "explain": ("roomschema.cli.explain", "explain", "Explain a Room migration crash: what differs, which version."),
    "dump": ("roomschema.cli.dump", "dump", "Recover the N.json Room would have exported from its database file."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name in COMMANDS if self._available(name)]

    @staticmethod
    def _available(name: str) -> bool:
        module = COMMANDS[name][0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx, name):
        entry = COMMANDS.get(name)
        if entry is None or not self._available(name):
            return None
        return _optional_in_usage(getattr(importlib.import_module(entry[0]), entry[1]))

    def resolve_command(self, ctx, args):
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None:
            refuse_repeated_options(cmd, rest)
        return name, cmd, rest

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _optional_in_usage(cmd: click.Command) -> click.Command:
    """The usage line shows an optional argument in brackets (``[FROM] [TO]``), as click does for
    arguments without a metavar of their own."""
    for param in cmd.params:
        if isinstance(param, click.Argument) and not param.required and param.metavar \
                and not param.metavar.startswith("["):
            param.metavar = f"[{param.metavar}]"
    return cmd


def refuse_repeated_options(cmd: click.Command, args: list) -> None:
    """A single-valued option given twice is refused (exit 2), not settled silently by the last one:
    ``--sql a.sql --sql b.sql`` would otherwise write only b.sql. Options that collect several
    values (``--fill``, ``--rename-column``) may repeat; a repeated flag changes nothing."""
    single, takes_value = {}, set()
    for param in cmd.params:
        if not isinstance(param, click.Option):
            continue
        for opt in param.opts + param.secondary_opts:
            if not param.is_flag and not param.count:
                takes_value.add(opt)
            if not (param.multiple or param.count or param.is_flag):
                single[opt] = param
    seen: dict = {}
    words = iter(args)
    for word in words:
        if word == "--":
            break
        if not word.startswith("-"):
            continue
        opt = word.split("=", 1)[0] if word.startswith("--") else word[:2]
        if opt in single:
            param = single[opt]
            if param.name in seen:
                raise click.UsageError(f"{seen[param.name]} is given twice; give it once")
            seen[param.name] = opt
        if opt in takes_value and "=" not in word and len(word) == len(opt):
            next(words, None)  # its value, even when the value starts with '-'


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="roomschema")
def cli():
    """Diff, generate and verify Android Room migrations from the exported schema JSON.

    Run it from your project: the schema folder (app/schemas/<fully.qualified.Database>/)
    is found by itself. Versions are numbers (1, 2) or paths to N.json files.

    Exit status: 0 success, 1 findings (changes with --exit-code, mismatches, failed
    verification) or a runtime failure of backup, restore or migrate (rolled back), 2 bad
    input (a file, an option, the configuration or an output path; one line on stderr,
    nothing written), 3 a decision only a person can make (a drop, a NOT NULL column
    without value, a column added by hand that migrate would drop).
    """


def main(argv=None) -> None:
    try:
        code = cli.main(args=argv, prog_name="roomschema", standalone_mode=False)
    except RoomSchemaError as err:
        click.echo(f"roomschema: error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("roomschema: aborted", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except click.UsageError as err:
        # One line, like every other bad input; the usage is one --help away.
        ctx = err.ctx
        where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        click.echo(f"roomschema: error: {err.format_message()}{where}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except click.ClickException as err:
        err.show()
        sys.exit(EXIT_BAD_INPUT if err.exit_code in (1, 2) else err.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("roomschema: interrupted", err=True)
        sys.exit(130)
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
