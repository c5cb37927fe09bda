package androidx.room3

@Repeatable
@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
public annotation class RenameTable(
    val fromTableName: String,
    val toTableName: String,
)
