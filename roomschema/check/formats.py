"""``roomschema check`` findings where CI shows them: GitHub workflow commands, SARIF 2.1.0, Markdown.

A finding names a file; CI shows it best at a line. The line is found here, from what the
finding already carries, by reading the file it names: the JSON path of a validation error,
the key a released schema changed, the ``Migration(a, b)`` of a Kotlin file, the ``why``
marker of the history document. A finding without one stays on its file.

Paths are shown relative to the repository's top level (GitHub resolves annotation and
SARIF paths there, whatever directory the check ran in).

This is check's own view of its report, not a render stage module: it needs the rule
descriptions, and render never imports check.
"""
from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import quote

from roomschema._version import __version__
from roomschema.check.findings import ERROR, RULES, Finding, Rule

FORMATS = ("github", "sarif", "markdown")
TOOL = "roomschema"
INFORMATION_URI = "https://github.com/roomschema/roomschema"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"


@dataclass(frozen=True)
class Checked:
    """One database's check, as the formats need it (``run.Report`` has more)."""

    database: str
    findings: Sequence[Finding]
    versions: Sequence[int] = ()
    notes: Sequence[str] = ()

    @classmethod
    def of(cls, database: str, report) -> "Checked":
        return cls(database, tuple(report.findings), tuple(report.versions), tuple(report.notes))

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


# ---- a JSON path to its line ------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _ws(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _child(text: str, pos: int, step) -> Optional[tuple]:
    """``(where the member starts, where its value starts)`` for ``step`` of the container at ``pos``.

    The standard library reads every key and skips every other value (``raw_decode`` says where
    each ends); only the punctuation between them is walked here.
    """
    opening = text[pos:pos + 1]
    if opening == "{" and isinstance(step, str):
        i = _ws(text, pos + 1)
        while text[i:i + 1] == '"':
            key_at = i
            key, i = _DECODER.raw_decode(text, i)
            i = _ws(text, i)
            if text[i:i + 1] != ":":
                return None
            value_at = _ws(text, i + 1)
            if key == step:
                return key_at, value_at
            _, i = _DECODER.raw_decode(text, value_at)
            i = _ws(text, i)
            if text[i:i + 1] != ",":
                return None
            i = _ws(text, i + 1)
        return None
    if opening == "[" and isinstance(step, int) and step >= 0:
        i = _ws(text, pos + 1)
        for _ in range(step):
            if text[i:i + 1] == "]":
                return None
            _, i = _DECODER.raw_decode(text, i)
            i = _ws(text, i)
            if text[i:i + 1] != ",":
                return None
            i = _ws(text, i + 1)
        return (i, i) if text[i:i + 1] not in ("]", "") else None
    return None


def json_line(text: str, steps: Sequence) -> Optional[int]:
    """The 1-based line of the value at ``steps`` (keys and list indices) in the JSON ``text``.

    An object member is on its key's line. When the path goes further than the document,
    the line of the deepest part that exists; None when ``text`` is not JSON at all.
    """
    pos = _ws(text, 0)
    if text[pos:pos + 1] not in ("{", "["):
        return None
    at = pos
    try:
        for step in steps:
            found = _child(text, pos, step)
            if found is None:
                break
            at, pos = found
    except (ValueError, IndexError):  # malformed past this point: the deepest part read stands
        pass
    return text.count("\n", 0, at) + 1


_JSON_PATH = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")
_UNESCAPE = {"\\\\": "\\", "\\'": "'", "\\n": "\n", "\\r": "\r"}


def parse_json_path(text: str) -> list:
    """``$.database.entities[2]['a b']`` (as validation writes it) -> ``["database", "entities", 2, "a b"]``."""
    if not text.startswith("$"):
        raise ValueError(f"not a JSON path: {text!r}")
    steps: list = []
    pos = 1
    while pos < len(text):
        m = _JSON_PATH.match(text, pos)
        if not m:
            raise ValueError(f"not a JSON path: {text!r}")
        name, index, quoted = m.groups()
        if index is not None:
            steps.append(int(index))
        else:
            steps.append(name if name is not None else re.sub(r"\\[\\'nr]", lambda e: _UNESCAPE[e.group()], quoted))
        pos = m.end()
    return steps


# ---- where each finding is ----------------------------------------------------------------------------

