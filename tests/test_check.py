"""roomschema check: every rule tripped by a real file in a real git repository, and passed.

Each test builds a throwaway repository holding only app/schemas/<fqcn>/N.json (the AVA
example), runs the real command line in it and reads the JSON report.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import (AVA, FQCN, check, commit_all, config, errors, git, hand_write, make_repo, migrations, ready,
                     rules, run_cli, schemas, with_table, without_column, write_schema, write_whys)
from roomschema.schema.loader import load

ROOM_CRASH = ("Room cannot verify the data integrity. Looks like you've changed schema but forgot to update the "
              "version number.")


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "project")


# ---- the whole workflow ------------------------------------------------------------------------

def test_generate_docs_check_passes_with_no_configuration(repo):
    assert run_cli("generate", cwd=repo).returncode == 0
    assert run_cli("docs", cwd=repo).returncode == 0
    r = run_cli("check", cwd=repo)
    assert r.returncode == 0, r.stdout + r.stderr
    # Only the reminders to write each version's why, and the verdict on compatibility.
    assert r.stdout.count("warning [why-empty]") == 2
    assert "backward compatible: 1 of 1 version pairs" in r.stdout
    assert (migrations(repo) / "MIGRATIONS.md").is_file()
    # The cache ignores itself, so a repository that never heard of it stays clean.
    assert (repo / ".roomschema-cache" / ".gitignore").is_file()
    assert ".roomschema-cache" not in git(repo, "status", "--porcelain", "--untracked-files=all")


def test_clean_history_is_exit_0_with_no_findings_and_json_says_so(repo):
    ready(repo)
    code, data = check(repo)
    assert (code, data["findings"], data["ok"]) == (0, [], True)
    (pair,) = data["pairs"]
    assert pair["from"] == 1 and pair["to"] == 2 and pair["backward_compatible"] is True
    assert pair["classification"] == "additive" and pair["verified"] is True
    assert {m["kind"] for m in pair["migrations"]} == {"sql", "kotlin"}


def test_one_line_per_finding_with_rule_file_and_fix(repo):
    r = run_cli("check", cwd=repo)
    assert r.returncode == 1
    lines = [ln for ln in r.stdout.splitlines() if "[" in ln]
    assert [ln.split("[")[1].split("]")[0] for ln in lines] == ["migration-missing", "docs-missing"]
    assert all(" Fix: " in ln for ln in lines)
    assert lines[0].startswith(f"app/schemas/{FQCN}/2.json: error [migration-missing] no migration 1->2")
    assert "A migration from 1 to 2 was required but not found." in lines[0]


# ---- every N.json parses, validates and has the right identity hash -----------------------------

def test_schema_invalid(repo):
    ready(repo)
    (schemas(repo) / "2.json").write_text('{"formatVersion": 1, "database": ')
    code, data = check(repo)
    assert code == 1 and "schema-invalid" in rules(data)
    (f,) = [f for f in data["findings"] if f["rule"] == "schema-invalid"]
    assert f["file"].endswith("2.json") and "invalid JSON" in f["message"]


def test_identity_hash(repo):
    ready(repo)
    path = schemas(repo) / "2.json"
    stored = json.loads(path.read_text())["database"]["identityHash"]
    path.write_text(path.read_text().replace(stored, "0" * 32))
    code, data = check(repo, "--released", "1")
    assert code == 1 and errors(data) == ["identity-hash"]
    assert "does not match Room's hash" in data["findings"][0]["message"]


# ---- versions are contiguous -------------------------------------------------------------------

def test_version_gap_is_an_error_until_declared(repo):
    write_schema(repo, with_table(4))
    ready(repo)
    code, data = check(repo)
    assert code == 1 and errors(data) == ["version-gap"]
    assert "3.json" in data["findings"][0]["message"] and "gaps = [3]" in data["findings"][0]["fix"]
    for declared in ("gaps = [3]", "gaps = [[2, 4]]"):
        config(repo, declared + "\n")
        code, data = check(repo)
        assert (code, rules(data)) == (0, []), declared


# ---- released schemas are immutable ------------------------------------------------------------

def test_edited_released_schema_names_room_crash_and_what_changed(repo):
    ready(repo)
    commit_all(repo, "release 2")
    old_hash = load(AVA / "1.json").database.identity_hash
    edited = with_table(1, base=1)
    write_schema(repo, edited)
    code, data = check(repo)
    assert code == 1 and "released-changed" in errors(data)
    (f,) = [f for f in data["findings"] if f["rule"] == "released-changed"]
    assert ROOM_CRASH in f["message"]
    assert f"Expected identity hash: {edited.database.identity_hash}, found: {old_hash}" in f["message"]
    # deepdiff, keyed by table and column names, says what changed.
    assert "added entities.notes" in f["message"]
    assert any(d.startswith("added entities.notes") for d in f["details"])
    assert "git checkout HEAD -- " in f["fix"] and "released schema never changes" in f["fix"]


def test_edited_newest_released_schema_says_bump_the_version(repo):
    ready(repo)
    commit_all(repo, "release 2")
    path = schemas(repo) / "2.json"
    # Raw JSON on purpose: one field edited by hand, the stored identity hash left as it was.
    doc = json.loads(path.read_text())
    for e in doc["database"]["entities"]:
        if e["tableName"] == "messages":
            for f in e["fields"]:
                if f["columnName"] == "intent":
                    f["notNull"] = True
    path.write_text(json.dumps(doc, indent=2))
    code, data = check(repo, "--no-verify")
    assert code == 1
    (f,) = [f for f in data["findings"] if f["rule"] == "released-changed"]
    assert "entities.messages.fields.intent.notNull: false -> true" in f["message"]
    assert "raise @Database(version) to 3 so Room writes 3.json" in f["fix"]
    assert "If version 2 never shipped, declare released = 1" in f["fix"]


def test_key_order_and_layout_are_not_a_change(repo):
    ready(repo)
    commit_all(repo, "release")
    path = schemas(repo) / "1.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=4, sort_keys=True) + "\n")
    code, data = check(repo)
    assert (code, rules(data)) == (0, [])


def test_deleted_released_schema(repo):
    ready(repo)
    commit_all(repo, "release")
    (schemas(repo) / "1.json").unlink()
    code, data = check(repo)
    assert code == 1 and "released-changed" in errors(data)
    assert "deleted" in [f for f in data["findings"] if f["rule"] == "released-changed"][0]["message"]


def test_released_version_limits_what_is_immutable(repo):
    ready(repo)
    commit_all(repo, "work in progress on 2")
    write_schema(repo, with_table(2))
    assert run_cli("generate", "--force", cwd=repo).returncode == 0
    config(repo, "released = 1\n")
    assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
    code, data = check(repo)
    assert code == 0 and "released-changed" not in rules(data)
    write_schema(repo, with_table(1, base=1))
    code, data = check(repo)
    assert code == 1 and "released-changed" in rules(data)


def test_released_git_tag(tmp_path):
    repo = make_repo(tmp_path / "p", versions=(1,))
    git(repo, "tag", "v1.0")
    shutil.copy(AVA / "2.json", schemas(repo) / "2.json")
    ready(repo)
    commit_all(repo, "version 2, not released")
    write_schema(repo, with_table(2))
    assert run_cli("generate", "--force", cwd=repo).returncode == 0
    config(repo, 'released = "v1.0"\n')
    assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
    code, data = check(repo)
    assert code == 0 and "released-changed" not in rules(data)
    # The command line overrides the configuration: HEAD holds the original 2.json.
    code, data = check(repo, "--released", "HEAD")
    assert code == 1 and "released-changed" in rules(data)
    write_schema(repo, with_table(1, base=1))
    code, data = check(repo)
    assert code == 1 and [f["versions"] for f in data["findings"] if f["rule"] == "released-changed"] == [[1]]
    config(repo, 'released = "v9.9"\n')
    r = run_cli("check", cwd=repo)
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.splitlines()) == 1
    assert "v9.9" in r.stderr


def test_outside_git_released_is_skipped_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # not the real user's cache
    folder = tmp_path / "app" / "schemas" / FQCN
    folder.mkdir(parents=True)
    shutil.copy(AVA / "1.json", folder / "1.json")
    code, data = check(tmp_path)
    assert code == 1 and rules(data) == ["docs-missing"]
    assert data["notes"] == ["not a git repository: released schemas were not compared"]


@pytest.mark.parametrize("xdg", [True, False], ids=["XDG_CACHE_HOME", "HOME"])
def test_outside_git_without_config_caches_per_user_not_beside_the_schemas(tmp_path, monkeypatch, xdg):
    # A shared corpus: no repository, no config file, and not this user's to write in.
    corpus = tmp_path / "corpus"
    folder = corpus / "app" / "schemas" / FQCN
    folder.mkdir(parents=True)
    for v in (1, 2):
        shutil.copy(AVA / f"{v}.json", folder / f"{v}.json")
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg") if xdg else "")  # empty means unset
    monkeypatch.delenv("ROOMSCHEMA_CACHE_DIR", raising=False)
    before = sorted(corpus.rglob("*"))
    code, data = check(corpus)
    assert code == 1 and "migration-missing" in rules(data)
    assert sorted(corpus.rglob("*")) == before
    base = tmp_path / "xdg" if xdg else home / ".cache"
    cache = base / "roomschema" / hashlib.sha256(str(folder.resolve()).encode()).hexdigest()
    assert sorted(p.name for p in cache.iterdir()) == [".gitignore", "report", "validate"]
    assert len(list((cache / "validate").glob("*.json"))) == 2


# ---- a verified migration for every pair -------------------------------------------------------

def test_missing_migration_until_auto_migration_declared(repo):
    code, data = check(repo)
    assert code == 1 and "migration-missing" in errors(data)
    for declared in ("auto_migrations = [[1, 2]]\n", '[migrations."1-2"]\nauto_migration = true\n'):
        config(repo, declared)
        code, data = check(repo)
        # Only the history document is left to write.
        assert (code, errors(data)) == (1, ["docs-missing"]), declared
        assert data["pairs"][0]["migrations"] == [{"kind": "auto", "file": None, "verified": True, "summary": ""}]


def test_auto_migration_room_cannot_do_fails(repo):
    write_schema(repo, without_column(3, "user_profiles", "preferences"))
    config(repo, "auto_migrations = [[1, 2], [2, 3]]\n")
    code, data = check(repo)
    assert code == 1
    failed = [f for f in data["findings"] if f["rule"] == "migration-failed"]
    assert [f["versions"] for f in failed] == [[2, 3]]
    assert "AutoMigration" in failed[0]["message"]


def test_broken_sql_migration_fails_verification_even_with_a_warm_cache(repo):
    ready(repo)
    assert check(repo)[0] == 0
    sql = migrations(repo) / "migration_1_2.sql"
    sql.write_text("\n".join(ln for ln in sql.read_text().splitlines() if "`edit_count`" not in ln))
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-failed"]
    f = data["findings"][0]
    assert f["file"].endswith("migration_1_2.sql") and "roomschema verify 1 2 --sql app/migrations/" in f["fix"]


def test_broken_kotlin_migration_fails_verification(repo):
    ready(repo)
    kt = migrations(repo) / "Migration_1_2.kt"
    kt.write_text("\n".join(ln for ln in kt.read_text().splitlines() if "`user_profiles`" not in ln))
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-failed"]
    assert data["findings"][0]["file"].endswith("Migration_1_2.kt")


def test_unreadable_sql_migration_is_a_finding_not_a_crash(repo):
    ready(repo)
    (migrations(repo) / "migration_1_2.sql").write_text("ALTER TABLE `messages` ADD COLUMN `x` TEXT DEFAULT 'oops")
    code, data = check(repo)
    assert code == 1
    assert errors(data) == ["migration-failed"] and "statement never ends" in data["findings"][0]["message"]


def test_a_warm_check_starts_no_verifier_process_pool_and_writes_no_temporary_files(repo):
    """The pre-commit run: with every verdict cached, check starts none of the
    worker processes that verify pairs on every core and builds no database in
    a temporary folder; once the cache is gone, both happen again."""
    import sys
    ready(repo)
    assert check(repo)[0] == 0
    code = ("import json, sys, concurrent.futures\nfrom roomschema.cli.main import main\n"
            "pools = []\nbase = concurrent.futures.ProcessPoolExecutor\n"
            "class Counted(base):\n    def __init__(self, *a, **k):\n        pools.append(1)\n        super().__init__(*a, **k)\n"
            "concurrent.futures.ProcessPoolExecutor = Counted\n"
            "try:\n    main(['check', '--format', 'json'])\nexcept SystemExit as e:\n    status = e.code\n"
            "print(json.dumps([status, len(pools)]), file=sys.stderr)\n")
    tmp = repo.parent / "tmp-for-check"
    tmp.mkdir()
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    r = subprocess.run([sys.executable, "-c", code], cwd=repo, env=env, capture_output=True, text=True)
    status, pools = json.loads(r.stderr.strip().splitlines()[-1])
    assert (status, pools) == (0, 0), r.stdout[-500:]
    assert list(tmp.iterdir()) == []
    shutil.rmtree(repo / ".roomschema-cache")  # cold again: the verifier does run
    r = subprocess.run([sys.executable, "-c", code], cwd=repo, env=env, capture_output=True, text=True)
    status, pools = json.loads(r.stderr.strip().splitlines()[-1])
    assert status == 0 and pools == 1


def test_no_cache_and_no_verify(repo):
    ready(repo)
    shutil.rmtree(repo / ".roomschema-cache")
    assert check(repo, "--no-cache")[0] == 0
    assert not (repo / ".roomschema-cache").exists()
    code, data = check(repo, "--no-verify")
    assert code == 0 and data["pairs"][0]["verified"] is None


# ---- hand-written Kotlin migrations, wherever they live, and Room's migration path ---------------

def _line_of(path: Path, needle: str) -> int:
    return next(n for n, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln)


def test_several_migrations_in_a_hand_written_kotlin_file(repo):
    write_schema(repo, with_table(3))
    ready(repo)
    kt = hand_write(repo, ("val MIGRATION_1_2 = object : Migration(1, 2)", [(1, 2)]),
                     ("object Migration2To3 : Migration(2, 3)", [(2, 3)]))
    assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]
    m12, m23 = (p["migrations"] for p in data["pairs"])
    assert [(m["kind"], Path(m["file"]).name, m["line"], m["verified"]) for m in m12 + m23] == [
        ("kotlin", "Migrations.kt", _line_of(kt, "Migration(1, 2)"), True),
        ("kotlin", "Migrations.kt", _line_of(kt, "Migration(2, 3)"), True)]
    # One statement Room would run but no one can read before the app runs: not verifiable, at its
    # file and line, a warning (also with --strict) and the pair not verified, never a failure claim.
    kt.write_text(kt.read_text().replace("    override fun migrate(db: SupportSQLiteDatabase) {\n",
                                         "    override fun migrate(db: SupportSQLiteDatabase) {\n"
                                         "        db.execSQL(loadSql())\n", 1))
    assert run_cli("docs", cwd=repo).returncode == 0
    for strict in ((), ("--strict",)):
        code, data = check(repo, *strict)
        assert (code, rules(data), errors(data)) == (0, ["migration-unverifiable"], []), data["findings"]
        f = data["findings"][0]
        assert f["versions"] == [1, 2] and f["file"].endswith("db/Migrations.kt") and f["severity"] == "warning"
        assert f"Migrations.kt:{_line_of(kt, 'loadSql()')}" in f["message"] and "not verifiable" in f["message"]
        assert "fails verification" not in f["message"]
        assert [p["verified"] for p in data["pairs"]] == [None, True]
        assert [m["verified"] for m in data["pairs"][0]["migrations"]] == [None]
        assert data["not_verified"] == [[1, 2]]
    text = run_cli("check", cwd=repo)
    assert text.returncode == 0 and "1 version pair not verified (1->2)" in text.stdout, text.stdout
    doc = (migrations(repo) / "MIGRATIONS.md").read_text()
    assert "- [ ] verified: not verifiable before the app runs: Migrations.kt:" in doc and "loadSql" in doc
    assert "| not verifiable |" in doc and "**fails**" not in doc


def test_spanning_migration_covers_the_versions_it_jumps(repo):
    write_schema(repo, with_table(3))
    ready(repo)
    kt = hand_write(repo, ("val MIGRATION_1_3 = Migration(1, 3) { db ->", [(1, 2), (2, 3)]))
    # 1 jumps straight to 3, but a database at version 2 has no way forward.
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-missing"]
    f = data["findings"][0]
    assert f["versions"] == [2, 3] and "A migration from 2 to 3 was required but not found." in f["message"]
    (span,) = data["spans"]
    assert (span["from"], span["to"], span["verified"]) == (1, 3, True)
    assert [p["migrations"] for p in data["pairs"]] == [[], []]

    config(repo, "auto_migrations = [[2, 3]]\n")
    assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]

    # The jump is verified like any migration, from 1.json to 3.json.
    kt.write_text("\n".join(ln for ln in kt.read_text().splitlines() if "`notes`" not in ln) + "\n")
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-failed"]
    assert data["findings"][0]["versions"] == [1, 3] and data["spans"][0]["verified"] is False


def test_a_path_that_stops_short_is_one_finding_naming_every_start_it_strands(repo):
    """One missing migration is one cause: one finding, not one per version it strands (issue #16)."""
    write_schema(repo, with_table(3))
    config(repo, "auto_migrations = [[1, 2]]\n")
    code, data = check(repo, "--no-verify")
    assert code == 1
    missing = [f for f in data["findings"] if f["rule"] == "migration-missing"]
    assert [f["versions"] for f in missing] == [[2, 3]]
    assert "Room's path from 1: 1->2, and no further" in missing[0]["message"]
    assert "A migration from 1 to 3 was required" in missing[0]["message"]
    assert "likewise from version 2" in missing[0]["message"]
    assert all(f["file"].endswith("3.json") and "Migration(2, 3)" in f["fix"] for f in missing)
    config(repo, "auto_migrations = [[1, 2], [2, 3]]\n")
    assert "migration-missing" not in rules(check(repo, "--no-verify")[1])


def test_room_path_is_greedy_like_room():
    from roomschema.migration.path import versions_visited
    # Room takes 1->3 and is stuck, though 1->2->4 exists (docs/room-format.md#migration-path).
    edges = {(1, 2), (1, 3), (2, 4)}
    assert versions_visited(edges, 1, 4) == [1, 3]
    assert versions_visited(edges, 2, 4) == [2, 4]
    assert versions_visited(edges | {(1, 5)}, 1, 4) == [1, 3]
    assert versions_visited(edges | {(3, 4)}, 1, 4) == [1, 3, 4]


def test_kotlin_that_does_not_parse_is_a_finding_not_a_crash(repo):
    ready(repo)
    (migrations(repo) / "db").mkdir()
    (migrations(repo) / "db" / "Broken.kt").write_text('package app.db\n\nval oops = "never ends\n')
    (migrations(repo) / "db" / "Helpers.kt").write_text("package app.db\n\nfun helper() = 1\n")
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-failed"]
    f = data["findings"][0]
    assert f["file"].endswith("db/Broken.kt") and "db/Broken.kt:3: unterminated string" in f["message"]
    assert f["versions"] == [] and data["pairs"][0]["verified"] is True


# ---- additive-first policy ---------------------------------------------------------------------

def _drop_preferences(repo):
    write_schema(repo, without_column(3, "user_profiles", "preferences"))
    config(repo, '[migrations."2-3"]\ndelete_columns = ["user_profiles.preferences"]\n')
    ready(repo)


def test_non_additive_change_needs_an_acknowledgement(repo):
    _drop_preferences(repo)
    code, data = check(repo)
    assert code == 1 and errors(data) == ["non-additive"]
    f = data["findings"][0]
    assert f["versions"] == [2, 3] and "destructive" in f["message"]
    assert 'allow = ["column-removed:user_profiles.preferences"]' in f["fix"]
    for allow in ('"drop-column:user_profiles.preferences"', '"destructive:user_profiles"',
                  '"column-removed:*"'):
        config(repo, f'[migrations."2-3"]\ndelete_columns = ["user_profiles.preferences"]\nallow = [{allow}]\n')
        assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
        code, data = check(repo)
        assert (code, rules(data)) == (0, []), allow


def test_unused_allow_entry_is_a_warning(repo):
    ready(repo)
    config(repo, '[migrations."1-2"]\nallow = ["rebuild:messages"]\n')
    code, data = check(repo)
    assert code == 0 and rules(data) == ["allow-unused"]
    assert check(repo, "--strict")[0] == 1


@pytest.mark.parametrize("entry", ["drop:messages", "rebuild", "additive:messages", "rebuild:"])
def test_bad_allow_entry_is_bad_input_and_writes_nothing(repo, entry):
    config(repo, f'[migrations."1-2"]\nallow = ["{entry}"]\n')
    r = run_cli("check", cwd=repo)
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1
    assert 'migrations."1-2".allow' in r.stderr
    assert not (repo / ".roomschema-cache").exists()


# ---- backward compatibility --------------------------------------------------------------------

def test_backward_compatibility_is_reported_and_required_on_demand(repo):
    _drop_preferences(repo)
    base = ('[migrations."2-3"]\ndelete_columns = ["user_profiles.preferences"]\n'
            'allow = ["drop-column:user_profiles.preferences"]\n')
    config(repo, base)
    assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
    r = run_cli("check", cwd=repo)
    assert r.returncode == 0 and "backward compatible: 1 of 2 version pairs; not: 2->3" in r.stdout
    code, data = check(repo)
    assert code == 0 and [p["backward_compatible"] for p in data["pairs"]] == [True, False]
    config(repo, "require_backward_compatible = true\n" + base)
    code, data = check(repo)
    assert code == 1 and errors(data) == ["backward-incompatible"]
    assert "user_profiles.preferences" in data["findings"][0]["message"]


def test_backward_compatible_history_passes_the_requirement(repo):
    ready(repo)
    config(repo, "require_backward_compatible = true\n")
    code, data = check(repo)
    assert (code, rules(data)) == (0, [])


# ---- documented --------------------------------------------------------------------------------

def test_docs_missing_then_missing_entry(repo):
    assert run_cli("generate", cwd=repo).returncode == 0
    code, data = check(repo)
    assert code == 1 and errors(data) == ["docs-missing"]
    assert run_cli("docs", cwd=repo).returncode == 0
    write_schema(repo, with_table(3))
    assert run_cli("generate", cwd=repo).returncode == 0
    code, data = check(repo)
    assert code == 1 and [f["versions"] for f in data["findings"] if f["rule"] == "docs-missing"] == [[3]]


def test_empty_why_is_a_warning_an_error_when_strict_or_required(repo):
    ready(repo, whys=False)
    code, data = check(repo)
    assert code == 0 and rules(data) == ["why-empty", "why-empty"]
    assert check(repo, "--strict")[0] == 1
    config(repo, "require_why = true\n")
    code, data = check(repo)
    assert code == 1 and errors(data) == ["why-empty", "why-empty"]
    write_whys(repo)
    assert run_cli("docs", cwd=repo).returncode == 0  # the history shows the new state (else docs-stale)
    code, data = check(repo)
    assert (code, rules(data)) == (0, [])


def test_configured_docs_path(repo):
    config(repo, 'docs = "docs/DATABASE.md"\n')
    ready(repo, doc=repo / "docs" / "DATABASE.md")
    assert (repo / "docs" / "DATABASE.md").is_file()
    assert not (migrations(repo) / "MIGRATIONS.md").exists()
    code, data = check(repo)
    assert (code, rules(data)) == (0, [])


# ---- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["unknown_key = 1\n", "gaps = [\"x\"]\n", "released = true\n",
                                  "auto_migrations = [1, 2]\n", '[migrations."1-2"]\nrename_tables = { a = "" }\n'])
