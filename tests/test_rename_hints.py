"""Rename hints: one naming change across many columns, a table renamed while its columns changed.

Hints are suggestions, never inference: each one is checked here by declaring exactly what it
says and diffing again.
"""
from __future__ import annotations

import re
import tomllib

import pytest

from helpers import CORPUS, NO_CORPUS, run_cli
from roomschema import compose
from roomschema.config import parse
from roomschema.migration.changes import diff
from roomschema.schema.equality import name_words, naming_change, systematic_renames
from roomschema.schema.loader import load
from roomschema.schema.writer import dumps

F = compose.field
CAMEL = ["createdAt", "updatedAt", "firstName", "lastName", "middleName", "phoneNumber", "emailAddress",
         "streetAddress", "postalCode", "countryCode", "birthDate", "avatarUrl", "displayName", "timeZone",
         "preferredLocale"]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _people(version: int, names: list):
    return compose.schema(version, [compose.entity("person", [F("id", "INTEGER", True)] + [F(c) for c in names],
                                                   ["id"])])


def test_fifteen_columns_from_camel_case_to_snake_case_get_fifteen_hints_and_the_lines_to_declare_them():
    old, new = _people(1, CAMEL), _people(2, [_snake(c) for c in CAMEL])
    hints = diff(old, new).suggestions
    # Every column is TEXT: by shape alone no rename stood out (one hint at best, before).
    assert hints[:15] == tuple(f"did you mean --rename-column person.{c}={_snake(c)}?" for c in CAMEL)
    [summary] = hints[15:]
    assert summary.startswith("15 columns of person look renamed from camelCase to snake_case: "
                              "--rename-column person.createdAt=created_at --rename-column person.updatedAt=")
    # The configuration line the hint gives is real configuration: declared, every column is renamed.
    # Under the table header each configuration file spells (issue #16: pasted, it must work).
    assert '[migrations."1-2"] of roomschema.toml' in summary
    assert '[tool.roomschema.migrations."1-2"]' in summary
    line = "rename_columns = " + summary.split("rename_columns = ", 1)[1]
    config = parse({"migrations": {"1-2": tomllib.loads(line)}}, None, None)
    d = diff(old, new, config.declarations(1, 2))
    assert sorted(c.kind for c in d.changes) == ["column-renamed"] * 15 and d.suggestions == ()
    # The same through the flags.
    flags = re.findall(r"--rename-column (\S+)", summary.split(";")[0])
    r_cols = dict(f.split("=") for f in flags)
    assert len(r_cols) == 15 and all(r_cols[f"person.{c}"] == _snake(c) for c in CAMEL)


def test_a_prefix_dropped_from_every_column_is_one_naming_change():
    names = ["mTitle", "mBody", "mAuthor"]
    old = _people(1, names)
    new = _people(2, ["title", "body", "author"])
    hints = diff(old, new).suggestions
    assert hints[:3] == ("did you mean --rename-column person.mTitle=title?",
                         "did you mean --rename-column person.mBody=body?",
                         "did you mean --rename-column person.mAuthor=author?")
    assert hints[3].startswith("3 columns of person look renamed with prefix 'm' removed: ")
    assert naming_change("amount", "amount_old").describe() == "with suffix 'old' added"
    assert naming_change("mUserName", "user_name").describe() == "from camelCase to snake_case, prefix 'm' removed"
    assert naming_change("patientId", "patient_uuid") is None
    assert name_words("URLPath") == name_words("url_path") == ("url", "path")


def test_a_name_two_columns_could_have_become_is_never_guessed():
    old = _people(1, ["s_id", "s_account", "accountId"])
    new = _people(2, ["lastStatusServerId", "pachliAccountId"])
    # Three TEXT columns gone, two TEXT columns added: shape alone names lastStatusServerId for both
    # s_ columns, so neither is hinted; accountId's new name is its old one with a prefix.
    assert diff(old, new).suggestions == ("did you mean --rename-column person.accountId=pachliAccountId?",)
    # A naming change needs the same affinity.
    gone = [F("createdAt", "INTEGER")]
    assert systematic_renames(gone, [F("created_at", "TEXT")]) == []


def test_a_table_renamed_while_its_columns_changed_is_found_by_its_columns():
    old = compose.schema(1, [compose.entity("Log", [F("id", "INTEGER", True), F("logMessage"), F("loggedAt", "INTEGER"),
                                                    F("tag")], ["id"]),
                             compose.entity("other", [F("id", "INTEGER", True), F("x")], ["id"])])
    new = compose.schema(2, [compose.entity("event_log", [F("id", "INTEGER", True), F("log_message"),
                                                          F("logged_at", "INTEGER"), F("level")], ["id"]),
                             compose.entity("other", [F("id", "INTEGER", True), F("x")], ["id"])])
    hints = diff(old, new).suggestions
    assert hints[0] == "did you mean --rename-table Log=event_log? (3 of 4 columns are still there)"
    assert "did you mean --rename-column Log.logMessage=log_message?" in hints
    assert "did you mean --rename-column Log.loggedAt=logged_at?" in hints
    # Declared as suggested, what is left is the real change: one column gone, one added.
    from roomschema.migration.declarations import Declarations
    d = diff(old, new, Declarations(rename_tables={"Log": "event_log"},
                                    rename_columns={("Log", "logMessage"): "log_message",
                                                    ("Log", "loggedAt"): "logged_at"}))
    assert sorted(c.kind for c in d.changes) == ["column-added", "column-removed", "column-renamed",
                                                 "column-renamed", "table-renamed"]
    # Too few columns in common: no hint.
    unrelated = compose.schema(2, [compose.entity("audit", [F("id", "INTEGER", True), F("actor"), F("verb"),
                                                            F("target")], ["id"]), old.database.entities[1]])
    assert not any("rename-table" in h for h in diff(old, unrelated).suggestions)


def test_the_cli_diff_prints_the_hints(tmp_path):
    folder = tmp_path / "schemas" / "app.Db"
    folder.mkdir(parents=True)
    (folder / "1.json").write_text(dumps(_people(1, CAMEL[:4])))
    (folder / "2.json").write_text(dumps(_people(2, [_snake(c) for c in CAMEL[:4]])))
    r = run_cli("diff", "1", "2", "--schemas", str(folder), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "did you mean --rename-column person.lastName=last_name?" in r.stdout
    assert "4 columns of person look renamed from camelCase to snake_case" in r.stdout


@pytest.mark.skipif(not CORPUS.is_dir(), reason=NO_CORPUS)
def test_real_renames_are_hinted_and_lookalikes_are_not():
    pachli = CORPUS / "pachli__pachli-android" / "app.pachli.core.database.AppDatabase"
    hints = diff(load(pachli / "19.json"), load(pachli / "20.json")).suggestions
    # The app's own @RenameColumn spec for 19->20, and none of the seven columns that went away.
    assert hints == ("did you mean --rename-column ConversationEntity.accountId=pachliAccountId?",)
    hints = diff(load(pachli / "8.json"), load(pachli / "9.json")).suggestions
    assert hints[0].startswith("did you mean --rename-table InstanceEntity=InstanceInfoEntity? ")
