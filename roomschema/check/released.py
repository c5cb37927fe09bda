"""Released schemas never change: N.json files compared with git, and what changed, by deepdiff.

git is asked once for the ids of every released file (``ls-tree``), then, in
one ``cat-file --batch``, only for the content of files whose id differs, so a
check of an unchanged tree reads no released file from git however long its history.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Optional

from roomschema.check.findings import ERROR, Finding, display
from roomschema.errors import RoomSchemaError

ROOM_CRASH = ("Room cannot verify the data integrity. Looks like you've changed schema but forgot to update the "
              "version number. You can simply fix this by increasing the version number. Expected identity hash: "
              "{expected}, found: {found}")


def _git(folder: Path, *args, stdin: Optional[bytes] = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], input=stdin, capture_output=True)
    except OSError:  # no git at all: as outside a repository
        return subprocess.CompletedProcess(args, 127, b"", b"")


def _blob_sha(data: bytes) -> str:
    """git's object id of a file, so an unchanged file costs no read from git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _released_blobs(folder: Path, ref: str) -> Optional[dict]:
    """``{version: blob id}`` of the N.json files at ``ref``; None outside a git repository."""
    listed = _git(folder, "ls-tree", "-z", ref, "--", ".")
    if listed.returncode != 0:
        if _git(folder, "rev-parse", "--git-dir").returncode != 0:
            return None
        if ref == "HEAD" and _git(folder, "rev-parse", "-q", "--verify", "HEAD").returncode != 0:
            return {}  # no commit yet: nothing was released
        raise RoomSchemaError(f"no git tag, branch or commit named {ref!r}", path="released")
    out = {}
    for entry in listed.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        m = re.fullmatch(rb"(\d+)\.json", name)
        if m and meta.split()[1:2] == [b"blob"]:
            out[int(m.group(1))] = meta.split()[2].decode()
    return out


