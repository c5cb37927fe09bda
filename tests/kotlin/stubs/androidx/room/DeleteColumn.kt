package androidx.room

@Repeatable
@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
public annotation class DeleteColumn(
    val tableName: String,
    val columnName: String,
)
