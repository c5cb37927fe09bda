package androidx.room

import androidx.sqlite.db.SupportSQLiteOpenHelper

public abstract class RoomDatabase {
    public open val openHelper: SupportSQLiteOpenHelper
        get() = TODO()

    public open fun close(): Unit = TODO()
}
