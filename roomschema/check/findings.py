"""What ``roomschema check`` reports: one ``Finding`` per problem, with a rule id and a fix.

Every rule module builds findings from here, and this module imports none of them.
Rule ids are stable, because scripts and CI logs refer to them:

``schema-invalid``        an N.json does not parse or is not a valid Room export
``identity-hash``         its identityHash is not Room's hash of its content
``version-gap``           a version between the first and the last is missing
``released-changed``      a released N.json was edited or deleted
``migration-missing``     from an earlier version Room finds no migration path to the newest
``migration-failed``      a migration does not verify, or a .kt file of migrations does not parse
``migration-unverifiable`` what a migration runs is known only when the app runs (rows read through a
                          cursor, a value from the app, a Migration whose versions cannot be told):
                          not verified, never a failure (a warning, even with --strict)
``unexpected-table``      a migration leaves a table the newer schema lacks: MigrationTestHelper with
                          validateDroppedTables fails, the app's Room does not (warning)
``non-additive``          a change that is not additive, and not acknowledged
``allow-unused``          an ``allow`` entry that matches no change (warning)
``backward-incompatible`` a pair older app code cannot read (with require_backward_compatible)
``docs-missing``          the history document or a version's entry in it is missing
``why-empty``             a version's "why" is empty (warning; error with --strict/require_why)
``docs-stale``            the history document is not what ``roomschema docs`` writes now
``variant-diverged``      the variant folders of one database disagree on a released version
``destructive-fallback``  the database builder calls fallbackToDestructiveMigration*() (warning)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from roomschema.files import shown

ERROR, WARNING = "error", "warning"

# Rules --strict leaves warnings: a shipped migration is not rewritten so that a static reader can
# follow it, so an error there could never be fixed (run_kotlin = true verifies it instead).
STAYS_WARNING = frozenset({"migration-unverifiable"})


class Rule(NamedTuple):
    """What a rule is about, for reports that describe rules apart from their findings (SARIF)."""

    short: str
    full: str
    help: str   # the general fix; each finding's own fix is more precise


RULES = {
    "schema-invalid": Rule(
        "A schema export is not a valid Room export",
        "An N.json does not parse as JSON, or is not a valid Room schema export (JSON Schema and Room's own "
        "rules). Every migration is generated and verified against these files.",
        "Export it again from Room (build the app) instead of editing it by hand; `roomschema validate FILE` "
        "lists every problem with its JSON path."),
    "identity-hash": Rule(
        "The identity hash is not Room's hash of the schema",
        "The identityHash stored in an N.json is not the hash Room computes from its content, so the file was "
        "edited by hand or written by something other than Room; Room would reject a database built from it.",
        "Let Room write the file (build the app); never edit identityHash or the schema by hand."),
    "version-gap": Rule(
        "A schema version is missing",
        "A version between the first and the newest N.json has no file, so no migration through it can be "
        "generated or verified.",
        "Restore the file from git history, or, if those versions never shipped, declare them in `gaps` at the "
        "top of roomschema.toml (in pyproject.toml: under [tool.roomschema])."),
    "released-changed": Rule(
        "A released schema was changed or deleted",
        "An N.json that already shipped differs from git (HEAD, or the `released` ref). Installed apps have "
        "that schema; when its identity hash changes, every one of them crashes on open with \"Room cannot "
        "verify the data integrity\".",
        "Restore the released file from git; change the schema in a new version (raise @Database(version)) "
        "with a migration to it."),
    "migration-missing": Rule(
        "Room finds no migration path to the newest version",
        "From an earlier version, Room's migration path (generated files, AutoMigrations and every "
        "Migration(a, b) in Kotlin under the migrations folder) does not reach the newest version: the app "
        "would crash with \"A migration from X to Y was required but not found\".",
        "Run `roomschema generate`, declare an AutoMigration, or write the missing Migration(a, b)."),
    "migration-failed": Rule(
        "A migration does not verify",
        "A migration run on a real SQLite database built from the older schema does not produce the newer "
        "schema by Room's validation, loses or changes rows, or cannot be read (a Kotlin file that does not "
        "parse, a statement whose SQL is not a constant).",
        "See the full report with `roomschema verify A B`; change the migration where it goes wrong (a "
        "migration roomschema generated can be regenerated with `roomschema generate A B --force`)."),
    "migration-unverifiable": Rule(
        "A migration cannot be verified without running the app",
        "What a hand-written migration runs depends on the app at run time (rows read through a cursor, a "
        "value only the app knows, the database handed to code roomschema cannot read, or a Migration whose "
        "versions it cannot tell), so no static replay can judge it. It is neither passed nor failed: the "
        "version pair counts as not verified (a warning, even with --strict).",
        "Set run_kotlin = true in the configuration (check compiles the migration and runs migrate() on a "
        "JDK), or test it with Room's MigrationTestHelper; the finding names the file, line and reason."),
    "unexpected-table": Rule(
        "A migration leaves a table the newer schema does not have",
        "After the migration the database still has a table that the newer version does not declare (a "
        "dropped or renamed table left behind). The app's Room does not check this when it opens the "
        "database, but MigrationTestHelper(validateDroppedTables = true) fails with \"Migration didn't "
        "properly handle: Unexpected table\".",
        "Drop the table in the migration (DROP TABLE), or rename it to the name the newer version uses."),
    "non-additive": Rule(
        "A change that is not additive is not acknowledged",
        "A version pair rebuilds a table, drops data or depends on the data already there, and no `allow` "
        "entry of that pair acknowledges it.",
        "Make the change additive, or acknowledge it with the `allow` entry the finding gives, in "
        "[migrations.\"A-B\"] of roomschema.toml ([tool.roomschema.migrations.\"A-B\"] of pyproject.toml)."),
    "allow-unused": Rule(
        "An allow entry matches no change",
        "An `allow` entry acknowledges a change its version pair does not make; a stale acknowledgement "
        "would hide the next real one.",
        "Remove the entry."),
    "backward-incompatible": Rule(
        "A version pair is not backward compatible",
        "With require_backward_compatible, app code built for the older version cannot read the newer "
        "schema (a removed or renamed table or column, a new NOT NULL column without default).",
        "Keep old columns and tables and add new columns nullable or with a default; or drop "
        "require_backward_compatible for this release."),
    "docs-missing": Rule(
        "The migration history document, or a version's entry, is missing",
        "The migration history document (MIGRATIONS.md) does not exist or has no entry for a version.",
        "Run `roomschema docs` (it keeps every why already written)."),
    "docs-stale": Rule(
        "The migration history document is out of date",
        "The migration history document is not what `roomschema docs` writes for the schemas, migrations "
        "and configuration as they are now (the same verdict as `roomschema docs --check`).",
        "Run `roomschema docs` (it keeps every why already written) and commit the document."),
    "why-empty": Rule(
        "A version's why is empty",
        "The migration history has no reason written for a version (a warning; an error with --strict or "
        "require_why).",
        "Write why the version exists between <!-- why:N --> and <!-- /why:N --> in the history document."),
    "variant-diverged": Rule(
        "Variant folders of one database disagree on a released version",
        "With the Room Gradle plugin each build variant or Kotlin Multiplatform target exports its own "
        "schemas/<variant>/<Database>/N.json. Two of them have the same version of the same database with "
        "different tables, columns, keys, indices or views: the builds ship different databases under one "
        "version, and a migration verified against one fails on the other.",
        "Make the entities the same in every variant (a class one source set overrides changes only that "
        "variant's schema), restore the released file from git and rebuild every variant."),
    "destructive-fallback": Rule(
        "The database builder wipes data when a migration is missing",
        "The module's database builder calls fallbackToDestructiveMigration(), "
        "fallbackToDestructiveMigrationFrom(...) or fallbackToDestructiveMigrationOnDowngrade(): where Room "
        "finds no migration, it deletes every table and starts empty instead of failing, so a forgotten "
        "migration silently costs users their data (a warning; an error with --strict).",
        "Remove the call and give Room every migration (`roomschema generate`; `roomschema check` keeps the "
        "path complete). For a cache whose data can be rebuilt, keep it and accept the warning."),
}


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


def display(path) -> str:
    """Relative to the current directory when inside it, so editors and CI logs can open it."""
    return shown(path)
