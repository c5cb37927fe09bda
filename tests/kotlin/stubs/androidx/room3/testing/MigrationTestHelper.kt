package androidx.room3.testing

import android.app.Instrumentation
import androidx.room3.RoomDatabase
import androidx.room3.migration.AutoMigrationSpec
import androidx.room3.migration.Migration
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteDriver
import java.io.File
import java.nio.file.Path
import kotlin.reflect.KClass
import org.junit.rules.TestWatcher

// room3-testing is multiplatform: its common `expect class` has no constructor, the Android
// actual takes (Instrumentation, File, ...) and the JVM actual (schemaDirectoryPath: Path, ...).
// One JVM compile sees one class, so this stub carries both actuals' constructors; generated
// code for a platform uses only that platform's.
public open class MigrationTestHelper : TestWatcher {
    // Android (instrumentation tests): schemas come from the test APK's assets.
    public constructor(
        instrumentation: Instrumentation,
        file: File,
        driver: SQLiteDriver,
        databaseClass: KClass<out RoomDatabase>,
        databaseFactory: () -> RoomDatabase = { TODO() },
        autoMigrationSpecs: List<AutoMigrationSpec> = emptyList(),
    ) : super()

    // JVM (host tests): schemas are read from schemaDirectoryPath/<fqcn>/N.json.
    public constructor(
        schemaDirectoryPath: Path,
        databasePath: Path,
        driver: SQLiteDriver,
        databaseClass: KClass<out RoomDatabase>,
        databaseFactory: () -> RoomDatabase = { TODO() },
        autoMigrationSpecs: List<AutoMigrationSpec> = emptyList(),
    ) : super()

    public suspend fun createDatabase(version: Int): SQLiteConnection = TODO()

    public suspend fun runMigrationsAndValidate(
        version: Int,
        migrations: List<Migration> = emptyList(),
    ): SQLiteConnection = TODO()

    public open fun closeWhenFinished(db: RoomDatabase): Unit = TODO()
}