# How released.what_changed names list items: by these keys, foreign keys by "(columns)->table".
_NAMED = {"entities": "tableName", "fields": "columnName", "indices": "name", "views": "viewName"}
_KEYED_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[(\"(?:[^\"\\]|\\.)*\")\]")


def _keyed_steps(text: str) -> list:
    """The leading path of one of released-changed's details (``added entities.notes.fields.id = ...``)."""
    for prefix in ("added ", "removed "):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    steps: list = []
    pos = 0
    while pos < len(text):
        m = _KEYED_STEP.match(text, pos)
        if not m or (pos and m.group(1) is not None and text[pos] != "."):
            break
        name, index, quoted = m.groups()
        steps.append(int(index) if index is not None else name if name is not None else json.loads(quoted))
        pos = m.end()
    return steps


def _fk_name(fk) -> str:
    return f"({', '.join(map(str, fk.get('columns') or ()))})->{fk.get('table')}"


def _actual_steps(doc, keyed: list) -> list:
    """A path by table and column names (released-changed, non-additive) -> keys and indices in ``doc``."""
    steps: list = ["database"]
    node = doc.get("database") if isinstance(doc, dict) else None
    parent: object = "database"
    for step in keyed:
        if isinstance(node, list) and isinstance(step, str):
            named = _NAMED.get(parent) if isinstance(parent, str) else None
            match = [i for i, x in enumerate(node) if isinstance(x, dict)
                     and (x.get(named) == step if named else parent == "foreignKeys" and _fk_name(x) == step)]
            if not match:
                break
            step = match[0]
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            break
        steps.append(step)
        parent = step
    return steps


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _line_containing(text: str, needle: str, after: int = 0) -> Optional[int]:
    for n, line in enumerate(text.splitlines(), 1):
        if n > after and needle in line:
            return n
    return None


def _json_finding_line(f: Finding, text: str) -> Optional[int]:
    if f.rule == "schema-invalid":
        first = f.details[0] if f.details else f.message
        m = re.search(r"invalid JSON at line (\d+) column \d+", first)
        if m:
            return int(m.group(1))
        m = re.match(r"[^:]*: (\$[^:]*): ", first)
        if m:
            try:
                return json_line(text, parse_json_path(m.group(1)))
            except ValueError:
                return None
        return None
    if f.rule == "identity-hash":
        return json_line(text, ["database", "identityHash"])
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if f.rule == "released-changed":
        keyed = _keyed_steps(f.details[0]) if f.details else ["identityHash"]
        return json_line(text, _actual_steps(doc, keyed))
    if f.rule in ("non-additive", "backward-incompatible"):
        m = re.search(r'allow = \["[^":]*:([^"]*)"\]', f.fix)
        if not m:
            return None
        target = m.group(1)
        names = [e.get("tableName") for e in doc.get("database", {}).get("entities", []) if isinstance(e, dict)]
        # Table names may hold dots: the longest table name the target starts with wins.
        table = max((n for n in names if isinstance(n, str) and (target == n or target.startswith(n + "."))),
                    key=len, default=None)
        if table is None:
            return None
        column = target[len(table) + 1:]
        return json_line(text, _actual_steps(doc, ["entities", table] + (["fields", column] if column else [])))
    return None


def _kotlin_line(f: Finding, path: Path, text: str) -> Optional[int]:
    # The finding names the migration as File.kt:LINE when the file holds several (and a parse
    # error as FILE:LINE); a generated Migration_A_B.kt has one, found by its versions.
    m = re.search(re.escape(path.name) + r":(\d+)\b", f.message)
    if m:
        return int(m.group(1))
    if len(f.versions) != 2:
        return None
    from roomschema.kotlin import KotlinExtractError, extract_migrations
    try:
        sites = extract_migrations(text, path.name)
    except KotlinExtractError:
        return None
    return next((m.line for m in sites if (m.start, m.end) == tuple(f.versions)), None)


def finding_line(f: Finding, cwd: Optional[Path] = None) -> Optional[int]:
    """The 1-based line of the file ``f`` names that the finding is about, when there is one."""
    path = (cwd or Path.cwd()) / f.file
    if not path.is_file():
        return None
    text = _read(path)
    if text is None:
        return None
    if path.suffix == ".json":
        return _json_finding_line(f, text)
    if path.suffix in (".kt", ".java"):  # Java: the database builder of destructive-fallback
        return _kotlin_line(f, path, text)
    if path.suffix == ".md" and f.rule == "why-empty" and f.versions:
        return _line_containing(text, f"<!-- why:{f.versions[0]} -->")
    if f.rule == "allow-unused" and len(f.versions) == 2:
        m = re.search(r"\.allow: '(.*)' matches no change of ", f.message)
        if m:
            a, b = f.versions
            section = _line_containing(text, f'"{a}-{b}"') or 0
            return (_line_containing(text, f'"{m.group(1)}"', section) or _line_containing(text, f"'{m.group(1)}'", section)
                    or _line_containing(text, f'"{m.group(1)}"'))
    return None


# ---- paths relative to the repository ---------------------------------------------------------------

def repository_root(cwd: Optional[Path] = None) -> Path:
    """The git top level of ``cwd``; ``cwd`` itself outside git."""
    here = (cwd or Path.cwd()).resolve()
    try:
        r = subprocess.run(["git", "-C", str(here), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    except OSError:
        return here
    return Path(r.stdout.strip()).resolve() if r.returncode == 0 and r.stdout.strip() else here


@dataclass(frozen=True)
class Located:
    finding: Finding
    database: str
    path: str                 # relative to the repository root (posix), else absolute
    relative: bool
    line: Optional[int]


def _locate(checked: Sequence[Checked], cwd: Optional[Path]) -> tuple:
    cwd = (cwd or Path.cwd()).resolve()
    root = repository_root(cwd)
    out = []
    for c in checked:
        for f in c.findings:
            absolute = (cwd / f.file).resolve()
            try:
                path, relative = absolute.relative_to(root).as_posix(), True
            except ValueError:
                path, relative = absolute.as_posix(), False
            out.append(Located(f, c.database, path, relative, finding_line(f, cwd)))
    return root, out


# ---- GitHub Actions workflow commands --------------------------------------------------------------

def _escape_data(text: str) -> str:
    # As GitHub's actions/toolkit escapes a command's message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _text(f: Finding) -> str:
    return f.message + (f"\nFix: {f.fix}" if f.fix else "")


def summary_line(c: Checked) -> str:
    v = c.versions
    span = f"{len(v)} versions ({v[0]}..{v[-1]}), " if v else ""
    return (f"{c.database}: {span}{c.errors} error{'s' * (c.errors != 1)}, "
            f"{c.warnings} warning{'s' * (c.warnings != 1)}")


def github(checked: Sequence[Checked], cwd: Optional[Path] = None) -> str:
    """One ``::error``/``::warning`` command per finding (an annotation on the pull request), then
    the notes and a verdict per database as plain log lines."""
    _, located = _locate(checked, cwd)
    lines = []
    for loc in located:
        props = [f"file={_escape_property(loc.path)}"]
        if loc.line:
            props.append(f"line={loc.line}")
        props.append(f"title={_escape_property(loc.finding.rule)}")
        command = "error" if loc.finding.severity == ERROR else "warning"
        lines.append(f"::{command} {','.join(props)}::{_escape_data(_text(loc.finding))}")
    for c in checked:
        lines += [f"note: {note}" for note in c.notes]
        lines.append(summary_line(c))
    return "".join(line + "\n" for line in lines)


# ---- SARIF 2.1.0 --------------------------------------------------------------------------------------

def _rule(rule_id: str) -> dict:
    rule = RULES.get(rule_id) or Rule(rule_id, f"roomschema check rule {rule_id}", "See the finding's fix.")
    return {"id": rule_id, "name": "".join(w.capitalize() for w in rule_id.split("-")),
            "shortDescription": {"text": rule.short}, "fullDescription": {"text": rule.full},
            "help": {"text": rule.help},
            "helpUri": f"{INFORMATION_URI}#check-docs-and-the-pre-commit-hook"}


def sarif(checked: Sequence[Checked], cwd: Optional[Path] = None) -> dict:
    """One run (GitHub code scanning takes one run per tool and category) with a result per finding."""
    root, located = _locate(checked, cwd)
    ids = list(RULES) + sorted({loc.finding.rule for loc in located} - set(RULES))
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    results = []
    for loc in located:
        f = loc.finding
        artifact: dict = {"uri": quote(loc.path, safe="/")}
        if loc.relative:
            artifact["uriBaseId"] = SRCROOT
        else:
            artifact = {"uri": Path(loc.path).as_uri()}
        physical: dict = {"artifactLocation": artifact}
        if loc.line:
            physical["region"] = {"startLine": loc.line}
        results.append({"ruleId": f.rule, "ruleIndex": index[f.rule], "level": "error" if f.severity == ERROR else "warning",
                        "message": {"text": _text(f)}, "locations": [{"physicalLocation": physical}],
                        "properties": {"database": loc.database, "versions": list(f.versions)}})
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL, "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": [_rule(r) for r in ids]}},
            "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
            "results": results,
        }],
    }


