"""roomschema.files: the one way the tool writes a file, and shows a path."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from roomschema.files import atomic_output, shown, write_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_what_open_would_give(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.sql", "x")
        assert _mode(tmp_path / "a.sql") == 0o644
        os.umask(0o077)
        write_atomic(tmp_path / "b.sql", "y")
        assert _mode(tmp_path / "b.sql") == 0o600
    finally:
        os.umask(old)


def test_a_replaced_file_keeps_its_mode_and_gets_the_new_content(tmp_path):
    target = tmp_path / "MIGRATIONS.md"
    target.write_text("old")
    target.chmod(0o664)
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n" and _mode(target) == 0o664


def test_private_files_are_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        write_atomic(tmp_path / "backup.json", b"{}", private=True)
    finally:
        os.umask(old)
    assert _mode(tmp_path / "backup.json") == 0o600


def test_a_failure_while_writing_leaves_the_old_file_whole_and_no_temporary_file(tmp_path):
    target = tmp_path / "1_2.sql"
    target.write_text("the old migration")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as fh:
            fh.write("half of the new")
            raise RuntimeError("disk full")
    assert target.read_text() == "the old migration"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1_2.sql"]


def test_text_is_written_with_unix_newlines(tmp_path):
    write_atomic(tmp_path / "m.kt", "a\nb\n")
    assert (tmp_path / "m.kt").read_bytes() == b"a\nb\n"


def test_shown_is_relative_below_the_working_directory_and_as_given_elsewhere(tmp_path):
    inside = tmp_path / "app" / "schemas" / "1.json"
    assert shown(inside, cwd=tmp_path) == os.path.join("app", "schemas", "1.json")
    outside = Path("/elsewhere/1.json")
    assert shown(outside, cwd=tmp_path) == str(outside)
