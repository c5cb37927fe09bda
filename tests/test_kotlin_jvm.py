"""The real Kotlin run on the JVM (issue #14, "Go beyond"): ``verify --kotlin FILE --jvm`` and
check's ``run_kotlin = true`` compile a hand-written migration against roomschema's stand-ins
for Room and androidx.sqlite, run its ``migrate`` on the seeded SQLite file through sqlite-jdbc,
and judge the result as for any other migration. What the static replay calls "not verifiable"
gets a real verdict; code that needs the app's other classes falls back to the static replay
and says why.

Needs kotlinc, a JDK and sqlite-jdbc (Debian: libxerial-sqlite-jdbc-java). Without them these
tests skip with the reason, except in CI (ROOMSCHEMA_REQUIRE_KOTLINC=1), where they fail.
"""
from __future__ import annotations

import collections
import csv
import os
import re
import sqlite3
import textwrap
from pathlib import Path

import pytest

from corpus_declarations import APP_BUGS
from helpers import (CORPUS, check, config, corpus_histories, errors, exec_lines, make_repo, migrations, ready,
                    requires_corpus, run_cli, source_project)
from roomschema.schema import compose

FQCN = "app.db.AppDatabase"


def _missing() -> str:
    from roomschema.verify.jvm import JvmUnavailable, find_toolchain
    try:
        find_toolchain()
    except JvmUnavailable as err:
        return str(err)
    return ""


_REASON = _missing()
_REQUIRED = os.environ.get("ROOMSCHEMA_REQUIRE_KOTLINC", "").lower() in ("1", "true", "yes")
pytestmark = [pytest.mark.kotlin, pytest.mark.skipif(bool(_REASON) and not _REQUIRED,
                                                     reason=_REASON or "the JVM tools are present")]

USERS_1 = compose.entity("users", [compose.field("id", "INTEGER", True), compose.field("name", "TEXT"),
                                   compose.field("score", "INTEGER")], ["id"])
USERS_2 = compose.entity("users", [compose.field("id", "INTEGER", True), compose.field("name", "TEXT"),
                                   compose.field("score", "INTEGER")], ["id"],
                         indices=[compose.index("users", ["name"])])

# A rebuild whose rows go through a cursor into later statements: the static replay cannot know them.
CURSOR_COPY = '''
val MIGRATION_1_2 = object : Migration(1, 2) {
    override fun migrate(db: SupportSQLiteDatabase) {
        db.execSQL("CREATE TABLE `users_new` (`id` INTEGER NOT NULL, `name` TEXT, `score` INTEGER, PRIMARY KEY(`id`))")
        db.query("SELECT id, name, score FROM users").use { c ->
            while (c.moveToNext()) {
                val values = ContentValues()
                values.put("id", c.getLong(0))
                values.put("name", if (c.isNull(1)) null else c.getString(1)%(NAME)s)
                if (c.isNull(2)) values.putNull("score") else values.put("score", c.getLong(2))
                db.insert("users_new", SQLiteDatabase.CONFLICT_ABORT, values)
            }
        }
        db.execSQL("DROP TABLE users")
        db.execSQL("ALTER TABLE users_new RENAME TO users")
        db.execSQL("CREATE INDEX IF NOT EXISTS `index_users_name` ON `users` (`name`)")
    }
}
'''
HEADER = ("package app.db\n\nimport android.content.ContentValues\nimport android.database.sqlite.SQLiteDatabase\n"
          "import androidx.room.migration.Migration\nimport androidx.sqlite.db.SupportSQLiteDatabase\n")


@pytest.fixture
def project(tmp_path):
    return source_project(tmp_path, [USERS_1], [USERS_2], fqcn=FQCN)


def _write(project: Path, body: str, name: str = "Migrations.kt") -> Path:
    path = project / "app" / "src" / "main" / "java" / "app" / "db" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + textwrap.dedent(body))
    return path


def _verify(project: Path, kt: Path, *extra):
    return run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "300", *extra, cwd=project)


def test_a_cursor_loop_is_not_verifiable_statically_and_verified_on_the_jvm(project):
    kt = _write(project, CURSOR_COPY % {"NAME": ""})
    static = _verify(project, kt)
    assert static.returncode == 1 and "not verifiable" in static.stderr, static.stdout + static.stderr
    r = _verify(project, kt, "--jvm")
    assert r.returncode == 0, r.stdout + r.stderr
    assert ": OK" in r.stdout.splitlines()[0]
    assert "compiled with kotlinc and run on the JVM" in r.stdout
    # Every mode ran the real code, cascade pass included.
    data = run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "300", "--jvm", "--format", "json", cwd=project)
    report = __import__("json").loads(data.stdout)
    assert [m["passed"] for m in report["modes"]] == [True, True]
    assert all(m["steps"][0]["kind"] == "jvm" for m in report["modes"])


