"""The shapes real apps write their hand-written Migrations in (issue #14, items 1-6), each
replayed statically and judged on real SQLite: through the extractor API, through
``verify --kotlin`` and through ``check``, and on every hand-written migration of the corpus.

The rule every test here holds to: a migration is passed only when every statement it runs
was replayed; what cannot be known before the app runs is "not verifiable" with file:line and
the reason, never a pass and never a failure claim.
"""
from __future__ import annotations

import collections
import csv
import sqlite3
import textwrap
from pathlib import Path

import pytest

from helpers import (CORPUS, check, corpus_histories, errors, hand_written_repo,
                     requires_corpus, run_cli, source_project)
from corpus_declarations import APP_BUGS, declared
from roomschema.kotlin import flat_statements, read_migrations, unverifiable
from roomschema.migration.declarations import Declarations
from roomschema.schema import compose

FQCN = "app.db.AppDatabase"

MESSAGES_1 = compose.entity("messages", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT")], ["id"])
MESSAGES_2 = compose.entity("messages", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT"),
                                         compose.field("edited_at", "INTEGER")], ["id"])
ADD = '"ALTER TABLE `messages` ADD COLUMN `edited_at` INTEGER"'

# Reads the columns of a table from the database at hand, the way apps do (PRAGMA table_info).
GET_COLUMN_NAMES = '''
private fun getColumnNames(db: SupportSQLiteDatabase, table: String): List<String> {
    val names = mutableListOf<String>()
    db.query("PRAGMA table_info(`$table`)").use { cursor ->
        val index = cursor.getColumnIndex("name")
        while (cursor.moveToNext()) {
            names.add(cursor.getString(index))
        }
    }
    return names
}
'''

ADD_MIGRATION = '''
private fun addMigration(startVersion: Int, endVersion: Int, migration: (SupportSQLiteDatabase) -> Unit): Migration =
    object : Migration(startVersion, endVersion) {
        override fun migrate(db: SupportSQLiteDatabase) {
            migration(db)
        }
    }
'''


@pytest.fixture
def project(tmp_path):
    """Schemas 1 (messages: id, body) and 2 (plus edited_at), and a source tree for the Kotlin."""
    return source_project(tmp_path, [MESSAGES_1], [MESSAGES_2], fqcn=FQCN)


def _write(project: Path, body: str, name: str = "Migrations.kt", sub: str = "app/db") -> Path:
    path = project / "app" / "src" / "main" / "java" / sub / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("package app.db\n\nimport androidx.room.migration.Migration\n"
                    "import androidx.sqlite.db.SupportSQLiteDatabase\n" + textwrap.dedent(body))
    return path


def _verify(project: Path, kt: Path, *extra):
    return run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "200", "--no-hazard", *extra, cwd=project)


def _sql(source: str, path: Path = None) -> list:
    found = read_migrations(textwrap.dedent(source), "T.kt", path)
    (m,) = found.migrations
    return [s.sql for s in m.statements]


# ---- 1. factory helpers, Room's factory, constructor parameters; one unreadable hides nothing -------

def test_add_migration_factory_helper_is_resolved_at_its_call(project):
    kt = _write(project, ADD_MIGRATION + f'''
        val MIGRATION_1_2 = addMigration(1, 2) {{ database ->
            database.execSQL({ADD})
        }}
        ''')
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    assert (m.start, m.end, m.name) == (1, 2, "MIGRATION_1_2")
    assert [s.sql for s in m.statements] == [ADD.strip('"')]
    r = _verify(project, kt)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ": OK" in r.stdout.splitlines()[0]


def test_a_broken_migration_behind_a_factory_still_fails(project):
    # The replay is what is judged: a wrong type behind the helper is caught, not passed.
    kt = _write(project, ADD_MIGRATION + '''
        val MIGRATION_1_2 = addMigration(1, 2) { it.execSQL("ALTER TABLE `messages` ADD COLUMN `edited_at` TEXT") }
        ''')
    r = _verify(project, kt)
    assert r.returncode == 1
    assert "Room would throw: Migration didn't properly handle: messages" in r.stdout


