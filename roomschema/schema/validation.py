"""Full JSON Schema validation of a decoded Room schema export.

The schema lives in ``roomschema/data/room-schema.schema.json`` so it can be
exported and used by other tools; this module turns jsonschema's errors into
one stable, single-line message per problem, in document order.
"""
from __future__ import annotations

import copy
import functools
import importlib.resources
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match, relevance

from roomschema.errors import RoomSchemaError
from roomschema.schema.loader import parse, read_document
from roomschema.schema.semantic import semantic_errors

if TYPE_CHECKING:
    # importlib.resources.abc only exists from Python 3.11; pyproject still allows 3.10.
    from importlib.abc import Traversable

__all__ = ["file_errors", "file_verdict", "schema_errors", "schema_path", "load_schema", "SCHEMA_FILE"]

SCHEMA_FILE = "room-schema.schema.json"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_REPR = 80


def schema_path() -> Traversable:
    """The packaged schema file (path-like: ``read_text()``, ``open()``, ``name``).

    It is a real ``pathlib.Path`` for an ordinary install; for a zipped one use
    ``importlib.resources.as_file`` if a filesystem path is really needed.
    """
    return importlib.resources.files("roomschema.data").joinpath(SCHEMA_FILE)


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def load_schema() -> dict:
    """The schema as a fresh dict (a copy, so callers cannot corrupt the cached validator)."""
    return copy.deepcopy(_schema())


@functools.lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    # The packaged schema is checked against the metaschema by the tests (test_schema_check), not
    # here: that took 50 ms in every process that validates, a cold check's workers among them.
    return Draft202012Validator(_schema())


def schema_errors(document: object, filename: str) -> list[str]:
    """One ``'<filename>: <JSONPath>: <message>'`` line per schema violation, in document order.

    An empty list means the document is a valid Room schema export.
    """
    elided, positions = _known_entities_elided(document)
    found = list(_validator().iter_errors(elided))
    for e in found:  # an entity's errors at its place in the document, not in the shorter list
        if positions is not None and len(e.path) > 2 and list(e.path)[:2] == ["database", "entities"]:
            e.path[2] = positions[e.path[2]]
    errors = [_deepest(e) for e in found]
    _remember_valid_entities(document, errors)
    # Python's sort is stable, so errors at the same path keep the schema's
    # keyword order and the output is deterministic.
    errors.sort(key=lambda e: _document_order(document, e.absolute_path))
    lines = []
    seen = set()
    for error in errors:
        line = f"{filename}: {_json_path(error.absolute_path)}: {_message(error)}"
        line = _one_line(line)
        # Several oneOf/anyOf branches can boil down to the same leaf problem.
        if line not in seen:
            seen.add(line)
            lines.append(line)
    return lines


# An entity's validity depends on the entity alone (each is checked by its own subschema), and
# the versions of one history repeat most of their tables: an entity already found valid is left
# out of the document that is validated, so a long history validates each distinct table once
# (a check of 119 versions: 2,185 tables, 178 distinct). The errors are the same, at the same
# paths, in the same order: a valid entity has none.
_VALID_ENTITIES: dict[str, None] = {}
_MEMO_LIMIT = 20_000


def _entities(document: object) -> Any:
    database = document.get("database") if isinstance(document, dict) else None
    return database.get("entities") if isinstance(database, dict) else None


def _entity_key(entity: object) -> str:
    return json.dumps(entity, sort_keys=True, ensure_ascii=False)


def _known_entities_elided(document: object) -> tuple:
    """``(document without the entities known valid, each kept entity's index in the original)``."""
    entities = _entities(document)
    if not isinstance(entities, list) or not _VALID_ENTITIES:
        return document, None
    positions = [i for i, e in enumerate(entities) if not isinstance(e, dict) or _entity_key(e) not in _VALID_ENTITIES]
    if len(positions) == len(entities):
        return document, None
    assert isinstance(document, dict)  # _entities found a list under it
    kept = [entities[i] for i in positions]
    return {**document, "database": {**document["database"], "entities": kept}}, positions


def _remember_valid_entities(document: object, errors: list) -> None:
    entities = _entities(document)
    if not isinstance(entities, list) or len(_VALID_ENTITIES) > _MEMO_LIMIT:
        return
    wrong = set()
    for e in errors:
        path = list(e.absolute_path)
        if path[:2] == ["database", "entities"] and len(path) > 2:
            wrong.add(path[2])
    for i, entity in enumerate(entities):
        if i in wrong or not isinstance(entity, dict):
            continue
        _VALID_ENTITIES[_entity_key(entity)] = None


def _deepest(error: ValidationError) -> ValidationError:
    """Replace an anyOf/oneOf summary with the sub-error that names the actual problem."""
    error = best_match([error]) or error
    # best_match stops when two branches fail equally well; a summary like
    # "is not valid under any of the given schemas" helps nobody, so keep going.
    while error.context:
        error = min(error.context, key=relevance)
    return error


def _document_order(document: Any, path: Iterable[Any]) -> tuple[int, ...]:
    """Positions of each path step in its container, so errors sort the way the file reads."""
    order = []
    node = document
    for step in path:
        if isinstance(node, dict):
            keys = list(node)
            position = keys.index(step) if step in node else len(keys)
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int):
            position = step
            node = node[step] if 0 <= step < len(node) else None
        else:
            position, node = 0, None
        order.append(position)
    return tuple(order)


def _json_path(path: Iterable[Any]) -> str:
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif isinstance(step, str) and _IDENTIFIER.match(step):
            parts.append(f".{step}")
        else:
            escaped = (str(step).replace("\\", "\\\\").replace("'", "\\'")
                       .replace("\n", "\\n").replace("\r", "\\r"))
            parts.append(f"['{escaped}']")
    return "".join(parts)


def _message(error: ValidationError) -> str:
    message = error.message
    # jsonschema embeds repr(instance) in most messages; a whole entity or
    # database object would make an unreadable line.
    if isinstance(error.instance, (dict, list, str)):
        full = repr(error.instance)
        if len(full) > _MAX_REPR and full in message:
            message = message.replace(full, _shorten(full), 1)
    return message


def _shorten(text: str) -> str:
    closing = {"{": "}", "[": "]"}.get(text[:1], text[:1])
    return text[: _MAX_REPR - 4] + "..." + closing


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def file_errors(path: Path, data: bytes, name: Optional[str] = None) -> list[str]:
    """Every problem of one ``N.json``, in document order: the verdict ``validate`` and ``check`` share.

    Reading goes through the loader's ``read_document``, so a file one command
    accepts no other command rejects (a byte-order mark, say). Each line starts with
    ``name`` (default: the file's name; ``validate`` gives the path as the user typed it).
    """
    return file_verdict(path, data, name)[0]


def file_verdict(path: Path, data: bytes, name: Optional[str] = None) -> tuple:
    """``(file_errors, the Schema it read or None)``: a caller that goes on to use a valid file
    needs not parse it a second time."""
    name = name or path.name
    def line(err: RoomSchemaError) -> str:
        # The file as this verdict names it, whatever the error was raised with.
        return _one_line(": ".join([name] + ([err.path] if err.path else []) + [err.message]))

    try:
        document, _ = read_document(data, path)
    except RoomSchemaError as err:
        return [line(err)], None
    errors = schema_errors(document, name)
    if errors:
        return errors, None
    try:
        schema = parse(document, path)
        return semantic_errors(schema, name), schema
    except RoomSchemaError as err:
        return [line(err)], None
