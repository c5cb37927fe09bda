"""The rules of ``roomschema check``: each takes what it looks at and returns its findings.

``run`` calls them in order. The rules that find the migration files and Room's path through
them are in ``sources``, those about released schemas in ``released``.
"""
from __future__ import annotations

from pathlib import Path

from roomschema.check.fast import validation_errors, verify_source
from roomschema.check.findings import ERROR, WARNING, Finding, display
from roomschema.check.sources import Pair
from roomschema.errors import RoomSchemaError
from roomschema.migration.changes import COUNT_ORDER, ChangeKind, Diff, Risk

CHANGE_KINDS = tuple(kind.value for kind in ChangeKind)
NON_ADDITIVE = tuple(risk.value for risk in COUNT_ORDER if risk is not Risk.ADDITIVE)
ALIASES = {"drop-table": "table-removed", "drop-column": "column-removed", "drop-view": "view-removed",
           "drop-index": "index-removed", "rename-table": "table-renamed", "rename-column": "column-renamed"}


# ---- configuration grammar --------------------------------------------------------------------------

def parse_allow(entry, where: str, config) -> tuple:
    """``<class or change kind>:<table>[.<column>]`` -> (selector, target)."""
    if not isinstance(entry, str) or ":" not in entry:
        raise RoomSchemaError(f"expected KIND:TABLE or KIND:TABLE.COLUMN, got {entry!r}", file=config.path,
                              path=where)
    selector, target = entry.split(":", 1)
    selector = ALIASES.get(selector, selector)
    if selector not in NON_ADDITIVE and selector not in CHANGE_KINDS or not target:
        known = ", ".join(NON_ADDITIVE + tuple(ALIASES) + CHANGE_KINDS)
        raise RoomSchemaError(f"{entry!r}: expected <kind>:<table>[.<column>] with kind one of {known}",
                              file=config.path, path=where)
    return selector, target


def acknowledges(rule: tuple, change) -> bool:
    selector, target = rule
    if selector not in (change.risk, change.kind):
        return False
    # A table-wide entry covers its columns; names may themselves contain dots.
    return target in ("*", change.table) or (change.column is not None and target == f"{change.table}.{change.column}")


# ---- the rules --------------------------------------------------------------------------------------

def check_files(files: dict, cache) -> tuple:
    schemas, findings = {}, []
    for v, path in files.items():
        errors, identity, schema = validation_errors(path, cache)
        if errors:
            more = f" (and {len(errors) - 1} more; run `roomschema validate`)" if len(errors) > 1 else ""
            findings.append(Finding("schema-invalid", ERROR, display(path), errors[0] + more,
                                    "export it again from Room (build the app) instead of editing it by hand",
                                    (v,), tuple(errors)))
            continue
        if identity:
            findings.append(Finding("identity-hash", ERROR, display(path), identity,
                                    "let Room write the file (build the app); never edit identityHash or the "
                                    "schema by hand", (v,)))
        schemas[v] = schema
    return schemas, findings


def check_gaps(folder: Path, versions: list, config) -> list:
    missing = [v for v in range(versions[0], versions[-1] + 1) if v not in versions and v not in config.gaps]
    if not missing:
        return []
    listed = ", ".join(f"{v}.json" for v in missing)
    return [Finding("version-gap", ERROR, display(folder), f"versions {versions[0]}..{versions[-1]} have no {listed}",
                    f"restore the file from git history, or, if those versions never shipped, declare "
                    f"gaps = [{', '.join(map(str, missing))}] in [tool.roomschema]", tuple(missing))]


def check_policy(pair: Pair, d: Diff, config) -> list:
    a, b = pair.old, pair.new
    where = f'migrations."{a}-{b}".allow'
    rules = [(entry, parse_allow(entry, where, config)) for entry in config.pair(a, b).allow]
    used, findings = set(), []
    for c in d.changes:
        if c.risk is Risk.ADDITIVE:
            continue
        hit = [entry for entry, rule in rules if acknowledges(rule, c)]
        used.update(hit)
        if not hit:
            pair.unacknowledged.append(c)
            entry = f"{c.kind}:{c.table}" + (f".{c.column}" if c.column else "")
            findings.append(Finding("non-additive", ERROR, display(pair.file), f"{a}->{b}: {c.risk}: {c.summary}",
                                    f'make it additive, or acknowledge it: allow = ["{entry}"] in '
                                    f'[tool.roomschema.migrations."{a}-{b}"]', (a, b)))
    for entry, _ in rules:
        if entry not in used:
            findings.append(Finding("allow-unused", WARNING, display(config.path) if config.path else "config",
                                    f"{where}: {entry!r} matches no change of {a}->{b}",
                                    "remove it (a stale acknowledgement hides the next real one)", (a, b)))
    return findings


def check_compat(pair: Pair, d: Diff) -> list:
    if d.backward_compatible:
        return []
    what = "; ".join(c.summary for c in d.changes if not c.backward_compatible)
    return [Finding("backward-incompatible", ERROR, display(pair.file),
                    f"{pair.old}->{pair.new} is not backward compatible: {what}",
                    "keep old columns and tables, add new columns nullable or with a default; or drop "
                    "require_backward_compatible for this release", (pair.old, pair.new))]


def verify_migrations(pair: Pair, proj, history: dict, cache) -> list:
    a, b = pair.old, pair.new
    if a not in history or b not in history:
        return []
    findings = []
    for src in pair.sources:
        verify_source(src, history[a], history[b], proj, cache)
        if not src.ok:
            findings.append(Finding("migration-failed", ERROR, display(src.path or pair.file),
                                    f"{src.label} ({a}->{b}) fails verification: {src.summary}",
                                    f"see the full report: `roomschema verify {a} {b}"
                                    + (f" --{src.kind} {display(src.path)}" if src.path else "")
                                    + f"`; regenerate with `roomschema generate {a} {b} --force` or fix it", (a, b)))
    return findings


def check_docs(doc: Path, versions: list, config, strict: bool) -> list:
    from roomschema.render.history import parse_entries, why_written
    if not doc.is_file():
        return [Finding("docs-missing", ERROR, display(doc), "no migration history document",
                        "run `roomschema docs` and write each version's why")]
    try:
        entries, whys = parse_entries(doc.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise RoomSchemaError(f"cannot read it: {err}", file=doc) from None
    findings = []
    severity = ERROR if strict or config.require_why else WARNING
    for v in versions:
        if v not in entries:
            findings.append(Finding("docs-missing", ERROR, display(doc), f"no entry for version {v}",
                                    "run `roomschema docs` (it keeps every why already written)", (v,)))
        elif not why_written(whys.get(v, "")):
            findings.append(Finding("why-empty", severity, display(doc), f"version {v}: the why is empty",
                                    f"write why version {v} exists between <!-- why:{v} --> and <!-- /why:{v} -->",
                                    (v,)))
    return findings


def validate_config(config) -> None:
    """The allow entries' grammar (change kinds are check's vocabulary), checked before anything runs;
    every other setting was checked when the configuration was read."""
    for (a, b), settings in config.migrations.items():
        for entry in settings.allow:
            parse_allow(entry, f'migrations."{a}-{b}".allow', config)
