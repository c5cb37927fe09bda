"""The roomschema-check hook, run for real by pre-commit in a throwaway project.

The hook repository is a fresh commit of this working tree (which may hold uncommitted
changes), so what is tested is what is on disk. pre-commit builds the hook's environment
from PyPI, which needs the network: without it the test is skipped, saying so.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import (AVA, GIT_ENV, ROOT, commit_all, git, make_repo, migrations, ready, schemas, with_table,
                     write_schema)

pytestmark = pytest.mark.slow

_NOT_COPIED = shutil.ignore_patterns(".git", ".roomschema-cache", ".hypothesis", ".pytest_cache", "__pycache__",
                                     ".benchmarks", "*.pyc", ".venv", "venv", "build", "dist", "*.egg-info")


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def _pre_commit() -> list:
    exe = shutil.which("pre-commit")
    if exe:
        return [exe]
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extras: pip install -e .[test]")
    return [sys.executable, "-m", "pre_commit"]


def hook_repository(dest: Path) -> tuple:
    """This working tree, committed on its own: ``(path, sha)`` for a pre-commit ``repo:``/``rev:``."""
    shutil.copytree(ROOT, dest, ignore=_NOT_COPIED)
    if not (dest / "README.md").exists():
        (dest / "README.md").write_text("roomschema\n")  # pyproject names it; the build needs it
    git(dest, "init", "-q", "-b", "main")
    commit_all(dest, "hook source")
    return dest, git(dest, "rev-parse", "HEAD").strip()


def run(cmd, cwd, env):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    if not _pypi_reachable():
        pytest.skip("pre-commit builds the hook environment from PyPI, which is not reachable")
    base = tmp_path_factory.mktemp("precommit")
    hooks, sha = hook_repository(base / "roomschema")
    repo = make_repo(base / "app-project")
    ready(repo)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {sha}\n    hooks:\n      - id: roomschema-check\n")
    commit_all(repo, "migrations, history and hook configuration")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(base / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the installed copy, not this checkout
    r = run(_pre_commit() + ["install"], repo, env)
    assert r.returncode == 0, r.stdout + r.stderr
    return repo, env


def commit(repo, env, message):
    git(repo, "add", "-A")
    return run(["git", "commit", "-m", message], repo, env)


def test_the_hook_definition_is_what_the_examples_use():
    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: roomschema-check" in manifest and "entry: roomschema check" in manifest
    assert "language: python" in manifest and "pass_filenames: false" in manifest
    assert "id: roomschema-check" in (ROOT / "examples" / "pre-commit-config.yaml").read_text()
    for path in (ROOT / ".pre-commit-hooks.yaml", ROOT / "examples" / "pre-commit-config.yaml"):
        cmd = "validate-manifest" if path.name.startswith(".pre-commit-hooks") else "validate-config"
        r = subprocess.run(_pre_commit() + [cmd, str(path)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_editing_a_released_schema_is_refused(project):
    repo, env = project
    head = git(repo, "rev-parse", "HEAD")
    write_schema(repo, with_table(1, base=1))
    r = commit(repo, env, "edit a released schema")
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "roomschema check" in out and "[released-changed]" in out
    assert "Room cannot verify the data integrity" in out
    assert git(repo, "rev-parse", "HEAD") == head
    shutil.copy(AVA / "1.json", schemas(repo) / "1.json")
    git(repo, "add", "-A")


def test_a_new_version_with_its_migration_and_why_passes(project):
    repo, env = project
    write_schema(repo, with_table(3))
    ready(repo)
    r = commit(repo, env, "version 3: notes")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "roomschema check (Room migration checklist)" in out and "Passed" in out
    assert (migrations(repo) / "migration_2_3.sql").is_file()
    assert git(repo, "status", "--porcelain") == ""


def test_a_new_version_without_its_migration_is_refused(project):
    repo, env = project
    write_schema(repo, with_table(4, base=2))
    r = commit(repo, env, "version 4 without a migration")
    assert r.returncode != 0 and "[migration-missing]" in r.stdout + r.stderr
    (schemas(repo) / "4.json").unlink()
    git(repo, "add", "-A")


def test_try_repo_against_the_working_tree_copy(project):
    """`pre-commit try-repo`, the way a team tries the hook before adopting it."""
    repo, env = project
    hooks = Path(env["PRE_COMMIT_HOME"]).parent / "roomschema"
    r = run(_pre_commit() + ["try-repo", str(hooks), "roomschema-check", "--all-files"], repo, env)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "roomschema check" in out and "Passed" in out


def test_the_example_configuration_as_is_runs_the_installed_roomschema(tmp_path):
    """examples/pre-commit-config.yaml copied unchanged: its local hook runs the roomschema on PATH
    (installed as the README says), with no rev to pin and nothing fetched."""
    repo = make_repo(tmp_path / "android", commit=False)
    shutil.copy(ROOT / "examples" / "pre-commit-config.yaml", repo / ".pre-commit-config.yaml")
    scripts = Path(sys.executable).parent
    assert (scripts / "roomschema").is_file()
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1",
           "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    r = run(_pre_commit() + ["install"], repo, env)
    assert r.returncode == 0, r.stdout + r.stderr
    r = commit(repo, env, "schemas without migrations")
    assert r.returncode != 0 and "[migration-missing]" in r.stdout + r.stderr, r.stdout + r.stderr
    ready(repo)
    r = commit(repo, env, "schemas, migrations and history")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "roomschema check (Room migration checklist)" in out and "Passed" in out


def test_the_release_tag_is_a_rev_that_exists(project):
    """The README's pinned form with the release tag: ``rev: v0.1.0`` in a repository that has it."""
    repo, env = project
    hooks = Path(env["PRE_COMMIT_HOME"]).parent / "roomschema"
    if "v0.1.0" not in git(hooks, "tag", "--list"):
        git(hooks, "tag", "-a", "v0.1.0", "-m", "roomschema 0.1.0")
    config = repo / ".pre-commit-config.yaml"
    saved = config.read_text()
    config.write_text(re.sub(r"rev: [0-9a-f]{40}", "rev: v0.1.0", saved))
    try:
        r = run(_pre_commit() + ["run", "roomschema-check", "--all-files"], repo, env)
        out = r.stdout + r.stderr
        assert r.returncode == 0, out
        assert "roomschema check (Room migration checklist)" in out and "Passed" in out
    finally:
        config.write_text(saved)
