"""The packaged JSON Schema accepts every real Room export and reports bad ones precisely."""
from __future__ import annotations

import copy
import json
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from helpers import CORPUS, NO_CORPUS
from roomschema.schema import validation as schema_check
from roomschema.schema.validation import load_schema, schema_errors, schema_path

CORPUS_FILES = sorted(CORPUS.glob("**/*.json")) if CORPUS.is_dir() else []

AFFINITIES = "['TEXT', 'INTEGER', 'REAL', 'BLOB']"
FK_ACTIONS = "['NO ACTION', 'RESTRICT', 'SET NULL', 'SET DEFAULT', 'CASCADE']"
HASH = "0123456789abcdef0123456789abcdef"


def _field(name, affinity="TEXT", not_null=True, **extra):
    return {"fieldPath": name, "columnName": name, "affinity": affinity, "notNull": not_null, **extra}


def _table(name, *fields, indices=(), foreign_keys=()):
    return {
        "tableName": name,
        "createSql": "CREATE TABLE IF NOT EXISTS `${TABLE_NAME}` (`id` INTEGER NOT NULL, PRIMARY KEY(`id`))",
        "fields": [_field("id", "INTEGER"), *fields],
        "primaryKey": {"columnNames": ["id"], "autoGenerate": False},
        "indices": list(indices),
        "foreignKeys": list(foreign_keys),
    }


def gson_document() -> dict:
    """A Room 2.4-style export with every kind of object, independent of the corpus."""
    fts = {
        "ftsVersion": "FTS4",
        "ftsOptions": {
            "tokenizer": "simple", "tokenizerArgs": [], "contentTable": "note",
            "languageIdColumnName": "", "matchInfo": "FTS4", "notIndexedColumns": [],
            "prefixSizes": [], "preferredOrder": "ASC",
        },
        "contentSyncTriggers": ["CREATE TRIGGER IF NOT EXISTS t BEFORE UPDATE ON `note` BEGIN SELECT 1; END"],
        **_table("note_fts", _field("body")),
    }
    fts["primaryKey"] = {"columnNames": [], "autoGenerate": False}
    return {
        "formatVersion": 1,
        "database": {
            "version": 3,
            "identityHash": HASH,
            "entities": [
                _table("user", _field("name")),
                _table("note", _field("body"), _field("user_id", "INTEGER"),
                       indices=[{"name": "index_note_user_id", "unique": False, "columnNames": ["user_id"],
                                 "orders": [], "createSql": "CREATE INDEX IF NOT EXISTS x ON `${TABLE_NAME}` (`user_id`)"}],
                       foreign_keys=[{"table": "user", "onDelete": "CASCADE", "onUpdate": "NO ACTION",
                                      "columns": ["user_id"], "referencedColumns": ["id"]}]),
                fts,
                _table("tag", _field("label"), _field("weight", "REAL", not_null=False, defaultValue="0")),
            ],
            "views": [{"viewName": "names", "createSql": "CREATE VIEW `${VIEW_NAME}` AS SELECT name FROM user"}],
            "setupQueries": [
                "CREATE TABLE IF NOT EXISTS room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
                f"INSERT OR REPLACE INTO room_master_table (id,identity_hash) VALUES(42, '{HASH}')",
            ],
        },
    }


def errors_after(mutate, filename="1.json"):
    document = gson_document()
    mutate(document)
    return schema_errors(document, filename)


# --- the schema file itself -------------------------------------------------

def test_schema_is_a_valid_draft_2020_12_schema():
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]
    assert schema["title"]


def test_schema_path_reads_the_same_schema():
    assert json.loads(schema_path().read_text(encoding="utf-8")) == load_schema()
    assert schema_path().name == "room-schema.schema.json"


def test_load_schema_returns_a_copy():
    load_schema()["$defs"].clear()
    assert "field" in load_schema()["$defs"]
    assert schema_errors(gson_document(), "1.json") == []


def test_schema_has_the_agreed_defs():
    assert {"entity", "ftsEntity", "field", "primaryKey", "index", "foreignKey", "ftsOptions",
            "view"} <= set(load_schema()["$defs"])


def _walk_property_schemas(node, where="$"):
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            yield f"{where}.properties.{key}", sub
        for key, sub in node.items():
            yield from _walk_property_schemas(sub, f"{where}.{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _walk_property_schemas(sub, f"{where}[{i}]")


def test_every_object_and_key_is_described():
    schema = load_schema()
    assert schema["description"]
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), f"$defs.{name} has no description"
    undescribed = [where for where, sub in _walk_property_schemas(schema)
                   # A bare $ref inherits the description of the definition it names.
                   if not sub.get("description") and set(sub) != {"$ref"}]
    assert undescribed == []


def test_schema_documents_the_unknown_key_choice():
    assert "ignoreUnknownKeys" in load_schema()["description"]


