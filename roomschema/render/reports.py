"""A Diff as text for people and as Markdown for pull requests.

Built in Python rather than through a Jinja template, as verify's report is:
these few lines are what ``roomschema diff`` prints on every run, and loading
Jinja2 cost a quarter of the command's time (BENCHMARKS.md, part 1). The
generated migrations and the history document stay templates.
"""
from __future__ import annotations

from typing import Callable

from roomschema.migration.changes import Diff, Risk
from roomschema.render.environment import markdown_cell


def verdict(diff: Diff) -> str:
    if diff.additive_only:
        return "All changes are additive and backward compatible."
    n = sum(1 for c in diff.changes if c.risk is not Risk.ADDITIVE)
    compat = "backward compatible" if diff.backward_compatible else "NOT backward compatible"
    return f"{n} non-additive change{'s' if n != 1 else ''} (worst: {diff.worst}); {compat}."


def _plain(text: str) -> str:
    return text


def _badge(risk: Risk) -> str:
    return f"{risk:<14}"


def diff_text(diff: Diff, old: int, new: int, database: str = "", *, bold: Callable[[str], str] = _plain,
              badge: Callable[[Risk], str] = _badge, yellow: Callable[[str], str] = _plain) -> str:
    """``old -> new (database)``, one line per change with its risk, hints, the verdict."""
    lines = [bold(f"{old} -> {new}") + (f" ({database})" if database else "")]
    if not diff.changes:
        lines.append("  no changes")
    lines += [f"  {badge(c.risk)} {c.summary}" for c in diff.changes]
    if diff.suggestions:
        lines.append("")
        lines += [f"  {yellow('hint')} {s}" for s in diff.suggestions]
    if diff.changes:
        lines += ["", f"  {verdict(diff)}"]
    return "\n".join(lines) + "\n"


def diff_markdown(diff: Diff, old: int, new: int, database: str = "") -> str:
    """A heading, the verdict and a table of the changes (``|`` and newlines escaped)."""
    lines = [f"### Room schema {old} → {new}" + (f" of `{database}`" if database else ""), ""]
    if not diff.changes:
        lines.append("No changes.")
    else:
        lines += [verdict(diff), "", "| class | change |", "|---|---|"]
        lines += [f"| {c.risk if c.risk is Risk.ADDITIVE else f'**{c.risk}**'} | {markdown_cell(c.summary)} |"
                  for c in diff.changes]
    if diff.suggestions:
        lines.append("")
        lines += [f"- hint: `{s}`" for s in diff.suggestions]
    return "\n".join(lines) + "\n"
