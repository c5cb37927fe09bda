package androidx.sqlite.db;

public final class SimpleSQLiteQuery implements SupportSQLiteQuery {
    private final String query;
    private final Object[] bindArgs;

    public SimpleSQLiteQuery(String query, Object[] bindArgs) { this.query = query; this.bindArgs = bindArgs; }
    public SimpleSQLiteQuery(String query) { this(query, null); }

    @Override public String getSql() { return query; }
    @Override public int getArgCount() { return bindArgs == null ? 0 : bindArgs.length; }
    @Override public void bindTo(SupportSQLiteProgram statement) { bind(statement, bindArgs); }

    /** DatabaseUtils.bindObjectToProgram's rules, as FrameworkSQLiteDatabase uses them. */
    public static void bind(SupportSQLiteProgram statement, Object[] bindArgs) {
        if (bindArgs == null) return;
        for (int i = 0; i < bindArgs.length; i++) {
            Object arg = bindArgs[i];
            int index = i + 1;
            if (arg == null) statement.bindNull(index);
            else if (arg instanceof byte[]) statement.bindBlob(index, (byte[]) arg);
            else if (arg instanceof Float || arg instanceof Double) statement.bindDouble(index, ((Number) arg).doubleValue());
            else if (arg instanceof Number) statement.bindLong(index, ((Number) arg).longValue());
            else if (arg instanceof Boolean) statement.bindLong(index, ((Boolean) arg) ? 1 : 0);
            else if (arg instanceof String) statement.bindString(index, (String) arg);
            else throw new IllegalArgumentException("Cannot bind " + arg + " at index " + index
                    + " Supported types: Null, ByteArray, Float, Double, Long, Int, Short, Byte, String");
        }
    }
}
