"""Every migration a project has, wherever it keeps them, and whether Room finds a path through them.

Room runs a hand-written ``Migration`` by the versions it declares, not by its file's name, and
may jump over versions (``Migration(1, 3)``). So check reads every ``.kt`` file under the
migrations folder, and asks what Room asks at run time (``migration.path``): from each earlier
version, does the greedy path reach the newest one?
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

from roomschema.check.cache import Cache
from roomschema.check.findings import ERROR, Finding, display
from roomschema.migration.changes import Diff
from roomschema.migration.path import versions_visited

SourceKind = Literal["sql", "kotlin", "auto"]
MISSING_MIGRATION = ("A migration from {a} to {b} was required but not found. Please provide the necessary "
                     "Migration path via RoomDatabase.Builder.addMigration(...) or allow for destructive "
                     "migrations via one of the RoomDatabase.Builder.fallbackToDestructiveMigration* functions.")


@dataclass
class Source:
    """One migration for a pair: a generated SQL or Kotlin file, a hand-written Kotlin Migration, or a
    declared AutoMigration."""

    kind: SourceKind
    path: Optional[Path] = None
    ok: Optional[bool] = None     # None: not verified
    summary: str = ""
    line: Optional[int] = None    # of a hand-written Migration: one file may hold several

    @property
    def label(self) -> str:
        if self.path is None:  # only an AutoMigration has no file
            return "AutoMigration"
        return self.path.name + (f":{self.line}" if self.line else "")


@dataclass
class Pair:
    old: int
    new: int
    file: Path                    # the newer N.json, which findings about the pair name
    diff: Optional[Diff] = None   # None when either file is invalid
    sources: list = field(default_factory=list)
    unacknowledged: list = field(default_factory=list)

    @property
    def verified(self) -> Optional[bool]:
        """True when every migration of the pair verified, False when one failed, None when not run."""
        if any(s.ok is False for s in self.sources):
            return False
        return None if not self.sources or any(s.ok is None for s in self.sources) else True


def _sites(path: Path, rel: str, cache: Cache) -> dict:
    """``{"sites": [[start, end, line], ...], "error": message or None}``, cached by the file's bytes."""
    from roomschema.kotlin import KotlinExtractError, extract_migrations
    try:
        data = path.read_bytes()
    except OSError as err:
        return {"sites": [], "error": f"{rel}: {err.strerror or err}"}
    # The relative name is part of the key: the extractor's messages carry it.
    key = Cache.key("kotlin-sites", rel, data)
    hit = cache.get("kotlin-sites", key)
    if hit is None:
        try:
            found = extract_migrations(data.decode("utf-8"), rel)
            hit = {"sites": [[m.start, m.end, m.line] for m in found], "error": None}
        except UnicodeDecodeError as err:
            hit = {"sites": [], "error": f"{rel}: not UTF-8 text (byte at offset {err.start})"}
        except KotlinExtractError as err:
            hit = {"sites": [], "error": str(err)}
        cache.put("kotlin-sites", key, hit)
    return hit


def hand_written(out: Path, generated: dict, cache: Cache) -> tuple:
    """``([(start, end, Source)], findings)`` for every ``Migration(a, b)`` upgrade in ``out``'s Kotlin.

    ``generated`` maps each ``Migration_A_B.kt`` path to its pair: that pair's migration in it is
    already a source of its own, and its read errors are already reported when it is verified.
    """
    if not out.is_dir():
        return [], []
    found, findings = [], []
    for path in sorted((p for p in out.rglob("*.kt") if p.is_file()), key=lambda p: p.relative_to(out).as_posix()):
        rel = path.relative_to(out).as_posix()
        hit = _sites(path, rel, cache)
        own = generated.get(path)
        if hit["error"] and own is None:
            findings.append(Finding("migration-failed", ERROR, display(path),
                                    f"cannot read it as Kotlin migrations: {hit['error']}",
                                    f"fix the Kotlin at that line, or keep files that are not Room migrations "
                                    f"out of {display(out)}"))
        for start, end, line in hit["sites"]:
            # A downgrade never helps reach the newest version.
            if start < end and (start, end) != own:
                found.append((start, end, Source("kotlin", path, line=line)))
    return found, findings


def collect(pairs: list, files: dict, out: Path, autos: set, cache: Cache) -> tuple:
    """Attach every migration to its pair, or to a spanning Pair; ``(spans, edges, findings)``."""
    from roomschema.render.code import kotlin_file_name, sql_file_name
    by_pair = {(p.old, p.new): p for p in pairs}
    for p in pairs:
        named: tuple[tuple[SourceKind, str], ...] = (("sql", sql_file_name(p.old, p.new)),
                                                     ("kotlin", kotlin_file_name(p.old, p.new)))
        for kind, name in named:
            if (out / name).is_file():
                p.sources.append(Source(kind, out / name))
    generated = {s.path: (p.old, p.new) for p in pairs for s in p.sources if s.kind == "kotlin"}
    found, findings = hand_written(out, generated, cache)
    found += [(a, b, Source("auto")) for a, b in sorted(autos) if a < b]
    spans: dict[tuple[int, int], Pair] = {}
    edges: set[tuple[int, int]] = set()
    for a, b, src in found:
        edges.add((a, b))
        if (a, b) in by_pair:
            by_pair[(a, b)].sources.append(src)
        elif a in files and b in files:
            spans.setdefault((a, b), Pair(a, b, files[b])).sources.append(src)
    edges.update(k for k, p in by_pair.items() if p.sources)
    return [spans[k] for k in sorted(spans)], edges, findings


def missing(files: dict, edges: set, out: Path) -> list:
    """One ``migration-missing`` per version from which Room finds no path to the newest."""
    from roomschema.render.code import kotlin_file_name, sql_file_name
    versions = list(files)
    newest, findings = versions[-1], []
    for start in versions[:-1]:
        path = versions_visited(edges, start, newest)
        stuck = path[-1]
        if stuck == newest:
            continue
        nxt = min(v for v in versions if v > stuck)
        crash = MISSING_MIGRATION.format(a=start, b=newest)
        how = "" if stuck == start else f" (Room's path from {start}: {'->'.join(map(str, path))}, and no further)"
        if stuck in files:
            fix = (f"run `roomschema generate` (writes {display(out / sql_file_name(stuck, nxt))} and "
                   f"{kotlin_file_name(stuck, nxt)}), declare auto_migrations = [[{stuck}, {nxt}]], or write a "
                   f"Migration({stuck}, {nxt}) in a .kt file under {display(out)}")
        else:
            fix = f"write a Migration from {stuck} in a .kt file under {display(out)}"
        findings.append(Finding("migration-missing", ERROR, display(files[nxt]),
                                f"no migration {stuck}->{nxt}{how}: the app would crash with \"{crash}\"",
                                fix, (stuck, nxt)))
    return findings
