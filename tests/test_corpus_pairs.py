"""Every consecutive pair of the real corpus, pair by pair.

With the history's declarations (renames where evident, --allow-drops otherwise),
the generated SQL applied to a populated FROM database gives exactly the tables,
columns, indices, foreign keys, views and FTS tables of a fresh TO database, in
both legacy_alter_table modes, and keeps every row of every kept table. Pairs that
need a decision exit 3 naming the flags; with fills they migrate too.
"""
from __future__ import annotations

import pytest

import roomschema
from roomschema.migration.plan import plan_migration

from helpers import corpus_pairs, pair_id, requires_corpus, run_cli
from corpus_history import history_declarations, with_fills
from sqlite_struct import build, counts, seed, structure

pytestmark = requires_corpus


def _apply(old, plan, legacy):
    conn = build(old, legacy_alter_table=legacy)
    seed(conn, old)
    kept = [e.table_name for e in old.database.entities if e.table_name not in plan.deleted_tables
            and not (e.is_fts and e.content_table)]
    before = counts(conn, kept)
    conn.execute("BEGIN")
    for s in plan.steps:
        rows = conn.execute(s.sql).fetchall()
        if s.is_foreign_key_check:
            assert rows == [], s.sql
    conn.execute("COMMIT")
    renamed = {t: plan.declarations.renamed_table(t) for t in kept}
    after = counts(conn, renamed.values())
    assert {renamed[t]: n for t, n in before.items()} == after
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return conn


@pytest.mark.parametrize("pair", corpus_pairs(), ids=pair_id)
@pytest.mark.parametrize("legacy", [True, False], ids=["framework", "stock"])
def test_corpus_pair(pair, legacy):
    old, new = roomschema.load(pair[0]), roomschema.load(pair[1])
    decl = history_declarations(old, new)
    plan = plan_migration(old, new, decl)
    if plan.decisions:
        # Room refuses these too; we name the exact flag, then go further with fills.
        for d in plan.decisions:
            assert d.flags and d.flags[0].startswith("--fill ")
        plan = with_fills(old, new, decl)
        assert plan is not None
    conn = _apply(old, plan, legacy)
    assert structure(conn) == structure(build(new, legacy))


@pytest.mark.parametrize("pair", [p for p in corpus_pairs() if pair_id(p) in {"nowinandroid-2-3", "Tusky-11-12",
                                                                                 "diswantin-34-35"}], ids=pair_id)
def test_corpus_decision_pairs_exit_3(pair):
    r = run_cli("generate", pair[0].stem, pair[1].stem, "--schemas", pair[0].parent, "--allow-drops")
    assert r.returncode == 3, r.stdout
    assert "--fill " in r.stderr and "nothing was written" in r.stderr


NEWER_THAN_API_21 = (" RENAME COLUMN ", " DROP COLUMN ", " RETURNING ", " DO UPDATE ", " OVER (", " STRICT",
                     " GENERATED ALWAYS ")


def test_default_min_sdk_uses_only_old_sqlite():
    seen = 0
    for a, b in corpus_pairs():
        old, new = roomschema.load(a), roomschema.load(b)
        plan = with_fills(old, new, history_declarations(old, new))
        for s in plan.steps:
            assert not any(k in s.sql.upper() for k in NEWER_THAN_API_21), s.sql
            seen += 1
    assert seen > 400


def test_min_sdk_30_renames_column_in_place_on_real_history():
    folder = next(p[0].parent for p in corpus_pairs() if "diswantin" in str(p[0]))
    old, new = roomschema.load(folder / "9.json"), roomschema.load(folder / "10.json")
    decl = history_declarations(old, new)
    plan = plan_migration(old, new, decl, min_sdk=30)
    assert [s.sql for s in plan.steps] == ["ALTER TABLE `task` RENAME COLUMN `due_at` TO `deadline`"]
    conn = _apply(old, plan, legacy=False)
    assert structure(conn) == structure(build(new, False))
