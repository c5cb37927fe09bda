"""Recording a pair's declarations in the configuration file, where every command reads them.

``generate 2 3 --rename-column messages.content=body`` writes a migration that renames; ``check``,
``docs``, ``verify`` and ``migrate`` judge that migration by the pair's declarations, which they
read from the configuration. So generate writes what it was told into the pair's table
(``[migrations."2-3"]`` of roomschema.toml, ``[tool.roomschema.migrations."2-3"]`` of
pyproject.toml, or a new roomschema.toml at the top of the repository), in the same batch as
the migration files: all of them or none.

There is no TOML writer in the standard library, so the pair's table is edited as text: the
lines of the keys generate writes are replaced, every other line (other keys, comments) stays
as it was; a table spread over sub-tables is written anew, a missing one appended. The result
is read back and must be the old document with only that table changed, else nothing is
written and the error says what to add by hand.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Optional

from roomschema.config import Config
from roomschema.errors import RoomSchemaError
from roomschema.migration.declarations import Declarations


def _string(value: str) -> str:
    # A JSON string is a TOML basic string: the same quote and the same escapes.
    return json.dumps(value, ensure_ascii=False)


def _inline(mapping: dict) -> str:
    return "{ " + ", ".join(f"{_string(k)} = {_string(v)}" for k, v in mapping.items()) + " }"


def _array(items) -> str:
    return "[" + ", ".join(_string(i) for i in items) + "]"


def pair_body(decl: Declarations, kept: dict) -> dict:
    """The pair's table as TOML values: the declarations, and the keys generate does not set (``kept``)."""
    body = dict(kept)
    if decl.rename_tables:
        body["rename_tables"] = dict(decl.rename_tables)
    if decl.rename_columns:
        body["rename_columns"] = {f"{t}.{c}": n for (t, c), n in decl.rename_columns.items()}
    if decl.delete_tables:
        body["delete_tables"] = list(decl.delete_tables)
    if decl.delete_columns:
        body["delete_columns"] = [f"{t}.{c}" for t, c in decl.delete_columns]
    if decl.fills:
        body["fill"] = {f"{t}.{c}": sql for (t, c), sql in decl.fills.items()}
    if decl.allow_drops:
        body["allow_drops"] = True
    return body


def _lines(body: dict) -> list:
    out = []
    for key, value in body.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dict):
            text = _inline(value)
        elif isinstance(value, list):
            text = _array(value)
        else:
            text = _string(str(value))
        out.append(f"{key} = {text}")
    return out


def _header_path(line: str) -> Optional[tuple]:
    """The key path of a table header line (``[migrations."1-2"]`` -> ("migrations", "1-2")), else None."""
    text = line.strip()
    if not text.startswith("[") or text.startswith("[["):
        return None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    path = []
    while isinstance(doc, dict) and len(doc) == 1:
        key = next(iter(doc))
        path.append(key)
        doc = doc[key]
    return tuple(path) if doc == {} else None


MANAGED = ("rename_tables", "rename_columns", "delete_tables", "delete_columns", "fill", "allow_drops")
"""The keys of a pair's table that generate writes; the others (allow, expectations) are left as written."""


def _key_of(line: str) -> Optional[str]:
    text = line.strip()
    if not text or text.startswith("#") or "=" not in text:
        return None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return text.split("=", 1)[0].strip().strip('"')  # the first line of a value on several lines
    return next(iter(doc)) if len(doc) == 1 else None


def _merged_block(block: list, lines: list) -> Optional[list]:
    """The table's own lines with the managed keys replaced by ``lines`` and everything else (other
    keys, comments, blank lines) kept; None when a managed key's value spans several lines."""
    out = []
    for line in block:
        key = _key_of(line)
        if key in MANAGED:
            try:
                tomllib.loads(line.strip())
            except tomllib.TOMLDecodeError:
                return None
            continue
        out.append(line)
    last = max((i for i, line in enumerate(out) if line.strip() and not line.strip().startswith("#")), default=-1)
    return out[:last + 1] + [f"{x}\n" for x in lines] + out[last + 1:]


