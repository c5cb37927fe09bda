"""The command line over the AVA example: diff, generate, show, hash, validate, discovery."""
from __future__ import annotations

import json
import shutil

import pytest

from helpers import AVA, CORPUS, requires_corpus, run_cli
from roomschema.schema import compose
from roomschema.schema.loader import load
from roomschema.schema.writer import dumps


def test_diff_ava_prints_the_four_seed_changes_all_additive(project):
    r = run_cli("diff", "1", "2", cwd=project)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for text in ("table attachments added", "conversations.tags: column added (TEXT)",
                 "messages.edited_at: column added (INTEGER)",
                 "messages.edit_count: column added (INTEGER NOT NULL DEFAULT 0)",
                 "table user_profiles added", "conversations.user_id: column added (TEXT)"):
        assert text in out
    assert "All changes are additive and backward compatible." in out
    assert "rebuild" not in out and "destructive" not in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_diff_json_has_stable_keys(project):
    r = run_cli("diff", "1", "2", "--format", "json", cwd=project)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) >= {"from", "to", "changes", "additive_only", "backward_compatible", "counts"}
    assert (data["from"], data["to"], data["additive_only"]) == (1, 2, True)
    assert {c["kind"] for c in data["changes"]} == {"table-added", "column-added"}
    for c in data["changes"]:
        assert set(c) == {"kind", "table", "column", "class", "backward_compatible", "summary", "details"}
        assert c["class"] == "additive"


def test_diff_markdown_and_exit_code(project):
    r = run_cli("diff", "1", "2", "--format", "markdown", cwd=project)
    assert r.returncode == 0 and r.stdout.startswith("### Room schema 1 → 2")
    assert "| additive | table attachments added" in r.stdout
    assert run_cli("diff", "1", "2", "--exit-code", cwd=project).returncode == 1
    assert run_cli("diff", "2", "2", "--exit-code", cwd=project).returncode == 0


