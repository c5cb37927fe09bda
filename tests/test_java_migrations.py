"""Hand-written Room migrations written in Java (issue #14): read into the same syntax tree as
Kotlin, so the same replay judges them, through the extractor API, ``verify --kotlin FILE.java``
and ``check``, and on every Java migration of the corpus.

The rule every test here holds to, as for Kotlin: a migration is passed only when every statement
it runs was replayed; what cannot be known before the app runs is "not verifiable" with
file:line and the reason, never a pass and never a failure claim.
"""
from __future__ import annotations

import collections
import csv
import re
import sqlite3
import textwrap
from pathlib import Path

import pytest

from helpers import (CORPUS, check, corpus_histories, errors, hand_written_repo,
                     requires_corpus, run_cli, source_project)
from corpus_declarations import declared
from roomschema.kotlin import flat_statements, read_migrations, unverifiable
from roomschema.kotlin.java import parse_java, strip_indent
from roomschema.kotlin.results import KotlinExtractError
from roomschema.schema import compose

FQCN = "app.db.AppDatabase"

MESSAGES_1 = compose.entity("messages", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT")], ["id"])
MESSAGES_2 = compose.entity("messages", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT"),
                                         compose.field("edited_at", "INTEGER")], ["id"])
ADD_SQL = "ALTER TABLE `messages` ADD COLUMN `edited_at` INTEGER"
ADD = '"ALTER TABLE `messages` ADD COLUMN `edited_at` INTEGER"'
HEADER = ("package app.db;\n\nimport androidx.annotation.NonNull;\nimport androidx.room.migration.Migration;\n"
          "import androidx.sqlite.db.SupportSQLiteDatabase;\n\n")


def _migration(body: str, name: str = "MIGRATION_1_2", versions: str = "1, 2") -> str:
    """A Java migration as apps write it: a static field holding an anonymous subclass."""
    return (f"    public static final Migration {name} = new Migration({versions}) {{\n"
            f"        @Override\n"
            f"        public void migrate(@NonNull final SupportSQLiteDatabase database) {{\n"
            + textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 12) + "\n"
            f"        }}\n"
            f"    }};\n")


def _class(members: str, name: str = "AppDatabase") -> str:
    return HEADER + f"public abstract class {name} {{\n" + members + "}\n"


@pytest.fixture
def project(tmp_path):
    """Schemas 1 (messages: id, body) and 2 (plus edited_at), and a source tree for the Java."""
    return source_project(tmp_path, [MESSAGES_1], [MESSAGES_2], build_file="build.gradle", fqcn=FQCN)


def _write(project: Path, text: str, name: str = "AppDatabase.java", sub: str = "app/db") -> Path:
    path = project / "app" / "src" / "main" / "java" / sub / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _verify(project: Path, source: Path, *extra):
    return run_cli("verify", "1", "2", "--kotlin", source, "--rows", "200", "--no-hazard", *extra, cwd=project)


def _statements(text: str, path: Path = None) -> list:
    (m,) = read_migrations(text, "AppDatabase.java", path).migrations
    return [s.sql for s in flat_statements(m.statements)]


# ---- the Java language: strings, text blocks, comments, numbers ------------------------------------

def test_text_blocks_lose_their_incidental_indentation_as_javac_does():
    # Closing delimiter on its own line: its indentation counts and the text ends with a newline.
    assert strip_indent("        SELECT 1\n          FROM t\n        ") == "SELECT 1\n  FROM t\n"
    # Closing delimiter after the text: only the text's lines count, no final newline.
    assert strip_indent("        SELECT 1\n          FROM t)") == "SELECT 1\n  FROM t)"
    # A closing delimiter left of the text indents the text; trailing blanks go.
    assert strip_indent("    a   \n      b\n  ") == "  a\n    b\n"
    text = _class(_migration('''
        database.execSQL("""
            CREATE TABLE t (
              a TEXT, \\
              b TEXT\\s
            )""");
        database.execSQL("""
            x\\ty\\"""");
        '''))
    assert _statements(text) == ["CREATE TABLE t (\n  a TEXT,   b TEXT \n)", 'x\ty"']


def test_text_block_values_are_those_javac_gives():
    # Printed by `java TB.java` (OpenJDK 17) for this very source: an escaped \""" inside, a line
    # continuation, a closing delimiter left of the text, `\s` kept after trailing blanks go.
    source = ('class TB { String a = """\n        a \\""" b\n        c\\\n        d"""; '
              'String b = """\n          x\\ty \\s\n        z\n    """; }\n')
    (cls,) = parse_java(source, "TB.java")
    assert [v.expr.parts for v in cls.members] == [['a """ b\ncd'], ["      x\ty  \n    z\n"]]