# --- real exports -----------------------------------------------------------

@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=str(p.relative_to(CORPUS))) for p in CORPUS_FILES]
    or [pytest.param(None, marks=pytest.mark.skip(reason=NO_CORPUS), id="no-corpus")],
)
def test_corpus_file_is_valid(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    assert schema_errors(document, path.name) == []


# --- valid shapes of every era ----------------------------------------------

def test_synthetic_gson_document_is_valid():
    assert schema_errors(gson_document(), "1.json") == []


def test_room_1_0_alpha_shape_is_valid():
    """No notNull, views, orders or defaultValue: the keys later Room versions added."""
    def strip(d):
        db = d["database"]
        del db["views"]
        for entity in db["entities"]:
            for field in entity["fields"]:
                field.pop("notNull")
                field.pop("defaultValue", None)
            for index in entity["indices"]:
                index.pop("orders")
    assert errors_after(strip) == []


def test_kotlinx_omissions_are_valid():
    def strip(d):
        db = d["database"]
        del db["views"]
        for entity in db["entities"]:
            del entity["indices"], entity["foreignKeys"]
            for field in entity["fields"]:
                if not field["notNull"]:
                    del field["notNull"]
    assert errors_after(strip) == []


def test_room3_fts5_entity_is_valid():
    def fts5(d):
        fts = d["database"]["entities"][2]
        fts["ftsVersion"] = "FTS5"
        fts["ftsOptions"].update(tokenizer="unicode61", contentRowId="", columnSize=True, detail="FULL")
    assert errors_after(fts5) == []


def test_nullable_bundle_properties_accept_null():
    def nulls(d):
        d["database"]["entities"][1]["indices"][0].update(columnNames=None, orders=None)
        d["database"]["entities"][0]["fields"][1]["defaultValue"] = None
    assert errors_after(nulls) == []


def test_custom_tokenizer_name_is_valid():
    assert errors_after(lambda d: d["database"]["entities"][2]["ftsOptions"].update(tokenizer="SIMPLE")) == []


# --- exact messages -----------------------------------------------------------

def test_wrong_affinity():
    assert errors_after(lambda d: d["database"]["entities"][3]["fields"][1].update(affinity="TEXTT")) == [
        f"1.json: $.database.entities[3].fields[1].affinity: 'TEXTT' is not one of {AFFINITIES}"
    ]


def test_missing_database():
    assert errors_after(lambda d: d.pop("database"), "7.json") == ["7.json: $: 'database' is a required property"]


def test_format_version_2():
    assert errors_after(lambda d: d.update(formatVersion=2)) == ["1.json: $.formatVersion: 1 was expected"]


def test_not_null_as_string():
    assert errors_after(lambda d: d["database"]["entities"][0]["fields"][1].update(notNull="yes")) == [
        "1.json: $.database.entities[0].fields[1].notNull: 'yes' is not of type 'boolean'"
    ]


def test_bad_identity_hash():
    bad = HASH.upper()
    assert errors_after(lambda d: d["database"].update(identityHash=bad)) == [
        f"1.json: $.database.identityHash: '{bad}' does not match '^[0-9a-f]{{32}}$'"
    ]


def test_fts_entity_with_bad_tokenizer_type():
    assert errors_after(lambda d: d["database"]["entities"][2]["ftsOptions"].update(tokenizer=["simple"])) == [
        "1.json: $.database.entities[2].ftsOptions.tokenizer: ['simple'] is not of type 'string'"
    ]


def test_on_delete_cascades():
    assert errors_after(lambda d: d["database"]["entities"][1]["foreignKeys"][0].update(onDelete="CASCADES")) == [
        f"1.json: $.database.entities[1].foreignKeys[0].onDelete: 'CASCADES' is not one of {FK_ACTIONS}"
    ]


def test_orders_item_up():
    assert errors_after(lambda d: d["database"]["entities"][1]["indices"][0].update(orders=["UP"])) == [
        "1.json: $.database.entities[1].indices[0].orders[0]: 'UP' is not one of ['ASC', 'DESC']"
    ]


def test_entities_of_wrong_type():
    assert errors_after(lambda d: d["database"].update(entities={})) == [
        "1.json: $.database.entities: {} is not of type 'array'"
    ]


def test_unknown_key_is_rejected_like_room_2_7_reader():
    assert errors_after(lambda d: d["database"]["entities"][0]["fields"][0].update(collate="NOCASE")) == [
        "1.json: $.database.entities[0].fields[0]: Additional properties are not allowed ('collate' was unexpected)"
    ]


def test_fts_keys_on_a_plain_entity_are_rejected():
    assert errors_after(lambda d: d["database"]["entities"][0].update(contentSyncTriggers=[])) == [
        "1.json: $.database.entities[0]: Unevaluated properties are not allowed ('contentSyncTriggers' was unexpected)"
    ]


def test_fts_entity_missing_its_options():
    assert errors_after(lambda d: d["database"]["entities"][2].pop("ftsOptions")) == [
        "1.json: $.database.entities[2]: 'ftsOptions' is a required property"
    ]


def test_room3_fts5_keys_are_typed():
    assert errors_after(lambda d: d["database"]["entities"][2]["ftsOptions"].update(detail="full")) == [
        "1.json: $.database.entities[2].ftsOptions.detail: 'full' is not one of ['FULL', 'COLUMN', 'NONE']"
    ]


# --- ordering and formatting ----------------------------------------------------

def test_errors_follow_document_order_not_string_order():
    def many(d):
        db = d["database"]
        db["entities"].extend(copy.deepcopy(db["entities"][0]) for _ in range(8))
        db["entities"][10]["fields"][0]["affinity"] = "X"
        db["entities"][2]["tableName"] = 2
        db["version"] = "3"
        d["formatVersion"] = 0
        db["setupQueries"] = None
    assert errors_after(many) == [
        "1.json: $.formatVersion: 1 was expected",
        "1.json: $.database.version: '3' is not of type 'integer'",
        "1.json: $.database.entities[2].tableName: 2 is not of type 'string'",
        f"1.json: $.database.entities[10].fields[0].affinity: 'X' is not one of {AFFINITIES}",
        "1.json: $.database.setupQueries: None is not of type 'array'",
    ]


def test_result_is_deterministic():
    def broken(d):
        d["database"]["entities"][0] = {"fields": "x", "ftsOptions": 1}
    assert errors_after(broken) == errors_after(broken)
    assert len(errors_after(broken)) > 1


def test_long_values_are_truncated_and_kept_on_one_line():
    value = "line\n" * 100
    [line] = errors_after(lambda d: d["database"].update(identityHash=value))
    assert "\n" not in line
    assert len(line) < 200
    assert line.startswith("1.json: $.database.identityHash: 'line\\nline\\n")
    assert "...' does not match" in line


def test_whole_objects_are_truncated():
    [line] = errors_after(lambda d: d["database"].update(entities={"big": gson_document()}))
    assert line.startswith("1.json: $.database.entities: {'big': {")
    assert line.endswith("...} is not of type 'array'")
    assert len(line) < 150


def test_non_identifier_keys_are_bracket_quoted():
    assert schema_check._json_path(["database", "it's", 0, "a-b", "ok_1"]) == \
        "$.database['it\\'s'][0]['a-b'].ok_1"


def test_one_of_failures_name_the_deepest_problem():
    validator = Draft202012Validator({
        "oneOf": [
            {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"enum": [1]}}}},
             "required": ["a"]},
            {"type": "string"},
        ]
    })
    [error] = validator.iter_errors({"a": {"b": 2}})
    assert error.validator == "oneOf"
    leaf = schema_check._deepest(error)
    assert leaf.message == "2 is not one of [1]"
    assert list(leaf.absolute_path) == ["a", "b"]


