"""Part 1: CLI latency (the pre-commit experience) against the interpreter's floor.

Every command runs as its own process, exactly as a pre-commit hook runs it:
the ``roomschema`` console script beside the interpreter (``python -m
roomschema`` where there is none), from the repository root (``check`` from a
prepared project, see prepare_check_project), the repository first on
PYTHONPATH so the tree is what runs; the floor is ``python -c pass`` with the
same interpreter and environment, measured in the same repetition.
Contenders are interleaved and their order rotates each repetition.

Byte code: an installed package has its ``.pyc`` (pip compiles on install),
while a developer's environment may set PYTHONDONTWRITEBYTECODE, which would
make every run compile roomschema again. The children run with that variable
removed and a private PYTHONPYCACHEPREFIX; ``compileall`` fills it for the
package and one unmeasured warm-up run per command for everything else it
imports (standard library, click). The number of ``.pyc`` files is recorded
after the warm-up and again after the measured runs: equal means no measured
run compiled anything.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .common import AVA, ROOT, TUSKY, child_env, log, ratio_summary, rotate, run_child, summary

FLOOR = "python -c pass"
PY = sys.executable


def roomschema_argv() -> list:
    """How a user runs the tool: the console script pip installed beside the
    interpreter, else ``python -m roomschema`` (which adds runpy, about 2 ms)."""
    script = Path(PY).parent / "roomschema"
    return [str(script)] if script.is_file() and os.access(script, os.X_OK) else [PY, "-m", "roomschema"]


def pyc_count(pycache: Path) -> int:
    return sum(1 for _ in pycache.rglob("*.pyc")) if pycache.is_dir() else 0


def _check_available(env) -> bool:
    out = subprocess.run([PY, "-m", "roomschema", "check", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    return out.returncode == 0


def newest_two(folder: Path) -> tuple:
    versions = sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit())
    return versions[-2], versions[-1]


_FILLS = {"INTEGER": "0", "REAL": "0", "TEXT": "''", "BLOB": "X''"}


def prepare_check_project(src: Path, count, dest: Path, env) -> tuple:
    """A project a pre-commit hook would run ``check`` in: the newest ``count``
    versions of ``src`` (all when None) under app/schemas/<db>/, a migration
    for every consecutive pair written by roomschema itself (removals declared,
    NOT NULL columns filled with a constant of their affinity, non-additive
    changes acknowledged and version gaps declared in roomschema.toml, as a
    person would) and the history document. Returns (project dir, schema dir,
    versions). What check still reports is real (a constant fill that breaks
    a unique key, empty whys)."""
    from roomschema.migration.declarations import Declarations
    from roomschema.render.code import migration_sql, sql_file_name
    from roomschema.schema.loader import load
    from roomschema.migration.plan import plan_migration

    versions = sorted(int(p.stem) for p in src.glob("*.json") if p.stem.isdigit())
    if count:
        versions = versions[-count:]
    schema_dir = dest / "app" / "schemas" / src.name
    out = dest / "app" / "migrations" / src.name
    schema_dir.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    for v in versions:
        shutil.copyfile(src / f"{v}.json", schema_dir / f"{v}.json")
    schemas = {v: load(schema_dir / f"{v}.json") for v in versions}
    toml = []
    for a, b in zip(versions, versions[1:]):
        decl = Declarations(allow_drops=True)
        plan = plan_migration(schemas[a], schemas[b], decl)
        fills = {}
        for d in plan.decisions:
            if d.kind in ("not-null-without-default", "not-null-tightened") and d.column:
                f = schemas[b].database.entity(d.table).field(d.column)
                fills[(d.table, d.column)] = _FILLS.get(f.affinity, "0")
        if fills:
            decl = Declarations(allow_drops=True, fills=fills)
            plan = plan_migration(schemas[a], schemas[b], decl)
        if plan.decisions:
            continue  # left for check to report as missing
        (out / sql_file_name(a, b)).write_text(migration_sql(plan), encoding="utf-8")
        toml.append(f'[migrations."{a}-{b}"]')
        toml.append("allow_drops = true")
        if fills:
            toml.append("fill = { " + ", ".join(f'"{t}.{c}" = {json.dumps(v)}' for (t, c), v in fills.items()) + " }")
        # The reviewer's acknowledgement of every non-additive change.
        allow = list(dict.fromkeys(f"{c.kind}:{c.table}" + (f".{c.column}" if c.column else "")
                                   for c in plan.diff.changes if c.risk != "additive"))
        if allow:
            toml.append("allow = [" + ", ".join(json.dumps(x) for x in allow) + "]")
        toml.append("")
    gaps = sorted(set(range(versions[0], versions[-1] + 1)) - set(versions))
    head = [f"gaps = [{', '.join(map(str, gaps))}]", ""] if gaps else []
    (dest / "roomschema.toml").write_text("\n".join(head + toml), encoding="utf-8")
    subprocess.run([PY, "-m", "roomschema", "docs", "--schemas", str(schema_dir)], cwd=dest, env=env,
                   capture_output=True)
    return dest, schema_dir, versions


def commands(env, tmp: Path, quick: bool = False) -> tuple:
    """(name -> (argv, cwd), notes). Absent inputs are skipped with a reason.
    ``quick`` keeps every command but runs check on AVA only (a check of
    Tusky's newest 50 versions verifies 49 pairs and takes seconds)."""
    cmds, notes = {}, []
    has_check = _check_available(env)
    if not has_check:
        notes.append("`roomschema check` is not available in this tree yet: its rows are skipped")
    targets = [("AVA", AVA, ("1", "2"), None)]
    if TUSKY.is_dir():
        a, b = newest_two(TUSKY)
        targets.append(("Tusky", TUSKY, (str(a), str(b)), None))
    else:
        notes.append(f"Tusky history not found at {TUSKY}: its rows are skipped")
    for label, folder, pair, _ in targets:
        base = ["--schemas", str(folder)]
        cmds[f"{label} diff {pair[0]} {pair[1]}"] = (["diff", *pair, *base], ROOT)
        cmds[f"{label} show"] = (["show", *base], ROOT)
        if not (quick and label != "AVA"):
            cmds[f"{label} validate"] = (["validate", *base], ROOT)
    if has_check:
        checks = [("AVA", AVA, None)]
        if quick:
            notes.append("quick mode: check runs on AVA only")
        elif TUSKY.is_dir():
            checks += [("Tusky newest 40", TUSKY, 40), ("Tusky newest 50", TUSKY, 50)]
        for label, folder, count in checks:
            proj, schema_dir, versions = prepare_check_project(
                folder, count, tmp / "check" / label.replace(" ", "-"), env)
            what = f"{label} check ({len(versions)} versions"
            cmds[f"{what}, verify every pair: --no-cache)"] = (
                ["check", "--schemas", str(schema_dir), "--no-cache"], proj)
            cmds[f"{what}, cached)"] = (["check", "--schemas", str(schema_dir)], proj)
    tool = roomschema_argv()
    cmds = {k: ([*tool, *v], cwd) for k, (v, cwd) in cmds.items()}
    cmds["(reference) roomschema --version"] = ([*tool, "--version"], ROOT)
    # What any click command pays before it runs: the standard modules click
    # needs, then click itself (the CLI library the design card fixes).
    cmds["(reference) python -c 'import re, typing, enum, inspect'"] = (
        [PY, "-c", "import re, typing, enum, inspect"], ROOT)
    cmds["(reference) python -c 'import click'"] = ([PY, "-c", "import click"], ROOT)
    # The library's stable API, imported eagerly by every command (the CLI is
    # a subpackage of it).
    cmds["(reference) python -c 'import roomschema'"] = ([PY, "-c", "import roomschema"], ROOT)
    return cmds, notes


def import_profile(env, args: list, top: int = 12) -> dict:
    """``-X importtime`` of one run of ``roomschema *args``: the imports with the
    largest cumulative cost, and the modules with the largest cost of their own."""
    out = subprocess.run([PY, "-X", "importtime", "-m", "roomschema", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)
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
            "self": sorted(rows, key=lambda r: -r["self_us"])[:top],
            "roomschema_self": sorted((r for r in rows if r["module"].startswith("roomschema")),
                                      key=lambda r: -r["self_us"])[:top]}


def run(reps: int, tmp: Path, quick: bool = False) -> dict:
    pycache = tmp / "pycache"
    env = child_env(pycache)
    cmds, notes = commands(env, tmp, quick)
    everyone = {FLOOR: ([PY, "-c", "pass"], ROOT), **cmds}
    exits, errors = {}, {}
    # Byte code as pip leaves an installed package: compiled ahead.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "roomschema")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    # Warm-up: the byte-code cache for everything else imported, and the OS file cache.
    outputs = {}
    for name, (argv, cwd) in everyone.items():
        r = run_child(argv, env, cwd, keep_stdout=True)
        exits[name] = r["exit"]
        lines = [ln for ln in r["stdout"].splitlines() if ln.strip()]
        outputs[name] = lines[-1] if lines else ""
        if r["exit"] not in (0, 1) or r["crashed"]:
            errors[name] = r["stderr"].strip().splitlines()[-1:] or [f"exit {r['exit']}"]
    pyc_warm = pyc_count(pycache)
    samples = {name: [] for name in everyone}
    names = list(everyone)
    for rep in range(reps):
        for name in rotate(names, rep):
            r = run_child(*everyone[name][:1], env, everyone[name][1])
            samples[name].append(r["seconds"])
    floor = samples[FLOOR]
    rows = {}
    for name in cmds:
        rows[name] = {"argv": cmds[name][0][1:], "exit": exits[name], "last_line": outputs[name],
                      "seconds": summary(samples[name]),
                      "ratio": ratio_summary(samples[name], floor)}
        if name in errors:
            rows[name]["error"] = errors[name]
    log(f"  cli: floor {summary(floor)['median'] * 1e3:.1f} ms")
    diff_name = next(k for k in cmds if " diff " in f" {k} ")
    profile = import_profile(env, cmds[diff_name][0][len(roomschema_argv()):])
    return {"baseline": FLOOR, "floor": {"seconds": summary(floor)}, "commands": rows, "notes": notes,
            "import_profile_diff": profile, "reps": reps, "python": PY,
            "how": " ".join(Path(a).name if i == 0 else a for i, a in enumerate(roomschema_argv())),
            "bytecode": {"pyc_after_warmup": pyc_warm, "pyc_after_runs": pyc_count(pycache),
                         "PYTHONDONTWRITEBYTECODE_in_parent": bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))}}
