"""The generated Kotlin checks foreign keys the way Room's AutoMigration does.

Room runs ``DBUtil.foreignKeyCheck(db, "t")`` after rebuilding a table that has
foreign keys: ``PRAGMA foreign_key_check(`t`)``, and Room's message when a row
comes back. The generated ``Migration`` calls a private helper that does the
same, and nothing else (no recursive CTE, no row count).

The run test compiles the generated code with kotlinc and runs it on the JVM.
There is no SQLite on the test JVM, so the database is replayed: Python builds
the real database, runs the migration's statements in order and answers each
query the Kotlin makes from it at that point; the JVM side
(java.lang.reflect.Proxy connections) logs every query and what was thrown.
"""
from __future__ import annotations

import re

import pytest

import roomschema
from roomschema.kotlin import extract_migrations
from roomschema.migration.plan import plan_migration
from roomschema.render.code import migration_kotlin
from roomschema.render.environment import kotlin_string
from roomschema.schema import compose
from roomschema.verify.build import build_database
from roomschema.verify.runner import foreign_key_failure_message

from helpers import AVA, CORPUS, NO_CORPUS, corpus_pairs
from corpus_history import history_declarations, with_fills
from kotlinc import compile_kotlin, requires_kotlinc, run_kotlin

PARENTS = 40
ROWS = 500
PRAGMA = "PRAGMA foreign_key_check(`{}`)"


def _schemas():
    """Version 2 changes a default in ``message`` (FK), ``reaction`` (two FKs) and
    ``tag`` (no FK): Room rebuilds all three. ``attachment`` (FK) only gains a
    nullable column, which is an ALTER, not a rebuild."""
    def version(n: int):
        d = str(n - 1)
        conversation = compose.entity("conversation", [compose.field("id", "INTEGER", True),
                                                       compose.field("title", "TEXT")],
                                      primary_key=["id"], auto_generate=True)
        message = compose.entity(
            "message", [compose.field("id", "INTEGER", True), compose.field("conversation_id", "INTEGER", True),
                        compose.field("body", "TEXT"), compose.field("score", "INTEGER", True, default=d)],
            primary_key=["id"], auto_generate=True, indices=[compose.index("message", ["conversation_id"])],
            foreign_keys=[compose.foreign_key(["conversation_id"], "conversation", ["id"], on_delete="CASCADE")])
        reaction = compose.entity(
            "reaction", [compose.field("id", "INTEGER", True), compose.field("message_id", "INTEGER", True),
                         compose.field("conversation_id", "INTEGER", True),
                         compose.field("weight", "INTEGER", True, default=d)],
            primary_key=["id"],
            foreign_keys=[compose.foreign_key(["message_id"], "message", ["id"]),
                          compose.foreign_key(["conversation_id"], "conversation", ["id"])])
        tag = compose.entity("tag", [compose.field("id", "INTEGER", True), compose.field("rank", "INTEGER", True,
                                                                                        default=d)],
                             primary_key=["id"])
        attachment_fields = [compose.field("id", "INTEGER", True), compose.field("message_id", "INTEGER", True)]
        if n == 2:
            attachment_fields.append(compose.field("mime", "TEXT"))
        attachment = compose.entity("attachment", attachment_fields, primary_key=["id"],
                                    foreign_keys=[compose.foreign_key(["message_id"], "message", ["id"])])
        return compose.schema(n, [conversation, message, reaction, tag, attachment])
    return version(1), version(2)


def _rebuilt_with_foreign_keys(plan) -> list:
    """What Room checks, read from the statements and the new schema (not from
    the plan's own check steps): each table renamed from ``_new_<t>`` whose new
    definition has a foreign key, in the order of the renames."""
    renamed = [m.group(1).replace("``", "`") for s in plan.steps
               for m in [re.fullmatch(r"ALTER TABLE `_new_(?:[^`]|``)*` RENAME TO `((?:[^`]|``)*)`", s.sql)] if m]
    entities = {e.table_name: e for e in plan.new.database.entities}
    return [t for t in renamed if t in entities and getattr(entities[t], "foreign_keys", ())]


def _checked_in_kotlin(source: str) -> list:
    """The tables the generated ``migrate`` hands to the foreign-key helper, as
    roomschema's Kotlin reader sees them (an independent parse of the text)."""
    (m,) = extract_migrations(source, "Generated.kt")
    out = []
    for s in m.statements:
        hit = re.fullmatch(r"PRAGMA foreign_key_check\(`((?:[^`]|``)*)`\)", s.sql)
        if hit:
            out.append(hit.group(1).replace("``", "`"))
    return out


