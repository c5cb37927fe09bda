@file:JvmName("SQLite")

package androidx.sqlite

public const val SQLITE_DATA_INTEGER: Int = 1
public const val SQLITE_DATA_FLOAT: Int = 2
public const val SQLITE_DATA_TEXT: Int = 3
public const val SQLITE_DATA_BLOB: Int = 4
public const val SQLITE_DATA_NULL: Int = 5

/** androidx.sqlite 2.5+: AutoCloseable, so `.use {}` is the standard library's. */
public interface SQLiteConnection : AutoCloseable {
    public fun inTransaction(): Boolean
    public fun prepare(sql: String): SQLiteStatement
    public override fun close()
}

public interface SQLiteStatement : AutoCloseable {
    public fun bindBlob(index: Int, value: ByteArray)
    public fun bindDouble(index: Int, value: Double)
    public fun bindFloat(index: Int, value: Float): Unit = bindDouble(index, value.toDouble())
    public fun bindLong(index: Int, value: Long)
    public fun bindInt(index: Int, value: Int): Unit = bindLong(index, value.toLong())
    public fun bindBoolean(index: Int, value: Boolean): Unit = bindLong(index, if (value) 1L else 0L)
    public fun bindText(index: Int, value: String)
    public fun bindNull(index: Int)
    public fun getBlob(index: Int): ByteArray
    public fun getDouble(index: Int): Double
    public fun getFloat(index: Int): Float = getDouble(index).toFloat()
    public fun getLong(index: Int): Long
    public fun getInt(index: Int): Int = getLong(index).toInt()
    public fun getBoolean(index: Int): Boolean = getLong(index) != 0L
    public fun getText(index: Int): String
    public fun isNull(index: Int): Boolean
    public fun getColumnCount(): Int
    public fun getColumnName(index: Int): String
    public fun getColumnNames(): List<String> = List(getColumnCount()) { getColumnName(it) }
    public fun getColumnType(index: Int): Int
    public fun step(): Boolean
    public fun reset()
    public fun clearBindings()
    public override fun close()
}

/** Executes a single SQL statement that returns no values. */
public fun SQLiteConnection.execSQL(sql: String) {
    prepare(sql).use { it.step() }
}

// On Android the expect class is this typealias.
public typealias SQLiteException = android.database.SQLException

public fun throwSQLiteException(errorCode: Int, errorMsg: String?): Nothing =
    throw SQLiteException("Error code: $errorCode, message: $errorMsg")
