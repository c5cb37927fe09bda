"""check over real histories: chains through versions without a schema file, messages that fit the case.

Each test builds a throwaway repository holding the AVA exports (plus versions made with
``roomschema.compose``), hand-writes the Kotlin Room would run, and reads check's JSON report.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import (check, config, errors, make_repo, migrations, rules, run_cli, with_table, write_schema,
                     write_whys)
from roomschema.check.sources import Source, chains

NOTES = ("CREATE TABLE IF NOT EXISTS `notes` (`id` INTEGER NOT NULL, `body` TEXT, PRIMARY KEY(`id`))")


@pytest.fixture
def repo(tmp_path):
    """AVA 1 and 2, then 4 (AVA 2 plus a table ``notes``); version 3 never had a schema file."""
    repo = make_repo(tmp_path / "project")
    write_schema(repo, with_table(4))
    config(repo, "gaps = [3]\n")
    assert run_cli("generate", cwd=repo).returncode == 0
    assert run_cli("docs", cwd=repo).returncode == 0
    write_whys(repo)
    assert run_cli("docs", cwd=repo).returncode == 0
    for p in migrations(repo).glob("*_2_4.*"):
        p.unlink()
    return repo


def _kotlin(repo: Path, m23: list, m34: list) -> Path:
    def migration(a: int, b: int, statements: list) -> str:
        body = "".join(f'        db.execSQL("{sql}")\n' for sql in statements)
        return (f"val MIGRATION_{a}_{b} = object : Migration({a}, {b}) {{\n"
                f"    override fun migrate(db: SupportSQLiteDatabase) {{\n{body}    }}\n}}\n")
    path = migrations(repo) / "db" / "Migrations.kt"
    path.parent.mkdir(exist_ok=True)
    path.write_text("package app.db\n\nimport androidx.room.migration.Migration\n"
                    "import androidx.sqlite.db.SupportSQLiteDatabase\n\n"
                    + migration(2, 3, m23) + "\n" + migration(3, 4, m34))
    _docs(repo)
    return path


def _docs(repo: Path) -> None:
    """The history document names each pair's migrations: written again after they change."""
    assert run_cli("docs", cwd=repo).returncode == 0


def _line(path: Path, needle: str) -> int:
    return next(n for n, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln)


def test_a_chain_through_a_missing_version_is_verified_as_one_migration(repo):
    kt = _kotlin(repo, [NOTES], ["UPDATE notes SET body = body"])
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]
    pair_24 = next(p for p in data["pairs"] if (p["from"], p["to"]) == (2, 4))
    [chain] = pair_24["migrations"]
    assert (chain["kind"], Path(chain["file"]).name, chain["line"], chain["verified"]) == (
        "chain", "Migrations.kt", _line(kt, "Migration(2, 3)"), True)


def test_a_chain_that_deletes_every_row_and_forgets_a_column_fails(repo):
    # Each migration alone looks harmless; there is no 3.json to verify either against.
    kt = _kotlin(repo, ["CREATE TABLE IF NOT EXISTS `notes` (`id` INTEGER NOT NULL, PRIMARY KEY(`id`))"],
                 ["DELETE FROM memory"])
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-failed"], data["findings"]
    [f] = data["findings"]
    assert f["versions"] == [2, 4] and f["file"].endswith("db/Migrations.kt")
    m = f["message"]
    assert m.startswith(f"Migrations.kt:{_line(kt, 'Migration(2, 3)')} (2->3) then "
                        f"Migrations.kt:{_line(kt, 'Migration(3, 4)')} (3->4) (2->4) fails verification: ")
    assert "notes.body: missing column" in m and "memory: lost" in m, m
    assert "version 3 has no schema file" in f["fix"] and "--force" not in f["fix"]
    pair_24 = next(p for p in data["pairs"] if (p["from"], p["to"]) == (2, 4))
    assert pair_24["verified"] is False

    # The column restored, only the deletion is left; declared, the chain is clean again.
    kt.write_text(kt.read_text().replace("(`id` INTEGER NOT NULL, PRIMARY KEY", "(`id` INTEGER NOT NULL, `body` TEXT, "
                                                                             "PRIMARY KEY"))
    _docs(repo)
    code, data = check(repo)
    assert code == 1 and "notes.body" not in data["findings"][0]["message"]
    assert "memory: lost" in data["findings"][0]["message"]
    config(repo, 'gaps = [3]\n[migrations."2-4"]\nexpect_rows_removed = ["memory"]\n')
    _docs(repo)
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]


def test_a_chain_is_the_path_room_takes_and_nothing_else():
    files = {2: Path("2.json"), 5: Path("5.json"), 6: Path("6.json")}
    src = {e: Source("kotlin", Path("M.kt"), line=n) for n, e in enumerate([(2, 3), (3, 4), (4, 5), (3, 5), (5, 6)], 1)}
    found = [(a, b, s) for (a, b), s in src.items()]
    edges = set(src)
    # From 2 Room goes 2->3, then takes the longest jump, 3->5: never 3->4->5.
    [(x, y, chain)] = chains(found, files, edges)
    assert (x, y) == (2, 5)
    assert [(a, b) for a, b, _ in chain.links] == [(2, 3), (3, 5)]
    assert chain.label == "M.kt:1 (2->3) then M.kt:4 (3->5)"
    # A single step between two schemas is an ordinary pair, not a chain.
    assert chains([(5, 6, src[(5, 6)])], files, {(5, 6)}) == []


