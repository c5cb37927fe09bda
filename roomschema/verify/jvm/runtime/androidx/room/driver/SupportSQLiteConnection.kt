package androidx.room.driver

import androidx.sqlite.SQLiteConnection
import androidx.sqlite.db.SupportSQLiteDatabase

/** What Room hands a Migration on Android: the connection API over the same database. */
public class SupportSQLiteConnection(
    public val db: SupportSQLiteDatabase,
    private val delegate: SQLiteConnection,
) : SQLiteConnection by delegate
