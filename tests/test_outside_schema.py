"""Migrations that rely on what Room's exported schema does not describe (issue #14: no failure
caused by the tool): a virtual table module the app's own SQLite build loads, or a table an
earlier migration made beside Room's entities. Built from the JSON, the database cannot have
them, so such a migration is "not verifiable" with the statement and why, never a failure claim;
a migration that drops a table it already dropped, or one the schema had, is still judged."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from helpers import CORPUS, check, errors, hand_written_repo, requires_corpus, run_cli, source_project
from roomschema.migration.sources import NotVerifiable, migration_steps
from roomschema.migration.steps import Step
from roomschema.schema import compose
from roomschema.schema.discovery import load_history
from roomschema.verify import verify_migration
from roomschema.verify.outside import made_elsewhere, made_for, module_available

NOTES = compose.entity("notes", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT")], ["id"])
OLD = compose.schema(1, [NOTES])
NEW = compose.schema(2, [NOTES])


def _verdict(steps, made=None):
    try:
        return verify_migration(OLD, NEW, [Step(s) for s in steps], rows=50, hazard_pass=False,
                                made_elsewhere=made).ok
    except NotVerifiable as err:
        return err.message


def test_a_module_this_sqlite_lacks_is_not_verifiable_and_names_it():
    assert not module_available("spellfix1_not_here")
    verdict = _verdict(['CREATE VIRTUAL TABLE "fuzzy" USING spellfix1_not_here', 'DROP TABLE "fuzzy"'])
    assert isinstance(verdict, str) and "spellfix1_not_here" in verdict and "not verifiable" in verdict


def test_a_module_this_sqlite_has_is_run_and_judged():
    assert module_available("fts4")
    # The FTS table is not in schema 2: the migration runs, and Room's validation does not mind it.
    assert _verdict(['CREATE VIRTUAL TABLE "search" USING fts4(body)', 'DROP TABLE "search"']) is True


def test_dropping_a_table_the_app_makes_elsewhere_is_not_verifiable():
    verdict = _verdict(['DROP TABLE "PatientFuzzySearch"'], {"PatientFuzzySearch": "Migration_5_6.kt:14"})
    assert isinstance(verdict, str) and "'PatientFuzzySearch'" in verdict and "version 1" in verdict
    assert "Migration_5_6.kt:14 creates it" in verdict


def test_dropping_a_table_nothing_makes_still_fails():
    # A misspelt name fails on every device: without evidence of the table, the statement runs.
    assert _verdict(['DROP TABLE "PatientFuzzySearch"']) is False
    assert _verdict(['DROP TABLE "note"'], {"PatientFuzzySearch": "Migration_5_6.kt:14"}) is False


def test_made_elsewhere_finds_the_create_in_the_source_tree(tmp_path):
    src = tmp_path / "app" / "src" / "main" / "java" / "app" / "db"
    src.mkdir(parents=True)
    (src / "Migration_5_6.kt").write_text('package app.db\n\nclass M {\n  fun m(db: D) {\n'
                                          '    db.execSQL("""CREATE VIRTUAL TABLE "Fuzzy" USING spellfix1""")\n'
                                          '    db.execSQL("CREATE TABLE IF NOT EXISTS `legacy_search` (x)")\n  }\n}\n')
    (src / "Migration_15_16.kt").write_text('package app.db\n\n// drops Fuzzy and legacy\n')
    assert made_elsewhere(src / "Migration_15_16.kt", ["Fuzzy", "legacy_search", "legacy", "fuzz"]) == {
        "Fuzzy": "Migration_5_6.kt:5", "legacy_search": "Migration_5_6.kt:6"}
    sql = tmp_path / "sql"
    sql.mkdir()
    (sql / "migration_1_2.sql").write_text("-- one\nCREATE TABLE [old_cache] (x);\n")
    assert made_elsewhere(sql / "migration_3_4.sql", ["old_cache", "old"]) == {"old_cache": "migration_1_2.sql:2"}


@pytest.mark.parametrize("steps", [
    ['DROP TABLE IF EXISTS "gone"'],                                      # guarded: runs anywhere
    ['CREATE TABLE "tmp" (x)', 'DROP TABLE `tmp`'],                       # made by the migration itself
    ['CREATE TABLE "tmp" (x)', 'ALTER TABLE tmp RENAME TO "tmp2"', 'DROP TABLE [tmp2]'],
])
def test_tables_the_migration_knows_are_run(steps):
    assert _verdict(steps) is True


@pytest.mark.parametrize("steps", [
    ['DROP TABLE "notes"', 'DROP TABLE "notes"'],   # the schema had it; dropping it twice is the bug
    ['DROP TABLE "NOTES"', 'CREATE TABLE notes (id INTEGER PRIMARY KEY NOT NULL, body TEXT)', 'DROP TABLE main.x'],
])
def test_a_drop_the_migration_gets_wrong_still_fails(steps):
    assert _verdict(steps, {"legacy": "Old.kt:3"}) is False


def _project(tmp_path: Path, body: str) -> tuple:
    root = source_project(tmp_path, [NOTES], [NOTES])
    kt = root / "app" / "src" / "main" / "java" / "app" / "db" / "Migrations.kt"
    kt.parent.mkdir(parents=True)
    kt.write_text("package app.db\n\nimport androidx.room.migration.Migration\n\n"
                  + textwrap.dedent(body))
    return root, kt


def test_verify_cli_says_not_verifiable_with_exit_1(tmp_path):
    root, kt = _project(tmp_path, '''
        val MIGRATION_1_2 = Migration(1, 2) { db ->
            db.execSQL("CREATE VIRTUAL TABLE fuzzy USING spellfix1")
        }
        ''')
    r = run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "50", "--no-hazard", cwd=root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "not verifiable" in r.stderr and "spellfix1" in r.stderr and "Traceback" not in r.stderr
    assert "FAILED" not in r.stdout
    r = run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "50", "--no-hazard", "--format", "json", cwd=root)
    assert r.returncode == 1 and '"verifiable": false' in r.stdout


def test_verify_cli_looks_for_the_table_in_the_source_tree(tmp_path):
    root, kt = _project(tmp_path, '''
        val MIGRATION_1_2 = Migration(1, 2) { db ->
            db.execSQL("DROP TABLE legacy_search")
        }
        ''')
    r = run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "50", "--no-hazard", cwd=root)
    assert r.returncode == 1 and "FAILED" in r.stdout and "no such table: legacy_search" in r.stdout, r.stdout
    (kt.parent / "LegacyHelper.kt").write_text('package app.db\n\nconst val SEARCH = "CREATE TABLE legacy_search (q TEXT)"\n')
    r = run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "50", "--no-hazard", cwd=root)
    assert r.returncode == 1 and "not verifiable" in r.stderr and "LegacyHelper.kt:3 creates it" in r.stderr, r.stderr


def test_check_gives_a_warning_not_a_failure(tmp_path):
    repo, kt = hand_written_repo(tmp_path / "project", "Migrations.kt", lambda lines: (
        "package app.db\n\nimport androidx.room.migration.Migration\n\nval MIGRATION_1_2 = Migration(1, 2) { db ->\n"
        + "".join(f"    {ln}\n" for ln in ['db.execSQL("DROP TABLE legacy_search")'] + lines) + "}\n"))
    # The table the pre-Room helper made, which the migration drops.
    (kt.parent / "LegacyHelper.kt").write_text('package app.db\n\nconst val SEARCH = "CREATE TABLE legacy_search (q)"\n')
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    assert errors(data) == [] and code == 0, data["findings"]
    found = [f for f in data["findings"] if f["rule"] == "migration-unverifiable"]
    assert found and "legacy_search" in found[0]["message"], data["findings"]


@requires_corpus
def test_simple_android_spellfix_and_its_drop_are_not_verifiable():
    app = CORPUS / "simpledotorg__simple-android"
    history = load_history(app / "org.simple.clinic.AppDatabase")
    folder = app / "migrations-src/app/src/main/java/org/simple/clinic/storage/migrations"
    for a, b, what in [(5, 6, "spellfix1"), (15, 16, "Migration_5_6.kt:14 creates it")]:
        path = folder / f"Migration_{a}_{b}.kt"
        steps = migration_steps("kotlin", path, a, b)
        made = made_for(path, history[a], steps)
        with pytest.raises(NotVerifiable) as err:
            verify_migration(history[a], history[b], steps, rows=100, hazard_pass=False, made_elsewhere=made)
        assert what in err.value.message
