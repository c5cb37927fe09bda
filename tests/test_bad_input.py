"""Bad input: one line naming the file and JSON path, exit 2, no traceback, nothing written."""
from __future__ import annotations

import json
import shutil

import pytest

from helpers import AVA, run_cli

GOOD = (AVA / "1.json").read_text(encoding="utf-8")


def _mutate(fn):
    """Raw JSON on purpose: the broken documents the model and compose refuse to build."""
    doc = json.loads(GOOD)
    fn(doc)
    return json.dumps(doc, indent=2)


CASES = {
    "malformed": ('{"formatVersion": 1,, }', "1.json: invalid JSON at line 1 column 21"),
    "truncated": (GOOD[: len(GOOD) // 2], "1.json: invalid JSON at line"),
    "empty": ("", "1.json: empty file"),
    "whitespace": ("  \n", "1.json: empty file"),
    "not-object": ("[1, 2]", "1.json: $: expected an object, found a list"),
    "no-database": ('{"formatVersion": 1}', "1.json: $: missing required key 'database'"),
    "format-2": (_mutate(lambda d: d.update(formatVersion=2)), "1.json: $.formatVersion: unknown formatVersion 2"),
    "wrong-type": (_mutate(lambda d: d["database"]["entities"][1]["fields"][2].update(notNull="yes")),
                   "1.json: $.database.entities[1].fields[2].notNull: expected true or false, found a string ('yes')"),
    "entities-not-list": (_mutate(lambda d: d["database"].update(entities={})),
                          "1.json: $.database.entities: expected a list, found an object"),
    "version-string": (_mutate(lambda d: d["database"].update(version="1")),
                       "1.json: $.database.version: expected an integer, found a string ('1')"),
    "missing-pk": (_mutate(lambda d: d["database"]["entities"][0].pop("primaryKey")),
                   "1.json: $.database.entities[0]: missing required key 'primaryKey'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", [("show", "1"), ("diff", "1", "2"), ("hash",), ("generate", "1", "2")])
def test_bad_schema_file(tmp_path, case, command):
    text, expected = CASES[case]
    folder = tmp_path / "app" / "schemas" / "com.example.Db"
    folder.mkdir(parents=True)
    (folder / "1.json").write_text(text, encoding="utf-8")
    (folder / "2.json").write_text((AVA / "2.json").read_text(encoding="utf-8"), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    r = run_cli(*command, cwd=tmp_path)
    assert r.returncode == 2, r
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert expected in lines[0]
    assert r.stdout == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_non_utf8_file(tmp_path):
    f = tmp_path / "1.json"
    f.write_bytes(b'{"formatVersion": 1, "x": "\xff\xfe"}')
    r = run_cli("show", f, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == "roomschema: error: 1.json: not UTF-8 text (byte 0xff at offset 27)"


def test_directory_without_schemas(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run_cli("diff", "1", "2", "--schemas", tmp_path / "empty", cwd=tmp_path)
    assert r.returncode == 2
    assert "no Room schema folder" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_no_schemas_anywhere(tmp_path):
    r = run_cli("show", cwd=tmp_path)
    assert r.returncode == 2 and "pass --schemas DIR" in r.stderr


def test_missing_version(tmp_path):
    r = run_cli("show", "7", "--schemas", AVA, cwd=tmp_path)
    assert r.returncode == 2
    assert "no 7.json" in r.stderr and "versions: 1, 2" in r.stderr


def test_bad_option_values(tmp_path):
    r = run_cli("generate", "1", "2", "--schemas", AVA, "--rename-column", "nodot=x")
    assert r.returncode == 2 and "--rename-column" in r.stderr and "TABLE.COLUMN" in r.stderr
    r = run_cli("generate", "1", "2", "--schemas", AVA, "--rename-table", "ghost=x")
    assert r.returncode == 2 and "--rename-table: table 'ghost' is not in version 1" in r.stderr
    r = run_cli("generate", "1", "2", "--schemas", AVA, "--package", "com.bad-name")
    assert r.returncode == 2 and "--package" in r.stderr
    r = run_cli("show", "--format", "yaml", "--schemas", AVA)
    assert r.returncode == 2 and "--format" in r.stderr


def test_unknown_config_key(tmp_path):
    shutil.copytree(AVA, tmp_path / "app" / "schemas" / AVA.name)
    (tmp_path / "roomschema.toml").write_text("min_sdk = 21\nbogus = 1\n")
    r = run_cli("diff", "1", "2", cwd=tmp_path)
    assert r.returncode == 2 and "roomschema.toml: unknown setting 'bogus'" in r.stderr
    (tmp_path / "roomschema.toml").write_text("min_sdk = [\n")
    r = run_cli("diff", "1", "2", cwd=tmp_path)
    assert r.returncode == 2 and "roomschema.toml: invalid TOML" in r.stderr


def test_loading_leaves_the_garbage_collector_as_it_was():
    import gc

    from roomschema.errors import SchemaFileError
    from roomschema.schema.loader import loads
    assert gc.isenabled()
    for text in ('{"formatVersion": 1, "database": {"version": 1}}', "{not json", "[" * 100000):
        try:
            loads(text, "x.json")
        except SchemaFileError:
            pass
        assert gc.isenabled(), text[:20]
    gc.disable()
    try:
        try:
            loads("{not json", "x.json")
        except SchemaFileError:
            pass
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
