package roomschema.jvm;

import android.content.ContentValues;
import android.database.Cursor;
import android.util.Pair;
import androidx.sqlite.db.SupportSQLiteDatabase;
import androidx.sqlite.db.SupportSQLiteQuery;
import androidx.sqlite.db.SupportSQLiteStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FrameworkSQLiteDatabase over one JDBC connection, inside the transaction Room opened for the
 * migration. Nested transactions behave as Android's SQLiteSession: a child that ends without
 * setTransactionSuccessful() makes the whole migration roll back.
 */
public final class JdbcDatabase implements SupportSQLiteDatabase {
    private static final String[] CONFLICT = {"", " OR ROLLBACK ", " OR ABORT ", " OR FAIL ", " OR IGNORE ", " OR REPLACE "};

    final Connection connection;
    private final String path;
    private final List<Boolean> nested = new ArrayList<>();  // markedSuccessful per open child transaction
    boolean childFailed;
    /** Statements the migration ran (queries included): none at all is no evidence the code was exercised. */
    int statements;

    JdbcDatabase(Connection connection, String path) {
        this.connection = connection;
        this.path = path;
    }

    PreparedStatement prepare(String sql) {
        try {
            return connection.prepareStatement(sql);
        } catch (SQLException err) {
            throw Errors.android(err, sql);
        }
    }

    /** Runs one statement; a query's rows are read into a cursor (none for other statements). */
    Cursor run(String sql, Object[] args) {
        statements++;
        PreparedStatement ps = prepare(sql);
        try {
            Binder b = new Binder();
            if (args != null) for (int i = 0; i < args.length; i++) b.bind(i + 1, Binder.normalize(args[i]));
            b.apply(ps);
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    return MemoryCursor.read(rs);
                }
            }
            return MemoryCursor.empty();
        } catch (SQLException err) {
            throw Errors.android(err, sql);
        } finally {
            try { ps.close(); } catch (SQLException ignored) { }
        }
    }

    int changes() {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT changes()")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException err) {
            throw Errors.android(err, null);
        }
    }

    long lastInsertRowId() {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException err) {
            throw Errors.android(err, null);
        }
    }

    @Override public SupportSQLiteStatement compileStatement(String sql) { return new JdbcProgram(this, sql); }

    @Override public void beginTransaction() { nested.add(false); }
    @Override public void beginTransactionNonExclusive() { nested.add(false); }
    @Override public void setTransactionSuccessful() {
        if (nested.isEmpty()) throw new IllegalStateException("Cannot perform this operation because there is no current transaction.");
        nested.set(nested.size() - 1, true);
    }
    @Override public void endTransaction() {
        if (nested.isEmpty()) throw new IllegalStateException("Cannot perform this operation because there is no current transaction.");
        if (!nested.remove(nested.size() - 1)) childFailed = true;
    }
    @Override public boolean inTransaction() { return true; }
    @Override public boolean isDbLockedByCurrentThread() { return true; }

    @Override public int getVersion() {
        Cursor c = run("PRAGMA user_version", null);
        c.moveToFirst();
        return c.getInt(0);
    }
    @Override public void setVersion(int version) { run("PRAGMA user_version = " + version, null); }

    @Override public Cursor query(String query) { return run(query, null); }
    @Override public Cursor query(String query, Object[] bindArgs) { return run(query, bindArgs); }
    @Override public Cursor query(SupportSQLiteQuery query) {
        JdbcProgram program = new JdbcProgram(this, query.getSql());
        query.bindTo(program);
        return program.query();
    }

    @Override public long insert(String table, int conflictAlgorithm, ContentValues values) {
        StringBuilder sql = new StringBuilder("INSERT").append(CONFLICT[conflictAlgorithm]).append(" INTO ").append(table).append('(');
        List<Object> args = new ArrayList<>();
        StringBuilder marks = new StringBuilder();
        for (Map.Entry<String, Object> e : values.valueSet()) {
            if (!args.isEmpty()) { sql.append(','); marks.append(','); }
            sql.append(e.getKey());
            marks.append('?');
            args.add(e.getValue());
        }
        sql.append(") VALUES (").append(marks).append(')');
        run(sql.toString(), args.toArray());
        return changes() > 0 ? lastInsertRowId() : -1;
    }

    @Override public int delete(String table, String whereClause, Object[] whereArgs) {
        run("DELETE FROM " + table + (whereClause == null || whereClause.isEmpty() ? "" : " WHERE " + whereClause), whereArgs);
        return changes();
    }

    @Override public int update(String table, int conflictAlgorithm, ContentValues values, String whereClause, Object[] whereArgs) {
        if (values == null || values.size() == 0) throw new IllegalArgumentException("Empty values");
        StringBuilder sql = new StringBuilder("UPDATE ").append(CONFLICT[conflictAlgorithm]).append(table).append(" SET ");
        List<Object> args = new ArrayList<>();
        for (Map.Entry<String, Object> e : values.valueSet()) {
            sql.append(args.isEmpty() ? "" : ",").append(e.getKey()).append("=?");
            args.add(e.getValue());
        }
        if (whereArgs != null) for (Object a : whereArgs) args.add(a);
        if (whereClause != null && !whereClause.isEmpty()) sql.append(" WHERE ").append(whereClause);
        run(sql.toString(), args.toArray());
        return changes();
    }

    @Override public void execSQL(String sql) { run(sql, null); }
    @Override public void execSQL(String sql, Object[] bindArgs) {
        if (bindArgs == null) throw new IllegalArgumentException("Empty bindArgs");
        run(sql, bindArgs);
    }

    @Override public boolean isReadOnly() { return false; }
    @Override public boolean isOpen() { return true; }
    @Override public boolean needUpgrade(int newVersion) { return newVersion > getVersion(); }
    @Override public String getPath() { return path; }
    @Override public void setForeignKeyConstraintsEnabled(boolean enabled) {
        throw new IllegalStateException("Foreign key constraints may not be changed while in a transaction");
    }
    @Override public boolean isWriteAheadLoggingEnabled() { return true; }
    @Override public List<Pair<String, String>> getAttachedDbs() {
        List<Pair<String, String>> out = new ArrayList<>();
        Cursor c = run("PRAGMA database_list", null);
        while (c.moveToNext()) out.add(new Pair<>(c.getString(1), c.getString(2)));
        return out;
    }
    @Override public boolean isDatabaseIntegrityOk() {
        Cursor c = run("PRAGMA integrity_check", null);
        return c.moveToFirst() && "ok".equalsIgnoreCase(c.getString(0));
    }
    // Room owns the database; a migration that closes it would fail Room's next step, not this one.
    @Override public void close() { }

}
