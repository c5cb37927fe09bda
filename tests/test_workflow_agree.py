"""check and the rest of the workflow agree (issue #16): what generate was told is what check, docs,
verify and migrate judge by; check's fixes work when pasted; a stale history is a finding; a
rollback undoes declared renames; migrate takes generate's declarations and asks before it drops
a column added by hand."""
from __future__ import annotations

import json
import sqlite3
import tomllib
from pathlib import Path

import pytest

from helpers import (AVA, FQCN, check, config, errors, make_db, make_repo, migrations, rules, run_cli, schemas,
                     write_schema, write_whys)
from roomschema.schema import compose
from roomschema.schema.loader import load


def _renamed(version: int):
    """AVA 2 with messages.content renamed to body."""
    s = load(AVA / "2.json")
    ents = []
    for e in s.database.entities:
        if e.table_name == "messages":
            fields = [compose.field("body", f.affinity, f.not_null, f.default_value) if f.column_name == "content"
                      else f for f in e.fields]
            e = compose.entity(e.table_name, fields, e.primary_key.column_names, e.primary_key.auto_generate,
                               e.indices, e.foreign_keys)
        ents.append(e)
    return compose.schema(version, ents, s.database.views)


@pytest.fixture
def repo(tmp_path):
    repo = make_repo(tmp_path / "project")
    write_schema(repo, _renamed(3))
    return repo


RENAME = ("--rename-column", "messages.content=body")
ACK = 'allow = ["column-renamed:messages.body"]\n'


def _one_error_line(r, *parts):
    assert r.returncode == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


# ---- what generate was told is recorded where the others read it ---------------------------------

def test_generate_records_a_rename_given_as_a_flag_and_check_judges_by_it(repo):
    r = run_cli("generate", *RENAME, cwd=repo)
    assert r.returncode == 0, r.stderr
    assert "recorded the declarations in roomschema.toml" in r.stderr
    settings = tomllib.loads((repo / "roomschema.toml").read_text())
    # only for the pair it names, though generate wrote two
    assert settings == {"migrations": {"2-3": {"rename_columns": {"messages.content": "body"}}}}
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    # The migration verifies (before: "expected None, found ..." and a hint to allow a removed column);
    # what is left is the policy's acknowledgement of a rename, and its fix is pasted as given.
    assert errors(data) == ["non-additive"], data["findings"]
    fix = data["findings"][0]["fix"]
    assert fix.endswith('allow = ["column-renamed:messages.body"] in [migrations."2-3"] of roomschema.toml')
    with open(repo / "roomschema.toml", "a") as fh:
        fh.write(ACK)
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    assert errors(data) == [], data["findings"]


