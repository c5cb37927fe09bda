package androidx.sqlite.db;

import java.io.Closeable;

public interface SupportSQLiteProgram extends Closeable {
    void bindNull(int index);
    void bindLong(int index, long value);
    void bindDouble(int index, double value);
    void bindString(int index, String value);
    void bindBlob(int index, byte[] value);
    void clearBindings();
    void close();
}
