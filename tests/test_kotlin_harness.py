"""The Kotlin compile harness works: code shaped like roomschema's output compiles against the
stubs with the real kotlinc, and the mistakes the harness exists for are caught.

All valid files go through ONE kotlinc run and all broken ones through one more (K2 reports
every file's errors in one run), because each run costs a JVM start.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from kotlinc import STUBS_DIR, compile_kotlin, kotlinc_path, requires_kotlinc, stub_classpath

pytestmark = [pytest.mark.kotlin, requires_kotlinc]

VALID: dict[str, str] = {}
VALID["SupportDb.kt"] = r'''
package harness.support

import android.content.ContentValues
import android.database.sqlite.SQLiteConstraintException
import androidx.room.migration.Migration
import androidx.sqlite.db.SupportSQLiteDatabase

val MIGRATION_1_2: Migration = object : Migration(1, 2) {
    override fun migrate(db: SupportSQLiteDatabase) {
        db.execSQL("CREATE TABLE IF NOT EXISTS `_new_user` (`id` INTEGER NOT NULL, `name` TEXT, PRIMARY KEY(`id`))")
        db.execSQL("INSERT INTO `_new_user` (`id`, `name`) SELECT `id`, `name` FROM `user`")
        db.execSQL("DROP TABLE `user`")
        db.execSQL("ALTER TABLE `_new_user` RENAME TO `user`")
        db.execSQL("UPDATE `user` SET `name` = '${'$'}5 \"quoted\" \\ back'")
        db.execSQL(
            """
            CREATE VIEW `v` AS SELECT `id` FROM `user` WHERE `name` <> '${'$'}x'
            """.trimIndent()
        )
        db.execSQL("UPDATE `user` SET `name` = ? WHERE `id` = ?", arrayOf<Any?>("a", 1L))
        foreignKeyCheck(db, "user")
    }
}

private fun foreignKeyCheck(db: SupportSQLiteDatabase, tableName: String) {
    val violations = linkedMapOf<Long, String>()
    var rows = 0
    val escaped = tableName.replace("`", "``")
    db.query("PRAGMA foreign_key_check(`" + escaped + "`)").use { cursor ->
        while (cursor.moveToNext()) {
            rows++
            violations[cursor.getLong(3)] = cursor.getString(2)
        }
    }
    if (rows == 0) return
    val message = StringBuilder()
        .append("Foreign key violation(s) detected in '").append(tableName).append("'.\n")
        .append("Number of different violations discovered: ").append(violations.size).append("\n")
    for ((fkIndex, parent) in violations) {
        message.append("\tParent Table = ").append(parent)
            .append(", Foreign Key Constraint Index = ").append(fkIndex).append("\n")
    }
    throw SQLiteConstraintException(message.toString())
}

fun countAndInsert(db: SupportSQLiteDatabase): Long {
    db.beginTransaction()
    try {
        val n = db.query("SELECT COUNT(*) FROM `user` WHERE `id` > ?", arrayOf<Any?>(0)).use { c ->
            check(c.count >= 0 && c.getColumnIndexOrThrow("id") >= 0)
            if (c.moveToFirst() && !c.isNull(0)) c.getInt(0) else 0
        }
        val values = ContentValues().apply { put("name", "x"); putNull("email") }
        db.setTransactionSuccessful()
        return n + db.insert("user", 0, values)
    } finally {
        db.endTransaction()
    }
}
'''
VALID["Connection.kt"] = r'''
package harness.connection

import androidx.room.migration.Migration
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteException
import androidx.sqlite.execSQL

val MIGRATION_1_2: Migration = object : Migration(1, 2) {
    override fun migrate(connection: SQLiteConnection) {
        connection.execSQL("ALTER TABLE `user` ADD COLUMN `age` INTEGER NOT NULL DEFAULT 0")
        connection.execSQL("UPDATE `user` SET `name` = '${"$"}'")
        fkCheck(connection, "user")
    }
}

private fun fkCheck(connection: SQLiteConnection, tableName: String) {
    var rows = 0
    val violations = linkedMapOf<Long, String>()
    val escaped = tableName.replace("`", "``")
    connection.prepare("PRAGMA foreign_key_check(`" + escaped + "`)").use { stmt ->
        while (stmt.step()) {
            rows++
            violations[stmt.getLong(3)] = stmt.getText(2)
        }
    }
    connection.prepare("INSERT INTO `t` VALUES (?, ?, ?)").use { stmt ->
        stmt.bindText(1, "a")
        stmt.bindLong(2, 2L)
        stmt.bindNull(3)
        check(!stmt.step() && stmt.getColumnCount() == 0 || stmt.isNull(0))
    }
    if (rows > 0) throw SQLiteException("violations in $tableName: ${violations.size}")
}
'''
VALID["OtherForms.kt"] = r'''
package harness.forms

import androidx.room.migration.Migration
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.db.SupportSQLiteDatabase
import androidx.sqlite.execSQL

val MIGRATION_3_4: Migration = Migration(3, 4) { db -> db.execSQL("DROP INDEX IF EXISTS `i`") }

object Migration4To5 : Migration(4, 5) {
    override fun migrate(db: SupportSQLiteDatabase) {
        db.execSQL("DROP TABLE IF EXISTS `old`")
    }
}

class Migration5To6 : Migration(startVersion = 5, endVersion = 6) {
    override fun migrate(connection: SQLiteConnection) {
        connection.execSQL("DROP TABLE IF EXISTS `older`")
    }
}
'''
VALID["Spec.kt"] = r'''
package harness.spec

import androidx.room.AutoMigration
import androidx.room.Database
import androidx.room.DeleteColumn
import androidx.room.DeleteTable
import androidx.room.RenameColumn
import androidx.room.RenameTable
import androidx.room.RoomDatabase
import androidx.room.migration.AutoMigrationSpec
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.db.SupportSQLiteDatabase

@DeleteTable(tableName = "legacy")
@DeleteTable(tableName = "legacy2")
@RenameTable(fromTableName = "person", toTableName = "user")
@DeleteColumn(tableName = "user", columnName = "fax")
@RenameColumn(tableName = "user", fromColumnName = "nm", toColumnName = "name")
@RenameColumn(tableName = "user", fromColumnName = "em", toColumnName = "email")
class AutoMigration1To2Spec : AutoMigrationSpec

class WithCallbacks : AutoMigrationSpec {
    override fun onPostMigrate(db: SupportSQLiteDatabase) {
        db.execSQL("UPDATE `user` SET `name` = ''")
    }

    override fun onPostMigrate(connection: SQLiteConnection) {}
}

@Suppress("unused")
val AUTO_MIGRATION_1_2: AutoMigration = AutoMigration(from = 1, to = 2, spec = AutoMigration1To2Spec::class)

@Database(
    entities = [],
    version = 3,
    autoMigrations = [
        AutoMigration(from = 1, to = 2, spec = AutoMigration1To2Spec::class),
        AutoMigration(from = 2, to = 3),
    ],
)
abstract class AppDatabase : RoomDatabase()
'''
VALID["Migrations.kt"] = r'''
package harness.all

import androidx.room.migration.Migration
import harness.connection.MIGRATION_1_2 as CONNECTION_1_2
import harness.forms.MIGRATION_3_4
import harness.forms.Migration4To5
import harness.forms.Migration5To6
import harness.support.MIGRATION_1_2

val ALL_MIGRATIONS: Array<Migration> = arrayOf(
    MIGRATION_1_2,
    MIGRATION_3_4,
    Migration4To5,
    Migration5To6(),
)

val ALSO: List<Migration> = listOf(CONNECTION_1_2)
'''
VALID["MigrationTest.kt"] = r'''
package harness.test

import androidx.room.testing.MigrationTestHelper
import androidx.test.ext.junit.runners.AndroidJUnit4
import androidx.test.platform.app.InstrumentationRegistry
import harness.spec.AppDatabase
import harness.spec.WithCallbacks
import harness.support.MIGRATION_1_2
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith

@RunWith(AndroidJUnit4::class)
class Migration1To2Test {
    @get:Rule
    val helper: MigrationTestHelper = MigrationTestHelper(
        InstrumentationRegistry.getInstrumentation(),
        AppDatabase::class.java,
    )

    @get:Rule
    val withSpecs = MigrationTestHelper(
        InstrumentationRegistry.getInstrumentation(),
        AppDatabase::class.java,
        listOf(WithCallbacks()),
    )

    @Test
    fun migrate1To2KeepsRows() {
        helper.createDatabase(TEST_DB, 1).apply {
            execSQL("INSERT INTO `user` (`id`, `name`) VALUES (1, 'a')")
            close()
        }

        val db = helper.runMigrationsAndValidate(TEST_DB, 2, true, MIGRATION_1_2)

        db.query("SELECT COUNT(*) FROM `user`").use { cursor ->
            cursor.moveToFirst()
            assertEquals("rows of user", 1, cursor.getInt(0))
        }
        db.query("SELECT `age`, `name`, `email` FROM `user`").use { cursor ->
            assertTrue(cursor.moveToFirst())
            assertEquals("user.age", 0L, cursor.getLong(0))
            assertEquals("user.name", "a", cursor.getString(1))
            assertNull("user.email", cursor.getString(2))
            assertNotNull(cursor)
        }
        db.close()
    }

    private companion object {
        const val TEST_DB = "migration-test"
    }
}
'''

# name -> (source, line of the expected error, a fragment of the message)
INVALID: dict[str, tuple[str, int, str]] = {
    "SyntaxError.kt": (
        "package bad.syntax\n"
        "\n"
        "import androidx.room.migration.Migration\n"
        "import androidx.sqlite.db.SupportSQLiteDatabase\n"
        "\n"
        "val MIGRATION_1_2: Migration = object : Migration(1, 2) {\n"
        "    override fun migrate(db: SupportSQLiteDatabase) {\n"
        "        db.execSQL(\"DROP TABLE `a`\"\n"
        "    }\n"
        "}\n",
        8, "syntax error",
    ),
    # The bug docs/sqlite-android.md#kotlin-strings-holding-sql warns about: `$` in SQL emitted unescaped.
    "UnescapedTemplate.kt": (
        "package bad.template\n"
        "\n"
        "import androidx.room.migration.Migration\n"
        "import androidx.sqlite.db.SupportSQLiteDatabase\n"
        "\n"
        "val MIGRATION_1_2: Migration = object : Migration(1, 2) {\n"
        "    override fun migrate(db: SupportSQLiteDatabase) {\n"
        "        db.execSQL(\"UPDATE `a` SET `b` = '$name'\")\n"
        "    }\n"
        "}\n",
        8, "unresolved reference 'name'",
    ),
    # execSQL on a connection is an extension function: forgetting its import must fail,
    # as it does against the real androidx.sqlite.
    "MissingExtensionImport.kt": (
        "package bad.noimport\n"
        "\n"
        "import androidx.room.migration.Migration\n"
        "import androidx.sqlite.SQLiteConnection\n"
        "\n"
        "val MIGRATION_1_2: Migration = object : Migration(1, 2) {\n"
        "    override fun migrate(connection: SQLiteConnection) {\n"
        "        connection.execSQL(\"DROP TABLE `a`\")\n"
        "    }\n"
        "}\n",
        8, "unresolved reference 'execSQL'",
    ),
    # Room's own KDoc sample says `deletedTableName`; the real parameter is `tableName`.
    "WrongAnnotationParameter.kt": (
        "package bad.annotation\n"
        "\n"
        "import androidx.room.DeleteTable\n"
        "import androidx.room.migration.AutoMigrationSpec\n"
        "\n"
        "@DeleteTable(deletedTableName = \"x\")\n"
        "class Spec : AutoMigrationSpec\n",
        6, "deletedTableName",
    ),
}


def _write(directory: Path, files: dict[str, str]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = directory / name
        path.write_text(text.lstrip("\n"), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def stubs_ready():
    started = time.perf_counter()
    classes, _ = stub_classpath()
    return classes, time.perf_counter() - started


def test_stubs_compile_and_cover_the_generated_api(stubs_ready):
    classes, _ = stubs_ready
    for cls in [
        "androidx/room/migration/Migration.class",
        "androidx/room/migration/MigrationKt.class",
        "androidx/room/migration/AutoMigrationSpec.class",
        "androidx/room/AutoMigration.class",
        "androidx/room/testing/MigrationTestHelper.class",
        "androidx/sqlite/SQLite.class",  # the file facade holding the execSQL extension
        "androidx/sqlite/db/SupportSQLiteDatabase.class",
        "android/database/Cursor.class",
        "org/junit/Assert.class",
    ]:
        assert (classes / cls).is_file(), cls
    assert (classes / ".complete").is_file()


def test_valid_migrations_specs_and_tests_compile(tmp_path, stubs_ready, record_property, capsys):
    sources = _write(tmp_path / "src", VALID)
    started = time.perf_counter()
    compile_kotlin(sources, tmp_path)
    elapsed = time.perf_counter() - started
    record_property("kotlinc_seconds", round(elapsed, 2))
    with capsys.disabled():
        print(f"\n[kotlin harness] one kotlinc run over {len(sources)} files: {elapsed:.1f} s "
              f"(stub classes ready in {stubs_ready[1]:.1f} s; compiler {kotlinc_path()})")
    out = tmp_path / "classes"
    for cls in [
        "harness/support/SupportDbKt.class",
        "harness/connection/ConnectionKt.class",
        "harness/forms/Migration4To5.class",
        "harness/forms/Migration5To6.class",
        "harness/spec/AutoMigration1To2Spec.class",
        "harness/spec/AppDatabase.class",
        "harness/all/MigrationsKt.class",
        "harness/test/Migration1To2Test.class",
    ]:
        assert (out / cls).is_file(), f"{cls} not produced; have {sorted(p.name for p in out.rglob('*.class'))}"


def test_compile_errors_fail_with_file_and_line(tmp_path, stubs_ready):
    sources = _write(tmp_path / "src", {name: src for name, (src, _, _) in INVALID.items()})
    with pytest.raises(AssertionError) as caught:
        compile_kotlin(sources, tmp_path)
    message = str(caught.value)
    for name, (_, line, fragment) in INVALID.items():
        errors = [m for m in re.finditer(rf"{re.escape(name)}:(\d+):\d+: error: (.*)", message)]
        assert errors, f"no error reported for {name}:\n{message}"
        assert any(int(m.group(1)) == line and fragment in m.group(2) for m in errors), (
            f"{name}: expected an error at line {line} mentioning {fragment!r}:\n{message}")


def test_stub_tree_has_only_sources_and_readme():
    # Compiled output must never land in the source tree (it would be committed).
    stray = [p for p in STUBS_DIR.rglob("*") if p.is_file() and p.suffix not in (".kt", ".java", ".md")]
    assert not stray, stray
