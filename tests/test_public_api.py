"""The library API: every public name works, works twice, and survives submodule imports.

A package attribute and a submodule of the same name share one slot: importing
``roomschema.diff`` (the module, as it once was) replaced the ``diff`` function
on the package, so the second call raised "'module' object is not callable".
"""
from __future__ import annotations

import contextlib
import importlib
import io
import os
import pkgutil
import re
import types
from pathlib import Path

import pytest
from conftest import AVA

import roomschema

REPO = Path(__file__).resolve().parents[1]


def _every_submodule() -> list[str]:
    # __main__ runs the CLI when imported: it is the one module a program never imports
    return [m.name for m in pkgutil.walk_packages(roomschema.__path__, "roomschema.")
            if not m.name.endswith("__main__")]


def test_all_names_exist_and_only_compose_is_a_module():
    for name in roomschema.__all__:
        value = getattr(roomschema, name)
        assert not isinstance(value, types.ModuleType) or name == "compose", name


def test_importing_every_submodule_replaces_no_public_name():
    before = {name: getattr(roomschema, name) for name in roomschema.__all__}
    for module in _every_submodule():
        importlib.import_module(module)
    after = {name: getattr(roomschema, name) for name in roomschema.__all__}
    assert after == before


def _calls():
    """One real call per public function, on the AVA schemas."""
    old, new = roomschema.load(AVA / "1.json"), roomschema.load(AVA / "2.json")
    text = (AVA / "2.json").read_text(encoding="utf-8")
    plan = roomschema.plan_migration(old, new)
    return {
        "load": lambda: roomschema.load(AVA / "1.json"),
        "loads": lambda: roomschema.loads(text),
        "parse": lambda: roomschema.parse(__import__("json").loads(text)),
        "load_dir": lambda: roomschema.load_dir(AVA),
        "dumps": lambda: roomschema.dumps(new),
        "identity_hash": lambda: roomschema.identity_hash(new.database),
        "legacy_identity_hash": lambda: roomschema.legacy_identity_hash(new.database),
        "diff": lambda: roomschema.diff(old, new),
        "plan_migration": lambda: roomschema.plan_migration(old, new),
        "migration_sql": lambda: roomschema.migration_sql(plan),
        "migration_kotlin": lambda: roomschema.migration_kotlin(plan, "com.example.migrations"),
        "auto_spec_kotlin": lambda: roomschema.auto_spec_kotlin(plan, "com.example.migrations"),
        "migration_test_kotlin": lambda: roomschema.migration_test_kotlin(plan, "com.example.migrations"),
        "verify_migration": lambda: roomschema.verify_migration(old, new, plan, rows=50).ok,
    }


def test_every_public_function_can_be_called_twice():
    calls = _calls()
    functions = {n for n in roomschema.__all__ if isinstance(getattr(roomschema, n), types.FunctionType)}
    assert functions == set(calls), "a public function without a call here, or a call for a name not exported"
    for name, call in calls.items():
        first = call()
        for module in _every_submodule():  # what a program may import between two calls
            importlib.import_module(module)
        second = call()
        assert first == second or type(first) is type(second), name
    assert calls["verify_migration"]() is True
    assert roomschema.identity_hash(roomschema.load(AVA / "2.json").database) == \
        roomschema.load(AVA / "2.json").database.identity_hash


def test_readme_library_snippet_runs_as_written():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Library"):]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README's Library section has no python snippet"
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code.group(1), "README.md (Library)", "exec"), {"__name__": "readme"})
    finally:
        os.chdir(cwd)
    printed = out.getvalue()
    assert "ALTER TABLE `messages` ADD COLUMN `edit_count` INTEGER NOT NULL DEFAULT 0;" in printed
    assert ": OK" in printed


@pytest.mark.parametrize("name", ["Schema", "Entity", "Field", "Declarations", "Step", "Plan", "Diff", "Change"])
def test_public_classes_come_from_their_stage(name):
    cls = getattr(roomschema, name)
    assert cls.__module__.split(".")[1] in {"schema", "migration"}, cls.__module__
