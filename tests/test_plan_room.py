"""The planner against Room's own AutoMigration cases
(docs/room-format.md#schemadiffer, #automigrationwriter-sql and #room-test-fixtures).

Expected statements are Room's AutoMigrationWriter output, written out by hand
from the reference; ordering is part of the assertion.
"""
from __future__ import annotations

import sqlite3

from roomschema.schema.compose import entity, field, foreign_key, fts_entity, index, schema, view
from roomschema.migration.declarations import Declarations
from roomschema.migration.plan import plan_migration

SONG_V1 = entity("Song", [field("id", "INTEGER", True), field("title", "TEXT", True), field("length", "INTEGER", True)],
                 primary_key=["id"])


def sqls(plan):
    assert plan.ok, [d.message for d in plan.decisions]
    return [s.sql for s in plan.steps]


def test_added_column_with_default():
    new = entity("Song", list(SONG_V1.fields) + [field("artistId", "INTEGER", True, "0")], primary_key=["id"])
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [new]))) == [
        "ALTER TABLE `Song` ADD COLUMN `artistId` INTEGER NOT NULL DEFAULT 0"]


def test_added_nullable_column_with_empty_default_is_default_null():
    new = entity("Song", list(SONG_V1.fields) + [field("artistId", "INTEGER", False, "")], primary_key=["id"])
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [new]))) == [
        "ALTER TABLE `Song` ADD COLUMN `artistId` INTEGER DEFAULT NULL"]


def test_added_columns_keep_to_schema_order_and_same_name_in_two_tables():
    a1 = entity("A", [field("id", "INTEGER", True)], primary_key=["id"])
    b1 = entity("B", [field("id", "INTEGER", True)], primary_key=["id"])
    a2 = entity("A", list(a1.fields) + [field("z", "TEXT"), field("y", "TEXT")], primary_key=["id"])
    b2 = entity("B", list(b1.fields) + [field("z", "TEXT")], primary_key=["id"])
    assert sqls(plan_migration(schema(1, [a1, b1]), schema(2, [a2, b2]))) == [
        "ALTER TABLE `A` ADD COLUMN `z` TEXT DEFAULT NULL",
        "ALTER TABLE `A` ADD COLUMN `y` TEXT DEFAULT NULL",
        "ALTER TABLE `B` ADD COLUMN `z` TEXT DEFAULT NULL"]


def test_added_table_with_index():
    art = entity("Artist", [field("id", "INTEGER", True), field("name", "TEXT")], primary_key=["id"],
                 auto_generate=True, indices=[index("Artist", ["name"], unique=True)])
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [SONG_V1, art]))) == [
        "CREATE TABLE IF NOT EXISTS `Artist` (`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, `name` TEXT)",
        "CREATE UNIQUE INDEX IF NOT EXISTS `index_Artist_name` ON `Artist` (`name`)"]


def test_deleted_table_needs_declaration_then_drops():
    art = entity("Artist", [field("id", "INTEGER", True)], primary_key=["id"])
    old, new = schema(1, [SONG_V1, art]), schema(2, [SONG_V1])
    p = plan_migration(old, new)
    assert [d.kind for d in p.decisions] == ["table-removed"]
    assert "--delete-table Artist" in p.decisions[0].flags
    assert '@DeleteTable(tableName = "Artist")' in p.decisions[0].room
    assert sqls(plan_migration(old, new, Declarations(delete_tables=("Artist",)))) == ["DROP TABLE `Artist`"]


def test_simple_table_rename():
    renamed = entity("SongTable", SONG_V1.fields, primary_key=["id"])
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [renamed]),
                               Declarations(rename_tables={"Song": "SongTable"}))) == [
        "ALTER TABLE `Song` RENAME TO `SongTable`"]


