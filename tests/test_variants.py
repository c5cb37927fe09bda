"""Every database and build variant in one run (issue #15 part 2).

Real folder layouts in throwaway git repositories, built from the AVA exports: the Room Gradle
plugin's ``schemaDirectory("<variant>", ...)`` layout (``app/schemas/<variant>/<fqcn>/N.json``),
a KMP project's folder per target, and an app with two different databases.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import (AVA, FQCN, ROOT, commit_all, git, make_repo, run_cli, with_table, write_whys)
from roomschema.check.findings import RULES
from roomschema.schema.writer import dumps

SIMPLE = FQCN.rsplit(".", 1)[-1]
OTHER = "com.example.data.OtherDatabase"
ANNOTATION = re.compile(r"^::(error|warning) file=([^,]*)(?:,line=(\d+))?,title=([^:]*)::(.*)$")


def variant_repo(root: Path, variants=("debug", "release"), versions=(1, 2), commit: bool = True) -> Path:
    """A git repository with the AVA exports in one folder per variant, as the Room Gradle plugin writes them."""
    return make_repo(root, versions, commit, variants=variants)


def variant_folder(repo: Path, variant: str) -> Path:
    return repo / "app" / "schemas" / variant / FQCN


def shared_migrations(repo: Path) -> Path:
    return repo / "app" / "migrations" / FQCN


def check_json(repo: Path, *args) -> tuple:
    r = run_cli("check", "--format", "json", *args, cwd=repo)
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, json.loads(r.stdout)


def ready_all(repo: Path) -> None:
    """generate, docs, the whys, docs again: what a developer does, for every database at once."""
    for args in (("generate",), ("docs",)):
        r = run_cli(*args, cwd=repo)
        assert r.returncode == 0, r.stdout + r.stderr
    for doc in repo.rglob("MIGRATIONS.md"):
        write_whys(repo, doc=doc)
    assert run_cli("docs", cwd=repo).returncode == 0


@pytest.fixture
def variants(tmp_path):
    return variant_repo(tmp_path / "project")


# ---- variant folders of one database -----------------------------------------------------------------

def test_check_without_db_checks_every_variant_folder_and_reports_each(variants):
    r = run_cli("check", cwd=variants)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    summaries = [ln for ln in lines if re.match(r"^\S+: 2 versions \(1\.\.2\)", ln)]
    assert [s.split(":")[0] for s in summaries] == [f"debug/{FQCN}", f"release/{FQCN}"]
    # Each folder's own finding names its own 2.json; both point at the one shared migrations folder.
    assert any(ln.startswith(f"app/schemas/debug/{FQCN}/2.json: error [migration-missing]") for ln in lines)
    assert any(ln.startswith(f"app/schemas/release/{FQCN}/2.json: error [migration-missing]") for ln in lines)
    assert lines[-1] == "2 databases: 4 errors, 0 warnings"


def test_variants_share_one_migrations_folder_and_one_history_and_then_pass(variants):
    r = run_cli("generate", cwd=variants)
    assert r.returncode == 0, r.stderr
    assert (shared_migrations(variants) / "migration_1_2.sql").is_file()
    assert (shared_migrations(variants) / "Migrations.kt").is_file()
    # Nothing lands inside the schemas folder, and nothing per variant.
    assert not (variants / "app" / "schemas" / "migrations").exists()
    assert sorted(p.name for p in (variants / "app" / "migrations").iterdir()) == [FQCN]
    r = run_cli("docs", cwd=variants)
    assert r.returncode == 0 and r.stdout.count("wrote ") == 1, r.stdout
    assert f"(shared with release/{FQCN})" in r.stdout
    write_whys(variants, doc=shared_migrations(variants) / "MIGRATIONS.md")
    assert run_cli("docs", "--check", cwd=variants).returncode == 1
    assert run_cli("docs", cwd=variants).returncode == 0
    assert run_cli("docs", "--check", cwd=variants).returncode == 0
    code, data = check_json(variants)
    assert code == 0, data
    assert data["ok"] and data["errors"] == 0 and data["findings"] == []
    assert [d["database"] for d in data["databases"]] == [f"debug/{FQCN}", f"release/{FQCN}"]
    assert all(d["ok"] and d["versions"] == [1, 2] for d in data["databases"])
    assert all(d["pairs"][0]["verified"] for d in data["databases"])


def _diverge(repo: Path, variant: str = "release", version: int = 2) -> Path:
    """The variant's released ``version`` with an extra table, committed: the builds disagree."""
    path = variant_folder(repo, variant) / f"{version}.json"
    path.write_text(dumps(with_table(version, base=version)))
    commit_all(repo, f"{variant} {version} diverges")
    return path


