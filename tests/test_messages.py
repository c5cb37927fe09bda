"""Messages that say what is wrong and where, and flags refused rather than ignored (issue #16)."""
from __future__ import annotations

import json
import shutil

import click
import pytest

from helpers import AVA, FQCN, one_error_line, run_cli
from roomschema.cli.main import COMMANDS, cli




# ---- paths as the user gave them -------------------------------------------------------------------

def test_a_missing_file_is_named_as_given_not_by_its_base_name(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "1.json"
    line = one_error_line(run_cli("diff", "1", elsewhere, cwd=project), "no such schema file")
    assert f"error: {elsewhere}: no such schema file" in line  # the project's own 1.json exists


def test_diff_of_two_files_names_their_database_not_the_current_one(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("other") / "app" / "schemas" / "com.example.OtherDatabase"
    other.mkdir(parents=True)
    for v in (1, 2):
        shutil.copy(AVA / f"{v}.json", other / f"{v}.json")
    r = run_cli("diff", other / "1.json", other / "2.json", cwd=project)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "1 -> 2 (com.example.OtherDatabase)"
    assert FQCN not in r.stdout
    r = run_cli("diff", other / "1.json", other / "2.json", "--format", "markdown", cwd=project)
    assert "`com.example.OtherDatabase`" in r.stdout and FQCN not in r.stdout
    # versions as numbers still name the project's database
    assert run_cli("diff", "1", "2", cwd=project).stdout.splitlines()[0] == f"1 -> 2 ({FQCN})"


@pytest.mark.parametrize("command", ["hash", "validate"])
def test_versions_are_numbers_for_hash_and_validate_too(project, command):
    r = run_cli(command, "2", cwd=project)
    assert r.returncode == 0, r.stderr
    r = run_cli(command, "1", "2", "--format", "json", cwd=project)
    assert r.returncode == 0, r.stderr
    assert [f["file"].rsplit("/", 1)[-1] for f in json.loads(r.stdout)["files"]] == ["1.json", "2.json"]
    one_error_line(run_cli(command, "7", cwd=project), "no 7.json", "versions: 1, 2")


# ---- a createSql SQLite cannot run ---------------------------------------------------------------

def _break_create_sql(project, version=1):
    path = project / "app" / "schemas" / FQCN / f"{version}.json"
    doc = json.loads(path.read_text())
    doc["database"]["entities"][0]["createSql"] = doc["database"]["entities"][0]["createSql"].replace(
        "CREATE TABLE", "CREATE TABEL")
    path.write_text(json.dumps(doc, indent=2))
    return path


SQL_ERROR = ("$.database.entities[0].createSql: SQLite cannot run it: near \"TABEL\": syntax error")


def test_validate_builds_every_schema_in_sqlite(project):
    _break_create_sql(project)
    r = run_cli("validate", cwd=project)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [f"app/schemas/{FQCN}/1.json: {SQL_ERROR}"]
    assert "1 of 2 schema files valid" in r.stderr


@pytest.mark.parametrize("args", [("verify", "1", "2", "--rows", "20"), ("docs",), ("show", "1")])
def test_other_commands_give_the_same_line(project, args):
    _break_create_sql(project)
    r = run_cli(*args, cwd=project)
    if args[0] == "show":  # show reads the file, it builds nothing
        assert r.returncode == 0
        return
    one_error_line(r, SQL_ERROR)


def test_check_reports_it_as_an_invalid_schema(project):
    _break_create_sql(project)
    r = run_cli("check", "--format", "json", cwd=project)
    assert r.returncode == 1, r.stderr
    invalid = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "schema-invalid"]
    assert [f["message"] for f in invalid] == [f"1.json: {SQL_ERROR}"]


def test_a_trigger_on_a_table_not_yet_created_is_found_too(project):
    """Room's FTS ordering quirk: a content table after its FTS table fails in MigrationTestHelper."""
    from roomschema.verify.build import statement_error
    from roomschema.schema.compose import entity, field, fts_entity, schema
    s = schema(1, [fts_entity("note_fts", [field("body")], content_table="note"),
                   entity("tag", [field("id", "INTEGER", True)], ["id"]),
                   entity("note", [field("id", "INTEGER", True), field("body")], ["id"])])
    err = statement_error(s)
    assert err is not None and err.path == "$.database.entities[0].contentSyncTriggers[0]"
    assert "no such table" in err.message
    assert statement_error(schema(1, [entity("t", [field("id", "INTEGER", True)], ["id"])])) is None


# ---- flags refused, not ignored -------------------------------------------------------------------

@pytest.mark.parametrize("args, named", [
    (("generate", "1", "2", "--sql", "a.sql", "--sql", "b.sql"), "--sql is given twice"),
    (("generate", "1", "2", "--sql=a.sql", "--sql", "b.sql"), "--sql is given twice"),
    (("diff", "1", "2", "--format", "json", "--format=text"), "--format is given twice"),
    (("verify", "1", "2", "--rows", "10", "--rows-per-table", "3"), "--rows/--rows-per-table"),
    (("verify", "1", "2", "--max-seconds", "-1"), "--max-seconds"),
    (("verify", "1", "2", "--max-lock", "-0.5"), "--max-lock"),
    (("generate", "1", "2", "--sql", "-", "--format", "json"), "--sql -"),
])
def test_contradictory_or_impossible_flags_are_one_line(project, args, named):
    r = run_cli(*args, cwd=project)
    one_error_line(r, named)
    assert r.stdout == ""
    assert not (project / "a.sql").exists() and not (project / "b.sql").exists()


def test_options_that_collect_values_may_repeat(project):
    r = run_cli("verify", "1", "2", "--rows", "20", "--expect-rows-removed", "messages",
                "--expect-rows-removed", "conversations", cwd=project)
    assert r.returncode == 0, r.stderr
    # a value that looks like an option is still a value
    r = run_cli("generate", "1", "2", "--sql", "--x.sql", cwd=project)
    assert r.returncode == 0 and (project / "--x.sql").is_file()


def test_a_minimum_sdk_out_of_range_in_configuration_is_one_line(project):
    (project / "roomschema.toml").write_text("min_sdk = 5000\n")
    for args in (("generate", "1", "2"), ("verify", "1", "2"), ("check",), ("diff", "1", "2")):
        one_error_line(run_cli(*args, cwd=project), "roomschema.toml: min_sdk:", "got 5000")


# ---- help says what the command does --------------------------------------------------------------

def _commands():
    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name) for name in COMMANDS}


