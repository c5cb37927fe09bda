"""Reading Room's crash messages back into data, in every layout Room has printed them.

The three messages (docs/room-format.md#opening-a-database and #validation-messages):

- ``Migration didn't properly handle: <table>(<entity class>).\\n Expected:\\n<expected>\\n Found:\\n<found>``
  (the app at run time; ``Pre-packaged database has an invalid schema:`` for a bundled database;
  Room 2.1 and earlier generated code wrote it without the colon). MigrationTestHelper writes
  ``<name>\\nExpected: <expected> \\nfound: <found>`` (room-testing 2.6 and earlier) or
  `` <name>\\n\\nExpected:\\n\\n<expected>\\n\\nFound:\\n\\n<found>`` (2.7+).
- ``Room cannot verify the data integrity. … Expected identity hash: <x>, found: <y>``.
- ``A migration from <x> to <y> was required but not found. …``.

``TableInfo``, ``FtsTableInfo`` and ``ViewInfo`` print differently by Room release:

- Room 2.4 and earlier (Java ``toString``): one line,
  ``TableInfo{name='t', columns={c=Column{name='c', type='TEXT', affinity='2', notNull=true,
  primaryKeyPosition=0, defaultValue='null'}}, foreignKeys=[ForeignKey{referenceTable='p',
  onDelete='CASCADE', onUpdate='NO ACTION', columnNames=[c], referenceColumnNames=[id]}],
  indices=[Index{name='i', unique=false, columns=[c], orders=[ASC]}]}``; Room 2.1 and earlier
  print no ``defaultValue`` and no index ``orders``; ``indices=null`` when SQLite could not list them.
- Room 2.5-2.6 (the Kotlin port): the same, except that every column prints the literal
  ``notNull=notNull`` (the value is lost), a foreign key ``onDelete='CASCADE +'`` and an index or
  FTS table a stray quote before the closing brace (``orders=[ASC]'}``).
- Room 2.7+: multi-line ``TableInfo {`` blocks (``roomschema.verify.roominfo`` prints them),
  columns and indices sorted by name, a null default as ``'undefined'``, and the column lists of
  foreign keys and indices as ``{kotlin.Unit`` (lost).

Crash reports come as logcat, with a prefix on every line and stack frames between messages;
:func:`clean` takes those away first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Union

LAYOUT_JAVA = "room-2.4"        # Room 1.0 - 2.4
LAYOUT_KOTLIN = "room-2.5"      # Room 2.5 - 2.6
LAYOUT_MULTILINE = "room-2.7"   # Room 2.7+
LAYOUT_ANY = "any"              # ViewInfo has printed the same in every release

LAYOUT_NAMES = {LAYOUT_JAVA: "Room 2.4 or earlier", LAYOUT_KOTLIN: "Room 2.5-2.6",
                LAYOUT_MULTILINE: "Room 2.7 or later", LAYOUT_ANY: "any Room release"}


# --- the model: what a message says, None where the printed text lost it ----------------------

@dataclass(frozen=True)
class Column:
    name: str
    type: Optional[str]
    affinity: Optional[int]
    not_null: Optional[bool]        # None: Room 2.5-2.6 printed the literal "notNull"
    primary_key_position: Optional[int]
    default: Optional[str]          # None: no default


@dataclass(frozen=True)
class ForeignKey:
    table: str
    on_delete: str
    on_update: str
    columns: Optional[tuple[str, ...]]      # None: printed as kotlin.Unit
    referenced: Optional[tuple[str, ...]]


@dataclass(frozen=True)
class Index:
    name: str
    unique: bool
    columns: Optional[tuple[str, ...]]      # None: printed as kotlin.Unit
    orders: Optional[tuple[str, ...]]       # None: not printed (Room 2.1 and earlier) or kotlin.Unit


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...]
    indices: Optional[tuple[Index, ...]]    # None: Room could not read them, and skipped them
    layout: str

    kind = "table"

    def column(self, name: str) -> Optional[Column]:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Fts:
    name: str
    columns: tuple[str, ...]
    options: tuple[str, ...]
    layout: str

    kind = "fts"


@dataclass(frozen=True)
class View:
    name: str
    sql: Optional[str]              # None: no such view in the database
    layout: str

    kind = "view"


Info = Union[Table, Fts, View]


@dataclass(frozen=True)
class Mismatch:
    """``Migration didn't properly handle``: what the schema expects and what the database has."""

    name: str
    entity_class: Optional[str]
    expected: Info
    found: Info
    origin: str                     # "app", "test" (MigrationTestHelper) or "prepackaged"
    truncated: bool = False         # the Found side was cut short (logcat cuts long lines)

    kind = "schema-mismatch"


