"""Output paths (issue #16): one line naming the path and the reason, exit 2; several outputs
all or none; '-' is standard output everywhere; two outputs never share one place."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import AVA, make_db, one_error_line, run_cli
from roomschema.errors import RoomSchemaError
from roomschema.files import write_all
from roomschema.schema.loader import load




@pytest.fixture
def db(project):
    """AVA version 1 as a real database file, as Room would have left it."""
    folder = project / "dbs"
    folder.mkdir()
    return make_db(load(AVA / "1.json"), folder / "app.db", rows=20)


def _files(root: Path) -> list:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".roomschema-cache" not in p.parts)


# ---- a folder that is a file: NotADirectoryError / FileExistsError before ----------------------------

@pytest.mark.parametrize("args, option", [
    (("generate", "1", "2", "--sql", "afile/x.sql"), "--sql"),
    (("generate", "1", "2", "--kotlin", "afile/x.kt"), "--kotlin"),
    (("generate", "1", "2", "--test", "afile/T.kt"), "--test"),
    (("generate", "1", "2", "--auto-spec", "afile/S.kt"), "--auto-spec"),
    (("generate", "--output", "afile"), "--output"),
    (("generate", "--output", "afile/sub"), "--output"),
    (("docs", "--output", "afile/MIGRATIONS.md"), "--output"),
])
def test_an_output_below_a_file_is_one_line(project, args, option):
    (project / "afile").write_text("not a folder")
    before = _files(project)
    r = run_cli(*args, cwd=project)
    one_error_line(r, "afile", option, "afile is a file, not a folder")
    assert _files(project) == before


@pytest.mark.parametrize("args", [
    ("backup", "dbs/app.db", "-o", "afile/x.json"),
    ("migrate", "dbs/app.db", "--backup", "afile/b.json"),
])
def test_a_backup_below_a_file_is_one_line(project, db, args):
    (project / "afile").write_text("not a folder")
    before = _files(project)
    one_error_line(run_cli(*args, cwd=project), "afile", "is a file, not a folder")
    assert _files(project) == before


def test_restore_below_a_file_is_one_line(project, db):
    assert run_cli("backup", "dbs/app.db", "-o", "b.json", cwd=project).returncode == 0
    (project / "afile").write_text("not a folder")
    one_error_line(run_cli("restore", "b.json", "afile/new.db", cwd=project), "afile", "is a file, not a folder")


# ---- a folder nobody may write: /proc refuses even root ----------------------------------------------

UNWRITABLE = Path("/proc/roomschema-test")
needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc to refuse a write")


@needs_proc
@pytest.mark.parametrize("args", [
    ("generate", "1", "2", "--sql", f"{UNWRITABLE}.sql"),
    ("generate", "--output", str(UNWRITABLE)),
    ("docs", "--output", f"{UNWRITABLE}.md"),
])
def test_an_unwritable_output_is_one_line(project, args):
    line = one_error_line(run_cli(*args, cwd=project), str(UNWRITABLE), "cannot write")
    assert ".tmp" not in line  # the temporary file is ours, not the user's business


@needs_proc
@pytest.mark.parametrize("args", [
    ("backup", "dbs/app.db", "-o", f"{UNWRITABLE}.json"),
    ("migrate", "dbs/app.db", "--backup", f"{UNWRITABLE}.json"),
])
def test_an_unwritable_backup_is_one_line_and_the_database_is_unchanged(project, db, args):
    before = db.read_bytes()
    one_error_line(run_cli(*args, cwd=project), str(UNWRITABLE), "cannot write")
    assert db.read_bytes() == before


@needs_proc
def test_an_unwritable_restore_target_is_one_line(project, db):
    assert run_cli("backup", "dbs/app.db", "-o", "b.json", cwd=project).returncode == 0
    one_error_line(run_cli("restore", "b.json", f"{UNWRITABLE}.db", cwd=project), str(UNWRITABLE), "cannot write")


def test_a_permission_error_names_the_path_and_the_reason(project, db, monkeypatch):
    """What a read-only folder gives a user who is not root (the tests may run as root)."""
    import tempfile

    def refuse(*args, dir=None, **kw):
        raise PermissionError(13, "Permission denied", str(dir))
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    for args in (("generate", "1", "2", "--sql", "out/m.sql"), ("docs",), ("backup", "dbs/app.db"),
                 ("migrate", "dbs/app.db")):
        line = one_error_line(run_cli(*args, cwd=project), "cannot write: Permission denied")
        assert "Traceback" not in line


# ---- several outputs: all or none ---------------------------------------------------------------------

def test_generate_leaves_nothing_behind_when_one_output_fails(project):
    (project / "afile").write_text("not a folder")
    r = run_cli("generate", "1", "2", "--sql", "ok.sql", "--kotlin", "afile/M.kt", "--test", "new/dir/T.kt",
                cwd=project)
    one_error_line(r, "afile/M.kt", "--kotlin")
    assert not (project / "ok.sql").exists()
    assert not (project / "new").exists()  # nor the folders made for the outputs


def test_write_all_keeps_every_target_as_it_was(tmp_path):
    kept = tmp_path / "kept.sql"
    kept.write_text("old")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(RoomSchemaError, match="afile is a file, not a folder"):
        write_all({kept: "new", tmp_path / "made" / "a.kt": "a", tmp_path / "afile" / "b.kt": "b"})
    assert kept.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "kept.sql"]


def test_write_all_writes_every_file(tmp_path):
    old = os.umask(0o022)
    try:
        written = write_all({tmp_path / "a" / "x.sql": "x\n", tmp_path / "y.bin": b"\x00\x01"})
    finally:
        os.umask(old)
    assert written == [tmp_path / "a" / "x.sql", tmp_path / "y.bin"]
    assert (tmp_path / "a" / "x.sql").read_bytes() == b"x\n"
    assert (tmp_path / "y.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "y.bin").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.rglob(".*")] == []


# ---- '-' is standard output -----------------------------------------------------------------------------

def test_backup_to_standard_output(project, db):
    r = run_cli("backup", "dbs/app.db", "-o", "-", cwd=project)
    assert r.returncode == 0, r.stderr
    assert not (project / "-").exists()
    doc = json.loads(r.stdout)
    assert doc["format"] == "roomschema-backup" and doc["userVersion"] == 1
    assert "wrote standard output" in r.stderr
    # and it restores like any backup file
    (project / "b.json").write_text(r.stdout)
    assert run_cli("restore", "b.json", "copy.db", cwd=project).returncode == 0


def test_backup_to_standard_output_with_a_json_summary_is_refused(project, db):
    one_error_line(run_cli("backup", "dbs/app.db", "-o", "-", "--format", "json", cwd=project), "--output -")
    assert not (project / "-").exists()


@pytest.mark.parametrize("args, named", [
    (("--kotlin", "-", "--test", "-"), "--kotlin/--test"),
    (("--sql", "-", "--auto-spec", "-"), "--sql/--auto-spec"),
    (("--sql", "same.sql", "--kotlin", "same.sql"), "--sql/--kotlin"),
    (("--sql", "-", "--format", "json"), "--sql -"),
])
def test_generate_outputs_never_share_a_place(project, args, named):
    r = run_cli("generate", "1", "2", *args, cwd=project)
    one_error_line(r, named)
    assert r.stdout == ""
    assert not (project / "same.sql").exists()


def test_a_backup_that_fails_half_way_is_one_line_and_leaves_no_file(project, db, monkeypatch):
    """A full disk: the write fails after the file was created."""
    import roomschema.recovery.backup as backup

    real = backup._write_table

    def full(fh, *args):
        real(fh, *args)
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(backup, "_write_table", full)
    one_error_line(run_cli("backup", "dbs/app.db", "-o", "b.json", cwd=project), "b.json",
                    "cannot write: No space left on device")
    assert sorted(p.name for p in (project).iterdir() if p.name.startswith(("b.json", ".b.json"))) == []
