"""verify_migration catches each way a hand-written AVA 1 -> 2 migration goes wrong.

Two correct migrations are written by hand from the JSON (additive ALTERs, and
table rebuilds); each mutation breaks one thing and must be reported in a
line a person understands at once.
"""
from __future__ import annotations

import json

import pytest

from helpers import AVA, corpus_pairs, pair_id, requires_corpus
from roomschema.schema.loader import load
from roomschema.schema.model import View, replace
from roomschema.migration.steps import Step
from roomschema.schema.sql import quote
from roomschema.verify import verify_migration

OLD, NEW = load(AVA / "1.json"), load(AVA / "2.json")
ROWS = 2000


def _lines(report) -> list:
    lines = []
    for m in report.modes:
        lines += [s for x in m.mismatches for s in x.summary]
        lines += [f.message for f in m.findings] + [h.message for h in m.hazards]
    return lines


def _added(table: str) -> list:
    old, new = OLD.database.entity(table), NEW.database.entity(table)
    out = []
    for f in new.fields:
        if old.field(f.column_name) is None:
            sql = f"ALTER TABLE {quote(table)} ADD COLUMN {quote(f.column_name)} {f.affinity}"
            sql += " NOT NULL" if f.not_null else ""
            sql += f" DEFAULT {f.default_value}" if f.default_value else ""
            out.append(Step(sql, table=table))
    return out


def _new_table(table: str) -> list:
    e = NEW.database.entity(table)
    return [Step(e.create_table_sql(), table=table)] + [Step(i.create_sql_for(table), table=table) for i in e.indices]


def additive() -> list:
    return _added("conversations") + _added("messages") + _new_table("attachments") + _new_table("user_profiles")


def _rebuild(table: str) -> list:
    old, new = OLD.database.entity(table), NEW.database.entity(table)
    cols = ",".join(quote(f.column_name) for f in new.fields if old.field(f.column_name))
    return ([Step(new.create_table_sql(f"_new_{table}"), table=table),
             Step(f"INSERT INTO `_new_{table}` ({cols}) SELECT {cols} FROM {quote(table)}", table=table),
             Step(f"DROP TABLE {quote(table)}", table=table),
             Step(f"ALTER TABLE `_new_{table}` RENAME TO {quote(table)}", table=table)]
            + [Step(i.create_sql_for(table), table=table) for i in new.indices])


def rebuilding() -> list:
    return (_rebuild("conversations") + _rebuild("messages") + _new_table("attachments")
            + _new_table("user_profiles") + [Step.foreign_key_check("messages")])


def _swap(steps: list, find: str, old: str, new: str) -> list:
    hits = [i for i, s in enumerate(steps) if find in s.sql]
    assert len(hits) == 1, (find, hits)
    out = list(steps)
    out[hits[0]] = Step(steps[hits[0]].sql.replace(old, new), steps[hits[0]].kind, steps[hits[0]].table)
    assert out[hits[0]].sql != steps[hits[0]].sql
    return out


def _drop(steps: list, find: str) -> list:
    out = [s for s in steps if find not in s.sql]
    assert len(out) == len(steps) - 1
    return out


def _verify(steps, new=NEW, **kw):
    return verify_migration(OLD, new, steps, rows=ROWS, **kw)


def test_the_hand_written_migrations_pass():
    for steps in (additive(), rebuilding()):
        report = _verify(steps)
        assert report.ok, report.to_text()
        assert not any(m.mismatches or m.errors for m in report.modes)


