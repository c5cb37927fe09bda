"""The executable itself, in a real process: what the in-process tests cannot see
(the installed script, the interpreter's exit, a closed pipe, a terminal)."""
from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import AVA, ROOT, run_executable
from roomschema import __version__

# The console script pip installed beside this interpreter (the README's `.venv/bin/roomschema`).
SCRIPT = Path(sys.executable).parent / "roomschema"


def test_python_m_roomschema_version():
    r = run_executable("--version")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"roomschema, version {__version__}\n", "")


@pytest.mark.skipif(not SCRIPT.is_file(), reason=f"roomschema is not installed beside {sys.executable}")
def test_installed_script_runs_the_same_command_line(tmp_path):
    r = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (0, f"roomschema, version {__version__}\n")
    shutil.copytree(AVA, tmp_path / "app" / "schemas" / AVA.name)
    r = subprocess.run([str(SCRIPT), "diff", "1", "2"], cwd=tmp_path, capture_output=True, text=True,
                       env={**os.environ, "NO_COLOR": "1"})
    assert r.returncode == 0 and "All changes are additive and backward compatible." in r.stdout, r.stderr


def test_bad_input_is_one_line_and_exit_2_from_the_process(tmp_path):
    r = run_executable("show", "7", "--schemas", AVA, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("roomschema: error: ") and r.stderr.count("\n") == 1
    assert "no 7.json" in r.stderr and "Traceback" not in r.stderr


def test_a_closed_pipe_is_exit_1_without_a_traceback():
    """`roomschema show | head` where head has already gone: no 'Exception ignored' noise."""
    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run([sys.executable, "-m", "roomschema", "show", "2", "--schemas", str(AVA)], stdout=write,
                           stderr=subprocess.PIPE, text=True, timeout=120,
                           env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write)
    assert (r.returncode, r.stderr) == (1, "")


def _on_a_terminal(args, env) -> str:
    """Run with stdout on a pseudo-terminal; what it printed there."""
    leader, follower = pty.openpty()
    try:
        env = {**{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")},
               "PYTHONPATH": str(ROOT), **env}
        proc = subprocess.run([sys.executable, "-m", "roomschema", *map(str, args)], stdout=follower,
                              stderr=subprocess.PIPE, text=True, timeout=120, env=env)
        assert proc.returncode == 0, proc.stderr
        os.close(follower)
        follower = -1
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            out += chunk
        return out.decode()
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def test_colour_on_a_terminal_unless_no_color():
    args = ("diff", "1", "2", "--schemas", AVA)
    assert "\x1b[" in _on_a_terminal(args, {})
    plain = _on_a_terminal(args, {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "table attachments added" in plain
