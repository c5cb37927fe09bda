"""Room hashes a @DatabaseView query with the whitespace its source put around it and exports it
trimmed (docs/room-format.md#identity-hash): ``hash`` and ``check`` recover that whitespace instead
of reporting Room's own files as mismatches.

The schemas here are built with ``compose``; their stored hash is computed the way Room does
(MD5 of the sorted entity keys, then the sorted keys of the untrimmed view queries), with the
view part written out with hashlib so it does not depend on the code under test.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path

import pytest

from helpers import AVA, CORPUS, check, commit_all, make_repo, ready, requires_corpus, run_cli, write_schema
from roomschema.schema import compose
from roomschema.schema.identity import check as check_identity, check_history, entity_key
from roomschema.schema.loader import load
from roomschema.schema.validation import file_errors
from roomschema.schema.writer import dumps


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def room_hash(entities, views: dict) -> str:
    """Room's SchemaIdentityKey of ``entities`` and ``{query as written in the source: ...}``."""
    parts = sorted((entity_key(e) for e in entities), key=str.lower)
    parts += sorted((_md5(q + "?:?") for q in views), key=str.lower)
    return _md5("".join(p + "?:?" for p in parts))


def as_room_wrote(version: int, entities, views: list, stored: str = ""):
    """A schema file with views whose stored hash Room computed from ``(name, before, query, after)``
    (or ``stored``, a hash no source produced)."""
    s = compose.schema(version, entities, [compose.view(n, q) for n, _, q, _ in views])
    h = stored or room_hash(entities, {b + q + a: n for n, b, q, a in views})
    db = s.database
    setup = (db.setup_queries[0], db.setup_queries[1].replace(db.identity_hash, h))
    return dataclasses.replace(s, database=dataclasses.replace(db, identity_hash=h, setup_queries=setup))


PERSON = compose.entity("person", [compose.field("id", "INTEGER", True), compose.field("name"),
                                   compose.field("age", "INTEGER")], ["id"])
ADULTS = "SELECT id, name FROM person WHERE age >= 18"
NAMES = "SELECT name FROM person"
IDS = "SELECT id FROM person"