@dataclass(frozen=True)
class IdentityMismatch:
    expected: str
    found: Optional[str]            # None: room_master_table had no row

    kind = "identity-hash"


@dataclass(frozen=True)
class MissingMigration:
    start: int
    end: int

    kind = "missing-migration"


Message = Union[Mismatch, IdentityMismatch, MissingMigration]


class ParseError(ValueError):
    """A message was recognised but its Expected/Found text could not be read."""


# --- logcat and stack traces ----------------------------------------------------------------------

_LOGCAT_PREFIXES = [
    # Android Studio (old): 2026-01-01 12:00:00.000 1234-1234/com.app E/AndroidRuntime: text
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\s+\d+-\d+/\S*\s+[VDIWEFA]/[^:]*: ?",
    # Android Studio (Dolphin+): 2026-01-01 12:00:00.000  1234-1234  AndroidRuntime  com.app  E  text
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\s+\d+-\d+\s+\S+\s+\S+\s+[VDIWEFA]  ",
    # adb logcat -v threadtime: 01-01 12:00:00.000  1234  1234 E AndroidRuntime: text
    r"\d\d-\d\d \d\d:\d\d:\d\d\.\d+\s+\d+\s+\d+\s+[VDIWEFA] [^:]*: ?",
    # adb logcat -v time: 01-01 12:00:00.000 E/AndroidRuntime( 1234): text
    r"\d\d-\d\d \d\d:\d\d:\d\d\.\d+\s+[VDIWEFA]/[^(]*\(\s*\d+\): ?",
    # adb logcat -v brief: E/AndroidRuntime( 1234): text
    r"[VDIWEFA]/[^(:]*\(\s*\d+\): ?",
]
_LOGCAT = re.compile("^(?:" + "|".join(_LOGCAT_PREFIXES) + ")")
_FRAME = re.compile(r"^\s*(?:at [\w$.<>/-]+\(.*\)|\.\.\. \d+ more)\s*$")


def clean(text: str) -> str:
    """The text without logcat prefixes and stack frames, with real line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text.strip() and "\\n" in text:
        # A crash reporter's one-line export keeps the message's line breaks escaped.
        text = text.replace("\\n", "\n").replace("\\t", "\t")
    lines = []
    for line in text.split("\n"):
        line = _LOGCAT.sub("", line, count=1)
        if not _FRAME.match(line):
            lines.append(line)
    return "\n".join(lines)


# --- finding the messages ---------------------------------------------------------------------------

_HANDLE = re.compile(r"(Migration didn't properly handle|Pre-packaged database has an invalid schema)(:?)")
_IDENTITY = re.compile(r"Room cannot verify the data integrity\..*?Expected identity hash:\s*(\w+),\s*found:\s*(\w+)",
                       re.S)
_MISSING = re.compile(r"A migration from (\d+) to (\d+) was required but not found")
_EXPECTED = re.compile(r"\bExpected:", re.I)
_FOUND = re.compile(r"\bFound:", re.I)
_START = re.compile(r"\s*(FtsTableInfo|TableInfo|ViewInfo)\s*\{")
_APP_HEADER = re.compile(r"\s*([^\s(]+)\(([^()\s]*)\)\.")


def messages(text: str) -> list[Message]:
    """Every Room message in ``text``, in order, each once.

    Raises :class:`ParseError` when a schema message is there but its Expected/Found
    text cannot be read."""
    text = clean(text)
    found: list[tuple[int, Message]] = []
    for m in _HANDLE.finditer(text):
        found.append((m.start(), _mismatch(text, m)))
    for m in _IDENTITY.finditer(text):
        hash_found = None if m.group(2) == "null" else m.group(2)
        found.append((m.start(), IdentityMismatch(m.group(1), hash_found)))
    for m in _MISSING.finditer(text):
        found.append((m.start(), MissingMigration(int(m.group(1)), int(m.group(2)))))
    out: list[Message] = []
    for _, msg in sorted(found, key=lambda p: p[0]):
        if msg not in out:
            out.append(msg)
    return out


def _block(text: str, start: int) -> tuple[str, int, bool]:
    """The ``TableInfo``/``FtsTableInfo``/``ViewInfo`` text starting at ``start`` (braces balanced),
    where it ends, and whether the text ran out first."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        if text.startswith("{kotlin.Unit", i):
            # Room 2.7's join helpers return Unit: an opening brace with no closing one.
            i += len("{kotlin.Unit")
            continue
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1], i + 1, False
        i += 1
    return text[start:], n, True


