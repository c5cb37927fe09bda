"""Room 3: the androidx.room3 Kotlin, Gradle detection, the bundled SQLite driver, FTS5 and
WITHOUT ROWID tables, and tests generated for where teams run them (android, jvm, kmp).

The Kotlin is compiled with a real kotlinc against the stubs in tests/kotlin/stubs (Room 3's
signatures: a suspend ``migrate(connection)`` and a suspending MigrationTestHelper).
"""
from __future__ import annotations

import json
import shutil

import pytest

import roomschema
from roomschema.errors import RoomSchemaError
from roomschema.migration.plan import plan_migration
from roomschema.render import code as g
from roomschema.schema import compose
from roomschema.schema.gradle import BUNDLED_SQLITE_MIN_SDK, read_build
from roomschema.schema.identity import _key, entity_key, identity_hash, without_rowid

from helpers import AVA, FQCN, run_cli, write_export
from kotlinc import compile_kotlin, requires_kotlinc

ROOM3_DEP = 'dependencies {\n    implementation("androidx.room3:room3-runtime:3.0.0")\n}\n'
BUNDLED_CATALOG = ('[libraries]\nsqlite-bundled = { group = "androidx.sqlite", name = "sqlite-bundled", '
                   'version.ref = "sqlite" }\n')


def _ava_project(root, fqcn=FQCN, variant=None):
    """An Android project (root settings, an app module) holding the AVA exports as ``fqcn``."""
    folder = root / "app" / "schemas" / (f"{variant}/{fqcn}" if variant else fqcn)
    folder.mkdir(parents=True)
    for v in (1, 2):
        shutil.copy(AVA / f"{v}.json", folder / f"{v}.json")
    (root / "settings.gradle.kts").write_text('include(":app")\n')
    (root / "app" / "build.gradle.kts").write_text('plugins { id("com.android.application") }\n')
    return folder


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- the Kotlin text ------------------------------------------------------------------------------

def _ava_plan():
    return plan_migration(roomschema.load(AVA / "1.json"), roomschema.load(AVA / "2.json"))


def test_room3_migration_is_a_suspend_connection_migration_in_androidx_room3():
    kt = g.migration_kotlin(_ava_plan(), "gen.r3", "room3")
    assert "import androidx.room3.migration.Migration\n" in kt
    assert "import androidx.sqlite.SQLiteConnection\nimport androidx.sqlite.execSQL\n" in kt
    assert "override suspend fun migrate(connection: SQLiteConnection) {" in kt
    assert "androidx.room.migration" not in kt and "SupportSQLiteDatabase" not in kt
    # The statements are the connection API's, byte for byte.
    conn = g.migration_kotlin(_ava_plan(), "gen.r3", "connection")
    body = [ln for ln in kt.splitlines() if "connection.execSQL(" in ln]
    assert body and body == [ln for ln in conn.splitlines() if "connection.execSQL(" in ln]


def test_room3_migrations_and_auto_spec_import_androidx_room3():
    all_kt = g.all_migrations_kotlin([(1, 2)], "gen.r3", "a.Db", "room3")
    assert "import androidx.room3.migration.Migration\n" in all_kt
    spec = g.auto_spec_kotlin(_ava_plan(), "gen.r3", "room3")
    assert "import androidx.room3.AutoMigration\n" in spec
    assert "import androidx.room3.migration.AutoMigrationSpec\n" in spec
    assert "import androidx.room." not in spec
    assert "import androidx.room.migration.Migration\n" in g.all_migrations_kotlin([(1, 2)], "gen", "a.Db")


def test_an_unknown_api_or_test_kind_is_refused():
    with pytest.raises(RoomSchemaError, match="expected support, connection or room3, got 'room4'"):
        g.migration_kotlin(_ava_plan(), "gen", "room4")
    with pytest.raises(RoomSchemaError, match="expected android, jvm or kmp, got 'ios'"):
        g.migration_test_kotlin(_ava_plan(), "gen", "room3", "ios")


@pytest.mark.parametrize("kind", ["jvm", "kmp"])
def test_a_host_test_of_a_support_migration_is_refused(kind):
    """The JVM and KMP helpers open the database through a driver: Room then calls only
    migrate(connection), so a SupportSQLiteDatabase migration would never run."""
    with pytest.raises(RoomSchemaError, match="--kotlin-api connection"):
        g.migration_test_kotlin(_ava_plan(), "gen", "support", kind)