@pytest.mark.parametrize("body", [
    # simpleMigration(from, to, sql): a template calling a template
    ADD_MIGRATION + f'fun simpleMigration(from: Int, to: Int, sql: String) = addMigration(from, to) {{ it.execSQL(sql) }}\n'
                    f'val MIGRATION_1_2 = simpleMigration(1, 2, {ADD})\n',
    # Room's own factory
    f'val MIGRATION_1_2 = Migration(1, 2) {{ db -> db.execSQL({ADD}) }}\n',
    # a class whose constructor parameters carry the versions and the SQL
    'class AddColumn(from: Int, to: Int, private val table: String, private val column: String) : Migration(from, to) {\n'
    '    override fun migrate(db: SupportSQLiteDatabase) { db.execSQL("ALTER TABLE `$table` ADD COLUMN $column") }\n'
    '}\n'
    'val MIGRATION_1_2 = AddColumn(1, 2, "messages", "`edited_at` INTEGER")\n',
    # an abstract base class and a subclass that passes its versions up
    'abstract class SqlMigration(from: Int, to: Int, private vararg val sql: String) : Migration(from, to) {\n'
    '    override fun migrate(db: SupportSQLiteDatabase) { sql.forEach { db.execSQL(it) } }\n'
    '}\n'
    f'object Migration1To2 : SqlMigration(1, 2, {ADD})\n',
], ids=["simpleMigration", "room-factory", "constructor-parameters", "base-class"])
def test_factory_shapes_verify(project, body):
    kt = _write(project, body)
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    assert (m.start, m.end) == (1, 2) and [s.sql for s in m.statements] == [ADD.strip('"')]
    r = _verify(project, kt)
    assert r.returncode == 0, r.stdout + r.stderr


def test_an_unreadable_migration_hides_no_other_in_its_file(project):
    kt = _write(project, f'''
        val FIRST = 1
        val MIGRATION_1_2 = Migration(FIRST, 2) {{ db -> db.execSQL({ADD}) }}
        val LEGACY = (3 until readVersion()).map {{ v -> Migration(v, v + 1) {{ db -> db.execSQL("DELETE FROM messages") }} }}
        ''')
    found = read_migrations(kt.read_text(), kt.name, kt)
    assert [(m.start, m.end) for m in found.migrations] == [(1, 2)]
    (u,) = found.unreadable
    assert u.line == 8 and "cannot tell the versions" in u.reason and "`v`" in u.reason
    assert _verify(project, kt).returncode == 0


# ---- 2. local functions and lambdas inside migrate ------------------------------------------------

def test_local_functions_and_lambdas_are_followed():
    assert _sql('''
        val M = object : Migration(1, 2) {
            override fun migrate(db: SupportSQLiteDatabase) {
                fun addColumn(table: String, column: String) {
                    db.execSQL("ALTER TABLE $table ADD COLUMN $column TEXT")
                }
                val drop = { table: String -> db.execSQL("DROP TABLE IF EXISTS `$table`") }
                addColumn("a", "b")
                addColumn(column = "d", table = "c")
                drop("old")
            }
        }
        ''') == ["ALTER TABLE a ADD COLUMN b TEXT", "ALTER TABLE c ADD COLUMN d TEXT", "DROP TABLE IF EXISTS `old`"]


# ---- 3. constants from elsewhere, concatenation, trimIndent, literal loops --------------------------

def test_constants_of_other_files_of_the_source_tree(project):
    _write(project, '''
        const val MESSAGES = "messages"
        object Columns { const val EDITED_AT = "edited_at" }
        class Names { companion object { val TYPE = "INTEGER" } }
        ''', name="Tables.kt", sub="app/data")
    kt = _write(project, '''
        val MIGRATION_1_2 = object : Migration(1, 2) {
            override fun migrate(db: SupportSQLiteDatabase) {
                db.execSQL("ALTER TABLE `$MESSAGES` ADD COLUMN `${Columns.EDITED_AT}` " + Names.TYPE)
            }
        }
        ''', sub="app/db/migrations")
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    assert [s.sql for s in m.statements] == [ADD.strip('"')]
    # Without the tree (a bare string), the names are not known: reported, not guessed.
    (bare,) = read_migrations(kt.read_text(), kt.name).migrations
    assert bare.statements[0].sql is None and "MESSAGES" in bare.statements[0].reason
    assert _verify(project, kt).returncode == 0


def test_loops_over_literal_lists_and_ranges_and_trim_indent():
    assert _sql('''
        val M = Migration(1, 2) { db ->
            listOf("a", "b").forEach { db.execSQL("UPDATE t SET $it = 0") }
            for (i in 0 until 2) db.execSQL("INSERT INTO t VALUES ($i)")
            for ((k, v) in mapOf("x" to 1)) db.execSQL("UPDATE t SET $k = $v")
            db.execSQL("""
                CREATE TABLE u (
                    id INTEGER
                )
            """.trimIndent() + " -- " + listOf(1, 2).joinToString())
        }
        ''') == ["UPDATE t SET a = 0", "UPDATE t SET b = 0", "INSERT INTO t VALUES (0)", "INSERT INTO t VALUES (1)",
                 "UPDATE t SET x = 1", "CREATE TABLE u (\n    id INTEGER\n) -- 1, 2"]


