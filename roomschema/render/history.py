"""The migration history document (``roomschema docs``): one entry per version.

The document is generated, except for each version's "why", which only a
person can write. It sits between ``<!-- why:N -->`` and ``<!-- /why:N -->``;
a rewrite reads those blocks back and puts them in place unchanged, so the
file can be regenerated at any time.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from roomschema.migration.path import versions_visited
from roomschema.migration.rollback import lost_on_rollback, plan_either_way
from roomschema.render.code import default_output_dir
from roomschema.render.environment import render, simple_name

DOC_NAME = "MIGRATIONS.md"
_WHY = re.compile(r"<!-- why:(\d+) -->(.*?)<!-- /why:\1 -->", re.DOTALL)
_HEADING = re.compile(r"^## Version (\d+)\b", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def doc_path(proj) -> Path:
    """``docs`` in config, else ``MIGRATIONS.md`` beside the generated migrations."""
    configured = proj.config.path_of("docs")
    return configured if configured is not None else default_output_dir(proj.folder, proj.config) / DOC_NAME


def parse_entries(text: str) -> tuple:
    """``(versions with an entry, {version: why text})`` of an existing document."""
    whys = {int(m.group(1)): m.group(2).strip("\n") for m in _WHY.finditer(text)}
    entries = set(whys) | {int(m.group(1)) for m in _HEADING.finditer(text)}
    return entries, whys


def code(text: str) -> str:
    """Inline code whose fence outlasts any backtick run in ``text``."""
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def why_written(text: str) -> bool:
    return bool(_COMMENT.sub("", text or "").strip())


# ---- Mermaid: names are data, so each is quoted or reduced to what the grammar accepts ----------

def _entity(name: str) -> str:
    # Quoted entity names take anything but these (mermaid-js/mermaid#3516).
    return '"' + re.sub(r'["%\\\r\n\v\b]', "_", name) + '"'


def _attribute(name: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    # An attribute starts with a letter, and PK/FK/UK would read as key markers.
    return ident if ident[:1].isalpha() and ident.upper() not in ("PK", "FK", "UK") else "c_" + ident


def _comment(text: str) -> str:
    return '"' + re.sub(r'["\r\n]', "'", text) + '"'


def mermaid(schema) -> str:
    lines = ["erDiagram"]
    db = schema.database
    for e in db.entities:
        lines.append(f"    {_entity(e.table_name)} {{")
        fk_cols = {c for fk in e.foreign_keys for c in fk.columns}
        for f in e.fields:
            keys = [k for k, on in (("PK", f.column_name in e.primary_key.column_names),
                                    ("FK", f.column_name in fk_cols)) if on]
            notes = ["NOT NULL"] if f.not_null else []
            if f.default_value is not None:
                notes.append(f"DEFAULT {f.default_value}")
            if _attribute(f.column_name) != f.column_name:
                notes.insert(0, f"column {f.column_name}")
            line = f"        {f.affinity or 'TEXT'} {_attribute(f.column_name)}"
            line += f" {','.join(keys)}" if keys else ""
            line += f" {_comment(', '.join(notes))}" if notes else ""
            lines.append(line)
        lines.append("    }")
    for e in db.entities:
        for fk in e.foreign_keys:
            label = f"{', '.join(fk.columns)} ON DELETE {fk.on_delete}"
            lines.append(f"    {_entity(fk.table)} ||--o{{ {_entity(e.table_name)} : {_comment(label)}")
    for v in db.views:
        lines.append(f"    {_entity(v.view_name)}")
    return "\n".join(lines)


# ---- one entry per version ------------------------------------------------------------------------

def _link(path: Path, doc: Path) -> str:
    rel = os.path.relpath(path, doc.parent).replace(os.sep, "/")
    return f"[`{path.name}`]({rel.replace(' ', '%20')})"


def _rollback(proj, newer, older) -> dict:
    plan = plan_either_way(newer, older, proj.config.declarations(newer.version, older.version),
                           min_sdk=proj.config.min_sdk)
    return {"lost": lost_on_rollback(plan), "needs": [d.message for d in plan.decisions]}


def _edges(report) -> set:
    return {(p.old, p.new) for p in report.pairs if p.sources} | {(s.old, s.new) for s in report.spans}


def _via(report, pair, edges: set):
    """The spanning migration Room takes from ``pair.old`` over ``pair.new``, if any."""
    if pair.sources:
        return None
    path = versions_visited(edges, pair.old, report.versions[-1])
    if len(path) < 2 or path[1] <= pair.new:
        return None
    return next((s for s in report.spans if (s.old, s.new) == (path[0], path[1])), None)


def _span(span, doc: Path, used: set) -> dict:
    return {"old": span.old, "new": span.new, "verified": span.verified, "used": (span.old, span.new) in used,
            "sources": [s.label if s.path is None else _link(s.path, doc) for s in span.sources],
            "failures": [f"{s.label}: {s.summary}" for s in span.sources if s.ok is False],
            "unverifiable": [f"{s.label}: {s.summary}" for s in span.sources if s.not_verifiable]}


def _entry(proj, report, v: int, pair, whys: dict, doc: Path) -> dict:
    schema = report.schemas[v]
    why = whys.get(v, "")
    entry = {"version": v, "why": why, "documented": why_written(why),
             "tables": [code(t) for t in schema.database.table_names],
             "views": [code(x.view_name) for x in schema.database.views], "er": mermaid(schema), "pair": None}
    if pair is None:
        return entry
    d = pair.diff
    sources = [s.label if s.path is None else _link(s.path, doc) for s in pair.sources]
    entry["pair"] = {
        "old": pair.old, "changes": list(d.changes), "classification": d.worst or "no change",
        "backward_compatible": d.backward_compatible, "sources": sources, "verified": pair.verified,
        "failures": [f"{s.label}: {s.summary}" for s in pair.sources if s.ok is False],
        "unverifiable": [f"{s.label}: {s.summary}" for s in pair.sources if s.not_verifiable],
        "acknowledged": [c for c in d.changes if c.risk != "additive" and c not in pair.unacknowledged],
        "rollback": _rollback(proj, schema, report.schemas[pair.old])}
    via = _via(report, pair, _edges(report))
    entry["pair"]["via"] = None if via is None else _span(via, doc, {(via.old, via.new)})
    return entry


def render_history(proj, report, whys: dict, doc: Path) -> str:
    """The whole document for ``report`` (every schema valid) at ``doc``, keeping ``whys``."""
    pairs = {p.new: p for p in report.pairs}
    entries = [_entry(proj, report, v, pairs.get(v) if v != report.versions[0] else None, whys, doc)
               for v in reversed(report.versions)]
    orphans = {v: t for v, t in whys.items() if v not in report.versions and t.strip()}
    edges, used = _edges(report), set[tuple[int, int]]()
    for start in report.versions[:-1]:
        path = versions_visited(edges, start, report.versions[-1])
        used.update(zip(path, path[1:]))
    spans = [_span(s, doc, used) for s in report.spans]
    return render("history.md.j2", database=code(proj.database), simple=code(simple_name(proj.database)),
                  schemas=os.path.relpath(report.folder, doc.parent).replace(os.sep, "/"),
                  entries=entries, orphans=orphans, first=report.versions[0], last=report.versions[-1],
                  spans=spans)
