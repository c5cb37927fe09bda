package androidx.sqlite.db

public interface SupportSQLiteOpenHelper : java.io.Closeable {
    public val databaseName: String?
    public val writableDatabase: SupportSQLiteDatabase
    public val readableDatabase: SupportSQLiteDatabase

    public fun interface Factory {
        public fun create(configuration: Any): SupportSQLiteOpenHelper
    }
}
