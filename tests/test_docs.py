"""roomschema docs: the migration history document, rewritten without losing a word of the whys."""
from __future__ import annotations

import re

import pytest

from helpers import (check, commit_all, config, hand_write, make_repo, migrations, ready, run_cli, schemas,
                     with_table, without_column, write_schema)
from roomschema.schema import compose
from roomschema.render.history import mermaid, parse_entries, why_written

WHY_2 = """Attachments and profiles for the **sharing** feature (TICKET-42).

```kotlin
val x = "a | b"  // code survives, pipes too
```
<!-- a reviewer's note, kept -->
- edited_at: shown as "edited" in the thread"""


@pytest.fixture
def repo(tmp_path):
    r = make_repo(tmp_path / "project")
    assert run_cli("generate", cwd=r).returncode == 0
    return r


def doc_of(repo):
    return migrations(repo) / "MIGRATIONS.md"


def set_why(repo, version: int, text: str) -> None:
    doc = doc_of(repo)
    body = re.sub(rf"<!-- why:{version} -->.*?<!-- /why:{version} -->",
                  lambda m: f"<!-- why:{version} -->\n{text}\n<!-- /why:{version} -->", doc.read_text(), flags=re.S)
    doc.write_text(body)


def test_writes_a_version_history_beside_the_migrations(repo):
    r = run_cli("docs", cwd=repo)
    assert r.returncode == 0 and r.stdout.startswith("wrote app/migrations/")
    text = doc_of(repo).read_text()
    assert text.startswith("# Migration history of `AVADatabase`")
    # Newest first, one entry per version with its why block.
    assert text.index("## Version 2") < text.index("## Version 1")
    assert parse_entries(text) == ({1, 2}, {1: "", 2: ""})
    assert "**Tables** (8):" in text and "`user_profiles`" in text
    assert "**Change from version 1**: additive, backward compatible." in text
    assert "| additive | messages.edit_count: column added (INTEGER NOT NULL DEFAULT 0) | yes |" in text
    assert ("- [x] migration written: [`migration_1_2.sql`](migration_1_2.sql), "
            "[`Migration_1_2.kt`](Migration_1_2.kt)") in text
    assert "- [x] verified on a real SQLite database with seeded rows" in text
    assert "- [ ] documented" in text
    assert "**Rollback plan (2 → 1)**: `roomschema generate 2 1`" in text
    assert "It cannot bring back: table attachments, table user_profiles, column conversations.tags" in text
    assert text.count("```mermaid\nerDiagram") == 2
    assert '"messages" ||--o{ "attachments" : "message_id ON DELETE CASCADE"' in text


def test_rewrite_keeps_every_why_byte_for_byte(repo):
    assert run_cli("docs", cwd=repo).returncode == 0
    set_why(repo, 1, "The first release.")
    set_why(repo, 2, WHY_2)
    write_schema(repo, with_table(3))
    assert run_cli("generate", cwd=repo).returncode == 0
    r = run_cli("docs", cwd=repo)
    assert r.returncode == 0, r.stderr
    entries, whys = parse_entries(doc_of(repo).read_text())
    assert entries == {1, 2, 3}
    assert whys == {1: "The first release.", 2: WHY_2, 3: ""}
    assert why_written(whys[2]) and not why_written("<!-- only a comment -->\n  ")
    # The table at the top knows which whys are written.
    assert "| [2](#version-2) | additive | yes | yes | yes | yes |" in doc_of(repo).read_text()


def test_second_run_changes_nothing(repo):
    assert run_cli("docs", cwd=repo).returncode == 0
    set_why(repo, 2, WHY_2)
    assert run_cli("docs", cwd=repo).returncode == 0
    before = doc_of(repo).read_bytes()
    r = run_cli("docs", cwd=repo)
    assert r.returncode == 0 and r.stdout.endswith("up to date\n")
    assert doc_of(repo).read_bytes() == before


def test_check_mode_exit_1_when_out_of_date_and_writes_nothing(repo):
    r = run_cli("docs", "--check", cwd=repo)
    assert r.returncode == 1 and "out of date" in r.stdout and not doc_of(repo).exists()
    assert run_cli("docs", cwd=repo).returncode == 0
    assert run_cli("docs", "--check", cwd=repo).returncode == 0
    write_schema(repo, with_table(3))
    assert run_cli("generate", cwd=repo).returncode == 0
    before = doc_of(repo).read_bytes()
    assert run_cli("docs", "--check", cwd=repo).returncode == 1
    assert doc_of(repo).read_bytes() == before


def test_whys_of_versions_without_a_schema_are_kept(repo):
    assert run_cli("docs", cwd=repo).returncode == 0
    doc = doc_of(repo)
    doc.write_text(doc.read_text() + "\n<!-- why:9 -->\nAn abandoned experiment.\n<!-- /why:9 -->\n")
    assert run_cli("docs", cwd=repo).returncode == 0
    text = doc.read_text()
    assert "## Versions without a schema file" in text
    assert parse_entries(text)[1][9] == "An abandoned experiment."