def test_the_android_test_of_room_2_is_unchanged_by_the_kind():
    plan = _ava_plan()
    assert g.migration_test_kotlin(plan, "gen") == g.migration_test_kotlin(plan, "gen", "support", "android")
    assert "InstrumentationRegistry.getInstrumentation()," in g.migration_test_kotlin(plan, "gen")


def test_host_tests_use_the_bundled_driver_and_the_schema_folder():
    plan = _ava_plan()
    jvm = g.migration_test_kotlin(plan, "gen", "room3", "jvm", schema_directory="schemas/debug")
    assert 'schemaDirectoryPath = Path("schemas/debug"),' in jvm and "driver = BundledSQLiteDriver()," in jvm
    assert "fun migrate1To2KeepsRows() = runTest {" in jvm  # Room 3's helper suspends
    assert "import androidx.room3.testing.MigrationTestHelper\n" in jvm
    room27 = g.migration_test_kotlin(plan, "gen", "connection", "jvm")
    assert "fun migrate1To2KeepsRows() {" in room27 and "runTest" not in room27
    assert "import androidx.room.testing.MigrationTestHelper\n" in room27
    kmp = g.migration_test_kotlin(plan, "gen", "room3", "kmp")
    assert "abstract class Migration1To2Test {" in kmp and "import org.junit" not in kmp
    assert 'assertEquals(1L, statement.getLong(0), "rows of messages")' in kmp
    android = g.migration_test_kotlin(plan, "gen", "room3", "android")
    assert "driver = AndroidSQLiteDriver()," in android
    assert "driver = BundledSQLiteDriver()," in g.migration_test_kotlin(plan, "gen", "room3", "android",
                                                                        bundled=True)


# ---- every API and kind compiles ------------------------------------------------------------------

def _fk_rebuild_pair(folder):
    """A child table whose default changes: Room rebuilds it and checks its foreign keys."""
    def version(n):
        parent = compose.entity("parent", [compose.field("id", "INTEGER", True)], ["id"])
        child = compose.entity(
            "child", [compose.field("id", "INTEGER", True), compose.field("parent_id", "INTEGER", True),
                      compose.field("rank", "INTEGER", True, default=str(n))], ["id"],
            foreign_keys=[compose.foreign_key(["parent_id"], "parent", ["id"])])
        s = compose.schema(n, [parent, child])
        return s.__class__(database=s.database, path=folder / f"{n}.json")
    return plan_migration(version(1), version(2))


