"""Installing roomschema into an Android project (issue #15 part 6), tried as a new user would.

The README's "Add it to an Android project": ``pipx install`` / ``uv tool install`` from the git
repository (a clone of this working tree stands for it), the lefthook example (its command, and
lefthook itself where installed) and the Gradle task (compiled by the real Kotlin compiler against
a few stand-ins for Gradle's API; Gradle itself is not run). pre-commit is in test_precommit.py.
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
import yaml

from helpers import GIT_ENV, ROOT, commit_all, git, make_repo, ready, schemas, with_table, write_schema
from kotlinc import _JVM_FLAGS, kotlinc_path, requires_kotlinc

README = (ROOT / "README.md").read_text(encoding="utf-8")
LEFTHOOK = ROOT / "examples" / "lefthook.yml"
GRADLE = ROOT / "examples" / "gradle" / "roomschema.gradle.kts"
_NOT_COPIED = shutil.ignore_patterns(".git", ".roomschema-cache", ".hypothesis", ".pytest_cache", "__pycache__",
                                     ".benchmarks", "*.pyc", ".venv", "venv", "build", "dist", "*.egg-info")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.index("\n## ", start + 1)
    return README[start:end]


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def test_the_readme_says_how_to_add_it_with_one_url_variable():
    text = section("Add it to an Android project")
    assert "ROOMSCHEMA_GIT=https://github.com/roomschema/roomschema" in text
    assert 'pipx install "git+$ROOMSCHEMA_GIT"' in text and 'uv tool install "git+$ROOMSCHEMA_GIT"' in text
    # Every git URL the section names is the variable, or the value it is said to stand for.
    for url in re.findall(r"git\+\S+", text):
        assert url.startswith("git+$ROOMSCHEMA_GIT"), url
    for example in ("examples/pre-commit-config.yaml", "examples/lefthook.yml", "examples/gradle/roomschema.gradle.kts"):
        assert example in text and (ROOT / example).is_file()
    assert "full 40-character" in text and "v0.1.0" in text
    # The README's Gradle snippet is the example file's code, word for word.
    snippet = re.search(r"```kotlin\n(.*?)```", text, re.S).group(1)
    code = "\n".join(ln for ln in GRADLE.read_text().splitlines() if not ln.startswith("//")).strip()
    assert snippet.strip() == code


def test_the_pre_commit_example_names_no_release_that_cannot_be_reached():
    text = (ROOT / "examples" / "pre-commit-config.yaml").read_text()
    assert "roomschema==" not in text  # on no registry
    config = yaml.safe_load(text)
    hook = config["repos"][0]["hooks"][0]
    assert config["repos"][0]["repo"] == "local"
    assert hook["entry"] == "roomschema check" and hook["language"] == "system" and hook["pass_filenames"] is False
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    assert hook["id"] == manifest["id"] and hook["files"] == manifest["files"]


# ---- pipx and uv, from the git repository ------------------------------------------------------

def _installer(name: str):
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed (pip install {name}); the README's install line needs it")
    if not _pypi_reachable():
        pytest.skip(f"{name} installs roomschema's dependencies from PyPI, which is not reachable")
    return exe


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """A git repository holding this working tree: what $ROOMSCHEMA_GIT points at."""
    dest = tmp_path_factory.mktemp("roomschema-git") / "roomschema"
    shutil.copytree(ROOT, dest, ignore=_NOT_COPIED)
    git(dest, "init", "-q", "-b", "main")
    commit_all(dest, "roomschema")
    return dest


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["uv", "pipx"])
def test_install_from_the_git_repository_puts_roomschema_on_path(tool, repository, tmp_path):
    exe = _installer(tool)
    url = f"git+{repository.as_uri()}"
    env = {**os.environ, **GIT_ENV, "UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
           "PIPX_HOME": str(tmp_path / "tools"), "PIPX_BIN_DIR": str(tmp_path / "bin"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    cmd = [exe, "tool", "install", url] if tool == "uv" else [exe, "install", url]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    installed = tmp_path / "bin" / "roomschema"
    r = subprocess.run([str(installed), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("roomschema, version ")
    project = make_repo(tmp_path / "android")
    r = subprocess.run([str(installed), "check"], cwd=project, env=env, capture_output=True, text=True)
    assert r.returncode == 1 and "[migration-missing]" in r.stdout, r.stdout + r.stderr


# ---- lefthook ---------------------------------------------------------------------------------------

def _path_with_roomschema() -> str:
    """PATH with this environment's ``roomschema`` first, as an installed one would be."""
    exe = Path(sys.executable).parent / "roomschema"
    assert exe.is_file(), f"no roomschema console script beside {sys.executable}"
    return f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}"