def _assert_rooms_check_only(plan, package: str) -> None:
    expected = _rebuilt_with_foreign_keys(plan)
    for api in ("support", "connection"):
        text = migration_kotlin(plan, package, api)
        # A view may be defined with a recursive CTE (Tusky's are); nothing else may.
        assert text.upper().count("WITH RECURSIVE") == sum(s.sql.upper().count("WITH RECURSIVE")
                                                            for s in plan.steps)
        assert _checked_in_kotlin(text) == expected, (package, api)
        param = "connection" if api == "connection" else "db"
        helpers = re.findall(r"private fun foreignKeyCheck\(([^)]*)\)", text)
        if expected:
            # One helper, Room's two parameters: the connection and the table.
            expected_sig = f"{param}: {'SQLiteConnection' if api == 'connection' else 'SupportSQLiteDatabase'}"
            assert helpers == [f"{expected_sig}, tableName: String"], helpers
            assert text.count("PRAGMA foreign_key_check") == 1
        else:
            assert helpers == [] and "foreign_key_check" not in text


def test_only_rebuilt_tables_with_foreign_keys_are_checked():
    old, new = _schemas()
    plan = plan_migration(old, new)
    assert _rebuilt_with_foreign_keys(plan) == ["message", "reaction"]
    _assert_rooms_check_only(plan, "gen.fk")


def test_ava_kotlin_is_rooms_check_only():
    old, new = roomschema.load(AVA / "1.json"), roomschema.load(AVA / "2.json")
    plan = plan_migration(old, new)
    _assert_rooms_check_only(plan, "gen.ava")


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=NO_CORPUS)
def test_corpus_kotlin_is_rooms_check_only():
    checked = 0
    for a, b in corpus_pairs():
        old, new = roomschema.load(a), roomschema.load(b)
        plan = with_fills(old, new, history_declarations(old, new))
        if plan is None:
            continue
        _assert_rooms_check_only(plan, "gen.corpus")
        checked += bool(_rebuilt_with_foreign_keys(plan))
    assert checked >= 5, checked  # the corpus has rebuilds of tables with foreign keys


# --- the generated helper, compiled and run against a real database's answers -------------------------------

def _answers(tmp_path, name: str, plan, orphans: tuple) -> dict:
    """Every query the generated migration makes, answered by the database at
    the moment it is made (each statement runs first, as on the device)."""
    conn = build_database(plan.old, tmp_path / f"{name}.sqlite")
    seq = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) "
    conn.execute(seq.format(PARENTS) + "INSERT INTO conversation (id, title) SELECT x, 't' FROM c")
    conn.execute(seq.format(ROWS) + f"INSERT INTO message (id, conversation_id, body, score) "
                                    f"SELECT x, x % {PARENTS} + 1, 'b', 0 FROM c")
    conn.execute(seq.format(ROWS) + f"INSERT INTO reaction (id, message_id, conversation_id, weight) "
                                    f"SELECT x, x, x % {PARENTS} + 1, 0 FROM c")
    conn.execute(seq.format(ROWS) + "INSERT INTO attachment (id, message_id) SELECT x, x FROM c")
    for sql in orphans:
        conn.execute(sql)
    answers: dict = {}
    for step in plan.steps:
        if step.is_foreign_key_check:
            pragma = PRAGMA.format(step.table)
            answers[pragma] = [list(r) for r in conn.execute(pragma)]
        else:
            conn.execute(step.sql)
            answers[step.sql] = []
    conn.close()
    return answers


def _kotlin_value(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, int):
        return f"{v}L"
    return f'"{kotlin_string(str(v))}"'


def _answers_kotlin(scenarios: dict) -> str:
    out = ["val SCENARIOS: Map<String, Map<String, List<List<Any?>>>> = mapOf("]
    for name, answers in scenarios.items():
        out.append(f'    "{name}" to mapOf(')
        for key, rows in answers.items():
            body = ", ".join("listOf(" + ", ".join(_kotlin_value(v) for v in r) + ")" for r in rows)
            out.append(f'        "{kotlin_string(key)}" to listOf<List<Any?>>({body}),')
        out.append("    ),")
    out.append(")")
    return "\n".join(out)