def test_bad_configuration_is_one_line_exit_2_and_writes_nothing(repo, text):
    config(repo, text)
    r = run_cli("check", cwd=repo)
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "roomschema.toml" in r.stderr
    assert not (repo / ".roomschema-cache").exists()


def test_bad_option_is_exit_2(repo):
    r = run_cli("check", "--format", "xml", cwd=repo)
    assert r.returncode == 2 and "--format" in r.stderr and r.stdout == ""


def test_no_schema_folder_is_bad_input(tmp_path):
    r = run_cli("check", cwd=tmp_path)
    assert r.returncode == 2 and "no Room schema folder" in r.stderr


def test_cached_verdicts_are_keyed_on_the_tool_code_not_only_its_version():
    """An install from git or an edit in a checkout keeps __version__; its old verdicts must not be reused."""
    from roomschema.check import cache as cache_module
    target = Path(cache_module.__file__)
    before_stat = target.stat()
    cache_module.tool_fingerprint.cache_clear()
    before = cache_module.Cache.key("x")
    try:
        os.utime(target, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns + 1_000_000_000))
        cache_module.tool_fingerprint.cache_clear()
        assert cache_module.Cache.key("x") != before
    finally:
        os.utime(target, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns))
        cache_module.tool_fingerprint.cache_clear()
    assert cache_module.Cache.key("x") == before
