"""The result of ``verify_migration``: one block per SQLite mode, failures first."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

PHASES = ("build", "seed", "snapshot", "migrate", "validate", "data_check", "hazard")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


@dataclass
class ModeReport:
    mode: str
    passed: bool = False
    error: Optional[str] = None          # Room's exception text, or ours when Room has none
    failed_step: Optional[int] = None    # 0-based
    timings: dict = field(default_factory=dict)   # phase -> seconds
    steps: list = field(default_factory=list)     # runner.StepResult
    lock_seconds: float = 0.0
    migration_seconds: float = 0.0
    rows: dict = field(default_factory=dict)      # table -> rows seeded
    mismatches: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    hazards: list = field(default_factory=list)
    budget: list = field(default_factory=list)    # exceeded limits, as sentences
    notes: list = field(default_factory=list)

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        """Schema differences the app's Room accepts but a migration test fails on (an unexpected table)."""
        return [m for m in self.mismatches if not m.runtime]

    @property
    def declared(self) -> list:
        """Changes the migration makes on purpose (expect_rows_removed, expect_rows_added, expect_values_changed),
        counted."""
        return [f for f in self.findings if f.check == "declared"]

    def to_json(self) -> dict:
        return {
            "mode": self.mode,
            "passed": self.passed,
            "error": self.error,
            "failed_step": self.failed_step,
            "timings_ms": {p: _ms(self.timings.get(p, 0.0)) for p in PHASES},
            "migration_ms": _ms(self.migration_seconds),
            "lock_ms": _ms(self.lock_seconds),
            "steps": [s.to_json() for s in self.steps],
            "rows": dict(self.rows),
            "mismatches": [m.to_json() for m in self.mismatches],
            "findings": [f.to_json() for f in self.findings],
            "hazards": [h.to_json() for h in self.hazards],
            "budget": list(self.budget),
            "notes": list(self.notes),
        }

    def text_lines(self) -> list:
        lines = [f"{self.mode}: {'passed' if self.passed else 'FAILED'}"]
        if self.failed_step is not None:
            step = self.steps[self.failed_step]
            lines.append(f"  step {self.failed_step + 1} failed: {step.sql}")
            lines += [f"    {line}" for line in (self.error or "").rstrip("\n").splitlines()]
        crashes = [m for m in self.mismatches if m.runtime]
        for m in crashes:
            lines += [f"  schema: {s}" for s in m.summary]
        if crashes:
            lines.append(f"  Room would throw: {crashes[0].room_message.splitlines()[0]}")
        lines += [f"  warning: {s}" for m in self.warnings for s in m.summary]
        lines += [f"  data: {f.message}" + (f"; {f.fix}" if f.fix else "") for f in self.errors]
        if self.passed and self.rows:
            lines.append(f"  data: {sum(self.rows.values()):,} rows in {len(self.rows)} tables kept"
                         + (" but for the declared changes" if self.declared else "")
                         + "; values, defaults, foreign keys, integrity and indices checked")
        lines += [f"  declared: {f.message}" for f in self.declared]
        lines += [f"  budget: {b}" for b in self.budget]
        lines += [f"  hazard: {h.message}" for h in self.hazards]
        lines += [f"  note: {f.message}" for f in self.findings if f.severity != "error" and f.check != "declared"]
        lines += [f"  note: {n}" for n in self.notes]
        slowest = max(self.steps, key=lambda s: s.seconds, default=None)
        timing = ", ".join(f"{p} {_ms(self.timings[p]):.1f}" for p in PHASES if p in self.timings)
        lines.append(f"  ms: {timing}; lock {_ms(self.lock_seconds):.1f}"
                     + (f"; slowest step {slowest.index + 1} {_ms(slowest.seconds):.1f}" if slowest else ""))
        return lines


@dataclass
class VerifyReport:
    database_name: str
    old_version: int
    new_version: int
    rows_requested: object
    modes: list = field(default_factory=list)
    work_dir: Optional[str] = None      # set when the databases were kept

    @property
    def ok(self) -> bool:
        return bool(self.modes) and all(m.passed for m in self.modes)

    @property
    def longest_lock_seconds(self) -> float:
        return max((m.lock_seconds for m in self.modes), default=0.0)

    @property
    def total_seconds(self) -> float:
        return sum(sum(m.timings.values()) for m in self.modes)

    def to_json(self) -> dict:
        return {
            "database": self.database_name,
            "from_version": self.old_version,
            "to_version": self.new_version,
            "ok": self.ok,
            "rows_requested": self.rows_requested,
            "total_ms": _ms(self.total_seconds),
            "longest_lock_ms": _ms(self.longest_lock_seconds),
            "work_dir": self.work_dir,
            "modes": [m.to_json() for m in self.modes],
        }

    def to_text(self) -> str:
        failed = [m for m in self.modes if not m.passed]
        head = (f"verify {self.database_name} {self.old_version} -> {self.new_version}: "
                + ("OK" if self.ok else f"FAILED in {len(failed)} of {len(self.modes)} modes"))
        lines = [head]
        for m in failed + [m for m in self.modes if m.passed]:
            lines += m.text_lines()
        lines.append(f"total {_ms(self.total_seconds):.1f} ms, longest lock {_ms(self.longest_lock_seconds):.1f} ms"
                     + (f", databases kept in {self.work_dir}" if self.work_dir else ""))
        return "\n".join(lines) + "\n"
