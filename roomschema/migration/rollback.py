"""The plan between two versions in either direction, and what a rollback cannot bring back.

A rollback (a downgrade, from a newer version to an older one) drops what only the newer
version has: that loss is the point of the downgrade, so it is planned without asking and
listed instead (``lost_on_rollback``), where an upgrade would stop for a declaration.
"""
from __future__ import annotations

from dataclasses import replace

from roomschema.migration.declarations import Declarations
from roomschema.migration.plan import Plan, plan_migration


def plan_either_way(old, new, declarations: Declarations, *, min_sdk: int) -> Plan:
    """``plan_migration(old, new)``; when ``new`` is older than ``old``, every drop is allowed."""
    if new.version < old.version:
        declarations = replace(declarations, allow_drops=True)
    return plan_migration(old, new, declarations, min_sdk=min_sdk)


def lost_on_rollback(plan: Plan) -> list[str]:
    """``table T`` and ``column T.C`` for everything the plan drops."""
    lost = [f"table {t}" for t in plan.deleted_tables]
    lost += [f"column {t}.{c}" for t, c in plan.deleted_columns]
    return lost
