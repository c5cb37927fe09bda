package androidx.sqlite.db

import android.content.ContentValues
import android.database.Cursor
import android.util.Pair
import java.io.Closeable

/**
 * The members migrations call, declared as androidx.sqlite 2.4+ (Room 2.6+) declares them in
 * Kotlin: `version` is a property and `arrayOf(...)` arguments infer `Array<out Any?>`.
 */
public interface SupportSQLiteDatabase : Closeable {
    public fun compileStatement(sql: String): SupportSQLiteStatement
    public fun beginTransaction()
    public fun beginTransactionNonExclusive()
    public fun beginTransactionReadOnly(): Unit = beginTransaction()
    public fun endTransaction()
    public fun setTransactionSuccessful()
    public fun inTransaction(): Boolean
    public val isDbLockedByCurrentThread: Boolean
    public fun yieldIfContendedSafely(): Boolean = false
    public fun yieldIfContendedSafely(sleepAfterYieldDelayMillis: Long): Boolean = false
    public var version: Int
    public fun query(query: String): Cursor
    public fun query(query: String, bindArgs: Array<out Any?>): Cursor
    public fun query(query: SupportSQLiteQuery): Cursor
    public fun insert(table: String, conflictAlgorithm: Int, values: ContentValues): Long
    public fun delete(table: String, whereClause: String?, whereArgs: Array<out Any?>?): Int
    public fun update(
        table: String,
        conflictAlgorithm: Int,
        values: ContentValues,
        whereClause: String?,
        whereArgs: Array<out Any?>?,
    ): Int
    public fun execSQL(sql: String)
    public fun execSQL(sql: String, bindArgs: Array<out Any?>)
    public val isReadOnly: Boolean
    public val isOpen: Boolean
    public fun needUpgrade(newVersion: Int): Boolean
    public val path: String?
    public fun setForeignKeyConstraintsEnabled(enabled: Boolean)
    public val isWriteAheadLoggingEnabled: Boolean
    public val attachedDbs: List<Pair<String, String>>?
    public val isDatabaseIntegrityOk: Boolean
    public override fun close()
}