# ---- 4. the database handed to code that is not followed ------------------------------------------

ESCAPES = {
    "connection.db": "override fun migrate(connection: SQLiteConnection) { onPostMigrate(connection.db) }",
    "alias": "override fun migrate(db: SupportSQLiteDatabase) { val d = db; post(d) }",
    "let": "override fun migrate(db: SupportSQLiteDatabase) { db.let { post(it) } }",
    "also": "override fun migrate(db: SupportSQLiteDatabase) { db.also { post(it) } }",
    "with-this": "override fun migrate(db: SupportSQLiteDatabase) { with(db) { post(this) } }",
    "not-null": "override fun migrate(db: SupportSQLiteDatabase) { post(db!!) }",
    "cast": "override fun migrate(db: SupportSQLiteDatabase) { post(db as SupportSQLiteDatabase) }",
    "parentheses": "override fun migrate(db: SupportSQLiteDatabase) { post((db)) }",
    "named": "override fun migrate(db: SupportSQLiteDatabase) { post(db = db) }",
    "extension": "override fun migrate(db: SupportSQLiteDatabase) { db.post2() }",
    "constructor": "override fun migrate(db: SupportSQLiteDatabase) { Cleaner(db).run() }",
    "list": "override fun migrate(db: SupportSQLiteDatabase) { listOf(db).forEach { post(it) } }",
    "run": "override fun migrate(db: SupportSQLiteDatabase) { db.run { post3() } }",
    "apply": "override fun migrate(db: SupportSQLiteDatabase) { db.apply { post3() } }",
}


@pytest.mark.parametrize("shape", sorted(ESCAPES))
def test_the_database_escaping_is_not_verifiable_never_ok(project, shape):
    kt = _write(project, f'''
        val MIGRATION_1_2 = object : Migration(1, 2) {{
            {ESCAPES[shape]}
        }}
        ''')
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    (st,) = unverifiable(m)
    assert st.line == 7 and ("not extracted" in st.reason or "does not follow" in st.reason), st.reason
    r = _verify(project, kt)
    assert r.returncode == 1 and "not verifiable" in r.stderr and f"{kt.name}:7: " in r.stderr, r.stderr
    assert "OK" not in r.stdout


@pytest.mark.parametrize("call", [
    "with(db) { execSQL(\"DELETE FROM messages\") }",
    "Cleaner(db).run()",
    "db.deleteAll()",
    "db.apply { deleteAll() }",
])
def test_code_reached_in_the_source_is_followed_and_its_delete_judged(project, call):
    _write(project, '''
        class Cleaner(private val db: SupportSQLiteDatabase) { fun run() { db.execSQL("DELETE FROM messages") } }
        fun SupportSQLiteDatabase.deleteAll() { execSQL("DELETE FROM messages") }
        ''', name="Cleaner.kt", sub="app/data")
    kt = _write(project, f'''
        val MIGRATION_1_2 = object : Migration(1, 2) {{
            override fun migrate(db: SupportSQLiteDatabase) {{
                {call}
                db.execSQL({ADD})
            }}
        }}
        ''')
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    assert [s.sql for s in m.statements] == ["DELETE FROM messages", ADD.strip('"')]
    r = _verify(project, kt)
    assert r.returncode == 1 and "messages: lost" in r.stdout, r.stdout


# ---- 5. guards that ask the database being migrated ---------------------------------------------

GUARD_HELPERS = {
    "pragma-cursor": GET_COLUMN_NAMES,
    "limit-0": '''
        private fun getColumnNames(db: SupportSQLiteDatabase, table: String): List<String> =
            db.query("SELECT * FROM `$table` LIMIT 0").use { it.columnNames.toList() }
        ''',
    "connection-prepare": '''
        private fun getColumnNames(db: SupportSQLiteDatabase, table: String): Set<String> {
            val out = mutableSetOf<String>()
            db.prepare("PRAGMA table_info(`$table`)").use { stmt ->
                while (stmt.step()) out.add(stmt.getText(1))
            }
            return out
        }
        ''',
}


