"""A Diff as text for people and as Markdown for pull requests.

Built in Python rather than through a Jinja template, as verify's report is:
these few lines are what ``roomschema diff`` prints on every run, and loading
Jinja2 cost a quarter of the command's time (BENCHMARKS.md, part 1). The
generated migrations and the history document stay templates.
"""
from __future__ import annotations

from roomschema.render.environment import markdown_cell

from typing import Callable


def verdict(d) -> str:
    if d.additive_only:
        return "All changes are additive and backward compatible."
    n = sum(1 for c in d.changes if c.cls != "additive")
    compat = "backward compatible" if d.backward_compatible else "NOT backward compatible"
    return f"{n} non-additive change{'s' if n != 1 else ''} (worst: {d.worst}); {compat}."


def _plain(text: str) -> str:
    return text


def diff_text(d, old: int, new: int, database: str = "", *, bold: Callable = _plain,
              badge: Callable = lambda cls: f"{cls:<14}", yellow: Callable = _plain) -> str:
    """``old -> new (database)``, one line per change with its class, hints, the verdict."""
    lines = [bold(f"{old} -> {new}") + (f" ({database})" if database else "")]
    if not d.changes:
        lines.append("  no changes")
    lines += [f"  {badge(c.cls)} {c.summary}" for c in d.changes]
    if d.suggestions:
        lines.append("")
        lines += [f"  {yellow('hint')} {s}" for s in d.suggestions]
    if d.changes:
        lines += ["", f"  {verdict(d)}"]
    return "\n".join(lines) + "\n"


def diff_markdown(d, old: int, new: int, database: str = "") -> str:
    """A heading, the verdict and a table of the changes (``|`` and newlines escaped)."""
    lines = [f"### Room schema {old} → {new}" + (f" of `{database}`" if database else ""), ""]
    if not d.changes:
        lines.append("No changes.")
    else:
        lines += [verdict(d), "", "| class | change |", "|---|---|"]
        lines += [f"| {c.cls if c.cls == 'additive' else f'**{c.cls}**'} | {markdown_cell(c.summary)} |"
                  for c in d.changes]
    if d.suggestions:
        lines.append("")
        lines += [f"- hint: `{s}`" for s in d.suggestions]
    return "\n".join(lines) + "\n"