def test_java_strings_have_no_templates_and_java_escapes():
    text = _class(_migration(r'''
        database.execSQL("SELECT '$x', '${y}' /* not a comment */");
        database.execSQL("\101\7\s\u0041" + 'c' + '\'' + 1 + 2);
        database.execSQL(1 + 2 + "x" + 010 + 0x10 + 1_000L);
        '''))
    assert _statements(text) == ["SELECT '$x', '${y}' /* not a comment */", "A\x07 Ac'12", "3x8161000"]


def test_block_comments_do_not_nest_and_unicode_escapes_are_read_first():
    # In Kotlin `/* /* */` would leave a comment open; in Java it is closed at the first `*/`.
    text = _class(_migration('''
        /* one /* two */
        database.execSQL("\\u0053ELECT 1");
        '''))
    assert _statements(text) == ["SELECT 1"]


def test_unterminated_java_is_an_error_with_its_line():
    with pytest.raises(KotlinExtractError, match=r"^A\.java:3: unterminated string"):
        parse_java("class A {\n  String s =\n  \"open;\n}\n", "A.java")


# ---- the shapes Java migrations come in ------------------------------------------------------------

def test_anonymous_migrations_with_annotations_final_and_concatenation():
    text = _class(_migration('''
        database.execSQL("ALTER TABLE `messages` " +
                "ADD COLUMN `edited_at` INTEGER");
        ''') + _migration('''
        database.execSQL("DROP TABLE IF EXISTS `old`");
        ''', "MIGRATION_2_3", "2, 3"))
    found = read_migrations(text, "AppDatabase.java")
    assert [(m.name, m.start, m.end, m.line) for m in found.migrations] == [
        ("MIGRATION_1_2", 1, 2, 8), ("MIGRATION_2_3", 2, 3, 15)]
    assert [s.sql for s in found.migrations[0].statements] == [ADD_SQL]


def test_a_class_calling_super_with_its_versions_and_taking_a_file():
    # Tusky's Migration25_26: a constructor parameter known only at run time, used only for files.
    text = _class('''
    public static class Migration1_2 extends Migration {
        private final File oldDraftDirectory;

        public Migration1_2(@Nullable File oldDraftDirectory) {
            super(1, 2);
            this.oldDraftDirectory = oldDraftDirectory;
        }

        @Override
        public void migrate(@NonNull SupportSQLiteDatabase database) {
            database.execSQL(%s);
            if (oldDraftDirectory != null && oldDraftDirectory.isDirectory()) {
                File[] files = oldDraftDirectory.listFiles();
                for (File file : files) {
                    if (!file.isDirectory()) {
                        file.delete();
                    }
                }
            }
        }
    }
    ''' % ADD)
    (m,) = read_migrations(text, "AppDatabase.java").migrations
    assert (m.name, m.start, m.end) == ("Migration1_2", 1, 2)
    assert [s.sql for s in flat_statements(m.statements)] == [ADD_SQL]


def test_a_class_whose_constructor_carries_the_sql_and_a_base_class():
    text = _class('''
    static class AddColumn extends Migration {
        private final String table;
        private final String column;

        AddColumn(int from, int to, String table, String column) {
            super(from, to);
            this.table = table;
            this.column = column;
        }

        @Override
        public void migrate(SupportSQLiteDatabase db) {
            db.execSQL("ALTER TABLE `" + table + "` ADD COLUMN " + column);
        }
    }

    static final Migration MIGRATION_1_2 = new AddColumn(1, 2, "messages", "`edited_at` INTEGER");
    ''')
    found = read_migrations(text, "AppDatabase.java")
    assert [(m.name, m.start, m.end) for m in found.migrations] == [("MIGRATION_1_2", 1, 2)]
    assert [s.sql for s in found.migrations[0].statements] == [ADD_SQL]


