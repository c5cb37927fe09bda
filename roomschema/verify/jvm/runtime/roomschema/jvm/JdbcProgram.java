package roomschema.jvm;

import android.database.Cursor;
import android.database.sqlite.SQLiteDoneException;
import androidx.sqlite.db.SupportSQLiteStatement;
import java.util.ArrayList;
import java.util.List;

/** FrameworkSQLiteStatement: bindings kept here, the statement prepared again at each run. */
final class JdbcProgram implements SupportSQLiteStatement {
    private final JdbcDatabase db;
    private final String sql;
    private final List<Object> args = new ArrayList<>();

    JdbcProgram(JdbcDatabase db, String sql) {
        this.db = db;
        this.sql = sql;
        db.prepare(sql);  // Android compiles at once: a bad statement fails here, not at execute
    }

    private void bind(int index, Object value) {
        if (index < 1) throw new IllegalArgumentException("Cannot bind argument at index " + index);
        while (args.size() < index) args.add(null);
        args.set(index - 1, value);
    }

    @Override public void bindNull(int index) { bind(index, null); }
    @Override public void bindLong(int index, long value) { bind(index, value); }
    @Override public void bindDouble(int index, double value) { bind(index, value); }
    @Override public void bindString(int index, String value) { bind(index, value); }
    @Override public void bindBlob(int index, byte[] value) { bind(index, value); }
    @Override public void clearBindings() { args.clear(); }
    @Override public void close() { }

    Cursor query() { return db.run(sql, args.toArray()); }

    @Override public void execute() { db.run(sql, args.toArray()); }
    @Override public int executeUpdateDelete() { db.run(sql, args.toArray()); return db.changes(); }
    @Override public long executeInsert() {
        db.run(sql, args.toArray());
        return db.changes() > 0 ? db.lastInsertRowId() : -1;
    }
    @Override public long simpleQueryForLong() {
        Cursor c = db.run(sql, args.toArray());
        if (!c.moveToFirst()) throw new SQLiteDoneException("no rows");
        return c.getLong(0);
    }
    @Override public String simpleQueryForString() {
        Cursor c = db.run(sql, args.toArray());
        if (!c.moveToFirst()) throw new SQLiteDoneException("no rows");
        return c.getString(0);
    }
}
