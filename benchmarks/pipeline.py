"""Part 3: the verify pipeline (seed + migrate + validate + data check), split by
phase, and the seeding rate; part 4: peak RSS of ``verify``.

Baselines, measured in the same run and interleaved:

* pipeline: the raw rebuild alone (benchmarks/migration.py's hand-written SQL
  on a copy of an already seeded file), at the same size;
* seeding: ``INSERT .. SELECT`` from a recursive CTE written by hand for the
  same table (the fastest way to put rows into SQLite from Python);
* memory: ``verify`` of the same pair at the smallest size (flat means the
  ratio stays near 1 as rows grow a hundredfold).
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from pathlib import Path

from roomschema import compose

from . import migration, tables
from .common import ROOT, child_env, clock, log, ratio_summary, rotate, run_child, summary

PHASE_ORDER = ("build", "seed", "migrate", "validate", "data_check")


def verify_available() -> str | None:
    """None when roomschema.verify.verify_migration exists, else why not."""
    try:
        if importlib.util.find_spec("roomschema.verify") is None:
            return "roomschema.verify is not in this tree yet"
        import roomschema.verify as v
        if not hasattr(v, "verify_migration"):
            return "roomschema.verify.verify_migration is not in this tree yet"
    except Exception as err:  # a half-written module must not stop the other sections
        return f"roomschema.verify does not import: {type(err).__name__}: {err}"
    return None


def seed_available() -> str | None:
    try:
        from roomschema.verify.build import build_database  # noqa: F401
        from roomschema.verify.seed import seed  # noqa: F401
    except Exception as err:
        return f"roomschema.verify.seed/build not usable: {type(err).__name__}: {err}"
    return None


# ------------------------------------------------------------------ seeding

def simple_schema():
    return compose.schema(1, [compose.entity("simple", [
        compose.field("id", "INTEGER", True), compose.field("name", "TEXT"),
        compose.field("amount", "INTEGER", True, default="0"), compose.field("created_at", "INTEGER", True)],
        primary_key=["id"], auto_generate=True)])


RAW_SIMPLE = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) "
              "INSERT INTO `simple` (`id`, `name`, `amount`, `created_at`) "
              "SELECT x, CASE WHEN x % 6 = 5 THEN NULL ELSE 'name ' || x END, x % 1000, 1700000000000 + x FROM c")


def _seed_ours(path: Path, schema, rows) -> float:
    from roomschema.verify.build import build_database
    from roomschema.verify.seed import seed

    tables.remove(path)
    conn = build_database(schema, path)
    try:
        t0 = clock()
        seed(conn, schema, rows)
        return clock() - t0
    finally:
        conn.close()
        tables.remove(path)


def _seed_raw(path: Path, schema, statements) -> float:
    from roomschema.verify.build import build_database

    tables.remove(path)
    conn = build_database(schema, path)
    try:
        t0 = clock()
        conn.execute("BEGIN IMMEDIATE")
        for sql in statements:
            conn.execute(sql)
        conn.execute("COMMIT")
        return clock() - t0
    finally:
        conn.close()
        tables.remove(path)


def run_seeding(sizes: list, reps: int, tmp: Path) -> dict:
    simple = simple_schema()
    bench = tables.schemas()["v1"]
    path = tmp / "seed.db"
    out = {"baseline": "hand-written INSERT .. SELECT from a recursive CTE", "tables": {}}
    cases = {
        "simple (4 columns, no foreign key)": (simple, lambda n: n, lambda n: [RAW_SIMPLE.format(rows=n)],
                                              lambda n: n),
        "message + conversation (index, foreign key)": (
            bench, lambda n: {tables.CHILD: n, tables.PARENT: tables.PARENTS}, tables.seed_sql,
            lambda n: n + tables.PARENTS),
    }
    for label, (schema, rows_arg, raw_sql, total) in cases.items():
        per = {}
        for n in sizes:
            runners = {"roomschema seed": lambda n=n: _seed_ours(path, schema, rows_arg(n)),
                       "raw": lambda n=n: _seed_raw(path, schema, raw_sql(n))}
            samples = {k: [] for k in runners}
            for rep in range(reps):
                for name in rotate(list(runners), rep):
                    samples[name].append(runners[name]())
            rows = total(n)
            per[str(n)] = {name: {"seconds": summary(s), "rows": rows,
                                  "rows_per_second": summary([rows / x for x in s]),
                                  "ratio": ratio_summary(s, samples["raw"])} for name, s in samples.items()}
            log(f"  seed {label[:6]} {n:>9,}: ours {rows / summary(samples['roomschema seed'])['median'] / 1e6:.2f} M/s"
                f", raw {rows / summary(samples['raw'])['median'] / 1e6:.2f} M/s")
        out["tables"][label] = per
    return out


# ----------------------------------------------------------------- pipeline

def _verify_kwargs(fn, rows: int, keep_dir=None) -> dict:
    """The keyword arguments verify_migration takes, for a fast, single-mode run."""
    params = inspect.signature(fn).parameters
    kw = {}
    wanted = {"rows": rows, "hazard_pass": False, "max_seconds": None, "max_lock": None,
              "database_name": "BenchDatabase", "keep_dir": keep_dir}
    for k, v in wanted.items():
        if k in params:
            kw[k] = v
    if "declarations" in params:
        from roomschema.declarations import Declarations
        kw["declarations"] = Declarations()
    return kw


def phase_times(report) -> dict:
    """Seconds per phase from a VerifyReport, whatever shape it keeps them in."""
    for attr in ("phases", "timings", "phase_seconds", "phase_timings"):
        val = getattr(report, attr, None)
        if val is None and isinstance(report, dict):
            val = report.get(attr)
        if val:
            if isinstance(val, dict):
                return {str(k): float(v) for k, v in val.items()}
            out = {}
            for item in val:
                name = getattr(item, "name", None) or getattr(item, "phase", None)
                secs = getattr(item, "seconds", None)
                if name is not None and secs is not None:
                    out[str(name)] = out.get(str(name), 0.0) + float(secs)
            if out:
                return out
    return {}


def _verify_once(rows: int) -> tuple:
    from roomschema.verify import verify_migration

    s = tables.schemas()
    plan = tables.plans()["rebuild"][0]
    kw = _verify_kwargs(verify_migration, rows)
    t0 = clock()
    report = verify_migration(s["v1"], s["rebuild"], plan.steps, **kw)
    total = clock() - t0
    ok = getattr(report, "ok", None)
    return total, phase_times(report), ok, report


def run_pipeline(sizes: list, reps_for, tmp: Path) -> dict:
    out = {"baseline": "raw rebuild alone (create, INSERT..SELECT, drop, rename, reindex) on a seeded copy",
           "change": "rebuild of message (index + foreign key), plan from plan_migration", "sizes": {}}
    for rows in sizes:
        template = tables.make_template(tmp / f"pipe-template-{rows}.db", rows)
        work = tmp / "pipe-work.db"

        def raw():
            tables.fresh_copy(template, work)
            return migration._run_sql(work, migration.RAW_REBUILD)[0]

        totals, raws, phases, oks = [], [], {}, []
        _verify_once(min(rows, 1000))  # warm-up: imports
        for rep in range(reps_for(rows)):
            order = ["verify", "raw"] if rep % 2 == 0 else ["raw", "verify"]
            for name in order:
                if name == "raw":
                    raws.append(raw())
                else:
                    total, ph, ok, _ = _verify_once(rows)
                    totals.append(total)
                    oks.append(ok)
                    for k, v in ph.items():
                        phases.setdefault(k, []).append(v)
        tables.remove(work)
        tables.remove(template)
        names = [p for p in PHASE_ORDER if p in phases] + [p for p in phases if p not in PHASE_ORDER]
        entry = {"rows": rows, "total": {"seconds": summary(totals), "rows_per_second": rows / summary(totals)["median"],
                                         "ratio": ratio_summary(totals, raws)},
                 "raw_rebuild": {"seconds": summary(raws)},
                 "phases": {k: {"seconds": summary(phases[k]),
                                "rows_per_second": (rows / summary(phases[k])["median"])
                                if summary(phases[k])["median"] else None,
                                "ratio": ratio_summary(phases[k], raws)} for k in names},
                 "ok": oks}
        out["sizes"][str(rows)] = entry
        log(f"  pipeline {rows:>9,}: total {summary(totals)['median']:.3f} s, raw rebuild "
            f"{summary(raws)['median']:.3f} s, phases " + ", ".join(
                f"{k} {summary(phases[k])['median']:.3f}" for k in names))
    return out


# ------------------------------------------------------------------- memory

MEMORY_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from benchmarks import pipeline
rows = int(sys.argv[2])
if rows:
    total, phases, ok, _ = pipeline._verify_once(rows)
else:
    import roomschema.verify, roomschema.plan  # the floor: everything imported, nothing run
    total, phases, ok = 0.0, {}, None
print(json.dumps({"total": total, "ok": ok}))
"""


