"""roomschema.verify.seed: realistic, constraint-respecting, deterministic rows."""
from __future__ import annotations

import hashlib
import time

import pytest

from helpers import AVA
from roomschema.schema.compose import entity, field, foreign_key, fts_entity, index, schema
from roomschema.schema.loader import load
from roomschema.verify.build import build_database
from roomschema.verify.seed import seed
from roomschema.verify.tableinfo import validate


def _clean(conn):
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _digest(conn, table) -> str:
    rows = conn.execute(f"SELECT * FROM `{table}` ORDER BY rowid").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_default_is_10000_rows_spread_over_the_tables(tmp_path):
    s = load(AVA / "2.json")
    conn = build_database(s, tmp_path / "db.sqlite")
    counts = seed(conn, s)
    assert sum(counts.values()) == 10_000 and set(counts.values()) == {1250}
    _clean(conn)
    assert validate(conn, s, database_name="x") == []


def test_rows_are_deterministic_and_the_seed_changes_them(tmp_path):
    s = load(AVA / "2.json")
    digests = []
    for i, seed_value in enumerate((0, 0, 7)):
        conn = build_database(s, tmp_path / f"{i}.sqlite")
        seed(conn, s, 800, seed=seed_value)
        digests.append(_digest(conn, "messages"))
        conn.close()
    assert digests[0] == digests[1] != digests[2]


def test_values_cover_nulls_boundaries_unicode_quotes_blobs_and_repeats(tmp_path):
    s = load(AVA / "2.json")
    conn = build_database(s, tmp_path / "db.sqlite")
    seed(conn, s, 8000)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert 0 < one("SELECT count(*) FROM messages WHERE confidence IS NULL") < one("SELECT count(*) FROM messages")
    assert one("SELECT count(*) FROM messages WHERE metadata IS NULL") > 0
    assert one("SELECT count(*) FROM memory WHERE access_count = 9223372036854775807") > 0
    assert one("SELECT count(*) FROM memory WHERE access_count = -1") > 0
    assert one("SELECT count(*) FROM memory WHERE access_count = 0") > 0
    assert one("SELECT count(*) FROM memory WHERE typeof(embedding) = 'blob'") > 0
    assert one("SELECT count(*) FROM messages WHERE content LIKE '%''%'") > 0
    assert one("SELECT count(*) FROM messages WHERE content GLOB '*[^ -~]*'") > 0     # non-ASCII
    assert one("SELECT count(*) FROM messages WHERE instr(content, char(10))") > 0
    assert one("SELECT count(*) FROM messages WHERE content = ''") > 0
    # Repeats in plain columns; several children per parent, and parents without children.
    assert one("SELECT count(DISTINCT role) FROM messages") < 20
    assert one("SELECT max(c) FROM (SELECT count(*) c FROM messages GROUP BY conversation_id)") >= 3
    assert one("SELECT count(*) FROM conversations WHERE id NOT IN (SELECT conversation_id FROM messages)") > 0
    # No two columns of a table follow the same sequence (a swap must show).
    assert one("SELECT count(*) FROM messages WHERE role IS NOT content") > 0.9 * one("SELECT count(*) FROM messages")
    # The 64-bit maximum stays out of AUTOINCREMENT keys: the app's next insert would fail.
    assert one("SELECT max(id) FROM train_examples") < 9223372036854775807
    _clean(conn)


def test_children_interleave_over_a_few_parents_at_a_time(tmp_path):
    """Rows arrive as in an app: neighbours belong to different parents (so an
    index on the key is built from unsorted rows, as a real migration builds it),
    but only a few parents are active at any point (so checking that index row
    by row stays local); some parents get no children."""
    from roomschema.verify.seed import ACTIVE_PARENTS

    s = schema(1, [
        entity("parent", [field("id", "INTEGER", True)], ["id"]),
        entity("child", [field("id", "INTEGER", True), field("parent_id", "INTEGER", True)], ["id"],
               indices=[index("child", ["parent_id"])],
               foreign_keys=[foreign_key(["parent_id"], "parent", ["id"], "CASCADE")]),
    ])
    conn = build_database(s, tmp_path / "db.sqlite")
    seed(conn, s, {"parent": 700, "child": 50_000})
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    keys = [r[0] for r in conn.execute("SELECT parent_id FROM child ORDER BY rowid")]
    assert len(keys) == 50_000
    same_as_previous = sum(a == b for a, b in zip(keys, keys[1:]))
    assert same_as_previous < len(keys) * 0.01
    windows = [len(set(keys[i:i + 4 * ACTIVE_PARENTS])) for i in range(0, len(keys) - 4 * ACTIVE_PARENTS, 997)]
    assert max(windows) <= 2 * ACTIVE_PARENTS and min(windows) >= 2
    where: dict = {}
    for position, key in enumerate(keys):
        where.setdefault(key, []).append(position)
    # A parent's children sit within a stretch of rows a few times their number.
    assert all(p[-1] - p[0] < 3 * ACTIVE_PARENTS * len(p) for p in where.values())
    assert 0 < one("SELECT count(*) FROM parent WHERE id NOT IN (SELECT parent_id FROM child)") < 700 // 3
    _clean(conn)


