"""roomschema: read, diff, generate and verify Android Room schema exports.

The library API mirrors the command line and its pipeline,
load -> diff -> plan -> render -> verify::

    import roomschema
    old = roomschema.load("app/schemas/com.example.AppDatabase/1.json")
    new = roomschema.load("app/schemas/com.example.AppDatabase/2.json")
    changes = roomschema.diff(old, new)
    plan = roomschema.plan_migration(old, new)
    print(roomschema.migration_sql(plan))

The names below are the stable API. They are plain functions and classes
imported from the stage packages, and none of them shares its name with a
module of this package, so importing a submodule never replaces one of them.
Heavy libraries (Jinja, jsonschema, deepdiff) load only when a function that
needs them runs.
"""
from roomschema._version import __version__

from roomschema.errors import DecisionRequired, RoomSchemaError, SchemaFileError
from roomschema.migration.changes import Change, ChangeKind, Diff, Risk, diff
from roomschema.migration.declarations import Declarations
from roomschema.migration.plan import Plan, plan_migration
from roomschema.migration.steps import Step
from roomschema.render.code import auto_spec_kotlin, migration_kotlin, migration_sql, migration_test_kotlin
from roomschema.schema import compose
from roomschema.schema.discovery import load_history as load_dir
from roomschema.schema.identity import identity_hash, legacy_identity_hash
from roomschema.schema.loader import load, loads, parse
from roomschema.schema.model import (Database, Entity, Field, ForeignKey, FtsEntity, FtsOptions, Index,
                                     PrimaryKey, Schema, View)
from roomschema.schema.writer import dumps
from roomschema.verify import verify_migration

__all__ = [
    # load
    "load", "loads", "parse", "load_dir", "dumps", "identity_hash", "legacy_identity_hash", "compose",
    "Schema", "Database", "Entity", "FtsEntity", "Field", "PrimaryKey", "Index", "ForeignKey", "FtsOptions", "View",
    # diff and plan
    "diff", "Diff", "Change", "ChangeKind", "Risk", "Declarations", "plan_migration", "Plan", "Step",
    # render
    "migration_sql", "migration_kotlin", "auto_spec_kotlin", "migration_test_kotlin",
    # verify
    "verify_migration",
    # errors
    "RoomSchemaError", "SchemaFileError", "DecisionRequired",
]
