"""roomschema explain: Room's migration crash messages, in every layout Room has printed them.

The messages are built here the way Room builds them. Each era's ``toString`` is reproduced
from Room's source (androidx/androidx, ``room/room-runtime``):

- Room 2.4 and earlier: ``src/main/java/androidx/room/util/TableInfo.java``, ``FtsTableInfo.java``
  and ``ViewInfo.java`` (Java string concatenation; Java's ``AbstractMap``/``AbstractCollection``
  print ``{k=v, k=v}`` and ``[a, b]``; a null prints as ``null``);
- Room 2.5-2.6: ``src/main/java/androidx/room/util/TableInfo.kt`` and ``FtsTableInfo.kt`` (the
  Kotlin port with ``notNull=notNull``, ``onDelete='$onDelete +'`` and ``orders=$orders'}``);
- Room 2.7+: ``src/commonMain/kotlin/androidx/room/util/TableInfo.kt`` (``toStringCommon``), which
  ``roomschema.verify.roominfo`` reproduces byte for byte (its own tests hold it to that).

The wrappers are ``RoomConnectionManager.onMigrate`` / the generated ``onValidateSchema``
(``"<table>(<class>).\\n Expected:\\n" + expected + "\\n Found:\\n" + found``), and MigrationTestHelper's
(``MigrationTestHelper.java``: ``"\\nExpected: " + e + " \\nfound: " + f``; 2.7+ ``MigrationTestHelper.kt``:
``" <name>\\n\\nExpected:\\n\\n<e>\\n\\nFound:\\n\\n<f>"``).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest

from helpers import AVA, ROOT, migrations, run_cli, with_table, write_schema
from roomschema.explain import messages, parse_info
from roomschema.explain.parse import LAYOUT_JAVA, LAYOUT_KOTLIN, LAYOUT_MULTILINE, Mismatch
from roomschema.schema import compose
from roomschema.schema.loader import load
from roomschema.verify import roominfo
from roomschema.verify.roominfo import Column, FtsTableInfo, ForeignKey, Index, TableInfo, ViewInfo

FIXTURES = Path(__file__).parent / "fixtures" / "explain"
MESSAGE_CLASS = "com.augmentalis.ava.core.data.entity.MessageEntity"


# ---- Room's toString, era by era -----------------------------------------------------------------

def _java_str(value: Optional[str]) -> str:
    return "null" if value is None else value


def _java_list(items) -> str:
    return "[" + ", ".join(items) + "]"


def java_column(c: Column, kotlin: bool = False) -> str:
    not_null = "notNull" if kotlin else str(c.not_null).lower()
    return (f"Column{{name='{c.name}', type='{c.type}', affinity='{c.affinity}', notNull={not_null}, "
            f"primaryKeyPosition={c.primary_key_position}, defaultValue='{_java_str(c.default_value)}'}}")


def java_foreign_key(k: ForeignKey, kotlin: bool = False) -> str:
    plus = " +" if kotlin else ""
    return (f"ForeignKey{{referenceTable='{k.reference_table}', onDelete='{k.on_delete}{plus}', "
            f"onUpdate='{k.on_update}', columnNames={_java_list(k.column_names)}, "
            f"referenceColumnNames={_java_list(k.reference_column_names)}}}")


def java_index(i: Index, kotlin: bool = False) -> str:
    quote = "'" if kotlin else ""
    return (f"Index{{name='{i.name}', unique={str(i.unique).lower()}, columns={_java_list(i.columns)}, "
            f"orders={_java_list(i.orders)}{quote}}}")


def java_table(t: TableInfo, kotlin: bool = False) -> str:
    """Room 2.4's ``TableInfo.toString`` (``kotlin``: Room 2.5-2.6's)."""
    columns = "{" + ", ".join(f"{name}={java_column(c, kotlin)}" for name, c in t.columns.items()) + "}"
    fks = _java_list(java_foreign_key(k, kotlin) for k in t.foreign_keys)
    indices = "null" if t.indices is None else _java_list(java_index(i, kotlin) for i in t.indices)
    return f"TableInfo{{name='{t.name}', columns={columns}, foreignKeys={fks}, indices={indices}}}"


def java_fts(f: FtsTableInfo, kotlin: bool = False) -> str:
    quote = "'" if kotlin else ""
    return f"FtsTableInfo{{name='{f.name}', columns={_java_list(f.columns)}, options={_java_list(f.options)}{quote}}}"


def view_str(v: ViewInfo) -> str:
    return f"ViewInfo{{name='{v.name}', sql='{_java_str(v.sql)}'}}"


ERAS = {
    LAYOUT_JAVA: lambda t: java_table(t),
    LAYOUT_KOTLIN: lambda t: java_table(t, kotlin=True),
    LAYOUT_MULTILINE: str,
}


def app_message(name: str, cls: str, expected: str, found: str) -> str:
    return (f"java.lang.IllegalStateException: Migration didn't properly handle: {name}({cls}).\n"
            f" Expected:\n{expected}\n Found:\n{found}")


def ava_table(version: int, table: str = "messages") -> TableInfo:
    entity = load(AVA / f"{version}.json").database.entity(table)
    assert entity is not None
    return roominfo.expected_table_info(entity)


def as_found(t: TableInfo) -> TableInfo:
    """The same table as Room reads it back from the database."""
    return TableInfo(t.name, {k: Column(c.name, c.type, c.not_null, c.primary_key_position, c.default_value,
                                        roominfo.CREATED_FROM_DATABASE) for k, c in t.columns.items()},
                     t.foreign_keys, t.indices)


def one(text: str) -> Mismatch:
    found = messages(text)
    assert len(found) == 1 and isinstance(found[0], Mismatch), found
    return found[0]


# ---- every era's layout --------------------------------------------------------------------------

@pytest.mark.parametrize("era", list(ERAS))
def test_each_layout_reads_back_what_room_printed(era):
    t = ava_table(2)
    info = parse_info(ERAS[era](t))
    assert info.layout == era and info.name == "messages"
    assert [c.name for c in info.columns] == list(t.columns) if era != LAYOUT_MULTILINE else \
        sorted(t.columns)
    edit = info.column("edit_count")
    assert (edit.type, edit.affinity, edit.primary_key_position, edit.default) == ("INTEGER", 3, 0, "0")
    assert edit.not_null is (None if era == LAYOUT_KOTLIN else True)      # 2.5-2.6 printed "notNull"
    assert info.column("id").primary_key_position == 1
    assert info.column("intent").default is None                          # 'null' / 'undefined'
    [fk] = info.foreign_keys
    assert (fk.table, fk.on_delete, fk.on_update) == ("conversations", "CASCADE", "NO ACTION")  # no " +"
    [index] = info.indices
    assert index.name == "index_messages_conversation_id_timestamp" and index.unique is False
    if era == LAYOUT_MULTILINE:
        assert fk.columns is None and index.columns is None                # kotlin.Unit
    else:
        assert fk.columns == ("conversation_id",) and fk.referenced == ("id",)
        assert index.columns == ("conversation_id", "timestamp") and index.orders == ("ASC", "ASC")


@pytest.mark.parametrize("era", list(ERAS))
def test_each_layout_names_the_missing_columns_and_the_versions_in_the_project(era, project):
    text = app_message("messages", MESSAGE_CLASS, ERAS[era](ava_table(2)), ERAS[era](as_found(ava_table(1))))
    r = run_cli("explain", "-", input=text, cwd=project)
    assert r.returncode == 0, r.stderr
    assert "missing column `edit_count` INTEGER NOT NULL DEFAULT 0" in r.stdout
    assert "missing column `edited_at` INTEGER" in r.stdout
    assert "Found is version 1's `messages` (as Room creates it at version 1)" in r.stdout
    assert "Expected is version 2's `messages`" in r.stdout
    assert "migration 1 -> 2 leaves `messages` as it was at version 1" in r.stdout
    assert "`roomschema generate 1 2`" in r.stdout
    assert len(r.stdout.splitlines()) <= 6


def _synthetic(not_null_a=True, pk_a=1, default_b="0", type_b="INTEGER", extra=False, index_unique=False,
               fk_delete="CASCADE", index_cols=("b",)) -> TableInfo:
    cols = {"a": Column("a", "TEXT", not_null_a, pk_a, None, roominfo.CREATED_FROM_ENTITY),
            "b": Column("b", type_b, True, 0, default_b, roominfo.CREATED_FROM_ENTITY),
            "c": Column("c", "REAL", False, 0, None, roominfo.CREATED_FROM_ENTITY)}
    if extra:
        cols["d"] = Column("d", "BLOB", False, 0, None, roominfo.CREATED_FROM_ENTITY)
    fks = (ForeignKey("parent", fk_delete, "NO ACTION", ("c",), ("id",)),)
    return TableInfo("t", cols, fks, (Index("index_t_b", index_unique, index_cols, ()),))


@pytest.mark.parametrize("era", list(ERAS))
def test_each_difference_room_compares_is_named(era):
    expected = _synthetic()
    found = _synthetic(not_null_a=False, pk_a=0, default_b=None, type_b="TEXT", extra=True, index_unique=True,
                       fk_delete="SET NULL")
    text = app_message("t", "com.example.T", ERAS[era](expected), ERAS[era](found))
    r = run_cli("explain", "--format", "json", "-", input=text, cwd=ROOT / "app")
    assert r.returncode == 0, r.stderr
    [result] = json.loads(r.stdout)["explained"]
    got = {(d["kind"], d["subject"]) for d in result["differences"]}
    fk = "(c) -> parent(id) ON DELETE CASCADE ON UPDATE NO ACTION" if era != LAYOUT_MULTILINE else \
        "(?) -> parent(?) ON DELETE CASCADE ON UPDATE NO ACTION"
    want = {("column-extra", "d"), ("column-type", "b"), ("column-default", "b"), ("column-primary-key", "a"),
            ("foreign-key-differs", fk), ("index-differs", "index_t_b")}
    if era != LAYOUT_KOTLIN:
        want.add(("column-not-null", "a"))
    assert got == want
    messages_ = {d["kind"]: d["message"] for d in result["differences"]}
    assert messages_["column-type"] == "`b`: type INTEGER expected, found TEXT"
    assert messages_["column-default"] == "`b`: DEFAULT 0 expected, found no default"
    assert messages_["column-primary-key"] == "`a`: part of the primary key expected, found not in the primary key"
    assert "ON DELETE SET NULL" in messages_["foreign-key-differs"]
    if era != LAYOUT_KOTLIN:
        assert messages_["column-not-null"] == "`a`: NOT NULL expected, found nullable"


def test_only_differences_the_layout_hides_are_said_to_be_hidden():
    expected, found = _synthetic(), _synthetic(not_null_a=False)
    text = app_message("t", "com.example.T", java_table(expected, kotlin=True), java_table(found, kotlin=True))
    r = run_cli("explain", "-", input=text, cwd=ROOT / "app")
    assert r.returncode == 0, r.stderr
    assert "no difference is visible in the printed text" in r.stdout
    assert "`notNull=notNull`" in r.stdout
    # Room 2.7 loses the index columns: a changed index column is not a visible difference there.
    expected, found = _synthetic(), _synthetic(index_cols=("c",))
    r = run_cli("explain", "-", input=app_message("t", "T", str(expected), str(found)), cwd=ROOT / "app")
    assert "kotlin.Unit" in r.stdout and "no difference is visible" in r.stdout
    # The Java layout shows it.
    r = run_cli("explain", "-", input=app_message("t", "T", java_table(expected), java_table(found)),
                cwd=ROOT / "app")
    assert "index UNIQUE" not in r.stdout and "index `index_t_b` (b) expected, found `index_t_b` (c)" in r.stdout


def test_defaults_are_compared_as_room_compares_them():
    # SQLite drops a default's outer parentheses; Room forgives it, and so does explain.
    expected = _synthetic(default_b="(0)")
    found = _synthetic(default_b="0")
    r = run_cli("explain", "-", input=app_message("t", "T", java_table(expected), java_table(found)),
                cwd=ROOT / "app")
    assert "DEFAULT" not in r.stdout and "no difference is visible" in r.stdout


def test_a_table_the_migration_never_created():
    empty = TableInfo("t", {}, (), ())
    r = run_cli("explain", "-", input=app_message("t", "T", str(_synthetic()), str(empty)), cwd=ROOT / "app")
    assert r.returncode == 0
    assert "table `t` does not exist in the database" in r.stdout


# ---- views and FTS -------------------------------------------------------------------------------

def test_views():
    expected = ViewInfo("recent", "CREATE VIEW `recent` AS SELECT id, title FROM notes WHERE x = 'a'")
    found = ViewInfo("recent", "CREATE VIEW `recent` AS SELECT id FROM notes WHERE x = 'a'")
    text = app_message("recent", "com.example.Recent", view_str(expected), view_str(found))
    m = one(text)
    assert m.expected.kind == "view" and m.found.sql == found.sql and m.expected.sql == expected.sql
    r = run_cli("explain", "-", input=text, cwd=ROOT / "app")
    assert r.returncode == 0
    assert "view `recent`: the SQL differs from character 34 (expected \"… SELECT id, title FROM" in r.stdout
    gone = app_message("recent", "com.example.Recent", view_str(expected), view_str(ViewInfo("recent", None)))
    r = run_cli("explain", "-", input=gone, cwd=ROOT / "app")
    assert "view `recent` does not exist in the database" in r.stdout
    # MigrationTestHelper 2.6 and earlier named a view by its whole ViewInfo.
    helper = (f"java.lang.IllegalStateException: Migration didn't properly handle: {view_str(expected)}\n"
              f"Expected: {view_str(expected)} \nfound: {view_str(ViewInfo('recent', None))}")
    m = one(helper)
    assert (m.name, m.origin, m.found.sql) == ("recent", "test", None)
    r = run_cli("explain", input=helper, cwd=ROOT / "app")
    assert r.returncode == 0 and "view `recent` does not exist in the database" in r.stdout


@pytest.mark.parametrize("kotlin", [False, True], ids=["room-2.4", "room-2.5+"])
def test_fts_tables(kotlin):
    expected = FtsTableInfo("docs", ("title", "body"), ("tokenize=porter", "content=`notes`"))
    found = FtsTableInfo("docs", ("title",), ("content=`notes`",))
    text = app_message("docs", "com.example.Docs", java_fts(expected, kotlin), java_fts(found, kotlin))
    m = one(text)
    assert m.expected.kind == "fts" and m.expected.options == ("tokenize=porter", "content=`notes`")
    assert m.expected.layout == (LAYOUT_KOTLIN if kotlin else LAYOUT_JAVA)
    r = run_cli("explain", "-", input=text, cwd=ROOT / "app")
    assert r.returncode == 0
    assert "missing column `body`" in r.stdout and "missing FTS option tokenize=porter" in r.stdout
    assert "FTS table `docs`" in r.stdout


# ---- the other message shapes ---------------------------------------------------------------------

def test_migration_test_helper_and_old_generated_messages():
    e, f = ava_table(2), as_found(ava_table(1))
    old_helper = f"java.lang.IllegalStateException: Migration didn't properly handle: messages\n" \
                 f"Expected: {java_table(e)} \nfound: {java_table(f)}"
    new_helper = f"Migration didn't properly handle:  messages\n\nExpected:\n\n{e}\n\nFound:\n\n{f}"
    no_colon = f"Migration didn't properly handle messages({MESSAGE_CLASS}).\n Expected:\n{java_table(e)}\n" \
               f" Found:\n{java_table(f)}"
    packaged = f"Pre-packaged database has an invalid schema: messages({MESSAGE_CLASS}).\n Expected:\n{e}\n" \
               f" Found:\n{f}"
    for text, origin, cls in ((old_helper, "test", None), (new_helper, "test", None),
                              (no_colon, "app", MESSAGE_CLASS), (packaged, "prepackaged", MESSAGE_CLASS)):
        m = one(text)
        assert (m.name, m.origin, m.entity_class) == ("messages", origin, cls)
        assert {c.name for c in m.expected.columns} - {c.name for c in m.found.columns} == {"edit_count",
                                                                                          "edited_at"}


# ---- logcat ---------------------------------------------------------------------------------------

PREFIXES = {
    "brief": "E/AndroidRuntime( 1234): ",
    "time": "01-01 12:00:00.000 E/AndroidRuntime( 1234): ",
    "threadtime": "01-01 12:00:00.000  1234  1234 E AndroidRuntime: ",
    "studio": "2026-01-01 12:00:00.000 1234-1234/com.app E/AndroidRuntime: ",
    "studio-new": "2026-01-01 12:00:00.000  1234-1234  AndroidRuntime          com.app                  E  ",
}
FRAMES = ["\tat androidx.room.RoomOpenHelper.onUpgrade(RoomOpenHelper.kt:103)",
          "\tat androidx.sqlite.db.framework.FrameworkSQLiteOpenHelper$OpenHelper.onUpgrade(Unknown Source:2)",
          "\t... 12 more"]


@pytest.mark.parametrize("era", list(ERAS))
@pytest.mark.parametrize("style", list(PREFIXES))
def test_logcat_prefixes_and_stack_frames(era, style, project):
    body = app_message("messages", MESSAGE_CLASS, ERAS[era](ava_table(2)), ERAS[era](as_found(ava_table(1))))
    lines = ["FATAL EXCEPTION: arch_disk_io_0", "Process: com.app, PID: 1234",
             "java.lang.RuntimeException: Exception while computing database live data.",
             "\tat androidx.room.RoomTrackingLiveData$1.run(RoomTrackingLiveData.java:92)",
             "Caused by: " + body.split("\n", 1)[0], *body.split("\n")[1:], *FRAMES]
    text = "\n".join(PREFIXES[style] + line for line in lines) + "\n"
    r = run_cli("explain", "-", input=text, cwd=project)
    assert r.returncode == 0, r.stderr
    assert "missing column `edit_count`" in r.stdout and "Found is version 1's `messages`" in r.stdout


def test_a_long_line_logcat_cut_is_read_as_far_as_it_goes(project):
    found = java_table(as_found(ava_table(1)))
    text = app_message("messages", MESSAGE_CLASS, java_table(ava_table(2)), found[:found.index("name='role'")])
    r = run_cli("explain", "-", input=text, cwd=project)
    assert r.returncode == 0, r.stderr
    assert "the Found side is cut short" in r.stdout
    assert "missing column `edit_count`" in r.stdout


def test_a_crash_reporter_export_with_escaped_line_breaks(project):
    body = app_message("messages", MESSAGE_CLASS, java_table(ava_table(2)), java_table(as_found(ava_table(1))))
    r = run_cli("explain", "-", input=body.replace("\n", "\\n"), cwd=project)
    assert r.returncode == 0, r.stderr
    assert "missing column `edited_at`" in r.stdout


@pytest.mark.parametrize("name", ["room24_logcat_brief.txt", "room26_android_studio.txt",
                                  "room27_threadtime.txt", "room27_migration_test.txt"])
def test_real_looking_crash_logs(name, project):
    r = run_cli("explain", FIXTURES / name, cwd=project)
    assert r.returncode == 0, r.stderr
    assert "missing column `edit_count` INTEGER NOT NULL DEFAULT 0" in r.stdout
    assert "Found is version 1's `messages`" in r.stdout and "Expected is version 2's `messages`" in r.stdout


def test_several_crashes_in_one_log_are_each_explained_once(project):
    text = (FIXTURES / "room27_threadtime.txt").read_text() * 2 + (FIXTURES / "identity_hash.txt").read_text()
    r = run_cli("explain", "--format", "json", "-", input=text, cwd=project)
    assert [m["kind"] for m in json.loads(r.stdout)["explained"]] == ["schema-mismatch", "identity-hash"]


# ---- identity hash --------------------------------------------------------------------------------

def test_identity_hash_names_the_versions_whose_json_holds_each_hash(project):
    r = run_cli("explain", FIXTURES / "identity_hash.txt", cwd=project)
    assert r.returncode == 0, r.stderr
    v1 = load(AVA / "1.json").database.identity_hash
    v2 = load(AVA / "2.json").database.identity_hash
    assert f"the app expects {v2}, the database has {v1}" in r.stdout
    assert "Expected: the identityHash of version 2's JSON; found: the identityHash of version 1's JSON." \
        in r.stdout
    r = run_cli("explain", "--format", "json", FIXTURES / "identity_hash.txt", cwd=project)
    [result] = json.loads(r.stdout)["explained"]
    assert result["kind"] == "identity-hash" and (result["expected"], result["found"]) == (v2, v1)
    [db] = result["databases"]
    assert (db["expected_in"], db["found_in"]) == ([2], [1])


def test_identity_hash_in_no_schema_file(project):
    v2 = load(AVA / "2.json").database.identity_hash
    text = ("Room cannot verify the data integrity. Looks like you've changed schema but forgot to update the "
            f"version number. You can simply fix this by increasing the version number. Expected identity hash: "
            f"{v2}, found: 0123456789abcdef0123456789abcdef")
    r = run_cli("explain", "-", input=text, cwd=project)
    assert r.returncode == 0
    assert "found: in no schema file" in r.stdout and "version bump" in r.stdout


# ---- missing migration ----------------------------------------------------------------------------

def test_missing_migration_names_the_step_room_could_not_take(project):
    write_schema(project, with_table(3))
    out = migrations(project)
    out.mkdir(parents=True)
    (out / "migration_1_2.sql").write_text("ALTER TABLE `messages` ADD COLUMN `edited_at` INTEGER;\n")
    text = ("java.lang.IllegalStateException: A migration from 1 to 3 was required but not found. Please provide "
            "the necessary Migration path via RoomDatabase.Builder.addMigration(Migration ...) or allow for "
            "destructive migrations via one of the RoomDatabase.Builder.fallbackToDestructiveMigration* methods.")
    r = run_cli("explain", "-", input=text, cwd=project)
    assert r.returncode == 0, r.stderr
    assert "Room's path 1 -> 2 stops at 2; the missing step is 2 -> 3." in r.stdout
    assert "schema files for versions 1-3; migrations found: 1->2." in r.stdout
    assert "`roomschema generate 2 3`" in r.stdout
    r = run_cli("explain", "--format", "json", "-", input=text, cwd=project)
    [db] = json.loads(r.stdout)["explained"][0]["databases"]
    assert (db["path"], db["missing_step"], db["migrations"]) == ([1, 2], [2, 3], [[1, 2]])
    # With every step there, the build that crashed did not register them.
    (out / "migration_2_3.sql").write_text("SELECT 1;\n")
    r = run_cli("explain", "-", input=text, cwd=project)
    assert "This project's migrations reach 3 (1 -> 2 -> 3)" in r.stdout


def test_missing_migration_outside_a_project(tmp_path):
    r = run_cli("explain", FIXTURES / "missing_migration.txt", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("no migration path from 1 to 2")
    assert "add Migration(1, 2)" in r.stdout


# ---- input, output and errors ---------------------------------------------------------------------

def test_unparseable_input_is_one_line_and_exit_2(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("E/AndroidRuntime( 1234): java.lang.NullPointerException\n\tat com.app.Main.run(Main.kt:3)\n")
    r = run_cli("explain", log, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (2, "")
    assert len(r.stderr.splitlines()) == 1 and "no Room migration message in it" in r.stderr
    broken = "Migration didn't properly handle: t(T).\n Expected:\nsomething else\n Found:\nTableInfo{"
    r = run_cli("explain", "-", input=broken, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (2, "")
    assert len(r.stderr.splitlines()) == 1 and "cannot read Room's message" in r.stderr
    r = run_cli("explain", tmp_path / "absent.txt", cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1


def test_json_shape(project):
    r = run_cli("explain", "--format", "json", FIXTURES / "room24_logcat_brief.txt", cwd=project)
    assert r.returncode == 0, r.stderr
    [result] = json.loads(r.stdout)["explained"]
    assert set(result) == {"kind", "name", "entity_class", "object", "origin", "layout", "truncated", "differences",
                           "notes", "databases", "text"}
    assert (result["kind"], result["name"], result["object"], result["layout"]) == \
        ("schema-mismatch", "messages", "table", LAYOUT_JAVA)
    assert result["entity_class"] == MESSAGE_CLASS
    assert {tuple(sorted(d)) for d in result["differences"]} == {("expected", "found", "kind", "message", "subject")}
    [db] = result["databases"]
    assert db["database"] == AVA.name and db["folder"] == f"app/schemas/{AVA.name}"
    assert (db["expected_versions"], db["found_versions"], db["produced_by"]) == ([2], [1], {"from": None, "to": 1})


def test_a_found_side_made_by_a_migration(project):
    """Found equal to version 2's table, which migration 1 -> 2 made, while version 3 is expected."""
    v3 = with_table(3)
    write_schema(project, v3)
    s = load(AVA / "2.json")
    notes = compose.entity("notes", [compose.field("id", "INTEGER", True), compose.field("body", "TEXT"),
                                      compose.field("pinned", "INTEGER", True, default="0")], ["id"])
    write_schema(project, compose.schema(4, s.database.entities + (notes,), s.database.views))
    expected = roominfo.expected_table_info(load(project / "app" / "schemas" / AVA.name / "4.json").database
                                            .entity("notes"))
    found = as_found(roominfo.expected_table_info(v3.database.entity("notes")))
    r = run_cli("explain", "--format", "json", "-", input=app_message("notes", "com.x.Note", str(expected),
                                                                       str(found)), cwd=project)
    [db] = json.loads(r.stdout)["explained"][0]["databases"]
    assert (db["versions_with_table"], db["expected_versions"], db["found_versions"]) == ([3, 4], [4], [3])
    assert db["produced_by"] == {"from": None, "to": 3}   # version 2 has no notes: created at 3
    r = run_cli("explain", "-", input=app_message("notes", "com.x.Note", str(expected), str(found)), cwd=project)
    assert "migration 3 -> 4 leaves `notes` as it was at version 3" in r.stdout


