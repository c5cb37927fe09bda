"""roomschema.kotlin: the SQL of hand-written Kotlin migrations, exactly, or a reason.

The expectations below are what Kotlin itself produces: test_extractor_matches_kotlin_at_run_time
compiles the fixtures (and a few hundred random literals) with the real kotlinc, runs them
against a recording database and compares every string with the extractor's.
"""
from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotlinc import compile_kotlin, requires_kotlinc, run_kotlin
from roomschema.kotlin import (
    ExtractedMigration,
    KotlinExtractError,
    extract_migrations,
    kotlin_string_literal,
    trim_indent,
    trim_margin,
    unverifiable_messages,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kotlin"


def _extract(name: str) -> list[ExtractedMigration]:
    return extract_migrations((FIXTURES / name).read_text(encoding="utf-8"), name)


def _summary(migrations):
    return [(m.start, m.end, m.name, m.line, [(s.line, s.sql) for s in m.statements]) for m in migrations]


def _migration(body: str, header: str = "val MIGRATION_1_2 = object : Migration(1, 2) {\n"
               "    override fun migrate(db: SupportSQLiteDatabase) {\n", footer: str = "    }\n}\n") -> str:
    # Not textwrap.indent: it splits lines at \x0c, \x85, \u2028 and more, inside the literals too.
    return "package t\n\n" + header + body + footer


def _sqls(source: str) -> list:
    (m,) = extract_migrations(source, "T.kt")
    return [s.sql for s in m.statements]


# ----------------------------------------------------------------------------------------------
# Real-shaped files


def test_app_migrations_exact_sql():
    assert _summary(_extract("AppMigrations.kt")) == [
        (1, 2, "MIGRATION_1_2", 16, [
            (19, "CREATE TABLE IF NOT EXISTS `account` (`id` INTEGER NOT NULL, `name` TEXT NOT NULL "
                 "DEFAULT '', `note` TEXT DEFAULT ')}', PRIMARY KEY(`id`))"),
            (24, "CREATE UNIQUE INDEX IF NOT EXISTS `index_account_name` ON `account` (`name`)"),
        ]),
        (2, 3, "MIGRATION_2_3", 28, [
            (30, "CREATE TABLE `_new_account` (\n"
                 "    `id` INTEGER NOT NULL,\n"
                 "    `name` TEXT NOT NULL,\n"
                 "    `price` TEXT NOT NULL DEFAULT '$0.00',\n"
                 "    PRIMARY KEY(`id`)\n"
                 ")"),
            (40, "INSERT INTO `_new_account` (`id`, `name`)\nSELECT `id`, `name` FROM `account`"),
            (46, "DROP TABLE `account`"),
            (47, "ALTER TABLE `_new_account` RENAME TO `account`"),
            (48, "PRAGMA foreign_key_check(`account`)"),
        ]),
        (3, 4, "Migration3To4", 53, [
            (55, "UPDATE `account` SET `name` = 'Tab\there, quote \" and backslash \\' WHERE `id` = 1"),
            (56, "UPDATE `account` SET `note` = 'A\u00e9 costs $5 or $6' WHERE `note` IS NULL"),
            (57, "CREATE TABLE IF NOT EXISTS `tag` (\n"
                 "  `id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
                 "  `label` TEXT NOT NULL\n"
                 ")"),
        ]),
        (4, 5, "Migration4To5", 68, [
            (70, "CREATE VIEW `named` AS SELECT \"id\", 'a\"\"b' AS q FROM `account`"),
            (71, "ALTER TABLE `account` ADD COLUMN `flags` INTEGER NOT NULL DEFAULT 0"),
        ]),
        (5, 6, "MIGRATION_5_6", 75, [
            (76, "DROP INDEX IF EXISTS `index_account_name`"),
            (77, "CREATE INDEX IF NOT EXISTS `index_account_name` ON `account` (`name` /* } */)"),
        ]),
        (6, 7, "MIGRATION_6_7", 80, [(81, "DELETE FROM `tag` WHERE `label` = ''")]),
    ]
    assert all(s.reason is None for m in _extract("AppMigrations.kt") for s in m.statements)


def test_connection_api_migrations_and_foreign_key_checks():
    assert _summary(_extract("ConnectionMigrations.kt")) == [
        (10, 11, "MIGRATION_10_11", 9, [
            (11, "ALTER TABLE `song` ADD COLUMN `rating` INTEGER NOT NULL DEFAULT 0"),
            (12, "CREATE TABLE IF NOT EXISTS `_new_album` (`id` INTEGER NOT NULL, `artist` INTEGER, "
                 "PRIMARY KEY(`id`), FOREIGN KEY(`artist`) REFERENCES `artist`(`id`) "
                 "ON UPDATE NO ACTION ON DELETE CASCADE )"),
            (17, "INSERT INTO `_new_album` (`id`,`artist`) SELECT `id`,`artist` FROM `album`"),
            (18, "DROP TABLE `album`"),
            (19, "ALTER TABLE `_new_album` RENAME TO `album`"),
            (20, "PRAGMA foreign_key_check(`album`)"),
            (21, "PRAGMA foreign_key_check(`odd``name`)"),
        ]),
    ]


def test_unverifiable_statements_carry_line_and_reason():
    got = [(m.start, m.end, [(s.line, s.sql, s.reason) for s in m.statements])
           for m in _extract("Unverifiable.kt")]
    expect = [
        (1, 2, [
            (11, "ALTER TABLE `account` ADD COLUMN `a` TEXT", None),
            (13, None, "string template $table: rows read through a cursor at line 12"),
            (14, None, "string template $table: rows read through a cursor at line 12"),
            (15, None, "System.getenv(...)"),
            (16, None, "String.format"),
            (18, None, "the value of the if at line 17"),
            (19, None, "bind arguments"),
            (20, None, "System.getProperty(...)"),
            (21, "ALTER TABLE `account` ADD COLUMN `f` TEXT", None),
        ]),
        (2, 3, [
            # hasColumn reads PRAGMA table_info: a guard the runner decides on the live database
            (27, '-- if (hasColumn(db, "account", "g")) at line 27, decided on the database being migrated', None),
            (29, None, "inside a for loop at line 28"),
            (32, None, "try block at line 31 whose errors are caught"),
            (38, None, "inside a while loop at line 37"),
            (41, "ALTER TABLE `account` ADD COLUMN `l` TEXT", None),
        ]),
    ]
    assert [(a, b, len(c)) for a, b, c in got] == [(a, b, len(c)) for a, b, c in expect]
    for (_, _, got_st), (_, _, exp_st) in zip(got, expect):
        for (line, sql, reason), (eline, esql, ereason) in zip(got_st, exp_st):
            assert (line, sql) == (eline, esql)
            if ereason is None:
                assert reason is None
            else:
                assert reason is not None and ereason in reason, (line, reason)


def test_unverifiable_messages_name_file_and_line():
    messages = unverifiable_messages(_extract("Unverifiable.kt"), "app/Unverifiable.kt")
    assert messages[0] == ("app/Unverifiable.kt:13: MIGRATION_1_2 (1 -> 2): not verifiable: "
                           "string template $table: rows read through a cursor at line 12, known only at run time")
    assert len(messages) == 10
    assert all(re.match(r"app/Unverifiable\.kt:\d+: MIGRATION_\d_\d \(\d -> \d\): not verifiable: ", m)
               for m in messages)


def test_roomschema_generated_kotlin_round_trips():
    from roomschema.render.environment import render
    from roomschema.migration.steps import Step
    from roomschema.schema.sql import quote

    weird = 'we`ird "$name" ${x} \\ \n tab\t \u00e9 \U0001F600'
    steps = [
        Step(f"CREATE TABLE {quote(weird)} (`id` INTEGER NOT NULL, PRIMARY KEY(`id`))"),
        Step("UPDATE `t` SET `a` = '$price' WHERE b = '\"\"\"'"),
        Step.foreign_key_check(weird),
        Step.foreign_key_check("plain"),
    ]
    for api in ("support", "connection"):
        source = render("Migration.kt.j2", package="gen", api=api, name="MIGRATION_7_8",
                        fk_function="foreignKeyCheck", uses_fk_check=True, old=7, new=8,
                        database="com.example.AppDatabase", changes=[], counts="", steps=steps, deviations=[])
        (m,) = extract_migrations(source, f"{api}.kt")
        assert (m.start, m.end, m.name) == (7, 8, "MIGRATION_7_8")
        assert [s.sql for s in m.statements] == [s.sql for s in steps]


# ----------------------------------------------------------------------------------------------
# Forms, strings and structure


@pytest.mark.parametrize("header,name", [
    ("val M12 = object : Migration(1, 2) {\n    override fun migrate(db: SupportSQLiteDatabase) {\n", "M12"),
    ("private val M12: Migration = object : androidx.room.migration.Migration(1, 2) {\n"
     "    override fun migrate(db: SupportSQLiteDatabase) {\n", "M12"),
    ("internal object M12 : Migration(1, 2) {\n    override fun migrate(db: SupportSQLiteDatabase) {\n", "M12"),
    ("class M12 @Inject constructor() : Migration(1, 2), Marker {\n"
     "    override fun migrate(db: SupportSQLiteDatabase) {\n", "M12"),
    ("class M12 : Migration(startVersion = 1, endVersion = 2) {\n"
     "    override fun migrate(connection: SQLiteConnection) {\n", "M12"),
])
def test_declaration_forms(header, name):
    source = "package t\n" + header + '        db.execSQL("A")\n        x.execSQL("B")\n    }\n}\n'
    (m,) = extract_migrations(source, "T.kt")
    assert (m.start, m.end, m.name, [s.sql for s in m.statements]) == (1, 2, name, ["A", "B"])


def test_lambda_forms_and_version_constants():
    source = textwrap.dedent('''\
        package t
        object V { const val FIVE = 5 }
        const val SIX = 6
        val A = Migration(1, 2) { db -> db.execSQL("a") }
        val B = Migration(2, 3) { it.execSQL("b") }
        val C = Migration(startVersion = 3, endVersion = 4, migrate = { database: SupportSQLiteDatabase ->
            database.execSQL("c")
        })
        val D = arrayOf(Migration(4, V.FIVE) { d -> d?.execSQL("d") }, Migration(V.FIVE, SIX) { })
        val E = Migration(6, 7) { db -> with(db) { execSQL("e") }; db.run { execSQL("f") } }
        ''')
    got = [(m.start, m.end, m.name, [s.sql for s in m.statements]) for m in extract_migrations(source)]
    assert got == [(1, 2, "A", ["a"]), (2, 3, "B", ["b"]), (3, 4, "C", ["c"]), (4, 5, None, ["d"]),
                   (5, 6, None, []), (6, 7, "E", ["e", "f"])]


def test_strings_comments_and_braces():
    body = textwrap.dedent('''\
        db.execSQL(/* ) } */ "a(" // ) }
        )
        db.execSQL(sql = "b",)
        db.execSQL("}" + ")" + '}' + "${'$'}${"$"}{x}" + "$" + "$1" + "\\$" + "\\u0041\\t")
        db.execSQL(("x" + " y ").trim() + """  z""".trimIndent())
        db.execSQL("""a""""")
        db.execSQL($$"""$x $${'$'}y $$$${"z"}""")
        db.execSQL("\\uD83D\\uDE00")
        ''')
    assert _sqls(_migration(body)) == [
        "a(", "b", "})}$${x}$$1$A\t", "x yz", 'a""', "$x $y $$z", "\U0001F600"]


def test_trim_functions_follow_kotlin():
    # Examples from the Kotlin standard library documentation.
    assert trim_indent("\n    ABC\n    123\n    456\n") == "ABC\n123\n456"
    assert trim_margin("ABC\n                |123\n                |456") == "ABC\n123\n456"
    assert trim_margin("\n    #XYZ\n    #foo\n    #bar\n", "#") == "XYZ\nfoo\nbar"
    # Blank middle lines: trimIndent cuts them, trimMargin keeps them as they are.
    assert trim_indent("\n    a\n      \n    b\n") == "a\n  \nb"
    assert trim_margin("\n  |a\n      \n  |b\n") == "a\n      \nb"
    # A first or last line that is not blank stays.
    assert trim_indent("  a\n    b") == "a\n  b"
    # JVM whitespace: NBSP and EM SPACE count, NEL (U+0085) does not.
    assert trim_indent("\n\u00a0\u2003a\n\u00a0\u2003b\n") == "a\nb"
    assert trim_indent("\n\x85a\n") == "\x85a"
    with pytest.raises(ValueError):
        trim_margin("a", " ")


def test_trim_margin_with_named_prefix_and_blank_prefix():
    body = 'db.execSQL("""\n  >>a\n  >>b\n""".trimMargin(marginPrefix = ">>"))\ndb.execSQL("x".trimMargin(" "))\n'
    (m,) = extract_migrations(_migration(body))
    assert m.statements[0].sql == "a\nb"
    assert m.statements[1].sql is None and "trimMargin throws" in m.statements[1].reason


def test_control_flow_makes_statements_unverifiable():
    body = textwrap.dedent('''\
        db.execSQL("one")
        when (x) {
            1 -> db.execSQL("two")
            else -> { db.execSQL("three") }
        }
        if (x) {
        } else db.execSQL("four")
        listOf("a").forEach { db.execSQL("five") }
        db.query("SELECT 1").use { c -> db.execSQL("six") }
        try { db.execSQL("seven") } finally { db.execSQL("eight") }
        db.insert("t", 0, values)
        connection.prepare("SELECT 1").use { }
        if (done) return
        db.execSQL("nine")
        ''')
    (m,) = extract_migrations(_migration(body))
    assert [(s.line, s.sql) for s in m.statements] == [
        (5, "one"), (7, None), (8, None), (11, None), (12, "five"), (13, "six"), (14, "seven"),
        (14, "eight"), (15, None), (18, None)]
    reasons = [s.reason for s in m.statements if s.reason]
    assert "when branch" in reasons[0] and "else branch" in reasons[2]
    # forEach over a literal list runs its lambda once per element: "five" is replayed.
    assert "insert(...)" in reasons[3] and "early return at line 17" in reasons[4]


def test_local_helpers_and_base_classes():
    source = textwrap.dedent('''\
        package t
        abstract class SqlMigration(from: Int, to: Int, private vararg val sql: String) : Migration(from, to) {
            override fun migrate(db: SupportSQLiteDatabase) { sql.forEach { db.execSQL(it) } }
        }
        object M : Migration(1, 2) {
            override fun migrate(db: SupportSQLiteDatabase) {
                fun local() { db.execSQL("never extracted") }
                db.execSQL("kept")
                super.migrate(db)
            }
            private fun helper(db: SupportSQLiteDatabase) = db.execSQL("not in migrate")
        }
        class Empty : Migration(2, 3)
        ''')
    got = [(m.start, m.end, [(s.sql, s.reason) for s in m.statements]) for m in extract_migrations(source)]
    assert got[0][:2] == (1, 2) and got[0][2][0] == ("kept", None)
    assert got[0][2][1][0] is None and "passes `db` to migrate" in got[0][2][1][1]
    assert got[1] == (2, 3, [])
    assert len(got) == 2  # the reusable base class is not a migration


def test_not_a_room_migration():
    source = textwrap.dedent('''\
        package t
        fun Migration(a: Int, b: Int): Int = a + b
        val x = other.Migration(1, 2) { db -> db.execSQL("no") }
        val y: Migration = MIGRATION_1_2
        val z = AutoMigration(from = 1, to = 2)
        ''')
    assert extract_migrations(source) == []


@pytest.mark.parametrize("source,line,what", [
    ('package t\nval M = Migration(1, 2) { db ->\n    db.execSQL("abc)\n}\n', 3, "unterminated string"),
    ('package t\nval M = Migration(1, 2) { db ->\n    db.execSQL("""abc)\n}\n', 3, "unterminated raw string"),
    ("package t\n/* a /* b */\nval x = 1\n", 2, "unterminated /* comment */"),
    ('package t\nval s = "${ "x" \n', 2, "unterminated"),
    ("package t\nval c = 'ab'\n", 2, "character literal"),
    ('package t\nval s = "a\\qb"\n', 2, "illegal escape"),
    ('package t\nval s = "\\u12"\n', 2, "unicode escape"),
    ("package t\nfun f() {\n    g(1]\n}\n", 3, "unmatched ']'"),
    ("package t\nfun f() {\n    g(1)\n", 2, "never closed"),
])
def test_errors_name_file_and_line(source, line, what):
    with pytest.raises(KotlinExtractError) as caught:
        extract_migrations(source, "src/Bad.kt")
    message = str(caught.value)
    assert message.startswith(f"src/Bad.kt:{line}: "), message
    assert what in message


def test_crlf_sources_count_lines_like_kotlinc():
    source = _migration('db.execSQL("""\n    a\n    b\n""".trimIndent())\ndb.execSQL("c")\n').replace("\n", "\r\n")
    (m,) = extract_migrations(source)
    assert [(s.line, s.sql) for s in m.statements] == [(5, "a\nb"), (9, "c")]


# ----------------------------------------------------------------------------------------------
# Property: escaping any text into a Kotlin literal and extracting it gives the text back.


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.integers(min_value=0, max_value=50))
def test_escaped_literal_round_trips(text, cut):
    cut = min(cut, len(text))
    source = _migration(
        f"db.execSQL({kotlin_string_literal(text)})\n"
        f"db.execSQL(\n    {kotlin_string_literal(text[:cut])} +\n        {kotlin_string_literal(text[cut:])}\n)\n")
    assert _sqls(source) == [text, text]