def test_a_cursor_loop_that_changes_values_is_caught(project):
    kt = _write(project, CURSOR_COPY % {"NAME": ".uppercase()"})
    r = _verify(project, kt, "--jvm")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAILED" in r.stdout and "users.name" in r.stdout


def test_a_migration_that_throws_fails_with_the_exception_and_its_line(project):
    kt = _write(project, '''
        val MIGRATION_1_2 = Migration(1, 2) { db ->
            val n = db.query("SELECT count(*) FROM users").use { c -> c.moveToFirst(); c.getInt(0) }
            db.execSQL("INSERT INTO user_archive SELECT * FROM users LIMIT $n")
        }
        ''')
    r = _verify(project, kt, "--jvm")
    assert r.returncode == 1
    assert "no such table: user_archive" in r.stdout
    assert "(at Migrations.kt:10)" in r.stdout  # where the app's code threw
    assert "rolled back" in r.stdout


def test_code_that_needs_app_classes_falls_back_to_the_static_replay_and_says_why(project):
    kt = _write(project, '''
        val MIGRATION_1_2 = object : Migration(1, 2) {
            override fun migrate(db: SupportSQLiteDatabase) {
                Analytics.track("migrating")
                db.execSQL("CREATE INDEX IF NOT EXISTS `index_users_name` ON `users` (`name`)")
            }
        }
        ''')
    r = _verify(project, kt, "--jvm")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "not run on the JVM (Migrations.kt:10: unresolved reference 'Analytics')" in r.stdout
    assert "verified by the static replay of its SQL instead" in r.stdout


def test_a_helper_imported_from_the_source_tree_is_compiled_with_it(project):
    helper = project / "app" / "src" / "main" / "java" / "app" / "storage" / "Databases.kt"
    helper.parent.mkdir(parents=True)
    helper.write_text("package app.storage\n\nimport androidx.sqlite.db.SupportSQLiteDatabase\n\n"
                      "fun SupportSQLiteDatabase.inTransaction(block: SupportSQLiteDatabase.() -> Unit) {\n"
                      "    beginTransaction()\n    try { block(); setTransactionSuccessful() } finally { endTransaction() }\n}\n")
    kt = _write(project, '''
        import app.storage.inTransaction

        class Migration_2 @javax.inject.Inject constructor() : Migration(1, 2) {
            override fun migrate(database: SupportSQLiteDatabase) {
                database.inTransaction {
                    val names = query("SELECT name FROM users").use { c -> generateSequence { c.takeIf { it.moveToNext() } }.count() }
                    if (names >= 0) execSQL("CREATE INDEX IF NOT EXISTS `index_users_name` ON `users` (`name`)")
                }
            }
        }
        ''')
    r = _verify(project, kt, "--jvm")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "compiled with kotlinc and run on the JVM" in r.stdout


