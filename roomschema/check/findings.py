"""What ``roomschema check`` reports: one ``Finding`` per problem, with a rule id and a fix.

Every rule module builds findings from here, and this module imports none of them.
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
"""
from __future__ import annotations

from dataclasses import dataclass

from roomschema.files import shown

ERROR, WARNING = "error", "warning"


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
