// AVA (Android assistant) Room entities, schema version 1.
//
// Documentation only: this file is not compiled. It is the Kotlin source that
// Room 2.6.1 (kapt or KSP) turns into
//   app/schemas/com.augmentalis.ava.core.data.AVADatabase/1.json
// Field order, column names, nullability, defaults, indices and foreign keys
// here match that export exactly.
package com.augmentalis.ava.core.data

import androidx.room.ColumnInfo
import androidx.room.Database
import androidx.room.Entity
import androidx.room.ForeignKey
import androidx.room.Index
import androidx.room.PrimaryKey
import androidx.room.RoomDatabase
import java.util.UUID

@Entity(
    tableName = "conversations",
    indices = [Index(value = ["updated_at"])],
)
data class ConversationEntity(
    @PrimaryKey val id: String = UUID.randomUUID().toString(),
    @ColumnInfo(name = "title") val title: String,
    @ColumnInfo(name = "created_at") val createdAt: Long,
    @ColumnInfo(name = "updated_at") val updatedAt: Long,
    @ColumnInfo(name = "message_count", defaultValue = "0") val messageCount: Int = 0,
    @ColumnInfo(name = "is_archived", defaultValue = "0") val isArchived: Boolean = false,
    /** Free-form JSON. */
    @ColumnInfo(name = "metadata") val metadata: String? = null,
)

@Entity(
    tableName = "messages",
    foreignKeys = [
        ForeignKey(
            entity = ConversationEntity::class,
            parentColumns = ["id"],
            childColumns = ["conversation_id"],
            onDelete = ForeignKey.CASCADE,
        ),
    ],
    // Default name: index_messages_conversation_id_timestamp. It also covers the FK column.
    indices = [Index(value = ["conversation_id", "timestamp"])],
)
data class MessageEntity(
    @PrimaryKey val id: String = UUID.randomUUID().toString(),
    @ColumnInfo(name = "conversation_id") val conversationId: String,
    /** "user", "assistant" or "system". */
    @ColumnInfo(name = "role") val role: String,
    @ColumnInfo(name = "content") val content: String,
    @ColumnInfo(name = "timestamp") val timestamp: Long,
    @ColumnInfo(name = "intent") val intent: String? = null,
    @ColumnInfo(name = "confidence") val confidence: Float? = null,
    @ColumnInfo(name = "metadata") val metadata: String? = null,
)

@Entity(
    tableName = "train_examples",
    indices = [
        Index(value = ["example_hash"], unique = true),
        Index(value = ["intent"]),
    ],
)
data class TrainExampleEntity(
    @PrimaryKey(autoGenerate = true) val id: Long = 0,
    @ColumnInfo(name = "example_hash") val exampleHash: String,
    @ColumnInfo(name = "utterance") val utterance: String,
    @ColumnInfo(name = "intent") val intent: String,
    @ColumnInfo(name = "locale", defaultValue = "'en-US'") val locale: String = "en-US",
    @ColumnInfo(name = "source") val source: String,
    @ColumnInfo(name = "created_at") val createdAt: Long,
    @ColumnInfo(name = "usage_count", defaultValue = "0") val usageCount: Int = 0,
    @ColumnInfo(name = "last_used") val lastUsed: Long? = null,
)

// No foreign key on purpose: decisions outlive the conversation they came from.
@Entity(
    tableName = "decisions",
    indices = [
        Index(value = ["conversation_id"]),
        Index(value = ["timestamp"]),
    ],
)
data class DecisionEntity(
    @PrimaryKey val id: String = UUID.randomUUID().toString(),
    @ColumnInfo(name = "conversation_id") val conversationId: String,
    @ColumnInfo(name = "decision_type") val decisionType: String,
    @ColumnInfo(name = "input_data") val inputData: String,
    @ColumnInfo(name = "output_data") val outputData: String,
    @ColumnInfo(name = "confidence") val confidence: Float,
    @ColumnInfo(name = "timestamp") val timestamp: Long,
    @ColumnInfo(name = "reasoning") val reasoning: String? = null,
)

@Entity(
    tableName = "learning",
    foreignKeys = [
        ForeignKey(
            entity = DecisionEntity::class,
            parentColumns = ["id"],
            childColumns = ["decision_id"],
            onDelete = ForeignKey.CASCADE,
        ),
    ],
    // Without this index Room warns that decision_id is not indexed.
    indices = [Index(value = ["decision_id"])],
)
data class LearningEntity(
    @PrimaryKey val id: String = UUID.randomUUID().toString(),
    @ColumnInfo(name = "decision_id") val decisionId: String,
    @ColumnInfo(name = "feedback_type") val feedbackType: String,
    @ColumnInfo(name = "user_correction") val userCorrection: String? = null,
    @ColumnInfo(name = "timestamp") val timestamp: Long,
    @ColumnInfo(name = "outcome") val outcome: String,
)

@Entity(
    tableName = "memory",
    indices = [
        Index(value = ["importance"]),
        Index(value = ["access_count"]),
        Index(value = ["memory_type"]),
    ],
)
data class MemoryEntity(
    @PrimaryKey val id: String = UUID.randomUUID().toString(),
    @ColumnInfo(name = "memory_type") val memoryType: String,
    @ColumnInfo(name = "content") val content: String,
    @ColumnInfo(name = "embedding") val embedding: ByteArray? = null,
    @ColumnInfo(name = "importance") val importance: Float,
    @ColumnInfo(name = "created_at") val createdAt: Long,
    @ColumnInfo(name = "last_accessed") val lastAccessed: Long,
    @ColumnInfo(name = "access_count", defaultValue = "0") val accessCount: Int = 0,
    @ColumnInfo(name = "metadata") val metadata: String? = null,
)

@Database(
    entities = [
        ConversationEntity::class,
        MessageEntity::class,
        TrainExampleEntity::class,
        DecisionEntity::class,
        LearningEntity::class,
        MemoryEntity::class,
    ],
    version = 1,
    exportSchema = true,
)
abstract class AVADatabase : RoomDatabase()
