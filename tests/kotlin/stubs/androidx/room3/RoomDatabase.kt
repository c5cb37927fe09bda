package androidx.room3

// Room 3 has no SupportSQLiteOpenHelper: a database is opened through an SQLiteDriver only.
public abstract class RoomDatabase {
    public open fun close(): Unit = TODO()
}
