"""`roomschema verify` from the command line: generated, --sql, --kotlin, --all."""
from __future__ import annotations

import json
import shutil

from helpers import AVA, CORPUS, requires_corpus, run_cli
from roomschema.schema import compose
from roomschema.schema.loader import load
from roomschema.schema.writer import dumps


def test_verify_generated_ava(project):
    r = run_cli("verify", "1", "2", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("verify com.augmentalis.ava.core.data.AVADatabase 1 -> 2: OK")
    assert "legacy_alter_table=ON: passed" in r.stdout and "legacy_alter_table=OFF: passed" in r.stdout
    assert "10,000 rows in 6 tables kept" in r.stdout


def test_verify_json(project):
    r = run_cli("verify", "1", "2", "--rows", "500", "--mode", "stock", "--format", "json", cwd=project)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["ok"] is True and data["from_version"] == 1 and data["to_version"] == 2
    assert [m["mode"] for m in data["modes"]] == ["legacy_alter_table=OFF"]
    assert set(data["modes"][0]["timings_ms"]) >= {"build", "seed", "migrate", "validate", "data_check"}


def test_verify_hand_written_sql(project):
    sql = project / "m.sql"
    assert run_cli("generate", "1", "2", "--sql", sql, cwd=project).returncode == 0
    assert run_cli("verify", "1", "2", "--sql", sql, "--rows", "300", cwd=project).returncode == 0
    text = sql.read_text().replace("ALTER TABLE `messages` ADD COLUMN `edit_count` INTEGER NOT NULL DEFAULT 0;",
                                   "ALTER TABLE `messages` ADD COLUMN `edit_count` INTEGER NOT NULL DEFAULT 1;")
    sql.write_text(text)
    r = run_cli("verify", "1", "2", "--sql", sql, "--rows", "300", cwd=project)
    assert r.returncode == 1
    assert "Room would throw: Migration didn't properly handle: messages" in r.stdout


def test_verify_hand_written_kotlin(project):
    kt = project / "Migrations.kt"
    assert run_cli("generate", "1", "2", "--kotlin", kt, cwd=project).returncode == 0
    r = run_cli("verify", "1", "2", "--kotlin", kt, "--rows", "300", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    text = kt.read_text().replace('db.execSQL("ALTER TABLE `conversations` ADD COLUMN `tags` TEXT DEFAULT NULL")',
                                  'val table = System.getProperty("table")\n        '
                                  'db.execSQL("ALTER TABLE $table ADD COLUMN `tags` TEXT DEFAULT NULL")')
    kt.write_text(text)
    r = run_cli("verify", "1", "2", "--kotlin", kt, cwd=project)
    assert r.returncode == 1
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "ADD COLUMN `tags`" in l)
    assert f"Migrations.kt:{line}:" in r.stderr and "not verifiable" in r.stderr
    r = run_cli("verify", "2", "3", "--kotlin", kt, cwd=project)
    assert r.returncode == 2


def test_verify_keep_in_an_unusable_folder_is_one_line_exit_2(project):
    blocker = project / "not-a-folder"
    blocker.write_text("a file where --keep wants a folder\n")
    for keep in (blocker / "dbs", blocker):
        before = sorted(p.relative_to(project) for p in project.rglob("*"))
        r = run_cli("verify", "1", "2", "--rows", "100", "--keep", keep, cwd=project)
        assert r.returncode == 2, r.stdout + r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "--keep" in lines[0] and "not-a-folder" in lines[0], r.stderr
        assert "Traceback" not in r.stderr and r.stdout == ""
        assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert blocker.read_text() == "a file where --keep wants a folder\n"


def test_verify_budget(project):
    r = run_cli("verify", "1", "2", "--rows", "300", "--max-seconds", "0", cwd=project)
    assert r.returncode == 1 and "budget:" in r.stdout


def test_verify_decision_exit_3(project):
    v2 = load(AVA / "2.json")
    kept = [e for e in v2.database.entities if e.table_name != "memory"]
    (project / "app" / "schemas" / AVA.name / "2.json").write_text(dumps(compose.schema(2, kept, v2.database.views)))
    r = run_cli("verify", "1", "2", cwd=project)
    assert r.returncode == 3 and "--delete-table memory" in r.stderr


def test_verify_all_single_pair(project):
    r = run_cli("verify", "--all", "--rows", "300", cwd=project)
    assert r.returncode == 0 and "1 of 1 pairs verified" in r.stdout


@requires_corpus
def test_verify_all_with_chain_on_real_history(tmp_path):
    src = CORPUS / "android__nowinandroid" / "com.google.samples.apps.nowinandroid.core.database.NiaDatabase"
    shutil.copytree(src, tmp_path / "core" / "database" / "schemas" / src.name)
    (tmp_path / "roomschema.toml").write_text(
        '[migrations."2-3"]\nrename_columns = { "topics.description" = "shortDescription" }\n'
        '[migrations."10-11"]\nallow_drops = true\n[migrations."11-12"]\nallow_drops = true\n')
    r = run_cli("verify", "--all", "--rows", "200", "--mode", "stock", "--format", "json", cwd=tmp_path)
    data = json.loads(r.stdout)
    assert r.returncode == 0, r.stderr
    assert len(data["pairs"]) == 13 and all(p["ok"] for p in data["pairs"])
    assert (data["chain"]["from"], data["chain"]["to"], data["chain"]["ok"]) == (1, 14, True)
    # without the 10-11 declaration that pair is a decision, never a pass, and there is no chain
    (tmp_path / "roomschema.toml").write_text(
        '[migrations."2-3"]\nrename_columns = { "topics.description" = "shortDescription" }\n')
    r = run_cli("verify", "--all", "--rows", "200", "--mode", "stock", "--format", "json", cwd=tmp_path)
    data = json.loads(r.stdout)
    assert r.returncode == 3 and data["chain"] is None and data["ok"] is False
    assert [p["from"] for p in data["pairs"] if "decisions" in p] == [10, 11]


def test_rows_per_table(project):
    r = run_cli("verify", "1", "2", "--rows-per-table", "120", "--mode", "framework", "--format", "json", cwd=project)
    data = json.loads(r.stdout)
    assert r.returncode == 0
    rows = data["modes"][0]["rows"]
    assert len(rows) == 6 and all(0 < n <= 120 for n in rows.values()) and sum(rows.values()) > 600