def test_variant_folders_that_disagree_on_a_released_version_are_a_finding(variants):
    ready_all(variants)
    commit_all(variants, "migrations and history")
    changed = _diverge(variants)
    code, data = check_json(variants)
    assert code == 1
    found = [f for f in data["findings"] if f["rule"] == "variant-diverged"]
    assert len(found) == 1, data["findings"]
    f = found[0]
    # The odd one out gets it, naming the folder it differs from and what differs.
    assert f["database"] == f"release/{FQCN}"
    assert f["file"] == f"app/schemas/release/{FQCN}/2.json" and f["severity"] == "error" and f["versions"] == [2]
    assert f"differs from debug/{FQCN}'s 2.json" in f["message"] and "table notes added" in f["message"]
    assert f["details"] == ["table notes added (2 columns)"]
    assert "restore the released file from git" in f["fix"]
    debug, release = data["databases"]
    assert "variant-diverged" not in [x["rule"] for x in debug["findings"]]
    # The shared migration, verified against each folder, fails only where the schema differs.
    assert not [x for x in debug["findings"] if x["rule"] == "migration-failed"]
    assert [x["rule"] for x in release["findings"] if x["rule"] == "migration-failed"], release["findings"]
    assert changed.is_file()


def test_equal_meaning_is_no_divergence(variants):
    """Key order and layout differ, the schema does not: Room's own isSchemaEqual would agree."""
    doc = json.loads((AVA / "1.json").read_text())
    doc["database"]["entities"] = list(reversed(doc["database"]["entities"]))
    (variant_folder(variants, "release") / "1.json").write_text(json.dumps(doc, indent=4, sort_keys=True))
    commit_all(variants, "release 1 re-laid out")
    code, data = check_json(variants, "--no-verify")
    assert "variant-diverged" not in [f["rule"] for f in data["findings"]]


def test_an_unreleased_version_may_differ_between_variants(variants):
    """Version 3 is being made: each variant's build wrote its own, nothing is committed yet."""
    (variant_folder(variants, "debug") / "3.json").write_text(dumps(with_table(3)))
    shutil.copy(AVA / "2.json", variant_folder(variants, "release") / "3.json")
    doc = json.loads((AVA / "2.json").read_text())
    doc["database"]["version"] = 3
    (variant_folder(variants, "release") / "3.json").write_text(json.dumps(doc, indent=2))
    _, data = check_json(variants, "--no-verify")
    assert "variant-diverged" not in [f["rule"] for f in data["findings"]]
    # Once released (--released 3: every version up to 3 shipped), they must agree.
    _, data = check_json(variants, "--no-verify", "--released", "3")
    found = [f for f in data["findings"] if f["rule"] == "variant-diverged"]
    assert [f["versions"] for f in found] == [[3]], data["findings"]


def test_three_targets_the_odd_one_out_is_named(tmp_path):
    """KMP: one folder per target; two agree, the third differs and is the one reported."""
    repo = variant_repo(tmp_path / "kmp", variants=("android", "desktop", "ios"))
    _diverge(repo, "android")
    _, data = check_json(repo, "--no-verify")
    found = [f for f in data["findings"] if f["rule"] == "variant-diverged"]
    assert [f["database"] for f in found] == [f"android/{FQCN}"]
    assert f"differs from desktop/{FQCN}'s 2.json" in found[0]["message"]


