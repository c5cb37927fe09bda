"""What the corpus apps' hand-written migrations do on purpose, declared as each app's team would
declare it in its roomschema.toml, with the line of the migration that says so.

These are data changes a migration makes deliberately (a cache cleared, a value mapped, a join
table backfilled), and what an app guarantees of its data that the schema does not enforce (a
column whose values are always another table's keys): verify cannot know either, fails without the declaration and names it;
with it, counts the change and still checks everything else. Each entry was read off the
migration's source, not off roomschema's suggestion, and the corpus tests assert both halves:
the migration fails without its declaration, and verifies with it.

``APP_BUGS`` are migrations that fail on every device, with why; the tests assert they fail.
"""
from __future__ import annotations

from roomschema.migration.declarations import Declarations

TUSKY, SIMPLE, DISWANTIN = "tuskyapp/Tusky", "simpledotorg/simple-android", "evaogbe/diswantin-android"
NEXTCLOUD, PACHLI = "nextcloud/android", "pachli/pachli-android"


def _rows_removed(*tables: str) -> Declarations:
    return Declarations(expect_rows_removed=tables)


def _values_changed(*columns: str) -> Declarations:
    return Declarations(expect_values_changed=tuple(tuple(c.rsplit(".", 1)) for c in columns))


# simple-android's medical history answers, which two migrations map value by value (a loop over the names).
_ANSWERS = tuple(f"MedicalHistory.{c}" for c in ("diagnosedWithHypertension", "isOnTreatmentForHypertension",
                                                 "hasHadHeartAttack", "hasHadStroke", "hasHadKidneyDisease",
                                                 "hasDiabetes"))