def test_colour_only_when_forced_and_no_color_wins(project):
    r = run_cli("diff", "1", "2", cwd=project, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert r.returncode == 0 and "\x1b[" in r.stdout
    r = run_cli("diff", "1", "2", cwd=project, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert r.returncode == 0 and "\x1b[" not in r.stdout


def test_generate_sql_to_stdout_and_files(project):
    r = run_cli("generate", "1", "2", cwd=project)
    assert r.returncode == 0
    assert "ALTER TABLE `messages` ADD COLUMN `edit_count` INTEGER NOT NULL DEFAULT 0;" in r.stdout
    assert r.stdout.startswith("-- Migration 1 -> 2 of com.augmentalis.ava.core.data.AVADatabase")
    out = project / "out"
    r = run_cli("generate", "1", "2", "--sql", out / "m.sql", "--kotlin", out / "M.kt", "--test", out / "T.kt",
                "--auto-spec", out / "Spec.kt", cwd=project)
    assert r.returncode == 0, r.stderr
    kt = (out / "M.kt").read_text()
    assert "package com.augmentalis.ava.core.data.migrations" in kt
    assert "val MIGRATION_1_2: Migration = object : Migration(1, 2)" in kt
    assert 'db.execSQL("ALTER TABLE `messages` ADD COLUMN `edit_count` INTEGER NOT NULL DEFAULT 0")' in kt
    assert "AutoMigration(from = 1, to = 2)" in (out / "Spec.kt").read_text()
    # never overwrite without --force, and write nothing at all then
    before = (out / "m.sql").read_text()
    (out / "m.sql").write_text("edited")
    r = run_cli("generate", "1", "2", "--sql", out / "m.sql", "--kotlin", out / "new.kt", cwd=project)
    assert r.returncode == 2 and "m.sql: exists; pass --force" in r.stderr
    assert not (out / "new.kt").exists() and (out / "m.sql").read_text() == "edited"
    assert run_cli("generate", "1", "2", "--sql", out / "m.sql", "--force", cwd=project).returncode == 0
    assert (out / "m.sql").read_text() == before


def test_generate_all_writes_missing_pairs_beside_the_schemas(project):
    r = run_cli("generate", cwd=project)
    assert r.returncode == 0, r.stderr
    folder = project / "app" / "migrations" / AVA.name
    assert sorted(p.name for p in folder.iterdir()) == ["Migration_1_2.kt", "Migrations.kt", "migration_1_2.sql"]
    assert "MIGRATION_1_2," in (folder / "Migrations.kt").read_text()
    assert (folder / "migration_1_2.sql").stat().st_mode & 0o644 == 0o644
    r = run_cli("generate", cwd=project)
    assert r.returncode == 0 and "nothing to do" in r.stdout


def test_generate_connection_api(project):
    r = run_cli("generate", "1", "2", "--kotlin", "-", "--kotlin-api", "connection", "--package", "x.y", cwd=project)
    assert r.returncode == 0 and "override fun migrate(connection: SQLiteConnection)" in r.stdout
    assert 'connection.execSQL("CREATE TABLE IF NOT EXISTS `attachments`' in r.stdout
    assert r.stdout.startswith("package x.y")


def test_rollback_lists_what_it_cannot_bring_back(project):
    r = run_cli("generate", "2", "1", "--format", "json", cwd=project)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert "table attachments" in data["not_restored"] and "column messages.edit_count" in data["not_restored"]
    assert "DROP TABLE `attachments`" in data["statements"]


def _drop_column_project(project):
    """Version 2 with messages.intent gone and messages.purpose (TEXT) added at the end."""
    v2 = load(AVA / "2.json")

    def edited(e):
        if e.table_name != "messages":
            return e
        fields = [f for f in e.fields if f.column_name != "intent"] + [compose.field("purpose")]
        return compose.entity(e.table_name, fields, e.primary_key.column_names, e.primary_key.auto_generate,
                              e.indices, e.foreign_keys)
    schema = compose.schema(2, [edited(e) for e in v2.database.entities], v2.database.views)
    (project / "app" / "schemas" / AVA.name / "2.json").write_text(dumps(schema))


def test_removed_column_is_a_decision_exit_3_nothing_written(project):
    _drop_column_project(project)
    r = run_cli("generate", "1", "2", "--sql", project / "m.sql", cwd=project)
    assert r.returncode == 3
    assert "Column 'intent' in table 'messages' has been either removed or renamed." in r.stderr
    assert "--rename-column messages.intent=purpose" in r.stderr
    assert "--delete-column messages.intent" in r.stderr
    assert '@DeleteColumn(tableName = "messages", columnName = "intent")' in r.stderr
    assert not (project / "m.sql").exists()
    r = run_cli("diff", "1", "2", cwd=project)
    assert r.returncode == 0 and "did you mean --rename-column messages.intent=purpose?" in r.stdout
    r = run_cli("generate", "1", "2", "--rename-column", "messages.intent=purpose", cwd=project)
    assert r.returncode == 0 and "SELECT `id`,`conversation_id`" in r.stdout and "`intent`" in r.stdout


def test_declarations_from_config(project):
    _drop_column_project(project)
    (project / "pyproject.toml").write_text(
        '[tool.roomschema]\nmin_sdk = 30\n[tool.roomschema.migrations."1-2"]\n'
        'rename_columns = { "messages.intent" = "purpose" }\n')
    r = run_cli("generate", "1", "2", cwd=project)
    assert r.returncode == 0, r.stderr
    # messages also gains columns and keeps its index: with min_sdk 30 it is still a rebuild
    # unless the rename is the only change; here the new columns are plain ADD COLUMNs first.
    assert "purpose" in r.stdout


def test_show_formats(project):
    r = run_cli("show", cwd=project)
    assert r.returncode == 0 and "version 2" in r.stdout and "user_profiles" in r.stdout
    r = run_cli("show", "1", "--format", "json", cwd=project)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["version"] == 1 and [t["name"] for t in data["tables"]][:2] == ["conversations", "messages"]
    msgs = data["tables"][1]
    assert msgs["foreign_keys"][0]["on_delete"] == "CASCADE"
    assert msgs["indices"][0]["columns"] == ["conversation_id", "timestamp"]
    r = run_cli("show", "2", "--format", "markdown", cwd=project)
    assert r.returncode == 0 and "### `attachments`" in r.stdout
    assert "| `edit_count` | INTEGER | yes | `0` |" in r.stdout


def test_hash_and_validate(project):
    r = run_cli("hash", "--format", "json", cwd=project)
    assert r.returncode == 0 and json.loads(r.stdout)["all_match"] is True
    f = project / "app" / "schemas" / AVA.name / "2.json"
    f.write_text(f.read_text().replace('"notNull": true,\n            "defaultValue": "0"',
                                       '"notNull": false,\n            "defaultValue": "0"', 1))
    r = run_cli("hash", f, cwd=project)
    assert r.returncode == 1 and "MISMATCH" in r.stdout
    r = run_cli("validate", cwd=project)
    assert r.returncode == 1 and "2.json: $.database.identityHash: identityHash" in r.stdout


def test_validate_reports_json_path(tmp_path):
    # Raw JSON on purpose: the model cannot hold an affinity Room does not have.
    doc = json.loads((AVA / "1.json").read_text())
    doc["database"]["entities"][3]["fields"][1]["affinity"] = "TEXTT"
    (tmp_path / "1.json").write_text(json.dumps(doc))
    r = run_cli("validate", tmp_path / "1.json", cwd=tmp_path)
    assert r.returncode == 1
    assert "1.json: $.database.entities[3].fields[1].affinity: 'TEXTT' is not one of " \
           "['TEXT', 'INTEGER', 'REAL', 'BLOB']" in r.stdout


def test_semantic_rules(tmp_path):
    # Raw JSON on purpose: compose cannot build a reference to a missing table or column.
    doc = json.loads((AVA / "1.json").read_text())
    ents = doc["database"]["entities"]
    ents[1]["foreignKeys"][0]["table"] = "nowhere"
    ents[2]["indices"][0]["columnNames"] = ["ghost"]
    ents[0]["fields"].append(dict(ents[0]["fields"][0]))
    (tmp_path / "3.json").write_text(json.dumps(doc))
    r = run_cli("validate", tmp_path / "3.json")
    assert r.returncode == 1, r.stderr
    out = r.stdout
    assert "3.json: $.database.version: version 1 does not match the file name 3.json" in out
    assert "$.database.entities[1].foreignKeys[0].table: foreign key references unknown table 'nowhere'" in out
    assert "$.database.entities[2].indices[0].columnNames[0]: index 'index_train_examples_example_hash' " \
           "names unknown column 'ghost'" in out
    assert "$.database.entities[0].fields[7].columnName: duplicate column 'id'" in out


def test_discovery_several_databases_needs_db(project):
    shutil.copytree(AVA, project / "lib" / "schemas" / "com.example.OtherDatabase")
    r = run_cli("show", cwd=project)
    assert r.returncode == 2
    assert "several databases found, choose one with --db NAME" in r.stderr
    assert "com.augmentalis.ava.core.data.AVADatabase" in r.stderr and "com.example.OtherDatabase" in r.stderr
    assert run_cli("show", "--db", "OtherDatabase", cwd=project).returncode == 0
    assert run_cli("show", "--db", "Nope", cwd=project).returncode == 2


def test_versions_by_path(tmp_path):
    r = run_cli("diff", AVA / "1.json", AVA / "2.json", cwd=tmp_path)
    assert r.returncode == 0 and "table attachments added" in r.stdout


def test_help_and_version_everywhere():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("roomschema, version ")
    from roomschema.cli.main import COMMANDS
    core = {"show", "validate", "hash", "diff", "generate", "verify", "check", "docs", "backup", "restore", "migrate"}
    assert core <= set(COMMANDS)
    listing = run_cli("--help").stdout
    for cmd in COMMANDS:
        assert f"  {cmd} " in listing, cmd
        r = run_cli(cmd, "--help")
        assert r.returncode == 0 and "Usage: roomschema " + cmd in r.stdout


@requires_corpus
def test_corpus_decision_pair_lists_fill_flags():
    folder = CORPUS / "android__nowinandroid" / "com.google.samples.apps.nowinandroid.core.database.NiaDatabase"
    r = run_cli("generate", "2", "3", "--schemas", folder)
    assert r.returncode == 3
    # The evident rename is suggested; the new NOT NULL column it explains is not asked about.
    assert "Did you mean --rename-column topics.description=shortDescription?" in r.stderr
    assert "New NOT NULL column'shortDescription'" not in r.stderr
    r = run_cli("generate", "2", "3", "--schemas", folder, "--delete-column", "topics.description")
    assert r.returncode == 3
    assert "New NOT NULL column'shortDescription' added with no default value specified." in r.stderr
    assert "--fill topics.shortDescription=<SQL value>" in r.stderr
    r = run_cli("generate", "2", "3", "--schemas", folder, "--rename-column", "topics.description=shortDescription")
    assert r.returncode == 0 and "SELECT `id`,`name`,`description`" in r.stdout


def test_config_points_at_schemas_and_db(tmp_path):
    shutil.copytree(AVA, tmp_path / "core" / "database" / "schemas" / AVA.name)
    shutil.copytree(AVA, tmp_path / "other" / "schemas" / "com.example.Second")
    (tmp_path / "roomschema.toml").write_text('schemas = "core/database/schemas"\n')
    sub = tmp_path / "app" / "src"
    sub.mkdir(parents=True)
    r = run_cli("show", "1", "--format", "json", cwd=sub)  # found by walking up to roomschema.toml
    assert r.returncode == 0, r.stderr
    (tmp_path / "roomschema.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.roomschema]\ndb = "Second"\n')
    r = run_cli("diff", "1", "2", cwd=tmp_path)
    assert r.returncode == 0 and "(com.example.Second)" in r.stdout


SPELLINGS = ['[tool.roomschema]\nmin_sdk = 23\n', '[ tool . "roomschema" ]\nmin_sdk = 23\n',
             '[tool]\nroomschema = { min_sdk = 23 }\n', 'tool.roomschema.min_sdk = 23\n',
             'tool = { roomschema = { min_sdk = 23 } }\n', '[project]\nname = "x"\n[tool.roomschema.migrations."1-2"]\n']


@pytest.mark.parametrize("text", SPELLINGS)
def test_every_spelling_of_the_pyproject_table_is_read(tmp_path, text):
    from roomschema.config import find_config
    (tmp_path / "pyproject.toml").write_text(text)
    config = find_config(tmp_path)
    assert config.path == tmp_path / "pyproject.toml"
    assert config.min_sdk == 23 or (1, 2) in config.migrations


def test_another_tools_pyproject_is_not_ours_to_reject(tmp_path):
    """A Python repository's pyproject.toml without our table is read past; one that is
    not TOML at all cannot say whether it holds our table, so it is one line naming it."""
    shutil.copytree(AVA, tmp_path / "app" / "schemas" / AVA.name)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "roomschema"\n[tool.black]\nline-length = 100\n')
    r = run_cli("diff", "1", "2", cwd=tmp_path)
    assert r.returncode == 0 and "additive" in r.stdout, r.stderr
    for text in ('[project]\nname = "roomschema"\n[tool.black]\nline-length = [\n', '[tool.roomschema]\nmin_sdk = [\n'):
        (tmp_path / "pyproject.toml").write_text(text)
        r = run_cli("diff", "1", "2", cwd=tmp_path)
        assert r.returncode == 2 and "pyproject.toml: invalid TOML" in r.stderr and r.stderr.count("\n") == 1


def test_gradle_plugin_layout_at_any_depth(tmp_path):
    shutil.copytree(AVA, tmp_path / "feature" / "chat" / "data" / "schemas" / AVA.name)
    r = run_cli("diff", "1", "2", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["to"] == 2


def test_version_and_help_do_not_load_the_heavy_libraries():
    """`--version` and the top-level `--help` answer without Jinja, jsonschema or
    deepdiff, and the library's names are there on the package."""
    import subprocess
    import sys
    code = ("import sys; from roomschema.cli.main import main\n"
            "for argv in (['--version'], ['--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit as e:\n        assert e.code in (0, None), e.code\n"
            "loaded = [m for m in ('jinja2', 'jsonschema', 'deepdiff') if m in sys.modules]\n"
            "assert not loaded, loaded\n"
            "import roomschema\n"
            "assert roomschema.load.__module__ == 'roomschema.schema.loader' and roomschema.Schema.__name__ == 'Schema'\n"
            "from roomschema import Entity, parse\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "roomschema, version " in r.stdout and "Usage: roomschema" in r.stdout
