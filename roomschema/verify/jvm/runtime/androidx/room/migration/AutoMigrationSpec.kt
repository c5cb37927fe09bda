package androidx.room.migration

import androidx.sqlite.SQLiteConnection
import androidx.sqlite.db.SupportSQLiteDatabase

public interface AutoMigrationSpec {
    public fun onPostMigrate(db: SupportSQLiteDatabase) {}

    public fun onPostMigrate(connection: SQLiteConnection) {}
}
