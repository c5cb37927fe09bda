"""The rules of ``roomschema check``: each takes what it looks at and returns its findings.

``run`` calls them in order. The rules that find the migration files and Room's path through
them are in ``sources``, those about released schemas in ``released``.
"""
from __future__ import annotations

import os
import re
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
        errors, identity, schema = validation_errors(path, cache)  # SQLite's verdict on its statements too
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
                    f"gaps = [{', '.join(map(str, missing))}] in {config.settings_table()}", tuple(missing))]


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
                                    f'{config.pair_table(a, b)}', (a, b)))
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


# A migration whose statements are known only when the app runs: shipped code is not changed to
# please a tool, so the fix is another way to run it.
UNVERIFIABLE_FIX = ("roomschema cannot tell what it runs before the app runs; set run_kotlin = true in the "
                    "configuration (check then compiles it and runs migrate() on a JDK), or test it with Room's "
                    "MigrationTestHelper")


def verify_migrations(pair: Pair, proj, history: dict, cache) -> list:
    a, b = pair.old, pair.new
    if a not in history or b not in history:
        return []
    findings = []
    for src in pair.sources:
        verify_source(src, history[a], history[b], proj, cache)
        if src.not_verifiable:
            findings.append(Finding("migration-unverifiable", WARNING, display(src.path or pair.file),
                                    f"{src.label} ({a}->{b}) not verified: {src.summary}", UNVERIFIABLE_FIX, (a, b)))
        elif not src.ok:
            fix = src.fix(a, b)
            if "Foreign key violation(s) detected in" in src.summary:
                # Seeded rows the older schema allows; the app may rule them out, and can say so.
                fix += (f"; if your app guarantees every copied value has its parent row, declare where it comes "
                        f"from: assume_references = {{ \"TABLE.COLUMN\" = \"PARENT.COLUMN\" }} in "
                        f"{proj.config.pair_table(a, b)}")
            findings.append(Finding("migration-failed", ERROR, display(src.path or pair.file),
                                    f"{src.label} ({a}->{b}) fails verification: {src.summary}", fix, (a, b)))
        findings += [Finding("unexpected-table", WARNING, display(src.path or pair.file), f"{src.label} ({a}->{b}): {w}",
                             "drop the table in the migration, or rename it to the name the newer version uses",
                             (a, b)) for w in src.warnings]
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


def _docs_key(proj, report, existing: str) -> str:
    """Everything the document is rendered from: the document, the schema files, the configuration,
    the migrations found and their verdicts, the build (a warm check renders nothing: 53 versions
    cost 0.3 s to render)."""
    from roomschema.check.cache import Cache
    config = proj.config
    parts: list = [existing, str(report.doc.resolve()), str(report.folder.resolve()), proj.database,
                   repr(getattr(proj, "build", None))]
    try:
        parts.append(config.path.read_bytes() if config.path else b"")
        parts += [(report.folder / f"{v}.json").read_bytes() for v in report.versions]
        sources = [[p.old, p.new, p.verified, [[s.kind, str(s.path), s.ok, s.summary, s.line,
                                                  s.path.read_bytes() if s.path else b""] for s in p.sources]]
                   for p in report.pairs + report.spans]
    except OSError:
        return ""
    parts.append(repr(sources))
    return Cache.key("docs-current", *parts)


def check_docs_current(proj, report, cache=None) -> list:
    """``docs-stale`` when the history document is not what ``roomschema docs`` would write now: the
    verdict of ``docs --check``, so the two never disagree. Only on a report with every schema valid
    and every migration verified, which is what the document shows."""
    from roomschema.render.history import parse_entries, render_history
    doc = report.doc
    if not doc.is_file() or set(report.schemas) != set(report.versions):
        return []
    try:
        existing = doc.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # check_docs said why
    entries = parse_entries(existing)[0]
    if set(entries) - set(report.versions):
        return []  # another folder's document (a variant with newer versions writes it)
    key = _docs_key(proj, report, existing) if cache is not None else ""
    known = cache.get("docs-current", key) if key else None
    if known is not None:
        current = known.get("current")
    else:
        current = render_history(proj, report, parse_entries(existing)[1], doc) == existing
        if key:
            cache.put("docs-current", key, {"current": current})
    if current:
        return []
    return [Finding("docs-stale", ERROR, display(doc), "the migration history is out of date (it is not what "
                    "`roomschema docs` writes for the schemas and migrations as they are now)",
                    "run `roomschema docs` (it keeps every why already written)")]