# The app's @Database class around its migrations, as diswantin and pachli write it: entities, DAOs,
# converters and a builder that need the app's other classes, and a helper that needs one too.
DATABASE_FILE = '''
import android.content.Context
import androidx.room.AutoMigration
import androidx.room.Database
import androidx.room.DeleteColumn
import androidx.room.Room
import androidx.room.RoomDatabase
import androidx.room.TypeConverters
import androidx.room.migration.AutoMigrationSpec
import app.db.model.Task
import java.time.Instant
import java.time.ZoneId

@Database(
    version = 4,
    entities = [Task::class],
    autoMigrations = [AutoMigration(from = 2, to = 3, spec = AppDatabase.Spec2To3::class)],
)
@TypeConverters(Converters::class)
abstract class AppDatabase : RoomDatabase() {
    abstract fun taskDao(): TaskDao

    @DeleteColumn(tableName = "users", columnName = "score")
    class Spec2To3 : AutoMigrationSpec

    companion object {
        fun tag(): String = Analytics.tag()

        fun getMigration1to2(zoneId: ZoneId = ZoneId.systemDefault()) = object : Migration(1, 2) {
            override fun migrate(db: SupportSQLiteDatabase) {
                db.execSQL("CREATE TABLE `users_new` (`id` INTEGER NOT NULL, `name` TEXT, `score` INTEGER, PRIMARY KEY(`id`))")
                db.query("SELECT id, name, score FROM users").use { c ->
                    while (c.moveToNext()) {
                        val values = ContentValues()
                        values.put("id", c.getLong(0))
                        values.put("name", if (c.isNull(1)) null else c.getString(1))
                        if (c.isNull(2)) values.putNull("score") else values.put("score", c.getLong(2))
                        if (Instant.EPOCH.atZone(zoneId).year < 1900) error("never")
                        db.insert("users_new", SQLiteDatabase.CONFLICT_ABORT, values)
                    }
                }
                db.execSQL("DROP TABLE users")
                db.execSQL("ALTER TABLE users_new RENAME TO users")
                db.execSQL("CREATE INDEX IF NOT EXISTS `index_users_name` ON `users` (`name`)")
            }
        }

        val MIGRATION_2_3 = object : Migration(2, 3) {
            override fun migrate(db: SupportSQLiteDatabase) {
                db.execSQL("UPDATE users SET name = '${tag()}'")
            }
        }

        val MIGRATION_3_4 = Migration(3, 4) { db ->
            db.execSQL("DROP TABLE nope")
        }

        fun create(context: Context) = Room.databaseBuilder(context, AppDatabase::class.java, "app")
            .addMigrations(getMigration1to2(), MIGRATION_2_3, MIGRATION_3_4)
            .build()
    }
}
'''


def _line(path: Path, text: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if text in ln)


def test_a_migration_beside_the_database_class_runs_without_the_declarations_that_need_the_app(project):
    kt = _write(project, DATABASE_FILE, name="AppDatabase.kt")
    r = _verify(project, kt, "--jvm")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "compiled with kotlinc and run on the JVM" in r.stdout
    # The factory ran with its default, and the verdict says which value that was.
    assert "made by getMigration1to2(zoneId: ZoneId = ZoneId.systemDefault()) with its defaults, " \
           "evaluated on this JVM (zone " in r.stdout, r.stdout

    from roomschema.verify.jvm import load_program
    program = load_program([kt], primary=kt)
    left = {(p.kind, p.name, p.line) for p in program.compiled.pruned}
    # What needs the app is left out, declaration by declaration (at the user's lines); nothing else.
    assert ("declaration", "taskDao", _line(kt, "abstract fun taskDao")) in left
    assert ("declaration", "create", _line(kt, "fun create(")) in left
    assert ("declaration", "tag", _line(kt, "fun tag()")) in left
    assert ("annotation", None, _line(kt, "@TypeConverters")) in left
    assert not any(p.name in ("Spec2To3", "getMigration1to2", "MIGRATION_3_4") for p in program.compiled.pruned)
    assert program.compiled.errors == {}
    # A migration that needs what was left out falls back, and says what and where.
    assert program.path(2, 3) is None
    assert program.why_not(2, 3) == (f"AppDatabase.kt:{_line(kt, 'SET name')}: unresolved reference 'tag', left out "
                                     f"because AppDatabase.kt:{_line(kt, 'fun tag()')}: unresolved reference 'Analytics'")


def test_lines_stay_the_users_after_declarations_are_left_out(tmp_path):
    from roomschema.verify.jvm import run_kotlin_migration
    kt = tmp_path / "app" / "db" / "AppDatabase.kt"
    kt.parent.mkdir(parents=True)
    kt.write_text(HEADER + textwrap.dedent(DATABASE_FILE))
    db = tmp_path / "db.sqlite"
    sqlite3.connect(db).close()
    res = run_kotlin_migration([kt], 3, 4, db)
    assert res.decided and not res.ok and "no such table: nope" in res.error
    assert res.location == f"AppDatabase.kt:{_line(kt, 'DROP TABLE nope')}"


def test_a_migration_that_ran_none_of_its_sql_is_not_verified(tmp_path):
    project = source_project(tmp_path, [USERS_1], [USERS_1], fqcn=FQCN)
    kt = _write(project, '''
        val MIGRATION_1_2 = Migration(1, 2) { db ->
            if (System.getenv("ROOMSCHEMA_NEVER_SET_XYZ") != null) {
                db.execSQL("DELETE FROM users")
            }
        }
        ''')
    r = _verify(project, kt, "--jvm")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "ran no SQL statement on the seeded database, though its source has some" in r.stdout + r.stderr


