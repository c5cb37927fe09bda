"""The ``roomschema`` executable: one look at the arguments before click loads.

``roomschema diff`` is what pre-commit hooks and CI scripts run on every
commit, and importing click alone costs 2.5x the interpreter's start-up
(BENCHMARKS.md, part 1). So the forms such a script uses (versions or paths,
``--schemas``, ``--db``, ``--format``, ``--exit-code``) run here, through the
same function as the click command (commands/diffing.py). Everything else
goes to the click CLI, which stays the one definition of every command: any
other command, ``--help``, an option or spelling this parser does not know, a
repeated option, and output to a terminal (colour), so nothing a person sees
can differ between the two paths.
"""
from __future__ import annotations

import sys

_VALUED = {"--schemas": "schemas", "--db": "db", "--format": "fmt"}
_FORMATS = ("text", "json", "markdown")


def _diff_arguments(args: list):
    """The diff command's arguments, or None when click should parse them."""
    values: dict = {}
    refs: list = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in _VALUED:
            if not eq:
                if i + 1 >= len(args):
                    return None
                i += 1
                value = args[i]
            if _VALUED[name] in values or value.startswith("-"):
                return None
            values[_VALUED[name]] = value
        elif arg == "--exit-code":
            if "exit_code" in values:
                return None
            values["exit_code"] = True
        elif arg.startswith("-") or len(refs) == 2:
            return None
        else:
            refs.append(arg)
        i += 1
    if values.get("fmt", "text") not in _FORMATS:
        return None
    return refs, values


def _quick_diff(args: list):
    """Exit status of ``roomschema diff ARGS``, or None to leave it to click."""
    from .cli_common import use_colour

    parsed = _diff_arguments(args)
    if parsed is None or use_colour(sys.stdout) or use_colour(sys.stderr):
        return None
    from .commands.diffing import diff_output
    from .errors import RoomSchemaError

    refs, values = parsed
    refs += [None] * (2 - len(refs))
    try:
        text, code = diff_output(refs[0], refs[1], values.get("schemas"), values.get("db"),
                                 values.get("fmt", "text"), values.get("exit_code", False), {})
    except RoomSchemaError as err:
        message = f"roomschema: error: {err}\n"
        if "\x1b" in message:
            return None  # click.echo strips escape sequences off a pipe; let it
        sys.stderr.write(message)
        return err.exit_code
    if "\x1b" in text:
        return None
    sys.stdout.write(text)
    sys.stdout.flush()
    return code


def main(argv=None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["diff"]:
        try:
            code = _quick_diff(args[1:])
        except BrokenPipeError:  # as cli.main
            sys.exit(1)
        except KeyboardInterrupt:
            sys.stderr.write("roomschema: interrupted\n")
            sys.exit(130)
        if code is not None:
            sys.exit(code)
    from .cli import main as click_main
    click_main(args)


if __name__ == "__main__":
    main()