def _raw_literal(text: str) -> str:
    return '"""' + text.replace("$", "${'$'}") + '"""'


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(blacklist_characters="\r", blacklist_categories=("Cs",))))
def test_raw_literal_round_trips(text):
    text = text.replace('"""', '""')
    if text.endswith('"'):
        # a raw string's content can end in quotes, but then Kotlin reads `""""` greedily;
        # the extractor does the same, checked separately in test_strings_comments_and_braces.
        text = text[:-1]
    assert _sqls(_migration(f"db.execSQL({_raw_literal(text)})\n")) == [text]


# ----------------------------------------------------------------------------------------------
# The extractor against Kotlin itself

_RUNNER = r'''
package fixtures.runner

import android.database.Cursor
import androidx.room.migration.Migration
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteStatement
import androidx.sqlite.db.SupportSQLiteDatabase
import java.lang.reflect.Proxy

private val log = mutableListOf<String>()

// Every SQL string handed to execSQL, query or prepare is logged; everything else is a no-op.
private fun <T> recorder(type: Class<T>): T = type.cast(
    Proxy.newProxyInstance(type.classLoader, arrayOf(type)) { _, method, args ->
        if (method.name in setOf("execSQL", "query", "prepare")) log.add(args!![0] as String)
        when {
            method.name == "query" -> recorder(Cursor::class.java)
            method.name == "prepare" -> recorder(SQLiteStatement::class.java)
            method.name == "toString" -> "recorder"
            method.returnType == java.lang.Boolean.TYPE -> false
            method.returnType == Integer.TYPE -> 0
            method.returnType == java.lang.Long.TYPE -> 0L
            else -> null
        }
    }
)

fun main() {
    val migrations: List<Migration> = fixtures.app.ALL_MIGRATIONS.toList() +
        listOf(fixtures.connection.MIGRATION_10_11) + fixtures.random.ALL
    val db = recorder(SupportSQLiteDatabase::class.java)
    val connection = recorder(SQLiteConnection::class.java)
    for (m in migrations) {
        log.clear()
        try {
            m.migrate(db)
        } catch (e: NotImplementedError) {
            log.clear()
            m.migrate(connection)
        }
        println("M ${m.startVersion} ${m.endVersion}")
        for (sql in log) println("S " + sql.toByteArray(Charsets.UTF_8).joinToString("") { "%02x".format(it) })
    }
}
'''