@requires_kotlinc
@pytest.mark.kotlin
def test_room3_and_host_test_kotlin_compiles(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    files = []
    # Room 3 needs its own database class (androidx.room3.RoomDatabase): the AVA exports under
    # another name.
    r3_folder = tmp_path / "schemas" / "gen.r3.AVA3Database"
    r3_folder.mkdir(parents=True)
    for v in (1, 2):
        shutil.copy(AVA / f"{v}.json", r3_folder / f"{v}.json")
    r3 = plan_migration(roomschema.load(r3_folder / "1.json"), roomschema.load(r3_folder / "2.json"))
    fk = _fk_rebuild_pair(tmp_path / "schemas" / "gen.fk.FkDatabase")
    assert any(s.is_foreign_key_check for s in fk.steps)
    files.append(_write(src, "r3.kt", g.migration_kotlin(r3, "gen.r3.m", "room3")))
    files.append(_write(src, "r3_all.kt", g.all_migrations_kotlin([(1, 2)], "gen.r3.m", "gen.r3.AVA3Database",
                                                                  "room3")))
    files.append(_write(src, "r3_spec.kt", g.auto_spec_kotlin(r3, "gen.r3.spec", "room3")))
    files.append(_write(src, "fk.kt", g.migration_kotlin(fk, "gen.fk.m", "room3")))
    files.append(_write(src, "fk_all.kt", g.all_migrations_kotlin([(1, 2)], "gen.fk.m", "gen.fk.FkDatabase",
                                                                  "room3")))
    for kind, bundled in (("android", False), ("android", True), ("jvm", False), ("kmp", False)):
        tag = f"{kind}{'_bundled' if bundled else ''}"
        # A test lives beside its migration (same package), as the KDoc says to put it.
        text = g.migration_test_kotlin(r3, "gen.r3.m", "room3", kind, bundled=bundled)
        files.append(_write(src, f"r3_test_{tag}.kt", text.replace("package gen.r3.m\n",
                                                                   f"package gen.r3.m.{tag}\n\nimport gen.r3.m.MIGRATION_1_2\n", 1)))
        fk_test = g.migration_test_kotlin(fk, "gen.fk.m", "room3", kind, bundled=bundled)
        files.append(_write(src, f"fk_test_{tag}.kt", fk_test.replace(
            "package gen.fk.m\n", f"package gen.fk.m.{tag}\n\nimport gen.fk.m.MIGRATION_1_2\n", 1)))
    # Room 2.7's connection API on the JVM and in common code.
    ava = _ava_plan()
    files.append(_write(src, "c.kt", g.migration_kotlin(ava, "gen.c", "connection")))
    for kind in ("jvm", "kmp"):
        files.append(_write(src, f"c_test_{kind}.kt", g.migration_test_kotlin(ava, "gen.c", "connection", kind)
                            .replace("package gen.c\n", f"package gen.c.{kind}\n\nimport gen.c.MIGRATION_1_2\n", 1)))
    # The KDoc's jvmTest subclass of the common test, as a team would write it.
    files.append(_write(src, "kmp_jvm.kt", """package gen.r3.m.kmp.jvm

import androidx.room3.testing.MigrationTestHelper
import androidx.sqlite.driver.bundled.BundledSQLiteDriver
import gen.r3.AVA3Database
import gen.r3.m.kmp.Migration1To2Test
import kotlin.io.path.Path
import kotlin.io.path.createTempFile
import org.junit.Rule

class Migration1To2TestJvm : Migration1To2Test() {
    @get:Rule
    val helper = MigrationTestHelper(
        schemaDirectoryPath = Path("schemas"),
        databasePath = createTempFile("migration-test", ".db"),
        driver = BundledSQLiteDriver(),
        databaseClass = AVA3Database::class,
    )

    override fun migrationTestHelper() = helper
}
"""))
    files.append(_write(src, "dbs.kt", "package gen.r3\n\nabstract class AVA3Database : androidx.room3.RoomDatabase()\n"))
    files.append(_write(src, "dbfk.kt", "package gen.fk\n\nabstract class FkDatabase : androidx.room3.RoomDatabase()\n"))
    package, name = FQCN.rsplit(".", 1)
    files.append(_write(src, "dbava.kt", f"package {package}\n\nabstract class {name} : androidx.room.RoomDatabase()\n"))
    compile_kotlin(files, tmp_path)
    classes = {p.relative_to(tmp_path / "classes").as_posix() for p in (tmp_path / "classes").rglob("*.class")}
    for expected in ("gen/r3/m/android/Migration1To2Test.class", "gen/r3/m/jvm/Migration1To2Test.class",
                     "gen/r3/m/kmp/Migration1To2Test.class", "gen/r3/m/kmp/jvm/Migration1To2TestJvm.class",
                     "gen/c/jvm/Migration1To2Test.class", "gen/c/kmp/Migration1To2Test.class",
                     "gen/fk/m/FkKt.class"):
        assert expected in classes, expected


# ---- Gradle: the API and the test's schema folder ------------------------------------------------

def test_room3_in_the_module_build_makes_room3_the_default(tmp_path):
    folder = _ava_project(tmp_path)
    assert "import androidx.room.migration.Migration" in run_cli("generate", "1", "2", "--kotlin", "-",
                                                                 cwd=tmp_path).stdout
    (tmp_path / "app" / "build.gradle.kts").write_text(ROOM3_DEP)
    assert read_build(folder).room3 and read_build(folder).files == (tmp_path / "app" / "build.gradle.kts",)
    r = run_cli("generate", "1", "2", "--kotlin", "-", cwd=tmp_path)
    assert r.returncode == 0 and "import androidx.room3.migration.Migration" in r.stdout
    assert "override suspend fun migrate" in r.stdout
    # The flag, then the setting, win over the build.
    r = run_cli("generate", "1", "2", "--kotlin", "-", "--kotlin-api", "connection", cwd=tmp_path)
    assert "import androidx.room.migration.Migration" in r.stdout and "suspend" not in r.stdout
    (tmp_path / "roomschema.toml").write_text('kotlin_api = "support"\n')
    r = run_cli("generate", "1", "2", "--kotlin", "-", cwd=tmp_path)
    assert "migrate(db: SupportSQLiteDatabase)" in r.stdout


def test_the_version_catalog_counts_and_comments_do_not(tmp_path):
    folder = _ava_project(tmp_path)
    (tmp_path / "app" / "build.gradle.kts").write_text('// implementation("androidx.room3:room3-runtime")\n'
                                                      "/* androidx.sqlite:sqlite-bundled */\n")
    assert not read_build(folder).room3 and not read_build(folder).bundled_sqlite
    (tmp_path / "gradle").mkdir()
    (tmp_path / "gradle" / "libs.versions.toml").write_text(
        '[libraries]\nroom3-runtime = { module = "androidx.room3:room3-runtime", version = "3.0.0" }\n'
        + BUNDLED_CATALOG.split("\n", 1)[1])
    build = read_build(folder)
    assert build.room3 and build.bundled_sqlite and build.module == tmp_path / "app"


def test_the_walk_stops_at_the_project_root(tmp_path):
    (tmp_path / "build.gradle").write_text(ROOM3_DEP)  # outside the project: not its build
    project = tmp_path / "project"
    folder = _ava_project(project)
    assert not read_build(folder).room3


def test_a_jvm_test_reads_the_schemas_from_the_variant_folder(tmp_path):
    _ava_project(tmp_path, variant="debug")
    r = run_cli("generate", "1", "2", "--test", "-", "--test-kind", "jvm", "--kotlin-api", "room3",
                "--schemas", "app/schemas/debug", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'schemaDirectoryPath = Path("schemas/debug"),' in r.stdout
    r = run_cli("generate", "1", "2", "--test", "-", "--test-kind", "kmp", "--schemas", "app/schemas/debug",
                cwd=tmp_path)
    assert r.returncode == 2 and "--kotlin-api connection (Room 2.7+) or room3" in r.stderr


def test_test_kind_setting(tmp_path):
    _ava_project(tmp_path)
    (tmp_path / "roomschema.toml").write_text('kotlin_api = "room3"\ntest_kind = "kmp"\n')
    r = run_cli("generate", "1", "2", "--test", "-", cwd=tmp_path)
    assert r.returncode == 0 and "abstract class Migration1To2Test {" in r.stdout


# ---- the bundled driver ----------------------------------------------------------------------------

def _renamed_column_pair(root):
    """AVA 2 and a version 3 whose only change is a renamed column of memory."""
    folder = root / "app" / "schemas" / FQCN
    doc = json.loads((AVA / "2.json").read_text(encoding="utf-8"))
    for e in doc["database"]["entities"]:
        if e["tableName"] == "memory":
            for f in e["fields"]:
                if f["columnName"] == "content":
                    f["columnName"] = f["fieldPath"] = "body"
            e["createSql"] = e["createSql"].replace("`content`", "`body`")
    write_export(folder, doc, 3)


def test_the_bundled_driver_lifts_min_sdk_and_runs_stock_sqlite_only(tmp_path):
    _ava_project(tmp_path)
    _renamed_column_pair(tmp_path)
    args = ("generate", "2", "3", "--sql", "-", "--rename-column", "memory.content=body", "--min-sdk", "21")
    framework = run_cli(*args, cwd=tmp_path)
    assert framework.returncode == 0 and "RENAME COLUMN" not in framework.stdout and "_new_memory" in framework.stdout
    r = run_cli("verify", "2", "3", "--rename-column", "memory.content=body", "--rows", "60", "--format", "json",
                cwd=tmp_path)
    assert [m["mode"] for m in json.loads(r.stdout)["modes"]] == ["legacy_alter_table=ON", "legacy_alter_table=OFF"]

    (tmp_path / "gradle").mkdir()
    (tmp_path / "gradle" / "libs.versions.toml").write_text(BUNDLED_CATALOG)
    bundled = run_cli(*args, cwd=tmp_path)
    assert bundled.returncode == 0
    assert "ALTER TABLE `memory` RENAME COLUMN `content` TO `body`;" in bundled.stdout
    assert "_new_memory" not in bundled.stdout
    plan = run_cli("generate", "2", "3", "--rename-column", "memory.content=body", "--format", "json",
                   cwd=tmp_path)
    assert json.loads(plan.stdout)["deviations"] == [
        "the bundled SQLite driver allows RENAME COLUMN (SQLite 3.25, API 30) instead of Room's table rebuild"]
    r = run_cli("verify", "2", "3", "--rename-column", "memory.content=body", "--rows", "60", "--format", "json",
                cwd=tmp_path)
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["ok"], r.stdout
    assert [m["mode"] for m in report["modes"]] == ["legacy_alter_table=OFF"]
    # --mode still chooses.
    r = run_cli("verify", "2", "3", "--rename-column", "memory.content=body", "--rows", "60", "--mode", "both",
                "--format", "json", cwd=tmp_path)
    assert len(json.loads(r.stdout)["modes"]) == 2
    assert BUNDLED_SQLITE_MIN_SDK > 100  # above anything --min-sdk accepts: no real level is taken for it


# ---- FTS5 and WITHOUT ROWID as Room 3 writes them ----------------------------------------------------

def _field(column, affinity, not_null=False, **kw):
    out = {"fieldPath": column, "columnName": column, "affinity": affinity}
    if not_null:
        out["notNull"] = True  # kotlinx (Room 2.7+, Room 3) leaves out notNull=false
    out.update(kw)
    return out


def _fts5_options(content=""):
    return {"tokenizer": "unicode61", "tokenizerArgs": [], "contentTable": content, "languageIdColumnName": "",
            "matchInfo": "FTS4", "notIndexedColumns": [], "prefixSizes": [], "preferredOrder": "ASC",
            "contentRowId": "", "columnSize": True, "detail": "FULL"}


def _sync_triggers(fts, content, column):
    q = lambda n: f"`{n}`"  # noqa: E731
    when = {"BEFORE_UPDATE": f"BEFORE UPDATE ON {q(content)} BEGIN DELETE FROM {q(fts)} WHERE `rowid`=OLD.`rowid`; END",
            "BEFORE_DELETE": f"BEFORE DELETE ON {q(content)} BEGIN DELETE FROM {q(fts)} WHERE `rowid`=OLD.`rowid`; END",
            "AFTER_UPDATE": f"AFTER UPDATE ON {q(content)} BEGIN INSERT INTO {q(fts)}(`rowid`, {q(column)}) "
                            f"VALUES (NEW.`rowid`, NEW.{q(column)}); END",
            "AFTER_INSERT": f"AFTER INSERT ON {q(content)} BEGIN INSERT INTO {q(fts)}(`rowid`, {q(column)}) "
                            f"VALUES (NEW.`rowid`, NEW.{q(column)}); END"}
    return [f"CREATE TRIGGER IF NOT EXISTS room_fts_content_sync_{fts}_{k} {v}" for k, v in when.items()]


def _room3_doc(version):
    """Room 3's shape (kotlinx: notNull=false, empty indices and foreignKeys left out): a note table,
    its FTS5 index (standalone at 1, external content at 2) and a WITHOUT ROWID label table that
    gains a column at 2 and changes a default at 3."""
    note = {"tableName": "note",
            "createSql": "CREATE TABLE IF NOT EXISTS `${TABLE_NAME}` (`id` INTEGER NOT NULL, `body` TEXT NOT NULL, "
                         "PRIMARY KEY(`id`))",
            "fields": [_field("id", "INTEGER", True), _field("body", "TEXT", True)],
            "primaryKey": {"autoGenerate": False, "columnNames": ["id"]}}
    content = "note" if version >= 2 else ""
    fts = {"tableName": "note_fts",
           "createSql": "CREATE VIRTUAL TABLE IF NOT EXISTS `${TABLE_NAME}` USING FTS5(`body`, tokenize=`unicode61`"
                        + (", content=`note`)" if content else ")"),
           "fields": [_field("body", "TEXT", True)],
           "primaryKey": {"autoGenerate": False, "columnNames": []},
           "ftsVersion": "FTS5", "ftsOptions": _fts5_options(content),
           "contentSyncTriggers": _sync_triggers("note_fts", "note", "body") if content else []}
    color = {1: None, 2: "0", 3: "7"}[version]
    cols = "`name` TEXT NOT NULL, `owner` TEXT NOT NULL" + (f", `color` INTEGER NOT NULL DEFAULT {color}"
                                                             if color else "")
    label = {"tableName": "label",
             "createSql": f"CREATE TABLE IF NOT EXISTS `${{TABLE_NAME}}` ({cols}, PRIMARY KEY(`name`, `owner`)) "
                          "WITHOUT ROWID",
             "fields": [_field("name", "TEXT", True), _field("owner", "TEXT", True)]
             + ([_field("color", "INTEGER", True, defaultValue=color)] if color else []),
             "primaryKey": {"autoGenerate": False, "columnNames": ["name", "owner"]},
             # Assumed key: newer Room 3 compilers hand withoutRowId to EntityBundle; kotlinx writes
             # it only when true. Older Room 3 releases say it in createSql alone.
             "withoutRowId": True}
    return {"formatVersion": 1, "database": {"version": version, "identityHash": "",
                                             "entities": [note, fts, label], "setupQueries": []}}


@pytest.fixture
def room3_project(tmp_path):
    folder = tmp_path / "app" / "schemas" / "com.example.notes.NotesDatabase"
    for v in (1, 2, 3):
        write_export(folder, _room3_doc(v), v)
    (tmp_path / ".git").mkdir()
    return tmp_path, folder


def test_room3_files_load_validate_and_keep_their_keys(room3_project):
    root, folder = room3_project
    r = run_cli("validate", cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    s = roomschema.load(folder / "1.json")
    label = s.database.entity("label")
    assert without_rowid(label) and not without_rowid(s.database.entity("note"))
    assert dict(label.extra)["withoutRowId"] is True
    fts = s.database.entity("note_fts")
    assert fts.is_fts and fts.fts_version == "FTS5" and dict(fts.fts_options.extra)["detail"] == "FULL"
    # Written back byte for byte, withoutRowId and the FTS5 keys included.
    from roomschema.schema.writer import dumps
    assert dumps(s) == (folder / "1.json").read_text(encoding="utf-8")


def test_without_rowid_adds_room3s_mark_to_the_identity_hash():
    from roomschema.schema.loader import parse
    db = parse(_room3_doc(1)).database
    label = db.entity("label")
    plain = label.__class__(table_name=label.table_name, create_sql=label.create_sql.replace(" WITHOUT ROWID", ""),
                            fields=label.fields, primary_key=label.primary_key)
    assert not without_rowid(plain)
    assert entity_key(plain) != entity_key(label)
    # The same parts, and "1" last: what Room 3's Entity.getIdKey appends for withoutRowId.
    assert entity_key(label) == _key(_parts(plain) + ["1"])
    assert identity_hash(db) != identity_hash(db.__class__(version=db.version, identity_hash="",
                                                           entities=tuple(plain if e is label else e
                                                                          for e in db.entities)))


def _parts(e):
    from roomschema.schema.identity import _sorted, field_key
    pk = e.primary_key
    return [e.table_name, f"{str(pk.auto_generate).lower()}-[{', '.join(pk.column_names)}]"] + _sorted(
        field_key(f.column_name, f.affinity, f.not_null, f.default_value) for f in e.fields)


def test_room3_fts5_and_without_rowid_diff_plan_and_verify(room3_project):
    root, folder = room3_project
    r = run_cli("diff", "1", "2", cwd=root)
    assert r.returncode == 0
    assert "note_fts: FTS content_table  -> note" in r.stdout and "label.color: column added" in r.stdout
    sql = run_cli("generate", "1", "2", "--sql", "-", cwd=root).stdout
    # Room 3's FTS5 content migration: keyed by rowid (FTS5 has no docid), from the new content table.
    assert "DROP TABLE `note_fts`;" in sql
    assert "INSERT INTO `note_fts` (`body`,`rowid`) SELECT `body`,`rowid` FROM `note`;" in sql
    assert "docid" not in sql
    assert "ALTER TABLE `label` ADD COLUMN `color` INTEGER NOT NULL DEFAULT 0;" in sql
    sql = run_cli("generate", "2", "3", "--sql", "-", cwd=root).stdout
    assert ") WITHOUT ROWID;" in sql and "ALTER TABLE `_new_label` RENAME TO `label`;" in sql
    for a, b in ((1, 2), (2, 3)):
        r = run_cli("verify", str(a), str(b), "--rows", "120", "--format", "json", cwd=root)
        report = json.loads(r.stdout)
        assert r.returncode == 0 and report["ok"], r.stdout
        assert all(m["passed"] and not m["mismatches"] for m in report["modes"])


def test_a_room3_kotlin_migration_verifies(room3_project, tmp_path):
    root, _ = room3_project
    kt = tmp_path / "Migration_1_2.kt"
    assert run_cli("generate", "1", "2", "--kotlin", kt, "--kotlin-api", "room3", cwd=root).returncode == 0
    assert "override suspend fun migrate(connection: SQLiteConnection)" in kt.read_text()
    r = run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "60", "--format", "json", cwd=root)
    assert r.returncode == 0 and json.loads(r.stdout)["ok"], r.stdout
