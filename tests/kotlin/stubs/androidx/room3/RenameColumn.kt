package androidx.room3

@Repeatable
@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
public annotation class RenameColumn(
    val tableName: String,
    val fromColumnName: String,
    val toColumnName: String,
)
