"""Every `docs/<file>.md#anchor` the code cites exists, and nothing cites notes outside the repository.

Comments that explain why the code follows Room point into docs/; a user's clone has nothing else.
Anchors are GitHub's: the heading lowercased, punctuation other than `-` and `_` dropped, spaces
turned into hyphens, and a repeated heading numbered -1, -2, ...
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCANNED = ("roomschema", "templates", "tests", "benchmarks", "examples", "docs")
TOP_LEVEL = ("README.md", "BENCHMARKS.md", "pyproject.toml")
SUFFIXES = {".py", ".md", ".j2", ".toml", ".kt", ".txt", ".cfg", ".yml", ".yaml"}

# A citation may name more sections of the same file: docs/x.md#a, #b and #c.
CITATION = re.compile(r"\bdocs/([A-Za-z0-9_.-]+\.md)((?:#[A-Za-z0-9_-]+)(?:(?:,| and| to) #[A-Za-z0-9_-]+)*)?")
# Markdown links inside docs/: [text](other.md#anchor) or [text](#anchor).
DOC_LINK = re.compile(r"\]\((?!https?:)([A-Za-z0-9_.-]+\.md)?(?:#([A-Za-z0-9_-]+))?\)")


def slug(heading: str) -> str:
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set:
    seen: dict = {}
    out = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        m = None if in_code else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def repo_files():
    me = Path(__file__).resolve()
    for top in TOP_LEVEL:
        if (ROOT / top).is_file():
            yield ROOT / top
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if (path.is_file() and path.suffix in SUFFIXES and path.resolve() != me
                    and "__pycache__" not in path.parts):
                yield path


def citations():
    for path in repo_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in CITATION.finditer(line):
                for anchor in re.findall(r"#([A-Za-z0-9_-]+)", m.group(2) or "") or [None]:
                    yield path, lineno, m.group(1), anchor


def test_slug_is_githubs():
    assert slug("Views and legacy_alter_table") == "views-and-legacy_alter_table"
    assert slug("What the JSON cannot tell") == "what-the-json-cannot-tell"
    assert slug("AutoMigrationWriter SQL") == "automigrationwriter-sql"
    assert slug("`foreign_key_check`, again!") == "foreign_key_check-again"


def test_the_docs_exist_and_the_readme_points_to_them():
    assert (DOCS / "room-format.md").is_file() and (DOCS / "sqlite-android.md").is_file()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/room-format.md" in readme and "docs/sqlite-android.md" in readme


def test_every_cited_doc_and_anchor_exists():
    # A bare docs/<file>.md may name a user's project file (the `docs` setting's example); a
    # citation with an anchor, or of a file that is here, is one of ours and must resolve.
    found = [c for c in citations() if c[3] or (DOCS / c[2]).is_file()]
    # The code cites the notes in many places; an empty scan would mean the pattern broke.
    assert len(found) >= 25, found
    missing = []
    for path, lineno, name, anchor in found:
        target = DOCS / name
        where = f"{path.relative_to(ROOT)}:{lineno}: docs/{name}" + (f"#{anchor}" if anchor else "")
        if not target.is_file():
            missing.append(where + " (no such file)")
        elif anchor and anchor not in anchors(target):
            missing.append(where + " (no such heading)")
    assert not missing, "\n".join(missing)


def test_links_between_the_docs_resolve():
    broken = []
    for doc in sorted(DOCS.glob("*.md")):
        for lineno, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            for m in DOC_LINK.finditer(line):
                name, anchor = m.group(1), m.group(2)
                target = DOCS / name if name else doc
                if not target.is_file():
                    broken.append(f"{doc.name}:{lineno}: {name} (no such file)")
                elif anchor and anchor not in anchors(target):
                    broken.append(f"{doc.name}:{lineno}: {name or ''}#{anchor} (no such heading)")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("pattern, why", [
    (r"field[-_ ]notes", "the field notes are not part of the repository: cite docs/sqlite-android.md"),
    (r"(?<![\w/])room-format\.md", "cite docs/room-format.md, with the docs/ prefix"),
    (r"shared/docs", "notes outside the repository: a user's clone does not have them"),
    (r"(?<![\w.])/work/", "an absolute path of the machine the code was written on"),
])
def test_nothing_cites_notes_outside_the_repository(pattern, why):
    rx = re.compile(pattern, re.IGNORECASE)
    hits = []
    for path in repo_files():
        if path.parent == DOCS and "room-format" in pattern:
            continue  # docs/ link each other by bare file name
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if rx.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()[:100]}")
    assert not hits, why + "\n" + "\n".join(hits)
