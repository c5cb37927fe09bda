"""The package's shape: who may import whom.

Every module of ``roomschema`` is parsed with ``ast`` and every import in it counts, at the
top of the module or inside a function, absolute or relative: an import that runs late
still ties the two modules together. ``import a.b`` and ``from a import b`` are edges to
the module ``a.b`` when it exists, else to the package ``a`` (a package ``__init__`` that
re-exports is a module like any other). The parent packages Python runs on the way
(``roomschema`` for ``roomschema.x.y``) are not counted: that is how every import of a
submodule works and says nothing about the design.

The rules:

* no import cycle, however long;
* ``click`` is imported only under ``roomschema/cli/``, and nothing outside it imports
  ``roomschema.cli``: the library never reaches into the command line;
* the pipeline stages import only backwards along load -> diff/plan -> render -> verify ->
  check -> cli (``recovery`` sits beside ``check``, after verify):

  - ``roomschema.schema`` imports nothing from migration, render, verify, check, cli, recovery;
  - ``roomschema.migration`` nothing from render, verify, check, cli, recovery;
  - ``roomschema.render`` nothing from verify, check, cli, recovery;
  - ``roomschema.verify`` nothing from render, check, cli, recovery;
  - ``roomschema.kotlin`` (a Kotlin reader) nothing from the stages at all but ``errors``;
  - ``roomschema.recovery`` and ``roomschema.check`` nothing from each other or cli;

* the top-level package ``roomschema`` is the API façade: it imports from the stages and is
  outside the stage order, and no module of the package imports it (the release number is in
  the leaf ``roomschema._version``). ``roomschema.__main__`` (``python -m roomschema``) is part
  of the command line.
"""
from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

# Found, not imported: the shape is read from the source, whatever importing it would do.
_SPEC = importlib.util.find_spec("roomschema")
assert _SPEC is not None and _SPEC.origin is not None, "roomschema is not installed"
PACKAGE = Path(_SPEC.origin).parent
FACADE = "roomschema"
STAGES = ("schema", "migration", "render", "verify", "check", "cli", "recovery", "kotlin")
# stage -> the stages it must not import
FORBIDDEN = {
    "schema": ("migration", "render", "verify", "check", "cli", "recovery", "kotlin"),
    "migration": ("render", "verify", "check", "cli", "recovery"),
    "render": ("verify", "check", "cli", "recovery"),
    "verify": ("render", "check", "cli", "recovery"),
    "kotlin": ("schema", "migration", "render", "verify", "check", "cli", "recovery"),
    "recovery": ("check", "cli"),
    "check": ("recovery", "cli"),
}


def _module_names() -> dict:
    """``{dotted name: path}`` of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _module_names()


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, path: Path) -> list:
    """``[(imported name, line)]`` for every import statement anywhere in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.append((sub if sub in MODULES else target, node.lineno))
    return out


def _target(name: str):
    """The module of the package that ``name`` names, or None when it is outside the package."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _graph() -> dict:
    """``{module: {imported module: first line}}`` inside the package."""
    graph: dict = {}
    for module, path in MODULES.items():
        edges = graph.setdefault(module, {})
        for name, line in _imports(module, path):
            target = _target(name)
            if target is not None and target != module:
                edges.setdefault(target, line)
    return graph


GRAPH = _graph()


def _where(module: str) -> str:
    return MODULES[module].relative_to(PACKAGE.parent).as_posix()


def _stage(module: str):
    if module == f"{FACADE}.__main__":
        return "cli"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def find_cycle(graph: dict):
    """One cycle as ``[a, b, ..., a]``, or None (an iterative depth-first search)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {m: WHITE for m in graph}
    for root in sorted(graph):
        if colour[root] != WHITE:
            continue
        stack = [(root, iter(sorted(graph[root])))]
        colour[root] = GREY
        while stack:
            node, children = stack[-1]
            for child in children:
                if colour.get(child, BLACK) == GREY:
                    path = [n for n, _ in stack]
                    return path[path.index(child):] + [child]
                if colour.get(child) == WHITE:
                    colour[child] = GREY
                    stack.append((child, iter(sorted(graph[child]))))
                    break
            else:
                colour[node] = BLACK
                stack.pop()
    return None


def test_the_graph_is_read_from_real_imports():
    # Guards the parser: were it to miss imports, every rule below would pass vacuously.
    assert len(MODULES) > 50
    assert "roomschema.migration.plan" in GRAPH["roomschema"]                  # the façade, top level
    assert "roomschema.check.run" in GRAPH["roomschema.cli.workflow"]          # inside a function
    assert "roomschema.kotlin.results" in GRAPH["roomschema.kotlin"]           # a re-exporting __init__
    assert "roomschema.schema.compose" in GRAPH["roomschema"]                  # from a package import a module
    assert "roomschema.kotlin.results" in GRAPH["roomschema.kotlin.migrations"]


@pytest.mark.parametrize("source, module, is_package, expected", [
    ("from . import lexer", "roomschema.kotlin.migrations", False, "roomschema.kotlin"),
    ("from .results import x", "roomschema.kotlin.migrations", False, "roomschema.kotlin.results"),
    ("from ..errors import x", "roomschema.kotlin.migrations", False, "roomschema.errors"),
    ("from .results import x", "roomschema.kotlin", True, "roomschema.kotlin.results"),
    ("from roomschema.schema import model", "roomschema.cli.main", False, "roomschema.schema"),
])
def test_relative_imports_resolve_as_python_does(source, module, is_package, expected):
    # No module uses one today; the first that does must still be counted.
    assert _resolve(module, is_package, ast.parse(source).body[0]) == expected


def test_find_cycle_reports_the_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle():
    cycle = find_cycle(GRAPH)
    if cycle is not None:
        steps = [f"{a} imports {b} ({_where(a)}:{GRAPH[a][b]})" for a, b in zip(cycle, cycle[1:])]
        pytest.fail("import cycle: " + " -> ".join(cycle) + "\n  " + "\n  ".join(steps))


def test_click_only_in_the_cli():
    outside = [f"{_where(m)}:{line}" for m, path in MODULES.items() if _stage(m) != "cli"
               for name, line in _imports(m, path) if name == "click" or name.startswith("click.")]
    assert outside == [], "click imported outside roomschema/cli/: " + ", ".join(outside)


def test_the_library_never_imports_the_cli():
    reaching = [f"{_where(m)}:{line} imports {t}" for m, edges in GRAPH.items() if _stage(m) != "cli"
                for t, line in edges.items() if _stage(t) == "cli"]
    assert reaching == [], "the library imports the command line: " + "; ".join(reaching)


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_stage_order(stage):
    broken = [f"{_where(m)}:{line} imports {t}" for m, edges in GRAPH.items() if _stage(m) == stage
              for t, line in edges.items() if _stage(t) in FORBIDDEN[stage]]
    assert broken == [], f"roomschema.{stage} imports a later stage: " + "; ".join(broken)


def test_nothing_imports_the_facade():
    importers = [f"{_where(m)}:{edges[FACADE]}" for m, edges in GRAPH.items() if FACADE in edges]
    assert importers == [], "imports the API façade: " + ", ".join(importers)
