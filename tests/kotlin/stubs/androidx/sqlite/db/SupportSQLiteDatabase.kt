package androidx.sqlite.db

import android.content.ContentValues
import android.database.Cursor
import android.database.SQLException
import java.io.Closeable

// The members of androidx.sqlite 2.5 that take only java.* / android.database types.
public interface SupportSQLiteDatabase : Closeable {
    public fun compileStatement(sql: String): SupportSQLiteStatement
    public fun beginTransaction()
    public fun beginTransactionNonExclusive()
    public fun beginTransactionReadOnly(): Unit = TODO()
    public fun endTransaction()
    public fun setTransactionSuccessful()
    public fun inTransaction(): Boolean
    public val isDbLockedByCurrentThread: Boolean
    public fun yieldIfContendedSafely(): Boolean
    public fun yieldIfContendedSafely(sleepAfterYieldDelayMillis: Long): Boolean
    public val isExecPerConnectionSQLSupported: Boolean
        get() = false
    public fun execPerConnectionSQL(sql: String, bindArgs: Array<out Any?>?): Unit = TODO()
    public var version: Int
    public val maximumSize: Long
    public fun setMaximumSize(numBytes: Long): Long
    public var pageSize: Long
    public fun query(query: String): Cursor
    public fun query(query: String, bindArgs: Array<out Any?>): Cursor
    public fun query(query: SupportSQLiteQuery): Cursor
    @Throws(SQLException::class)
    public fun insert(table: String, conflictAlgorithm: Int, values: ContentValues): Long
    public fun delete(table: String, whereClause: String?, whereArgs: Array<out Any?>?): Int
    public fun update(
        table: String,
        conflictAlgorithm: Int,
        values: ContentValues,
        whereClause: String?,
        whereArgs: Array<out Any?>?,
    ): Int
    @Throws(SQLException::class) public fun execSQL(sql: String)
    @Throws(SQLException::class) public fun execSQL(sql: String, bindArgs: Array<out Any?>)
    public val isReadOnly: Boolean
    public val isOpen: Boolean
    public fun needUpgrade(newVersion: Int): Boolean
    public val path: String?
    public fun setLocale(locale: java.util.Locale)
    public fun setMaxSqlCacheSize(cacheSize: Int)
    public fun setForeignKeyConstraintsEnabled(enabled: Boolean)
    public fun enableWriteAheadLogging(): Boolean
    public fun disableWriteAheadLogging()
    public val isWriteAheadLoggingEnabled: Boolean
    public val isDatabaseIntegrityOk: Boolean
}
