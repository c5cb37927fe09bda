"""The answer for each message: a few lines for people, and the same facts as JSON."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from roomschema.errors import RoomSchemaError
from roomschema.explain import compare, locate
from roomschema.explain.parse import LAYOUT_NAMES, IdentityMismatch, Message, Mismatch, MissingMigration
from roomschema.files import shown
from roomschema.schema.discovery import version_files
from roomschema.schema.loader import load


def _span(versions: list[int]) -> str:
    if not versions:
        return "none"
    runs: list[list[int]] = []
    for v in versions:
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _versions_word(versions: list[int]) -> str:
    return ("version " if len(versions) == 1 else "versions ") + _span(versions)


class Explainer:
    """Explains messages against the databases of a project (none outside a project)."""

    def __init__(self, folders: list[Path], config, *, chosen: bool = False):
        self.folders = folders
        self.config = config
        self.chosen = chosen        # the folder was named (--schemas/--db), or is the only one
        self._histories: dict[Path, dict] = {}

    def history(self, folder: Path) -> dict:
        if folder not in self._histories:
            out = {}
            for v, path in version_files(folder).items():
                try:
                    out[v] = load(path)
                except RoomSchemaError:
                    continue  # an unreadable file is validate's business; the others still place the crash
            self._histories[folder] = out
        return self._histories[folder]

    def explain(self, msg: Message) -> dict:
        if isinstance(msg, Mismatch):
            return self._mismatch(msg)
        if isinstance(msg, IdentityMismatch):
            return self._identity(msg)
        return self._missing(msg)

    # --- Migration didn't properly handle ------------------------------------------------------

    def _mismatch(self, msg: Mismatch) -> dict:
        placements = [locate.place_mismatch(msg.name, msg.expected, msg.found, f, self.history(f))
                      for f in self.folders]
        placements = [p for p in placements if p.has_table or (self.chosen and len(self.folders) == 1)]
        expected = msg.expected
        known = {(p.folder, p.expected_versions[-1]) for p in placements if p.expected_versions}
        if len(known) == 1:
            # The schema file fills in what the printed Expected side lost (NOT NULL in Room 2.5-2.6,
            # key and index columns in 2.7+), so a missing column is described in full.
            folder, version = known.pop()
            expected = locate.schema_info(self.history(folder)[version], msg.name) or expected
        diffs = compare.differences(expected, msg.found)
        what = {"table": "table", "fts": "FTS table", "view": "view"}[msg.expected.kind]
        who = f" ({msg.entity_class})" if msg.entity_class else ""
        layout = msg.found.layout if msg.expected.kind != "view" else msg.expected.layout
        where = {"app": "after migrating", "test": "in MigrationTestHelper after migrating",
                 "prepackaged": "in the pre-packaged database"}[msg.origin]
        shown_layout = f" ({LAYOUT_NAMES.get(layout, layout)} layout)" if msg.expected.kind != "view" else ""
        lines = [f"{what} `{msg.name}`{who} does not match the schema {where}{shown_layout}:"]
        lines += [f"  - {d.message}" for d in diffs]
        notes = []
        if not diffs:
            notes.append("no difference is visible in the printed text")
            notes += compare.hidden(msg.found)
        if msg.truncated:
            notes.append("the Found side is cut short (logcat truncates long lines); what was read is compared")
        if msg.expected.kind == "table" and getattr(msg.found, "indices", ()) is None:
            notes.append("the database's indices could not be read, so Room did not compare them")
        data: dict = {"kind": msg.kind, "name": msg.name, "entity_class": msg.entity_class, "object": msg.expected.kind,
                      "origin": msg.origin, "layout": layout, "truncated": msg.truncated,
                      "differences": [d.to_json() for d in diffs], "notes": notes, "databases": []}
        for p in placements:
            lines += self._placement_lines(msg, diffs, p, many=len(placements) > 1 or len(self.folders) > 1)
            data["databases"].append(self._placement_json(p))
        if not placements:
            lines.append(f"  What to do: fix the migration that leads to the app's version so `{msg.name}` "
                         f"ends up as Expected{self._hint(diffs, msg.name)}; run roomschema inside the project "
                         f"(or pass --schemas) to see which version each side is.")
        lines += [f"  Note: {n}" for n in notes]
        data["text"] = lines
        return data

    @staticmethod
    def _hint(diffs: list, name: str) -> str:
        kinds = {d.kind for d in diffs}
        if kinds and kinds <= {"column-missing"}:
            return f" (add the missing columns with ALTER TABLE `{name}` ADD COLUMN …)"
        if kinds & {"column-type", "column-not-null", "column-primary-key", "column-default",
                    "foreign-key-missing", "foreign-key-extra", "foreign-key-differs", "column-extra"}:
            return (f" (SQLite cannot change a column in place: create `{name}_new` with the expected "
                    f"definition, copy the rows, drop `{name}`, rename `{name}_new`)")
        return ""

    def _placement_lines(self, msg: Mismatch, diffs: list, p: locate.Placement, many: bool) -> list[str]:
        db = f"[{p.database}] " if many else ""
        opt = f" --db {p.database}" if many else ""
        lines = []
        if not p.has_table:
            lines.append(f"  {db}No schema version of {p.database} has `{msg.name}` "
                         f"(versions: {_span(p.versions)}).")
            return lines
        e, f = p.expected_versions, p.found_versions
        exp_text = f"Expected is {_versions_word(e)}'s `{msg.name}`" if e else \
            f"Expected matches no exported version's `{msg.name}` (the JSON may be older than the app build)"
        if f:
            first = f[0]
            prev = p.previous(first)
            made = f"as migration {prev} -> {first} left it" if prev is not None and prev in p.has_table else \
                f"as Room creates it at version {first}"
            found_text = f"Found is {_versions_word(f)}'s `{msg.name}` ({made})"
        else:
            found_text = f"Found matches no version's `{msg.name}`: a migration changed it, but not into any " \
                         f"version's definition"
        lines.append(f"  {db}{found_text}; {exp_text}.")
        target = e[-1] if e else None
        if f and target is not None and f[-1] != target:
            start = f[-1]
            step = p.following(start) if target > start else p.previous(start)
            lines.append(f"  What to do: migration {start} -> {step} leaves `{msg.name}` as it was at version "
                         f"{start}: make it change the {('view' if msg.expected.kind == 'view' else 'table')} "
                         f"to version {target}'s definition{self._hint(diffs, msg.name)}; "
                         f"`roomschema generate{opt} {start} {target}` writes the SQL Room expects and "
                         f"`roomschema verify{opt} {start} {target}` proves it.")
        elif target is not None:
            prev = p.previous(target)
            via = f"migration {prev} -> {target}" if prev is not None else f"the migration to version {target}"
            lines.append(f"  What to do: fix {via} so `{msg.name}` ends up as version {target} has it"
                         + (f"; `roomschema verify{opt} {prev} {target}` shows where it goes wrong." if prev else "."))
        else:
            lines.append(f"  What to do: export the app's current schema (build with exportSchema) so the "
                         f"expected version is in {p.database}, then fix the migration that leads to it.")
        return lines

    @staticmethod
    def _placement_json(p: locate.Placement) -> dict:
        f = p.found_versions
        produced: Optional[dict] = None
        if f:
            prev = p.previous(f[0])
            produced = {"from": prev if prev in p.has_table else None, "to": f[0]}
        return {"database": p.database, "folder": shown(p.folder), "versions": p.versions,
                "versions_with_table": p.has_table, "expected_versions": p.expected_versions,
                "found_versions": f, "produced_by": produced}

    # --- identity hash ----------------------------------------------------------------------------

    def _identity(self, msg: IdentityMismatch) -> dict:
        lines = [f"identity hash: the app expects {msg.expected}, the database has {msg.found or 'none'}."]
        data: dict = {"kind": msg.kind, "expected": msg.expected, "found": msg.found, "databases": []}
        placements = [locate.place_hashes(msg.expected, msg.found, f, self.history(f)) for f in self.folders]
        hits = [p for p in placements if p.expected_files or p.found_files or p.expected_content or p.found_content]
        if not hits and self.chosen and len(placements) == 1:
            hits = placements
        for p in hits:
            db = f"[{p.database}] " if len(hits) > 1 else ""
            lines.append(f"  {db}Expected: {self._hash_where(p.expected_files, p.expected_content)}; "
                         f"found: {self._hash_where(p.found_files, p.found_content)}.")
            data["databases"].append({"database": p.database, "folder": shown(p.folder), "versions": p.versions,
                                      "expected_in": p.expected_files, "found_in": p.found_files,
                                      "expected_content_of": p.expected_content, "found_content_of": p.found_content})
        found_somewhere = any(p.found_files or p.found_content for p in hits)
        if hits and found_somewhere:
            lines.append("  What to do: the database has an older schema under the app's version number: the "
                         "schema changed without a version bump. Raise @Database(version) and add the migration "
                         "from the schema the database has.")
        else:
            lines.append("  What to do: the schema changed without a version bump (the database's hash is in no "
                         "schema file: the old N.json content is in version control). Raise @Database(version) "
                         "and add a migration from the old schema; uninstalling only hides it on this device.")
        data["text"] = lines
        return data

    @staticmethod
    def _hash_where(files: list[int], content: list[int]) -> str:
        if files:
            return f"the identityHash of {_versions_word(files)}'s JSON"
        if content:
            return f"{_versions_word(content)}'s content (its file stores a stale identityHash)"
        return "in no schema file"

    # --- no migration path ----------------------------------------------------------------------

    def _missing(self, msg: MissingMigration) -> dict:
        a, b = msg.start, msg.end
        lines = [f"no migration path from {a} to {b}: Room found no chain of migrations (it walks greedily, "
                 f"always the longest jump, and never backtracks)."]
        data: dict = {"kind": msg.kind, "from": a, "to": b, "databases": []}
        folders = self.folders
        several = False
        if len(folders) > 1:
            folders = [f for f in folders if {a, b} & set(self.history(f))]
            if len(folders) > 1:
                lines.append("  Several databases here: pass --db NAME to follow Room's path in one of them.")
                folders, several = [], True
        for folder in folders:
            p = locate.place_path(a, b, folder, self.config)
            have = f"schema files for {_versions_word(p.versions)}"
            known = ", ".join(f"{x}->{y}" for x, y in p.migrations) or "none"
            walk = " -> ".join(map(str, p.walk))
            data["databases"].append({"database": p.database, "folder": shown(folder), "versions": p.versions,
                                      "migrations": [list(m) for m in p.migrations], "path": p.walk,
                                      "missing_step": list(p.missing_step) if p.missing_step else None})
            lines.append(f"  {p.database}: {have}; migrations found: {known}.")
            if p.missing_step is None:
                lines.append(f"  This project's migrations reach {b} ({walk}): the build that crashed did not "
                             f"register them. What to do: pass each to Room.databaseBuilder(...).addMigrations(...) "
                             f"(or declare the AutoMigrations on @Database).")
                continue
            x, y = p.missing_step
            stuck = f"Room's path {walk} stops at {x}" if len(p.walk) > 1 else f"no migration starts at {x}"
            lines.append(f"  {stuck}; the missing step is {x} -> {y}.")
            if x in p.versions and y in p.versions:
                lines.append(f"  What to do: add Migration({x}, {y}) (`roomschema generate {x} {y}` writes it, "
                             f"`roomschema verify {x} {y}` proves it) or @AutoMigration(from = {x}, to = {y}), "
                             f"and register it with addMigrations(...).")
            else:
                absent = [v for v in (x, y) if v not in p.versions]
                lines.append(f"  What to do: write Migration({x}, {y}) by hand ({_versions_word(absent)} has no "
                             f"schema file here, so it cannot be generated) and register it with addMigrations(...).")
        if not folders and not several:
            chain = f", or a chain from Migration({a}, {a + 1 if b > a else a - 1}) on," if abs(b - a) > 1 else ""
            lines.append(f"  What to do: add Migration({a}, {b}){chain} and register it with addMigrations(...); "
                         f"inside the project (or with --schemas) roomschema names the missing step.")
        data["text"] = lines
        return data