def test_control_flow_constants_helpers_and_one_migration_running_others():
    text = _class('''
    private static final String TABLE = "mess" + "ages";
    private static final String[] COLUMNS = {"a", "b"};

    private static void addColumn(SupportSQLiteDatabase db, String column, String type) {
        db.execSQL("ALTER TABLE `" + TABLE + "` ADD COLUMN `" + column + "` " + type);
    }
''' + _migration('''
        for (String column : COLUMNS) {
            addColumn(database, column, "TEXT");
        }
        for (int i = 0; i < 2; i++) {
            database.execSQL("UPDATE `" + TABLE + "` SET a = " + i);
        }
        int n = 0;
        while (n < 2) {
            n += 1;
        }
        final String type = n == 2 ? "INTEGER" : "TEXT";
        if (COLUMNS.length > 5) {
            database.execSQL("never");
        } else {
            database.execSQL("UPDATE `messages` SET b = '" + type + "'");
        }
        ''', "MIGRATION_2_3", "2, 3") + '''
    public static final Migration MIGRATION_1_3 = new Migration(1, 3) {
        @Override
        public void migrate(@NonNull SupportSQLiteDatabase database) {
            MIGRATION_2_3.migrate(database);
        }
    };
    ''')
    found = read_migrations(text, "AppDatabase.java")
    expected = ["ALTER TABLE `messages` ADD COLUMN `a` TEXT", "ALTER TABLE `messages` ADD COLUMN `b` TEXT",
                "UPDATE `messages` SET a = 0", "UPDATE `messages` SET a = 1", "UPDATE `messages` SET b = 'INTEGER'"]
    assert [[s.sql for s in flat_statements(m.statements)] for m in found.migrations] == [expected, expected]


def test_constants_across_languages(project):
    # Java naming a Kotlin top-level const through its file class (Tusky's TabDataKt.HOME) ...
    _write(project, 'package app.data\n\nconst val MESSAGES = "messages"\n', name="Tables.kt", sub="app/data")
    _write(project, 'package app.data;\n\npublic final class Columns {\n'
                    '    public static final String EDITED = "edited";\n'
                    '    public static final String EDITED_AT = EDITED + "_at";\n}\n', name="Columns.java",
           sub="app/data")
    java = _write(project, _class(_migration('''
        database.execSQL("ALTER TABLE `" + TablesKt.MESSAGES + "` ADD COLUMN `" + Columns.EDITED_AT + "` INTEGER");
        ''')))
    assert _statements(java.read_text(), java) == [ADD_SQL]
    assert _verify(project, java).returncode == 0
    # ... and Kotlin naming a Java constant computed from another one.
    kt = _write(project, 'package app.db\n\nimport androidx.room.migration.Migration\n'
                         'import app.data.Columns\n\n'
                         'val MIGRATION_1_2 = Migration(1, 2) { db ->\n'
                         '    db.execSQL("ALTER TABLE `$MESSAGES` ADD COLUMN `${Columns.EDITED_AT}` INTEGER")\n}\n',
                name="Migrations.kt")
    (m,) = read_migrations(kt.read_text(), kt.name, kt).migrations
    assert [s.sql for s in m.statements] == [ADD_SQL]


def test_java_library_calls_lambdas_method_references_and_enums():
    text = _class('''
    enum Kind { A("a"), B("b"); final String sql; Kind(String s) { this.sql = s; } String sql() { return sql; } }
    static String name() { return "nm"; }
''' + _migration('''
        Function<String, String> bang = x -> x + "!";
        Supplier<String> ref = AppDatabase::name;
        database.execSQL(bang.apply("a") + ref.get() + Kind.B.sql() + Kind.A.name() + Kind.B.ordinal());
        database.execSQL(String.join(",", Arrays.asList("x", "y")) + String.valueOf(1 << 4 | 1) + "ab".length());
        database.execSQL("a.b".split(".")[0]);
        '''))
    (m,) = read_migrations(text, "AppDatabase.java").migrations
    first, second, third = flat_statements(m.statements)
    assert (first.sql, second.sql) == ("a!nmbA1", "x,y172")
    # Java's split takes a regular expression ("." matches every character): not evaluated as Kotlin's.
    assert third.sql is None and "split" in third.reason


def test_an_object_handed_to_code_that_is_not_followed_is_not_verifiable_in_kotlin_too():
    kt = ("package app.db\n\nval MIGRATION_1_2 = object : Migration(1, 2) {\n"
          "    override fun migrate(db: SupportSQLiteDatabase) {\n"
          "        post(object : Runnable { override fun run() { db.execSQL(\"DELETE FROM messages\") } })\n"
          "    }\n}\n")
    (m,) = read_migrations(kt, "Migrations.kt").migrations
    (st,) = unverifiable(m)
    assert st.line == 5 and "run() of an object passed to post(...)" in st.reason, st.reason


