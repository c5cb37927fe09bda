"""Part 3: the verify pipeline (seed + migrate + validate + data check), split by
phase, and the seeding rate; part 4: peak RSS of ``verify``.

Baselines, measured in the same run and interleaved:

* pipeline: the raw rebuild alone (benchmarks/migration.py's hand-written SQL)
  on a byte copy of a file holding the same rows verify seeds, at the same
  size; the same rebuild on the migration section's rows (tables.py) is shown
  beside it, since the two sets of rows differ in size and order;
* seeding: ``INSERT .. SELECT`` from a recursive CTE written by hand for the
  same table, secondary indices created after the rows (the fastest way to
  put rows into SQLite from Python);
* memory: ``verify`` of the same pair at the smallest size (flat means the
  ratio stays near 1 as rows grow a hundredfold).
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from pathlib import Path

from roomschema.schema import compose

from . import migration, tables
from .common import child_env, clock, log, peak_rss_child, ratio_summary, rotate, summary

OTHER = "other (commit, temporary folder)"
PHASE_ORDER = ("build", "seed", "snapshot", "migrate", "validate", "data_check", "hazard")
MODE = "legacy_alter_table=ON"   # Android's framework SQLite; the default runs OFF as well


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
    out = {"baseline": "hand-written INSERT .. SELECT from a recursive CTE, indices created after the rows",
           "tables": {}}
    cases = {
        "simple (4 columns, no foreign key)": (simple, lambda n: n, lambda n: [RAW_SIMPLE.format(rows=n)],
                                              lambda n: n),
        "message + conversation (index, foreign key)": (
            bench, lambda n: {tables.CHILD: n, tables.PARENT: tables.PARENTS},
            # the fastest hand-written way: rows first, the index after
            lambda n: [f"DROP INDEX `{tables.INDEX}`", *tables.seed_sql(n), *tables.index_sql()],
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

def seeded_rows(rows: int) -> dict:
    """N messages under 1,000 conversations, as the raw baseline's tables hold
    (an int would be spread evenly over both tables)."""
    return {tables.CHILD: rows, tables.PARENT: tables.PARENTS}


def _verify_kwargs(fn, rows: int, full: bool = False) -> dict:
    """Keyword arguments for verify_migration: one mode, no hazard pass and no
    time budget (the pipeline the target is about: seed + migrate + validate +
    data check); ``full`` keeps the command's defaults (both modes, hazards)."""
    params = inspect.signature(fn).parameters
    wanted = {"rows": seeded_rows(rows), "database_name": "BenchDatabase",
              "max_seconds": float("inf"),
              "max_lock": float("inf")}
    if not full:
        wanted.update(hazard_pass=False, modes=(MODE,))
    kw = {k: v for k, v in wanted.items() if k in params}
    if "declarations" in params:
        from roomschema.migration.declarations import Declarations
        kw["declarations"] = Declarations()
    return kw


def phase_times(report) -> dict:
    """Seconds per phase, summed over the report's SQLite modes."""
    out: dict = {}
    for mode in getattr(report, "modes", ()) or ():
        for phase, secs in (getattr(mode, "timings", None) or {}).items():
            out[str(phase)] = out.get(str(phase), 0.0) + float(secs)
    return out


def _verify_once(rows: int, full: bool = False) -> tuple:
    from roomschema.verify import verify_migration

    s = tables.schemas()
    plan = tables.plans()["rebuild"]
    kw = _verify_kwargs(verify_migration, rows, full)
    t0 = clock()
    report = verify_migration(s["v1"], s["rebuild"], plan.steps, **kw)
    total = clock() - t0
    ok = getattr(report, "ok", None)
    if ok is False and hasattr(report, "to_text"):
        log("  verify reported a failure:\n" + "\n".join("    " + ln for ln in report.to_text().splitlines()[:20]))
    return total, phase_times(report), ok, report


def run_pipeline(sizes: list, reps_for, tmp: Path) -> dict:
    """verify_migration's own temporary folder goes where the baseline's files
    are (tempfile.tempdir), so both pay the same file system."""
    import tempfile

    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp)
    try:
        return _run_pipeline(sizes, reps_for, tmp)
    finally:
        tempfile.tempdir = saved


def seeded_template(path: Path, rows: int) -> Path:
    """Version 1 with the rows verify_migration seeds (same seed, same counts, the
    same mode), checkpointed and closed: the raw rebuild's start, so the baseline
    rebuilds exactly the rows the pipeline does."""
    from roomschema.verify.build import build_database
    from roomschema.verify.seed import seed

    tables.remove(path)
    conn = build_database(tables.schemas()["v1"], path, legacy_alter_table=MODE.endswith("ON"))
    try:
        seed(conn, tables.schemas()["v1"], seeded_rows(rows))
    except BaseException:
        conn.close()
        raise
    return tables.close_as_one_file(conn, path)


