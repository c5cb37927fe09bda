"""The benchmark's quick mode runs end to end and writes every section.

Structure only: no wall-clock assertion (the numbers belong in BENCHMARKS.md,
not in a test that a busy CI machine could fail).
"""
from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("cli", "migration", "pipeline", "memory", "scaling")
# benchmarks/report.py's verdict for a peer whose migrated table is wrong.
NOT_COMPARABLE = "not like for like"
ALEMBIC_DECLARED = "alembic, declared table + foreign_key_check"  # its like-for-like Alembic row
PEERS = {"sqlite-utils": ("sqlite_utils",), "alembic": ("alembic", "sqlalchemy")}

pytestmark = pytest.mark.slow


def _verify_in_tree() -> bool:
    try:
        from roomschema.verify import verify_migration  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    results, md = out / "results-quick.json", out / "BENCHMARKS.md"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(results),
                           "--markdown", str(md)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(results.read_text(encoding="utf-8")), md.read_text(encoding="utf-8"), proc.stderr


def _ratios(node, path="$"):
    """Every ``ratio`` summary anywhere in the document, with where it is."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "ratio" and isinstance(v, dict) and "median" in v:
                yield f"{path}.{k}", v
            else:
                yield from _ratios(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _ratios(v, f"{path}[{i}]")


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def test_every_section_present(quick):
    doc, _, _ = quick
    assert doc["mode"] == "quick"
    for key in ("nproc", "cpu_model", "python", "sqlite", "date"):
        assert doc["machine"][key], key
    for name in SECTIONS:
        assert name in doc["sections"], name
        section = doc["sections"][name]
        assert isinstance(section, dict) and section, name
        parts = section.values() if name == "pipeline" else [section]
        for part in parts:
            assert not part.get("error"), f"{name}: {part.get('skipped')}"


def test_sections_have_numbers(quick):
    doc, _, _ = quick
    s = doc["sections"]
    assert s["cli"]["commands"] and s["cli"]["floor"]["seconds"]["median"] > 0
    assert set(s["migration"]["changes"]) == {"add_column", "rebuild"}
    for change in s["migration"]["changes"].values():
        for per_size in change.values():
            assert {"raw", "roomschema"} <= set(per_size)
            assert per_size["roomschema"]["outcome_problems"] == []
    assert set(s["scaling"]["ops"]) == {"load", "diff", "generate"}
    assert all(_positive(op["exponent"]) for op in s["scaling"]["ops"].values())
    assert s["pipeline"]["seeding"].get("tables") or s["pipeline"]["seeding"].get("skipped")
    if _verify_in_tree():
        # Once the verifier exists, these sections must measure, never skip.
        assert s["pipeline"]["verify"].get("sizes"), s["pipeline"]["verify"]
        assert s["memory"].get("sizes"), s["memory"]
        assert s["pipeline"]["seeding"].get("tables"), s["pipeline"]["seeding"]
    else:
        assert s["pipeline"]["verify"]["skipped"] and s["memory"]["skipped"]


def test_ratios_are_positive_numbers(quick):
    doc, _, _ = quick
    found = list(_ratios(doc["sections"]))
    assert len(found) > 20
    for where, r in found:
        assert _positive(r["median"]) and _positive(r["min"]) and _positive(r["max"]), where
        assert r["min"] <= r["median"] <= r["max"], where
        assert r["runs"] >= 1, where


def test_targets_and_markdown(quick):
    doc, md, _ = quick
    assert doc["targets"]
    for t in doc["targets"]:
        assert t["met"] in (True, False, None, NOT_COMPARABLE) and t["what"] and t["target"]
        if t["met"] == NOT_COMPARABLE:
            assert "result is wrong" in t["note"], t  # only a wrong result takes a row out of the verdict
    assert "BEGIN GENERATED RESULTS" in md and "END GENERATED RESULTS" in md
    for heading in ("1. CLI latency", "2. Migration throughput", "3. Verify pipeline", "4. Memory", "5. Scaling"):
        assert heading in md


@pytest.mark.parametrize("peer", sorted(PEERS))
def test_peer_contenders(quick, peer):
    missing = [m for m in PEERS[peer] if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{peer} not installed ({', '.join(missing)}): quick mode skipped its rows; "
                    f"pip install -r benchmarks/requirements.txt")
    doc, _, _ = quick
    for change in doc["sections"]["migration"]["changes"].values():
        for per_size in change.values():
            assert peer in per_size
    if peer == "alembic":
        # Given the declared table (copy_from), Alembic's rebuild leaves Room's
        # table: that is the like-for-like row the target is judged on.
        for rows, per_size in doc["sections"]["migration"]["changes"]["rebuild"].items():
            assert per_size[ALEMBIC_DECLARED]["outcome_problems"] == [], rows
        verdicts = {t["what"]: t["met"] for t in doc["targets"] if t["part"] == 2}
        big = str(doc["sections"]["migration"]["sizes"][-1])
        for contender in ("alembic", ALEMBIC_DECLARED):
            wrong = bool(doc["sections"]["migration"]["changes"]["rebuild"][big][contender]["outcome_problems"])
            row = next(w for w in verdicts if w.startswith("rebuild") and w.endswith(f"vs {contender}"))
            assert (verdicts[row] == NOT_COMPARABLE) == wrong, (row, verdicts[row])
