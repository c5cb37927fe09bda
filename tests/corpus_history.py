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

RENAMES = {
    ("DiswantinDatabase", 7, 8): Declarations(rename_tables={
        "activity": "task", "activity_fts": "task_fts", "activity_path": "task_path"}),
    ("DiswantinDatabase", 9, 10): Declarations(rename_columns={("task", "due_at"): "deadline"}),
    ("DiswantinDatabase", 19, 20): Declarations(rename_tables={"task_list": "task_category"},
                                                rename_columns={("task", "list_id"): "category_id"}),
    ("DiswantinDatabase", 31, 32): Declarations(rename_tables={
        "task_category": "tag", "task_category_fts": "tag_fts"}),
    ("NiaDatabase", 2, 3): Declarations(rename_columns={("topics", "description"): "shortDescription"}),
    ("AppDatabase", 58, 60): Declarations(rename_columns={
        ("TimelineStatusEntity", "timelineUserId"): "tuskyAccountId",
        ("TimelineAccountEntity", "timelineUserId"): "tuskyAccountId"}),
    # A new column under a unique index needs a value per row, not one constant:
    # verify proved the constant fill fails on existing rows.
    ("DiswantinDatabase", 34, 35): Declarations(fills={
        ("task_recurrence", "start_date"): "'recurrence-' || rowid"}),
}

FILL_BY_AFFINITY = {"INTEGER": "0", "REAL": "0.0", "TEXT": "''", "BLOB": "x''"}


def history_declarations(old, new) -> Declarations:
    db = old.path.parent.name.rsplit(".", 1)[-1]
    base = RENAMES.get((db, old.version, new.version), Declarations())
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
    ("AppDatabase", 58, 60): "Foreign key violation(s) detected in 'TimelineStatusEntity'.",
}
