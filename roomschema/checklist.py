"""The migration checklist behind ``roomschema check``; ``docs`` shows its state.

Rule ids are stable, because scripts and CI logs refer to them:

``schema-invalid``        an N.json does not parse or is not a valid Room export
``identity-hash``         its identityHash is not Room's hash of its content
``version-gap``           a version between the first and the last is missing
``released-changed``      a released N.json was edited or deleted
``migration-missing``     a consecutive pair has no migration
``migration-failed``      a pair's migration does not verify
``non-additive``          a change that is not additive, and not acknowledged
``allow-unused``          an ``allow`` entry that matches no change (warning)
``backward-incompatible`` a pair older app code cannot read (with require_backward_compatible)
``docs-missing``          the history document or a version's entry in it is missing
``why-empty``             a version's "why" is empty (warning; error with --strict/require_why)

A check of an unchanged tree costs little: validation and verification
verdicts are cached under the sha256 of everything they depend on (``Cache``),
and git is asked once for the ids of every released file, then only for the
content of files whose id differs.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import __version__
from .errors import RoomSchemaError

ERROR, WARNING = "error", "warning"
CHANGE_KINDS = ("table-added", "table-removed", "table-renamed", "column-added", "column-removed",
                "column-renamed", "column-affinity-changed", "column-not-null-changed", "column-default-changed",
                "primary-key-changed", "index-added", "index-changed", "index-removed", "foreign-key-added",
                "foreign-key-changed", "foreign-key-removed", "fts-changed", "view-added", "view-changed",
                "view-removed")
NON_ADDITIVE = ("rebuild", "destructive", "data-dependent")
ALIASES = {"drop-table": "table-removed", "drop-column": "column-removed", "drop-view": "view-removed",
           "drop-index": "index-removed", "rename-table": "table-renamed", "rename-column": "column-renamed"}
ROOM_CRASH = ("Room cannot verify the data integrity. Looks like you've changed schema but forgot to update the "
              "version number. You can simply fix this by increasing the version number. Expected identity hash: "
              "{expected}, found: {found}")
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
    """One migration for a pair: a generated SQL or Kotlin file, or a declared AutoMigration."""

    kind: str                     # sql | kotlin | auto
    path: Optional[Path] = None
    ok: Optional[bool] = None     # None: not verified
    summary: str = ""

    @property
    def label(self) -> str:
        return "AutoMigration" if self.kind == "auto" else self.path.name


@dataclass
class Pair:
    old: int
    new: int
    file: Path                    # the newer N.json, which findings about the pair name
    diff: object = None           # roomschema.diff.Diff, None when either file is invalid
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


# ---- released schemas never change (git) -------------------------------------------------------

def _git(folder: Path, *args, stdin: bytes = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], input=stdin, capture_output=True)
    except OSError:  # no git at all: as outside a repository
        return subprocess.CompletedProcess(args, 127, b"", b"")


def _blob_sha(data: bytes) -> str:
    """git's object id of a file, so an unchanged file costs no read from git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _released_blobs(folder: Path, ref: str) -> Optional[dict]:
    """``{version: blob id}`` of the N.json files at ``ref``; None outside a git repository."""
    listed = _git(folder, "ls-tree", "-z", ref, "--", ".")
    if listed.returncode != 0:
        if _git(folder, "rev-parse", "--git-dir").returncode != 0:
            return None
        if ref == "HEAD" and _git(folder, "rev-parse", "-q", "--verify", "HEAD").returncode != 0:
            return {}  # no commit yet: nothing was released
        raise RoomSchemaError(f"no git tag, branch or commit named {ref!r}", path="released")
    out = {}
    for entry in listed.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        m = re.fullmatch(rb"(\d+)\.json", name)
        if m and meta.split()[1:2] == [b"blob"]:
            out[int(m.group(1))] = meta.split()[2].decode()
    return out


