@file:JvmName("CursorKt")

package androidx.core.database

import android.database.Cursor

public inline fun Cursor.getBlobOrNull(index: Int): ByteArray? = if (isNull(index)) null else getBlob(index)
public inline fun Cursor.getDoubleOrNull(index: Int): Double? = if (isNull(index)) null else getDouble(index)
public inline fun Cursor.getFloatOrNull(index: Int): Float? = if (isNull(index)) null else getFloat(index)
public inline fun Cursor.getIntOrNull(index: Int): Int? = if (isNull(index)) null else getInt(index)
public inline fun Cursor.getLongOrNull(index: Int): Long? = if (isNull(index)) null else getLong(index)
public inline fun Cursor.getShortOrNull(index: Int): Short? = if (isNull(index)) null else getShort(index)
public inline fun Cursor.getStringOrNull(index: Int): String? = if (isNull(index)) null else getString(index)
