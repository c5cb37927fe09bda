package roomschema.jvm;

import android.database.Cursor;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A cursor over rows read at once, as a CursorWindow holds them; writes meanwhile do not change it. */
final class MemoryCursor implements Cursor {
    private final String[] columns;
    private final List<Object[]> rows;   // per cell: Long, Double, String, byte[] or null
    private final List<String[]> texts;  // SQLite's text of each cell (what getString returns)
    private int position = -1;
    private boolean closed;

    MemoryCursor(String[] columns, List<Object[]> rows, List<String[]> texts) {
        this.columns = columns;
        this.rows = rows;
        this.texts = texts;
    }

    static MemoryCursor read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] columns = new String[n];
        for (int i = 0; i < n; i++) columns[i] = md.getColumnLabel(i + 1);
        List<Object[]> rows = new ArrayList<>();
        List<String[]> texts = new ArrayList<>();
        while (rs.next()) {
            Object[] row = new Object[n];
            String[] text = new String[n];
            for (int i = 0; i < n; i++) {
                Object v = rs.getObject(i + 1);
                if (v instanceof Integer) v = ((Integer) v).longValue();
                row[i] = v;
                text[i] = v == null ? null : v instanceof byte[] ? null : rs.getString(i + 1);
            }
            rows.add(row);
            texts.add(text);
        }
        return new MemoryCursor(columns, rows, texts);
    }

    static MemoryCursor empty() { return new MemoryCursor(new String[0], new ArrayList<>(), new ArrayList<>()); }

    private Object cell(int column) {
        if (position < 0 || position >= rows.size()) {
            throw new IllegalStateException("Index " + position + " requested, with a size of " + rows.size());
        }
        if (column < 0 || column >= columns.length) {
            throw new IllegalStateException("Couldn't read row " + position + ", col " + column + " from CursorWindow.  "
                    + "Make sure the Cursor is initialized correctly before accessing data from it.");
        }
        return rows.get(position)[column];
    }

    @Override public int getCount() { return rows.size(); }
    @Override public int getPosition() { return position; }
    @Override public boolean move(int offset) { return moveToPosition(position + offset); }
    @Override public boolean moveToPosition(int p) {
        if (p >= rows.size()) { position = rows.size(); return false; }
        if (p < 0) { position = -1; return false; }
        position = p;
        return true;
    }
    @Override public boolean moveToFirst() { return moveToPosition(0); }
    @Override public boolean moveToLast() { return moveToPosition(rows.size() - 1); }
    @Override public boolean moveToNext() { return moveToPosition(position + 1); }
    @Override public boolean moveToPrevious() { return moveToPosition(position - 1); }
    @Override public boolean isFirst() { return position == 0 && !rows.isEmpty(); }
    @Override public boolean isLast() { return !rows.isEmpty() && position == rows.size() - 1; }
    @Override public boolean isBeforeFirst() { return rows.isEmpty() || position == -1; }
    @Override public boolean isAfterLast() { return rows.isEmpty() || position == rows.size(); }
    @Override public int getColumnIndex(String name) {
        int dot = name.lastIndexOf('.');
        String bare = dot >= 0 ? name.substring(dot + 1) : name;
        for (int i = 0; i < columns.length; i++) if (columns[i].equalsIgnoreCase(bare)) return i;
        return -1;
    }
    @Override public int getColumnIndexOrThrow(String name) {
        int i = getColumnIndex(name);
        if (i < 0) throw new IllegalArgumentException("column '" + name + "' does not exist. Available columns: "
                + java.util.Arrays.toString(columns));
        return i;
    }
    @Override public String getColumnName(int i) { return columns[i]; }
    @Override public String[] getColumnNames() { return columns.clone(); }
    @Override public int getColumnCount() { return columns.length; }
    @Override public byte[] getBlob(int i) {
        Object v = cell(i);
        if (v == null || v instanceof byte[]) return (byte[]) v;
        return texts.get(position)[i].getBytes(StandardCharsets.UTF_8);
    }
    @Override public String getString(int i) {
        Object v = cell(i);
        if (v instanceof byte[]) throw new android.database.sqlite.SQLiteException("unable to convert BLOB to string");
        return v == null ? null : texts.get(position)[i];
    }
    @Override public short getShort(int i) { return (short) getLong(i); }
    @Override public int getInt(int i) { return (int) getLong(i); }
    @Override public long getLong(int i) {
        Object v = cell(i);
        if (v == null) return 0;
        if (v instanceof Long) return (Long) v;
        if (v instanceof Double) return (long) (double) (Double) v;
        if (v instanceof byte[]) throw new android.database.sqlite.SQLiteException("unable to convert BLOB to long");
        return (long) leadingNumber((String) v);
    }
    @Override public float getFloat(int i) { return (float) getDouble(i); }
    @Override public double getDouble(int i) {
        Object v = cell(i);
        if (v == null) return 0;
        if (v instanceof Number) return ((Number) v).doubleValue();
        if (v instanceof byte[]) throw new android.database.sqlite.SQLiteException("unable to convert BLOB to double");
        return leadingNumber((String) v);
    }
    @Override public int getType(int i) {
        Object v = cell(i);
        if (v == null) return FIELD_TYPE_NULL;
        if (v instanceof Long) return FIELD_TYPE_INTEGER;
        if (v instanceof Double) return FIELD_TYPE_FLOAT;
        if (v instanceof byte[]) return FIELD_TYPE_BLOB;
        return FIELD_TYPE_STRING;
    }
    @Override public boolean isNull(int i) { return cell(i) == null; }
    @Override public boolean isClosed() { return closed; }
    @Override public void close() { closed = true; }

    /** SQLite's text-to-number conversion: the longest numeric prefix, else 0. */
    static double leadingNumber(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(s);
        return m.find() ? Double.parseDouble(m.group().trim()) : 0;
    }
}
