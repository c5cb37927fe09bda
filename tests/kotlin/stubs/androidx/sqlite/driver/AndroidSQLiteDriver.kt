package androidx.sqlite.driver

import androidx.sqlite.SQLiteConnection
import androidx.sqlite.SQLiteDriver

// androidx.sqlite:sqlite-framework: the device's own SQLite (android.database.sqlite).
public class AndroidSQLiteDriver : SQLiteDriver {
    override fun open(fileName: String): SQLiteConnection = TODO()
}
