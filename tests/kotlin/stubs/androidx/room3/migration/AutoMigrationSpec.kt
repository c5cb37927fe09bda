package androidx.room3.migration

import androidx.sqlite.SQLiteConnection

public interface AutoMigrationSpec {
    public fun onPostMigrate(connection: SQLiteConnection) {}
}
