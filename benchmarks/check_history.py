"""``roomschema check`` on real histories with hand-written migrations, cold and warm (issue #14 item 13).

    python benchmarks/check_history.py [--reps N] [--cold-reps N] [--out FILE]

Each history is a project a developer would have: the app's schema folder (all of it, or its
newest N versions) and its own hand-written Kotlin migrations from the corpus (read in place,
with the rest of their source tree, which the Kotlin replay resolves names from). ``check`` runs
as the console script in its own process, as a pre-commit hook runs it:

- cold: no ``.roomschema-cache`` (removed before each run), so every file is validated and every
  migration read and verified;
- warm: the cache filled by the run before, nothing changed since;
- floor: ``python -c pass`` with the same interpreter and environment, interleaved with the warm runs.

Byte code is compiled ahead and one unmeasured run of each command fills the rest of the byte-code
cache (PYTHONDONTWRITEBYTECODE is removed from the children's environment), as in cli_latency.
Prints a Markdown table (the BENCHMARKS.md section "check on real histories") and writes JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.cli_latency import roomschema_argv  # noqa: E402
from benchmarks.common import CORPUS, child_env, fmt_seconds, loadavg, log, machine, run_child, summary  # noqa: E402

PY = sys.executable
SIMPLE = ("simpledotorg__simple-android", "org.simple.clinic.AppDatabase",
          "migrations-src/app/src/main/java/org/simple/clinic/storage/migrations")
HISTORIES = [("simple-android, every version", SIMPLE, None),
             ("simple-android, newest 90 versions", SIMPLE, 90)]


def prepare(label: str, spec: tuple, count, dest: Path) -> tuple:
    """(project folder, versions): the schemas copied into a git repository, the migrations read
    where the corpus keeps them."""
    app, database, migrations = spec
    src = CORPUS / app / database
    versions = sorted(int(p.stem) for p in src.glob("*.json") if p.stem.isdigit())
    if count:
        versions = versions[-count:]
    schemas = dest / "schemas" / database
    schemas.mkdir(parents=True)
    for v in versions:
        shutil.copyfile(src / f"{v}.json", schemas / f"{v}.json")
    # The history document is the project's own (absent: one finding), whatever a run of `docs`
    # may have left beside the migrations in the corpus.
    (dest / "roomschema.toml").write_text(f'schemas = "schemas/{database}"\n'
                                          f'output = "{CORPUS / app / migrations}"\n'
                                          f'docs = "MIGRATIONS.md"\n', encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    return dest, versions


def measure(reps: int, cold_reps: int, tmp: Path) -> dict:
    info = machine()  # its load average is the one at the start
    pycache = tmp / "pycache"
    env = child_env(pycache)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "roomschema")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    tool = roomschema_argv()
    floor_argv = [PY, "-c", "pass"]
    rows = []
    for n, (label, spec, count) in enumerate(HISTORIES):
        proj, versions = prepare(label, spec, count, tmp / f"project-{n}")
        argv = [*tool, "check"]
        cache = proj / ".roomschema-cache"
        run_child(floor_argv, env, proj)
        first = run_child(argv, env, proj, keep_stdout=True)  # warm-up: byte code, OS file cache
        if first["crashed"] or first["exit"] not in (0, 1):
            rows.append({"label": label, "error": first["stderr"].strip().splitlines()[-1:]})
            continue
        cold = []
        for _ in range(cold_reps):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(run_child(argv, env, proj)["seconds"])
        run_child(argv, env, proj)  # fills the cache for the warm runs
        warm, floor = [], []
        for rep in range(reps):
            for which in ((argv, warm), (floor_argv, floor)) if rep % 2 == 0 else ((floor_argv, floor), (argv, warm)):
                which[1].append(run_child(which[0], env, proj)["seconds"])
        last = [ln for ln in first["stdout"].splitlines() if ln.strip()][-1:]
        rows.append({"label": label, "versions": len(versions), "range": f"{versions[0]}..{versions[-1]}",
                     "cold": summary(cold), "warm": summary(warm), "floor": summary(floor),
                     "warm_vs_floor": summary(warm)["median"] / summary(floor)["median"],
                     "last_line": last[0][:160] if last else ""})
        log(f"  {label}: cold {fmt_seconds(summary(cold)['median'])}, warm {fmt_seconds(summary(warm)['median'])} "
            f"({rows[-1]['warm_vs_floor']:.1f}x python -c pass)")
    return {"machine": info, "load_average_at_end": loadavg(), "reps": reps, "cold_reps": cold_reps,
            "how": " ".join(Path(a).name if i == 0 else a for i, a in enumerate(tool)), "rows": rows}


def markdown(doc: dict) -> str:
    lines = ["| history | versions | cold (no cache) | warm (cache filled) | python -c pass | warm vs floor |",
             "|---|---|---|---|---|---|"]
    for r in doc["rows"]:
        if "error" in r:
            lines.append(f"| {r['label']} | failed: {' '.join(r['error'])} | | | | |")
            continue
        c, w, f = r["cold"], r["warm"], r["floor"]
        lines.append(f"| {r['label']} | {r['versions']} ({r['range']}) | {fmt_seconds(c['median'])} "
                     f"({fmt_seconds(c['min'])}-{fmt_seconds(c['max'])}, {c['runs']} runs) | {fmt_seconds(w['median'])} "
                     f"({fmt_seconds(w['min'])}-{fmt_seconds(w['max'])}, {w['runs']} runs) | {fmt_seconds(f['median'])} | "
                     f"{r['warm_vs_floor']:.1f}x |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=7, help="warm runs (each beside a floor run)")
    ap.add_argument("--cold-reps", type=int, default=3, help="cold runs")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-check-history.json")
    args = ap.parse_args(argv)
    if not (CORPUS / SIMPLE[0]).is_dir():
        log(f"corpus absent: no {SIMPLE[0]} under {CORPUS} (set ROOMSCHEMA_CORPUS)")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="roomschema-check-history-"))
    try:
        doc = measure(args.reps, args.cold_reps, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.write_text(json.dumps(doc, indent=1, default=str) + "\n", encoding="utf-8")
    print(markdown(doc), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