def _cat_blobs(folder: Path, shas: list) -> dict:
    if not shas:
        return {}
    r = _git(folder, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in shas).encode())
    out, pos, data = {}, 0, r.stdout
    for sha in shas:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split()[2])
        out[sha] = data[header_end + 1:header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return out


_NAMED = {"entities": "tableName", "fields": "columnName", "indices": "name", "views": "viewName"}


def _keyed(node):
    """Lists of named objects become dicts by name, so a change reads as a table and column, not an index."""
    if isinstance(node, list):
        return [_keyed(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        named = _NAMED.get(k)
        if isinstance(v, list) and all(isinstance(x, dict) for x in v) and (
                k == "foreignKeys" or named and all(isinstance(x.get(named), str) for x in v)):
            key = (lambda x: f"({', '.join(map(str, x.get('columns') or ()))})->{x.get('table')}") \
                if k == "foreignKeys" else (lambda x: x[named])
            out[k] = {key(x): _keyed(x) for x in v}
        else:
            out[k] = _keyed(v)
    return out


def _path_text(path: list) -> str:
    parts = path[1:] if path[:1] == ["database"] else path
    text = ""
    for p in parts:
        if isinstance(p, int):
            text += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p):
            text += f".{p}" if text else p
        else:
            text += f"[{json.dumps(p)}]"
    return text or "(root)"


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def what_changed(old_doc, new_doc) -> list:
    """Readable paths of what differs, key order ignored (the hash itself is reported apart)."""
    from deepdiff import DeepDiff
    a, b = _keyed(old_doc), _keyed(new_doc)
    try:
        # Name each added or removed index and key, never "the whole list changed".
        tree = DeepDiff(a, b, view="tree", threshold_to_diff_deeper=0)
    except TypeError:  # deepdiff < 8 always goes deeper
        tree = DeepDiff(a, b, view="tree")
    lines = []
    for kind, items in tree.items():
        for item in items:
            path = item.path(output_format="list")
            if path[:2] in (["database", "identityHash"], ["database", "setupQueries"]):
                continue
            if kind.endswith("_added"):
                value = "" if isinstance(item.t2, (dict, list)) else f" = {_short(item.t2)}"
                lines.append(f"added {_path_text(path)}{value}")
            elif kind.endswith("_removed"):
                lines.append(f"removed {_path_text(path)}")
            else:
                lines.append(f"{_path_text(path)}: {_short(item.t1)} -> {_short(item.t2)}")
    # createSql restates the fields; it only tells something when nothing else of its table changed.
    noisy = {ln for ln in lines if ".createSql: " in ln
             and sum(ln.split(".createSql: ")[0] + "." in other for other in lines) > 1}
    return sorted(set(lines) - noisy)


def _hash_of(doc) -> Optional[str]:
    db = doc.get("database") if isinstance(doc, dict) else None
    return db.get("identityHash") if isinstance(db, dict) else None


def _released_finding(v: int, path: Path, old: bytes, new: bytes, ref: str, newest: bool, setting) -> Optional[Finding]:
    try:
        old_doc, new_doc = json.loads(old), json.loads(new)
    except ValueError:
        old_doc = new_doc = None
    changes = what_changed(old_doc, new_doc) if new_doc is not None else ["no longer parses as JSON"]
    old_hash, new_hash = _hash_of(old_doc), _hash_of(new_doc)
    if not changes and old_hash == new_hash:
        return None  # layout only: Room never sees it
    what = "; ".join(changes[:4]) + (f"; and {len(changes) - 4} more" if len(changes) > 4 else "")
    if old_hash != new_hash and new_hash:
        effect = (f"every app installed at version {v} will crash on open: "
                  f"\"{ROOM_CRASH.format(expected=new_hash, found=old_hash)}\"")
    else:
        effect = "the identity hash is the same, but the file no longer records the schema that shipped"
    fix = f"restore it (git checkout {ref} -- {display(path)})"
    fix += (f", then raise @Database(version) to {v + 1} so Room writes {v + 1}.json, and add the {v}->{v + 1} "
            f"migration" if newest else "; a released schema never changes")
    if setting is None:
        fix += f". If version {v} never shipped, declare released = {v - 1} in [tool.roomschema]"
    return Finding("released-changed", ERROR, display(path), f"released version {v} was changed ({what}): {effect}",
                   fix, (v,), tuple(changes))


def released_setting(config, override: Optional[str] = None):
    """``released``: None (all of git HEAD), the last released version, or a git tag/ref."""
    if override is not None:
        return int(override) if override.isdigit() else override
    setting = config.get("released")
    if setting is not None and (isinstance(setting, bool) or not isinstance(setting, (int, str))):
        raise RoomSchemaError("expected the last released version (an integer) or a git tag (a string)",
                              file=config.path, path="released")
    return setting


def check_released(folder: Path, files: dict, setting) -> tuple:
    """Findings for released N.json files that differ from git (HEAD, or the ``released`` ref)."""
    ref = setting if isinstance(setting, str) else "HEAD"
    blobs = _released_blobs(folder, ref)
    if blobs is None:
        if isinstance(setting, str):
            raise RoomSchemaError(f"released = {setting!r} needs a git repository", path="released")
        return [], ["not a git repository: released schemas were not compared"]
    limit = setting if isinstance(setting, int) else None
    findings, changed = [], {}
    for v, sha in sorted(blobs.items()):
        if limit is not None and v > limit:
            continue
        path = files.get(v)
        if path is None:
            findings.append(Finding("released-changed", ERROR, display(folder / f"{v}.json"),
                                    f"released version {v} was deleted: Room needs it to build and test "
                                    f"migrations from {v}", f"restore it (git checkout {ref} -- "
                                    f"{display(folder / f'{v}.json')})", (v,)))
            continue
        data = path.read_bytes()
        if _blob_sha(data) != sha:
            changed[v] = (sha, data)
    olds = _cat_blobs(folder, [sha for sha, _ in changed.values()])
    for v, (sha, data) in changed.items():
        f = _released_finding(v, files[v], olds[sha], data, ref, v == max(files), setting)
        if f:
            findings.append(f)
    return findings, []


# ---- cache and verification ---------------------------------------------------------------------------

# A few hundred rows, both ALTER TABLE modes, the cascade pass: enough for NULLs, duplicates and deletions
# to show, cheap enough for every commit. Part of the cache key, so a change here re-verifies.
FAST = {"rows": 200, "modes": ("legacy_alter_table=ON", "legacy_alter_table=OFF"), "hazard_pass": True}


class Cache:
    """Results keyed by the sha256 of everything they depend on, so a stale entry is never read."""

    def __init__(self, root: Optional[Path]):
        self.root = root

    @classmethod
    def for_folder(cls, folder: Path, config, enabled: bool = True) -> "Cache":
        if not enabled:
            return cls(None)
        if os.environ.get("ROOMSCHEMA_CACHE_DIR"):
            return cls(Path(os.environ["ROOMSCHEMA_CACHE_DIR"]))
        here = folder.resolve()
        for d in (here, *here.parents):
            if (d / ".git").exists():
                return cls(d / ".roomschema-cache")
        base = config.root if config.path else here.parent.parent
        return cls(base / ".roomschema-cache")

    @staticmethod
    def key(*parts) -> str:
        h = hashlib.sha256()
        for p in (__version__, *parts):
            b = p if isinstance(p, bytes) else str(p).encode()
            h.update(b"%d:" % len(b) + b)
        return h.hexdigest()

    def get(self, ns: str, key: str) -> Optional[dict]:
        if self.root is None:
            return None
        try:
            return json.loads((self.root / ns / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, ns: str, key: str, value: dict) -> None:
        if self.root is None:
            return
        try:
            (self.root / ns).mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# written by roomschema: the cache is never committed\n*\n")
            tmp = self.root / ns / f".{key}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps(value), encoding="utf-8")
            os.replace(tmp, self.root / ns / f"{key}.json")
        except OSError:
            pass  # a read-only checkout still gets a correct, only slower, check


def _validate(path: Path, data: bytes) -> tuple:
    from .loader import parse
    from .schema_check import schema_errors
    from .semantic import semantic_errors
    name = path.name
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        return [f"{name}: not UTF-8 text (byte at offset {err.start})"], []
    except ValueError as err:
        return [f"{name}: invalid JSON: {err}"], []
    errors = schema_errors(document, name)
    if errors:
        return errors, []
    try:
        found = semantic_errors(parse(document, path), name)
    except RoomSchemaError as err:
        return [str(err)], []
    identity = [e for e in found if ": $.database.identityHash: " in e]
    return [e for e in found if e not in identity], identity


def validation_errors(path: Path, cache: Cache) -> tuple:
    """``(errors, identity message, Schema or None)`` for one N.json."""
    from .loader import loads
    try:
        data = path.read_bytes()
    except OSError as err:
        return [f"{path.name}: {err.strerror or err}"], "", None
    key = Cache.key("validate", path.name, data)
    hit = cache.get("validate", key)
    if hit is None:
        errors, identity = _validate(path, data)
        hit = {"errors": errors, "identity": identity}
        cache.put("validate", key, hit)
    if hit["errors"]:
        return hit["errors"], "", None
    identity = hit["identity"][0].split(": ", 2)[-1] if hit["identity"] else ""
    return [], identity, loads(data, path)


def _steps_of(src: Source, old, new, decl, min_sdk: int) -> tuple:
    if src.kind == "sql":
        from .sqlfile import read_steps
        return read_steps(src.path)
    if src.kind == "kotlin":
        from .kotlin_extract import KotlinExtractError, extract_migrations, unverifiable_messages
        from .sqlfile import Statement, to_step
        try:
            found = [m for m in extract_migrations(src.path.read_text(encoding="utf-8"), src.path.name)
                     if (m.start, m.end) == (old.version, new.version)]
        except (KotlinExtractError, UnicodeDecodeError) as err:
            raise RoomSchemaError(str(err)) from None
        if len(found) != 1:
            raise RoomSchemaError(f"{len(found) or 'no'} Migration({old.version}, {new.version}) in {src.path.name}")
        unknown = unverifiable_messages(found, src.path.name)
        if unknown:
            raise RoomSchemaError("; ".join(unknown))
        return tuple(to_step(Statement(st.sql, st.line)) for st in found[0].statements)
    from .generate import auto_migration_expressible
    from .plan import plan_migration
    plan = plan_migration(old, new, decl, min_sdk=min_sdk)
    if plan.decisions:
        raise RoomSchemaError("Room's AutoMigration needs declarations first: "
                              + "; ".join(d.message for d in plan.decisions))
    if not auto_migration_expressible(plan):
        raise RoomSchemaError("Room's AutoMigration cannot do this pair (" + "; ".join(
            s.deviation for s in plan.deviations) + "); write a Migration with `roomschema generate`")
    return plan.steps


def _failure_summary(report) -> str:
    """The first problems of the failed modes, once each: one finding line, not a report."""
    failed = [m for m in report.modes if not m.passed]
    lines = []
    for m in failed:
        for ln in m.text_lines()[1:]:
            ln = " ".join(ln.split())
            if ln and not ln.startswith(("ms:", "note:")) and ln not in lines:
                lines.append(ln)
    text = " / ".join(lines[:3]) + (" ..." if len(lines) > 3 else "")
    if 0 < len(failed) < len(report.modes):
        text += f" (only with {', '.join(m.mode for m in failed)})"
    return text


def _run_verifier(old, new, steps, decl, name) -> dict:
    from .verify import verify_migration
    try:
        report = verify_migration(old, new, steps, declarations=decl, database_name=name, **FAST)
    except RoomSchemaError as err:
        return {"ok": False, "summary": err.message}
    return {"ok": bool(report.ok), "summary": "" if report.ok else _failure_summary(report)}


def verify_source(src: Source, old, new, proj, cache: Cache) -> None:
    """Verify one migration in fast mode, or take the verdict from the cache.

    Two keys: the file's bytes (no parsing on a warm run) and the statements it
    runs, so a Kotlin file saying what the SQL file says is verified once.
    """
    decl = proj.config.declarations(old.version, new.version)
    min_sdk = int(proj.config.get("min_sdk", 21))
    common = (old.path.read_bytes(), new.path.read_bytes(), json.dumps(decl.to_json(), sort_keys=True), min_sdk,
              json.dumps(FAST, sort_keys=True))
    file_key = Cache.key("file", src.kind, src.path.read_bytes() if src.path else b"auto", *common)
    hit = cache.get("verify", file_key)
    if hit is None:
        try:
            steps = _steps_of(src, old, new, decl, min_sdk)
        except RoomSchemaError as err:
            hit = {"ok": False, "summary": f"cannot read it: {err.message}"}
        else:
            steps_key = Cache.key("steps", json.dumps([(s.sql, s.kind, s.table) for s in steps]), *common)
            hit = cache.get("verify", steps_key)
            if hit is None:
                hit = _run_verifier(old, new, steps, decl, proj.database)
                cache.put("verify", steps_key, hit)
        cache.put("verify", file_key, hit)
    src.ok, src.summary = hit["ok"], hit["summary"]


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
    from .diff import ADDITIVE
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


def _check_migrations(pair: Pair, proj, out: Path, autos: set, history: dict, cache, verify: bool) -> list:
    from .generate import kotlin_file_name, sql_file_name
    a, b = pair.old, pair.new
    for kind, name in (("sql", sql_file_name(a, b)), ("kotlin", kotlin_file_name(a, b))):
        if (out / name).is_file():
            pair.sources.append(Source(kind, out / name))
    if (a, b) in autos:
        pair.sources.append(Source("auto"))
    if not pair.sources:
        return [Finding("migration-missing", ERROR, display(pair.file),
                        f"no migration {a}->{b}: the app would crash with \"{MISSING_MIGRATION.format(a=a, b=b)}\"",
                        f"run `roomschema generate` (writes {display(out / sql_file_name(a, b))} and "
                        f"{kotlin_file_name(a, b)}), or declare auto_migrations = [[{a}, {b}]]", (a, b))]
    if not verify or a not in history or b not in history:
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
    from .history_doc import parse_entries, why_written
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
    from .discovery import version_files
    from .diff import diff
    from .generate import default_output_dir
    from .history_doc import doc_path

    config, folder = proj.config, proj.folder
    files = version_files(folder)
    if not files:
        raise RoomSchemaError("no N.json schema files in this directory", file=folder)
    _validate_config(config)
    findings, notes = check_released(folder, files, released_setting(config, released))
    cache = Cache.for_folder(folder, config, enabled=use_cache)
    versions = list(files)
    autos = auto_migrations(config)
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
        findings += _check_migrations(pair, proj, out, autos, schemas, cache, verify)
    report = Report(folder, versions, schemas, pairs, findings, notes, doc_path(proj))
    report.findings += _check_docs(report, config, strict)
    if strict:
        report.findings = [Finding(f.rule, ERROR, f.file, f.message, f.fix, f.versions, f.details)
                           for f in report.findings]
    return report
