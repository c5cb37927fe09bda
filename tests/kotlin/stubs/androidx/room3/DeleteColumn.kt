package androidx.room3

@Repeatable
@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
public annotation class DeleteColumn(
    val tableName: String,
    val columnName: String,
)
