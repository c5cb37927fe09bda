"""One SQLite value <-> one JSON value, keeping the storage class.

A Room column can hold any storage class (SQLite types values, not columns),
so the backup says which class each cell had, in a way every JSON reader can
tell apart, not just Python's:

=============  ==========================================================
SQL NULL       ``null`` (an empty string stays ``""``)
INTEGER        a JSON integer when it fits a double exactly (|v| < 2**53);
               beyond that ``{"int": "<decimal>"}``, because JavaScript's
               ``JSON.parse`` would round it
REAL           a JSON number with a fraction (``0.5``, ``1e-300``) when it
               has one; ``{"real": "<repr>"}`` when its value is whole
               (``2.0``, ``1e300``) or infinite, so a plain integral number
               always means INTEGER. Python's ``repr`` round-trips exactly.
TEXT           a JSON string; text that is not valid UTF-8 (SQLite does not
               check) as ``{"text_b64": ...}`` with the raw bytes
BLOB           ``{"b64": "<base64>"}``
=============  ==========================================================

A row is a JSON list of cells. Its canonical text is
``json.dumps(row, ensure_ascii=False, separators=(",", ":"))``; a table's
checksum is the sha256 of every row's canonical text followed by ``"\\n"``,
in rowid (or primary key) order. The backup file stores each row as exactly
that text, one per line.
"""
from __future__ import annotations

import base64
import json
import math

SAFE_INT = 2 ** 53
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


class RawText(bytes):
    """TEXT whose bytes are not UTF-8: read as bytes so nothing is lost."""


def text_factory(data: bytes):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return RawText(data)


def encode(value):
    t = type(value)
    if t is str or value is None:
        return value
    if t is int:
        return value if -SAFE_INT < value < SAFE_INT else {"int": str(value)}
    if t is float:
        if math.isfinite(value) and not value.is_integer():
            return value
        return {"real": repr(value)}
    if t is RawText:
        return {"text_b64": base64.b64encode(value).decode("ascii")}
    if t is bytes:
        return {"b64": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"unexpected SQLite value of type {t.__name__}")


def row_text(row) -> str:
    """The canonical text of one row (what is hashed and written)."""
    return _dumps([encode(v) for v in row])


class CellError(ValueError):
    pass


def decode(cell):
    """The Python value to bind for one cell; ``RawText`` needs ``CAST(? AS TEXT)``."""
    if cell is None or type(cell) is str:
        return cell
    if type(cell) is int:
        return cell
    if type(cell) is float:
        return cell
    if type(cell) is dict and len(cell) == 1:
        (tag, text), = cell.items()
        if type(text) is str:
            try:
                if tag == "b64":
                    return base64.b64decode(text, validate=True)
                if tag == "int":
                    value = int(text)
                    if -2 ** 63 <= value < 2 ** 63:
                        return value
                if tag == "real":
                    return float(text)
                if tag == "text_b64":
                    return RawText(base64.b64decode(text, validate=True))
            except ValueError:
                pass
    raise CellError(f"not a backup cell: {_short(cell)}")


def _short(cell) -> str:
    text = json.dumps(cell, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
