"""Part 1: CLI latency (the pre-commit experience) against the interpreter's floor.

Every command runs as its own process, exactly as a pre-commit hook runs it,
``python -m roomschema ...`` from the repository root; the floor is
``python -c pass`` with the same interpreter and environment, measured in the
same repetition. Contenders are interleaved and their order rotates each
repetition. One unmeasured warm-up run per command fills the byte-code cache
(a private PYTHONPYCACHEPREFIX, as an installed package would have its .pyc).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import AVA, ROOT, TUSKY, child_env, log, ratio_summary, rotate, run_child, summary

FLOOR = "python -c pass"
PY = sys.executable


def _check_available(env) -> bool:
    out = subprocess.run([PY, "-m", "roomschema", "check", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    return out.returncode == 0


def _check_args(env) -> list:
    """The flags that make ``check`` verify fast, if it has them."""
    out = subprocess.run([PY, "-m", "roomschema", "check", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True).stdout
    for flag in ("--fast",):
        if re.search(rf"(^|\s){re.escape(flag)}\b", out):
            return [flag]
    return []


def newest_two(folder: Path) -> tuple:
    versions = sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit())
    return versions[-2], versions[-1]


def history_subset(src: Path, count: int, dest_root: Path) -> Path:
    """The newest ``count`` versions of ``src`` in a folder of the same name."""
    versions = sorted(int(p.stem) for p in src.glob("*.json") if p.stem.isdigit())[-count:]
    dest = dest_root / src.name
    dest.mkdir(parents=True, exist_ok=True)
    for v in versions:
        shutil.copyfile(src / f"{v}.json", dest / f"{v}.json")
    return dest


def commands(env, tmp: Path) -> tuple:
    """(name -> argv, notes). Absent inputs are skipped with a reason."""
    cmds, notes = {}, []
    has_check = _check_available(env)
    check_extra = _check_args(env) if has_check else []
    if not has_check:
        notes.append("`roomschema check` is not available in this tree yet: its rows are skipped")
    targets = [("AVA", AVA, ("1", "2"))]
    if TUSKY.is_dir():
        a, b = newest_two(TUSKY)
        targets.append(("Tusky", TUSKY, (str(a), str(b))))
    else:
        notes.append(f"Tusky history not found at {TUSKY}: its rows are skipped")
    for label, folder, pair in targets:
        base = ["--schemas", str(folder)]
        cmds[f"{label} diff {pair[0]} {pair[1]}"] = ["diff", *pair, *base]
        cmds[f"{label} show"] = ["show", *base]
        cmds[f"{label} validate"] = ["validate", *base]
        if has_check:
            cmds[f"{label} check"] = ["check", *base, *check_extra]
    if has_check and TUSKY.is_dir():
        sub = history_subset(TUSKY, 40, tmp / "tusky40")
        cmds["Tusky (newest 40 versions) check"] = ["check", "--schemas", str(sub), *check_extra]
    cmds = {k: [PY, "-m", "roomschema", *v] for k, v in cmds.items()}
    cmds["(reference) roomschema --version"] = [PY, "-m", "roomschema", "--version"]
    return cmds, notes, check_extra


def import_profile(env, argv: list, top: int = 12) -> list:
    """``-X importtime`` of one run: the imports with the largest cumulative cost."""
    out = subprocess.run([PY, "-X", "importtime", *argv[1:]], cwd=ROOT, env=env, capture_output=True, text=True)
    rows = []
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append({"module": m.group(4), "self_us": int(m.group(1)), "cumulative_us": int(m.group(2)),
                         "depth": len(m.group(3)) // 2})
    # Top-level entries (depth 0) partition the whole import time.
    top_level = sorted((r for r in rows if r["depth"] == 0), key=lambda r: -r["cumulative_us"])[:top]
    total = sum(r["cumulative_us"] for r in rows if r["depth"] == 0)
    return {"total_us": total, "top_level": top_level,
            "roomschema_self": sorted((r for r in rows if r["module"].startswith("roomschema")),
                                      key=lambda r: -r["self_us"])[:top]}


def run(reps: int, tmp: Path) -> dict:
    pycache = tmp / "pycache"
    env = child_env(pycache)
    cmds, notes, check_extra = commands(env, tmp)
    everyone = {FLOOR: [PY, "-c", "pass"], **cmds}
    exits, errors = {}, {}
    # Warm-up: byte-code cache and the OS file cache.
    for name, argv in everyone.items():
        r = run_child(argv, env)
        exits[name] = r["exit"]
        if r["exit"] not in (0, 1):
            errors[name] = r["stderr"].strip().splitlines()[-1:] or [f"exit {r['exit']}"]
    samples = {name: [] for name in everyone}
    names = list(everyone)
    for rep in range(reps):
        for name in rotate(names, rep):
            r = run_child(everyone[name], env)
            samples[name].append(r["seconds"])
    floor = samples[FLOOR]
    rows = {}
    for name in cmds:
        rows[name] = {"argv": cmds[name][1:], "exit": exits[name], "seconds": summary(samples[name]),
                      "ratio": ratio_summary(samples[name], floor)}
        if name in errors:
            rows[name]["error"] = errors[name]
    log(f"  cli: floor {summary(floor)['median'] * 1e3:.1f} ms")
    profile = import_profile(env, cmds[next(k for k in cmds if "diff" in k)])
    return {"baseline": FLOOR, "floor": {"seconds": summary(floor)}, "commands": rows, "notes": notes,
            "check_flags": check_extra, "import_profile_diff": profile, "reps": reps,
            "python": PY}
