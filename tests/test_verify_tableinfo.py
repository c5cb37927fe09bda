"""Room's validation rules and message texts (docs/room-format.md#reading-the-database, #validation-rules,
#validation-messages and #migrationtesthelper)."""
from __future__ import annotations

import pytest

from roomschema.schema.compose import entity, field, foreign_key, fts_entity, index, schema, view
from roomschema.verify.build import build_database
from roomschema.verify.roominfo import (Column, CREATED_FROM_DATABASE, CREATED_FROM_ENTITY, Index,
                                        default_value_equals, find_affinity, parse_fts_options,
                                        prepend_indent, trim_margin)
from roomschema.verify.tableinfo import validate

DB = "com.example.AppDatabase"

TAG = entity("tag", [field("id", "INTEGER", True), field("name", "TEXT", True, "'x'")], ["id"])

ID_COLUMN = """        Column {
           name = 'id',
           type = 'INTEGER',
           affinity = '3',
           notNull = 'true',
           primaryKeyPosition = '1',
           defaultValue = 'undefined'
        }"""


def name_column(default: str) -> str:
    return f"""        Column {{
           name = 'name',
           type = 'TEXT',
           affinity = '2',
           notNull = 'true',
           primaryKeyPosition = '0',
           defaultValue = '{default}'
        }}"""


def table_text(*columns: str) -> str:
    return ("TableInfo {\n    name = 'tag',\n    columns = {    \n" + ",\n".join(columns) + "\n    },\n"
            "    foreignKeys = { }\n    indices = { }\n}")


def built(tmp_path, ddl: list, s=None):
    s = s or schema(1, [TAG])
    conn = build_database(schema(1, []), tmp_path / "db.sqlite")
    for sql in ddl:
        conn.execute(sql)
    return s, conn


def test_missing_column_exact_room_message(tmp_path):
    s, conn = built(tmp_path, ["CREATE TABLE `tag` (`id` INTEGER NOT NULL, PRIMARY KEY(`id`))"])
    [m] = validate(conn, s, database_name=DB)
    assert m.room_message == (
        f"Migration didn't properly handle: tag({DB}).\n Expected:\n"
        + table_text(ID_COLUMN, name_column("'x'")) + "\n Found:\n" + table_text(ID_COLUMN))
    assert m.summary == ("tag.name: missing column (expected TEXT NOT NULL DEFAULT 'x')",)
    assert m.helper_message == (
        "Migration didn't properly handle:  tag\n\nExpected:\n\n" + table_text(ID_COLUMN, name_column("'x'"))
        + "\n\nFound:\n\n" + table_text(ID_COLUMN))


def test_wrong_default_exact_room_message(tmp_path):
    s, conn = built(tmp_path, ["CREATE TABLE `tag` (`id` INTEGER NOT NULL, `name` TEXT NOT NULL DEFAULT 'y', "
                               "PRIMARY KEY(`id`))"])
    [m] = validate(conn, s, database_name=DB)
    assert m.room_message == (
        f"Migration didn't properly handle: tag({DB}).\n Expected:\n"
        + table_text(ID_COLUMN, name_column("'x'")) + "\n Found:\n" + table_text(ID_COLUMN, name_column("'y'")))
    assert m.summary == ("tag.name: expected TEXT NOT NULL DEFAULT 'x', found TEXT NOT NULL DEFAULT 'y'",)


def test_wrong_view_exact_room_message(tmp_path):
    s = schema(1, [TAG], views=[view("tag_names", "SELECT name FROM tag")])
    s, conn = built(tmp_path, [TAG.create_sql.replace("${TABLE_NAME}", "tag"),
                               "CREATE VIEW `tag_names` AS SELECT  name FROM tag"], s)
    [m] = validate(conn, s, database_name=DB)
    assert m.room_message == (
        f"Migration didn't properly handle: tag_names({DB}).\n Expected:\n"
        "ViewInfo{name='tag_names', sql='CREATE VIEW `tag_names` AS SELECT name FROM tag'}\n Found:\n"
        "ViewInfo{name='tag_names', sql='CREATE VIEW `tag_names` AS SELECT  name FROM tag'}")
    assert m.helper_message == (
        "Migration didn't properly handle:  tag_names\n\n"
        "Expected: ViewInfo{name='tag_names', sql='CREATE VIEW `tag_names` AS SELECT name FROM tag'}\n\n"
        "Found: ViewInfo{name='tag_names', sql='CREATE VIEW `tag_names` AS SELECT  name FROM tag'}")
    assert m.summary[0].startswith("view tag_names: text differs at char 35:")