def test_generate_from_to_records_only_when_it_writes_a_file(repo):
    r = run_cli("generate", "2", "3", *RENAME, cwd=repo)
    assert r.returncode == 0 and "INSERT INTO `_new_messages`" in r.stdout
    assert not (repo / "roomschema.toml").exists()  # a look at the SQL changes nothing
    r = run_cli("generate", "2", "3", *RENAME, "--sql", "m.sql", "--format", "json", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["recorded"] == str(repo / "roomschema.toml")
    assert "rename_columns" in (repo / "roomschema.toml").read_text()
    # once recorded, the same flags change nothing
    before = (repo / "roomschema.toml").read_text()
    assert run_cli("generate", "2", "3", *RENAME, "--sql", "m.sql", "--force", cwd=repo).returncode == 0
    assert (repo / "roomschema.toml").read_text() == before


def test_the_pyproject_table_is_edited_in_place_with_its_comments(repo):
    text = ('[project]\nname = "app"  # the app\n\n[tool.roomschema]\nmin_sdk = 24\n\n'
            '[tool.roomschema.migrations."2-3"]\nallow = ["column-renamed:messages.body"]  # reviewed\n\n'
            '[tool.black]\nline-length = 100\n')
    (repo / "pyproject.toml").write_text(text)
    r = run_cli("generate", "2", "3", *RENAME, "--sql", "m.sql", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert 'recorded the declarations in pyproject.toml [tool.roomschema.migrations."2-3"]' in r.stderr
    after = (repo / "pyproject.toml").read_text()
    assert after == text.replace('# reviewed\n', '# reviewed\nrename_columns = { "messages.content" = "body" }\n')


def test_recording_is_all_or_none_with_the_migration_files(repo):
    (repo / "afile").write_text("x")
    r = run_cli("generate", "2", "3", *RENAME, "--sql", "ok.sql", "--kotlin", "afile/M.kt", cwd=repo)
    _one_error_line(r, "afile is a file, not a folder")
    assert not (repo / "roomschema.toml").exists() and not (repo / "ok.sql").exists()


def test_a_flag_that_fits_no_pair_is_refused(repo):
    r = run_cli("generate", "--rename-column", "messages.nope=body", cwd=repo)
    _one_error_line(r, "--rename-column messages.nope=body", "no version pair")
    assert not migrations(repo).exists()


# ---- fixes that work when pasted -----------------------------------------------------------------

def test_decisions_name_the_table_as_the_configuration_file_spells_it(repo):
    r = run_cli("generate", "2", "3", cwd=repo)
    assert r.returncode == 3
    assert 'declare it for this pair in [migrations."2-3"] of roomschema.toml' in r.stderr
    (repo / "pyproject.toml").write_text('[tool.roomschema]\nmin_sdk = 24\n')
    r = run_cli("generate", "2", "3", cwd=repo)
    assert 'in [tool.roomschema.migrations."2-3"] of pyproject.toml' in r.stderr


def test_a_pasted_acknowledgement_is_configuration_check_accepts(repo):
    """The fix used to say [tool.roomschema.migrations."2-3"], which roomschema.toml refuses."""
    config(repo, '[migrations."2-3"]\nrename_columns = { "messages.content" = "body" }\n')
    assert run_cli("generate", cwd=repo).returncode == 0
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    (finding,) = [f for f in data["findings"] if f["rule"] == "non-additive"]
    line, table = finding["fix"].split("acknowledge it: ", 1)[1].split(" in ")
    assert table == '[migrations."2-3"] of roomschema.toml'
    config(repo, f'{table.split(" of ")[0]}\nrename_columns = {{ "messages.content" = "body" }}\n{line}\n')
    assert run_cli("docs", cwd=repo).returncode == 0
    assert errors(check(repo)[1]) == []


def test_the_fix_for_a_failing_generated_migration_writes_the_file(repo):
    config(repo, '[migrations."2-3"]\nrename_columns = { "messages.content" = "body" }\n' + ACK)
    assert run_cli("generate", cwd=repo).returncode == 0
    sql = migrations(repo) / "migration_2_3.sql"
    sql.write_text(sql.read_text().replace("`content`,", "NULL,", 1))
    (migrations(repo) / "Migration_2_3.kt").unlink()
    code, data = check(repo, "--no-cache")
    (failed,) = [f for f in data["findings"] if f["rule"] == "migration-failed"]
    command = failed["fix"].split("regenerate it with `", 1)[1].split("`", 1)[0]
    assert command == f"roomschema generate 2 3 --force --sql app/migrations/{FQCN}/migration_2_3.sql"
    assert run_cli(*command.split()[1:], cwd=repo).returncode == 0
    assert "migration-failed" not in rules(check(repo, "--no-cache")[1])


# ---- a stale history is a check finding -----------------------------------------------------------

def test_check_and_docs_check_agree_on_a_stale_history(repo):
    config(repo, '[migrations."2-3"]\nrename_columns = { "messages.content" = "body" }\n' + ACK)
    assert run_cli("generate", cwd=repo).returncode == 0
    assert run_cli("docs", cwd=repo).returncode == 0
    assert rules(check(repo)[1]) == ["why-empty"] * 3
    write_whys(repo)  # by hand: the document's checklist now says otherwise
    assert run_cli("docs", "--check", cwd=repo).returncode == 1
    code, data = check(repo)
    assert code == 1 and rules(data) == ["docs-stale"]
    assert data["findings"][0]["fix"].startswith("run `roomschema docs`")
    assert run_cli("docs", cwd=repo).returncode == 0
    assert run_cli("docs", "--check", cwd=repo).returncode == 0
    code, data = check(repo)
    assert (code, rules(data)) == (0, [])


# ---- invalid declarations in the configuration ---------------------------------------------------

@pytest.mark.parametrize("body, key, message", [
    ('rename_columns = { "messages.nope" = "body" }', "rename_columns", "column 'messages.nope' is not in version 2"),
    ('delete_tables = ["ghost"]', "delete_tables", "table 'ghost' is not in version 2"),
    ('fill = { "messages.nope" = "0" }', "fill", "column 'messages.nope' is not in version 3"),
])
@pytest.mark.parametrize("command", [("check", "--no-verify"), ("generate", "2", "3"), ("verify", "2", "3"),
                                     ("generate", "3", "2")])
def test_an_invalid_declaration_is_one_line_naming_the_key(repo, body, key, message, command):
    config(repo, f'[migrations."2-3"]\n{body}\n')
    _one_error_line(run_cli(*command, cwd=repo), f'roomschema.toml: migrations."2-3".{key}: {message}')


# ---- a rollback undoes the declared renames --------------------------------------------------------

def test_generate_backwards_reverses_a_declared_rename(repo):
    config(repo, '[migrations."2-3"]\nrename_columns = { "messages.content" = "body" }\n')
    r = run_cli("generate", "3", "2", cwd=repo)
    assert r.returncode == 0, r.stderr  # before: exit 3, asking for --fill messages.content=...
    assert "SELECT `id`,`conversation_id`,`role`,`body`," in r.stdout
    assert "rollback cannot bring back" not in r.stderr
    r = run_cli("verify", "3", "2", "--rows", "200", cwd=repo)
    assert r.returncode == 0, r.stdout


def _db(repo: Path, version: int, name: str = "app.db") -> Path:
    schema = load(AVA / "2.json") if version == 2 else _renamed(3)
    return make_db(schema, repo / name, rows=60)


def _contents(db: Path, column: str) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT id, `{column}` FROM messages ORDER BY id").fetchall()


def test_migrate_down_reverses_a_declared_rename(repo):
    config(repo, '[migrations."2-3"]\nrename_columns = { "messages.content" = "body" }\n')
    db = _db(repo, 3)
    before = _contents(db, "body")
    r = run_cli("migrate", db, "--to", "2", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert _contents(db, "content") == before


def test_migrate_takes_the_declarations_generate_takes(repo):
    db = _db(repo, 2)
    before = _contents(db, "content")
    r = run_cli("migrate", db, cwd=repo)
    assert r.returncode == 3 and "--rename-column messages.content=body" in r.stderr
    r = run_cli("migrate", db, *RENAME, cwd=repo)
    assert r.returncode == 0, r.stderr
    assert _contents(db, "body") == before


def test_migrate_flags_name_one_generated_migration(repo):
    write_schema(repo, compose.schema(4, _renamed(4).database.entities, _renamed(4).database.views))
    db = make_db(load(AVA / "2.json"), repo / "app.db", rows=20)
    _one_error_line(run_cli("migrate", db, *RENAME, cwd=repo), "this path has 2 (2->3, 3->4)")


# ---- migrate never drops a column added by hand without a word ---------------------------------------

def test_migrate_asks_before_dropping_a_column_added_by_hand(repo):
    config(repo, '[migrations."2-3"]\nrename_columns = { "messages.content" = "body" }\n')
    db = _db(repo, 2)
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE messages ADD COLUMN note TEXT DEFAULT 'mine'")
    before = db.read_bytes()
    r = run_cli("migrate", db, cwd=repo)
    assert r.returncode == 3, r.stderr
    assert "messages.note is in the database but not in version 2's schema" in r.stderr and "--yes" in r.stderr
    assert db.read_bytes() == before
    r = run_cli("migrate", db, "--dry-run", cwd=repo)
    assert r.returncode == 0 and "-- drops messages.note" in r.stdout
    r = run_cli("migrate", db, "--yes", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert "dropping messages.note" in r.stderr
    backup = json.loads(next(repo.glob("app.db.backup-*.json")).read_text())
    messages = next(t for t in backup["tables"] if t["name"] == "messages")
    assert "note" in messages["columns"]  # the backup keeps it


@pytest.mark.parametrize("file, where", [("roomschema.toml", "roomschema.toml (at the top, before any table)"),
                                         ("pyproject.toml", "[tool.roomschema] of pyproject.toml")])
def test_the_gaps_fix_says_where_the_setting_goes_in_that_file(tmp_path, file, where):
    repo = make_repo(tmp_path / "project")
    (schemas(repo) / "2.json").rename(schemas(repo) / "3.json")
    doc = json.loads((schemas(repo) / "3.json").read_text())
    doc["database"]["version"] = 3
    (schemas(repo) / "3.json").write_text(json.dumps(doc))
    (repo / file).write_text("[tool.roomschema]\nmin_sdk = 24\n" if file == "pyproject.toml" else "min_sdk = 24\n")
    code, data = check(repo, "--no-verify")
    (gap,) = [f for f in data["findings"] if f["rule"] == "version-gap"]
    assert gap["fix"].endswith(f"gaps = [2] in {where}")