def test_a_migration_whose_versions_cannot_be_told_hides_no_other():
    text = _class('''
    static final Migration MIGRATION_1_2 = new Migration(1, 2) {
        @Override
        public void migrate(SupportSQLiteDatabase db) { db.execSQL(%s); }
    };

    static Migration legacy(int version) {
        return new Migration(version, readVersion()) {
            @Override
            public void migrate(SupportSQLiteDatabase db) { db.execSQL("DELETE FROM messages"); }
        };
    }

    static final Migration LEGACY = legacy(3);
    ''' % ADD)
    found = read_migrations(text, "AppDatabase.java")
    assert [(m.start, m.end) for m in found.migrations] == [(1, 2)]
    (u,) = found.unreadable
    assert "cannot tell the versions" in u.reason and "readVersion" in u.reason


# ---- the database escaping, followed or reported ---------------------------------------------------

# shape -> (the code, how many lines into it the database escapes)
ESCAPES = {
    "helper-elsewhere": ("Cleanup.run(database);", 0),
    "alias": ("SupportSQLiteDatabase d = database;\nCleanup.run(d);", 1),
    "cast": ("Cleanup.run((SupportSQLiteDatabase) database);", 0),
    "constructor": ("new Cleaner(database).run();", 0),
    "field": ("this.db = database;\nCleanup.later(this);", 1),
    "lambda": ("Runnable r = () -> database.execSQL(\"DELETE FROM messages\");\nExecutor.post(r);", 0),
    "anonymous": ("Executor.post(new Runnable() {\n"
                  "    public void run() { database.execSQL(\"DELETE FROM messages\"); }\n});", 1),
    "switch": ("switch (mode()) {\n    case 1: database.execSQL(\"DELETE FROM messages\"); break;\n}", 0),
    "database-method": ("database.runInTransaction(() -> { });", 0),
}


@pytest.mark.parametrize("shape", sorted(ESCAPES))
def test_the_database_escaping_is_not_verifiable_never_ok(project, shape):
    code, offset = ESCAPES[shape]
    java = _write(project, _class(_migration(code + f"\ndatabase.execSQL({ADD});")))
    (m,) = read_migrations(java.read_text(), java.name, java).migrations
    bad = unverifiable(m)
    line = 11 + offset
    assert bad and bad[0].line == line, [(s.line, s.reason) for s in bad]
    r = _verify(project, java)
    assert r.returncode == 1 and "not verifiable" in r.stderr and f"{java.name}:{line}: " in r.stderr, r.stderr
    assert "OK" not in r.stdout


def test_a_static_helper_of_the_tree_is_followed_and_its_delete_judged(project):
    _write(project, 'package app.data;\n\npublic class Cleanup {\n'
                    '    public static void run(SupportSQLiteDatabase db) { db.execSQL("DELETE FROM messages"); }\n}\n',
           name="Cleanup.java", sub="app/data")
    java = _write(project, _class(_migration(f"Cleanup.run(database);\ndatabase.execSQL({ADD});")))
    assert _statements(java.read_text(), java) == ["DELETE FROM messages", ADD_SQL]
    r = _verify(project, java)
    assert r.returncode == 1 and "messages: lost" in r.stdout, r.stdout
    r = _verify(project, java, "--expect-rows-removed", "messages")
    assert r.returncode == 0, r.stdout + r.stderr


# ---- guards and run-time values ---------------------------------------------------------------------

GET_COLUMN_NAMES = '''
    private static List<String> getColumnNames(SupportSQLiteDatabase db, String table) {
        List<String> names = new ArrayList<>();
        try (Cursor cursor = db.query("PRAGMA table_info(`" + table + "`)")) {
            int index = cursor.getColumnIndex("name");
            while (cursor.moveToNext()) {
                names.add(cursor.getString(index));
            }
        }
        return names;
    }
'''


HAS_COLUMN = '''
    private static boolean hasColumn(SupportSQLiteDatabase db, String table, String column) {
        try (Cursor c = db.query("SELECT * FROM `" + table + "` LIMIT 0")) {
            return Arrays.asList(c.getColumnNames()).contains(column);
        }
    }
'''

TABLE_EXISTS = '''
    private static boolean tableExists(SupportSQLiteDatabase db, String name) {
        Cursor c = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'");
        try {
            return c.getCount() > 0;
        } finally {
            c.close();
        }
    }
'''