# What source code puts around a query, each as one test case.
SHAPES = {
    "kotlin raw string, closing quotes indented 4": ("\n      ", "\n    "),  # simple-android
    "kotlin raw string at column 0": ("\n", "\n"),  # pachli
    "kotlin raw string, query indented 4 deeper": ("\n            ", "\n        "),
    "kotlin raw string, tabs": ("\n\t\t", "\n\t"),
    "query on the line of the opening quotes": ("", "\n    "),
    "closing quotes on the query's line": ("\n    ", ""),
    "java text block": ("", "\n"),
    "java concatenation ending in a space": ("", " "),
    "a space on both sides": (" ", " "),
    "as exported": ("", ""),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_each_whitespace_shape_is_recovered(shape):
    before, after = shape
    s = as_room_wrote(1, [PERSON], [("adults", before, ADULTS, after)])
    result = check_identity(s)
    assert result.matches and result.algorithm == "current" and result.computed == s.database.identity_hash
    if shape != ("", ""):
        assert result.view_whitespace == (("adults", before, after),)
        assert result.hint() == {"adults": shape}
    assert not file_errors(Path("1.json"), dumps(s).encode())


def test_room_hash_helper_agrees_with_compose_for_trimmed_queries():
    # The helper is Room's algorithm, not a copy of the code under test: with no whitespace it
    # gives the hash compose computes.
    s = compose.schema(1, [PERSON], [compose.view("adults", ADULTS)])
    assert room_hash([PERSON], {ADULTS: "adults"}) == s.database.identity_hash


def test_views_with_different_shapes_are_recovered_together():
    s = as_room_wrote(1, [PERSON], [("adults", "\n      ", ADULTS, "\n    "), ("names", "\n", NAMES, "\n"),
                                    ("ids", "", IDS, " ")])
    result = check_identity(s)
    assert result.matches
    assert result.hint() == {"adults": ("\n      ", "\n    "), "names": ("\n", "\n"), "ids": ("", " ")}
    assert "adults (newline + 6 spaces before, newline + 4 spaces after)" in result.note


def test_no_plausible_whitespace_is_a_mismatch_that_says_what_was_tried():
    # Two blank lines before the query: no source shape produces that.
    s = as_room_wrote(1, [PERSON], [("adults", "\n\n", ADULTS, "\n")])
    result = check_identity(s)
    assert not result.matches and result.algorithm is None and result.view_whitespace == ()
    assert result.note.startswith("no whitespace around the view queries reproduces it: tried ")
    assert "1 view, each query with nothing, a space, or a newline and up to 16 spaces or 4 tabs" in result.note
    (error,) = file_errors(Path("1.json"), dumps(s).encode())
    assert "$.database.identityHash" in error and "does not match Room's hash" in error
    assert "no whitespace around the view queries reproduces it: tried" in error


def test_a_real_mismatch_with_views_stays_a_mismatch():
    s = as_room_wrote(1, [PERSON], [("adults", "\n      ", ADULTS, "\n    ")])
    s = dataclasses.replace(s, database=dataclasses.replace(s.database, identity_hash="0" * 32))
    result = check_identity(s)
    assert not result.matches and "tried" in result.note


def test_the_neighbouring_versions_shape_is_reused():
    # Shapes deep in the list (tabs after a space-indented line), each found for one view alone ...
    deep_a, deep_b = ("\n\t\t", " "), ("\n" + " " * 13, "\n\t")
    v1 = as_room_wrote(1, [PERSON], [("adults", deep_a[0], ADULTS, deep_a[1])])
    # ... but two views shaped differently are beyond the bounded search of a file on its own.
    v2 = as_room_wrote(2, [PERSON], [("adults", deep_a[0], ADULTS, deep_a[1]), ("names", deep_b[0], NAMES, deep_b[1])])
    assert check_identity(v1).matches
    assert not check_identity(v2).matches
    first, second = check_history([v1, v2])
    assert first.matches and second.matches
    assert second.hint() == {"adults": deep_a, "names": deep_b}
    assert check_identity(v2, first.hint()).matches


def test_views_written_alike_are_recovered_however_deep_the_shape():
    deep = ("\n\t\t", " ")
    s = as_room_wrote(1, [PERSON], [(n, deep[0], q, deep[1]) for n, q in (("adults", ADULTS), ("names", NAMES),
                                                                          ("ids", IDS))])
    result = check_identity(s)
    assert result.matches and result.hint() == {"adults": deep, "names": deep, "ids": deep}


def test_history_carries_shapes_past_a_version_without_views():
    shape = ("\n  ", "\n")
    v1 = as_room_wrote(1, [PERSON], [("adults", shape[0], ADULTS, shape[1])])
    v2 = compose.schema(2, [PERSON])
    v3 = as_room_wrote(3, [PERSON], [("adults", shape[0], ADULTS, shape[1]), ("names", shape[0], NAMES, shape[1])])
    results = check_history([v1, v2, v3])
    assert all(r.matches for r in results)
    assert results[2].hint() == {"adults": shape, "names": shape}


# ---- the command line ----------------------------------------------------------------------------

def _history_with_views(root, stored_hash_of_2=""):
    """A repository with AVA 1 and 2, each with the same view written in a Kotlin raw string."""
    repo = make_repo(root, commit=False)
    for v in (1, 2):
        s = load(AVA / f"{v}.json")
        query = f"SELECT * FROM `{s.database.entities[0].table_name}`"
        write_schema(repo, as_room_wrote(v, s.database.entities, [("everything", "\n        ", query, "\n    ")],
                                         stored_hash_of_2 if v == 2 else ""))
    commit_all(repo, "schemas")
    return repo


def test_hash_and_check_accept_room_files_with_views(tmp_path):
    repo = _history_with_views(tmp_path / "project")
    r = run_cli("hash", cwd=repo)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(" match ") == 2 and "everything (newline + 8 spaces before" in r.stdout
    r = run_cli("hash", "--format", "json", cwd=repo)
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["all_match"] is True
    assert data["files"][1]["view_whitespace"] == [{"view": "everything", "before": "\n        ", "after": "\n    "}]
    ready(repo)
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]


def test_check_reports_a_view_hash_no_shape_reproduces(tmp_path):
    repo = _history_with_views(tmp_path / "project", stored_hash_of_2="f" * 32)
    r = run_cli("hash", cwd=repo)
    assert r.returncode == 1 and "2.json  stored ffffffffffffffffffffffffffffffff" in r.stdout
    assert "MISMATCH  no whitespace around the view queries reproduces it: tried" in r.stdout
    code, data = check(repo)
    (found,) = [f for f in data["findings"] if f["rule"] == "identity-hash"]
    assert code == 1 and found["severity"] == "error" and found["file"].endswith("/2.json")
    assert "no whitespace around the view queries reproduces it: tried" in found["message"]


# ---- the real histories ---------------------------------------------------------------------------

@requires_corpus
def test_simple_android_history_is_recovered_quickly(capsys):
    folder = CORPUS / "simpledotorg__simple-android" / "org.simple.clinic.AppDatabase"
    history = [load(p) for p in sorted(folder.glob("*.json"), key=lambda p: int(p.stem))]
    assert len(history) == 119 and sum(bool(s.database.views) for s in history) == 61
    start = time.perf_counter()
    results = check_history(history)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    alone = [check_identity(s) for s in history]
    elapsed_alone = time.perf_counter() - start
    assert all(r.matches for r in results) and all(r.matches for r in alone)
    with capsys.disabled():
        print(f"\nidentity check of simple-android's {len(history)} versions: {elapsed * 1000:.0f} ms as a "
              f"history, {elapsed_alone * 1000:.0f} ms file by file")