def test_schemas_and_db_options(project, tmp_path):
    text = (FIXTURES / "room27_threadtime.txt").read_text()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = run_cli("explain", "--schemas", project / "app" / "schemas", "-", input=text, cwd=elsewhere)
    assert r.returncode == 0 and "Found is version 1's `messages`" in r.stdout
    r = run_cli("explain", "--db", "NoSuchDatabase", "-", input=text, cwd=project)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1


def test_outside_a_project_what_the_layout_lost_is_said(tmp_path):
    text = app_message("messages", MESSAGE_CLASS, java_table(ava_table(2), kotlin=True),
                       java_table(as_found(ava_table(1)), kotlin=True))
    r = run_cli("explain", "-", input=text, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "missing column `edit_count` INTEGER (NOT NULL not printed) DEFAULT 0" in r.stdout
    assert "Found is" not in r.stdout and "run roomschema inside the project" in r.stdout


def test_indices_room_could_not_read_are_not_compared(tmp_path):
    found = TableInfo("t", _synthetic().columns, _synthetic().foreign_keys, None)
    text = app_message("t", "T", java_table(_synthetic()), java_table(found))
    m = one(text)
    assert m.found.indices is None and m.expected.indices is not None
    r = run_cli("explain", "-", input=text, cwd=tmp_path)
    assert "no difference is visible" in r.stdout and "indices could not be read" in r.stdout


def test_several_databases(project):
    import shutil
    shutil.copytree(AVA, project / "lib" / "schemas" / "com.example.OtherDatabase")
    r = run_cli("explain", FIXTURES / "room27_threadtime.txt", cwd=project)
    assert r.returncode == 0, r.stderr
    assert f"[{AVA.name}] Found is version 1's `messages`" in r.stdout
    assert "`roomschema generate --db com.example.OtherDatabase 1 2`" in r.stdout
    r = run_cli("explain", FIXTURES / "missing_migration.txt", cwd=project)
    assert "Several databases here: pass --db NAME" in r.stdout
    r = run_cli("explain", "--db", "OtherDatabase", FIXTURES / "missing_migration.txt", cwd=project)
    assert "com.example.OtherDatabase: schema files for versions 1-2; migrations found: none." in r.stdout
    assert "no migration starts at 1; the missing step is 1 -> 2." in r.stdout