def test_format_help_lists_exactly_the_formats_a_command_accepts():
    from roomschema.cli.common import FORMATS
    for name, cmd in _commands().items():
        for param in cmd.params:
            if param.name != "fmt":
                continue
            for fmt in FORMATS:
                mentioned = f"({fmt})" in (param.help or "")
                assert mentioned == (fmt in param.type.choices), (name, fmt, param.help)


def test_usage_shows_optional_arguments_in_brackets():
    for name, cmd in _commands().items():
        for param in cmd.params:
            if isinstance(param, click.Argument):
                metavar = param.make_metavar(click.Context(cmd))
                assert metavar.startswith("[") == (not param.required), (name, metavar)
    r = run_cli("generate", "--help")
    assert "Usage: roomschema generate [OPTIONS] [FROM] [TO]" in r.stdout


def test_a_usage_error_is_one_line():
    line = one_error_line(run_cli("diff", "--no-such-option"), "No such option")
    assert "roomschema diff --help" in line


# ---- README's exit-status table is what the commands do ----------------------------------------------

def test_readme_exit_status_table_names_every_status_and_the_cases_of_issue_16():
    from helpers import ROOT
    from roomschema.errors import DecisionRequired, RoomSchemaError
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("### Exit status", 1)[1].split("\n\n", 2)[1]
    rows = {int(line.split("|")[1]): line for line in table.splitlines()[2:]}
    assert sorted(rows) == [0, 1, 2, 3]
    assert RoomSchemaError.exit_code == 2 and DecisionRequired.exit_code == 3
    for words in ("SQLite refuses", "repeated option", "contradict", "output path that cannot be written"):
        assert words in rows[2], words
    assert "added to a database by hand" in rows[3]
    assert "runtime failure of `backup`, `restore` or `migrate`" in rows[1]
