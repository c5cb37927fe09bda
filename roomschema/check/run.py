"""The migration checklist behind ``roomschema check``; ``docs`` shows its state.

Rule ids are stable, because scripts and CI logs refer to them:

``schema-invalid``        an N.json does not parse or is not a valid Room export
``identity-hash``         its identityHash is not Room's hash of its content
``version-gap``           a version between the first and the last is missing
``released-changed``      a released N.json was edited or deleted
``migration-missing``     from an earlier version Room finds no migration path to the newest
``migration-failed``      a migration does not verify, or a .kt file of migrations does not parse
``non-additive``          a change that is not additive, and not acknowledged
``allow-unused``          an ``allow`` entry that matches no change (warning)
``backward-incompatible`` a pair older app code cannot read (with require_backward_compatible)
``docs-missing``          the history document or a version's entry in it is missing
``why-empty``             a version's "why" is empty (warning; error with --strict/require_why)

A check of an unchanged tree costs little: validation and verification
verdicts are cached under the sha256 of everything they depend on
(``verification_cache``), and git is asked once for the ids of every released
file, then only for the content of files whose id differs (``released``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from roomschema.errors import RoomSchemaError
from roomschema.check.cache import Cache, validation_errors, verify_source, warm_validation, warm_verification

ERROR, WARNING = "error", "warning"
CHANGE_KINDS = ("table-added", "table-removed", "table-renamed", "column-added", "column-removed",
                "column-renamed", "column-affinity-changed", "column-not-null-changed", "column-default-changed",
                "primary-key-changed", "index-added", "index-changed", "index-removed", "foreign-key-added",
                "foreign-key-changed", "foreign-key-removed", "fts-changed", "view-added", "view-changed",
                "view-removed")
NON_ADDITIVE = ("rebuild", "destructive", "data-dependent")
ALIASES = {"drop-table": "table-removed", "drop-column": "column-removed", "drop-view": "view-removed",
           "drop-index": "index-removed", "rename-table": "table-renamed", "rename-column": "column-renamed"}
MISSING_MIGRATION = ("A migration from {a} to {b} was required but not found. Please provide the necessary "
                     "Migration path via RoomDatabase.Builder.addMigration(...) or allow for destructive "
                     "migrations via one of the RoomDatabase.Builder.fallbackToDestructiveMigration* functions.")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    file: str
    message: str
    fix: str = ""
    versions: tuple = ()
    details: tuple = ()

    def line(self) -> str:
        text = f"{self.file}: {self.severity} [{self.rule}] {self.message}"
        text += f" Fix: {self.fix}" if self.fix else ""
        return text.replace("\r", " ").replace("\n", " ")

    def to_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "file": self.file, "versions": list(self.versions),
                "message": self.message, "fix": self.fix, "details": list(self.details)}


@dataclass
class Source:
    """One migration for a pair: a generated SQL or Kotlin file, a hand-written Kotlin Migration, or a
    declared AutoMigration."""

    kind: str                     # sql | kotlin | auto
    path: Optional[Path] = None
    ok: Optional[bool] = None     # None: not verified
    summary: str = ""
    line: Optional[int] = None    # of a hand-written Migration: one file may hold several

    @property
    def label(self) -> str:
        if self.kind == "auto":
            return "AutoMigration"
        return self.path.name + (f":{self.line}" if self.line else "")


@dataclass
class Pair:
    old: int
    new: int
    file: Path                    # the newer N.json, which findings about the pair name
    diff: object = None           # roomschema.migration.changes.Diff, None when either file is invalid
    sources: list = field(default_factory=list)
    unacknowledged: list = field(default_factory=list)

    @property
    def verified(self) -> Optional[bool]:
        """True when every migration of the pair verified, False when one failed, None when not run."""
        if any(s.ok is False for s in self.sources):
            return False
        return None if not self.sources or any(s.ok is None for s in self.sources) else True


@dataclass
class Report:
    folder: Path
    versions: list
    schemas: dict                 # version -> Schema, valid files only
    pairs: list
    findings: list
    notes: list
    doc: Path
    spans: list = field(default_factory=list)  # Pairs of migrations that jump over versions, e.g. 1->3


def display(path) -> str:
    """Relative to the current directory when inside it, so editors and CI logs can open it."""
    path = Path(path).absolute()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---- configuration grammar --------------------------------------------------------------------------

def gap_pairs(config) -> set:
    """``gaps = [55, 57]`` (versions never released) or ``[[54, 56]]`` (allowed jumps) -> missing versions."""
    value = config.get("gaps") or []
    where = dict(file=config.path, path="gaps")
    if not isinstance(value, list):
        raise RoomSchemaError("expected a list such as [55] or [[54, 56]]", **where)
    missing = set()
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            missing.add(item)
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(x, int) for x in item) \
                and item[0] < item[1]:
            missing.update(range(item[0] + 1, item[1]))
        else:
            raise RoomSchemaError(f"expected a version or a [from, to] pair, got {item!r}", **where)
    return missing


def auto_migrations(config) -> set:
    value = config.get("auto_migrations") or []
    if not isinstance(value, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, int) for x in p) for p in value):
        raise RoomSchemaError("expected a list of [from, to] pairs such as [[1, 2], [2, 3]]",
                              file=config.path, path="auto_migrations")
    pairs = {tuple(p) for p in value}
    for name, body in (config.get("migrations") or {}).items():
        if body.get("auto_migration"):
            a, b = name.split("-")
            pairs.add((int(a), int(b)))
    return pairs


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
    if selector not in (change.cls, change.kind):
        return False
    # A table-wide entry covers its columns; names may themselves contain dots.
    return target in ("*", change.table) or (change.column is not None and target == f"{change.table}.{change.column}")


# ---- the rules --------------------------------------------------------------------------------------

def _check_files(files: dict, cache) -> tuple:
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


def _check_gaps(folder: Path, versions: list, config) -> list:
    declared = gap_pairs(config)
    missing = [v for v in range(versions[0], versions[-1] + 1) if v not in versions and v not in declared]
    if not missing:
        return []
    listed = ", ".join(f"{v}.json" for v in missing)
    return [Finding("version-gap", ERROR, display(folder), f"versions {versions[0]}..{versions[-1]} have no {listed}",
                    f"restore the file from git history, or, if those versions never shipped, declare "
                    f"gaps = [{', '.join(map(str, missing))}] in [tool.roomschema]", tuple(missing))]


def _check_policy(pair: Pair, config) -> list:
    from roomschema.migration.changes import ADDITIVE
    a, b = pair.old, pair.new
    where = f'migrations."{a}-{b}".allow'
    rules = [(entry, parse_allow(entry, where, config)) for entry in config.pair(a, b).get("allow") or ()]
    used, findings = set(), []
    for c in pair.diff.changes:
        if c.cls == ADDITIVE:
            continue
        hit = [entry for entry, rule in rules if acknowledges(rule, c)]
        used.update(hit)
        if not hit:
            pair.unacknowledged.append(c)
            entry = f"{c.kind}:{c.table}" + (f".{c.column}" if c.column else "")
            findings.append(Finding("non-additive", ERROR, display(pair.file), f"{a}->{b}: {c.cls}: {c.summary}",
                                    f'make it additive, or acknowledge it: allow = ["{entry}"] in '
                                    f'[tool.roomschema.migrations."{a}-{b}"]', (a, b)))
    for entry, _ in rules:
        if entry not in used:
            findings.append(Finding("allow-unused", WARNING, display(config.path) if config.path else "config",
                                    f"{where}: {entry!r} matches no change of {a}->{b}",
                                    "remove it (a stale acknowledgement hides the next real one)", (a, b)))
    return findings


def _check_compat(pair: Pair) -> list:
    d = pair.diff
    if d.backward_compatible:
        return []
    what = "; ".join(c.summary for c in d.changes if not c.backward_compatible)
    return [Finding("backward-incompatible", ERROR, display(pair.file),
                    f"{pair.old}->{pair.new} is not backward compatible: {what}",
                    "keep old columns and tables, add new columns nullable or with a default; or drop "
                    "require_backward_compatible for this release", (pair.old, pair.new))]


def _verify_migrations(pair: Pair, proj, history: dict, cache) -> list:
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


def _check_docs(report: Report, config, strict: bool) -> list:
    from roomschema.render.history import parse_entries, why_written
    doc = report.doc
    if not doc.is_file():
        return [Finding("docs-missing", ERROR, display(doc), "no migration history document",
                        "run `roomschema docs` and write each version's why")]
    try:
        entries, whys = parse_entries(doc.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise RoomSchemaError(f"cannot read it: {err}", file=doc) from None
    findings = []
    severity = ERROR if strict or config.get("require_why") else WARNING
    for v in report.versions:
        if v not in entries:
            findings.append(Finding("docs-missing", ERROR, display(doc), f"no entry for version {v}",
                                    "run `roomschema docs` (it keeps every why already written)", (v,)))
        elif not why_written(whys.get(v, "")):
            findings.append(Finding("why-empty", severity, display(doc), f"version {v}: the why is empty",
                                    f"write why version {v} exists between <!-- why:{v} --> and <!-- /why:{v} -->",
                                    (v,)))
    return findings


def _validate_config(config) -> None:
    """Every setting check reads, parsed before anything runs or is written."""
    gap_pairs(config)
    auto_migrations(config)
    for name, body in (config.get("migrations") or {}).items():
        a, b = (int(x) for x in name.split("-"))
        config.declarations(a, b)
        for entry in body.get("allow") or ():
            parse_allow(entry, f'migrations."{name}".allow', config)


def run(proj, *, strict: bool = False, use_cache: bool = True, verify: bool = True,
        released: Optional[str] = None) -> Report:
    """Every rule over the project's schema folder (bad configuration raises, exit 2)."""
    from roomschema.schema.discovery import version_files
    from roomschema.migration.changes import diff
    from roomschema.render.code import default_output_dir
    from roomschema.render.history import doc_path
    from roomschema.check.sources import collect, missing
    from roomschema.check.released import check_released, released_setting  # late: it imports Finding from here

    config, folder = proj.config, proj.folder
    files = version_files(folder)
    if not files:
        raise RoomSchemaError("no N.json schema files in this directory", file=folder)
    _validate_config(config)
    findings, notes = check_released(folder, files, released_setting(config, released))
    cache = Cache.for_folder(folder, config, enabled=use_cache)
    versions = list(files)
    autos = auto_migrations(config)
    warm_validation(files, cache)
    schemas, invalid = _check_files(files, cache)
    findings = invalid + findings + _check_gaps(folder, versions, config)
    out = default_output_dir(folder, config)
    pairs = []
    for a, b in zip(versions, versions[1:]):
        pair = Pair(a, b, files[b])
        pairs.append(pair)
        if a in schemas and b in schemas:
            pair.diff = diff(schemas[a], schemas[b], config.declarations(a, b))
            findings += _check_policy(pair, config)
            if config.get("require_backward_compatible"):
                findings += _check_compat(pair)
    spans, edges, unreadable = collect(pairs, files, out, autos, cache)
    findings += missing(files, edges, out) + unreadable
    if verify:
        warm_verification([(src, schemas[p.old], schemas[p.new]) for p in pairs + spans for src in p.sources
                           if p.old in schemas and p.new in schemas], proj, cache)
        for pair in pairs + spans:
            findings += _verify_migrations(pair, proj, schemas, cache)
    report = Report(folder, versions, schemas, pairs, findings, notes, doc_path(proj), spans)
    report.findings += _check_docs(report, config, strict)
    if strict:
        report.findings = [Finding(f.rule, ERROR, f.file, f.message, f.fix, f.versions, f.details)
                           for f in report.findings]
    return report
