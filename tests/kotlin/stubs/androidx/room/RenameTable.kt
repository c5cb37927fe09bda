package androidx.room

@Repeatable
@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
public annotation class RenameTable(
    val fromTableName: String,
    val toTableName: String,
)
