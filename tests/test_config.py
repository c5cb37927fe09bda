"""Settings: read once into a typed Config, every value checked when the file is read.

A bad value is one line naming the file and the key, exit 2, before any command
writes anything; a good one does what the matching flag does; a flag given on
the command line wins over the setting.
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import AVA, FQCN, run_cli
from roomschema.config import DEFAULT_MIN_SDK, Config, find_config
from roomschema.schema import compose
from roomschema.schema.loader import load
from roomschema.schema.writer import dumps


def _project(root: Path, v2=None) -> Path:
    """AVA's 1.json, and as 2.json AVA's own or ``v2`` (a Schema)."""
    folder = root / "app" / "schemas" / FQCN
    folder.mkdir(parents=True)
    shutil.copy(AVA / "1.json", folder / "1.json")
    if v2 is None:
        shutil.copy(AVA / "2.json", folder / "2.json")
    else:
        (folder / "2.json").write_text(dumps(v2))
    return root


def _messages_changed(change) -> object:
    """AVA 1 with its ``messages`` fields passed through ``change``, as version 2."""
    s = load(AVA / "1.json")
    ents = []
    for e in s.database.entities:
        if e.table_name == "messages":
            e = compose.entity(e.table_name, change(list(e.fields)), e.primary_key.column_names,
                               e.primary_key.auto_generate, e.indices, e.foreign_keys)
        ents.append(e)
    return compose.schema(2, ents, s.database.views)


def _intent_renamed():
    return _messages_changed(lambda fields: [replace(f, field_path="purpose", column_name="purpose")
                                             if f.column_name == "intent" else f for f in fields])


def _score_added():
    return _messages_changed(lambda fields: fields + [compose.field("score", "INTEGER", not_null=True)])


def _files(root: Path) -> dict:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


# ---- bad settings: one line naming file and key, exit 2, nothing written -------------------------

BAD = [
    # (settings, pair settings, the key the message names, what it says)
    ('require_why = "no"', "", "require_why", "expected true or false, got 'no'"),
    ('require_backward_compatible = 1', "", "require_backward_compatible", "expected true or false, got 1"),
    ('kotlin_api = "banana"', "", "kotlin_api", "expected support, connection or room3, got 'banana'"),
    ('test_kind = "ios"', "", "test_kind", "expected android, jvm or kmp, got 'ios'"),
    ('package = "com.example.1bad"', "", "package", "not a Kotlin package name: 'com.example.1bad'"),
    ('package = 42', "", "package", "expected a non-empty string, got 42"),
    ('min_sdk = "23"', "", "min_sdk", "expected an integer"),
    ('min_sdk = true', "", "min_sdk", "expected an integer"),
    ('min_sdk = 0', "", "min_sdk", "expected an Android API level from 1 to 100, got 0"),
    ('output = 7', "", "output", "expected a non-empty string, got 7"),
    ('schemas = ["app/schemas"]', "", "schemas", "expected a non-empty string, got ['app/schemas']"),
    ('released = 1.5', "", "released", "expected the last released version (an integer) or a git tag (a string)"),
    ('gaps = "55"', "", "gaps", "expected a list such as [55] or [[54, 56]]"),
    ('auto_migrations = [[1]]', "", "auto_migrations",
     "expected a list of [from, to] pairs such as [[1, 2], [2, 3]]"),
    ("", 'allow_drops = "no"', 'migrations."1-2".allow_drops', "expected true or false, got 'no'"),
    ("", 'auto_migration = "yes"', 'migrations."1-2".auto_migration', "expected true or false, got 'yes'"),
    ("", 'rename_columns = { "nodot" = "x" }', 'migrations."1-2".rename_columns',
     "expected TABLE.COLUMN, got 'nodot'"),
    ("", 'rename_tables = { "a" = "" }', 'migrations."1-2".rename_tables', "expected a name, got ''"),
    ("", 'rename_tables = ["a=b"]', 'migrations."1-2".rename_tables',
     """expected a table such as { "old" = "new" }, got ['a=b']"""),
    ("", 'delete_tables = "legacy"', 'migrations."1-2".delete_tables',
     """expected a list such as ["legacy"], got 'legacy'"""),
    ("", 'delete_columns = ["messages"]', 'migrations."1-2".delete_columns', "expected TABLE.COLUMN, got 'messages'"),
    ("", 'fill = { "messages.score" = 0 }', 'migrations."1-2".fill',
     "expected an SQL expression (a string) for 'messages.score', got 0"),
    ("", 'allow = [3]', 'migrations."1-2".allow', "expected KIND:TABLE or KIND:TABLE.COLUMN, got 3"),
]


def _write(root: Path, name: str, top: str, pair: str) -> Path:
    if name == "roomschema.toml":
        text = top + "\n" + (f'[migrations."1-2"]\n{pair}\n' if pair else "")
    else:
        text = ("[project]\nname = \"app\"\n[tool.roomschema]\n" + top + "\n"
                + (f'[tool.roomschema.migrations."1-2"]\n{pair}\n' if pair else ""))
    path = root / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["roomschema.toml", "pyproject.toml"])
@pytest.mark.parametrize("top, pair, key, message", BAD, ids=[b[2] + ":" + (b[0] or b[1]) for b in BAD])
def test_a_bad_setting_is_one_line_naming_file_and_key(tmp_path, name, top, pair, key, message):
    root = _project(tmp_path)
    _write(root, name, top, pair)
    before = _files(root)
    out = root / "out"
    r = run_cli("generate", "1", "2", "--sql", out / "m.sql", "--kotlin", out / "M.kt", cwd=root)
    assert r.returncode == 2, r.stderr
    assert r.stderr == f"roomschema: error: {name}: {key}: {message}\n"
    assert r.stdout == "" and _files(root) == before and not out.exists()


@pytest.mark.parametrize("name", ["roomschema.toml", "pyproject.toml"])
def test_database_class_is_no_longer_a_setting(tmp_path, name):
    """It was accepted and never used; now it is refused like any unknown key."""
    root = _project(tmp_path)
    _write(root, name, "database_class = 42", "")
    r = run_cli("generate", "1", "2", "--sql", root / "m.sql", cwd=root)
    assert r.returncode == 2
    assert r.stderr.startswith(f"roomschema: error: {name}: unknown setting 'database_class' (known: ")
    assert r.stderr.count("\n") == 1 and not (root / "m.sql").exists()


def test_a_bad_setting_stops_commands_that_do_not_read_it(tmp_path):
    """Checked when read, not when used: `diff` never generates Kotlin, and still says where the bad value is."""
    root = _project(tmp_path)
    _write(root, "roomschema.toml", 'kotlin_api = "banana"', "")
    r = run_cli("diff", "1", "2", cwd=root)
    assert r.returncode == 2 and r.stderr == (
        "roomschema: error: roomschema.toml: kotlin_api: expected support, connection or room3, got 'banana'\n")


def test_a_bad_package_flag_is_still_blamed_on_the_flag(tmp_path):
    root = _project(tmp_path)
    _write(root, "roomschema.toml", 'package = "com.example.ok"', "")
    r = run_cli("generate", "1", "2", "--kotlin", root / "M.kt", "--package", "1bad", cwd=root)
    assert r.returncode == 2 and r.stderr == "roomschema: error: --package: not a Kotlin package name: '1bad'\n"
    assert not (root / "M.kt").exists()


def test_require_why_string_is_refused_before_check_runs(tmp_path):
    """``require_why = "no"`` used to be truthy and turned every empty why into an error."""
    root = _project(tmp_path)
    _write(root, "roomschema.toml", 'require_why = "no"', "")
    r = run_cli("check", cwd=root)
    assert r.returncode == 2
    assert r.stderr == "roomschema: error: roomschema.toml: require_why: expected true or false, got 'no'\n"


# ---- good settings behave as the flags do, and flags win -------------------------------------------

def _generated(root: Path, *args) -> str:
    r = run_cli("generate", "1", "2", "--kotlin", "-", *args, cwd=root)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_settings_generate_what_the_same_flags_generate(tmp_path):
    flags_root = _project(tmp_path / "flags", _intent_renamed())
    by_flags = _generated(flags_root, "--kotlin-api", "connection", "--package", "com.example.mig",
                          "--min-sdk", "30", "--rename-column", "messages.intent=purpose")
    config_root = _project(tmp_path / "config", _intent_renamed())
    _write(config_root, "pyproject.toml", 'kotlin_api = "connection"\npackage = "com.example.mig"\nmin_sdk = 30',
           'rename_columns = { "messages.intent" = "purpose" }')
    assert _generated(config_root) == by_flags
    assert "package com.example.mig" in by_flags and "SQLiteConnection" in by_flags
    assert "RENAME COLUMN `intent` TO `purpose`" in by_flags  # min_sdk 30 reached the planner


def test_flags_override_settings(tmp_path):
    root = _project(tmp_path, _intent_renamed())
    _write(root, "roomschema.toml", 'kotlin_api = "connection"\npackage = "com.example.a"\nmin_sdk = 30',
           'rename_columns = { "messages.intent" = "purpose" }')
    text = _generated(root, "--kotlin-api", "support", "--package", "com.example.b", "--min-sdk", "21")
    assert "package com.example.b" in text and "SupportSQLiteDatabase" in text and "SQLiteConnection" not in text
    assert "RENAME COLUMN" not in text and "`purpose`" in text  # below API 30 the rename is a rebuild


def test_a_fill_flag_overrides_the_configured_fill(tmp_path):
    root = _project(tmp_path, _score_added())
    _write(root, "roomschema.toml", "", 'fill = { "messages.score" = "11" }')
    r = run_cli("generate", "1", "2", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "`metadata`,(11) FROM `messages`" in r.stdout
    r = run_cli("generate", "1", "2", "--fill", "messages.score=97", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "`metadata`,(97) FROM `messages`" in r.stdout and "(11)" not in r.stdout


def test_without_a_fill_the_new_not_null_column_is_a_decision(tmp_path):
    """The fixture above really needs its fill: without one, generate stops (exit 3)."""
    root = _project(tmp_path, _score_added())
    r = run_cli("generate", "1", "2", cwd=root)
    assert r.returncode == 3 and "--fill messages.score=" in r.stderr


# ---- the loader ----------------------------------------------------------------------------------

def test_the_loader_types_every_setting(tmp_path):
    (tmp_path / "roomschema.toml").write_text(
        'schemas = "app/schemas"\ndb = "AVADatabase"\nmin_sdk = 26\noutput = "gen"\npackage = "a.b"\n'
        'kotlin_api = "connection"\ndocs = "docs/DB.md"\nreleased = "v2.3"\ngaps = [5, [7, 10]]\n'
        'require_why = true\nrequire_backward_compatible = false\nauto_migrations = [[1, 2]]\n'
        '[migrations."3-4"]\nrename_tables = { "old" = "new" }\nrename_columns = { "t.a" = "b" }\n'
        'delete_tables = ["gone", "gone"]\ndelete_columns = ["t.c"]\nfill = { "t.d" = "0" }\nallow_drops = true\n'
        'allow = ["rebuild:t"]\nauto_migration = true\n')
    c = find_config(tmp_path)
    assert (c.path, c.root) == (tmp_path / "roomschema.toml", tmp_path)
    assert c.path_of("schemas") == tmp_path / "app" / "schemas" and c.path_of("docs") == tmp_path / "docs" / "DB.md"
    assert (c.db, c.min_sdk, c.output, c.package, c.kotlin_api) == ("AVADatabase", 26, "gen", "a.b", "connection")
    assert c.released == "v2.3" and c.gaps == {5, 8, 9} and c.require_why is True
    assert c.auto_migrations == {(1, 2), (3, 4)}
    d = c.declarations(3, 4)
    assert dict(d.rename_tables) == {"old": "new"} and dict(d.rename_columns) == {("t", "a"): "b"}
    assert d.delete_tables == ("gone",) and d.delete_columns == (("t", "c"),)
    assert dict(d.fills) == {("t", "d"): "0"} and d.allow_drops is True
    assert c.pair(3, 4).allow == ("rebuild:t",) and c.pair(1, 2).allow == ()
    assert c.declarations(1, 2) == Config().declarations(1, 2)


def test_names_with_equals_signs_and_dots_are_kept_whole(tmp_path):
    """Configuration is not turned into OLD=NEW strings: a name holding '=' stays one name."""
    (tmp_path / "roomschema.toml").write_text(
        '[migrations."1-2"]\nrename_tables = { "a=b" = "c" }\nrename_columns = { "my.table.col" = "x=y" }\n')
    d = find_config(tmp_path).declarations(1, 2)
    assert dict(d.rename_tables) == {"a=b": "c"}
    assert dict(d.rename_columns) == {("my.table", "col"): "x=y"}


def test_no_file_means_the_defaults(tmp_path):
    (tmp_path / ".git").mkdir()  # the walk stops at the repository's top
    c = find_config(tmp_path)
    assert c.path is None and c.min_sdk == DEFAULT_MIN_SDK and c.kotlin_api is None and c.package is None
    assert c.require_why is False and c.gaps == frozenset() and not c.migrations


def test_another_tools_pyproject_is_passed_over(tmp_path):
    root = _project(tmp_path / "repo")
    (root / "roomschema.toml").write_text("min_sdk = 26\n")
    sub = root / "tools"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.black]\nline-length = 100\n')
    assert find_config(sub).path == root / "roomschema.toml" and find_config(sub).min_sdk == 26


def test_the_readme_configuration_example_loads(tmp_path):
    """The example a user copies is a valid file with every key in the table it belongs to."""
    from helpers import ROOT
    section = (ROOT / "README.md").read_text().split("## Configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(example)
    c = find_config(tmp_path)
    assert c.path == tmp_path / "pyproject.toml" and c.min_sdk == DEFAULT_MIN_SDK and c.released == 12
    assert c.gaps == {55, 57} and c.require_why is False and c.auto_migrations == {(1, 2)}
    assert c.pair(3, 4).allow == ("rebuild:messages", "drop-column:messages.old_flag")
    assert dict(c.declarations(3, 4).fills) == {("messages", "edit_count"): "0"}
