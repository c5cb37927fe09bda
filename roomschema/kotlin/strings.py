"""Kotlin's own string functions, with the JVM definition of whitespace they use, and the
inverse of the lexer: writing a ``"..."`` literal for a given value.

The extractor must produce exactly the text Kotlin produces at run time, so these follow the
Kotlin standard library's definitions, not Python's look-alikes.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

_JAVA_WHITESPACE_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")


def _is_ws(ch: str) -> bool:
    # Kotlin/JVM Char.isWhitespace = Character.isWhitespace || Character.isSpaceChar. Python's
    # str.isspace differs (it counts U+0085 and excludes nothing Kotlin counts), hence this.
    return ch in _JAVA_WHITESPACE_CONTROLS or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _is_blank(s: str) -> bool:
    return all(_is_ws(c) for c in s)


def _lines(s: str) -> list[str]:
    # CharSequence.lines(): splits on CRLF, LF and CR.
    return re.split(r"\r\n|\n|\r", s)


def _reindent(lines: list[str], cut) -> str:
    last = len(lines) - 1
    out = []
    for i, line in enumerate(lines):
        if (i == 0 or i == last) and _is_blank(line):
            continue
        cut_line = cut(line)
        out.append(line if cut_line is None else cut_line)
    return "\n".join(out)


def _indent_width(line: str) -> int:
    for i, c in enumerate(line):
        if not _is_ws(c):
            return i
    return len(line)


def trim_indent(s: str) -> str:
    """Kotlin ``String.trimIndent()``."""
    lines = _lines(s)
    widths = [_indent_width(l) for l in lines if not _is_blank(l)]
    common = min(widths) if widths else 0
    return _reindent(lines, lambda line: line[common:])


def trim_margin(s: str, margin_prefix: str = "|") -> str:
    """Kotlin ``String.trimMargin(marginPrefix)``; raises ValueError for a blank prefix, as
    Kotlin throws IllegalArgumentException."""
    if _is_blank(margin_prefix):
        raise ValueError("marginPrefix must be non-blank string.")

    def cut(line: str) -> Optional[str]:
        first = next((i for i, c in enumerate(line) if not _is_ws(c)), -1)
        if first == -1:
            return None
        if line.startswith(margin_prefix, first):
            return line[first + len(margin_prefix):]
        return None

    return _reindent(_lines(s), cut)


def kotlin_trim(s: str) -> str:
    """Kotlin ``String.trim()``."""
    a, b = 0, len(s)
    while a < b and _is_ws(s[a]):
        a += 1
    while b > a and _is_ws(s[b - 1]):
        b -= 1
    return s[a:b]


def kotlin_string_literal(text: str) -> str:
    """A Kotlin ``"..."`` literal whose value is ``text`` (tests and callers use it to build
    sources; the extractor reads it back exactly)."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "$":
            out.append("${'$'}")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04x}")
        elif ord(ch) > 0xFFFF:
            # \u takes four digits: a supplementary character is written as its surrogate pair.
            units = ch.encode("utf-16-be")
            out.append(f"\\u{int.from_bytes(units[:2], 'big'):04x}\\u{int.from_bytes(units[2:], 'big'):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