def run_memory(sizes: list, reps: int, tmp: Path) -> dict:
    """Peak RSS of a process that runs verify_migration on the pair at each size
    (one fresh process per measurement; os.wait4 gives that child's own peak)."""
    env = child_env(tmp / "pycache")
    script = tmp / "memory_child.py"
    script.write_text(MEMORY_CHILD)
    samples = {n: [] for n in [0, *sizes]}
    errors = {}
    for rep in range(reps):
        for n in rotate([0, *sizes], rep):
            r = run_child([sys.executable, str(script), str(ROOT), str(n)], env, timeout=900)
            if r["exit"] != 0:
                errors[str(n)] = r["stderr"].strip().splitlines()[-3:]
            samples[n].append(r["max_rss_bytes"])
    base = samples[sizes[0]]
    out = {"baseline": f"verify at {sizes[0]:,} rows", "how": "peak RSS (ru_maxrss via os.wait4) of a child "
           "process running verify_migration on the rebuild pair", "sizes": {}, "errors": errors,
           "import_floor": {"bytes": summary(samples[0])}}
    for n in sizes:
        out["sizes"][str(n)] = {"bytes": summary(samples[n]), "ratio": ratio_summary(samples[n], base),
                                "over_import_floor": ratio_summary(samples[n], samples[0])}
    log("  memory: " + ", ".join(f"{n:,}: {summary(samples[n])['median'] / 2**20:.1f} MiB" for n in sizes)
        + f" (imports alone {summary(samples[0])['median'] / 2**20:.1f} MiB)")
    return out


def dump(obj) -> str:
    return json.dumps(obj, default=str)
