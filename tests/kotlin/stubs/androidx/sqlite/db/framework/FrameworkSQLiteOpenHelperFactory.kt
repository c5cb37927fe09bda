package androidx.sqlite.db.framework

import androidx.sqlite.db.SupportSQLiteOpenHelper

public class FrameworkSQLiteOpenHelperFactory : SupportSQLiteOpenHelper.Factory {
    override fun create(configuration: Any): SupportSQLiteOpenHelper = TODO()
}
