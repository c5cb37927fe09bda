"""Splitting a migration SQL file the way SQLite reads it."""
from __future__ import annotations

import sqlite3

import pytest

from helpers import AVA, run_cli
from roomschema.errors import RoomSchemaError
from roomschema.migration.sources import read_steps, split_statements, steps_from_sql


def test_semicolons_inside_strings_comments_and_triggers_do_not_split():
    text = ("-- a comment; not a statement\n"
            "ALTER TABLE `a` ADD COLUMN `x` TEXT DEFAULT 'a;b';\n"
            "/* block; comment */ CREATE TRIGGER `t` AFTER INSERT ON `a` BEGIN\n"
            "  UPDATE `a` SET `x` = ';'; DELETE FROM `a` WHERE 0;\n"
            "END;\n"
            "INSERT INTO `a` (`x`) VALUES (\"q;\");\n")
    sql = [s.sql for s in split_statements(text)]
    assert sql == ["ALTER TABLE `a` ADD COLUMN `x` TEXT DEFAULT 'a;b'",
                   "CREATE TRIGGER `t` AFTER INSERT ON `a` BEGIN\n  UPDATE `a` SET `x` = ';'; DELETE FROM `a` "
                   "WHERE 0;\nEND",
                   "INSERT INTO `a` (`x`) VALUES (\"q;\")"]


def test_statements_run_in_sqlite_exactly_as_split():
    text = ("CREATE TABLE `a` (`x` TEXT);\n"
            "CREATE TRIGGER `t` AFTER INSERT ON `a` BEGIN UPDATE `a` SET `x` = 'x;y'; END;\n"
            "INSERT INTO `a` VALUES ('1;2')")  # the last ';' is optional
    conn = sqlite3.connect(":memory:")
    for s in split_statements(text):
        conn.execute(s.sql)
    assert conn.execute("SELECT x FROM a").fetchall() == [("x;y",)]


def test_comment_paragraph_above_a_statement_is_its_why_and_lines_are_counted():
    text = "-- header\n\n-- add column a.x\n-- (nullable)\nALTER TABLE a ADD x;\n\n\nDROP TABLE b;"
    first, second = split_statements(text)
    assert (first.why, first.line) == ("add column a.x (nullable)", 5)
    assert (second.why, second.line) == ("", 8)


def test_foreign_key_check_becomes_its_own_step_and_transactions_are_dropped():
    steps = steps_from_sql("BEGIN TRANSACTION;\nPRAGMA foreign_key_check(`my``table`);\n"
                           "pragma Foreign_Key_Check;\nCOMMIT;\nEND TRANSACTION;")
    assert [(s.kind, s.table) for s in steps] == [("foreign_key_check", "my`table"), ("foreign_key_check", None)]
    assert all(s.is_foreign_key_check for s in steps)


def test_comment_only_and_empty_statements_are_skipped():
    assert split_statements("-- nothing\n;\n/* still nothing */;\n") == []
    assert split_statements("") == []


@pytest.mark.parametrize("text", ["SELECT 'open", "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;",
                                  "SELECT 1; /* never closed"])
def test_an_unterminated_statement_is_an_error_naming_its_line(text):
    if text.endswith("closed"):
        assert [s.sql for s in split_statements(text)] == ["SELECT 1"]
        return
    with pytest.raises(RoomSchemaError, match="line 1: statement never ends"):
        split_statements(text)


def test_generated_sql_round_trips_to_the_plans_steps(tmp_path):
    from roomschema.cli.migrations import build_plan
    from roomschema.cli.common import Project
    from roomschema.cli.options import DeclarationFlags
    from roomschema.config import Config
    from roomschema.schema.loader import load

    out = tmp_path / "m.sql"
    r = run_cli("generate", AVA / "1.json", AVA / "2.json", "--sql", out)
    assert r.returncode == 0, r.stderr
    plan = build_plan(Project(AVA, Config()), load(AVA / "1.json"), load(AVA / "2.json"), DeclarationFlags())
    steps = read_steps(out)
    # A plain statement's table is not in the file; a foreign key check names its own.
    key = lambda s: (s.sql, s.kind, s.table if s.is_foreign_key_check else None)  # noqa: E731
    assert [key(s) for s in steps] == [key(s) for s in plan.steps]
    assert [s.why for s in steps] == [s.why for s in plan.steps]


def test_unreadable_file_is_bad_input(tmp_path):
    bad = tmp_path / "m.sql"
    bad.write_bytes(b"SELECT '\xff';")
    with pytest.raises(RoomSchemaError, match="not UTF-8"):
        read_steps(bad)