def test_missing_view_prints_sql_null(tmp_path):
    s = schema(1, [TAG], views=[view("tag_names", "SELECT name FROM tag")])
    s, conn = built(tmp_path, [TAG.create_sql.replace("${TABLE_NAME}", "tag")], s)
    [m] = validate(conn, s, database_name=DB)
    assert m.room_message.endswith("\n Found:\nViewInfo{name='tag_names', sql='null'}")
    assert m.summary == ("view tag_names: missing",)


def test_foreign_key_and_index_print_kotlin_unit(tmp_path):
    child = entity("child", [field("id", "INTEGER", True), field("tag_id", "INTEGER", True)], ["id"],
                   indices=[index("child", ["tag_id"])],
                   foreign_keys=[foreign_key(["tag_id"], "tag", ["id"], "CASCADE")])
    s = schema(1, [TAG, child])
    s, conn = built(tmp_path, [TAG.create_sql.replace("${TABLE_NAME}", "tag"),
                               "CREATE TABLE `child` (`id` INTEGER NOT NULL, `tag_id` INTEGER NOT NULL, "
                               "PRIMARY KEY(`id`), FOREIGN KEY(`tag_id`) REFERENCES `tag`(`id`) "
                               "ON UPDATE NO ACTION ON DELETE NO ACTION )",
                               "CREATE INDEX `index_child_tag_id` ON `child` (`tag_id`)"], s)
    [m] = validate(conn, s, database_name=DB)
    expected = m.room_message.split("\n Found:\n")[0]
    assert expected.endswith("""    foreignKeys = {    
        ForeignKey {
           referenceTable = 'tag',
           onDelete = 'CASCADE',
           onUpdate = 'NO ACTION',
           columnNames = {kotlin.Unit
           referenceColumnNames = {kotlin.Unit
        }
    },
    indices = {    
        Index {
           name = 'index_child_tag_id',
           unique = 'false',
           columns = {kotlin.Unit
           orders = {kotlin.Unit
        }
    },
}""")
    assert m.summary == ("child: foreign key (tag_id) -> tag(id) ON DELETE CASCADE ON UPDATE NO ACTION: "
                         "found (tag_id) -> tag(id) ON DELETE NO ACTION ON UPDATE NO ACTION",)


def test_index_rules_prefix_order_and_normalized_orders(tmp_path):
    t = entity("t", [field("id", "INTEGER", True), field("a"), field("b")], ["id"],
               indices=[index("t", ["a", "b"]), index("t", ["b"], True, "custom", ["DESC"])])
    s = schema(1, [t])
    base = "CREATE TABLE `t` (`id` INTEGER NOT NULL, `a` TEXT, `b` TEXT, PRIMARY KEY(`id`))"
    # Another index_ name with the same definition passes; a renamed custom index does not.
    _, conn = built(tmp_path, [base, "CREATE INDEX index_other ON t(a, b)", "CREATE UNIQUE INDEX custom ON t(b DESC)"])
    assert validate(conn, s, database_name=DB) == []
    conn.execute("DROP INDEX index_other")
    conn.execute("CREATE INDEX index_t_a_b ON t(b, a)")
    [m] = validate(conn, s, database_name=DB)
    assert m.summary == ("t: index index_t_a_b: expected (a ASC, b ASC), found (b ASC, a ASC)",)
    assert Index("x", False, ("a",), ()) == Index("x", False, ("a",), ("ASC",))


