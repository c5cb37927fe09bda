"""The generated Kotlin foreign-key check, compiled with kotlinc and run on the JVM.

There is no SQLite on the test JVM, so the database is replayed: Python
builds the real database, runs the migration's statements and answers every
query the Kotlin may ask (the row count, each walk with the bound limit,
Room's pragma) from it. The JVM side (java.lang.reflect.Proxy connections)
logs what the generated code asked and what it threw. So the generated
control flow is checked against real answers: a clean table is cleared by
the walk, an orphan or a small table goes to Room's check, and the message
is Room's.
"""
from __future__ import annotations

import sqlite3

import pytest

from roomschema.schema import compose
from roomschema.migration.changes import diff
from roomschema.migration.foreign_keys import WALK_MIN_ROWS, WALK_SHARE, walk_queries
from roomschema.render.code import migration_kotlin
from roomschema.migration.plan import plan_migration
from roomschema.render.environment import kotlin_string
from roomschema.verify.build import build_database
from roomschema.verify.runner import foreign_key_failure_message

from kotlinc import compile_kotlin, requires_kotlinc, run_kotlin

pytestmark = [pytest.mark.kotlin, pytest.mark.slow]

PARENTS = 40


def _schemas(index: bool = True):
    def child(score_default):
        return compose.entity(
            "message", [compose.field("id", "INTEGER", True), compose.field("conversation_id", "INTEGER", True),
                        compose.field("body", "TEXT"), compose.field("score", "INTEGER", True, default=score_default)],
            primary_key=["id"], auto_generate=True,
            indices=[compose.index("message", ["conversation_id"])] if index else [],
            foreign_keys=[compose.foreign_key(["conversation_id"], "conversation", ["id"], on_delete="CASCADE")])
    parent = compose.entity("conversation", [compose.field("id", "INTEGER", True), compose.field("title", "TEXT")],
                            primary_key=["id"], auto_generate=True)
    return compose.schema(1, [parent, child("0")]), compose.schema(2, [parent, child("1")])


def _answers(tmp_path, name: str, plan, rows: int, orphan: bool) -> dict:
    """Every query the generated migration can make, answered by the migrated database."""
    conn = build_database(plan.old, tmp_path / f"{name}.sqlite")
    conn.execute(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {PARENTS}) "
                 "INSERT INTO conversation (id, title) SELECT x, 't' FROM c")
    conn.execute(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) "
                 f"INSERT INTO message (id, conversation_id, body, score) SELECT x, x % {PARENTS} + 1, 'b', 0 FROM c")
    if orphan:
        conn.execute("UPDATE message SET conversation_id = 999 WHERE id IN (5, 6)")
    answers = {}
    for step in plan.steps:
        if not step.is_foreign_key_check:
            conn.execute(step.sql)
            answers[step.sql] = []
    table = "message"
    count_sql = "SELECT count(*) FROM `message`"
    count = conn.execute(count_sql).fetchone()[0]
    answers[count_sql] = [[count]]
    for walk in walk_queries(plan.new.database.entity(table), plan.new.database):
        limit = count // WALK_SHARE
        answers[f"{walk}|{limit}"] = [list(r) for r in conn.execute(walk, (limit,))]
    answers["PRAGMA foreign_key_check(`message`)"] = [list(r) for r in conn.execute(
        "PRAGMA foreign_key_check(`message`)")]
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


HARNESS = """
package gen.fkrun

import android.database.Cursor
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteStatement
import androidx.sqlite.db.SupportSQLiteDatabase
import java.lang.reflect.Proxy

class Replay(private val answers: Map<String, List<List<Any?>>>) {
    val log = mutableListOf<String>()
    fun rows(sql: String, binds: List<Any?>): List<List<Any?>> {
        val key = sql + binds.joinToString("") { "|" + it }
        log.add(key)
        return answers[key] ?: throw android.database.SQLException("no answer for " + key)
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
    val binds = sortedMapOf<Int, Any?>()
    var rows: List<List<Any?>>? = null
    var at = -1
    return proxy { name, args ->
        when (name) {
            "bindLong" -> { binds[args[0] as Int] = args[1]; Unit }
            "step" -> { if (rows == null) rows = replay.rows(sql, binds.values.toList()); at++; at < rows!!.size }
            "getLong" -> (rows!![at][args[0] as Int] as Number).toLong()
            "getText" -> rows!![at][args[0] as Int] as String
            "close" -> Unit
            else -> throw UnsupportedOperationException(name)
        }
    }
}

fun database(replay: Replay): SupportSQLiteDatabase = proxy { name, args ->
    when (name) {
        "execSQL" -> { replay.rows(args[0] as String, listOf()); Unit }
        "query" -> cursor(replay.rows(args[0] as String, if (args.size > 1) (args[1] as Array<*>).toList() else listOf()))
        else -> throw UnsupportedOperationException(name)
    }
}

fun cursor(rows: List<List<Any?>>): Cursor {
    var at = -1
    return proxy { name, args ->
        when (name) {
            "moveToFirst" -> { at = 0; rows.isNotEmpty() }
            "moveToNext" -> { at++; at < rows.size }
            "getLong" -> (rows[at][args[0] as Int] as Number).toLong()
            "getString" -> rows[at][args[0] as Int] as String
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
                "threw " + e.message
            }
            println("== " + name + " " + api)
            replay.log.forEach { println("asked " + it.replace("\\n", " ")) }
            println("outcome " + outcome.replace("\\n", "\\\\n"))
        }
    }
}
"""


