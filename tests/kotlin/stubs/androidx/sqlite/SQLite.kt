@file:JvmName("SQLite")

package androidx.sqlite

public const val SQLITE_DATA_INTEGER: Int = 1
public const val SQLITE_DATA_FLOAT: Int = 2
public const val SQLITE_DATA_TEXT: Int = 3
public const val SQLITE_DATA_BLOB: Int = 4
public const val SQLITE_DATA_NULL: Int = 5

/** Executes a single SQL statement that returns no values. Needs `import androidx.sqlite.execSQL`. */
public fun SQLiteConnection.execSQL(sql: String) {
    // The real body: tests that run migrations against a recording connection rely on it.
    prepare(sql).use { it.step() }
}
