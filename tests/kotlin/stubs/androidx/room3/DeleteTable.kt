package androidx.room3

@Repeatable
@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
public annotation class DeleteTable(
    val tableName: String,
)
