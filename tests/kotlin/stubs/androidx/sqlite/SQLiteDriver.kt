package androidx.sqlite

public interface SQLiteDriver {
    public fun open(fileName: String): SQLiteConnection
}
