"""Shared fixtures: the real corpus (../shared/corpus) and the AVA example."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("ROOMSCHEMA_CORPUS", ROOT.parent / "shared" / "corpus"))
AVA = ROOT / "app" / "schemas" / "com.augmentalis.ava.core.data.AVADatabase"
NO_CORPUS = "../shared/corpus is absent: the real Room exports are not beside this checkout"


def corpus_databases() -> list:
    if not CORPUS.is_dir():
        return []
    return sorted(p.parent for p in CORPUS.glob("*/*/1.json")) + sorted(
        {p.parent for p in CORPUS.glob("*/*/*.json")} - {p.parent for p in CORPUS.glob("*/*/1.json")})


def corpus_files() -> list:
    if not CORPUS.is_dir():
        return []
    files = [p for p in CORPUS.glob("*/*/*.json") if p.stem.isdigit()]
    return sorted(files, key=lambda p: (str(p.parent), int(p.stem)))


def corpus_pairs() -> list:
    """Consecutive (old, new) files of every corpus database."""
    pairs = []
    for folder in sorted({p.parent for p in corpus_files()}):
        files = sorted((p for p in folder.glob("*.json") if p.stem.isdigit()), key=lambda p: int(p.stem))
        pairs += list(zip(files, files[1:]))
    return pairs


def file_id(p: Path) -> str:
    return f"{p.parent.parent.name.split('__')[-1]}-{p.stem}"


def pair_id(pair) -> str:
    a, b = pair
    return f"{a.parent.parent.name.split('__')[-1]}-{a.stem}-{b.stem}"


requires_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=NO_CORPUS)


@pytest.fixture
def project(tmp_path):
    """A fresh Android project holding only the AVA exports."""
    shutil.copytree(AVA, tmp_path / "app" / "schemas" / AVA.name)
    return tmp_path


def run_cli(*args, cwd=None, env=None, input=None):
    """Run the real command line in a subprocess, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("FORCE_COLOR", None) if env is None or "FORCE_COLOR" not in env else None
    return subprocess.run([sys.executable, "-m", "roomschema", *map(str, args)], cwd=cwd or ROOT,
                          env=full_env, capture_output=True, text=True, input=input, timeout=300)
