package roomschema.jvm;

import android.database.sqlite.SQLiteConstraintException;
import android.database.sqlite.SQLiteException;

/** JDBC's exceptions as Android's: the classes apps catch and the message Android would print. */
final class Errors {
    private Errors() {}

    static SQLiteException android(java.sql.SQLException err, String sql) {
        String text = err.getMessage() == null ? "" : err.getMessage();
        String name = "SQLITE_ERROR";
        int code = err.getErrorCode();
        if (err instanceof org.sqlite.SQLiteException) {
            org.sqlite.SQLiteErrorCode rc = ((org.sqlite.SQLiteException) err).getResultCode();
            name = rc.name();
            code = rc.code;
        }
        // sqlite-jdbc: "[SQLITE_ERROR] SQL error or missing database (no such table: x)"; SQLite's own text is inside.
        if (text.startsWith("[")) {
            int close = text.indexOf("] ");
            int open = close < 0 ? -1 : text.indexOf(" (", close);
            if (open >= 0 && text.endsWith(")")) text = text.substring(open + 2, text.length() - 1);
        }
        String message = text + " (code " + code + " " + name + ")" + (sql == null ? "" : ", while compiling: " + sql);
        return (code & 0xff) == 19 ? new SQLiteConstraintException(message) : new SQLiteException(message);
    }
}
