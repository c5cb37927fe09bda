"""check's verdicts on hand-written Kotlin: what the static reader cannot decide is "not verified",
never a failure; a cached verdict follows every file it was read from; a warm check reprints its report.

Each test builds a throwaway git repository with the AVA exports, hand-writes the Kotlin Room
would run, and reads check's report.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import check, errors, exec_lines, make_repo, migrations, ready, rules, run_cli

EDIT_COUNT = "ALTER TABLE `messages` ADD COLUMN `edit_count` INTEGER NOT NULL DEFAULT 0"


def _line(path: Path, needle: str) -> int:
    return next(n for n, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln)


@pytest.fixture
def repo(tmp_path):
    """AVA 1 and 2 with the history document written; the generated migrations removed, so the
    hand-written Kotlin each test writes is the only migration."""
    repo = make_repo(tmp_path / "project")
    ready(repo)
    repo.joinpath("lines.txt").write_text("\n".join(exec_lines(repo, 1, 2)))
    for p in list(migrations(repo).glob("migration_*.sql")) + list(migrations(repo).glob("Migration_*.kt")):
        p.unlink()
    (migrations(repo) / "db").mkdir()
    return repo


def _write(repo: Path, body: list, head: str = "val MIGRATION_1_2 = Migration(1, 2) { db ->") -> Path:
    """``db/Migrations.kt`` with one Migration running ``body`` (Kotlin lines), then the document."""
    kt = migrations(repo) / "db" / "Migrations.kt"
    kt.write_text("package app.db\n\nimport androidx.room.migration.Migration\n\n" + head + "\n"
                  + "".join(f"    {ln}\n" for ln in body) + "}\n")
    assert run_cli("docs", cwd=repo).returncode == 0
    return kt


def _generated(repo: Path, replace: dict = None) -> list:
    lines = repo.joinpath("lines.txt").read_text().splitlines()
    return [replace.get(ln, ln) if replace else ln for ln in lines]


def test_a_constant_from_another_file_is_part_of_the_cached_verdict(repo):
    sql = migrations(repo) / "db" / "Sql.kt"
    sql.write_text(f'package app.db\n\nconst val EDIT_COUNT = "{EDIT_COUNT}"\n')
    _write(repo, _generated(repo, {f'db.execSQL("{EDIT_COUNT}")': "db.execSQL(EDIT_COUNT)"}))
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]
    assert data["pairs"][0]["verified"] is True
    # Only the other file changes: the cached verdict must not be read, the migration is read again.
    sql.write_text(sql.read_text().replace("`edit_count`", "`edit_counts`"))
    code, data = check(repo)
    assert code == 1 and errors(data) == ["migration-failed"], data["findings"]
    assert "edit_count" in data["findings"][0]["message"]
    assert data["pairs"][0]["verified"] is False
    # And back: the first verdict again.
    sql.write_text(sql.read_text().replace("`edit_counts`", "`edit_count`"))
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]


def test_a_declaration_added_in_another_file_is_part_of_the_cached_verdict(repo):
    # The name is declared nowhere yet: the statement is not verifiable.
    _write(repo, _generated(repo, {f'db.execSQL("{EDIT_COUNT}")': "db.execSQL(EDIT_COUNT)"}))
    code, data = check(repo)
    assert (code, rules(data)) == (0, ["migration-unverifiable"]), data["findings"]
    # A new file of the tree declares it: read again, and verified.
    (migrations(repo) / "db" / "Sql.kt").write_text(f'package app.db\n\nconst val EDIT_COUNT = "{EDIT_COUNT}"\n')
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]


@pytest.mark.parametrize("body,why,needle", [
    (['val n = db.query("SELECT count(*) FROM messages").use { it.moveToFirst(); it.getInt(0) }',
      'db.execSQL("UPDATE messages SET edit_count = $n")'], "rows read through a cursor", "$n"),
    (["db.execSQL(System.getProperty(\"sql\"))"], "System.getProperty", "getProperty"),
])
def test_not_verifiable_is_a_warning_with_its_line_and_never_a_failure(repo, body, why, needle):
    kt = _write(repo, _generated(repo) + body)
    for args in ((), ("--strict",)):
        code, data = check(repo, *args)
        assert (code, rules(data), errors(data)) == (0, ["migration-unverifiable"], []), data["findings"]
        (f,) = data["findings"]
        assert f["severity"] == "warning" and f["versions"] == [1, 2]
        line = _line(kt, needle)
        assert f"Migrations.kt:{line}: " in f["message"] and why in f["message"], f["message"]
        assert "fails" not in f["message"] and "would crash" not in f["message"]
        assert data["pairs"][0]["verified"] is None and data["not_verified"] == [[1, 2]]
    text = run_cli("check", cwd=repo)
    assert text.returncode == 0 and "0 errors, 1 warning" in text.stdout
    assert "1 version pair not verified (1->2)" in text.stdout, text.stdout


def test_a_migration_whose_versions_cannot_be_told_is_shown_not_a_crash(repo):
    kt = migrations(repo) / "db" / "Migrations.kt"
    body = "".join(f"        {ln}\n" for ln in _generated(repo))
    kt.write_text("package app.db\n\nimport androidx.room.migration.Migration\n"
                  "import androidx.sqlite.db.SupportSQLiteDatabase\n\n"
                  "class Migrations(private val from: Int) {\n"
                  "    val upgrade = object : Migration(from, from + 1) {\n"
                  "        override fun migrate(db: SupportSQLiteDatabase) {\n" + body + "        }\n    }\n}\n")
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    assert errors(data) == [] and code == 0, data["findings"]
    (f,) = data["findings"]
    assert f["rule"] == "migration-unverifiable" and f["severity"] == "warning"
    assert f"Migrations.kt:{_line(kt, 'object : Migration(')}" in f["message"], f["message"]
    assert "`from`" in f["message"] and "1->2" in f["message"], f["message"]
    assert "A migration from 1 to 2 was required but not found" in f["message"]
    assert data["not_verified"] == [[1, 2]] and data["pairs"][0]["verified"] is None
    # verify names it too, at its line, as not verifiable (exit 1), not "no Migration(1, 2)" alone.
    r = run_cli("verify", "1", "2", "--kotlin", str(kt), cwd=repo)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert f"Migrations.kt:{_line(kt, 'object : Migration(')}: upgrade could not be read: " in r.stderr, r.stderr
    # Once a readable Migration(1, 2) is there, Room's path is whole and the other one is still shown.
    kt.write_text(kt.read_text() + "\nval MIGRATION_1_2 = Migration(1, 2) { db ->\n"
                  + "".join(f"    {ln}\n" for ln in _generated(repo)) + "}\n")
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    assert code == 0 and rules(data) == ["migration-unverifiable"], data["findings"]
    assert data["pairs"][0]["verified"] is True and data["not_verified"] == []
    assert data["findings"][0]["file"].endswith("db/Migrations.kt") and "Room may run it" in data["findings"][0]["message"]


# ---- the whole-report cache ---------------------------------------------------------------------------

def _no_schema_loads(monkeypatch):
    """From here on, loading or validating a schema fails the test: only a stored report can answer."""
    import roomschema.check.fast as fast

    def refuse(*args, **kwargs):
        raise AssertionError("a schema was loaded")
    monkeypatch.setattr(fast, "validation_errors", refuse)
    monkeypatch.setattr(fast, "validating", refuse)
    monkeypatch.setattr(fast, "parse_ahead", refuse)


def test_an_unchanged_project_reprints_its_report_without_loading_a_schema(repo, monkeypatch):
    kt = _write(repo, _generated(repo) + ['db.execSQL(System.getProperty("sql"))'])
    first = [run_cli("check", *args, cwd=repo) for args in ((), ("--format", "json"), ("--format", "sarif"))]
    assert first[0].returncode == 0 and "migration-unverifiable" in first[0].stdout
    _no_schema_loads(monkeypatch)
    again = [run_cli("check", *args, cwd=repo) for args in ((), ("--format", "json"), ("--format", "sarif"))]
    assert [(r.returncode, r.stdout, r.stderr) for r in again] == [(r.returncode, r.stdout, r.stderr) for r in first]
    # Options are part of the key: --strict is a run of its own, and --no-cache never reads one.
    with pytest.raises(AssertionError, match="a schema was loaded"):
        run_cli("check", "--strict", cwd=repo)
    with pytest.raises(AssertionError, match="a schema was loaded"):
        run_cli("check", "--no-cache", cwd=repo)
    # Every input: the migration, the history document, the configuration, git's released files.
    for change in (lambda: kt.write_text(kt.read_text() + "\n"),
                   lambda: (migrations(repo) / "MIGRATIONS.md").write_text(
                       (migrations(repo) / "MIGRATIONS.md").read_text() + "\n"),
                   lambda: (repo / "roomschema.toml").write_text("require_why = true\n")):
        change()
        with pytest.raises(AssertionError, match="a schema was loaded"):
            run_cli("check", cwd=repo)


def test_the_stored_report_follows_git(repo):
    from helpers import git, schemas
    _write(repo, _generated(repo))
    path = schemas(repo) / "2.json"
    path.write_text(path.read_text().replace('"edit_count"', '"edit_count2"'))
    code, data = check(repo)
    assert "released-changed" in rules(data), data["findings"]  # 2.json is committed at HEAD: released
    code, data = check(repo)
    assert "released-changed" in rules(data)
    # Only git changes (the edit is committed): the same files, another report.
    git(repo, "commit", "-q", "-am", "2.json as it is now")
    code, data = check(repo)
    assert "released-changed" not in rules(data), data["findings"]