def _cat_blobs(folder: Path, shas: list) -> dict:
    if not shas:
        return {}
    r = _git(folder, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in shas).encode())
    out, pos, data = {}, 0, r.stdout
    for sha in shas:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split()[2])
        out[sha] = data[header_end + 1:header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return out


_NAMED = {"entities": "tableName", "fields": "columnName", "indices": "name", "views": "viewName"}


def _keyed(node):
    """Lists of named objects become dicts by name, so a change reads as a table and column, not an index."""
    if isinstance(node, list):
        return [_keyed(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        named = _NAMED.get(k)
        if isinstance(v, list) and all(isinstance(x, dict) for x in v) and (
                k == "foreignKeys" or named and all(isinstance(x.get(named), str) for x in v)):
            key = (lambda x: f"({', '.join(map(str, x.get('columns') or ()))})->{x.get('table')}") \
                if k == "foreignKeys" else (lambda x: x[named])
            out[k] = {key(x): _keyed(x) for x in v}
        else:
            out[k] = _keyed(v)
    return out


def _path_text(path: list) -> str:
    parts = path[1:] if path[:1] == ["database"] else path
    text = ""
    for p in parts:
        if isinstance(p, int):
            text += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p):
            text += f".{p}" if text else p
        else:
            text += f"[{json.dumps(p)}]"
    return text or "(root)"


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def what_changed(old_doc, new_doc) -> list:
    """Readable paths of what differs, key order ignored (the hash itself is reported apart)."""
    from deepdiff import DeepDiff
    a, b = _keyed(old_doc), _keyed(new_doc)
    try:
        # Name each added or removed index and key, never "the whole list changed".
        tree = DeepDiff(a, b, view="tree", threshold_to_diff_deeper=0)
    except TypeError:  # deepdiff < 8 always goes deeper
        tree = DeepDiff(a, b, view="tree")
    lines = []
    for kind, items in tree.items():
        for item in items:
            path = item.path(output_format="list")
            if path[:2] in (["database", "identityHash"], ["database", "setupQueries"]):
                continue
            if kind.endswith("_added"):
                value = "" if isinstance(item.t2, (dict, list)) else f" = {_short(item.t2)}"
                lines.append(f"added {_path_text(path)}{value}")
            elif kind.endswith("_removed"):
                lines.append(f"removed {_path_text(path)}")
            else:
                lines.append(f"{_path_text(path)}: {_short(item.t1)} -> {_short(item.t2)}")
    # createSql restates the fields; it only tells something when nothing else of its table changed.
    noisy = {ln for ln in lines if ".createSql: " in ln
             and sum(ln.split(".createSql: ")[0] + "." in other for other in lines) > 1}
    return sorted(set(lines) - noisy)


def _hash_of(doc) -> Optional[str]:
    db = doc.get("database") if isinstance(doc, dict) else None
    return db.get("identityHash") if isinstance(db, dict) else None


def _released_finding(v: int, path: Path, old: bytes, new: bytes, ref: str, newest: bool, setting) -> Optional[Finding]:
    try:
        old_doc, new_doc = json.loads(old), json.loads(new)
    except ValueError:
        old_doc = new_doc = None
    changes = what_changed(old_doc, new_doc) if new_doc is not None else ["no longer parses as JSON"]
    old_hash, new_hash = _hash_of(old_doc), _hash_of(new_doc)
    if not changes and old_hash == new_hash:
        return None  # layout only: Room never sees it
    what = "; ".join(changes[:4]) + (f"; and {len(changes) - 4} more" if len(changes) > 4 else "")
    if old_hash != new_hash and new_hash:
        effect = (f"every app installed at version {v} will crash on open: "
                  f"\"{ROOM_CRASH.format(expected=new_hash, found=old_hash)}\"")
    else:
        effect = "the identity hash is the same, but the file no longer records the schema that shipped"
    fix = f"restore it (git checkout {ref} -- {display(path)})"
    fix += (f", then raise @Database(version) to {v + 1} so Room writes {v + 1}.json, and add the {v}->{v + 1} "
            f"migration" if newest else "; a released schema never changes")
    if setting is None:
        fix += (f". If version {v} never shipped, declare released = {v - 1} at the top of roomschema.toml "
                f"(in pyproject.toml: under [tool.roomschema])")
    return Finding("released-changed", ERROR, display(path), f"released version {v} was changed ({what}): {effect}",
                   fix, (v,), tuple(changes))


def released_setting(config, override: Optional[str] = None):
    """``released``: None (all of git HEAD), the last released version, or a git tag/ref."""
    if override is not None:
        return int(override) if override.isdigit() else override
    return config.released


def check_released(folder: Path, files: dict, setting) -> tuple:
    """Findings for released N.json files that differ from git (HEAD, or the ``released`` ref)."""
    ref = setting if isinstance(setting, str) else "HEAD"
    blobs = _released_blobs(folder, ref)
    if blobs is None:
        if isinstance(setting, str):
            raise RoomSchemaError(f"released = {setting!r} needs a git repository", path="released")
        return [], ["not a git repository: released schemas were not compared"]
    limit = setting if isinstance(setting, int) else None
    findings, changed = [], {}
    for v, sha in sorted(blobs.items()):
        if limit is not None and v > limit:
            continue
        path = files.get(v)
        if path is None:
            findings.append(Finding("released-changed", ERROR, display(folder / f"{v}.json"),
                                    f"released version {v} was deleted: Room needs it to build and test "
                                    f"migrations from {v}", f"restore it (git checkout {ref} -- "
                                    f"{display(folder / f'{v}.json')})", (v,)))
            continue
        data = path.read_bytes()
        if _blob_sha(data) != sha:
            changed[v] = (sha, data)
    olds = _cat_blobs(folder, [sha for sha, _ in changed.values()])
    for v, (sha, data) in changed.items():
        f = _released_finding(v, files[v], olds[sha], data, ref, v == max(files), setting)
        if f:
            findings.append(f)
    return findings, []
