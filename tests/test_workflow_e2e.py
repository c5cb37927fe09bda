"""The README's workflow, end to end, in a real git repository with the AVA exports."""
from __future__ import annotations

import shutil
import subprocess

import roomschema
from roomschema.schema import compose
from roomschema.schema.model import replace

from helpers import AVA, run_cli


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e", "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


def _version_3(folder):
    """Room's export after renaming messages.content to body and bumping the version."""
    v2 = roomschema.load(folder / "2.json")
    db = v2.database
    msgs = db.entity("messages")
    fields = tuple(replace(f, column_name="body", field_path="body") if f.column_name == "content" else f
                   for f in msgs.fields)
    msgs = replace(msgs, fields=fields, create_sql=msgs.create_sql.replace("`content`", "`body`"))
    db = compose.schema(3, [msgs if e.table_name == "messages" else e for e in db.entities], db.views).database
    (folder / "3.json").write_text(roomschema.dumps(replace(v2, database=db)), encoding="utf-8")


def test_readme_workflow(tmp_path):
    folder = tmp_path / "app" / "schemas" / AVA.name
    shutil.copytree(AVA, folder)
    _git(tmp_path, "init", "-q")
    cache = {"ROOMSCHEMA_CACHE_DIR": str(tmp_path / ".cache")}
    assert run_cli("generate", cwd=tmp_path).returncode == 0
    assert run_cli("docs", cwd=tmp_path).returncode == 0
    assert run_cli("check", cwd=tmp_path, env=cache).returncode == 0
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "v2")

    # 1-2: the entity changes, Room writes 3.json; check fails with the fix
    _version_3(folder)
    r = run_cli("check", cwd=tmp_path, env=cache)
    assert r.returncode == 1 and "[migration-missing]" in r.stdout and "roomschema generate" in r.stdout
    # 3: diff shows the risk and suggests the rename
    r = run_cli("diff", "2", "3", cwd=tmp_path)
    assert r.returncode == 0 and "did you mean --rename-column messages.content=body?" in r.stdout
    # without the declaration generate refuses: a person decides
    assert run_cli("generate", cwd=tmp_path).returncode == 3
    # 4: declare it, generate
    (tmp_path / "pyproject.toml").write_text(
        '[tool.roomschema.migrations."2-3"]\nrename_columns = { "messages.content" = "body" }\n'
        'allow = ["rebuild:messages"]\n')
    r = run_cli("generate", cwd=tmp_path)
    assert r.returncode == 0 and "migration_2_3.sql" in r.stdout
    # 5: verify proves it
    r = run_cli("verify", "2", "3", "--rows", "1000", cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    # 6: document, check passes, commit
    assert run_cli("docs", cwd=tmp_path).returncode == 0
    r = run_cli("check", cwd=tmp_path, env=cache)
    assert r.returncode == 0, r.stdout + r.stderr
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "v3")
    # an entity changed without a version bump: Room rewrites the released 2.json with a new
    # hash, which would crash every installed app; check catches it with Room's message
    v2 = roomschema.load(folder / "2.json")
    conv = v2.database.entity("conversations")
    conv = replace(conv, fields=tuple(replace(f, not_null=False) if f.column_name == "title" else f
                                      for f in conv.fields))
    entities = [conv if e.table_name == "conversations" else e for e in v2.database.entities]
    db = compose.schema(v2.database.version, entities, v2.database.views).database
    (folder / "2.json").write_text(roomschema.dumps(replace(v2, database=db)), encoding="utf-8")
    r = run_cli("check", cwd=tmp_path, env=cache)
    assert r.returncode == 1 and "[released-changed]" in r.stdout
    assert "Room cannot verify the data integrity" in r.stdout