# Characters that stress escaping and Kotlin's whitespace rules: NBSP, EM SPACE and U+2028 are
# whitespace to Kotlin; NEL (U+0085) and ZERO WIDTH SPACE are not; plus a non-BMP character.
_ALPHABET = list("abcXYZ019 _-+*/.,;:()[]{}<>=!?@#%^&|~'`\"\\$\t") + [
    "\u00e9", "\u00a0", "\u2003", "\u2028", "\x85", "\u200b", "\x1c", "\U0001F600", "$x", "${y}", '""']


def _random_text(rng: random.Random, lines: int) -> str:
    out = []
    for _ in range(lines):
        indent = "".join(rng.choice([" ", " ", "\t", "\u00a0", "\u2003", "\x85"]) for _ in range(rng.randint(0, 6)))
        body = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12)))
        out.append(indent + rng.choice(["", "|", "#", ">>"]) + body)
    return "\n".join(out)


def _random_migrations(seed: int = 20240611, count: int = 240) -> str:
    """A Kotlin file of literals the extractor must read exactly as Kotlin does."""
    rng = random.Random(seed)
    calls = []
    for i in range(count):
        text = _random_text(rng, rng.randint(1, 5))
        form = i % 6
        if form == 0:
            expr = kotlin_string_literal(text)
        elif form == 1:
            cut = rng.randint(0, len(text))
            expr = kotlin_string_literal(text[:cut]) + " +\n            " + kotlin_string_literal(text[cut:])
        else:
            raw = text.replace('"""', "").rstrip('"')
            prefix = rng.choice(["|", "#", ">>"])
            suffix = ["", ".trimIndent()", ".trimMargin()", f'.trimMargin("{prefix}")', ".trim()"][form - 1]
            expr = _raw_literal("\n" + raw + "\n") + suffix
        calls.append(f"        db.execSQL({expr})")
    half = len(calls) // 2
    return (
        "package fixtures.random\n\n"
        "import androidx.room.migration.Migration\n"
        "import androidx.sqlite.db.SupportSQLiteDatabase\n\n"
        "val MIGRATION_100_101 = object : Migration(100, 101) {\n"
        "    override fun migrate(db: SupportSQLiteDatabase) {\n" + "\n".join(calls[:half]) + "\n    }\n}\n\n"
        "val MIGRATION_101_102 = Migration(101, 102) { db ->\n" + "\n".join(calls[half:]) + "\n}\n\n"
        "val ALL: List<Migration> = listOf(MIGRATION_100_101, MIGRATION_101_102)\n"
    )