def test_a_chain_that_cannot_be_read_names_the_migration(repo):
    kt = _kotlin(repo, [NOTES], ["UPDATE notes SET body = body"])
    kt.write_text(kt.read_text().replace('db.execSQL("UPDATE notes SET body = body")', "db.execSQL(loadSql())"))
    _docs(repo)
    code, data = check(repo)
    # SQL known only when the app runs: the chain is not verified, which is no failure.
    assert (code, rules(data), errors(data)) == (0, ["migration-unverifiable"], []), data["findings"]
    m = data["findings"][0]["message"]
    assert f"(2->4) not verified: Migrations.kt:{_line(kt, 'Migration(3, 4)')} (3->4): Migrations.kt:" in m, m
    assert "not verifiable" in m and "fails verification" not in m, m
    assert data["not_verified"] == [[2, 4]]


# ---- messages that fit the case ------------------------------------------------------------------

def _without_memory(version: int):
    from roomschema import compose
    from roomschema.schema.loader import load
    from helpers import AVA
    s = load(AVA / "2.json")
    return compose.schema(version, [e for e in s.database.entities if e.table_name != "memory"], s.database.views)


def test_a_table_left_behind_is_a_migration_test_warning_not_a_crash():
    from roomschema.verify import verify_migration
    from roomschema.schema.loader import load
    from helpers import AVA
    report = verify_migration(load(AVA / "2.json"), _without_memory(3), [], rows=50, hazard_pass=False,
                              database_name="ava")
    assert report.ok, report.to_text()
    text = report.to_text()
    assert ("warning: memory: table is not in version 3 (dropped or renamed table left behind?): "
            "MigrationTestHelper(validateDroppedTables = true) would fail: Migration didn't properly handle: "
            "Unexpected table memory; the app's Room does not check this at runtime") in text
    assert "Room would throw" not in text
    [m] = report.modes[0].mismatches
    assert (m.kind, m.runtime) == ("unexpected-table", False)


def test_check_warns_about_a_table_left_behind_and_fixes_hand_written_code_by_hand(tmp_path):
    repo = make_repo(tmp_path / "project")
    write_schema(repo, _without_memory(3))
    assert run_cli("generate", "--allow-drops", cwd=repo).returncode == 0
    assert run_cli("docs", cwd=repo).returncode == 0
    write_whys(repo)
    assert run_cli("docs", cwd=repo).returncode == 0
    config(repo, '[migrations."2-3"]\nallow = ["table-removed:memory"]\n')
    generated = migrations(repo) / "Migration_2_3.kt"
    _docs(repo)
    assert (check(repo)[0], rules(check(repo)[1])) == (0, [])
    for p in migrations(repo).glob("*_2_3.*"):
        p.unlink()
    kt = migrations(repo) / "db" / "Migrations.kt"
    kt.parent.mkdir()
    kt.write_text("package app.db\n\nimport androidx.room.migration.Migration\n"
                  "import androidx.sqlite.db.SupportSQLiteDatabase\n\n"
                  "val MIGRATION_2_3 = object : Migration(2, 3) {\n"
                  "    override fun migrate(db: SupportSQLiteDatabase) {\n"
                  '        db.execSQL("UPDATE memory SET content = content")\n'
                  "    }\n}\n")
    _docs(repo)
    code, data = check(repo)
    assert code == 0 and rules(data) == ["unexpected-table"], data["findings"]
    [f] = data["findings"]
    assert f["severity"] == "warning" and f["file"].endswith("db/Migrations.kt")
    assert "MigrationTestHelper(validateDroppedTables = true) would fail" in f["message"]
    assert "the app's Room does not check this at runtime" in f["message"]

    # A failing hand-written migration is fixed where it is written; regenerating is no fix for it.
    kt.write_text(kt.read_text().replace("UPDATE memory SET content = content", "DELETE FROM decisions"))
    _docs(repo)
    code, data = check(repo)
    [f] = [f for f in data["findings"] if f["rule"] == "migration-failed"]
    assert "--force" not in f["fix"] and "change that migration" in f["fix"] and "it is hand-written" in f["fix"]
    # The same failure in a file roomschema generated (its header says so) may be regenerated.
    kt.unlink()
    assert run_cli("generate", "--allow-drops", cwd=repo).returncode == 0
    generated.write_text(generated.read_text().replace('db.execSQL("DROP TABLE `memory`")',
                                                       'db.execSQL("DELETE FROM decisions")'))
    _docs(repo)
    code, data = check(repo)
    [f] = [f for f in data["findings"] if f["rule"] == "migration-failed"]
    assert "roomschema generate 2 3 --force" in f["fix"], f


# ---- speed on long histories -------------------------------------------------------------------------

def test_validation_remembers_valid_tables_without_changing_any_error():
    import copy
    import json
    from helpers import AVA
    from roomschema.schema import validation
    good = json.loads((AVA / "2.json").read_text())
    bad = copy.deepcopy(good)
    bad["database"]["entities"][5]["fields"][0]["affinity"] = 5
    bad["database"]["entities"][2]["primaryKey"] = "id"
    bad["database"]["formatVersion"] = 1
    validation._VALID_ENTITIES.clear()
    fresh = validation.schema_errors(bad, "2.json")
    assert len(fresh) >= 3 and any("entities[5]" in e for e in fresh) and any("entities[2]" in e for e in fresh)
    assert validation.schema_errors(good, "2.json") == []
    # Every table of the good file is now known valid, so only the two broken ones are validated
    # again: the same lines at the same paths, in the same order.
    assert len(validation._VALID_ENTITIES) == len(good["database"]["entities"])
    assert validation.schema_errors(bad, "2.json") == fresh

