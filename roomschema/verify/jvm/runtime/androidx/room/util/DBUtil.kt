@file:JvmName("DBUtil")

package androidx.room.util

import android.database.Cursor
import android.database.sqlite.SQLiteConstraintException
import androidx.sqlite.db.SupportSQLiteDatabase

/** Room's DBUtil.foreignKeyCheck: the same query and the same message. */
public fun foreignKeyCheck(db: SupportSQLiteDatabase, tableName: String) {
    db.query("PRAGMA foreign_key_check(`$tableName`)").use { cursor ->
        if (cursor.count > 0) {
            throw SQLiteConstraintException(processForeignKeyCheckFailure(cursor))
        }
    }
}

private fun processForeignKeyCheckFailure(cursor: Cursor): String = buildString {
    val rowCount = cursor.count
    val fkParentTables = mutableMapOf<String, String>()
    while (cursor.moveToNext()) {
        if (cursor.isFirst) {
            append("Foreign key violation(s) detected in '")
            append(cursor.getString(0)).append("'.\n")
        }
        val constraintIndex = cursor.getString(3)
        if (!fkParentTables.containsKey(constraintIndex)) {
            fkParentTables[constraintIndex] = cursor.getString(2)
        }
    }
    append("Number of different violations discovered: ")
    append(fkParentTables.keys.size).append("\n")
    append("Number of rows in violation: ")
    append(rowCount).append("\n")
    append("Violation(s) detected in the following constraint(s):\n")
    for ((key, value) in fkParentTables) {
        append("\tParent Table = ").append(value)
        append(", Foreign Key Constraint Index = ").append(key).append("\n")
    }
}
