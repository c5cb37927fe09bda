package android.database.sqlite;

/** Only the constants migrations pass to SupportSQLiteDatabase.insert/update. */
public final class SQLiteDatabase {
    public static final int CONFLICT_NONE = 0;
    public static final int CONFLICT_ROLLBACK = 1;
    public static final int CONFLICT_ABORT = 2;
    public static final int CONFLICT_FAIL = 3;
    public static final int CONFLICT_IGNORE = 4;
    public static final int CONFLICT_REPLACE = 5;

    private SQLiteDatabase() {}
}