def validate_config(config) -> None:
    """The allow entries' grammar (change kinds are check's vocabulary), checked before anything runs;
    every other setting was checked when the configuration was read."""
    for (a, b), settings in config.migrations.items():
        for entry in settings.allow:
            parse_allow(entry, f'migrations."{a}-{b}".allow', config)


# ---- across the variant folders of one database -------------------------------------------------

def released_versions(folder: Path, versions: list, setting) -> set:
    """The versions of one folder that shipped, as ``released``-changed counts them: up to the
    ``released`` version, else those in git at the ``released`` ref or HEAD; outside git every
    version but the newest (it may still be in the making)."""
    from roomschema.check.released import _released_blobs
    if isinstance(setting, int):
        return {v for v in versions if v <= setting}
    blobs = _released_blobs(folder, setting if isinstance(setting, str) else "HEAD")
    if blobs is None:
        return set(versions[:-1])
    return set(blobs) & set(versions)


def check_variants(checked: list) -> dict:
    """``{label: [variant-diverged findings]}`` over ``[(label, folder, {version: Schema}, released versions)]``.

    The folders of one database (same fully qualified name: build variants, KMP targets) must agree on
    every released version: the migrations are one class's code, verified against one of them. Per
    version, the folders whose schema has the same meaning (no change between them) form a group;
    every folder outside the largest group (the first on a tie) gets a finding naming what differs.
    """
    from roomschema.migration.changes import diff
    by_name: dict = {}
    for item in checked:
        by_name.setdefault(item[1].name, []).append(item)
    out: dict = {}
    for group in by_name.values():
        if len(group) < 2:
            continue
        versions = sorted({v for _, _, schemas, released in group for v in schemas if v in released})
        for v in versions:
            having = [(label, schemas[v]) for label, _, schemas, _ in group if v in schemas]
            clusters: list = []   # [[(label, schema), ...]] of one meaning each
            for label, schema in having:
                for cluster in clusters:
                    if not diff(cluster[0][1], schema).changes:
                        cluster.append((label, schema))
                        break
                else:
                    clusters.append([(label, schema)])
            if len(clusters) < 2:
                continue
            main = max(clusters, key=len)  # max keeps the first of equal length
            ref_label, ref = main[0]
            for cluster in clusters:
                if cluster is main:
                    continue
                for label, schema in cluster:
                    changes = [c.summary for c in diff(ref, schema).changes]
                    what = "; ".join(changes[:4]) + (f"; and {len(changes) - 4} more" if len(changes) > 4 else "")
                    out.setdefault(label, []).append(Finding(
                        "variant-diverged", ERROR, display(schema.path),
                        f"released version {v} differs from {ref_label}'s {v}.json ({what}): the builds of one "
                        f"database disagree, and a migration verified against one breaks the other",
                        f"make the entities of every variant the same (a class that one source set overrides "
                        f"changes only that variant's schema); restore the released file from git and rebuild, "
                        f"so {display(schema.path)} and {display(ref.path)} say the same", (v,), tuple(changes)))
    return out


# ---- the database builder's code --------------------------------------------------------------------

_FALLBACK = "fallbackToDestructiveMigration"
_BUILDERS = ("databaseBuilder", "inMemoryDatabaseBuilder")
_SOURCE_SUFFIXES = (".kt", ".java")
_NOT_SOURCES = {"build", ".gradle", ".idea", "generated", "node_modules", ".git"}