def _run_pipeline(sizes: list, reps_for, tmp: Path) -> dict:
    out = {"baseline": "raw rebuild alone (create, INSERT..SELECT, drop, rename, reindex) on a copy of a file "
                       "holding the same seeded rows",
           "change": "rebuild of message (index + foreign key), plan from plan_migration",
           "how": f"verify_migration(modes=({MODE!r},), hazard_pass=False): one SQLite mode, no hazard pass",
           "sizes": {}}
    for rows in sizes:
        seeded = seeded_template(tmp / f"pipe-seeded-{rows}.db", rows)
        template = tables.make_template(tmp / f"pipe-template-{rows}.db", rows)
        work = tmp / "pipe-work.db"

        def raw(start):
            tables.fresh_copy(start, work)
            return migration._run_sql(work, migration.RAW_REBUILD)[0]

        totals, raws, raws_template, phases, oks = [], [], [], {}, []
        _verify_once(min(rows, 1000))  # warm-up: imports
        for rep in range(reps_for(rows)):
            for name in rotate(["verify", "raw", "raw on the template"], rep):
                if name == "raw":
                    raws.append(raw(seeded))
                elif name == "raw on the template":
                    raws_template.append(raw(template))
                else:
                    total, ph, ok, _ = _verify_once(rows)
                    totals.append(total)
                    oks.append(ok)
                    for k, v in ph.items():
                        phases.setdefault(k, []).append(v)
        for path in (work, seeded, template):
            tables.remove(path)
        phases[OTHER] = [t - sum(phases[k][i] for k in phases if k != OTHER)
                                   for i, t in enumerate(totals)]
        names = [p for p in PHASE_ORDER if p in phases] + [p for p in phases if p not in PHASE_ORDER]
        entry = {"rows": rows, "total": {"seconds": summary(totals), "rows_per_second": rows / summary(totals)["median"],
                                         "ratio": ratio_summary(totals, raws)},
                 "raw_rebuild": {"seconds": summary(raws)},
                 "raw_rebuild_template": {"seconds": summary(raws_template),
                                          "ratio": ratio_summary(raws_template, raws),
                                          "pipeline_ratio": ratio_summary(totals, raws_template)},
                 "phases": {k: {"seconds": summary(phases[k]),
                                "rows_per_second": (rows / summary(phases[k])["median"])
                                if summary(phases[k])["median"] else None,
                                "ratio": ratio_summary(phases[k], raws)} for k in names},
                 "ok": oks}
        out["sizes"][str(rows)] = entry
        log(f"  pipeline {rows:>9,}: total {summary(totals)['median']:.3f} s, raw rebuild "
            f"{summary(raws)['median']:.3f} s (template rows {summary(raws_template)['median']:.3f} s), phases "
            + ", ".join(
                f"{k} {summary(phases[k])['median']:.3f}" for k in names))
    return out


# ------------------------------------------------------------------- memory

def write_schema_folder(dest: Path) -> Path:
    """Versions 1 and 2 (the rebuild) as Room export files, for the CLI."""
    from roomschema.schema.writer import dumps

    s = tables.schemas()
    folder = dest / "schemas" / "com.example.bench.BenchDatabase"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "1.json").write_text(dumps(s["v1"]), encoding="utf-8")
    (folder / "2.json").write_text(dumps(s["rebuild"]), encoding="utf-8")
    return folder


def run_memory(sizes: list, reps: int, tmp: Path) -> dict:
    """Peak RSS of ``roomschema verify 1 2 --rows N`` as a user runs it (both
    SQLite modes, the hazard pass; no time limits), one fresh process per
    measurement: os.wait4 gives that child's own peak. ``--rows`` is spread
    over the two tables, so N rows means N/2 messages."""
    env = child_env(tmp / "pycache")
    env["TMPDIR"] = str(tmp)  # verify's temporary folder beside the others
    folder = write_schema_folder(tmp / "memory")
    base = [sys.executable, "-m", "roomschema", "verify", "1", "2", "--schemas", str(folder),
            "--max-seconds", "1e9", "--max-lock", "1e9"]
    argv = {0: [sys.executable, "-m", "roomschema", "verify", "--help"]}
    argv.update({n: [*base, "--rows", str(n)] for n in sizes})
    samples = {n: [] for n in argv}
    seconds = {n: [] for n in argv}
    errors = {}
    for n in argv:  # warm-up: byte-code cache, so no run pays for compiling
        r = peak_rss_child(argv[n], env, tmp)
        if r["exit"] != 0 or r["crashed"]:
            errors[str(n)] = (r["stderr"].strip().splitlines() or [f"exit {r['exit']}"])[-3:]
    for rep in range(reps):
        for n in rotate(list(argv), rep):
            r = peak_rss_child(argv[n], env, tmp)
            samples[n].append(r["max_rss_bytes"])
            seconds[n].append(r["seconds"])
    import tempfile
    import tracemalloc

    heap, saved = {}, tempfile.tempdir
    tempfile.tempdir = str(tmp)
    try:
        for n in sizes:  # Python's own allocations (tracemalloc), in this process: rows never become objects
            tracemalloc.start()
            try:
                _verify_once(n)
                heap[n] = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    finally:
        tempfile.tempdir = saved
    lo = sizes[0]
    out = {"baseline": f"verify at {lo:,} rows", "how": "peak RSS (ru_maxrss via os.wait4, from a small launcher process) of "
           "`roomschema verify 1 2 --rows N` (both SQLite modes and the hazard pass, as run by default)", "sizes": {},
           "errors": errors, "import_floor": {"bytes": summary(samples[0]), "argv": "roomschema verify --help"}}
    prev = {n: sizes[max(0, i - 1)] for i, n in enumerate(sizes)}
    for n in sizes:
        out["sizes"][str(n)] = {"bytes": summary(samples[n]), "seconds": summary(seconds[n]),
                                "python_heap_peak_bytes": heap[n],
                                "ratio_to_previous_size": ratio_summary(samples[n], samples[prev[n]]),
                                "ratio": ratio_summary(samples[n], samples[lo]),
                                "over_import_floor": ratio_summary(samples[n], samples[0])}
    log("  memory: " + ", ".join(f"{n:,}: {summary(samples[n])['median'] / 2**20:.1f} MiB" for n in sizes)
        + f" (`verify --help` {summary(samples[0])['median'] / 2**20:.1f} MiB)")
    return out


def dump(obj) -> str:
    return json.dumps(obj, default=str)
