"""``roomschema check`` over a real app's whole history, as the app's team would run it (issue #14:
"check can be clean"): simple-android's 119 schema files and its 120 hand-written migrations read in
place, the deliberate data changes declared in roomschema.toml (tests/corpus_declarations.py), the
shipped versions named (``released``). What is left is the one migration the app shipped broken,
and the migrations whose statements are known only at run time, as warnings."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus_declarations import APP_BUGS, DECLARED, SIMPLE
from helpers import CORPUS, check, git, requires_corpus, run_cli

APP = "simpledotorg__simple-android"
FQCN = "org.simple.clinic.AppDatabase"
MIGRATIONS = "migrations-src/app/src/main/java/org/simple/clinic/storage/migrations"


def _toml(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def _settings(declarations: bool, released: bool) -> str:
    # The migrations are read in place; the history document is the project's own (never in the corpus).
    lines = [f'schemas = "schemas/{FQCN}"', f'output = "{(CORPUS / APP / MIGRATIONS).resolve()}"',
             'docs = "MIGRATIONS.md"']
    if released:
        lines.insert(0, "released = 123")
    for (repo, a, b), (decl, _why) in DECLARED.items():
        if repo == SIMPLE and declarations:
            lines += ["", f'[migrations."{a}-{b}"]'] + [f"{k} = {_toml(v)}" for k, v in decl.to_json().items()
                                                         if k.startswith(("expect_", "assume_"))]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("simple-android")
    shutil.copytree(CORPUS / APP / FQCN, root / "schemas" / FQCN)
    git(root, "init", "-q")
    (root / "roomschema.toml").write_text(_settings(True, True), encoding="utf-8")
    assert run_cli("docs", cwd=root).returncode == 0 and (root / "MIGRATIONS.md").is_file()
    return root


@requires_corpus
@pytest.mark.slow
def test_check_of_a_whole_real_history_leaves_only_the_shipped_bug(project):
    code, data = check(project)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    # The one broken migration, named with its file and line, and nothing the app did on purpose.
    assert code == 1 and [f["rule"] for f in errors] == ["migration-failed"], errors
    assert errors[0]["file"].endswith("Migration_96.kt") and errors[0]["versions"] == [95, 96]
    assert APP_BUGS[(SIMPLE, 95, 96)][0] in errors[0]["message"]
    # What only the running app knows is a warning with the file:line or statement that decides it.
    unverifiable = [f for f in data["findings"] if f["rule"] == "migration-unverifiable"]
    assert unverifiable and all(f["severity"] == "warning" for f in unverifiable)
    assert {tuple(f["versions"]) for f in unverifiable} >= {(5, 6), (15, 16)}
    assert len(unverifiable) <= 0.1 * 117
    assert {f["rule"] for f in data["findings"]} <= {"migration-failed", "migration-unverifiable", "why-empty"}


@requires_corpus
@pytest.mark.slow
def test_without_the_declarations_each_deliberate_change_is_a_failure_naming_its_declaration(project):
    (project / "roomschema.toml").write_text(_settings(False, True), encoding="utf-8")
    try:
        _without_declarations(project)
    finally:
        (project / "roomschema.toml").write_text(_settings(True, True), encoding="utf-8")


def _without_declarations(project: Path) -> None:
    _code, data = check(project)
    failed = {tuple(f["versions"]): f for f in data["findings"] if f["rule"] == "migration-failed"}
    declared = {(a, b) for (repo, a, b) in DECLARED if repo == SIMPLE}
    assert set(failed) == declared | {(95, 96)}, sorted(failed)
    for a, b in declared:
        f = failed[(a, b)]
        if DECLARED[(SIMPLE, a, b)][0].assume_references:
            # Room's foreign key message is reproduced exactly; the full report the fix names says how
            # to declare what the app guarantees.
            assert "Foreign key violation(s) detected in" in f["message"] and "roomschema verify" in f["fix"]
            assert f'assume_references = {{ "TABLE.COLUMN" = "PARENT.COLUMN" }} in [migrations."{a}-{b}"]' in f["fix"]
            r = run_cli("verify", a, b, "--kotlin", f["file"], "--rows", 500, "--no-hazard", cwd=project)
            (((t, c), (p, k)),) = DECLARED[(SIMPLE, a, b)][0].assume_references
            assert r.returncode == 1 and f"--assume-reference {t}.{c}={p}.{k}" in r.stdout, r.stdout
        else:
            assert "declare it: --expect-" in f["message"], f


@requires_corpus
@pytest.mark.slow
def test_the_additive_policy_spares_released_versions_only(project):
    # Without `released`, every change the history ever made awaits an acknowledgement (the policy is
    # for what is about to ship): that is what the setting says is already out.
    (project / "roomschema.toml").write_text(_settings(True, False), encoding="utf-8")
    try:
        _code, data = check(project, "--no-verify")
        assert sum(f["rule"] == "non-additive" for f in data["findings"]) > 50
        _code, data = check(project, "--no-verify", "--released", "100")
        later = {tuple(f["versions"]) for f in data["findings"] if f["rule"] == "non-additive"}
        assert later and all(b > 100 for _a, b in later), sorted(later)
    finally:
        (project / "roomschema.toml").write_text(_settings(True, True), encoding="utf-8")
