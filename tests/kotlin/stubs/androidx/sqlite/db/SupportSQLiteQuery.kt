package androidx.sqlite.db

public interface SupportSQLiteQuery {
    public val sql: String
    public val argCount: Int
}