@pytest.mark.kotlin
@requires_kotlinc
def test_extractor_matches_kotlin_at_run_time(tmp_path):
    random_src = tmp_path / "RandomMigrations.kt"
    random_src.write_text(_random_migrations(), encoding="utf-8")
    runner = tmp_path / "Runner.kt"
    runner.write_text(_RUNNER, encoding="utf-8")
    sources = [FIXTURES / "AppMigrations.kt", FIXTURES / "ConnectionMigrations.kt", random_src, runner]
    compile_kotlin(sources, tmp_path)
    out = run_kotlin(tmp_path, "fixtures.runner.RunnerKt").stdout

    ran: list[tuple[int, int, list[str]]] = []
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "M":
            a, b = rest.split()
            ran.append((int(a), int(b), []))
        elif kind == "S":
            ran[-1][2].append(bytes.fromhex(rest).decode("utf-8"))

    extracted = []
    for path in sources[:3]:
        for m in extract_migrations(path.read_text(encoding="utf-8"), path.name):
            assert all(s.sql is not None for s in m.statements), [s.reason for s in m.statements]
            extracted.append((m.start, m.end, [s.sql for s in m.statements]))
    assert len(extracted) == len(ran) == 9
    assert sum(len(x[2]) for x in ran) > 250
    for got, want in zip(extracted, ran):
        assert got[:2] == want[:2]
        for i, (g, w) in enumerate(zip(got[2], want[2])):
            assert g == w, f"migration {got[0]}->{got[1]} statement {i}: extractor {g!r} != Kotlin {w!r}"
        assert len(got[2]) == len(want[2])
