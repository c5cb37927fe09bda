package android.provider;

/** The column names a ContentProvider contract class (often holding an app's table and column constants) inherits. */
public interface BaseColumns {
    String _ID = "_id";
    String _COUNT = "_count";
}
