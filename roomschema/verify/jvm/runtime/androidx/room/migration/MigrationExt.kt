@file:JvmName("MigrationKt")

package androidx.room.migration

import androidx.sqlite.db.SupportSQLiteDatabase

/** Room's factory: `Migration(1, 2) { db -> ... }`. */
public fun Migration(
    startVersion: Int,
    endVersion: Int,
    migrate: (SupportSQLiteDatabase) -> Unit,
): Migration = MigrationImpl(startVersion, endVersion, migrate)

private class MigrationImpl(
    startVersion: Int,
    endVersion: Int,
    val migrateCallback: (SupportSQLiteDatabase) -> Unit,
) : Migration(startVersion, endVersion) {
    override fun migrate(db: SupportSQLiteDatabase) = migrateCallback(db)
}
