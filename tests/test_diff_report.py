"""diff's text and Markdown, built without Jinja2 (so `roomschema diff` never loads it)."""
from __future__ import annotations

import subprocess
import sys

from helpers import AVA
from roomschema.schema import compose
from roomschema.migration.changes import diff
from roomschema.render.reports import diff_markdown, diff_text


def _pair():
    old = compose.schema(1, [compose.entity("t", [compose.field("id", "INTEGER", True),
                                                  compose.field("a|b", "TEXT")], primary_key=["id"])])
    new = compose.schema(2, [compose.entity("t", [compose.field("id", "INTEGER", True),
                                                  compose.field("a_b", "TEXT")], primary_key=["id"])])
    return old, new


def test_text_has_each_change_hints_and_the_verdict():
    old, new = _pair()
    d = diff(old, new)
    assert d.suggestions, "a removed and an added column of one type suggest a rename"
    text = diff_text(d, 1, 2, "app.Db", bold=lambda t: f"*{t}*", yellow=lambda t: f"!{t}!")
    lines = text.split("\n")
    assert lines[0] == "*1 -> 2* (app.Db)" and text.endswith("\n") and not text.endswith("\n\n")
    assert any(ln.startswith("  destructive    ") and "a|b" in ln for ln in lines)
    assert any(ln.startswith("  !hint! ") for ln in lines)
    assert lines[-2] == "  1 non-additive change (worst: destructive); NOT backward compatible."


def test_markdown_escapes_cells_and_marks_non_additive():
    old, new = _pair()
    md = diff_markdown(diff(old, new), 1, 2)
    assert md.startswith("### Room schema 1 → 2\n\n1 non-additive change")
    assert "| **destructive** | " in md and "a\\|b" in md and "| additive | " in md
    assert "\n- hint: `" in md


def test_no_changes():
    old, _ = _pair()
    d = diff(old, old)
    assert diff_text(d, 1, 1) == "1 -> 1\n  no changes\n"
    assert diff_markdown(d, 1, 1, "x.Db") == "### Room schema 1 → 1 of `x.Db`\n\nNo changes.\n"


def test_the_diff_command_does_not_load_the_heavy_libraries():
    """diff runs on every commit; Jinja, jsonschema and deepdiff load only where used."""
    code = ("import sys; from roomschema.cli.main import main\n"
            "try:\n    main(['diff', '1', '2'])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
            "heavy = [m for m in ('jinja2', 'jsonschema', 'deepdiff') if m in sys.modules]\n"
            "assert not heavy, heavy")
    r = subprocess.run([sys.executable, "-c", code], cwd=AVA, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "All changes are additive" in r.stdout
