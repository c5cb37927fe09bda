"""roomschema.migration.foreign_keys: the rows of PRAGMA foreign_key_check, with a walk that clears clean tables.

This is roomschema's own reading of a database (verify, migrate, the data
check); the generated Kotlin runs Room's pragma alone
(test_generated_kotlin_fk_check.py).

The walk may only ever say "clean" when the pragma returns nothing; every
other answer comes from the pragma itself. The property test throws mixed
storage classes, NULLs, collations, affinities and key shapes at both and
compares; the example tests pin down which path runs.
"""
from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roomschema.migration import foreign_keys as fkc
from roomschema.migration.steps import Step
from roomschema.verify.runner import ForeignKeyViolation, run_step


@pytest.fixture(autouse=True)
def _small_tables_walk(monkeypatch):
    """The examples use tables of thousands of rows: the threshold (tens of
    thousands) comes down to match; test_threshold_is_respected checks that it
    is honoured."""
    monkeypatch.setattr(fkc, "WALK_MIN_ROWS", 4096)


def _pragma_calls(conn) -> list:
    seen = []
    conn.set_trace_callback(lambda sql: seen.append(sql) if "foreign_key_check" in sql else None)
    return seen


def _messages(conn, rows: int, parents: int = 50, orphan_at=None, index: bool = True):
    conn.executescript(
        "CREATE TABLE `conversation` (`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, `title` TEXT);"
        "CREATE TABLE `message` (`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, `conversation_id` INTEGER NOT NULL,"
        " `body` TEXT, FOREIGN KEY(`conversation_id`) REFERENCES `conversation`(`id`)"
        " ON UPDATE NO ACTION ON DELETE CASCADE);")
    if index:
        conn.execute("CREATE INDEX `index_message_conversation_id` ON `message` (`conversation_id`)")
    conn.execute(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {parents}) "
                 "INSERT INTO conversation (id, title) SELECT x, 't' || x FROM c")
    conn.execute(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) "
                 f"INSERT INTO message (id, conversation_id, body) SELECT x, (x * 7) % {parents} + 1, 'b' FROM c")
    if orphan_at is not None:
        conn.execute("UPDATE message SET conversation_id = ? WHERE id = ?", (parents + 1000, orphan_at))


def test_clean_indexed_table_is_cleared_without_the_pragma():
    conn = sqlite3.connect(":memory:")
    _messages(conn, 20_000)
    calls = _pragma_calls(conn)
    assert fkc.foreign_key_violations(conn, "message") == []
    assert not any("PRAGMA" in c for c in calls), calls


@pytest.mark.parametrize("where", [1, 10_000, 20_000])
def test_an_orphan_anywhere_falls_back_to_the_pragma_and_its_rows(where):
    conn = sqlite3.connect(":memory:")
    _messages(conn, 20_000, orphan_at=where)
    calls = _pragma_calls(conn)
    rows = fkc.foreign_key_violations(conn, "message")
    assert rows == conn.execute("PRAGMA foreign_key_check(`message`)").fetchall() == [("message", where, "conversation", 0)]
    assert any(c.startswith("PRAGMA main.foreign_key_check") for c in calls)


def test_room_message_unchanged_through_the_runner():
    conn = sqlite3.connect(":memory:")
    _messages(conn, 20_000, orphan_at=77)
    with pytest.raises(ForeignKeyViolation) as err:
        run_step(conn, Step.foreign_key_check("message"))
    assert str(err.value) == ("Foreign key violation(s) detected in 'message'.\n"
                              "Number of different violations discovered: 1\n"
                              "Number of rows in violation: 1\n"
                              "Violation(s) detected in the following constraint(s):\n"
                              "\tParent Table = conversation, Foreign Key Constraint Index = 0\n")


@pytest.mark.parametrize("case", ["no index", "small table", "many distinct keys", "collate", "two columns",
                                  "parent key not primary", "affinity differs"])
