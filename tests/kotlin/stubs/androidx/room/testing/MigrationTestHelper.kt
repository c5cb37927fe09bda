package androidx.room.testing

import android.app.Instrumentation
import androidx.room.RoomDatabase
import androidx.room.migration.AutoMigrationSpec
import androidx.room.migration.Migration
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteDriver
import androidx.sqlite.db.SupportSQLiteDatabase
import androidx.sqlite.db.SupportSQLiteOpenHelper
import androidx.sqlite.db.framework.FrameworkSQLiteOpenHelperFactory
import java.io.File
import java.io.IOException
import java.nio.file.Path
import kotlin.reflect.KClass
import org.junit.rules.TestWatcher

// The constructors and entry points of room-testing 2.7: Android's, and the JVM actual's
// (schemaDirectoryPath: Path, ...). One JVM compile sees one class, so this stub carries both;
// generated code for a platform uses only that platform's.
public open class MigrationTestHelper : TestWatcher {
    @Deprecated("Cannot be used to run migration tests involving auto migrations.")
    @JvmOverloads
    public constructor(
        instrumentation: Instrumentation,
        assetsFolder: String,
        openFactory: SupportSQLiteOpenHelper.Factory = FrameworkSQLiteOpenHelperFactory(),
    ) : super()

    public constructor(
        instrumentation: Instrumentation,
        databaseClass: Class<out RoomDatabase>,
    ) : super()

    @JvmOverloads
    public constructor(
        instrumentation: Instrumentation,
        databaseClass: Class<out RoomDatabase>,
        specs: List<AutoMigrationSpec>,
        openFactory: SupportSQLiteOpenHelper.Factory = FrameworkSQLiteOpenHelperFactory(),
    ) : super()

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

    @Throws(IOException::class)
    public open fun createDatabase(name: String, version: Int): SupportSQLiteDatabase = TODO()

    public open fun runMigrationsAndValidate(
        name: String,
        version: Int,
        validateDroppedTables: Boolean,
        vararg migrations: Migration,
    ): SupportSQLiteDatabase = TODO()

    public fun createDatabase(version: Int): SQLiteConnection = TODO()

    public fun runMigrationsAndValidate(
        version: Int,
        migrations: List<Migration> = emptyList(),
    ): SQLiteConnection = TODO()

    public open fun closeWhenFinished(db: SupportSQLiteDatabase): Unit = TODO()

    public open fun closeWhenFinished(db: RoomDatabase): Unit = TODO()
}
