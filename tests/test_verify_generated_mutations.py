"""Broken variants of *generated* migrations (AVA and real corpus pairs) are caught.

Each operator breaks one thing in the statements roomschema generated; verify must
fail them (or, for a parent rebuild with foreign keys on, report the cascade as a
hazard). A hypothesis test does the same for random schema pairs and corruptions.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import roomschema
from roomschema.schema.model import replace
from roomschema.migration.plan import plan_migration
from roomschema.migration.steps import Step
from roomschema.schema.sql import quote
from roomschema.verify import verify_migration

from helpers import AVA, CORPUS, corpus_pairs, pair_id
from corpus_history import history_declarations, with_fills
from strategies import schema_pairs

ROWS = 300


def _plans():
    """Generated plans: AVA 1->2 and every corpus pair that needs no decision beyond fills."""
    out = [("AVA-1-2", plan_migration(roomschema.load(AVA / "1.json"), roomschema.load(AVA / "2.json")))]
    for pair in corpus_pairs() if CORPUS.is_dir() else []:
        old, new = roomschema.load(pair[0]), roomschema.load(pair[1])
        plan = with_fills(old, new, history_declarations(old, new))
        if plan is not None and pair_id(pair) != "Tusky-58-60":
            out.append((pair_id(pair), plan))
    return out


def _with_view(schema, query):
    from roomschema.schema.compose import schema as compose_schema, view
    s = compose_schema(schema.version, schema.database.entities, [view("recent_messages", query)])
    return replace(s, path=schema.path)


def _view_plan():
    old, new = roomschema.load(AVA / "1.json"), roomschema.load(AVA / "2.json")
    q = "SELECT id, content FROM messages WHERE timestamp > 0"
    return "AVA-view-1-2", plan_migration(_with_view(old, q), _with_view(new, q))


def _rename_plan():
    """AVA 2 -> 3 renaming messages.content: a rebuild of a table with a two-column
    index, a parent with a CASCADE child (attachments) and a CASCADE child itself,
    so that every operator has a case without the corpus."""
    from roomschema.migration.declarations import Declarations
    from roomschema.schema import compose
    old = roomschema.load(AVA / "2.json")

    def renamed(e):
        if e.table_name != "messages":
            return e
        fields = [replace(f, column_name="body", field_path="body") if f.column_name == "content" else f
                  for f in e.fields]
        return compose.entity(e.table_name, fields, e.primary_key.column_names, e.primary_key.auto_generate,
                              e.indices, e.foreign_keys)
    new = replace(compose.schema(3, [renamed(e) for e in old.database.entities], old.database.views),
                  path=old.path.with_name("3.json"))
    return "AVA-rename-2-3", plan_migration(old, new, Declarations(rename_columns={("messages", "content"): "body"}))


PLANS = _plans() + [_view_plan(), _rename_plan()]


def _swap_select(sql):
    m = re.match(r"(INSERT INTO `[^`]+` \((.*)\) SELECT )(.*)( FROM .*)$", sql)
    if not m:
        return None
    src = m.group(3).split(",")
    for i in range(len(src) - 1):
        if src[i].startswith("`") and src[i + 1].startswith("`") and src[i] != src[i + 1]:
            src[i], src[i + 1] = src[i + 1], src[i]
            return m.group(1) + ",".join(src) + m.group(4)
    return None


def _index_reversed(sql):
    m = re.match(r"(CREATE (?:UNIQUE )?INDEX IF NOT EXISTS `[^`]+` ON `[^`]+` \()(.*)(\))$", sql)
    if not m or ", " not in m.group(2):
        return None
    return m.group(1) + ", ".join(reversed(m.group(2).split(", "))) + m.group(3)


def _first(plan, make):
    """Apply ``make(step) -> new sql | None`` to the first step it changes."""
    for i, s in enumerate(plan.steps):
        if s.is_foreign_key_check:
            continue
        new = make(s.sql)
        if new is not None and new != s.sql:
            return plan.steps[:i] + (replace(s, sql=new),) + plan.steps[i + 1:]
    return None


def _drop_step(plan, pred):
    for i, s in enumerate(plan.steps):
        if not s.is_foreign_key_check and pred(s.sql):
            return plan.steps[:i] + plan.steps[i + 1:]
    return None


def _losing_delete(plan):
    """Delete a third of the rows of a table that had rows before the migration."""
    decl = plan.declarations
    kept = [e.table_name for e in plan.new.database.entities
            if not e.is_fts and plan.old.database.entity(decl.old_table(e.table_name)) is not None]
    return plan.steps + (Step(f"DELETE FROM {quote(kept[0])} WHERE rowid % 3 = 0", table=kept[0]),) if kept else None


OPERATORS = {
    "statement-removed": lambda p: _drop_step(p, lambda sql: sql.startswith(("ALTER TABLE", "INSERT INTO",
                                                                             "CREATE TABLE"))),
    "default-changed": lambda p: _first(p, lambda sql: re.sub(r" DEFAULT (0|''|'[^']*'|NULL)(?=[,)]|$)",
                                                              " DEFAULT 7", sql, count=1)
                                        if " DEFAULT " in sql and not sql.startswith("CREATE TABLE IF NOT EXISTS `_new_")
                                        or " NOT NULL DEFAULT " in sql else None),
    "not-null-dropped": lambda p: _first(p, lambda sql: sql.replace(" NOT NULL", "", 1)
                                         if sql.startswith(("CREATE TABLE", "ALTER TABLE")) and " NOT NULL" in sql
                                         and "PRIMARY KEY AUTOINCREMENT NOT NULL" not in sql.split(" NOT NULL")[0]
                                         + " NOT NULL" else None),
    "index-missing": lambda p: _drop_step(p, lambda sql: sql.startswith("CREATE") and " INDEX " in sql),
    "index-order": lambda p: _first(p, _index_reversed),
    "fk-action": lambda p: _first(p, lambda sql: sql.replace("ON DELETE CASCADE", "ON DELETE NO ACTION", 1)
                                  if sql.startswith("CREATE TABLE") else None),
    # Room compares view SQL exactly, so even a doubled space is a mismatch.
    "view-text": lambda p: _first(p, lambda sql: sql.replace(" FROM ", "  FROM ", 1)
                                  if sql.startswith("CREATE VIEW") else None),
    "columns-swapped": lambda p: _first(p, _swap_select),
    "rows-deleted": _losing_delete,
}


def _cases(op):
    out = []
    for name, plan in PLANS:
        steps = OPERATORS[op](plan)
        if steps is not None:
            out.append(pytest.param(plan, steps, id=f"{op}-{name}"))
        if len(out) == 3:
            break
    return out


@pytest.mark.parametrize("plan,steps", [c for op in OPERATORS for c in _cases(op)])
def test_broken_generated_migration_fails(plan, steps):
    good = verify_migration(plan.old, plan.new, plan.steps, declarations=plan.declarations, rows=ROWS,
                            modes=("legacy_alter_table=ON",), hazard_pass=False)
    assert good.ok, good.to_text()
    bad = verify_migration(plan.old, plan.new, steps, declarations=plan.declarations, rows=ROWS,
                           modes=("legacy_alter_table=ON",), hazard_pass=False)
    assert not bad.ok, bad.to_text()
    text = bad.to_text()
    assert "FAILED" in text and ("schema:" in text or "data:" in text or "failed:" in text or "budget" in text)


def test_every_operator_applies_somewhere():
    assert all(_cases(op) for op in OPERATORS), [op for op in OPERATORS if not _cases(op)]


def test_parent_rebuild_with_foreign_keys_on_is_a_reported_hazard():
    # A generated rebuild of a parent table is safe only with foreign keys off
    # (docs/sqlite-android.md#foreign-keys-during-a-rebuild).
    for name, plan in PLANS:
        parents = {fk.table for e in plan.new.database.entities for fk in e.foreign_keys if fk.on_delete == "CASCADE"}
        rebuilt = {s.table for s in plan.steps if s.sql.startswith("DROP TABLE")}
        if parents & rebuilt:
            report = verify_migration(plan.old, plan.new, plan.steps, declarations=plan.declarations, rows=ROWS,
                                      modes=("legacy_alter_table=ON",), hazard_pass=True)
            assert report.ok and report.modes[0].hazards, (name, report.to_text())
            return
    pytest.fail("no generated plan rebuilds a CASCADE parent")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(schema_pairs(), st.data())
def test_random_pairs_verify_and_random_corruption_fails(pair, data):
    old, new, decl = pair
    plan = plan_migration(old, new, decl)
    assert plan.ok
    kw = dict(declarations=decl, rows=40, modes=("legacy_alter_table=ON",), hazard_pass=False)
    report = verify_migration(old, new, plan.steps, **kw)
    assert report.ok, report.to_text()
    candidates = [i for i, s in enumerate(plan.steps) if not s.is_foreign_key_check]
    ops = (["rows-deleted"] if _losing_delete(plan) else []) + (["statement-removed"] if candidates else [])
    if not ops:
        return
    op = data.draw(st.sampled_from(ops))
    if op == "statement-removed":
        i = data.draw(st.sampled_from(candidates))
        steps = plan.steps[:i] + plan.steps[i + 1:]
    else:
        steps = _losing_delete(plan)
    broken = verify_migration(old, new, steps, **kw)
    if op == "statement-removed" and plan.steps[i].sql.startswith("DROP TABLE"):
        # A table left behind is what MigrationTestHelper(validateDroppedTables = true) rejects
        # and the app's Room never checks (issue #14, item 12): a warning naming it, not a failure.
        left = re.search(r"DROP TABLE (?:IF EXISTS )?`((?:[^`]|``)*)`", plan.steps[i].sql).group(1)
        warned = [line for m in broken.modes for w in m.warnings for line in w.summary]
        assert not broken.ok or any(left in line and "validateDroppedTables" in line for line in warned), \
            broken.to_text()
        return
    assert not broken.ok, (op, [s.sql for s in steps])
