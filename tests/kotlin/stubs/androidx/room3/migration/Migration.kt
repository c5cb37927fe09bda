@file:JvmName("MigrationKt")

package androidx.room3.migration

import androidx.sqlite.SQLiteConnection

// Room 3 (androidx.room3): the connection overload only, and it suspends.
public abstract class Migration(
    @JvmField public val startVersion: Int,
    @JvmField public val endVersion: Int,
) {
    public abstract suspend fun migrate(connection: SQLiteConnection)
}

/** Room's lambda factory: `Migration(1, 2) { connection -> connection.execSQL("...") }`. */
public fun Migration(
    startVersion: Int,
    endVersion: Int,
    migrate: suspend (SQLiteConnection) -> Unit,
): Migration = MigrationImpl(startVersion, endVersion, migrate)

private class MigrationImpl(
    startVersion: Int,
    endVersion: Int,
    val migrateCallback: suspend (SQLiteConnection) -> Unit,
) : Migration(startVersion, endVersion) {
    override suspend fun migrate(connection: SQLiteConnection) = migrateCallback(connection)
}