def _replace_table(text: str, table: tuple, lines: list, body_lines: list) -> str:
    """``text`` with the table ``table``'s managed keys replaced by ``lines`` (its other lines kept), or the
    whole table written as ``body_lines`` where it is spread over sub-tables, or appended."""
    source = text.splitlines(keepends=True)
    headers = [_header_path(line) for line in source]
    starts = [i for i, h in enumerate(headers) if h is not None and h[:len(table)] == table]
    if not starts:
        kept = list(source)
        if kept and not kept[-1].endswith("\n"):
            kept[-1] += "\n"
        if kept and kept[-1].strip():
            kept.append("\n")
        return "".join(kept + [f"[{_dotted(table)}]\n"] + [f"{x}\n" for x in body_lines])
    ends = {i: next((j for j in range(i + 1, len(source)) if headers[j] is not None), len(source)) for i in starts}
    if len(starts) == 1 and headers[starts[0]] == table:
        i = starts[0]
        merged = _merged_block(source[i + 1:ends[i]], lines)
        if merged is not None:
            return "".join(source[:i + 1] + merged + source[ends[i]:])
    out: list = []
    skip: set = set()
    for i in starts:
        skip.update(range(i, ends[i]))
    first = starts[0]
    for j, line in enumerate(source):
        if j == first:
            out += [f"[{_dotted(table)}]\n"] + [f"{x}\n" for x in body_lines]
        if j not in skip:
            out.append(line)
    return "".join(out)


def _dotted(table: tuple) -> str:
    return ".".join(k if k.replace("_", "").isalnum() and k.isascii() else _string(k) for k in table)


def _set(doc: dict, path: tuple, value: dict) -> dict:
    """A copy of ``doc`` with ``value`` at ``path``."""
    out = dict(doc)
    if len(path) == 1:
        out[path[0]] = value
    else:
        out[path[0]] = _set(out.get(path[0], {}), path[1:], value)
    return out


def config_file_for(config: Config, start: Optional[Path] = None) -> Path:
    """The file the configuration came from, else a new roomschema.toml at the top of the git
    repository (where ``find_config`` looks last), else in the current directory."""
    if config.path is not None:
        return config.path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder / "roomschema.toml"
    return here / "roomschema.toml"


def with_declarations(config: Config, old: int, new: int, given: Declarations,
                      text: Optional[str] = None) -> Optional[tuple]:
    """``(file, text)``: the configuration file with the pair's table holding ``given`` on top of what
    it declared already; None when it holds them already. ``text`` is the file's text when an earlier
    pair's table was recorded in it already (generate without versions records several)."""
    current = config.pair(old, new)
    merged = current.declarations.merged(given)
    if merged == current.declarations:
        return None
    file = config_file_for(config)
    try:
        if text is None:
            text = file.read_text(encoding="utf-8") if file.exists() else ""
        before = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise RoomSchemaError(f"cannot record the declarations in it: {err}", file=file) from None
    prefix = ("tool", "roomschema") if file.name == "pyproject.toml" else ()
    table = prefix + ("migrations", f"{old}-{new}")
    kept = {k: v for k, v in _get(before, table).items()
            if k not in ("rename_tables", "rename_columns", "delete_tables", "delete_columns", "fill", "allow_drops")}
    body = pair_body(merged, kept)
    result = _replace_table(text, table, _lines(pair_body(merged, {})), _lines(body))
    try:
        after = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        after = None
    if after != _set(before, table, body):
        # The table is written in a shape this editor does not follow (inline, or dotted keys).
        raise RoomSchemaError(f"cannot record the declarations in it by itself; add them to "
                              f"[{_dotted(table)}]: " + "; ".join(_lines(body)), file=file)
    return file, result


def _get(doc: dict, path: tuple) -> dict:
    for key in path:
        doc = doc.get(key, {}) if isinstance(doc, dict) else {}
    return doc if isinstance(doc, dict) else {}
