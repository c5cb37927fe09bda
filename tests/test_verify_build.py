"""roomschema.verify.build and the corpus round trip: build, seed, validate."""
from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path

import pytest

from helpers import AVA, CORPUS, NO_CORPUS, corpus_files, file_id, requires_corpus
from roomschema.schema.compose import entity, field, fts_entity, index, schema, view
from roomschema.schema.discovery import find_databases, version_files
from roomschema.schema.loader import load
from roomschema.verify.build import _java_small_sort, build_database, create_statements
from roomschema.verify.seed import seed
from roomschema.verify.tableinfo import validate

# --- tests ------------------------------------------------------------------------

@requires_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=file_id)
def test_corpus_schema_builds_seeds_and_validates_against_itself(path, tmp_path):
    s = load(path)
    conn = build_database(s, tmp_path / "db.sqlite")
    try:
        counts = seed(conn, s, 40 * len(s.database.entities))
        assert all(n > 0 for n in counts.values()), counts
        assert validate(conn, s, database_name=path.parent.name) == []
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == s.version
        assert conn.execute("SELECT identity_hash FROM room_master_table WHERE id = 42").fetchone()[0] \
            == s.database.identity_hash
    finally:
        conn.close()


def _manifest_versions(spec: str) -> list:
    """MANIFEST.tsv's versions column: "1-14", "2", "10-54, then 56-70 even only (real gaps)"."""
    versions = []
    for part in spec.split(","):
        m = re.search(r"(\d+)(?:-(\d+))?", part)
        assert m, f"unreadable versions in MANIFEST.tsv: {spec!r}"
        versions += range(int(m[1]), int(m[2] or m[1]) + 1, 2 if "even only" in part else 1)
    return versions


def test_corpus_has_every_export_its_manifest_lists():
    """The manifest, not a count written here, says what the corpus holds; both
    roomschema's discovery and the corpus tests' own list must find all of it."""
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    expected = {CORPUS / r["source_repository"].replace("/", "__") / Path(r["schema_folder_in_source"]).name:
                _manifest_versions(r["versions"]) for r in rows}
    assert len(expected) == len(rows)
    assert {folder: list(version_files(folder)) for folder in find_databases(CORPUS)} == expected
    assert corpus_files() == [folder / f"{v}.json" for folder in sorted(expected, key=str) for v in expected[folder]]


def test_fts_entity_is_created_after_its_content_table_then_triggers():
    s = schema(1, [fts_entity("note_fts", [field("body")], content_table="note"),
                   entity("note", [field("id", "INTEGER", True), field("body")], ["id"],
                          indices=[index("note", ["body"])]),
                   entity("tag", [field("id", "INTEGER", True)], ["id"])],
               views=[view("v", "SELECT id FROM note")])
    stmts = create_statements(s)
    assert stmts[0].startswith("CREATE TABLE IF NOT EXISTS `note`")
    assert stmts[1] == "CREATE INDEX IF NOT EXISTS `index_note_body` ON `note` (`body`)"
    assert stmts[2].startswith("CREATE VIRTUAL TABLE IF NOT EXISTS `note_fts` USING FTS4")
    assert [x.split()[5] for x in stmts[3:7]] == [f"room_fts_content_sync_note_fts_{w}" for w in
                                                  ("BEFORE_UPDATE", "BEFORE_DELETE", "AFTER_UPDATE", "AFTER_INSERT")]
    assert stmts[7].startswith("CREATE TABLE IF NOT EXISTS `tag`")
    assert stmts[8] == "CREATE VIEW `v` AS SELECT id FROM note"
    assert stmts[9:] == list(s.database.setup_queries)


def test_comparator_is_not_a_total_order_and_the_java_sort_keeps_that_quirk(tmp_path):
    # FTS, unrelated, content: every neighbouring pair compares equal, so Java's TimSort sees one
    # ascending run and changes nothing; the triggers then name a table that does not exist yet.
    # MigrationTestHelper fails the same way on such a database, so the build must too.
    s = schema(1, [fts_entity("note_fts", [field("body")], content_table="note"),
                   entity("tag", [field("id", "INTEGER", True)], ["id"]),
                   entity("note", [field("id", "INTEGER", True), field("body")], ["id"])])
    stmts = create_statements(s)
    assert stmts[0].startswith("CREATE VIRTUAL TABLE IF NOT EXISTS `note_fts`")
    assert stmts[1].startswith("CREATE TRIGGER IF NOT EXISTS room_fts_content_sync_note_fts_BEFORE_UPDATE")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        build_database(s, tmp_path / "db.sqlite")


def test_java_small_sort_follows_runs_then_binary_insertion():
    cmp = lambda x, y: (1 if (x, y) == ("a", "c") else -1 if (x, y) == ("c", "a") else 0)  # noqa: E731
    assert _java_small_sort(["a", "b", "c"], cmp) == ["a", "b", "c"]  # one ascending run
    assert _java_small_sort(["a", "c"], cmp) == ["c", "a"]            # a descending run is reversed
    assert _java_small_sort(["a", "c", "b"], cmp) == ["c", "a", "b"]  # then b is inserted after equals


def test_build_refuses_an_existing_file_and_uses_room_connection_settings(tmp_path):
    s = load(AVA / "1.json")
    conn = build_database(s, tmp_path / "db.sqlite", legacy_alter_table=False)
    assert conn.isolation_level is None and not conn.in_transaction
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA legacy_alter_table").fetchone()[0] == 0
    conn.close()
    with pytest.raises(FileExistsError):
        build_database(s, tmp_path / "db.sqlite")


def test_build_rolls_back_on_bad_sql(tmp_path):
    bad = schema(1, [entity("t", [field("id", "INTEGER", True)], ["id"])], views=[view("v", "SELECT nope(")])
    with pytest.raises(sqlite3.Error):
        build_database(bad, tmp_path / "db.sqlite")
    check = sqlite3.connect(tmp_path / "db.sqlite")
    assert check.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    check.close()