def _test_source_set(name: str) -> bool:
    """``test``, ``androidTest``, ``commonTest``, ``androidUnitTest``, ``jvmTest``...: what ships
    is never built from them, and a test database's wipe costs no user anything."""
    return name.startswith("test") or name.startswith("androidTest") or name.endswith("Test") \
        or name.endswith("UnitTest")


def builder_sources(module: Path) -> list:
    """The Kotlin and Java sources of a Gradle module that ship (``src/<set>/``, test sets left out)."""
    src = module / "src"
    if not src.is_dir():
        return []
    found = []
    for source_set in sorted(p for p in src.iterdir() if p.is_dir() and not _test_source_set(p.name)):
        for dirpath, dirnames, filenames in os.walk(source_set):
            dirnames[:] = sorted(d for d in dirnames if d not in _NOT_SOURCES)
            found += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(_SOURCE_SUFFIXES)]
    return found


def _builder_class(tokens: list, i: int) -> tuple:
    """``(builder function, database class simple name)`` of the builder chain the call at ``i`` is
    part of: back through the chain (brackets skipped) to ``databaseBuilder(...)``; None where the
    builder is not in the same expression (a builder passed in, or kept in a variable)."""
    from roomschema.kotlin.tokens import is_ident, is_op
    depth, j = 0, i - 1
    while j >= 0:
        t = tokens[j]
        if is_op(t, ")", "]", "}"):
            depth += 1
        elif is_op(t, "(", "[", "{"):
            if depth == 0:
                return None, None
            depth -= 1
        elif depth == 0 and (is_op(t, ";", "=") or is_ident(t, "return", "val", "var")):
            return None, None
        elif depth == 0 and is_ident(t, *_BUILDERS):
            return t.value, _class_argument(tokens, j + 1)
        j -= 1
    return None, None


def _class_argument(tokens: list, k: int) -> object:
    """The database class a builder call names: ``<AppDatabase>``, ``AppDatabase::class(.java)`` or
    Java's ``AppDatabase.class``."""
    from roomschema.kotlin.tokens import is_ident, is_op
    if k < len(tokens) and is_op(tokens[k], "<"):
        names: list = []
        for t in tokens[k + 1:k + 12]:
            if is_op(t, ">"):
                return names[-1] if names else None
            if t.kind == "ident":
                names.append(t.value)  # the last part of a qualified name
        return None
    if k >= len(tokens) or not is_op(tokens[k], "("):
        return None
    depth = 0
    for j in range(k, min(len(tokens), k + 200)):
        t = tokens[j]
        if is_op(t, "(", "[", "{"):
            depth += 1
        elif is_op(t, ")", "]", "}"):
            depth -= 1
            if depth == 0:
                return None
        elif is_op(t, "::") and j + 1 < len(tokens) and is_ident(tokens[j + 1], "class") and tokens[j - 1].kind == "ident":
            return tokens[j - 1].value
        elif is_op(t, ".") and j + 1 < len(tokens) and is_ident(tokens[j + 1], "class") and tokens[j - 1].kind == "ident":
            return tokens[j - 1].value
    return None


def fallback_calls(text: str, filename: str) -> list:
    """``[(line, call, builder, database class)]`` for every ``fallbackToDestructiveMigration*(...)`` call.

    Kotlin's lexer drops comments and keeps string literals as single tokens, so neither a
    comment nor a string that mentions the call counts. Java is read by the same lexer: its
    comments, strings, text blocks and calls are close enough to Kotlin's for finding a call.
    A declaration (``fun fallbackToDestructiveMigration(``) or a reference (``::``) is no call.
    """
    from roomschema.kotlin.lexer import Lexer
    from roomschema.kotlin.tokens import is_ident, is_op
    tokens, _ = Lexer(text, filename).tokens()
    out = []
    for i, t in enumerate(tokens):
        if t.kind != "ident" or not str(t.value).startswith(_FALLBACK):
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        prev = tokens[i - 1] if i else None
        if not is_op(nxt, "(") or is_op(prev, "::", ">"):
            continue  # a reference, or a Java declaration: `Builder<T> fallbackToDestructiveMigration(`
        if prev is not None and prev.kind == "ident" and not is_ident(prev, "return"):
            continue  # a declaration: `fun fallbackToDestructiveMigration(`, `void fallbackTo...(`
        builder, cls = _builder_class(tokens, i)
        out.append((t.line, _call_text(tokens, i + 1, str(t.value)), builder, cls))
    return out