def _mismatch(text: str, m: re.Match) -> Mismatch:
    origin = "prepackaged" if m.group(1).startswith("Pre-packaged") else "app"
    rest = m.end()
    header = _APP_HEADER.match(text, rest)
    entity_class = header.group(2) if header else None
    expected_label = _EXPECTED.search(text, rest)
    if expected_label is None:
        raise ParseError("a \"Migration didn't properly handle\" message without its Expected: part")
    if header is None or header.start() > expected_label.start():
        header = None
        entity_class = None
        if origin == "app":
            origin = "test"   # MigrationTestHelper names the table without the entity class
    start = _START.match(text, expected_label.end())
    if start is None:
        raise ParseError("the Expected: part is not a TableInfo, FtsTableInfo or ViewInfo")
    expected_text, end, cut = _block(text, start.start(1))
    if cut:
        raise ParseError("the Expected: part is cut short")
    found_label = _FOUND.search(text, end)
    if found_label is None:
        raise ParseError("a \"Migration didn't properly handle\" message without its Found: part")
    start = _START.match(text, found_label.end())
    if start is None:
        raise ParseError("the Found: part is not a TableInfo, FtsTableInfo or ViewInfo")
    found_text, _, truncated = _block(text, start.start(1))
    expected = parse_info(expected_text)
    found = parse_info(found_text, partial=truncated)
    name = header.group(1) if header else expected.name
    return Mismatch(name, entity_class, expected, found, origin, truncated)


# --- the printed objects ----------------------------------------------------------------------------

def parse_info(text: str, partial: bool = False) -> Info:
    """One printed ``TableInfo``, ``FtsTableInfo`` or ``ViewInfo``, in any Room layout."""
    text = text.strip()
    if text.startswith("ViewInfo"):
        return _view(text)
    if text.startswith("FtsTableInfo"):
        return _fts(text)
    if re.match(r"TableInfo\s*\{\s*\n", text) or re.match(r"TableInfo \{\s*name = ", text):
        return _multiline_table(text, partial)
    return _one_line_table(text, partial)


def _split_list(body: Optional[str]) -> Optional[tuple[str, ...]]:
    if body is None:
        return None
    body = body.strip()
    return tuple(p.strip() for p in body.split(",")) if body else ()


def _default(value: Optional[str], null_word: str) -> Optional[str]:
    return None if value is None or value == null_word else value


def _view(text: str) -> View:
    m = re.match(r"ViewInfo\s*\{\s*name\s*=\s*'(.*?)',\s*sql\s*=\s*'(.*)'\s*\}$", text, re.S)
    if not m:
        raise ParseError("cannot read the ViewInfo text")
    sql = None if m.group(2) == "null" else m.group(2)
    return View(m.group(1), sql, LAYOUT_ANY)


def _fts(text: str) -> Fts:
    flat = text.replace("\n", "")
    m = re.match(r"FtsTableInfo\{name='(.*?)', columns=\[(.*?)\], options=\[(.*)\](')?\}$", flat)
    if not m:
        raise ParseError("cannot read the FtsTableInfo text")
    layout = LAYOUT_KOTLIN if m.group(4) else LAYOUT_JAVA
    return Fts(m.group(1), _split_list(m.group(2)) or (), _split_list(m.group(3)) or (), layout)


_J_NAME = re.compile(r"TableInfo\{name='(.*?)', columns=\{")
_J_COLUMN = re.compile(
    r"Column\{name='(?P<name>.*?)', type='(?P<type>.*?)', affinity='(?P<affinity>-?\d+)', "
    r"notNull=(?P<nn>true|false|notNull), primaryKeyPosition=(?P<pk>-?\d+)"
    r"(?:, defaultValue='(?P<dv>.*?)')?\}(?=, [^=,{}]*=Column\{|\}, foreignKeys=|\}?$)")
_J_FOREIGN_KEY = re.compile(
    r"ForeignKey\{referenceTable='(?P<table>.*?)', onDelete='(?P<delete>.*?)(?P<plus> \+)?', "
    r"onUpdate='(?P<update>.*?)', columnNames=\[(?P<cols>.*?)\], referenceColumnNames=\[(?P<refs>.*?)\]\}")
_J_INDEX = re.compile(
    r"Index\{name='(?P<name>.*?)', unique=(?P<unique>true|false), columns=\[(?P<cols>.*?)\]"
    r"(?:, orders=\[(?P<orders>.*?)\])?(?P<quote>')?\}")


