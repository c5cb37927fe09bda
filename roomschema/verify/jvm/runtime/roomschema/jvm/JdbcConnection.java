package roomschema.jvm;

import androidx.sqlite.SQLiteConnection;
import androidx.sqlite.SQLiteStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** androidx.sqlite's SQLiteConnection over the same JDBC connection. */
final class JdbcConnection implements SQLiteConnection {
    private final JdbcDatabase db;

    JdbcConnection(JdbcDatabase db) { this.db = db; }

    @Override public boolean inTransaction() { return true; }
    @Override public SQLiteStatement prepare(String sql) { return new Stmt(db, sql); }
    @Override public void close() { }

    static final class Stmt implements SQLiteStatement {
        private final JdbcDatabase db;
        private final String sql;
        private final PreparedStatement ps;
        private final Binder binder = new Binder();
        private ResultSet rs;
        private boolean executed;
        private boolean hasRow;

        Stmt(JdbcDatabase db, String sql) {
            this.db = db;
            this.sql = sql;
            this.ps = db.prepare(sql);
        }

        @Override public void bindBlob(int index, byte[] value) { binder.bind(index, value); }
        @Override public void bindDouble(int index, double value) { binder.bind(index, value); }
        @Override public void bindFloat(int index, float value) { binder.bind(index, (double) value); }
        @Override public void bindLong(int index, long value) { binder.bind(index, value); }
        @Override public void bindInt(int index, int value) { binder.bind(index, (long) value); }
        @Override public void bindBoolean(int index, boolean value) { binder.bind(index, value ? 1L : 0L); }
        @Override public void bindText(int index, String value) { binder.bind(index, value); }
        @Override public void bindNull(int index) { binder.bind(index, null); }

        @Override public boolean step() {
            try {
                if (!executed) {
                    executed = true;
                    db.statements++;
                    binder.apply(ps);
                    rs = ps.execute() ? ps.getResultSet() : null;
                }
                hasRow = rs != null && rs.next();
                return hasRow;
            } catch (SQLException err) {
                throw Errors.android(err, sql);
            }
        }

        private void row() {
            if (!hasRow) throw new android.database.sqlite.SQLiteException("no row (code 21 SQLITE_MISUSE)");
        }

        @Override public byte[] getBlob(int index) {
            try { row(); byte[] b = rs.getBytes(index + 1); return b == null ? new byte[0] : b; }
            catch (SQLException err) { throw Errors.android(err, sql); }
        }
        @Override public double getDouble(int index) {
            try { row(); return rs.getDouble(index + 1); } catch (SQLException err) { throw Errors.android(err, sql); }
        }
        @Override public float getFloat(int index) { return (float) getDouble(index); }
        @Override public long getLong(int index) {
            try { row(); return rs.getLong(index + 1); } catch (SQLException err) { throw Errors.android(err, sql); }
        }
        @Override public int getInt(int index) { return (int) getLong(index); }
        @Override public boolean getBoolean(int index) { return getLong(index) != 0L; }
        @Override public String getText(int index) {
            try { row(); String s = rs.getString(index + 1); return s == null ? "" : s; }
            catch (SQLException err) { throw Errors.android(err, sql); }
        }
        @Override public boolean isNull(int index) {
            try { row(); rs.getObject(index + 1); return rs.wasNull(); } catch (SQLException err) { throw Errors.android(err, sql); }
        }
        private ResultSetMetaData meta() throws SQLException { return rs != null ? rs.getMetaData() : ps.getMetaData(); }
        @Override public int getColumnCount() {
            try { ResultSetMetaData md = meta(); return md == null ? 0 : md.getColumnCount(); }
            catch (SQLException err) { throw Errors.android(err, sql); }
        }
        @Override public String getColumnName(int index) {
            try { return meta().getColumnLabel(index + 1); } catch (SQLException err) { throw Errors.android(err, sql); }
        }
        @Override public java.util.List<String> getColumnNames() {
            java.util.List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < getColumnCount(); i++) out.add(getColumnName(i));
            return out;
        }
        @Override public int getColumnType(int index) {
            try {
                row();
                Object v = rs.getObject(index + 1);
                if (v == null) return androidx.sqlite.SQLite.SQLITE_DATA_NULL;
                if (v instanceof Integer || v instanceof Long) return androidx.sqlite.SQLite.SQLITE_DATA_INTEGER;
                if (v instanceof Double || v instanceof Float) return androidx.sqlite.SQLite.SQLITE_DATA_FLOAT;
                if (v instanceof byte[]) return androidx.sqlite.SQLite.SQLITE_DATA_BLOB;
                return androidx.sqlite.SQLite.SQLITE_DATA_TEXT;
            } catch (SQLException err) { throw Errors.android(err, sql); }
        }
        @Override public void reset() {
            try { if (rs != null) rs.close(); } catch (SQLException ignored) { }
            rs = null;
            executed = false;
            hasRow = false;
        }
        @Override public void clearBindings() { binder.clear(); }
        @Override public void close() {
            reset();
            try { ps.close(); } catch (SQLException ignored) { }
        }
    }
}