def test_the_lefthook_example_parses_and_its_command_runs(tmp_path):
    config = yaml.safe_load(LEFTHOOK.read_text())
    hook = config["pre-commit"]["commands"]["roomschema-check"]
    assert hook["run"] == "roomschema check"
    repo = make_repo(tmp_path / "android")
    env = {**os.environ, "PATH": _path_with_roomschema(), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    r = subprocess.run(["bash", "-c", hook["run"]], cwd=repo, env=env, capture_output=True, text=True)
    assert r.returncode == 1 and "[migration-missing]" in r.stdout, r.stdout + r.stderr
    ready(repo)
    r = subprocess.run(["bash", "-c", hook["run"]], cwd=repo, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_lefthook_runs_the_example_on_commit(tmp_path):
    lefthook = shutil.which("lefthook")
    if lefthook is None:
        pytest.skip("lefthook is not installed (pip install lefthook, or npm install lefthook)")
    repo = make_repo(tmp_path / "android", commit=False)
    shutil.copy(LEFTHOOK, repo / "lefthook.yml")
    env = {**os.environ, **GIT_ENV, "PATH": f"{Path(lefthook).parent}{os.pathsep}{_path_with_roomschema()}",
           "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)

    def run(*cmd):
        return subprocess.run(list(cmd), cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    assert run(lefthook, "install").returncode == 0
    git(repo, "add", "-A")
    r = run("git", "commit", "-m", "schemas without migrations")
    assert r.returncode != 0 and "[migration-missing]" in r.stdout + r.stderr, r.stdout + r.stderr
    ready(repo)
    git(repo, "add", "-A")
    r = run("git", "commit", "-m", "schemas, migrations and history")
    assert r.returncode == 0, r.stdout + r.stderr
    # A commit that stages no schema, migration or history does not run it.
    (repo / "notes.txt").write_text("x\n")
    git(repo, "add", "-A")
    r = run("git", "commit", "-m", "notes")
    assert r.returncode == 0 and "no matching staged files" in r.stdout + r.stderr, r.stdout + r.stderr
    # A new version without its migration is refused.
    write_schema(repo, with_table(3))
    git(repo, "add", "-A")
    r = run("git", "commit", "-m", "version 3")
    assert r.returncode != 0 and "[migration-missing]" in r.stdout + r.stderr
    assert (schemas(repo) / "3.json").is_file()


# ---- Gradle ------------------------------------------------------------------------------------------

# Just enough of Gradle's API for the example to type-check the way Gradle's Kotlin DSL would:
# TaskContainer.register<T>(name) { ... } (the reified extension of org.gradle.kotlin.dsl),
# named(name) { ... }, Exec.commandLine, Task.group/description/dependsOn.
GRADLE_STANDINS = """
package gradle.standins

open class Task {
    var group: String? = null
    var description: String? = null
    fun dependsOn(vararg paths: Any): Task = this
}

class Exec : Task() {
    var workingDir: java.io.File? = null
    fun commandLine(vararg arguments: Any): Exec = this
}

class TaskProvider<T : Task>

class TaskContainer {
    fun <T : Task> register(name: String, type: Class<T>, configuration: T.() -> Unit): TaskProvider<T> = TaskProvider()
    fun named(name: String, configuration: Task.() -> Unit): TaskProvider<Task> = TaskProvider()
}

inline fun <reified T : Task> TaskContainer.register(name: String, noinline configuration: T.() -> Unit): TaskProvider<T> =
    register(name, T::class.java, configuration)

class Project {
    val tasks = TaskContainer()
}
"""


@pytest.mark.kotlin
@requires_kotlinc
def test_the_gradle_example_compiles_as_kotlin(tmp_path):
    body = GRADLE.read_text()
    assert 'tasks.register<Exec>("roomschemaCheck")' in body and 'commandLine("roomschema", "check")' in body
    assert 'tasks.named("check")' in body and 'dependsOn("roomschemaCheck")' in body
    (tmp_path / "Standins.kt").write_text(GRADLE_STANDINS)
    # The script's statements as the body of a function on the project, as Gradle compiles a build script.
    indented = "".join(f"    {ln}\n" if ln.strip() else "\n" for ln in body.splitlines())
    (tmp_path / "Script.kt").write_text("package gradle.standins\n\nfun Project.script() {\n" + indented + "}\n")
    kotlinc = kotlinc_path()
    assert kotlinc is not None
    r = subprocess.run([kotlinc, *_JVM_FLAGS, "-nowarn", "-d", str(tmp_path / "classes"),
                        str(tmp_path / "Standins.kt"), str(tmp_path / "Script.kt")],
                       capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr + r.stdout
    assert (tmp_path / "classes" / "gradle" / "standins" / "ScriptKt.class").is_file()