# SQLite's text of an integer column is its decimal digits, as getText/getString
# give it on the device.
HARNESS = """
package gen.fkrun

import android.database.Cursor
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteStatement
import androidx.sqlite.db.SupportSQLiteDatabase
import java.lang.reflect.Proxy

class Replay(private val answers: Map<String, List<List<Any?>>>) {
    val log = mutableListOf<String>()
    fun rows(sql: String): List<List<Any?>> {
        log.add(sql)
        return answers[sql] ?: throw android.database.SQLException("no answer for " + sql)
    }
}

private inline fun <reified T> proxy(crossinline handler: (String, Array<out Any?>) -> Any?): T =
    Proxy.newProxyInstance(T::class.java.classLoader, arrayOf(T::class.java)) { _, m, args ->
        handler(m.name, args ?: arrayOf())
    } as T

fun connection(replay: Replay): SQLiteConnection = proxy { name, args ->
    when (name) {
        "prepare" -> statement(replay, args[0] as String)
        "close" -> Unit
        else -> throw UnsupportedOperationException(name)
    }
}

fun statement(replay: Replay, sql: String): SQLiteStatement {
    var rows: List<List<Any?>>? = null
    var at = -1
    return proxy { name, args ->
        when (name) {
            "step" -> { if (rows == null) rows = replay.rows(sql); at++; at < rows!!.size }
            "getLong" -> (rows!![at][args[0] as Int] as Number).toLong()
            "getText" -> rows!![at][args[0] as Int].toString()
            "close" -> Unit
            else -> throw UnsupportedOperationException(name)
        }
    }
}

fun database(replay: Replay): SupportSQLiteDatabase = proxy { name, args ->
    when (name) {
        "execSQL" -> { replay.rows(args[0] as String); Unit }
        "query" -> if (args.size == 1) cursor(replay.rows(args[0] as String))
                   else throw UnsupportedOperationException("query with arguments")
        else -> throw UnsupportedOperationException(name)
    }
}

fun cursor(rows: List<List<Any?>>): Cursor {
    var at = -1
    return proxy { name, args ->
        when (name) {
            "moveToFirst" -> { at = 0; rows.isNotEmpty() }
            "moveToNext" -> { at++; at < rows.size }
            "getCount" -> rows.size
            "getLong" -> (rows[at][args[0] as Int] as Number).toLong()
            "getString" -> rows[at][args[0] as Int].toString()
            "close" -> Unit
            else -> throw UnsupportedOperationException(name)
        }
    }
}

fun main() {
    for ((name, answers) in SCENARIOS) {
        for (api in listOf("connection", "support")) {
            val replay = Replay(answers)
            val outcome = try {
                if (api == "connection") gen.fkrun.conn.MIGRATION_1_2.migrate(connection(replay))
                else gen.fkrun.support.MIGRATION_1_2.migrate(database(replay))
                "ok"
            } catch (e: android.database.SQLException) {
                e.javaClass.simpleName + ": " + e.message
            }
            println("== " + name + " " + api)
            replay.log.forEach { println("asked " + it.replace("\\n", " ")) }
            println("outcome " + outcome.replace("\\n", "\\\\n"))
        }
    }
}
"""


def _parse(stdout: str) -> dict:
    out: dict = {}
    current: dict = {}
    for line in stdout.splitlines():
        if line.startswith("== "):
            current = out.setdefault(line[3:], {"asked": [], "outcome": None})
        elif line.startswith("asked "):
            current["asked"].append(line[6:])
        elif line.startswith("outcome "):
            current["outcome"] = line[8:].replace("\\n", "\n")
    return out


@pytest.mark.kotlin
@pytest.mark.slow
@requires_kotlinc
def test_generated_check_runs_rooms_pragma_and_throws_rooms_message(tmp_path):
    old, new = _schemas()
    plan = plan_migration(old, new)
    scenarios = {
        "clean": _answers(tmp_path, "clean", plan, ()),
        # Two rows of message lose their parent: the first check throws.
        "message": _answers(tmp_path, "message", plan, (
            "UPDATE message SET conversation_id = 999 WHERE id IN (5, 6)",)),
        # reaction breaks both of its foreign keys: two constraints in the message.
        "reaction": _answers(tmp_path, "reaction", plan, (
            "UPDATE reaction SET message_id = 9999 WHERE id IN (3, 4, 7)",
            "UPDATE reaction SET conversation_id = 999 WHERE id = 8")),
    }
    files = []
    for api, pkg in (("connection", "conn"), ("support", "support")):
        path = tmp_path / f"{pkg}.kt"
        path.write_text(migration_kotlin(plan, f"gen.fkrun.{pkg}", api), encoding="utf-8")
        files.append(path)
    harness = tmp_path / "Harness.kt"
    harness.write_text(HARNESS + "\n" + _answers_kotlin(scenarios) + "\n", encoding="utf-8")
    files.append(harness)
    compile_kotlin(files, tmp_path)
    runs = _parse(run_kotlin(tmp_path, "gen.fkrun.HarnessKt").stdout)

    statements = [s.sql for s in plan.steps if not s.is_foreign_key_check]
    # What Room throws: androidx.sqlite.SQLiteException (android.database.SQLException
    # on Android) and, in the SupportSQLite API, SQLiteConstraintException.
    exception = {"connection": "SQLException", "support": "SQLiteConstraintException"}
    for api in ("connection", "support"):
        clean, message, reaction = runs[f"clean {api}"], runs[f"message {api}"], runs[f"reaction {api}"]
        # Every statement, then Room's pragma on exactly the rebuilt tables with
        # foreign keys, and nothing else.
        assert clean["outcome"] == "ok"
        assert clean["asked"] == statements + [PRAGMA.format("message"), PRAGMA.format("reaction")]
        assert not any("RECURSIVE" in a.upper() for r in runs.values() for a in r["asked"])

        rows = scenarios["message"][PRAGMA.format("message")]
        assert len(rows) == 2
        assert message["outcome"] == f"{exception[api]}: " + foreign_key_failure_message(rows)
        assert message["asked"] == statements + [PRAGMA.format("message")]

        rows = scenarios["reaction"][PRAGMA.format("reaction")]
        assert len(rows) == 4 and len({r[3] for r in rows}) == 2
        assert reaction["outcome"] == f"{exception[api]}: " + foreign_key_failure_message(rows)
        assert "Number of different violations discovered: 2\nNumber of rows in violation: 4\n" in reaction["outcome"]
        assert reaction["asked"] == clean["asked"]