@pytest.mark.parametrize("helper,condition", [
    (HAS_COLUMN, '!hasColumn(database, "messages", "edited_at")'),
    (TABLE_EXISTS, 'tableExists(database, "messages")'),
], ids=["limit-0-with-return", "sqlite-master-try-finally"])
def test_guard_helpers_that_return_from_inside_a_try(project, helper, condition):
    java = _write(project, _class(helper + _migration(f'''
        if ({condition}) {{
            database.execSQL({ADD});
        }} else {{
            database.execSQL("DROP TABLE messages");
        }}
        ''')))
    (m,) = read_migrations(java.read_text(), java.name, java).migrations
    (guard,) = m.statements
    assert guard.guard is not None and [s.sql for s in guard.then] == [ADD_SQL], guard
    r = _verify(project, java)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_column_guard_takes_the_branch_room_takes(project):
    java = _write(project, _class(GET_COLUMN_NAMES + _migration(f'''
        if (!getColumnNames(database, "messages").contains("edited_at")) {{
            database.execSQL({ADD});
        }}
        if (!getColumnNames(database, "messages").contains("edited_at")) {{
            database.execSQL({ADD});
        }}
        ''')))
    (m,) = read_migrations(java.read_text(), java.name, java).migrations
    first = m.statements[0]
    assert first.guard is not None and [s.sql for s in first.then] == [ADD_SQL]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE messages (id INTEGER, body TEXT)")
    assert first.guard.holds(conn) is True
    conn.execute("ALTER TABLE messages ADD COLUMN edited_at INTEGER")
    assert first.guard.holds(conn) is False
    r = _verify(project, java)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("body,line,why", [
    ('long id;\ntry (Cursor c = database.query("SELECT id FROM messages")) {\n    c.moveToFirst();\n'
     '    id = c.getLong(0);\n}\ndatabase.execSQL("DELETE FROM messages WHERE id = " + id);', 16, "a cursor"),
    ('if (System.currentTimeMillis() > 0) database.execSQL("DELETE FROM messages");', 11, "inside if at line 11"),
    ('database.execSQL("UPDATE messages SET body = ?", new Object[]{"x"});', 11, "bind arguments"),
])
def test_runtime_values_are_not_verifiable_never_a_failure_claim(project, body, line, why):
    java = _write(project, _class(_migration(body + f"\ndatabase.execSQL({ADD});")))
    (m,) = read_migrations(java.read_text(), java.name, java).migrations
    bad = unverifiable(m)
    assert bad and bad[0].line == line and why in bad[0].reason, [(s.line, s.reason) for s in bad]
    r = _verify(project, java)
    assert r.returncode == 1 and "not verifiable" in r.stderr and f"{java.name}:{line}: " in r.stderr
    assert "FAILED" not in r.stdout and "Room would throw" not in r.stdout


# ---- verify --kotlin FILE.java and check --------------------------------------------------------------

def test_verify_passes_a_correct_java_migration_and_fails_a_broken_one(project):
    java = _write(project, _class(_migration(f"database.execSQL({ADD});")))
    r = _verify(project, java)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ": OK" in r.stdout.splitlines()[0]
    java.write_text(_class(_migration('database.execSQL("ALTER TABLE `messages` ADD COLUMN `edited_at` TEXT");')))
    r = _verify(project, java)
    assert r.returncode == 1
    assert "Room would throw: Migration didn't properly handle: messages" in r.stdout


def test_verify_names_the_java_migrations_a_file_has(project):
    java = _write(project, _class(_migration(f"database.execSQL({ADD});", "MIGRATION_2_3", "2, 3")))
    r = _verify(project, java)
    assert r.returncode == 2 and "no Migration(1, 2) in this file (found: Migration(2, 3))" in r.stderr, r.stderr


def test_check_reads_java_migrations(tmp_path):
    # `db.execSQL("...")` is the same call in Java once it ends with `;`.
    repo, java = hand_written_repo(tmp_path / "project", "AppDatabase.java", lambda lines: _class(_migration(
        "".join(f"{ln.replace('db.', 'database.', 1)};\n" for ln in lines))))
    assert run_cli("docs", cwd=repo).returncode == 0
    code, data = check(repo)
    assert errors(data) == [] and code == 0, data["findings"]
    (m,) = data["pairs"][0]["migrations"]
    assert (m["kind"], m["verified"]) == ("kotlin", True) and m["file"].endswith("AppDatabase.java"), m
    # A broken Java migration is a finding naming its file and line.
    java.write_text(java.read_text().replace("NOT NULL", "", 1))
    code, data = check(repo)
    assert code == 1 and "migration-failed" in errors(data), data["findings"]


