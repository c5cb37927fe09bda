package androidx.sqlite.driver.bundled

import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteDriver

// androidx.sqlite:sqlite-bundled: SQLite compiled into the app, the same on every platform.
public class BundledSQLiteDriver : SQLiteDriver {
    override fun open(fileName: String): SQLiteConnection = TODO()
}