def test_run_kotlin_migration_on_a_file(tmp_path):
    from roomschema.verify.jvm import run_kotlin_migration
    kt = tmp_path / "M.kt"
    kt.write_text("package m\n\nimport androidx.room.migration.Migration\nimport androidx.sqlite.SQLiteConnection\n"
                  "import androidx.sqlite.execSQL\n\n"
                  "object M12 : Migration(1, 2) {\n"
                  "    override fun migrate(connection: SQLiteConnection) {\n"
                  "        val total = connection.prepare(\"SELECT sum(x) FROM t\").use { it.step(); it.getLong(0) }\n"
                  "        connection.execSQL(\"CREATE TABLE total (v INTEGER)\")\n"
                  "        connection.prepare(\"INSERT INTO total VALUES (?)\").use { it.bindLong(1, total); it.step() }\n"
                  "    }\n}\n"
                  "object M23 : Migration(2, 3) {\n"
                  "    override fun migrate(connection: SQLiteConnection) { connection.execSQL(\"DROP TABLE nope\") }\n}\n")
    db = tmp_path / "db.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (2), (40);")
    conn.close()
    res = run_kotlin_migration([kt], 1, 2, db)
    assert res.decided and res.ok, res
    assert sqlite3.connect(db).execute("SELECT v FROM total").fetchall() == [(42,)]
    # Room's path 1 -> 2 -> 3 on a fresh file: 2 -> 3 throws, and everything 1 -> 2 did is rolled back.
    fresh = tmp_path / "fresh.sqlite"
    conn = sqlite3.connect(fresh)
    conn.executescript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
    conn.close()
    bad = run_kotlin_migration([kt], 1, 3, fresh)
    assert bad.decided and not bad.ok and "no such table: nope" in bad.error and bad.location == "M.kt:15"
    assert [r[0] for r in sqlite3.connect(fresh).execute("SELECT name FROM sqlite_master")] == ["t"]
    missing = run_kotlin_migration([kt], 3, 4, db)
    assert not missing.decided and "no Migration(3, 4)" in missing.reason


def test_check_with_run_kotlin_judges_what_the_static_replay_cannot(tmp_path):
    repo = make_repo(tmp_path / "project")
    ready(repo)
    lines = exec_lines(repo, 1, 2)
    for p in list(migrations(repo).glob("migration_*.sql")) + list(migrations(repo).glob("Migration_*.kt")):
        p.unlink()
    # A branch on row data: statically "not verifiable", on the JVM the statements run.
    body = "".join(f"        {ln}\n" for ln in lines)
    kt = migrations(repo) / "db" / "Migrations.kt"
    kt.parent.mkdir()
    kt.write_text("package app.db\n\nimport androidx.room.migration.Migration\n\n"
                  "val MIGRATION_1_2 = Migration(1, 2) { db ->\n"
                  "    val n = db.query(\"SELECT count(*) FROM room_master_table\").use { c -> c.moveToFirst(); c.getInt(0) }\n"
                  f"    if (n > 0) {{\n{body}    }}\n}}\n")
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    (m,) = data["pairs"][0]["migrations"]
    assert m["verified"] is not True
    config(repo, "run_kotlin = true\n")
    assert run_cli("docs", cwd=repo).returncode == 0  # the document is written from the configuration too
    code, data = check(repo)
    assert errors(data) == [] and code == 0, data["findings"]
    (m,) = data["pairs"][0]["migrations"]
    assert (m["kind"], m["verified"]) == ("kotlin", True)


# ---- the corpus: how many real hand-written migrations each path decides --------------------------

DISWANTIN, PACHLI = "evaogbe/diswantin-android", "pachli/pachli-android"


def _jvm_only() -> dict:
    """The corpus migrations the static replay cannot read (cursor loops, ContentValues, factories called
    with their defaults, prepare/step loops), with what each changes on purpose as corpus_declarations
    declares it: ``{(repo, start, end): (Declarations, why)}``."""
    from corpus_declarations import DECLARED
    from roomschema.migration.declarations import Declarations
    plain = {(DISWANTIN, 22, 23): "a recurrence per recurring task, starting today (LocalDate.now())",
             (PACHLI, 8, 9): "a server, content filters and instance info row per account (prepare/step)"}
    changing = [(DISWANTIN, 11, 12), (DISWANTIN, 17, 18), (DISWANTIN, 20, 21), (DISWANTIN, 35, 36)]
    return {**{k: DECLARED[k] for k in changing}, **{k: (Declarations(), why) for k, why in plain.items()}}


