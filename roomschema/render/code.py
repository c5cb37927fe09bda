"""Plans -> SQL and Kotlin text (the render stage of load -> diff -> plan -> render)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from roomschema.config import KOTLIN_APIS, TEST_KINDS, check_package
from roomschema.errors import RoomSchemaError
from roomschema.migration.changes import COUNT_ORDER, Diff
from roomschema.migration.plan import Plan
from roomschema.render.environment import default_package, render, simple_name
from roomschema.schema.discovery import schemas_root
from roomschema.schema.model import Entity, Schema
from roomschema.schema.sql import quote

FK_FUNCTION = "foreignKeyCheck"


def _check_api(api: str) -> str:
    if api not in KOTLIN_APIS:
        raise RoomSchemaError(f"expected {', '.join(KOTLIN_APIS[:-1])} or {KOTLIN_APIS[-1]}, got {api!r}",
                              path="--kotlin-api")
    return api


def room_package(api: str) -> str:
    """Where Room's classes live for ``api``: Room 3 renamed the package."""
    return "androidx.room3" if _check_api(api) == "room3" else "androidx.room"


def database_name(schema: Schema) -> Optional[str]:
    """The @Database class name, which Room uses as the schema folder name."""
    path = getattr(schema, "path", None)
    return path.parent.name if path is not None and path.parent.name else None


def migration_name(old: int, new: int) -> str:
    return f"MIGRATION_{old}_{new}"


def _counts(diff: Diff) -> str:
    return ", ".join(f"{n} {risk}" for risk in COUNT_ORDER if (n := diff.count(risk)))


def _context(plan: Plan) -> dict[str, Any]:
    return dict(old=plan.old.version, new=plan.new.version, database=database_name(plan.new) or "database",
                changes=plan.diff.changes, counts=_counts(plan.diff), steps=plan.steps, deviations=plan.deviations)


def _require_ok(plan: Plan) -> None:
    if plan.decisions:
        raise ValueError("plan needs decisions before it can be rendered")


def migration_sql(plan: Plan) -> str:
    _require_ok(plan)
    return render("migration.sql.j2", **_context(plan))


def migration_kotlin(plan: Plan, package: Optional[str] = None, api: str = "support") -> str:
    _require_ok(plan)
    _check_api(api)
    package = check_package(package or default_package(database_name(plan.new)))
    return render("Migration.kt.j2", package=package, api=api,
                  name=migration_name(plan.old.version, plan.new.version), fk_function=FK_FUNCTION,
                  uses_fk_check=any(s.is_foreign_key_check for s in plan.steps), **_context(plan))


def all_migrations_kotlin(pairs, package: str, database: Optional[str], api: str = "support") -> str:
    return render("Migrations.kt.j2", package=check_package(package), database=database or "database",
                  migrations=[migration_name(a, b) for a, b in pairs], room=room_package(api))


def auto_migration_expressible(plan: Plan) -> bool:
    """Room's AutoMigration would produce the same plan with these annotations."""
    return plan.room_exact and not plan.declarations.fills and plan.new.version > plan.old.version


def auto_spec_kotlin(plan: Plan, package: Optional[str] = None, api: str = "support") -> str:
    if not auto_migration_expressible(plan):
        raise ValueError("not expressible as a Room AutoMigration")
    db = database_name(plan.new)
    decl = plan.declarations
    rename_columns = sorted((t, o, n) for (t, o), n in decl.rename_columns.items())
    needs_spec = bool(plan.deleted_tables or decl.rename_tables or plan.deleted_columns or rename_columns)
    return render("AutoMigrationSpec.kt.j2", package=check_package(package or default_package(db)),
                  old=plan.old.version, new=plan.new.version, database=db or "database",
                  spec_name=f"{simple_name(db)}AutoMigration{plan.old.version}To{plan.new.version}Spec",
                  auto_name=f"AUTO_MIGRATION_{plan.old.version}_{plan.new.version}",
                  needs_spec=needs_spec, delete_tables=list(plan.deleted_tables),
                  rename_tables=sorted(decl.rename_tables.items()),
                  delete_columns=list(plan.deleted_columns), rename_columns=rename_columns,
                  room=room_package(api))


# One sample value per affinity; equal values make every foreign key point at
# the parent's single row when keys share an affinity.
_SAMPLE = {"INTEGER": "1", "REAL": "1.5", "TEXT": "'sample'", "BLOB": "x'01'"}


def _sample_insert(e: Entity) -> str:
    cols = [f for f in e.fields]
    values = [_SAMPLE.get(f.affinity, "'sample'") for f in cols]
    return (f"INSERT INTO {quote(e.table_name)} ({', '.join(quote(f.column_name) for f in cols)}) "
            f"VALUES ({', '.join(values)})")


def _default_check(table: str, column: str, default: Optional[str]) -> Optional[dict]:
    label = f"{table}.{column}"
    if default is None or default.upper() == "NULL":
        return {"table": table, "column": column, "kind": "null", "value": None, "label": label}
    text = default.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return {"table": table, "column": column, "kind": "long", "value": int(text), "label": label}
    if re.fullmatch(r"'([^']|'')*'", text):
        return {"table": table, "column": column, "kind": "text", "value": text[1:-1].replace("''", "'"),
                "label": label}
    return None