def _one_line_table(text: str, partial: bool) -> Table:
    # A long line that logcat split comes back whole when the pieces are joined without a break.
    flat = text.replace("\n", "")
    m = _J_NAME.match(flat)
    if not m:
        raise ParseError("cannot read the TableInfo text")
    fk_at = flat.find("}, foreignKeys=[")
    columns_text = flat[m.end():fk_at if fk_at != -1 else len(flat)]
    if fk_at == -1 and not partial:
        raise ParseError("cannot read the TableInfo text: no foreignKeys")
    columns = []
    quirky = False
    for c in _J_COLUMN.finditer(columns_text + ("}, foreignKeys=" if fk_at != -1 else "")):
        quirky |= c.group("nn") == "notNull"
        columns.append(Column(c.group("name"), c.group("type"), int(c.group("affinity")),
                              None if c.group("nn") == "notNull" else c.group("nn") == "true",
                              int(c.group("pk")), _default(c.group("dv"), "null")))
    rest = flat[fk_at:] if fk_at != -1 else ""
    idx_at = rest.find("], indices=")
    fk_text = rest[:idx_at] if idx_at != -1 else rest
    fks = []
    for f in _J_FOREIGN_KEY.finditer(fk_text):
        quirky |= bool(f.group("plus"))
        fks.append(ForeignKey(f.group("table"), f.group("delete"), f.group("update"),
                              _split_list(f.group("cols")), _split_list(f.group("refs"))))
    indices: Optional[tuple[Index, ...]] = None
    if idx_at != -1 and not rest[idx_at:].startswith("], indices=null"):
        found = []
        for i in _J_INDEX.finditer(rest[idx_at:]):
            quirky |= bool(i.group("quote"))
            found.append(Index(i.group("name"), i.group("unique") == "true", _split_list(i.group("cols")),
                               _split_list(i.group("orders"))))
        indices = tuple(found)
    return Table(m.group(1), tuple(columns), tuple(fks), indices, LAYOUT_KOTLIN if quirky else LAYOUT_JAVA)


_M_VALUE = re.compile(r"^\s*(\w+) = '(.*)',?\s*$")
_M_LIST = re.compile(r"^\s*(\w+) = \{(.*)$")
_M_ITEM = re.compile(r"^\s*(Column|ForeignKey|Index) \{\s*$")
_M_SECTION = re.compile(r"^\s*(columns|foreignKeys|indices) = \{(.*)$")


def _unit_list(rest: str) -> Optional[tuple[str, ...]]:
    """A Room 2.7 column list: ``kotlin.Unit`` (lost), or the names if a later Room prints them."""
    rest = rest.strip()
    if rest.startswith("kotlin.Unit"):
        return None
    rest = re.sub(r"\}\s*,?\s*$", "", rest).strip()
    return _split_list(rest)


def _multiline_table(text: str, partial: bool) -> Table:
    name: Optional[str] = None
    section: Optional[str] = None
    item: Optional[dict] = None
    columns: list[Column] = []
    fks: list[ForeignKey] = []
    indices: list[Index] = []
    for line in text.split("\n")[1:]:
        if item is not None:
            if re.match(r"^\s*\},?\s*$", line):
                kind = item.pop("__kind")
                try:
                    if kind == "Column":
                        columns.append(Column(item["name"], item.get("type"), _int(item.get("affinity")),
                                              _bool(item.get("notNull")), _int(item.get("primaryKeyPosition")),
                                              _default(item.get("defaultValue"), "undefined")))
                    elif kind == "ForeignKey":
                        fks.append(ForeignKey(item["referenceTable"], item.get("onDelete", ""),
                                              item.get("onUpdate", ""), item.get("columnNames"),
                                              item.get("referenceColumnNames")))
                    else:
                        indices.append(Index(item["name"], item.get("unique") == "true", item.get("columns"),
                                             item.get("orders")))
                except KeyError as err:
                    raise ParseError(f"cannot read the TableInfo text: a {kind} without {err}") from None
                item = None
                continue
            v = _M_VALUE.match(line)
            if v:
                item[v.group(1)] = v.group(2)
                continue
            lst = _M_LIST.match(line)
            if lst:
                item[lst.group(1)] = _unit_list(lst.group(2))
            continue
        it = _M_ITEM.match(line)
        if it:
            item = {"__kind": it.group(1)}
            continue
        sec = _M_SECTION.match(line)
        if sec:
            section = sec.group(1)
            continue
        v = _M_VALUE.match(line)
        if v and v.group(1) == "name" and section is None:
            name = v.group(2)
    if name is None:
        raise ParseError("cannot read the TableInfo text: no name")
    if item is not None and not partial:
        raise ParseError("cannot read the TableInfo text: an item is not closed")
    return Table(name, tuple(columns), tuple(fks), tuple(indices), LAYOUT_MULTILINE)


def _int(value: Optional[str]) -> Optional[int]:
    return int(value) if value is not None and re.fullmatch(r"-?\d+", value) else None


def _bool(value: Optional[str]) -> Optional[bool]:
    return {"true": True, "false": False}.get(value or "")