MUTATIONS = {
    "statement removed": (
        lambda: _drop(additive(), "`edit_count`"),
        "messages.edit_count: missing column (expected INTEGER NOT NULL DEFAULT 0)"),
    "default changed": (
        lambda: _swap(additive(), "`edit_count`", "DEFAULT 0", "DEFAULT 1"),
        "messages.edit_count: expected INTEGER NOT NULL DEFAULT 0, found INTEGER NOT NULL DEFAULT 1"),
    "NOT NULL dropped": (
        lambda: _swap(additive(), "`edit_count`", " NOT NULL", ""),
        "messages.edit_count: expected INTEGER NOT NULL DEFAULT 0, found INTEGER NULL DEFAULT 0"),
    "index missing": (
        lambda: _drop(additive(), "INDEX IF NOT EXISTS `index_attachments_message_id`"),
        "attachments: missing index index_attachments_message_id (message_id ASC)"),
    "index column order": (
        lambda: _swap(rebuilding(), "`index_messages_conversation_id_timestamp`",
                      "(`conversation_id`, `timestamp`)", "(`timestamp`, `conversation_id`)"),
        "messages: index index_messages_conversation_id_timestamp: expected (conversation_id ASC, timestamp ASC), "
        "found (timestamp ASC, conversation_id ASC)"),
    "FK action changed": (
        lambda: _swap(additive(), "CREATE TABLE IF NOT EXISTS `attachments`",
                      "ON DELETE CASCADE", "ON DELETE SET NULL"),
        "attachments: foreign key (message_id) -> messages(id) ON DELETE CASCADE ON UPDATE NO ACTION: "
        "found (message_id) -> messages(id) ON DELETE SET NULL ON UPDATE NO ACTION"),
    "rebuild statement removed": (
        lambda: _drop(rebuilding(), "`index_conversations_updated_at`"),
        "conversations: missing index index_conversations_updated_at (updated_at ASC)"),
}


@pytest.mark.parametrize("name", MUTATIONS)
def test_schema_mutation_is_caught_with_a_clear_line(name):
    make, line = MUTATIONS[name]
    report = _verify(make(), hazard_pass=False)
    assert not report.ok
    for mode in report.modes:
        assert not mode.passed
        assert line in [s for m in mode.mismatches for s in m.summary], mode.text_lines()
        assert mode.error.startswith("Migration didn't properly handle: ")
    assert line in report.to_text()


def test_changed_default_also_shows_in_the_data():
    report = _verify(_swap(additive(), "`edit_count`", "DEFAULT 0", "DEFAULT 1"), hazard_pass=False)
    rows = report.modes[0].rows["messages"]
    assert any(line.startswith(f"messages.edit_count: {rows} rows do not hold the expected value (0)")
               for line in _lines(report))


def test_view_text_changed():
    v = View(view_name="edited_messages",
             create_sql="CREATE VIEW `${VIEW_NAME}` AS SELECT id, content FROM messages WHERE edit_count > 0")
    with_view = replace(NEW, database=replace(NEW.database, views=(v,)))
    good = additive() + [Step(v.create_view_sql())]
    assert _verify(good, new=with_view, hazard_pass=False).ok
    bad = additive() + [Step(v.create_view_sql().replace("edit_count > 0", "edit_count>0"))]
    report = _verify(bad, new=with_view, hazard_pass=False)
    assert not report.ok
    [m] = report.modes[0].mismatches
    assert m.summary == ("view edited_messages: text differs at char 83: expected '…E edit_count > 0', "
                         "found '…E edit_count>0'",)
    assert m.room_message.endswith(
        "\n Found:\nViewInfo{name='edited_messages', sql='CREATE VIEW `edited_messages` AS SELECT id, content "
        "FROM messages WHERE edit_count>0'}")


def test_swapped_columns_pass_rooms_validation_but_not_the_data_check():
    steps = _swap(rebuilding(), "INSERT INTO `_new_messages`", "SELECT `id`,`conversation_id`,`role`,`content`",
                  "SELECT `id`,`conversation_id`,`content`,`role`")
    report = _verify(steps, hazard_pass=False)
    assert not report.ok
    for mode in report.modes:
        assert mode.mismatches == []  # Room's own check is blind to this
        lines = [f.message for f in mode.errors]
        assert any(x.startswith("messages.role: ") and " rows changed (id=" in x for x in lines), lines
        assert any(x.startswith("messages.content: ") for x in lines), lines