def test_not_an_object():
    assert schema_errors([], "x.json") == ["x.json: $: [] is not of type 'object'"]


# --- property: a wrong type anywhere is reported at or above it -------------------

@lru_cache(maxsize=None)
def _corpus_document(index: int) -> str:
    return CORPUS_FILES[index].read_text(encoding="utf-8")


def _leaves(node, path=()):
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list) and node:
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path, node


def _wrong_values(value):
    """JSON values whose type the schema can never accept where ``value`` was valid."""
    candidates = [{"k": 1}, ["x"], "s", 1.5, 7, True]
    if isinstance(value, (bool, int)):
        # Strings and lists may legitimately be null (defaultValue, index columnNames/orders).
        candidates.append(None)
    same_type = {
        str: lambda c: isinstance(c, str),
        bool: lambda c: isinstance(c, bool),
        int: lambda c: isinstance(c, int) and not isinstance(c, bool),
        list: lambda c: isinstance(c, list),
        dict: lambda c: isinstance(c, dict),
    }[type(value)]
    return [c for c in candidates if not same_type(c)]


def _path_text(path):
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path)


@pytest.mark.skipif(not CORPUS_FILES, reason=NO_CORPUS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_wrong_type_at_a_random_leaf_is_reported_there_or_above(data):
    index = data.draw(st.integers(0, len(CORPUS_FILES) - 1), label="file")
    document = json.loads(_corpus_document(index))
    leaves = list(_leaves(document))
    path, value = data.draw(st.sampled_from(leaves), label="leaf")
    replacement = data.draw(st.sampled_from(_wrong_values(value)), label="replacement")

    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement

    lines = schema_errors(document, "f.json")
    allowed = {f"f.json: {_path_text(path[:n])}: " for n in range(len(path) + 1)}
    assert any(line.startswith(prefix) for line in lines for prefix in allowed), (path, lines)
