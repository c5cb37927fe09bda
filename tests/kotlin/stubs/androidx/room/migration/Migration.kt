@file:JvmName("MigrationKt")

package androidx.room.migration

import androidx.sqlite.SQLiteConnection
import androidx.sqlite.db.SupportSQLiteDatabase

// Room 2.7+: both overloads are open; an override of either one is a complete migration.
public abstract class Migration(
    @JvmField public val startVersion: Int,
    @JvmField public val endVersion: Int,
) {
    public open fun migrate(db: SupportSQLiteDatabase): Unit = TODO()

    public open fun migrate(connection: SQLiteConnection): Unit = TODO()
}

/** Room's lambda factory: `Migration(1, 2) { db -> db.execSQL("...") }`. */
public fun Migration(
    startVersion: Int,
    endVersion: Int,
    migrate: (SupportSQLiteDatabase) -> Unit,
): Migration = MigrationImpl(startVersion, endVersion, migrate)

// As in Room, so tests can run lambda-style migrations.
private class MigrationImpl(
    startVersion: Int,
    endVersion: Int,
    val migrateCallback: (SupportSQLiteDatabase) -> Unit,
) : Migration(startVersion, endVersion) {
    override fun migrate(db: SupportSQLiteDatabase) = migrateCallback(db)
}