def app_declarations(repo: str, start: int, end: int):
    """What the app's team declares for Migration(start, end): corpus_declarations' entry."""
    from corpus_declarations import declared
    return declared(repo, start, end)


def corpus_jvm_table(rows_seeded: int = 100, repos: tuple = ()) -> tuple:
    """``({repo: Counter}, {(repo, start, end): (static, jvm)})`` over every hand-written Kotlin
    migration of the corpus whose two schemas exist, each judged with its app's declarations: what
    the static replay decides (verified or failed, against not verifiable) and what the JVM path
    decides (compiled and run, against falling back, with the reason). One kotlinc run per app (a
    few when declarations that need the app are left out)."""
    import time
    from roomschema.kotlin import read_migrations
    from roomschema.migration.sources import NotVerifiable, migration_steps
    from roomschema.verify import verify_migration
    from roomschema.verify.outside import made_for
    from roomschema.verify.jvm import JvmRunner, load_program
    with open(CORPUS / "MIGRATIONS-SRC.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t")]
    by_repo: dict = collections.defaultdict(list)
    for r in rows:
        if r["language"] == "Kotlin" and "hand-written" in r["kind"] and (not repos or r["repo"] in repos):
            if CORPUS / r["corpus_path"] not in by_repo[r["repo"]]:
                by_repo[r["repo"]].append(CORPUS / r["corpus_path"])
    table: dict = {}
    verdicts: dict = {}
    for repo, files in sorted(by_repo.items()):
        counts: collections.Counter = collections.Counter()
        histories = corpus_histories(CORPUS / files[0].relative_to(CORPUS).parts[0])
        t0 = time.perf_counter()
        program = load_program(files)
        counts["load s"] = round(time.perf_counter() - t0, 1)
        counts["compile s"] = round(program.compiled.seconds, 1)
        counts["kotlinc runs"] = program.compiled.rounds
        for path in files:
            for m in read_migrations(path.read_text(encoding="utf-8"), path.name, path).migrations:
                history = next((h for h in histories if m.start in h and m.end in h), None)
                if history is None:
                    continue
                old, new = history[m.start], history[m.end]
                decl = app_declarations(repo, m.start, m.end)
                counts["migrations"] += 1
                steps: tuple = ()
                made: dict = {}
                try:
                    steps = migration_steps("kotlin", path, m.start, m.end, line=m.line)
                    made = made_for(path, old, steps)
                    static = "verified" if verify_migration(old, new, steps, rows=rows_seeded, hazard_pass=False,
                                                            declarations=decl, made_elsewhere=made).ok else "failed"
                except NotVerifiable:
                    static = "not verifiable"
                counts[f"static {static}"] += 1
                jvm: object
                if program.path(m.start, m.end) is None:
                    counts["jvm fallback"] += 1
                    jvm = ("fallback", program.why_not(m.start, m.end))
                else:
                    runner = JvmRunner(program, m.start, m.end)
                    # As verify --kotlin --jvm: the statements read statically, when all are, seed the
                    # values the migration compares; the JVM runs the real code.
                    try:
                        report = verify_migration(old, new, steps, rows=rows_seeded, hazard_pass=False,
                                                  runner=runner, declarations=decl, made_elsewhere=made)
                    except NotVerifiable as err:
                        runner.undecided = err.message
                    if runner.undecided:
                        counts["jvm fallback"] += 1
                        jvm = ("fallback", runner.undecided)
                    else:
                        jvm = ("verified" if report.ok else "failed", report)
                        counts[f"jvm {jvm[0]}"] += 1
                        if not report.ok and (repo, m.start, m.end) in APP_BUGS:
                            counts["jvm app bug"] += 1
                decided_jvm = jvm[0] != "fallback"
                counts["decided" if decided_jvm or static != "not verifiable" else "undecided"] += 1
                if decided_jvm and static != "not verifiable" and jvm[0] != static:
                    counts[f"static {static}, jvm {jvm[0]}"] += 1
                verdicts[(repo, m.start, m.end)] = (static, jvm)
        table[repo] = counts
    return table, verdicts


def format_table(table: dict) -> str:
    """The per-app table BENCHMARKS.md shows: what each path decides of the hand-written migrations."""
    lines = ["| app | hand-written | static: verified / failed / not verifiable | JVM: verified / failed / "
             "fallback | decided by either | kotlinc runs, compile s |",
             "|---|---|---|---|---|---|"]
    for repo, c in table.items():
        lines.append(f"| {repo} | {c['migrations']} | {c['static verified']} / {c['static failed']} / "
                     f"{c['static not verifiable']} | {c['jvm verified']} / {c['jvm failed']} / {c['jvm fallback']} | "
                     f"{c['decided']} | {c['kotlinc runs']}, {c['compile s']} |")
    return "\n".join(lines)


