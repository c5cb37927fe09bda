@file:JvmName("ContentValuesKt")

package androidx.core.content

import android.content.ContentValues

public fun contentValuesOf(vararg pairs: Pair<String, Any?>): ContentValues = ContentValues(pairs.size).apply {
    for ((key, value) in pairs) {
        when (value) {
            null -> putNull(key)
            is String -> put(key, value)
            is Int -> put(key, value)
            is Long -> put(key, value)
            is Boolean -> put(key, value)
            is Float -> put(key, value)
            is Double -> put(key, value)
            is ByteArray -> put(key, value)
            is Byte -> put(key, value)
            is Short -> put(key, value)
            else -> throw IllegalArgumentException("Illegal value type ${value.javaClass.canonicalName} for key \"$key\"")
        }
    }
}