def test_multi_column_rename_with_table_rename_is_one_rebuild():
    # Room's ValidMultiColumnRename: one complex entry, prefix _new_SongTable, renames map.
    new = entity("SongTable", [field("id", "INTEGER", True), field("songTitle", "TEXT", True),
                               field("songLength", "INTEGER", True)], primary_key=["id"])
    decl = Declarations(rename_tables={"Song": "SongTable"},
                        rename_columns={("Song", "title"): "songTitle", ("Song", "length"): "songLength"})
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [new]), decl)) == [
        "CREATE TABLE IF NOT EXISTS `_new_SongTable` (`id` INTEGER NOT NULL, `songTitle` TEXT NOT NULL, "
        "`songLength` INTEGER NOT NULL, PRIMARY KEY(`id`))",
        "INSERT INTO `_new_SongTable` (`id`,`songTitle`,`songLength`) SELECT `id`,`title`,`length` FROM `Song`",
        "DROP TABLE `Song`",
        "ALTER TABLE `_new_SongTable` RENAME TO `SongTable`"]


def test_renamed_column_without_declaration_is_a_decision_with_suggestion():
    new = entity("Song", [field("id", "INTEGER", True), field("name", "TEXT", True),
                          field("length", "INTEGER", True)], primary_key=["id"])
    p = plan_migration(schema(1, [SONG_V1]), schema(2, [new]))
    assert [d.kind for d in p.decisions] == ["column-removed"]
    d = p.decisions[0]
    assert "Did you mean --rename-column Song.title=name?" in d.message
    assert d.flags[:2] == ("--rename-column Song.title=name", "--delete-column Song.title")
    assert d.room[0] == '@RenameColumn(tableName = "Song", fromColumnName = "title", toColumnName = "name")'


def test_deleted_column_rebuilds():
    new = entity("Song", [field("id", "INTEGER", True), field("title", "TEXT", True)], primary_key=["id"])
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [new]),
                               Declarations(delete_columns=(("Song", "length"),)))) == [
        "CREATE TABLE IF NOT EXISTS `_new_Song` (`id` INTEGER NOT NULL, `title` TEXT NOT NULL, PRIMARY KEY(`id`))",
        "INSERT INTO `_new_Song` (`id`,`title`) SELECT `id`,`title` FROM `Song`",
        "DROP TABLE `Song`",
        "ALTER TABLE `_new_Song` RENAME TO `Song`"]


def test_index_change_rebuilds_and_recreates_indices():
    new = entity("Song", SONG_V1.fields, primary_key=["id"], indices=[index("Song", ["title"])])
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [new]))) == [
        "CREATE TABLE IF NOT EXISTS `_new_Song` (`id` INTEGER NOT NULL, `title` TEXT NOT NULL, "
        "`length` INTEGER NOT NULL, PRIMARY KEY(`id`))",
        "INSERT INTO `_new_Song` (`id`,`title`,`length`) SELECT `id`,`title`,`length` FROM `Song`",
        "DROP TABLE `Song`",
        "ALTER TABLE `_new_Song` RENAME TO `Song`",
        "CREATE INDEX IF NOT EXISTS `index_Song_title` ON `Song` (`title`)"]


def test_foreign_key_change_puts_all_checks_after_the_rebuilds():
    art = entity("Artist", [field("id", "INTEGER", True)], primary_key=["id"])
    alb = entity("Album", [field("id", "INTEGER", True), field("artistId", "INTEGER")], primary_key=["id"])
    song2 = entity("Song", list(SONG_V1.fields) + [field("artistId", "INTEGER")], primary_key=["id"],
                   foreign_keys=[foreign_key(["artistId"], "Artist", ["id"], "CASCADE")])
    song1 = entity("Song", song2.fields, primary_key=["id"])
    alb2 = entity("Album", alb.fields, primary_key=["id"],
                  foreign_keys=[foreign_key(["artistId"], "Artist", ["id"], "SET NULL")])
    p = plan_migration(schema(1, [art, song1, alb]), schema(2, [art, song2, alb2]))
    out = sqls(p)
    assert out[-2:] == ["PRAGMA foreign_key_check(`Song`)", "PRAGMA foreign_key_check(`Album`)"]
    assert [s.kind for s in p.steps[-2:]] == ["foreign_key_check"] * 2
    assert out[1] == "INSERT INTO `_new_Song` (`id`,`title`,`length`,`artistId`) " \
                     "SELECT `id`,`title`,`length`,`artistId` FROM `Song`"
    assert out[4].startswith("CREATE TABLE IF NOT EXISTS `_new_Album`")