def test_cases_the_walk_leaves_to_the_pragma(case):
    conn = sqlite3.connect(":memory:")
    if case == "no index":
        _messages(conn, 20_000, index=False)
    elif case == "small table":
        _messages(conn, 1_000)
    elif case == "many distinct keys":
        _messages(conn, 20_000, parents=20_000)  # 20,000 distinct values > 20,000 / 16
    else:
        child_col = {"collate": "`p` TEXT COLLATE NOCASE", "affinity differs": "`p` TEXT"}.get(case, "`p` INTEGER")
        pk = "PRIMARY KEY(`a`, `b`)" if case == "two columns" else "PRIMARY KEY(`a`)"
        parent = ("CREATE TABLE `parent` (`a` INTEGER NOT NULL, `b` INTEGER NOT NULL, `u` INTEGER, "
                  f"{pk})")
        if case == "parent key not primary":
            conn.execute(parent)
            conn.execute("CREATE UNIQUE INDEX `pu` ON `parent` (`u`)")
            fk = "FOREIGN KEY(`p`) REFERENCES `parent`(`u`)"
        elif case == "two columns":
            conn.execute(parent)
            child_col += ", `q` INTEGER"
            fk = "FOREIGN KEY(`p`, `q`) REFERENCES `parent`(`a`, `b`)"
        else:
            conn.execute(parent)
            fk = "FOREIGN KEY(`p`) REFERENCES `parent`(`a`)"
        conn.execute(f"CREATE TABLE `child` (`id` INTEGER PRIMARY KEY, {child_col}, {fk})")
        conn.execute("CREATE INDEX `ip` ON `child` (`p`)")
        conn.execute("INSERT INTO parent (a, b, u) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                     "WHERE x < 10) SELECT x, x, x FROM c")
        conn.execute("INSERT INTO child (id, p" + (", q" if case == "two columns" else "") + ") "
                     "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                     "SELECT x, x % 10 + 1" + (", x % 10 + 1" if case == "two columns" else "") + " FROM c")
    table = "message" if case in ("no index", "small table", "many distinct keys") else "child"
    calls = _pragma_calls(conn)
    expected = conn.execute(f"PRAGMA foreign_key_check(`{table}`)").fetchall()
    calls.clear()
    assert fkc.foreign_key_violations(conn, table) == expected
    assert any(c.startswith("PRAGMA main.foreign_key_check") for c in calls), case


def test_a_hand_written_whole_database_check_runs_as_written():
    conn = sqlite3.connect(":memory:")
    _messages(conn, 5_000, orphan_at=3)
    step = Step("PRAGMA foreign_key_check", "foreign_key_check", None)
    assert fkc.step_violations(conn, step) == [("message", 3, "conversation", 0)]


# --- property: the same verdict and rows as the pragma, whatever is stored ---------------------------

_VALUES = st.one_of(st.none(), st.integers(-3, 12), st.sampled_from([1.0, 2.5, 3.0, -0.0]),
                    st.sampled_from(["1", "a", "A", "a ", "3.0", ""]),
                    st.sampled_from([b"1", b"a", b""]))
_TYPES = ["INTEGER", "TEXT", "REAL", "BLOB", "NUMERIC", ""]


# The patched limits are the same for every example: the fixture not being reset is harmless.
@settings(max_examples=600, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(parent_type=st.sampled_from(_TYPES), child_type=st.sampled_from([None] * len(_TYPES) + _TYPES),
       parent_collate=st.sampled_from(["", " COLLATE NOCASE", " COLLATE RTRIM"]),
       child_collate=st.sampled_from(["", " COLLATE NOCASE"]),
       rowid_alias=st.booleans(), index=st.sampled_from([True, True, False]),
       parents=st.lists(_VALUES, max_size=8), children=st.lists(_VALUES, min_size=1, max_size=40))
# An orphan right after a parent value (a walk that skips a step), a case-only
# difference, a number stored as text, and trailing spaces under RTRIM.
@example(parent_type="INTEGER", child_type=None, parent_collate="", child_collate="", rowid_alias=True,
         index=True, parents=[1], children=[1, 2])
@example(parent_type="TEXT", child_type=None, parent_collate="", child_collate=" COLLATE NOCASE",
         rowid_alias=False, index=True, parents=["a"], children=["a", "A"])
@example(parent_type="TEXT", child_type="INTEGER", parent_collate="", child_collate="", rowid_alias=False,
         index=True, parents=["1"], children=[1, "1"])
@example(parent_type="TEXT", child_type=None, parent_collate=" COLLATE RTRIM", child_collate="",
         rowid_alias=False, index=True, parents=["a"], children=["a ", "a", None])
def test_same_rows_as_the_pragma(monkeypatch, parent_type, child_type, parent_collate, child_collate, rowid_alias,
                                 index, parents, children):
    # Walk every table, however small, and as far as it goes.
    monkeypatch.setattr(fkc, "WALK_MIN_ROWS", 0)
    monkeypatch.setattr(fkc, "WALK_SHARE", 1)
    conn = sqlite3.connect(":memory:")
    child_type = parent_type if child_type is None else child_type  # the same affinity half the time
    key_type = "INTEGER" if rowid_alias else parent_type
    conn.execute(f"CREATE TABLE parent (k {key_type}{parent_collate} PRIMARY KEY)")
    conn.execute(f"CREATE TABLE child (id INTEGER PRIMARY KEY, p {child_type}{child_collate} "
                 "REFERENCES parent(k))")
    if index:
        conn.execute("CREATE INDEX child_p ON child (p)")
    for v in parents:
        try:
            conn.execute("INSERT INTO parent (k) VALUES (?)", (v,))
        except sqlite3.Error:
            pass  # a duplicate key, or a non-integer rowid
    conn.executemany("INSERT INTO child (p) VALUES (?)", [(v,) for v in children])
    try:
        expected = conn.execute("PRAGMA foreign_key_check(child)").fetchall()
    except sqlite3.Error as err:
        with pytest.raises(sqlite3.Error) as ours:
            fkc.foreign_key_violations(conn, "child")
        assert str(ours.value) == str(err)
        return
    assert fkc.foreign_key_violations(conn, "child") == expected


def test_hostile_names_are_quoted_in_the_walk():
    parent, child, key = 'p"""${p}`', "c`; DROP TABLE x; --", "k`$k\\"
    q = lambda n: "`" + n.replace("`", "``") + "`"  # noqa: E731
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE {q(parent)} (`id` INTEGER PRIMARY KEY)")
    conn.execute(f"CREATE TABLE {q(child)} (`id` INTEGER PRIMARY KEY, {q(key)} INTEGER, "
                 f"FOREIGN KEY({q(key)}) REFERENCES {q(parent)}(`id`))")
    conn.execute(f"CREATE INDEX `i` ON {q(child)} ({q(key)})")
    conn.execute(f"INSERT INTO {q(parent)} (id) VALUES (1), (2)")
    conn.execute(f"INSERT INTO {q(child)} ({q(key)}) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                 "FROM c WHERE x < 5000) SELECT x % 2 + 1 FROM c")
    calls = _pragma_calls(conn)
    assert fkc.foreign_key_violations(conn, child) == []
    assert not any("PRAGMA" in c and "foreign_key_check" in c for c in calls)
    conn.execute(f"UPDATE {q(child)} SET {q(key)} = 3 WHERE id = 9")
    assert fkc.foreign_key_violations(conn, child) == [(child, 9, parent, 0)]


def test_threshold_is_respected():
    """Below WALK_MIN_ROWS the pragma runs; at it, a clean table is cleared by the walk."""
    conn = sqlite3.connect(":memory:")
    _messages(conn, fkc.WALK_MIN_ROWS - 1)
    calls = _pragma_calls(conn)
    assert fkc.foreign_key_violations(conn, "message") == []
    assert any(c.startswith("PRAGMA main.foreign_key_check") for c in calls)
    conn.execute("INSERT INTO message (id, conversation_id, body) VALUES (?, 1, 'b')", (fkc.WALK_MIN_ROWS,))
    calls.clear()
    assert fkc.foreign_key_violations(conn, "message") == []
    assert not any("PRAGMA" in c for c in calls), calls