def test_ci_formats_report_each_variant_and_the_divergence(variants):
    _diverge(variants)
    r = run_cli("check", "--format", "github", "--no-verify", cwd=variants)
    assert r.returncode == 1
    notes = [ANNOTATION.match(ln).groups() for ln in r.stdout.splitlines() if ln.startswith("::")]
    diverged = [n for n in notes if n[3] == "variant-diverged"]
    assert len(diverged) == 1 and diverged[0][0] == "error"
    assert diverged[0][1] == f"app/schemas/release/{FQCN}/2.json"
    verdicts = [ln for ln in r.stdout.splitlines() if ln.endswith("warnings") and not ln.startswith("::")]
    assert [v.split(":")[0] for v in verdicts] == [f"debug/{FQCN}", f"release/{FQCN}"]

    r = run_cli("check", "--format", "sarif", "--no-verify", cwd=variants)
    log = json.loads(r.stdout)
    run = log["runs"][0]
    rule = next(x for x in run["tool"]["driver"]["rules"] if x["id"] == "variant-diverged")
    assert rule["shortDescription"]["text"] == RULES["variant-diverged"].short
    assert rule["help"]["text"] == RULES["variant-diverged"].help
    result = next(x for x in run["results"] if x["ruleId"] == "variant-diverged")
    assert result["properties"]["database"] == f"release/{FQCN}" and result["level"] == "error"
    assert {x["properties"]["database"] for x in run["results"]} == {f"debug/{FQCN}", f"release/{FQCN}"}

    r = run_cli("check", "--format", "markdown", "--no-verify", cwd=variants)
    headings = [ln for ln in r.stdout.splitlines() if ln.startswith("### ")]
    assert len(headings) == 2 and f"debug/{FQCN}" in headings[0] and f"release/{FQCN}" in headings[1]
    assert "`variant-diverged`" in r.stdout.split(headings[1])[1]


def test_db_and_schemas_choose_one_variant_folder(variants):
    _diverge(variants)
    _, data = check_json(variants, "--no-verify", "--db", f"debug/{SIMPLE}")
    assert data["database"] == f"debug/{FQCN}" and "databases" not in data
    _, data = check_json(variants, "--no-verify", "--schemas", "app/schemas/release")
    assert data["database"] == f"release/{FQCN}"
    # One folder alone has nothing to disagree with.
    assert "variant-diverged" not in [f["rule"] for f in data["findings"]]
    # A name both variants have: both, and the comparison between them.
    _, data = check_json(variants, "--no-verify", "--db", SIMPLE)
    assert len(data["databases"]) == 2 and "variant-diverged" in [f["rule"] for f in data["findings"]]


@pytest.mark.parametrize("command", [("diff",), ("show",), ("verify",)])
def test_diff_show_verify_ask_which_variant_and_say_how_to_name_it(variants, command):
    r = run_cli(*command, cwd=variants)
    assert r.returncode == 2
    assert "several databases found, choose one with --db NAME" in r.stderr
    assert f"debug/{FQCN} (app/schemas/debug/{FQCN})" in r.stderr
    assert f"release/{FQCN} (app/schemas/release/{FQCN})" in r.stderr
    assert f"--db debug/{FQCN}" in r.stderr and "--schemas app/schemas/debug" in r.stderr
    assert run_cli(*command, "--db", f"release/{SIMPLE}", cwd=variants).returncode == 0
    assert run_cli(*command, "--schemas", "app/schemas/debug", cwd=variants).returncode == 0
    r = run_cli(*command, "--db", f"staging/{SIMPLE}", cwd=variants)
    assert r.returncode == 2 and "no schema folder for database 'staging/AVADatabase'" in r.stderr


def test_sibling_variant_folders_are_named_by_their_folder(tmp_path):
    """``room.schemaLocation`` set per variant to ``schemas-<variant>``: not under ``schemas/``."""
    repo = tmp_path / "p"
    for name in ("schemas-debug", "schemas-release"):
        shutil.copytree(AVA, repo / "app" / name / FQCN)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "schemas")
    _, data = check_json(repo, "--no-verify")
    assert [d["database"] for d in data["databases"]] == [f"schemas-debug/{FQCN}", f"schemas-release/{FQCN}"]
    assert run_cli("show", "--db", f"schemas-release/{SIMPLE}", cwd=repo).returncode == 0


# ---- several databases -----------------------------------------------------------------------------

@pytest.fixture
def two_databases(tmp_path):
    repo = make_repo(tmp_path / "app-project", commit=False)
    shutil.copytree(AVA, repo / "app" / "schemas" / OTHER)
    commit_all(repo, "two databases")
    return repo


