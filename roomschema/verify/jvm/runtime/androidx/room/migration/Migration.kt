package androidx.room.migration

import androidx.room.driver.SupportSQLiteConnection
import androidx.sqlite.SQLiteConnection
import androidx.sqlite.db.SupportSQLiteDatabase

/** Room 2.7's Migration: either overload may be the one an app overrides; the runner calls the connection one. */
public abstract class Migration(
    @JvmField public val startVersion: Int,
    @JvmField public val endVersion: Int,
) {
    public open fun migrate(db: SupportSQLiteDatabase) {
        throw NotImplementedError("Migration functionality with a SupportSQLiteDatabase without a Room database is not supported.")
    }

    public open fun migrate(connection: SQLiteConnection) {
        if (connection is SupportSQLiteConnection) {
            migrate(connection.db)
        } else {
            throw NotImplementedError("Migration functionality with a provided SQLiteDriver requires overriding the migrate(SQLiteConnection) function.")
        }
    }
}
