package androidx.sqlite

// androidx.sqlite 2.5+ (non-web targets): AutoCloseable, so `.use {}` is the stdlib one.
public interface SQLiteConnection : AutoCloseable {
    public fun inTransaction(): Boolean = TODO()
    public fun prepare(sql: String): SQLiteStatement
    public override fun close()
}
