"""The executable's fast path for `diff` (roomschema/entry.py) against the click
command it stands in for: the same output, errors and exit status for every
form, and the modules it was written to avoid stay unloaded."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from roomschema import compose
from roomschema.writer import dumps

from conftest import AVA, CORPUS, ROOT, requires_corpus

CLICK = "import sys; from roomschema.cli import main; main(sys.argv[1:])"
ESC = "\x1b[31m"


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def both(args, cwd, **env):
    """(the executable, the click CLI forced) as (exit, stdout, stderr)."""
    runs = [[sys.executable, "-m", "roomschema", *args], [sys.executable, "-c", CLICK, *args]]
    out = [subprocess.run(a, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=120) for a in runs]
    return [(r.returncode, r.stdout, r.stderr) for r in out]


@pytest.fixture(scope="module")
def ava_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("ava")
    shutil.copytree(AVA, root / "app" / "schemas" / AVA.name)
    return root


FILE_1 = f"app/schemas/{AVA.name}/1.json"
FILE_2 = f"app/schemas/{AVA.name}/2.json"

FORMS = {
    "newest two": ["diff"],
    "versions": ["diff", "1", "2"],
    "backwards": ["diff", "2", "1"],
    "json": ["diff", "1", "2", "--format", "json"],
    "markdown, option first, =": ["diff", "--format=markdown", "1", "2"],
    "exit code": ["diff", "1", "2", "--exit-code"],
    "schemas folder": ["diff", "--schemas", "app/schemas", "1", "2"],
    "database by simple name": ["diff", "--db=AVADatabase", "1", "2"],
    "file paths": ["diff", FILE_1, FILE_2],
    "same file": ["diff", FILE_1, FILE_1, "--exit-code"],
    # errors: ours (exit 2, one line) and click's (usage)
    "missing version": ["diff", "1", "3"],
    "one version": ["diff", "1"],
    "missing file": ["diff", "nope/1.json", FILE_2],
    "unknown database": ["diff", "--db", "Nope", "1", "2"],
    "three versions": ["diff", "1", "2", "3"],
    "unknown format": ["diff", "--format", "xml", "1", "2"],
    "format in capitals": ["diff", "--format", "JSON", "1", "2"],
    "option without value": ["diff", "1", "2", "--schemas"],
    "repeated option": ["diff", "--format", "json", "--format", "markdown", "1", "2"],
    "flag with value": ["diff", "1", "2", "--exit-code=1"],
    "unknown option": ["diff", "--bogus", "1", "2"],
    "double dash": ["diff", "--", "1", "2"],
    "declaration": ["diff", "1", "2", "--delete-table", "nope"],
    "help": ["diff", "--help"],
    "short help": ["diff", "-h"],
}


@pytest.mark.parametrize("args", FORMS.values(), ids=FORMS.keys())
def test_every_form_answers_as_the_click_command(ava_project, args):
    fast, click = both(args, ava_project)
    assert fast == click
    assert "Traceback" not in fast[2]


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}], ids=["NO_COLOR", "FORCE_COLOR"])
def test_colour_settings_answer_as_the_click_command(ava_project, env):
    fast, click = both(["diff", "1", "2"], ava_project, **env)
    assert fast == click
    assert ("\x1b[" in fast[1]) == ("FORCE_COLOR" in env)


def test_outside_a_project_the_error_is_the_same(tmp_path):
    fast, click = both(["diff", "1", "2"], tmp_path)
    assert fast == click and fast[0] == 2 and fast[2].count("\n") == 1


def test_a_name_with_escape_codes_is_shown_as_click_shows_it(tmp_path):
    """Names are data: click strips escape sequences off a pipe, so the fast path hands such output to it."""
    folder = tmp_path / "schemas" / "com.example.Db"
    folder.mkdir(parents=True)
    base = compose.entity("a", [compose.field("id", "INTEGER", True)], primary_key=["id"])
    odd = compose.entity(f"evil{ESC}name", [compose.field("id", "INTEGER", True)], primary_key=["id"])
    (folder / "1.json").write_text(dumps(compose.schema(1, [base])), encoding="utf-8")
    (folder / "2.json").write_text(dumps(compose.schema(2, [base, odd])), encoding="utf-8")
    fast, click = both(["diff", "--schemas", str(folder), "1", "2"], tmp_path)
    assert fast == click and fast[0] == 0 and "table evilname added" in fast[1]
    fast, click = both(["diff", "--schemas", str(tmp_path / "schemas"), "--db", f"Db{ESC}", "1", "2"], tmp_path)
    assert fast == click and fast[0] == 2 and "Db" in fast[2] and "\x1b" not in fast[2]


@requires_corpus
def test_the_largest_corpus_history_answers_as_the_click_command():
    folder = max((p for p in CORPUS.glob("*/*") if p.is_dir()), key=lambda p: len(list(p.glob("*.json"))))
    versions = sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit())
    for a, b in [(versions[0], versions[-1]), (versions[-2], versions[-1])]:
        for fmt in ("text", "json"):
            fast, click = both(["diff", "--schemas", str(folder), str(a), str(b), "--format", fmt], ROOT)
            assert fast == click and fast[0] == 0 and fast[1]


def _loaded_after(args, cwd) -> set:
    code = ("import sys\nfrom roomschema.entry import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit as e:\n    code = e.code\n"
            "names = ('click', 'dataclasses', 'typing', 'inspect', 'jinja2', 'jsonschema', 'sqlite3')\n"
            "print(code, ' '.join(n for n in names if n in sys.modules), file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=_env(), capture_output=True, text=True)
    status, _, loaded = r.stderr.strip().splitlines()[-1].partition(" ")
    return status, set(loaded.split())


def test_diff_loads_neither_click_nor_dataclasses(ava_project):
    """What the fast path is for: the measured start-up (BENCHMARKS.md part 1)."""
    for args in (["diff", "1", "2"], ["diff", "1", "2", "--format", "json"], ["diff", "1", "3"]):
        status, loaded = _loaded_after(args, ava_project)
        assert status in ("0", "2") and loaded == set(), (args, loaded)
    # and anything it does not parse still reaches click
    status, loaded = _loaded_after(["diff", "--help"], ava_project)
    assert status == "0" and "click" in loaded


TOKENS = ["1", "2", "3", FILE_1, "--format", "json", "text", "markdown", "xml", "--format=json", "--schemas",
          "app/schemas", "--schemas=app", "--db", "AVADatabase", "--db=Nope", "--exit-code", "--exit-code=1",
          "-h", "--", "--bogus", "--delete-table", "nope", "", "-"]


def _in_process(main, argv) -> tuple:
    import contextlib
    import io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=6))
def test_any_arguments_answer_as_the_click_command(ava_project, tokens):
    """Random argument lists, in process: wherever the fast path answers, it answers as click does."""
    from roomschema.cli import main as click_main
    from roomschema.entry import main as entry_main
    here = os.getcwd()
    os.chdir(ava_project)
    try:
        assert _in_process(entry_main, ["diff", *tokens]) == _in_process(click_main, ["diff", *tokens])
    finally:
        os.chdir(here)
