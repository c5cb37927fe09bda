"""Shared helpers: statistics, the machine description, child processes."""
from __future__ import annotations

import datetime as _dt
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("ROOMSCHEMA_CORPUS", ROOT.parent / "shared" / "corpus"))
AVA = ROOT / "app" / "schemas" / "com.augmentalis.ava.core.data.AVADatabase"
TUSKY = CORPUS / "tuskyapp__Tusky" / "com.keylesspalace.tusky.db.AppDatabase"

clock = time.perf_counter


def summary(samples: Sequence[float]) -> dict:
    """Median, min and max of one series of measurements (seconds, bytes or ratios)."""
    xs = [float(x) for x in samples]
    if not xs:
        return {"median": None, "min": None, "max": None, "runs": 0, "samples": []}
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": len(xs),
            "samples": [round(x, 9) for x in xs]}


def ratio_summary(ours: Sequence[float], base: Sequence[float]) -> dict:
    """Per-repetition ratios (paired: both measured in the same repetition) and the
    ratio of the medians, which is the headline number."""
    pairs = [a / b for a, b in zip(ours, base) if b > 0]
    out = summary(pairs)
    med_b = statistics.median(base) if base else 0
    out["of_medians"] = (statistics.median(ours) / med_b) if ours and med_b > 0 else None
    return out


def rotate(items: list, rep: int) -> list:
    """The contenders in a different order each repetition, so drift (thermal,
    page cache, other tenants) does not favour whoever always runs first."""
    if not items:
        return items
    k = rep % len(items)
    order = items[k:] + items[:k]
    return order if rep % 2 == 0 else list(reversed(order))


def child_env(pycache: Optional[Path] = None) -> dict:
    """Environment of every measured child process: the repository importable,
    byte-code caching on (into a private folder, so the tree stays clean) as an
    installed package has it, and no colour."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONTRACEMALLOC", None)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["NO_COLOR"] = "1"
    env.pop("FORCE_COLOR", None)
    return env


def run_child(argv: Sequence[str], env: dict, cwd: Path = ROOT, timeout: float = 600,
              keep_stdout: bool = False) -> dict:
    """Run one child; wall time, exit status and its own peak RSS (os.wait4 gives
    the rusage of that child alone, unlike RUSAGE_CHILDREN which keeps a maximum)."""
    import tempfile
    import threading

    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        t0 = clock()
        proc = subprocess.Popen(list(argv), cwd=str(cwd), env=env, stdin=subprocess.DEVNULL,
                                stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        elapsed = clock() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace") if keep_stdout else ""
    return {"seconds": elapsed, "exit": proc.returncode, "max_rss_bytes": usage.ru_maxrss * 1024,
            "stderr": text[-2000:], "stdout": stdout[-2000:],
            "crashed": "Traceback (most recent call last)" in text}


# A small process that starts the measured one and reports its rusage. Linux
# carries the forking process's peak RSS into the child's ru_maxrss across
# exec, so a child forked straight from this (large) benchmark process would
# report the benchmark's own footprint; forked from this launcher (a bare
# interpreter, smaller than any command measured) it reports its own.
_LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execvp(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "os.write(int(sys.argv[1]), b'%d %d' % (usage.ru_maxrss, os.waitstatus_to_exitcode(status)))\n"
    "sys.exit(0)\n"
)


def peak_rss_child(argv: Sequence[str], env: dict, cwd: Path = ROOT, timeout: float = 900) -> dict:
    """Peak RSS (bytes) and exit status of one child, measured from a small launcher."""
    import tempfile

    read_fd, write_fd = os.pipe()
    with tempfile.TemporaryFile() as err:
        t0 = clock()
        proc = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, str(write_fd), *argv], cwd=str(cwd),
                                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                pass_fds=(write_fd,))
        os.close(write_fd)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        elapsed = clock() - t0
        data = os.read(read_fd, 64).decode()
        os.close(read_fd)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    maxrss, code = (int(x) for x in data.split()) if data else (0, proc.returncode or -1)
    return {"seconds": elapsed, "exit": code, "max_rss_bytes": maxrss * 1024, "stderr": text[-2000:],
            "crashed": "Traceback (most recent call last)" in text}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total() -> Optional[int]:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def package_version(name: str) -> Optional[str]:
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return None


def loadavg() -> Optional[list]:
    """1, 5 and 15 minute load averages: how busy the machine was besides us."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict:
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_bytes": mem_total(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        # The CLI floor depends on it: a base interpreter's site may import
        # packages (.pth files) that a fresh virtual environment does not.
        "python_environment": (f"virtual environment {sys.prefix}" if sys.prefix != sys.base_prefix
                               else f"base interpreter {sys.prefix}"),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": loadavg(),
        "packages": {n: package_version(n) for n in ("click", "jinja2", "jsonschema", "sqlite-utils",
                                                     "alembic", "sqlalchemy")},
    }


def timed(fn: Callable[[], object]) -> float:
    t0 = clock()
    fn()
    return clock() - t0


def fmt_seconds(s: Optional[float]) -> str:
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.0f} us"
    if s < 1:
        return f"{s * 1e3:.1f} ms" if s < 0.1 else f"{s * 1e3:.0f} ms"
    return f"{s:.2f} s"


def fmt_ratio(r: Optional[float]) -> str:
    if r is None:
        return "-"
    if r < 0.01:
        return f"{r:.4f}x"
    return f"{r:.2f}x"


def fmt_rate(r: Optional[float]) -> str:
    if r is None:
        return "-"
    if r >= 1e6:
        return f"{r / 1e6:.2f} M/s"
    if r >= 1e3:
        return f"{r / 1e3:.0f} k/s"
    return f"{r:.0f} /s"


def fmt_bytes(b: Optional[float]) -> str:
    if b is None:
        return "-"
    return f"{b / (1 << 20):.1f} MiB"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def flatten(xss: Iterable[Iterable]) -> list:
    return [x for xs in xss for x in xs]
