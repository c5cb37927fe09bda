"""Checks on the AVA example exports, independent of roomschema.

app/schemas/com.augmentalis.ava.core.data.AVADatabase/{1,2}.json are written as
Room 2.6.1 (Gson over the Kotlin bundle classes) exports them. These tests use
only the standard library: the identity hash is recomputed by a small
implementation of Room's SchemaIdentityKey algorithm (docs/room-format.md#identity-hash),
the schemas are built in SQLite in Room's create order, the byte layout is
checked against Gson's pretty printing, and version 2 is checked to differ from
version 1 by exactly the additions listed in examples/ava/entities_v2.kt.
They read the JSON as JSON on purpose, not through roomschema.schema.compose or the
loader: they are the check on the exports that roomschema's own tests start from.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "app" / "schemas" / "com.augmentalis.ava.core.data.AVADatabase"
EXAMPLES = ROOT / "examples" / "ava"
VERSIONS = (1, 2)


def _text(version: int) -> str:
    return (SCHEMA_DIR / f"{version}.json").read_bytes().decode("utf-8")


def _db(version: int) -> dict:
    return json.loads(_text(version))["database"]


def _entities(version: int) -> dict[str, dict]:
    return {e["tableName"]: e for e in _db(version)["entities"]}


# --------------------------------------------------------------------------
# Room's identity hash (SchemaIdentityKey), self-contained.
# --------------------------------------------------------------------------

_SEP = "?:?"


def _md5(s: str) -> str:
    return hashlib.md5(s.encode("utf-8")).hexdigest()


def _key(parts: list[str]) -> str:
    return _md5("".join(p + _SEP for p in parts))


def _sorted(keys: list[str]) -> list[str]:
    # Kotlin: sortedWith { a, b -> a.lowercase(ENGLISH).compareTo(b.lowercase(ENGLISH)) }, stable.
    return sorted(keys, key=str.lower)


def _b(v) -> str:
    return "true" if v else "false"


def _field_key(f: dict) -> str:
    k = f"{f['columnName']}-{f.get('affinity') or 'TEXT'}-{_b(f.get('notNull', False))}"
    if f.get("defaultValue") is not None:
        k += f"-defaultValue={f['defaultValue']}"
    return k


def _pk_key(pk: dict) -> str:
    return f"{_b(pk['autoGenerate'])}-[{', '.join(pk['columnNames'])}]"


def _index_key(i: dict) -> str:
    k = f"{_b(i['unique'])}-{i['name']}-{','.join(i['columnNames'])}"
    if i.get("orders"):
        k += "-" + ",".join(i["orders"])
    return k


def _fk_deferred(entity: dict, fk: dict) -> bool:
    clause = (
        f"FOREIGN KEY({', '.join(f'`{c}`' for c in fk['columns'])}) REFERENCES `{fk['table']}`"
        f"({', '.join(f'`{c}`' for c in fk['referencedColumns'])}) "
        f"ON UPDATE {fk['onUpdate']} ON DELETE {fk['onDelete']} DEFERRABLE INITIALLY DEFERRED"
    )
    return clause in entity["createSql"]


def _fk_key(entity: dict, fk: dict) -> str:
    return (
        f"{fk['table']}-{','.join(fk['referencedColumns'])}-{','.join(fk['columns'])}"
        f"-{fk['onDelete']}-{fk['onUpdate']}-{_b(_fk_deferred(entity, fk))}"
    )


def _entity_key(e: dict) -> str:
    assert "ftsVersion" not in e, "AVA has no FTS entities"
    return _key(
        [e["tableName"], _pk_key(e["primaryKey"])]
        + _sorted([_field_key(f) for f in e["fields"]])
        + _sorted([_index_key(i) for i in e.get("indices", [])])
        + _sorted([_fk_key(e, fk) for fk in e.get("foreignKeys", [])])
    )


def identity_hash(db: dict) -> str:
    assert not db.get("views"), "AVA has no views"
    return _key(_sorted([_entity_key(e) for e in db["entities"]]))


def test_identity_hash_implementation_known_answer():
    # docs/room-format.md#worked-example: Room's own multiplatform test fixture.
    db = {
        "entities": [
            {
                "tableName": "MigrationEntity",
                "createSql": "CREATE TABLE IF NOT EXISTS `${TABLE_NAME}` (`pk` INTEGER NOT NULL, PRIMARY KEY(`pk`))",
                "fields": [{"fieldPath": "pk", "columnName": "pk", "affinity": "INTEGER", "notNull": True}],
                "primaryKey": {"autoGenerate": False, "columnNames": ["pk"]},
            }
        ]
    }
    assert _entity_key(db["entities"][0]) == "a41ef83f979143eb6123bc92cc1dc432"
    assert identity_hash(db) == "f530cb775d66c33d8b3cb1abaf2efd74"


EXPECTED_HASH = {1: "c4f804fc815a3f1178e0797d190a47ff", 2: "9c8ebe23eb15c96daa4688a58549a0e1"}


@pytest.mark.parametrize("version", VERSIONS)
def test_identity_hash_matches_room_algorithm(version):
    db = _db(version)
    assert db["version"] == version
    assert re.fullmatch(r"[0-9a-f]{32}", db["identityHash"])
    assert identity_hash(db) == db["identityHash"] == EXPECTED_HASH[version]


@pytest.mark.parametrize("version", VERSIONS)
def test_setup_queries(version):
    db = _db(version)
    assert db["setupQueries"] == [
        "CREATE TABLE IF NOT EXISTS room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
        f"INSERT OR REPLACE INTO room_master_table (id,identity_hash) VALUES(42, '{db['identityHash']}')",
    ]


def test_versions_have_different_hashes():
    assert _db(1)["identityHash"] != _db(2)["identityHash"]


# --------------------------------------------------------------------------
# Byte layout: Gson pretty printing with the Room 2.6 key order.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_room_formatting_round_trips(version):
    text = _text(version)
    assert json.dumps(json.loads(text), indent=2, ensure_ascii=False) == text
    assert not text.endswith("\n")
    assert "\r" not in text


ENTITY_KEYS = ["tableName", "createSql", "fields", "primaryKey", "indices", "foreignKeys"]
FIELD_KEYS = ["fieldPath", "columnName", "affinity", "notNull", "defaultValue"]
INDEX_KEYS = ["name", "unique", "columnNames", "orders", "createSql"]
FK_KEYS = ["table", "onDelete", "onUpdate", "columns", "referencedColumns"]


@pytest.mark.parametrize("version", VERSIONS)
def test_room_2_6_key_order(version):
    root = json.loads(_text(version))
    assert list(root) == ["formatVersion", "database"]
    assert root["formatVersion"] == 1
    db = root["database"]
    assert list(db) == ["version", "identityHash", "entities", "views", "setupQueries"]
    assert db["views"] == []
    for e in db["entities"]:
        assert list(e) == ENTITY_KEYS  # Gson writes every list, [] when empty
        assert list(e["primaryKey"]) == ["autoGenerate", "columnNames"]  # Kotlin bundle (2.5+)
        for f in e["fields"]:
            want = FIELD_KEYS if "defaultValue" in f else FIELD_KEYS[:-1]
            assert list(f) == want  # notNull always written, defaultValue only when set
            assert isinstance(f["notNull"], bool)
            assert f["affinity"] in {"TEXT", "INTEGER", "REAL", "BLOB"}
            assert re.fullmatch(r"[a-z][A-Za-z0-9]*", f["fieldPath"])  # Kotlin camelCase
            assert re.fullmatch(r"[a-z][a-z0-9_]*", f["columnName"])  # snake_case
        for i in e["indices"]:
            assert list(i) == INDEX_KEYS
            assert i["orders"] == []
        for fk in e["foreignKeys"]:
            assert list(fk) == FK_KEYS


# --------------------------------------------------------------------------
# createSql text is what Room's compiler writes for these fields.
# --------------------------------------------------------------------------


def _expected_create_sql(e: dict) -> str:
    pk = e["primaryKey"]
    defs = []
    for f in e["fields"]:
        d = f"`{f['columnName']}` {f['affinity']}"
        if pk["autoGenerate"] and pk["columnNames"] == [f["columnName"]]:
            d += " PRIMARY KEY AUTOINCREMENT"
        if f["notNull"]:
            d += " NOT NULL"
        if "defaultValue" in f:
            d += f" DEFAULT {f['defaultValue']}"
        defs.append(d)
    if not pk["autoGenerate"]:
        defs.append("PRIMARY KEY(" + ", ".join(f"`{c}`" for c in pk["columnNames"]) + ")")
    for fk in e["foreignKeys"]:
        defs.append(
            f"FOREIGN KEY({', '.join(f'`{c}`' for c in fk['columns'])}) REFERENCES `{fk['table']}`"
            f"({', '.join(f'`{c}`' for c in fk['referencedColumns'])}) "
            f"ON UPDATE {fk['onUpdate']} ON DELETE {fk['onDelete']} "
        )
    return "CREATE TABLE IF NOT EXISTS `${TABLE_NAME}` (" + ", ".join(defs) + ")"


def _expected_index_sql(e: dict, i: dict) -> str:
    head = "CREATE UNIQUE INDEX IF NOT EXISTS " if i["unique"] else "CREATE INDEX IF NOT EXISTS "
    cols = ", ".join(f"`{c}`" for c in i["columnNames"])
    return f"{head}`{i['name']}` ON `${{TABLE_NAME}}` ({cols})"


@pytest.mark.parametrize("version", VERSIONS)
def test_create_sql_text(version):
    for e in _db(version)["entities"]:
        assert e["createSql"] == _expected_create_sql(e), e["tableName"]
        for i in e["indices"]:
            assert i["name"] == f"index_{e['tableName']}_" + "_".join(i["columnNames"])
            assert i["createSql"] == _expected_index_sql(e, i)


# --------------------------------------------------------------------------
# The schemas build in SQLite, in Room's create order.
# --------------------------------------------------------------------------


def _create_statements(db: dict) -> list[str]:
    # DatabaseBundle.buildCreateQueries: entities in order (no FTS here, so the
    # FTS comparator changes nothing), each table followed by its indices; then
    # views; then setupQueries.
    out = []
    for e in db["entities"]:
        out.append(e["createSql"].replace("${TABLE_NAME}", e["tableName"]))
        out.extend(i["createSql"].replace("${TABLE_NAME}", e["tableName"]) for i in e["indices"])
    out.extend(db["setupQueries"])
    return out


def _build(version: int) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA foreign_keys=ON")
    for stmt in _create_statements(_db(version)):
        con.execute(stmt)
    return con


@pytest.mark.parametrize("version", VERSIONS)
def test_builds_in_sqlite_and_matches_fields(version):
    db = _db(version)
    con = _build(version)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("SELECT identity_hash FROM room_master_table WHERE id = 42").fetchall() == [
        (db["identityHash"],)
    ]
    for e in db["entities"]:
        t = e["tableName"]
        info = con.execute(f"PRAGMA table_info(`{t}`)").fetchall()
        assert [r[1] for r in info] == [f["columnName"] for f in e["fields"]]
        for (_, name, typ, notnull, dflt, pk), f in zip(info, e["fields"]):
            assert typ == f["affinity"]
            assert bool(notnull) == f["notNull"]
            assert dflt == f.get("defaultValue")
        pk_cols = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        assert pk_cols == e["primaryKey"]["columnNames"]
        indices = {r[1]: bool(r[2]) for r in con.execute(f"PRAGMA index_list(`{t}`)") if r[3] == "c"}
        assert indices == {i["name"]: i["unique"] for i in e["indices"]}
        for i in e["indices"]:
            cols = [r[2] for r in con.execute(f"PRAGMA index_info(`{i['name']}`)")]
            assert cols == i["columnNames"]
        fks = con.execute(f"PRAGMA foreign_key_list(`{t}`)").fetchall()
        got = sorted((r[2], r[3], r[4], r[5], r[6]) for r in fks)
        want = sorted(
            (fk["table"], c, p, fk["onUpdate"], fk["onDelete"])
            for fk in e["foreignKeys"]
            for c, p in zip(fk["columns"], fk["referencedColumns"])
        )
        assert got == want


@pytest.mark.parametrize("version", VERSIONS)
def test_foreign_keys_are_indexed_and_reference_keys(version):
    # Room warns when an FK's child columns are not the prefix of the PK or an
    # index, and errors when the parent columns are not its PK or a unique index.
    ents = _entities(version)
    for e in ents.values():
        for fk in e["foreignKeys"]:
            n = len(fk["columns"])
            prefixes = [e["primaryKey"]["columnNames"][:n]] + [i["columnNames"][:n] for i in e["indices"]]
            assert fk["columns"] in prefixes, (e["tableName"], fk)
            parent = ents[fk["table"]]
            parent_keys = [parent["primaryKey"]["columnNames"]] + [
                i["columnNames"] for i in parent["indices"] if i["unique"]
            ]
            assert fk["referencedColumns"] in parent_keys


def test_cascades_with_data():
    con = _build(2)
    con.executescript(
        """
        INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 't', 1, 2);
        INSERT INTO messages (id, conversation_id, role, content, timestamp) VALUES ('m1', 'c1', 'user', 'hi', 3);
        INSERT INTO attachments (id, message_id, file_name, mime_type, size_bytes, created_at)
            VALUES ('a1', 'm1', 'f.png', 'image/png', 10, 4);
        INSERT INTO decisions (id, conversation_id, decision_type, input_data, output_data, confidence, timestamp)
            VALUES ('d1', 'c1', 'intent', '{}', '{}', 0.9, 7);
        INSERT INTO learning (id, decision_id, feedback_type, timestamp, outcome) VALUES ('l1', 'd1', 'up', 8, 'ok');
        INSERT INTO train_examples (example_hash, utterance, intent, source, created_at) VALUES ('h', 'u', 'i', 's', 9);
        INSERT INTO user_profiles (id, display_name, created_at, updated_at) VALUES ('u1', 'Ava', 1, 1);
        """
    )
    assert con.execute("SELECT message_count, is_archived FROM conversations").fetchone() == (0, 0)
    assert con.execute("SELECT edit_count, edited_at FROM messages").fetchone() == (0, None)
    assert con.execute("SELECT locale, usage_count FROM train_examples").fetchone() == ("en-US", 0)
    assert con.execute("SELECT locale FROM user_profiles").fetchone() == ("en-US",)
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO train_examples (example_hash, utterance, intent, source, created_at) "
                    "VALUES ('h', 'u2', 'i', 's', 10)")
    con.execute("DELETE FROM conversations WHERE id = 'c1'")
    for t in ("messages", "attachments"):
        assert con.execute(f"SELECT count(*) FROM {t}").fetchone() == (0,), t
    # decisions have no FK to conversations: they outlive it.
    assert con.execute("SELECT count(*) FROM decisions").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM learning").fetchone() == (1,)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


# --------------------------------------------------------------------------
# Version 2 = version 1 + the listed additions, all additive.
# --------------------------------------------------------------------------

V1_ORDER = ["conversations", "messages", "train_examples", "decisions", "learning", "memory"]
V2_ORDER = [
    "conversations", "messages", "attachments", "train_examples", "decisions", "learning", "memory",
    "user_profiles",
]
NEW_TABLES = {"attachments", "user_profiles"}
ADDED_COLUMNS = {"conversations": ["tags", "user_id"], "messages": ["edited_at", "edit_count"]}


def test_entity_order():
    assert [e["tableName"] for e in _db(1)["entities"]] == V1_ORDER
    assert [e["tableName"] for e in _db(2)["entities"]] == V2_ORDER


def test_v2_is_v1_plus_listed_additions():
    v1, v2 = _entities(1), _entities(2)
    assert set(v2) - set(v1) == NEW_TABLES
    assert set(v1) <= set(v2)
    for t, e1 in v1.items():
        e2 = v2[t]
        cols1 = [f["columnName"] for f in e1["fields"]]
        cols2 = [f["columnName"] for f in e2["fields"]]
        added = ADDED_COLUMNS.get(t, [])
        assert cols2 == cols1 + added, t
        if not added:
            assert e2 == e1, f"{t} must be unchanged"
            continue
        assert e2["fields"][: len(cols1)] == e1["fields"]
        for k in ("primaryKey", "indices", "foreignKeys"):
            assert e2[k] == e1[k]
        # createSql: the new columns are inserted right before PRIMARY KEY(...).
        new_defs = []
        for f in e2["fields"][len(cols1):]:
            d = f"`{f['columnName']}` {f['affinity']}" + (" NOT NULL" if f["notNull"] else "")
            new_defs.append(d + (f" DEFAULT {f['defaultValue']}" if "defaultValue" in f else ""))
        assert e2["createSql"] == e1["createSql"].replace(", PRIMARY KEY(", ", " + ", ".join(new_defs) + ", PRIMARY KEY(")


def test_v2_additions_are_auto_migratable():
    v1, v2 = _entities(1), _entities(2)
    for t, cols in ADDED_COLUMNS.items():
        for f in v2[t]["fields"]:
            if f["columnName"] in cols:
                assert not f["notNull"] or "defaultValue" in f, (t, f["columnName"])
    # ALTER TABLE ADD COLUMN works on a populated v1 database and yields v2's table_info.
    con = _build(1)
    con.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 't', 1, 2)")
    con.execute("INSERT INTO messages (id, conversation_id, role, content, timestamp) VALUES ('m1', 'c1', 'user', 'x', 3)")
    for t, cols in ADDED_COLUMNS.items():
        for f in v2[t]["fields"]:
            if f["columnName"] in cols:
                d = f"`{f['columnName']}` {f['affinity']}" + (" NOT NULL" if f["notNull"] else "")
                d += f" DEFAULT {f['defaultValue']}" if "defaultValue" in f else ""
                con.execute(f"ALTER TABLE `{t}` ADD COLUMN {d}")
    ref = _build(2)
    for t in ADDED_COLUMNS:
        assert con.execute(f"PRAGMA table_info(`{t}`)").fetchall() == ref.execute(f"PRAGMA table_info(`{t}`)").fetchall()
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_new_tables_in_v2():
    v2 = _entities(2)
    assert [f["columnName"] for f in v2["attachments"]["fields"]] == [
        "id", "message_id", "file_name", "mime_type", "size_bytes", "local_path", "remote_url", "created_at"
    ]
    assert v2["user_profiles"]["foreignKeys"] == [] and v2["user_profiles"]["indices"] == []
    locale = next(f for f in v2["user_profiles"]["fields"] if f["columnName"] == "locale")
    assert locale == {"fieldPath": "locale", "columnName": "locale", "affinity": "TEXT", "notNull": True,
                      "defaultValue": "'en-US'"}


# --------------------------------------------------------------------------
# The Kotlin sources in examples/ava describe the same tables and columns.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_kotlin_example_matches_export(version):
    src = (EXAMPLES / f"entities_v{version}.kt").read_text(encoding="utf-8")
    ents = _entities(version)
    assert re.findall(r'tableName = "(\w+)"', src) == [e["tableName"] for e in _db(version)["entities"]]
    assert f"version = {version}," in src
    declared = set(re.findall(r'@ColumnInfo\(name = "(\w+)"', src)) | {"id"}
    exported = {f["columnName"] for e in ents.values() for f in e["fields"]}
    assert declared == exported
    for e in ents.values():
        for f in e["fields"]:
            if "defaultValue" in f:
                assert f'name = "{f["columnName"]}", defaultValue = "{f["defaultValue"]}"' in src