def _parse(stdout: str) -> dict:
    out, current = {}, None
    for line in stdout.splitlines():
        if line.startswith("== "):
            current = out.setdefault(line[3:], {"asked": [], "outcome": None})
        elif line.startswith("asked "):
            current["asked"].append(line[6:])
        elif line.startswith("outcome "):
            current["outcome"] = line[8:].replace("\\n", "\n")
    return out


@requires_kotlinc
def test_generated_check_runs_the_walk_then_rooms_check(tmp_path):
    old, new = _schemas()
    plan = plan_migration(old, new)
    assert any(s.is_foreign_key_check for s in plan.steps)
    d = diff(old, new)
    big = WALK_MIN_ROWS + 1000
    scenarios = {"clean": _answers(tmp_path, "clean", plan, big, False),
                 "orphan": _answers(tmp_path, "orphan", plan, big, True),
                 "small": _answers(tmp_path, "small", plan, WALK_MIN_ROWS - 1, False)}
    files = []
    for api, pkg in (("connection", "conn"), ("support", "support")):
        path = tmp_path / f"{pkg}.kt"
        path.write_text(migration_kotlin(plan, d, f"gen.fkrun.{pkg}", api), encoding="utf-8")
        files.append(path)
    harness = tmp_path / "Harness.kt"
    harness.write_text(HARNESS + "\n" + _answers_kotlin(scenarios) + "\n", encoding="utf-8")
    files.append(harness)
    compile_kotlin(files, tmp_path)
    runs = _parse(run_kotlin(tmp_path, "gen.fkrun.HarnessKt").stdout)

    walk = walk_queries(plan.new.database.entity("message"), plan.new.database)[0]
    pragma = "PRAGMA foreign_key_check(`message`)"
    for api in ("connection", "support"):
        clean, orphan, small = runs[f"clean {api}"], runs[f"orphan {api}"], runs[f"small {api}"]
        # Clean and big: the walk clears it; Room's pragma never runs.
        assert clean["outcome"] == "ok"
        assert f"{walk}|{big // WALK_SHARE}" in clean["asked"] and pragma not in clean["asked"]
        # An orphan: the walk cannot clear it, Room's check runs and throws Room's text.
        expected = foreign_key_failure_message([("message", 5, "conversation", 0), ("message", 6, "conversation", 0)])
        assert orphan["outcome"] == "threw " + expected
        assert orphan["asked"][-1] == pragma and any(a.startswith(walk) for a in orphan["asked"])
        # Small: straight to Room's check, no walk.
        assert small["outcome"] == "ok"
        assert pragma in small["asked"] and not any(a.startswith("WITH RECURSIVE") for a in small["asked"])


def test_no_walk_without_an_index_on_the_key():
    old, new = _schemas(index=False)
    plan = plan_migration(old, new)
    assert walk_queries(plan.new.database.entity("message"), plan.new.database) == ()
    text = migration_kotlin(plan, diff(old, new), "gen.noindex", "connection")
    assert 'foreignKeyCheck(connection, "message")' in text


def test_walk_in_kotlin_is_the_same_query_as_verify_runs(tmp_path):
    """What the device runs and what roomschema verified are one query."""
    old, new = _schemas()
    plan = plan_migration(old, new)
    walk = walk_queries(plan.new.database.entity("message"), plan.new.database)[0]
    assert f'"{kotlin_string(walk)}"' in migration_kotlin(plan, diff(old, new), "gen.same", "support")
    conn = sqlite3.connect(":memory:")
    conn.executescript(";".join(e.create_table_sql() for e in new.database.entities))
    assert conn.execute(walk, (10,)).fetchone() == (0,)
