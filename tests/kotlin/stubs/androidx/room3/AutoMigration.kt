package androidx.room3

import kotlin.reflect.KClass

// `spec` is KClass<*> in Room (not KClass<out AutoMigrationSpec>); Room's processor, not the
// compiler, rejects a class that is not an AutoMigrationSpec.
@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
public annotation class AutoMigration(
    val from: Int,
    val to: Int,
    val spec: KClass<*> = Any::class,
)