def test_fk_to_renamed_table_makes_child_complex():
    art = entity("Artist", [field("id", "INTEGER", True)], primary_key=["id"])
    song1 = entity("Song", [field("id", "INTEGER", True), field("artistId", "INTEGER")], primary_key=["id"],
                   foreign_keys=[foreign_key(["artistId"], "Artist", ["id"])])
    singer = entity("Singer", art.fields, primary_key=["id"])
    song2 = entity("Song", song1.fields, primary_key=["id"], foreign_keys=[foreign_key(["artistId"], "Singer", ["id"])])
    out = sqls(plan_migration(schema(1, [art, song1]), schema(2, [singer, song2]),
                              Declarations(rename_tables={"Artist": "Singer"})))
    assert out[0] == "ALTER TABLE `Artist` RENAME TO `Singer`"
    assert out[1].startswith("CREATE TABLE IF NOT EXISTS `_new_Song`")
    assert out[-1] == "PRAGMA foreign_key_check(`Song`)"


def test_views_dropped_first_and_recreated_last():
    v1 = view("SongTitles", "SELECT title FROM Song")
    v2 = view("SongTitles", "SELECT title, length FROM Song")
    new = entity("Song", list(SONG_V1.fields) + [field("year", "INTEGER")], primary_key=["id"])
    assert sqls(plan_migration(schema(1, [SONG_V1], [v1]), schema(2, [new], [v2]))) == [
        "DROP VIEW SongTitles",
        "ALTER TABLE `Song` ADD COLUMN `year` INTEGER DEFAULT NULL",
        "CREATE VIEW `SongTitles` AS SELECT title, length FROM Song"]


def test_pure_reorder_emits_only_views():
    reordered = entity("Song", list(reversed(SONG_V1.fields)), primary_key=["id"])
    v = view("V", "SELECT 1")
    assert sqls(plan_migration(schema(1, [SONG_V1], [v]), schema(2, [reordered], [v]))) == [
        "DROP VIEW V", "CREATE VIEW `V` AS SELECT 1"]


def test_fts_with_content_table_is_recreated_last_from_its_content():
    mail = entity("Mail", [field("id", "INTEGER", True), field("subject", "TEXT"), field("body", "TEXT")],
                  primary_key=["id"])
    fts1 = fts_entity("MailFts", [field("subject"), field("body")], content_table="Mail")
    fts2 = fts_entity("MailFts", [field("subject"), field("body")], content_table="Mail", tokenizer="porter")
    mail2 = entity("Mail", mail.fields, primary_key=["id"], indices=[index("Mail", ["subject"])])
    out = sqls(plan_migration(schema(1, [mail, fts1]), schema(2, [mail2, fts2])))
    assert out[-3:] == [
        "DROP TABLE `MailFts`",
        "CREATE VIRTUAL TABLE IF NOT EXISTS `MailFts` USING FTS4(`subject` TEXT, `body` TEXT, tokenize=porter, "
        "content=`Mail`)",
        "INSERT INTO `MailFts` (`subject`,`body`,`docid`) SELECT `subject`,`body`,`rowId` FROM `Mail`"]
    assert out[0].startswith("CREATE TABLE IF NOT EXISTS `_new_Mail`")


def test_new_not_null_column_without_default_is_a_decision_with_room_text():
    new = entity("Song", list(SONG_V1.fields) + [field("plays", "INTEGER", True)], primary_key=["id"])
    p = plan_migration(schema(1, [SONG_V1]), schema(2, [new]))
    assert [d.message for d in p.decisions] == [
        "New NOT NULL column'plays' added with no default value specified. "
        "Please specify the default value using @ColumnInfo."]
    assert p.decisions[0].flags == ("--fill Song.plays=<SQL value>",)