def test_self_reference_and_cycle_point_at_existing_rows(tmp_path):
    s = schema(1, [
        entity("node", [field("id", "INTEGER", True), field("parent_id", "INTEGER"),
                        field("owner_id", "INTEGER", True)],
               ["id"], foreign_keys=[foreign_key(["parent_id"], "node", ["id"], "CASCADE"),
                                     foreign_key(["owner_id"], "owner", ["id"])]),
        entity("owner", [field("id", "INTEGER", True), field("root_id", "INTEGER", True)], ["id"],
               foreign_keys=[foreign_key(["root_id"], "node", ["id"], "RESTRICT")]),
    ])
    conn = build_database(s, tmp_path / "db.sqlite")
    counts = seed(conn, s, 400)
    assert counts == {"node": 200, "owner": 200}
    assert conn.execute("SELECT count(*) FROM node WHERE parent_id IS NOT NULL").fetchone()[0] > 100
    assert conn.execute("SELECT count(*) FROM node WHERE parent_id IS NULL").fetchone()[0] > 0
    _clean(conn)


def test_unique_keys_made_of_foreign_keys_and_overlapping_keys(tmp_path):
    s = schema(1, [
        entity("a", [field("id", "TEXT", True)], ["id"]),
        entity("b", [field("id", "INTEGER", True), field("tenant", "TEXT", True)], ["id", "tenant"]),
        entity("ab", [field("a_id", "TEXT", True), field("b_id", "INTEGER", True), field("tenant", "TEXT", True),
                      field("note")], ["a_id", "b_id"],
               indices=[index("ab", ["b_id", "tenant"], True)],
               foreign_keys=[foreign_key(["a_id"], "a", ["id"], "CASCADE"),
                             foreign_key(["b_id", "tenant"], "b", ["id", "tenant"], "CASCADE")]),
    ])
    conn = build_database(s, tmp_path / "db.sqlite")
    counts = seed(conn, s, {"a": 5, "b": 30, "ab": 1000})
    assert counts["a"] == 5 and counts["b"] == 30
    assert 0 < counts["ab"] <= 30  # at most one row per b (the unique index), every one valid
    _clean(conn)


def test_fts_tables_standalone_and_with_content(tmp_path):
    s = schema(1, [entity("note", [field("id", "INTEGER", True), field("body")], ["id"]),
                   fts_entity("note_fts", [field("body")], content_table="note"),
                   fts_entity("free_fts", [field("title"), field("body")])])
    conn = build_database(s, tmp_path / "db.sqlite")
    counts = seed(conn, s, 600)
    assert counts["note"] == 300 and counts["free_fts"] == 300
    conn.execute("INSERT INTO note_fts(note_fts) VALUES('integrity-check')")
    conn.execute("INSERT INTO free_fts(free_fts) VALUES('integrity-check')")
    assert conn.execute("SELECT count(*) FROM note_fts WHERE note_fts MATCH 'line'").fetchone()[0] > 0
    assert conn.execute("SELECT count(*) FROM free_fts WHERE free_fts MATCH 'word0'").fetchone()[0] == 300
    triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
    assert triggers == 4  # dropped for speed, recreated afterwards
    assert validate(conn, s, database_name="x") == []


def test_seeding_speed_simple_and_wide_tables(tmp_path):
    simple = schema(1, [entity("t", [field("id", "INTEGER", True), field("a"), field("b", "INTEGER", True)], ["id"])])
    conn = build_database(simple, tmp_path / "simple.sqlite")
    t0 = time.perf_counter()
    n = seed(conn, simple, 200_000)["t"]
    simple_rate = n / (time.perf_counter() - t0)
    ava = load(AVA / "2.json")
    conn = build_database(ava, tmp_path / "ava.sqlite")
    t0 = time.perf_counter()
    total = sum(seed(conn, ava, 200_000).values())
    wide_rate = total / (time.perf_counter() - t0)
    _clean(conn)
    print(f"\nseed: simple table {simple_rate:,.0f} rows/s; AVA v2 (8 tables, text keys, FKs, indices) "
          f"{wide_rate:,.0f} rows/s")
    assert n == 200_000 and total == 200_000


@pytest.mark.parametrize("narrow_first", [True, False], ids=["account-key-declared-first", "account-key-last"])
def test_column_shared_by_two_keys_takes_the_composite_parents_row(tmp_path, narrow_first):
    """pachli's StatusEntity: ``account`` is in (account) -> account and in
    (author, account) -> author. Both keys hold only when ``author`` and ``account``
    come from one author row; picking the account first and then looking for an
    author of it found none where the two tables' children clustered on different
    accounts, and every status row was dropped."""
    to_account = foreign_key(["account_id"], "account", ["id"], on_delete="CASCADE")
    to_author = foreign_key(["author_id", "account_id"], "author", ["server_id", "account_id"])
    s = schema(1, [
        entity("account", [field("id", "INTEGER", True)], ["id"], auto_generate=True),
        entity("author", [field("server_id", "TEXT", True), field("account_id", "INTEGER", True)],
               ["server_id", "account_id"], indices=[index("author", ["account_id"])], foreign_keys=[to_account]),
        entity("status", [field("server_id", "TEXT", True), field("account_id", "INTEGER", True),
                          field("author_id", "TEXT", True)], ["server_id", "account_id"],
               indices=[index("status", ["author_id", "account_id"])],
               foreign_keys=[to_account, to_author] if narrow_first else [to_author, to_account]),
    ])
    conn = build_database(s, tmp_path / "db.sqlite")
    assert seed(conn, s, {"account": 40, "author": 40, "status": 40}) == {"account": 40, "author": 40, "status": 40}
    _clean(conn)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    # every status names an author of its own account, and children still spread over several
    assert one("SELECT count(*) FROM status s JOIN author a ON a.server_id = s.author_id "
               "AND a.account_id = s.account_id") == 40
    assert one("SELECT count(DISTINCT author_id || '/' || account_id) FROM status") >= 8
