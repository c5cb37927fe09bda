@file:JvmName("SupportSQLiteDatabaseKt")

package androidx.sqlite.db

/** sqlite-ktx's transaction { }. */
public inline fun <T> SupportSQLiteDatabase.transaction(
    exclusive: Boolean = true,
    body: SupportSQLiteDatabase.() -> T,
): T {
    if (exclusive) beginTransaction() else beginTransactionNonExclusive()
    try {
        val result = body()
        setTransactionSuccessful()
        return result
    } finally {
        endTransaction()
    }
}