def _apply(old, plan, rows):
    conn = sqlite3.connect(":memory:")
    for e in old.database.entities:
        conn.execute(e.create_table_sql())
    conn.executemany("INSERT INTO Song VALUES (?, ?, ?)", rows)
    for s in plan.steps:
        conn.execute(s.sql)
    return conn


def test_fill_goes_beyond_room_inside_the_rebuild():
    new = entity("Song", list(SONG_V1.fields) + [field("plays", "INTEGER", True)], primary_key=["id"])
    p = plan_migration(schema(1, [SONG_V1]), schema(2, [new]), Declarations(fills={("Song", "plays"): "length * 2"}))
    assert p.ok and not p.room_exact
    assert p.steps[1].sql == ("INSERT INTO `_new_Song` (`id`,`title`,`length`,`plays`) "
                              "SELECT `id`,`title`,`length`,(length * 2) FROM `Song`")
    assert "filled with length * 2" in p.steps[1].deviation
    conn = _apply(schema(1, [SONG_V1]), p, [(1, "a", 10), (2, "b", 20)])
    assert conn.execute("SELECT id, plays FROM Song ORDER BY id").fetchall() == [(1, 20), (2, 40)]


def test_not_null_tightening_uses_ifnull_with_default():
    old = entity("Song", [field("id", "INTEGER", True), field("title", "TEXT"), field("length", "INTEGER", True)],
                 primary_key=["id"])
    new = entity("Song", [field("id", "INTEGER", True), field("title", "TEXT", True, "'untitled'"),
                          field("length", "INTEGER", True)], primary_key=["id"])
    p = plan_migration(schema(1, [old]), schema(2, [new]))
    assert "IFNULL(`title`, 'untitled')" in p.steps[1].sql
    conn = _apply(schema(1, [old]), p, [(1, None, 1), (2, "x", 2)])
    assert conn.execute("SELECT title FROM Song ORDER BY id").fetchall() == [("untitled",), ("x",)]
    # without a default it is a person's decision
    bare = entity("Song", [field("id", "INTEGER", True), field("title", "TEXT", True),
                           field("length", "INTEGER", True)], primary_key=["id"])
    assert [d.kind for d in plan_migration(schema(1, [old]), schema(2, [bare])).decisions] == ["not-null-tightened"]


def test_non_constant_default_is_added_by_rebuild():
    new = entity("Song", list(SONG_V1.fields) + [field("added", "TEXT", False, "CURRENT_TIMESTAMP")],
                 primary_key=["id"])
    p = plan_migration(schema(1, [SONG_V1]), schema(2, [new]))
    assert p.steps[0].sql.startswith("CREATE TABLE IF NOT EXISTS `_new_Song`")
    _apply(schema(1, [SONG_V1]), p, [(1, "a", 1)])  # ADD COLUMN would raise here


def test_min_sdk_30_renames_in_place():
    new = entity("Song", [field("id", "INTEGER", True), field("name", "TEXT", True),
                          field("length", "INTEGER", True)], primary_key=["id"])
    decl = Declarations(rename_columns={("Song", "title"): "name"})
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [new]), decl, min_sdk=30)) == [
        "ALTER TABLE `Song` RENAME COLUMN `title` TO `name`"]
    assert sqls(plan_migration(schema(1, [SONG_V1]), schema(2, [new]), decl, min_sdk=29))[0].startswith(
        "CREATE TABLE IF NOT EXISTS `_new_Song`")


def test_names_are_quoted_so_they_cannot_inject():
    evil = "x`; DROP TABLE Song; --"
    old = entity(evil, [field("id", "INTEGER", True), field("a`b", "TEXT")], primary_key=["id"])
    new = entity(evil, [field("id", "INTEGER", True)], primary_key=["id"])
    p = plan_migration(schema(1, [old]), schema(2, [new]), Declarations(delete_columns=((evil, "a`b"),)))
    assert "SELECT `id` FROM `x``; DROP TABLE Song; --`" in p.steps[1].sql
    assert "DROP TABLE `x``; DROP TABLE Song; --`" == p.steps[2].sql
