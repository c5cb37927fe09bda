package androidx.sqlite

// On Android the expect class is this typealias, so `throw SQLiteException(msg)` builds an
// android.database.SQLException.
public typealias SQLiteException = android.database.SQLException