@pytest.mark.parametrize("helper", sorted(GUARD_HELPERS))
def test_column_guard_takes_the_branch_room_takes(project, helper):
    kt = _write(project, GUARD_HELPERS[helper] + f'''
        val MIGRATION_1_2 = Migration(1, 2) {{ database ->
            if (!getColumnNames(database, "messages").contains("edited_at")) {{
                database.execSQL({ADD})
            }}
        }}
        ''')
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    (guard,) = m.statements
    assert guard.guard is not None and [s.sql for s in guard.then] == [ADD.strip('"')] and guard.otherwise == ()
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE messages (id INTEGER, body TEXT)")
    assert guard.guard.holds(conn) is True
    conn.execute("ALTER TABLE messages ADD COLUMN edited_at INTEGER")
    assert guard.guard.holds(conn) is False
    r = _verify(project, kt)
    assert r.returncode == 0, r.stdout + r.stderr


def test_table_guard_on_sqlite_master_is_decided_at_that_point_of_the_migration(project):
    # `messages` exists at 1, so Room skips the CREATE: replayed without the guard it would fail.
    kt = _write(project, f'''
        private fun tableExists(db: SupportSQLiteDatabase, name: String): Boolean =
            db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '$name'").use {{ it.count > 0 }}

        val MIGRATION_1_2 = Migration(1, 2) {{ db ->
            if (!tableExists(db, "messages")) {{
                db.execSQL("CREATE TABLE messages (id INTEGER NOT NULL, PRIMARY KEY(id))")
            }} else {{
                db.execSQL({ADD})
            }}
        }}
        ''')
    r = _verify(project, kt)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_guard_decided_after_earlier_statements_sees_them(project):
    # The second guard runs after the first ALTER: it must see the column and skip the second one.
    kt = _write(project, GET_COLUMN_NAMES + f'''
        val MIGRATION_1_2 = Migration(1, 2) {{ db ->
            if (!getColumnNames(db, "messages").contains("edited_at")) db.execSQL({ADD})
            if (!getColumnNames(db, "messages").contains("edited_at")) db.execSQL({ADD})
        }}
        ''')
    assert _verify(project, kt).returncode == 0


# ---- 6. what cannot be replayed: not verifiable, with file:line and why ----------------------------

@pytest.mark.parametrize("body,line,why", [
    ('val id = db.query("SELECT id FROM messages").use { it.moveToFirst(); it.getLong(0) }\n'
     'db.execSQL("DELETE FROM messages WHERE id = $id")', 7, "rows read through a cursor at line 6"),
    ('db.query("SELECT id FROM messages").use { c ->\n'
     '    while (c.moveToNext()) db.execSQL("UPDATE messages SET body = \'x\'")\n}', 7, "while loop at line 7"),
    ('if (System.currentTimeMillis() > 0) db.execSQL("DELETE FROM messages")', 6, "inside if at line 6"),
    ('db.execSQL("UPDATE messages SET body = ?", arrayOf("x"))', 6, "bind arguments"),
])
def test_runtime_values_are_not_verifiable_never_a_failure_claim(project, body, line, why):
    kt = _write(project, "val MIGRATION_1_2 = Migration(1, 2) { db ->\n" + textwrap.indent(body, "    ")
                + f"\n    db.execSQL({ADD})\n}}\n")
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    bad = unverifiable(m)
    assert bad and bad[0].line == line and why in bad[0].reason, [(s.line, s.reason) for s in bad]
    r = _verify(project, kt)
    assert r.returncode == 1 and "not verifiable" in r.stderr and f"{kt.name}:{line}: " in r.stderr
    assert "FAILED" not in r.stdout and "Room would throw" not in r.stdout


# ---- check ----------------------------------------------------------------------------------------

def test_check_reads_a_factory_helper_beside_an_unreadable_migration(tmp_path):
    def text(lines: list) -> str:
        body = "".join(f"    {ln.replace('db.', 'database.', 1)}\n" for ln in lines)
        return ("package app.db\n\nimport androidx.room.migration.Migration\n" + ADD_MIGRATION
                + f"\nval MIGRATION_1_2 = addMigration(1, 2) {{ database ->\n{body}}}\n"
                + "\nval LEGACY = (0 until 1).map { v -> Migration(v, v + 1) { } }\n")
    repo, _ = hand_written_repo(tmp_path / "project", "Migrations.kt", text)
    assert run_cli("docs", cwd=repo).returncode == 0  # the history document names the migration files
    code, data = check(repo)
    assert errors(data) == [] and code == 0, data["findings"]
    (m,) = data["pairs"][0]["migrations"]
    assert (m["kind"], m["verified"]) == ("kotlin", True)


# ---- the corpus: every hand-written migration whose two schemas exist --------------------------------