def test_column_equality_rules():
    entity_col = lambda d: Column("c", "INTEGER", True, 0, d, CREATED_FROM_ENTITY)  # noqa: E731
    db_col = lambda d, t="INTEGER", pk=0: Column("c", t, True, pk, d, CREATED_FROM_DATABASE)  # noqa: E731
    assert entity_col(None) == db_col("5")              # entity without default: not compared
    assert entity_col("(5)") == db_col("5")             # outer parentheses forgiven
    assert entity_col("((1) + (2))") == db_col("(1) + (2)")
    assert entity_col("(1) + (2)") != db_col("1) + (2")
    assert entity_col("0") != db_col(None)
    assert entity_col(None) == db_col(None, "BIGINT")   # affinity, not the type name
    assert entity_col(None) != db_col(None, "TEXT")
    assert Column("c", "INTEGER", True, 1, None, 1) == Column("c", "INTEGER", True, 2, None, 2)  # pk>0 only
    assert not default_value_equals("(a", "a")
    assert [find_affinity(t) for t in (None, "VARCHAR(3)", "BIGINT", "DOUBLE", "BLOB", "NUMERIC", "")] == \
        [5, 2, 3, 4, 5, 1, 1]


def test_fts_validation_and_text(tmp_path):
    s = schema(1, [fts_entity("doc_fts", [field("title"), field("body")])])
    s, conn = built(tmp_path, ["CREATE VIRTUAL TABLE doc_fts USING FTS4(title TEXT, body TEXT, tokenize=porter)"], s)
    [m] = validate(conn, s, database_name=DB)
    assert m.room_message == (
        f"Migration didn't properly handle: doc_fts({DB}).\n Expected:\n"
        "FtsTableInfo{name='doc_fts', columns=[title, body], options=[]'}\n Found:\n"
        "FtsTableInfo{name='doc_fts', columns=[title, body], options=[tokenize=porter]'}")
    assert m.summary == ("doc_fts: unexpected FTS option tokenize=porter",)


def test_parse_fts_options_keeps_quoted_commas():
    sql = "CREATE VIRTUAL TABLE t USING FTS4(`a,b` TEXT, tokenize=unicode61 `remove_diacritics=2`, " \
          "content=`x, y`, prefix=`2,4`, order=DESC)"
    assert parse_fts_options(sql) == ("tokenize=unicode61 `remove_diacritics=2`", "content=`x, y`",
                                      "prefix=`2,4`", "order=DESC")


def test_dropped_tables_are_reported_unless_shadow_or_room_owned(tmp_path):
    s = schema(1, [TAG, fts_entity("doc_fts", [field("body")])])
    s, conn = built(tmp_path, [TAG.create_sql.replace("${TABLE_NAME}", "tag"),
                               s.database.entities[1].create_table_sql(), "CREATE TABLE old_tag (x)"], s)
    [m] = validate(conn, s, database_name=DB)
    assert m.kind == "unexpected-table"
    assert m.room_message == "Migration didn't properly handle: Unexpected table old_tag"
    assert validate(conn, s, database_name=DB, validate_dropped_tables=False) == []


def test_entity_names_override_the_database_name(tmp_path):
    s, conn = built(tmp_path, ["CREATE TABLE `tag` (`id` INTEGER NOT NULL, PRIMARY KEY(`id`))"])
    [m] = validate(conn, s, database_name=DB, entity_names={"tag": "com.example.Tag"})
    assert m.room_message.startswith("Migration didn't properly handle: tag(com.example.Tag).\n Expected:\n")


@pytest.mark.parametrize("text, expected", [
    ("\n  |a\n  |b\n  ", "a\nb"),
    ("\n  |a\n  b\n", "a\n  b"),          # a line without the margin is kept as is
    ("x\n |y", "x\ny"),
    ("\n\n |y\n", "\ny"),                 # only the first and last blank lines go
])
def test_trim_margin_matches_kotlin(text, expected):
    assert trim_margin(text) == expected


def test_prepend_indent_matches_kotlin():
    assert prepend_indent("\na\n  \n") == "    \n    a\n    \n    "
    assert prepend_indent("x\n      ") == "    x\n      "