@requires_corpus
@pytest.mark.slow
def test_corpus_every_compiled_migration_gets_a_verdict_and_none_the_static_replay_passed_fails():
    table, verdicts = corpus_jvm_table()
    assert table, "no hand-written Kotlin in the corpus"
    print()
    print(format_table(table))
    for repo, c in table.items():
        print(repo, dict(c))
        # The JVM path decides at least what the static replay decided among what it compiled.
        assert c["decided"] >= c["static verified"] + c["static failed"], (repo, c)
        assert c["static verified, jvm failed"] == 0, (repo, c)
    assert sum(c["jvm verified"] + c["jvm failed"] for c in table.values()) > 0
    # No correct migration fails on the JVM either: each failure is a bug the app shipped, for its reason.
    for key, (static, (jvm, detail)) in verdicts.items():
        assert static != "failed" or key in APP_BUGS, key
        if jvm == "failed":
            assert key in APP_BUGS and APP_BUGS[key][0] in detail.to_text(), (key, detail.to_text())
        elif jvm == "fallback":  # honest: the compiler's FILE:LINE, or the runner's reason
            assert re.search(r"\.kt:\d+: |not verifiable|SQLite module|ran no SQL", detail), (key, detail)


@requires_corpus
@pytest.mark.slow
def test_corpus_migrations_beside_their_database_class_are_decided_on_the_jvm():
    """diswantin's migrations share DiswantinDatabase.kt with the @Database class, its specs and builder;
    pachli's share AppDatabase.kt (and use another module's enum). Each the static replay cannot read
    now runs on the JVM: verified outright, or failing on exactly the data change it makes on purpose,
    and verified once that change is declared."""
    from roomschema.verify import verify_migration
    from roomschema.verify.jvm import JvmRunner, load_program
    expected = _jvm_only()
    table, verdicts = corpus_jvm_table(repos=(DISWANTIN, PACHLI))
    print()
    print(format_table(table))
    for key, (decl, why) in expected.items():
        static, (jvm, detail) = verdicts[key]
        assert static == "not verifiable", (key, static)
        assert jvm != "fallback", (key, detail)
        # Declared, it verifies: nothing else about it is wrong.
        assert jvm == "verified", (key, why, detail.to_text())
        declared = [t for t in decl.expect_rows_added] + [f"{t}.{c}" for t, c in decl.expect_values_changed]
        if not declared:
            continue
        # Undeclared, it fails on exactly the change it makes on purpose, named.
        repo, start, end = key
        path = CORPUS / _corpus_files(repo)[0]
        h = next(h for h in corpus_histories(CORPUS / path.relative_to(CORPUS).parts[0]) if start in h and end in h)
        report = verify_migration(h[start], h[end], (), rows=100, hazard_pass=False,
                                  runner=JvmRunner(load_program([path]), start, end))
        text = report.to_text()
        assert not report.ok and "threw" not in text, (key, text)
        for name in declared:
            assert "declare it: --expect-" in text and name in text, (key, name, text)
    for repo in (DISWANTIN, PACHLI):
        c = table[repo]
        # Every migration decided on the JVM; the only failures are the bugs the app shipped.
        assert c["jvm fallback"] == 0 and c["undecided"] == 0, (repo, c)
        assert all(jvm != "failed" or k in APP_BUGS for k, (static, (jvm, _)) in verdicts.items() if k[0] == repo), \
            (repo, c)
        # With both paths, at least 90% of the app's correct migrations are verified (issue #14's goal).
        mine = {k: v for k, v in verdicts.items() if k[0] == repo}
        correct = [k for k in mine if k not in APP_BUGS]
        verified = [k for k in correct if "verified" in (mine[k][0], mine[k][1][0])]
        assert len(verified) >= 0.9 * len(correct), (repo, sorted(set(correct) - set(verified)))


def _corpus_files(repo: str) -> list:
    with open(CORPUS / "MIGRATIONS-SRC.tsv", encoding="utf-8") as f:
        return [r["corpus_path"] for r in csv.DictReader(f, delimiter="\t")
                if r["repo"] == repo and r["language"] == "Kotlin" and "hand-written" in r["kind"]]