def _call_text(tokens: list, k: int, name: str) -> str:
    """``name(args)`` as written, short: Room 2.7's ``(dropAllTables = true)`` matters to a reader."""
    from roomschema.kotlin.lexer import Str
    parts, depth = [], 0
    for t in tokens[k:k + 40]:
        if t.kind == "op" and t.value == "(":
            depth += 1
        elif t.kind == "op" and t.value == ")":
            depth -= 1
            if depth == 0:
                break
        if depth >= 1 and not (t.kind == "op" and t.value == "(" and depth == 1):
            text = '"…"' if isinstance(t.value, Str) else str(t.value)
            parts.append(text)
    args = " ".join(parts).replace(" ,", ",").replace(" = ", "=").replace("=", " = ")
    return f"{name}({args})"


def check_destructive_fallback(folder: Path) -> list:
    """A warning per ``fallbackToDestructiveMigration*()`` in the database builder code of the module
    that holds ``folder``: when a migration is missing, Room deletes every table instead of failing."""
    from roomschema.kotlin import KotlinExtractError
    from roomschema.schema.gradle import read_build
    module = read_build(folder).module
    if module is None:
        return []
    own = folder.name.rsplit(".", 1)[-1]
    findings = []
    for path in builder_sources(module):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if _FALLBACK not in text:
            continue  # most files: no lexing at all
        try:
            calls = fallback_calls(text, path.name)
        except KotlinExtractError:
            calls = _fallback_calls_plain(text)  # Java the Kotlin lexer refuses (an octal escape)
        for line, call, builder, cls in calls:
            if builder == "inMemoryDatabaseBuilder" or (cls is not None and cls != own):
                continue  # nothing persists in memory; another @Database's builder
            what = _WIPES.get(call.split("(", 1)[0], _WIPES[_FALLBACK])
            findings.append(Finding(
                "destructive-fallback", WARNING, display(path),
                f"{path.name}:{line}: {call} {what}: users lose their data without any error",
                "remove it and give Room every migration (`roomschema generate`, then `roomschema check` keeps "
                "the path complete); for a cache whose data can be rebuilt, keep it and accept this warning"))
    return findings


# Comments, text blocks, strings and character literals, for the plain scan below.
_PLAIN_NOISE = re.compile(r"""//[^\n]*|/\*.*?\*/|\"\"\".*?\"\"\"|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)+'""", re.S)


def _fallback_calls_plain(text: str) -> list:
    """The calls in a file the lexer cannot read: comments and literals blanked (lines kept), then
    every ``fallbackToDestructiveMigration*(`` that follows no name (a declaration) or ``::``."""
    blank = _PLAIN_NOISE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    out = []
    for m in re.finditer(r"(\w+|::|>)?(\s*)\b(" + _FALLBACK + r"\w*)\s*\(", blank):
        if m.group(1) and m.group(1) != "return":
            continue
        out.append((blank.count("\n", 0, m.start(3)) + 1, m.group(3) + "()", None, None))
    return out


_WIPES = {
    _FALLBACK: "makes Room delete every table and start empty whenever a migration is missing",
    _FALLBACK + "From": "makes Room delete every table when upgrading from the versions it lists",
    _FALLBACK + "OnDowngrade": "makes Room delete every table on a downgrade",
}