# ---- Markdown for a job summary or a pull request comment -----------------------------------------

def _cell(text: str) -> str:
    """Table-safe: no line breaks or pipes, and no HTML outside code spans (a ``<!-- why:N -->`` in a
    fix would vanish as a comment)."""
    parts = text.replace("\r", "").split("`")
    for i in range(0, len(parts), 2):  # outside code spans
        parts[i] = parts[i].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts).replace("|", "\\|").replace("\n", "<br>")


def markdown(checked: Sequence[Checked], cwd: Optional[Path] = None) -> str:
    _, located = _locate(checked, cwd)
    out = []
    for c in checked:
        mine = [loc for loc in located if loc.database == c.database]
        verdict = "passed" if not c.errors else "failed"
        mark = "✅" if not c.errors else "❌"
        out.append(f"### {mark} roomschema check {verdict}: {_cell(summary_line(c))}\n\n")
        if mine:
            out.append("| rule | severity | location | message |\n|---|---|---|---|\n")
            for loc in mine:
                f = loc.finding
                where = loc.path + (f":{loc.line}" if loc.line else "")
                text = _cell(f.message) + (f"<br>**Fix:** {_cell(f.fix)}" if f.fix else "")
                out.append(f"| `{f.rule}` | {f.severity} | `{where.replace('`', '')}` | {text} |\n")
        for note in c.notes:
            out.append(f"\n_note: {_cell(note)}_\n")
        out.append("\n")
    return "".join(out)


def render(fmt: str, checked: Sequence[Checked], cwd: Optional[Path] = None) -> str:
    if fmt == "github":
        return github(checked, cwd)
    if fmt == "sarif":
        return json.dumps(sarif(checked, cwd), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return markdown(checked, cwd)
    raise ValueError(f"unknown format {fmt!r}")