# ---- the corpus: every Java hand-written migration whose two schemas exist -----------------------

def _exec_calls(text: str, m, following) -> int:
    """How many ``execSQL(`` calls the source of ``m`` has (its lines up to the next migration)."""
    lines = text.splitlines()[m.line - 1:(following.line - 1) if following is not None else None]
    return sum(len(re.findall(r"\bexecSQL\s*\(", ln)) for ln in lines if not ln.lstrip().startswith("//"))


def java_corpus_verdicts() -> tuple:
    """``({repo: Counter(verdict)}, [failures], [unreplayed passes], [declarations not needed])`` over the
    corpus's Java hand-written migrations, each judged with its app's declarations (corpus_declarations)."""
    from roomschema.migration.declarations import Declarations
    from roomschema.migration.sources import UnverifiableMigration, migration_steps
    from roomschema.verify import verify_migration
    counts: dict = collections.defaultdict(collections.Counter)
    failures, unreplayed, unneeded = [], [], []
    with open(CORPUS / "MIGRATIONS-SRC.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if "hand-written" in r["kind"] and r["language"] == "Java"]
    for row in rows:
        repo, path = row["repo"], CORPUS / row["corpus_path"]
        text = path.read_text(encoding="utf-8")
        histories = corpus_histories(CORPUS / row["corpus_path"].split("/")[0])
        found = read_migrations(text, path.name, path)
        counts[repo]["unreadable"] += len(found.unreadable)
        for k, m in enumerate(found.migrations):
            history = next((h for h in histories if m.start in h and m.end in h), None)
            if history is None:
                counts[repo]["no schema"] += 1
                continue
            try:
                steps = migration_steps("kotlin", path, m.start, m.end, line=m.line)
            except UnverifiableMigration:
                counts[repo]["not verifiable"] += 1
                continue
            following = found.migrations[k + 1] if k + 1 < len(found.migrations) else None
            if len(flat_statements(m.statements)) < _exec_calls(text, m, following):
                unreplayed.append((path.name, m.start, m.end))
            decl = declared(repo, m.start, m.end)
            report = verify_migration(history[m.start], history[m.end], steps, rows=200, hazard_pass=False,
                                      declarations=decl)
            if report.ok:
                counts[repo]["verified"] += 1
                if decl != Declarations():
                    counts[repo]["of them declared"] += 1
                    # The declaration is what accepts it: without one, the same migration fails.
                    if verify_migration(history[m.start], history[m.end], steps, rows=200, hazard_pass=False).ok:
                        unneeded.append((repo, m.start, m.end))
                continue
            lines = [ln for md in report.modes if not md.passed for ln in md.text_lines()]
            counts[repo]["fail"] += 1
            failures.append((repo, path.name, m.line, m.start, m.end,
                             " / ".join(" ".join(x.split()) for x in lines[1:3])))
    return counts, failures, unreplayed, unneeded


@requires_corpus
@pytest.mark.slow
def test_corpus_java_hand_written_migrations(capsys):
    counts, failures, unreplayed, unneeded = java_corpus_verdicts()
    # Every execSQL call a migration's source shows was replayed: nothing passes on statements it skipped.
    assert unreplayed == []
    # No correct migration fails, and every declaration is needed (it fails without).
    assert failures == [] and unneeded == []
    tusky, samples = counts["tuskyapp/Tusky"], counts["android/architecture-components-samples"]
    # Tusky: 51 migrations, 8 of them (2-3 .. 9-10) before its first schema; every other one is read
    # and verified, 6 once their deliberate cache clears are declared.
    assert (tusky["unreadable"], tusky["no schema"], tusky["not verifiable"], tusky["fail"]) == (0, 8, 0, 0)
    assert (tusky["verified"], tusky["of them declared"]) == (43, 6)
    # The samples: 2-3 (two flavours) and 3-4 verify; 1-2, 1-4 and BasicSample's 1-2 have no 1.json.
    assert (samples["verified"], samples["no schema"], samples["fail"]) == (3, 5, 0)
    with capsys.disabled():
        print("\napp | verified (of them declared) | not verifiable | fail | unreadable | no schema")
        for repo, c in sorted(counts.items()):
            if not sum(c.values()):
                continue  # nextcloud's LegacyMigrationHelper.java: SQL its Kotlin migrations run, no Migration
            print(f"{repo} | {c['verified']} ({c['of them declared']}) | {c['not verifiable']} | "
                  f"{c['fail']} | {c['unreadable']} | {c['no schema']}")
