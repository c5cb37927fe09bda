package androidx.sqlite

public interface SQLiteStatement : AutoCloseable {
    public fun bindBlob(index: Int, value: ByteArray)
    public fun bindDouble(index: Int, value: Double)
    public fun bindFloat(index: Int, value: Float): Unit = TODO()
    public fun bindLong(index: Int, value: Long)
    public fun bindInt(index: Int, value: Int): Unit = TODO()
    public fun bindBoolean(index: Int, value: Boolean): Unit = TODO()
    public fun bindText(index: Int, value: String)
    public fun bindNull(index: Int)
    public fun getBlob(index: Int): ByteArray
    public fun getDouble(index: Int): Double
    public fun getFloat(index: Int): Float = TODO()
    public fun getLong(index: Int): Long
    public fun getInt(index: Int): Int = TODO()
    public fun getBoolean(index: Int): Boolean = TODO()
    public fun getText(index: Int): String
    public fun isNull(index: Int): Boolean
    public fun getColumnCount(): Int
    public fun getColumnName(index: Int): String
    public fun getColumnNames(): List<String> = TODO()
    public fun getColumnType(index: Int): Int
    public fun step(): Boolean
    public fun reset()
    public fun clearBindings()
    public override fun close()
}
