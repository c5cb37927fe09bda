"""roomschema's benchmark: ``python benchmarks/run.py --quick`` (seconds; CI) or
``--full`` (the numbers in BENCHMARKS.md, well under 30 minutes on 2 cores).

Writes ``benchmarks/results-<mode>.json``; ``--full`` also rewrites the
generated block of BENCHMARKS.md (``--markdown PATH`` for another file or for
the quick mode, ``--no-markdown`` for none). ``--render`` rebuilds the
Markdown from an existing results file without measuring anything.

Peer tools (sqlite-utils, Alembic) are benchmark-only dependencies:
``pip install -r benchmarks/requirements.txt``. Without them their rows are
skipped with the reason in the results.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import cli_latency, migration, pipeline, report, scaling  # noqa: E402
from benchmarks.common import loadavg, log, machine  # noqa: E402

SECTIONS = ("cli", "migration", "pipeline", "memory", "scaling")

MODES = {
    "quick": {
        "cli_reps": 2,
        "migration_sizes": [1_000, 10_000], "migration_reps": lambda change, rows: 2,
        "seed_sizes": [10_000], "seed_reps": 1,
        "pipeline_sizes": [1_000, 10_000], "pipeline_reps": lambda rows: 1,
        "memory_sizes": [1_000, 10_000], "memory_reps": 1,
        "scaling_sizes": [10, 20, 40], "scaling_reps": 2,
    },
    "full": {
        "cli_reps": 15,
        "migration_sizes": [10_000, 100_000, 1_000_000],
        "migration_reps": lambda change, rows: 15 if change == "add_column" or rows <= 10_000 else 9,
        "seed_sizes": [10_000, 100_000, 1_000_000], "seed_reps": 5,
        "pipeline_sizes": [10_000, 100_000, 1_000_000], "pipeline_reps": lambda rows: 5,
        "memory_sizes": [10_000, 100_000, 1_000_000], "memory_reps": 2,
        "scaling_sizes": [50, 100, 200, 500], "scaling_reps": 7,
    },
}


def _section(name: str, fn):
    t0 = time.perf_counter()
    log(f"[{name}]")
    try:
        out = fn()
    except Exception as err:  # one broken section must not hide the others' numbers
        traceback.print_exc()
        out = {"skipped": f"failed: {type(err).__name__}: {err}", "error": True}
    if isinstance(out, dict):
        out["section_seconds"] = time.perf_counter() - t0
    return out


def default_tmpdir():
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return str(shm)
    return None


def filesystem_of(path: Path) -> str:
    """The mount type holding ``path`` (tmpfs, ext4, ...), from /proc/mounts."""
    best, kind = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path.resolve()).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind


def measure(mode: str, sections, tmp: Path) -> dict:
    cfg = MODES[mode]
    t0 = time.perf_counter()
    doc = {"schema": 1, "mode": mode, "machine": machine(), "sections": {},
           "command": f"python benchmarks/run.py --{mode}"}
    doc["machine"]["databases_on"] = f"{filesystem_of(tmp)} ({tmp.parent})"
    peers = migration.peer_status()
    for peer, why in peers.items():
        if why:
            log(f"note: {peer} skipped: {why}")
    res = doc["sections"]
    if "cli" in sections:
        res["cli"] = _section("cli", lambda: cli_latency.run(cfg["cli_reps"], tmp, quick=mode == "quick"))
    if "migration" in sections:
        res["migration"] = _section("migration", lambda: migration.run(
            cfg["migration_sizes"], cfg["migration_reps"], tmp, peers))
    if "pipeline" in sections:
        seed_why = pipeline.seed_available()
        verify_why = pipeline.verify_available()
        res["pipeline"] = {
            "seeding": {"skipped": seed_why} if seed_why else _section("seeding", lambda: pipeline.run_seeding(
                cfg["seed_sizes"], cfg["seed_reps"], tmp)),
            "verify": {"skipped": verify_why} if verify_why else _section("pipeline", lambda: pipeline.run_pipeline(
                cfg["pipeline_sizes"], cfg["pipeline_reps"], tmp)),
        }
    if "memory" in sections:
        verify_why = pipeline.verify_available()
        res["memory"] = {"skipped": verify_why} if verify_why else _section("memory", lambda: pipeline.run_memory(
            cfg["memory_sizes"], cfg["memory_reps"], tmp))
    if "scaling" in sections:
        res["scaling"] = _section("scaling", lambda: scaling.run(cfg["scaling_sizes"], cfg["scaling_reps"]))
    doc["duration_seconds"] = time.perf_counter() - t0
    doc["machine"]["load_average_at_end"] = loadavg()
    doc["targets"] = report.targets(doc)
    return doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_const", const="quick", dest="mode", help="a few seconds (CI)")
    mode.add_argument("--full", action="store_const", const="full", dest="mode", help="the published numbers")
    ap.add_argument("--out", type=Path, help="results JSON (default benchmarks/results-<mode>.json)")
    ap.add_argument("--markdown", type=Path, help="Markdown file to rewrite (default BENCHMARKS.md with --full)")
    ap.add_argument("--no-markdown", action="store_true", help="write no Markdown")
    ap.add_argument("--only", help=f"comma-separated subset of {','.join(SECTIONS)}")
    ap.add_argument("--render", action="store_true", help="only re-render the Markdown from --out")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (databases, caches)")
    ap.add_argument("--tmpdir", help="where the databases go (default: /dev/shm when it is a writable tmpfs, "
                                     "so disk noise does not drown differences of a few percent)")
    args = ap.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / f"results-{args.mode}.json"
    md = None if args.no_markdown else (args.markdown or (ROOT / "BENCHMARKS.md" if args.mode == "full" else None))
    if args.render:
        doc = json.loads(out.read_text(encoding="utf-8"))
        doc["targets"] = report.targets(doc)
    else:
        sections = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(","))
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            ap.error(f"unknown sections: {', '.join(sorted(unknown))}")
        tmp = Path(tempfile.mkdtemp(prefix="roomschema-bench-", dir=args.tmpdir or default_tmpdir()))
        try:
            doc = measure(args.mode, sections, tmp)
        finally:
            if args.keep_tmp:
                log(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=1, default=str) + "\n", encoding="utf-8")
        log(f"wrote {out} ({doc['duration_seconds']:.1f} s)")
    if md is not None:
        report.write_markdown(doc, md)
        log(f"wrote {md}")
    for t in doc["targets"]:
        mark = "n/a   " if isinstance(t["met"], str) else {True: "met   ", False: "MISSED", None: "n/a   "}[t["met"]]
        log(f"  {mark} [{t['part']}] {t['what']}: {t['measured']} (target {t['target']}) {t['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
