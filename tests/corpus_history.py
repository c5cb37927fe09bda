"""Declarations for the corpus pairs, taken from each app's real history.

Where a rename is evident (same columns under a new name; the apps' own
AutoMigration specs did these renames) it is declared; everything else that
disappeared is a deletion (``--allow-drops``). ``with_fills`` also settles the
NOT NULL decisions with a type-appropriate value, to exercise what Room cannot do.
"""
from __future__ import annotations

from roomschema.migration.declarations import Declarations
from roomschema.schema.model import replace
from roomschema.migration.plan import plan_migration

DISWANTIN = "io.github.evaogbe.diswantin.app.data.DiswantinDatabase"
NIA = "com.google.samples.apps.nowinandroid.core.database.NiaDatabase"
TUSKY = "com.keylesspalace.tusky.db.AppDatabase"
PACHLI = "app.pachli.core.database.AppDatabase"
SIMPLE = "org.simple.clinic.AppDatabase"

# Keyed by the database's full class name (its folder): three apps call theirs AppDatabase.
RENAMES = {
    (DISWANTIN, 7, 8): Declarations(rename_tables={
        "activity": "task", "activity_fts": "task_fts", "activity_path": "task_path"}),
    (DISWANTIN, 9, 10): Declarations(rename_columns={("task", "due_at"): "deadline"}),
    (DISWANTIN, 19, 20): Declarations(rename_tables={"task_list": "task_category"},
                                      rename_columns={("task", "list_id"): "category_id"}),
    (DISWANTIN, 31, 32): Declarations(rename_tables={
        "task_category": "tag", "task_category_fts": "tag_fts"}),
    (NIA, 2, 3): Declarations(rename_columns={("topics", "description"): "shortDescription"}),
    (TUSKY, 58, 60): Declarations(rename_columns={
        ("TimelineStatusEntity", "timelineUserId"): "tuskyAccountId",
        ("TimelineAccountEntity", "timelineUserId"): "tuskyAccountId"}),
    # A new column under a unique index needs a value per row, not one constant:
    # verify proved the constant fill fails on existing rows.
    (DISWANTIN, 34, 35): Declarations(fills={
        ("task_recurrence", "start_date"): "'recurrence-' || rowid"}),
    # pachli's @RenameTable/@RenameColumn specs (AppDatabase.kt). Undeclared, a renamed
    # key column became a new NOT NULL column filled with 0, which names no parent row.
    (PACHLI, 7, 8): Declarations(rename_columns={("DraftEntity", "scheduledAtLong"): "scheduledAt"}),
    (PACHLI, 14, 15): Declarations(rename_tables={"TimelineStatusEntity": "StatusEntity"}),
    (PACHLI, 17, 18): Declarations(rename_columns={("StatusViewDataEntity", "timelineUserId"): "pachliAccountId"}),
    (PACHLI, 19, 20): Declarations(rename_columns={("ConversationEntity", "accountId"): "pachliAccountId"}),
    (PACHLI, 37, 38): Declarations(rename_columns={("DraftEntity", "accountId"): "pachliAccountId"}),
    (PACHLI, 40, 41): Declarations(rename_tables={"AccountEntity": "PachliAccountEntity"}),
    # The spec renames NotificationEntity.timelineUserId too; 42.json already calls it pachliAccountId.
    (PACHLI, 42, 43): Declarations(rename_columns={
        (t, "timelineUserId"): "pachliAccountId"
        for t in ("StatusEntity", "TimelineAccountEntity", "TranslatedStatusEntity")}),
    # simple-android's Migration_10_11 copies id -> uuid and xId -> xUuid.
    (SIMPLE, 10, 11): Declarations(rename_columns={
        ("Appointment", "id"): "uuid", ("Appointment", "patientId"): "patientUuid",
        ("Appointment", "facilityId"): "facilityUuid",
        ("Communication", "id"): "uuid", ("Communication", "appointmentId"): "appointmentUuid",
        ("Communication", "userId"): "userUuid"}),
    # Migration_62 takes both new NOT NULL facility keys from LoggedInUserFacilityMapping,
    # which the same step drops; a plan drops tables before it rebuilds others, so a fill
    # cannot read that table. Any existing facility keeps the keys valid (a constant cannot).
    (SIMPLE, 61, 62): Declarations(fills={
        ("LoggedInUser", c): '(SELECT `uuid` FROM `Facility` ORDER BY rowid LIMIT 1)'
        for c in ("registrationFacilityUuid", "currentFacilityUuid")}),
}


def history_key(old, new) -> tuple:
    return (old.path.parent.name, old.version, new.version)


FILL_BY_AFFINITY = {"INTEGER": "0", "REAL": "0.0", "TEXT": "''", "BLOB": "x''"}


def history_declarations(old, new) -> Declarations:
    base = RENAMES.get(history_key(old, new), Declarations())
    return replace(base, allow_drops=True)


def with_fills(old, new, decl: Declarations, min_sdk: int = 21):
    """The plan after answering every fill decision; None if something else is left."""
    plan = plan_migration(old, new, decl, min_sdk=min_sdk)
    if not plan.decisions:
        return plan
    fills = dict(decl.fills)
    for d in plan.decisions:
        if d.kind not in ("not-null-without-default", "not-null-tightened"):
            return None
        affinity = new.database.entity(d.table).field(d.column).affinity
        fills[(d.table, d.column)] = FILL_BY_AFFINITY[affinity]
    plan = plan_migration(old, new, replace(decl, fills=fills), min_sdk=min_sdk)
    return plan if plan.ok else None


# Pairs where the only fills the schema allows still cannot keep every row:
# verify must fail them, with Room's own message (a hand-written migration
# has to delete or repair rows first, as the app did).
EXPECTED_FAILURES = {
    # authorServerId becomes NOT NULL and joins a composite FK: a filled value has no parent row.
    (TUSKY, 58, 60): "Foreign key violation(s) detected in 'TimelineStatusEntity'.",
    # New foreign keys on tables whose rows had none: MIGRATE_10_11 first deletes the rows
    # whose account is gone, MIGRATE_12_13 does not copy the notifications at all.
    (PACHLI, 10, 11): "Foreign key violation(s) detected in 'DraftEntity'.",
    (PACHLI, 12, 13): "Foreign key violation(s) detected in 'NotificationEntity'.",
}
