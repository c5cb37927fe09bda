package androidx.sqlite.db

public interface SupportSQLiteStatement : java.io.Closeable {
    public fun bindNull(index: Int)
    public fun bindLong(index: Int, value: Long)
    public fun bindDouble(index: Int, value: Double)
    public fun bindString(index: Int, value: String)
    public fun bindBlob(index: Int, value: ByteArray)
    public fun clearBindings()
    public fun execute()
    public fun executeUpdateDelete(): Int
    public fun executeInsert(): Long
    public fun simpleQueryForLong(): Long
    public fun simpleQueryForString(): String?
}