def test_rows_losing_delete():
    steps = additive() + [Step("DELETE FROM messages WHERE rowid % 10 = 0")]
    report = _verify(steps, hazard_pass=False)
    before = report.modes[0].rows["messages"]
    lost = before // 10
    assert f"messages: lost {lost} of {before} rows ({before} before, {before - lost} after)" in _lines(report)
    assert not report.ok


def test_parent_rebuild_with_foreign_keys_on_is_reported_by_the_hazard_pass():
    report = _verify(rebuilding())
    assert report.ok, report.to_text()  # Room runs with FKs off: the migration itself is right
    rows = report.modes[0].rows["messages"]
    hazards = [h for h in report.modes[0].hazards if h.table == "messages"]
    assert [(h.kind, h.count) for h in hazards] == [("rows-deleted", rows)]
    assert "with foreign_keys=ON" in report.to_text()


def test_report_json_is_stable_and_serializable():
    report = _verify(additive())
    data = report.to_json()
    assert list(data) == ["database", "from_version", "to_version", "ok", "rows_requested", "total_ms",
                          "longest_lock_ms", "work_dir", "modes"]
    assert list(data["modes"][0]) == ["mode", "passed", "error", "failed_step", "timings_ms", "migration_ms",
                                      "lock_ms", "steps", "rows", "mismatches", "findings", "hazards", "budget",
                                      "notes"]
    assert list(data["modes"][0]["timings_ms"]) == ["build", "seed", "snapshot", "migrate", "validate",
                                                    "data_check", "hazard"]
    assert data["database"] == "com.augmentalis.ava.core.data.AVADatabase"
    json.dumps(data)


def test_keep_dir_keeps_only_our_files(tmp_path):
    report = _verify(additive(), keep_dir=tmp_path)
    assert report.work_dir == str(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy-alter-table-off", "legacy-alter-table-on"]
    assert (tmp_path / "legacy-alter-table-on" / "db.sqlite").exists()
    assert _verify(additive(), keep_dir=tmp_path).ok  # a second run reuses the folder


def test_budgets_fail_the_run():
    report = _verify(additive(), max_seconds=0.0, max_lock=0.0, hazard_pass=False)
    assert not report.ok
    assert any(b.startswith("the exclusive lock was held") for b in report.modes[0].budget)


def test_10000_rows_verify_quickly(capsys):
    report = verify_migration(OLD, NEW, rebuilding(), rows=10_000)
    assert report.ok, report.to_text()
    with capsys.disabled():
        print(f"\nverify AVA 1->2 (rebuilds), 10,000 rows: total {report.total_seconds * 1000:.0f} ms, "
              f"longest lock {report.longest_lock_seconds * 1000:.1f} ms")
        for m in report.modes:
            print("  " + m.mode + ": " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in m.timings.items()))


# --- the real histories: Room-equivalent plans verify with data ------------------

@requires_corpus
@pytest.mark.parametrize("pair", corpus_pairs(), ids=pair_id)
def test_corpus_pair_planned_migration_verifies(pair):
    """Every pair, both SQLite modes, with the history's declarations. A pair that
    needs a decision is reported as one (never a pass) and then verified with fills."""
    from corpus_history import EXPECTED_FAILURES, history_declarations, history_key, with_fills
    from roomschema.migration.plan import plan_migration
    old, new = load(pair[0]), load(pair[1])
    decl = history_declarations(old, new)
    plan = plan_migration(old, new, decl)
    if plan.decisions:
        assert all(d.kind in ("not-null-without-default", "not-null-tightened") for d in plan.decisions)
        plan = with_fills(old, new, decl)
    report = verify_migration(old, new, plan.steps, declarations=plan.declarations, rows=150)
    assert [m.mode for m in report.modes] == ["legacy_alter_table=ON", "legacy_alter_table=OFF"]
    expected = EXPECTED_FAILURES.get(history_key(old, new))
    if expected:
        assert not report.ok and all(expected in (m.error or "") for m in report.modes), report.to_text()
        return
    assert report.ok, report.to_text()