DECLARED: dict[tuple[str, int, int], tuple[Declarations, str]] = {
    # Tusky: "they are only caches anyway" (AppDatabase.java), so the timeline caches are cleared.
    (TUSKY, 12, 13): (_rows_removed("TimelineAccountEntity", "TimelineStatusEntity"),
                      "drops and recreates the timeline cache tables"),
    (TUSKY, 27, 28): (_rows_removed("TimelineAccountEntity", "TimelineStatusEntity"),
                      "drops and recreates the timeline cache tables"),
    (TUSKY, 30, 31): (_rows_removed("TimelineAccountEntity", "TimelineStatusEntity"),
                      "'placeholder ids are now used differently so the cache needs to be cleared'"),
    (TUSKY, 32, 33): (_rows_removed("ConversationEntity"),
                      "'it is just a cache table, we recreate the whole table'"),
    (TUSKY, 37, 38): (_rows_removed("ConversationEntity", "TimelineStatusEntity"),
                      "'timestamps are now serialized differently so all cache tables ... need to be cleaned'"),
    (TUSKY, 58, 60): (_rows_removed("TimelineAccountEntity", "TimelineStatusEntity"),
                      "'drop the old tables - they are only caches anyway'"),
    # simple-android: value mappings and backfills, each an UPDATE or a SELECT written for it.
    # A user's facility is one the app synced: the mapping table's new foreign key relies on it.
    (SIMPLE, 6, 7): (Declarations(assume_references=((("LoggedInUser", "facilityUuid"), ("Facility", "uuid")),)),
                     "copies LoggedInUser.facilityUuid into LoggedInUserFacilityMapping, whose foreign key to "
                     "Facility its PRAGMA foreign_key_check then checks"),
    (SIMPLE, 12, 13): (_values_changed("Appointment.cancelReason"),
                       "copies statusReason into cancelReason, then sets 'NOT_CALLED_YET' to NULL"),
    (SIMPLE, 19, 20): (_values_changed(*_ANSWERS), "maps every answer's booleans '1'/'0' to 'YES'/'NO'"),
    (SIMPLE, 20, 21): (_values_changed("Appointment.cancelReason"),
                       "maps the enum names ('MOVED') to their API values ('moved')"),
    (SIMPLE, 33, 34): (_values_changed("Appointment.appointmentType"), "sets every appointment's type to 'manual'"),
    (SIMPLE, 36, 37): (_values_changed("LoggedInUser.status"), "maps the status enum with CASE"),
    (SIMPLE, 37, 38): (_values_changed("Appointment.status"), "maps the status enum with CASE"),
    (SIMPLE, 38, 39): (_values_changed("Patient.status"), "maps the status enum with CASE"),
    (SIMPLE, 39, 40): (_values_changed(*_ANSWERS), "maps every answer's enum with CASE"),
    (SIMPLE, 40, 41): (_values_changed("Patient.gender"), "maps the gender enum with CASE"),
    (SIMPLE, 41, 42): (_values_changed("PatientPhoneNumber.phoneType"), "maps the phone type enum with CASE"),
    (SIMPLE, 43, 44): (_rows_removed("OngoingLoginEntry"),
                       "rebuilds the ongoing login from the logged-in user waiting for an OTP"),
    (SIMPLE, 55, 56): (_values_changed("Appointment.creationFacilityUuid"),
                       "backfills the new creationFacilityUuid from facilityUuid"),
    (SIMPLE, 58, 59): (_values_changed("Patient.syncStatus"),
                       "marks the patients with an address zone PENDING so they sync again"),
    (SIMPLE, 61, 62): (_rows_removed("LoggedInUser"),
                       "keeps the user with a current facility (JOIN ... WHERE isCurrentFacility = 1)"),
    (SIMPLE, 64, 65): (_values_changed("Facility.config_teleconsultationEnabled"),
                       "backfills the new flag with 0"),
    (SIMPLE, 80, 81): (_values_changed("Facility.syncGroup"), "resets syncGroup to '' in the rebuild"),
    (SIMPLE, 82, 83): (_values_changed("TeleconsultRecord.request_requesterCompletionStatus"),
                       "backfills the new status in the rebuild"),
    (SIMPLE, 108, 109): (_rows_removed("QuestionnaireResponse"), "drops and recreates the responses table"),
    (SIMPLE, 109, 110): (_values_changed("Facility.config_monthlyScreeningReportsEnabled"),
                         "backfills the new flag with 0"),
    # diswantin: every task's category becomes a tag (INSERT INTO task_tag ... SELECT ... FROM task).
    (DISWANTIN, 32, 33): (Declarations(expect_rows_added=("task_tag",)), "backfills task_tag from task.category_id"),
    # diswantin's runtime-valued migrations, which the JVM decides (the static replay cannot read them).
    (DISWANTIN, 11, 12): (Declarations(expect_rows_added=("task_list",), expect_values_changed=(("task", "list_id"),)),
                          "puts each chain of tasks into a new task_list row 'List N' (db.insert)"),
    (DISWANTIN, 17, 18): (_values_changed("task.deadline_date", "task.deadline_time"),
                          "splits deadline into a date and a time in the device's zone (a cursor loop)"),
    (DISWANTIN, 20, 21): (_values_changed("task.scheduled_date", "task.scheduled_time"),
                          "fills the new scheduled_date and scheduled_time from scheduled_at (a cursor loop)"),
    (DISWANTIN, 35, 36): (_values_changed("task.updated_at", "tag.created_at", "tag.updated_at"),
                          "sets updated_at from created_at, and the tags' new timestamps to now (Instant.now())"),
    # nextcloud: the capabilities cache is refetched.
    (NEXTCLOUD, 97, 98): (_values_changed("capabilities.etag"), "resets etag so capabilities are fetched again"),
    (NEXTCLOUD, 99, 100): (_rows_removed("capabilities"), "drops and recreates the capabilities cache"),
    # pachli: "Delete the data that would break the FK relationship", and caches recreated.
    (PACHLI, 10, 11): (_rows_removed("DraftEntity", "TimelineAccountEntity", "ConversationEntity", "RemoteKeyEntity",
                                     "StatusViewDataEntity", "FollowingAccountEntity"),
                       "deletes rows whose account is gone before adding the foreign keys"),
    (PACHLI, 12, 13): (_rows_removed("NotificationEntity"), "recreates the notification cache"),
    (PACHLI, 22, 23): (_rows_removed("InstanceInfoEntity"), "recreates the instance info cache"),
}

APP_BUGS: dict[tuple[str, int, int], tuple[str, str]] = {
    # (what verify's failure says, why it is the app's bug)
    (SIMPLE, 95, 96): ("Cannot add a NOT NULL column with default value NULL",
                       "ALTER TABLE CallResult ADD COLUMN syncStatus TEXT NOT NULL with no default: SQLite refuses "
                       "it on every device whose table has a row"),
    (PACHLI, 10, 11): ("TimelineStatusEntity: ", "deletes the TimelineAccountEntity rows of accounts that are gone but not "
                      "the TimelineStatusEntity rows whose author they are: those statuses point at no account row "
                      "(22-23's comment says statuses breaking that reference had to be removed later)"),
    (DISWANTIN, 32, 33): ("UNIQUE constraint failed: task_tag.task_id, task_tag.tag_id",
                          "copies every task's category into task_tag with a plain INSERT ... SELECT: where a task "
                          "already carries that tag, the unique (task_id, tag_id) index refuses the row and the "
                          "whole migration fails; INSERT OR IGNORE would not"),
    (PACHLI, 12, 13): ("rows point at missing NotificationEntity rows",
                       "drops NotificationEntity with foreign keys off, as Room migrates, so its ON DELETE CASCADE "
                       "never runs: NotificationReportEntity and NotificationRelationshipSeveranceEventEntity keep "
                       "rows that point at no notification (a DELETE FROM NotificationEntity first would cascade)"),
}


def declared(repo: str, start: int, end: int) -> Declarations:
    entry = DECLARED.get((repo, start, end))
    return entry[0] if entry else Declarations()
