package androidx.room

import kotlin.reflect.KClass

// Room's annotations with Room's parameters, so the @Database class, its AutoMigrationSpecs and the
// entities beside a migration compile as written. Nothing reads them: the runner only runs migrate().

@Target(AnnotationTarget.CLASS)
public annotation class Database(
    val entities: Array<KClass<*>> = [],
    val views: Array<KClass<*>> = [],
    val version: Int,
    val exportSchema: Boolean = true,
    val autoMigrations: Array<AutoMigration> = [],
)

public annotation class AutoMigration(val from: Int, val to: Int, val spec: KClass<*> = Any::class)

@Repeatable
public annotation class RenameColumn(val tableName: String, val fromColumnName: String, val toColumnName: String) {
    public annotation class Entries(vararg val value: RenameColumn)
}

@Repeatable
public annotation class DeleteColumn(val tableName: String, val columnName: String) {
    public annotation class Entries(vararg val value: DeleteColumn)
}

@Repeatable
public annotation class RenameTable(val fromTableName: String, val toTableName: String) {
    public annotation class Entries(vararg val value: RenameTable)
}

@Repeatable
public annotation class DeleteTable(val tableName: String) {
    public annotation class Entries(vararg val value: DeleteTable)
}

public annotation class TypeConverters(vararg val value: KClass<*> = [])

public annotation class TypeConverter

public annotation class Entity(
    val tableName: String = "",
    val indices: Array<Index> = [],
    val inheritSuperIndices: Boolean = false,
    val primaryKeys: Array<String> = [],
    val foreignKeys: Array<ForeignKey> = [],
    val ignoredColumns: Array<String> = [],
)

public annotation class Index(
    vararg val value: String,
    val orders: Array<Order> = [],
    val name: String = "",
    val unique: Boolean = false,
) {
    public enum class Order { ASC, DESC }
}

public annotation class ForeignKey(
    val entity: KClass<*>,
    val parentColumns: Array<String> = [],
    val childColumns: Array<String> = [],
    val onDelete: Int = NO_ACTION,
    val onUpdate: Int = NO_ACTION,
    val deferred: Boolean = false,
) {
    public annotation class Action

    public companion object {
        public const val NO_ACTION: Int = 1
        public const val RESTRICT: Int = 2
        public const val SET_NULL: Int = 3
        public const val SET_DEFAULT: Int = 4
        public const val CASCADE: Int = 5
    }
}

public annotation class PrimaryKey(val autoGenerate: Boolean = false)

public annotation class ColumnInfo(
    val name: String = INHERIT_FIELD_NAME,
    val typeAffinity: Int = UNDEFINED,
    val index: Boolean = false,
    val collate: Int = UNSPECIFIED,
    val defaultValue: String = VALUE_UNSPECIFIED,
) {
    public companion object {
        public const val INHERIT_FIELD_NAME: String = "[field-name]"
        public const val UNDEFINED: Int = 1
        public const val TEXT: Int = 2
        public const val INTEGER: Int = 3
        public const val REAL: Int = 4
        public const val BLOB: Int = 5
        public const val UNSPECIFIED: Int = 1
        public const val BINARY: Int = 2
        public const val NOCASE: Int = 3
        public const val RTRIM: Int = 4
        public const val LOCALIZED: Int = 5
        public const val UNICODE: Int = 6
        public const val VALUE_UNSPECIFIED: String = "[value-unspecified]"
    }
}

public annotation class Embedded(val prefix: String = "")

public annotation class Ignore

public annotation class Relation(
    val entity: KClass<*> = Any::class,
    val parentColumn: String,
    val entityColumn: String,
    val projection: Array<String> = [],
)

public annotation class DatabaseView(val value: String = "", val viewName: String = "")

public annotation class Fts4(
    val contentEntity: KClass<*> = Any::class,
    val notIndexed: Array<String> = [],
)

public annotation class Dao

public annotation class Query(val value: String)

public annotation class RawQuery(val observedEntities: Array<KClass<*>> = [])

public annotation class Insert(val entity: KClass<*> = Any::class, val onConflict: Int = OnConflictStrategy.ABORT)

public annotation class Update(val entity: KClass<*> = Any::class, val onConflict: Int = OnConflictStrategy.ABORT)

public annotation class Upsert(val entity: KClass<*> = Any::class)

public annotation class Delete(val entity: KClass<*> = Any::class)

public annotation class Transaction

public object OnConflictStrategy {
    public const val NONE: Int = 0
    public const val REPLACE: Int = 1
    public const val ROLLBACK: Int = 2
    public const val ABORT: Int = 3
    public const val FAIL: Int = 4
    public const val IGNORE: Int = 5
}