def test_classification_compatibility_and_rollback_of_a_destructive_version(repo):
    # Version 3 drops user_profiles.display_name (NOT NULL, no default): rolling back must invent it.
    write_schema(repo, without_column(3, "user_profiles", "display_name"))
    config(repo, '[migrations."2-3"]\ndelete_columns = ["user_profiles.display_name"]\n'
                 'allow = ["drop-column:user_profiles.display_name"]\n')
    assert run_cli("generate", cwd=repo).returncode == 0
    assert run_cli("docs", cwd=repo).returncode == 0
    text = doc_of(repo).read_text()
    v3 = text[text.index("## Version 3"):text.index("## Version 2")]
    assert "**Change from version 2**: destructive, **not backward compatible**" in v3
    assert "| **destructive** | user_profiles.display_name: column removed" in v3
    assert "Acknowledged non-additive changes" in v3
    assert "It needs a decision first:" in v3 and "display_name" in v3


def test_missing_migration_and_failed_verification_show_in_the_checklist(repo):
    write_schema(repo, with_table(3))
    assert run_cli("docs", cwd=repo).returncode == 0
    text = doc_of(repo).read_text()
    assert "- [ ] migration written: none yet (run `roomschema generate`)" in text
    assert "| [3](#version-3) | additive | yes | **missing** | not run | **no** |" in text
    sql = migrations(repo) / "migration_1_2.sql"
    sql.write_text("SELECT 1;\n")
    (migrations(repo) / "Migration_1_2.kt").unlink()
    assert run_cli("docs", cwd=repo).returncode == 0
    assert "- [ ] verified: **fails**: migration_1_2.sql:" in doc_of(repo).read_text()


def test_configured_path_and_output_option(repo):
    config(repo, 'docs = "docs/DB.md"\n')
    assert run_cli("docs", cwd=repo).returncode == 0
    assert (repo / "docs" / "DB.md").is_file() and not doc_of(repo).exists()
    # Links are relative to wherever the document is.
    assert "](../app/migrations/" in (repo / "docs" / "DB.md").read_text()
    assert run_cli("docs", "--output", "elsewhere.md", cwd=repo).returncode == 0
    assert (repo / "elsewhere.md").is_file()


def test_bad_input_writes_nothing(repo):
    (schemas(repo) / "2.json").write_text("{")
    r = run_cli("docs", cwd=repo)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "2.json" in r.stderr
    assert not doc_of(repo).exists()
    (repo / "adir").mkdir()
    r = run_cli("docs", "--output", "adir", cwd=repo)
    assert r.returncode == 2 and "is a directory" in r.stderr


def test_mermaid_names_are_data():
    weird = compose.entity('my "table"%', [compose.field("id", "INTEGER", True),
                                           compose.field('col "x"', "TEXT", default="'a\"b'"),
                                           compose.field("1st", "REAL"), compose.field("PK", "TEXT")], ["id"])
    child = compose.entity("end", [compose.field("id", "INTEGER", True), compose.field("p", "INTEGER")], ["id"],
                           foreign_keys=[compose.foreign_key(["p"], 'my "table"%', ["id"])])
    text = mermaid(compose.schema(1, [weird, child], [compose.view("erDiagram", "SELECT 1")]))
    lines = text.splitlines()
    assert lines[0] == "erDiagram"
    # Entity names are always quoted and never carry a quote or a percent sign.
    assert '    "my _table__" {' in lines and '    "end" {' in lines and '    "erDiagram"' in lines
    attrs = [ln.split()[1] for ln in lines if ln.startswith("        ")]
    assert attrs == ["id", "col__x_", "c_1st", "c_PK", "id", "p"]
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", a) for a in attrs)
    assert '        TEXT col__x_ "column col \'x\', DEFAULT \'a\'b\'"' in lines
    assert '    "my _table__" ||--o{ "end" : "p ON DELETE NO ACTION"' in lines


def test_committed_history_document_passes_check(repo):
    ready(repo)
    commit_all(repo, "documented")
    r = run_cli("check", cwd=repo)
    assert r.returncode == 0 and "[" not in r.stdout, r.stdout


def test_a_spanning_migration_is_shown_where_it_replaces_single_steps(tmp_path):
    repo = make_repo(tmp_path / "span")
    write_schema(repo, with_table(3))
    ready(repo)
    hand_write(repo, ("val MIGRATION_1_3 = Migration(1, 3) { db ->", [(1, 2), (2, 3)]))
    config(repo, "auto_migrations = [[2, 3]]\n")
    assert run_cli("docs", cwd=repo).returncode == 0
    text = doc_of(repo).read_text()
    # Version 2 has no migration of its own: users at 1 take the jump, which is verified.
    assert "| [2](#version-2) | additive | yes | via 1 → 3 | yes |" in text
    assert "- [x] migration written: none of its own; Room upgrades 1 by the spanning migration 1 → 3 (" in text
    assert "- [x] verified (as 1 → 3) on a real SQLite database with seeded rows" in text
    assert "## Spanning migrations" in text
    assert re.search(r"\| 1 → 3 \| \[`Migrations\.kt`\]\(db/Migrations\.kt\)[^|]*\| yes \| yes \|", text), text
    code, data = check(repo)
    assert (code, data["findings"]) == (0, []), data["findings"]

    # A broken jump shows as failed where it is used.
    kt = migrations(repo) / "db" / "Migrations.kt"
    kt.write_text("\n".join(ln for ln in kt.read_text().splitlines() if "`notes`" not in ln) + "\n")
    assert run_cli("docs", cwd=repo).returncode == 0
    text = doc_of(repo).read_text()
    assert "| [2](#version-2) | additive | yes | via 1 → 3 | **failed** |" in text
    assert "- [ ] verified (as 1 → 3): **fails**:" in text