def corpus_verdicts() -> tuple:
    """``({repo: Counter(verdict)}, [failures], [passes without statements], [declarations not needed])`` over
    MIGRATIONS-SRC.tsv's hand-written Kotlin, each judged with its app's declarations (corpus_declarations)."""
    from roomschema.migration.sources import NotVerifiable, UnverifiableMigration, migration_steps
    from roomschema.verify import verify_migration
    from roomschema.verify.outside import made_for
    counts: dict = collections.defaultdict(collections.Counter)
    failures, passed_empty, unneeded = [], [], []
    with open(CORPUS / "MIGRATIONS-SRC.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if "hand-written" in r["kind"]]
    for row in rows:
        repo = row["repo"]
        if row["language"] != "Kotlin":
            counts[repo]["not read (Java)"] += len(row["hand_written_edges"].split())
            continue
        path = CORPUS / row["corpus_path"]
        histories = corpus_histories(CORPUS / row["corpus_path"].split("/")[0])
        found = read_migrations(path.read_text(encoding="utf-8"), path.name, path)
        counts[repo]["unreadable"] += len(found.unreadable)
        for m in found.migrations:
            history = next((h for h in histories if m.start in h and m.end in h), None)
            if history is None:
                counts[repo]["no schema"] += 1
                continue
            counts[repo]["with schemas"] += 1
            decl = declared(repo, m.start, m.end)
            try:
                steps = migration_steps("kotlin", path, m.start, m.end, line=m.line)
                made = made_for(path, history[m.start], steps)
                report = verify_migration(history[m.start], history[m.end], steps, rows=200, hazard_pass=False,
                                          declarations=decl, made_elsewhere=made)
            except NotVerifiable as err:
                counts[repo]["not verifiable"] += 1
                # Honest means locatable: the reason names the file and line, or the statement, that decides it.
                if isinstance(err, UnverifiableMigration):
                    assert f"{path.name}:" in err.message, err.message
                else:
                    assert "statement" in err.message or "guard" in err.message or ":" in err.message, err.message
                continue
            if report.ok:
                counts[repo]["verified"] += 1
                if not flat_statements(m.statements) and "execSQL" in path.read_text(encoding="utf-8"):
                    passed_empty.append((path.name, m.start, m.end))
                if decl != Declarations():
                    counts[repo]["of them declared"] += 1
                    # The declaration is what accepts it: without one, the same migration fails.
                    if verify_migration(history[m.start], history[m.end], steps, rows=200, hazard_pass=False).ok:
                        unneeded.append((repo, m.start, m.end))
            else:
                counts[repo]["app bug" if (repo, m.start, m.end) in APP_BUGS else "fail"] += 1
                lines = next(md for md in report.modes if not md.passed).text_lines()[1:3]
                failures.append((repo, path.name, m.line, m.start, m.end, " / ".join(" ".join(x.split()) for x in lines)))
    return counts, failures, passed_empty, unneeded


@requires_corpus
@pytest.mark.slow
def test_corpus_hand_written_migrations(capsys):
    counts, failures, passed_empty, unneeded = corpus_verdicts()
    # A pass always stands on replayed statements: a file that runs SQL never passes with none.
    assert passed_empty == []
    # No correct migration fails: every failure is a bug the app shipped, and each of those is caught.
    bugs = {(f[0], f[3], f[4]): f[5] for f in failures}
    assert set(bugs) == {k for k in APP_BUGS if k[0] in counts}, failures
    for key, text in bugs.items():
        assert APP_BUGS[key][0] in text, (key, text)
    # Every declaration is needed (the migration fails without it), so none hides a change it does not name.
    assert unneeded == []
    with capsys.disabled():
        print("\napp | with both schemas | verified (of them declared) | not verifiable | app bug | share of correct")
        for repo, c in sorted(counts.items()):
            if c["with schemas"]:
                correct = c["with schemas"] - c["app bug"]
                print(f"{repo} | {c['with schemas']} | {c['verified']} ({c['of them declared']}) | "
                      f"{c['not verifiable']} | {c['app bug']} | {c['verified'] / correct:.0%}")
        for f in failures:
            print("APP BUG", *f)

    def share(repo: str) -> float:
        c = counts[repo]
        return c["verified"] / (c["with schemas"] - c["app bug"])
    # At least 90% of the correct migrations verified by the static replay where it reads the app's shapes;
    # diswantin's and pachli's cursor loops and factory defaults are decided on the JVM (test_kotlin_jvm).
    assert share("simpledotorg/simple-android") >= 0.9
    assert share("nextcloud/android") == 1.0
    assert counts["evaogbe/diswantin-android"]["verified"] >= 6 and counts["pachli/pachli-android"]["verified"] >= 2