def test_two_databases_each_get_their_migrations_history_and_report(two_databases):
    repo = two_databases
    r = run_cli("generate", cwd=repo)
    assert r.returncode == 0, r.stderr
    for name in (FQCN, OTHER):
        assert (repo / "app" / "migrations" / name / "Migration_1_2.kt").is_file()
    other_kt = (repo / "app" / "migrations" / OTHER / "Migration_1_2.kt").read_text()
    assert "package com.example.data.migrations" in other_kt
    r = run_cli("generate", "--format", "json", cwd=repo)
    data = json.loads(r.stdout)
    assert [d["database"] for d in data["databases"]] == [FQCN, OTHER]
    assert all(d["written"] == [] and d["pairs"] == [[1, 2]] for d in data["databases"])
    r = run_cli("docs", cwd=repo)
    assert r.returncode == 0 and r.stdout.count("wrote ") == 2
    for name in (FQCN, OTHER):
        write_whys(repo, doc=repo / "app" / "migrations" / name / "MIGRATIONS.md")
    r = run_cli("docs", cwd=repo)
    assert r.returncode == 0
    r = run_cli("check", cwd=repo)
    assert r.returncode == 0, r.stdout
    assert f"{FQCN}: 2 versions (1..2), 0 errors, 0 warnings" in r.stdout
    assert f"{OTHER}: 2 versions (1..2), 0 errors, 0 warnings" in r.stdout
    assert r.stdout.splitlines()[-1] == "2 databases: 0 errors, 0 warnings"
    # Two databases are never compared with each other.
    _, data = check_json(repo)
    assert data["ok"] and [d["database"] for d in data["databases"]] == [FQCN, OTHER]


def test_exit_status_is_the_worst_over_the_databases(two_databases):
    repo = two_databases
    ready_all(repo)
    commit_all(repo, "ready")
    (repo / "app" / "migrations" / OTHER / "migration_1_2.sql").unlink()
    (repo / "app" / "migrations" / OTHER / "Migration_1_2.kt").unlink()
    r = run_cli("check", cwd=repo)
    assert r.returncode == 1
    assert f"{FQCN}: 2 versions (1..2), 0 errors" in r.stdout and f"{OTHER}: 2 versions (1..2), 1 error," in r.stdout
    code, data = check_json(repo)
    assert code == 1 and not data["ok"] and data["errors"] == 1
    assert [f["database"] for f in data["findings"]] == [OTHER]
    assert [d["ok"] for d in data["databases"]] == [True, False]


def test_bad_input_in_every_database_is_exit_2_naming_each(two_databases):
    r = run_cli("check", "--released", "v9", cwd=two_databases)
    assert r.returncode == 2
    assert f"roomschema: error: {FQCN}: released: no git tag, branch or commit named 'v9'" in r.stderr
    assert f"roomschema: error: {OTHER}: released: no git tag, branch or commit named 'v9'" in r.stderr


def test_one_database_is_reported_as_before(tmp_path):
    """One database found: the JSON report keeps its shape and bad input raises, one line, exit 2."""
    repo = make_repo(tmp_path / "p")
    _, data = check_json(repo, "--no-verify")
    assert data["database"] == FQCN and "databases" not in data
    r = run_cli("check", "--released", "v9", cwd=repo)
    assert r.returncode == 2 and r.stderr.strip() == \
        "roomschema: error: released: no git tag, branch or commit named 'v9'"


def test_one_output_or_document_for_two_databases_is_refused(two_databases):
    repo = two_databases
    r = run_cli("generate", "--output", "shared", cwd=repo)
    assert r.returncode == 2 and "one migrations folder for several databases" in r.stderr
    assert not (repo / "shared").exists()
    r = run_cli("docs", "--output", "DB.md", cwd=repo)
    assert r.returncode == 2 and "one document for several databases" in r.stderr
    assert not (repo / "DB.md").exists()
    assert run_cli("docs", "--output", "DB.md", "--db", "OtherDatabase", cwd=repo).returncode == 0


def test_the_discovery_names():
    from roomschema.schema.discovery import database_labels, schemas_root, variant_of
    debug = ROOT / "x" / "app" / "schemas" / "debug" / FQCN
    plain = ROOT / "x" / "app" / "schemas" / FQCN
    assert variant_of(debug) == "debug" and variant_of(plain) is None
    assert schemas_root(debug) == schemas_root(plain) == ROOT / "x" / "app" / "schemas"
    assert database_labels([debug, plain], ROOT) == {debug: f"debug/{FQCN}", plain: FQCN}
