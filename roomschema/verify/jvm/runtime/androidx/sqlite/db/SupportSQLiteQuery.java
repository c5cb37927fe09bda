package androidx.sqlite.db;

public interface SupportSQLiteQuery {
    String getSql();
    void bindTo(SupportSQLiteProgram statement);
    default int getArgCount() { return -1; }
}
