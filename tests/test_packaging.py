"""A wheel built from this checkout, installed outside it, finds its templates and data."""
from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile

import pytest

from helpers import AVA, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    (path,) = out.glob("roomschema-*.whl")
    return path


def test_wheel_carries_templates_and_schema(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    templates = sorted(p.name for p in (ROOT / "templates").iterdir() if p.suffix == ".j2")
    for t in templates:
        assert f"roomschema/templates/{t}" in names
    assert "roomschema/data/room-schema.schema.json" in names


def test_installed_wheel_generates_outside_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    # Dependencies come from the test environment; the wheel itself is installed for real.
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    work = tmp_path / "project"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ROOMSCHEMA_TEMPLATES")}
    r = subprocess.run([str(env_dir / "bin" / "roomschema"), "generate", "1", "2", "--schemas", str(AVA),
                        "--kotlin", "-"], cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "val MIGRATION_1_2: Migration = object : Migration(1, 2)" in r.stdout
    r = subprocess.run([str(py), "-c", "import roomschema.render.environment as r; print(r.templates_dir())"], cwd=work,
                       env=env, capture_output=True, text=True)
    assert str(env_dir) in r.stdout and "roomschema/templates" in r.stdout
    r = subprocess.run([str(env_dir / "bin" / "roomschema"), "validate", str(AVA / "1.json")], cwd=work, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
