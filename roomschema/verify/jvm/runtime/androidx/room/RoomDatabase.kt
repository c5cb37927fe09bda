package androidx.room

import androidx.sqlite.db.SupportSQLiteDatabase

/** The @Database class's supertype, so the class (and the migrations in its companion) compiles. The runner
 * never instantiates it: Room generates the subclass, and a migration gets only the database. */
public abstract class RoomDatabase {
    public abstract class Callback {
        public open fun onCreate(db: SupportSQLiteDatabase) {}
        public open fun onOpen(db: SupportSQLiteDatabase) {}
        public open fun onDestructiveMigration(db: SupportSQLiteDatabase) {}
    }
}