def _parents_first(entities) -> list:
    by_name = {e.table_name: e for e in entities}
    done, out = set(), []

    def visit(e, seen):
        if e.table_name in done or e.table_name in seen:
            return
        for fk in e.foreign_keys:
            parent = by_name.get(fk.table)
            if parent is not None and parent is not e:
                visit(parent, seen | {e.table_name})
        done.add(e.table_name)
        out.append(e)

    for e in entities:
        visit(e, set())
    return out


def _test_imports(kind: str, api: str, database: str, bundled: bool, suspend: bool) -> list:
    names = [f"{room_package(api)}.testing.MigrationTestHelper", "androidx.sqlite.execSQL"]
    if kind == "android":
        names += ["androidx.sqlite.driver.bundled.BundledSQLiteDriver" if bundled
                  else "androidx.sqlite.driver.AndroidSQLiteDriver",
                  "androidx.test.ext.junit.runners.AndroidJUnit4",
                  "androidx.test.platform.app.InstrumentationRegistry", "org.junit.Before",
                  "org.junit.runner.RunWith"]
    if kind == "jvm":
        names += ["androidx.sqlite.driver.bundled.BundledSQLiteDriver", "kotlin.io.path.Path",
                  "kotlin.io.path.createTempFile"]
    if kind == "kmp":
        names += ["kotlin.test.Test", "kotlin.test.assertEquals", "kotlin.test.assertTrue"]
    else:
        names += [database, "org.junit.Assert.assertEquals", "org.junit.Assert.assertTrue", "org.junit.Rule",
                  "org.junit.Test"]
    if suspend:
        names.append("kotlinx.coroutines.test.runTest")
    return sorted(set(names))


def migration_test_kotlin(plan: Plan, package: Optional[str] = None, api: str = "support",
                          kind: str = "android", *, schema_directory: str = "schemas",
                          bundled: bool = False) -> str:
    """A MigrationTestHelper test of the migration, for where the team runs tests (``kind``).

    ``android`` with the Room 2 APIs is the instrumentation test over SupportSQLiteDatabase;
    everything else drives the helper through an SQLiteConnection, which is all Room 3 and the
    JVM and KMP helpers offer. ``schema_directory`` is the JVM helper's ``schemaDirectoryPath``
    (the folder holding ``<fqcn>/N.json``, relative to the module); ``bundled`` picks the bundled
    SQLite driver for an instrumentation test on Room 3."""
    _require_ok(plan)
    _check_api(api)
    if kind not in TEST_KINDS:
        raise RoomSchemaError(f"expected {', '.join(TEST_KINDS[:-1])} or {TEST_KINDS[-1]}, got {kind!r}",
                              path="--test-kind")
    if kind != "android" and api == "support":
        # The JVM and KMP helpers open the database through a driver, and Room calls only
        # migrate(connection) then: a SupportSQLiteDatabase migration would not run at all.
        raise RoomSchemaError(f"a {kind} test runs the migration over an SQLiteConnection; generate it with "
                              "--kotlin-api connection (Room 2.7+) or room3", path="--test-kind")
    db = database_name(plan.new) or "com.example.AppDatabase"
    check_package(db, "database class (schema folder name)")
    old_entities = [e for e in plan.old.database.entities if not e.is_fts]
    inserts = [_sample_insert(e) for e in _parents_first(old_entities)]
    decl = plan.declarations
    counts, defaults = [], []
    for e in old_entities:
        if e.table_name in plan.deleted_tables:
            continue
        new_name = decl.renamed_table(e.table_name)
        if plan.new.database.entity(new_name) is not None:
            counts.append((new_name, 1))
    for table, f in plan.added_columns:
        check = _default_check(table, f.column_name, f.default_value)
        if check:
            defaults.append(check)
    context = dict(package=check_package(package or default_package(db)),
                   old=plan.old.version, new=plan.new.version, database=db, database_simple=simple_name(db),
                   class_name=f"Migration{plan.old.version}To{plan.new.version}Test",
                   migration=migration_name(plan.old.version, plan.new.version),
                   inserts=inserts, counts=counts, defaults=defaults)
    if kind == "android" and api != "room3":
        return render("MigrationTest.kt.j2", **context)
    suspend = api == "room3"  # Room 3's helper suspends; Room 2.7's JVM and native ones do not
    return render("ConnectionMigrationTest.kt.j2", kind=kind, api=api, suspend=suspend, bundled=bundled,
                  schema_directory=schema_directory,
                  imports=_test_imports(kind, api, db, bundled, suspend), **context)


def sql_file_name(old: int, new: int) -> str:
    return f"migration_{old}_{new}.sql"


def kotlin_file_name(old: int, new: int) -> str:
    return f"Migration_{old}_{new}.kt"


def default_output_dir(schema_dir, config=None):
    """``<module>/migrations/<fqcn>/``: beside ``<module>/schemas/<fqcn>/``."""
    if config is not None and config.output:
        return config.path_of("output")
    schema_dir = Path(schema_dir)
    # Every variant folder of a database shares its migrations: they are one class's code.
    return schemas_root(schema_dir).parent / "migrations" / schema_dir.name
