"""Kotlin source text -> tokens: identifiers, numbers, operators, character literals and
strings (regular, raw and multi-dollar, with their escapes and ``$``/``${}`` templates).
Comments and whitespace are dropped; each token keeps its 1-based line for messages.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from roomschema.kotlin.results import KotlinExtractError


@dataclass
class Tok:
    kind: str  # ident, num, str, char, op
    value: object  # ident/op: str; num: str text; char: str; str: Str
    line: int
    pos: int  # offset, for ordering and for nothing else
    end_line: int = 0  # a raw string's last line (0: the same as ``line``)


@dataclass
class Template:
    # `$name` has tokens=None and name set; `${...}` has the tokens of the expression.
    name: Optional[str]
    tokens: Optional[list]
    line: int


@dataclass
class Str:
    parts: list  # str or Template
    raw: bool


_MULTI_OPS = ("?.", "?:", "::", "->", "..", "==", "!=", "<=", ">=", "&&", "||", "++", "--",
              "+=", "-=", "*=", "/=", "%=", "!!")
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "'": "'", '"': '"', "\\": "\\", "$": "$"}


def _is_ident_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def _is_ident_part(ch: str) -> bool:
    return ch == "_" or ch.isalnum()


def _join_surrogates(s: str) -> str:
    # `\uD83D\uDE00` in Kotlin is one character; Python keeps two surrogates unless rejoined.
    try:
        return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return s


class SourceText:
    """A source file's text and what both lexers (Kotlin, Java) need of it: lines and errors."""

    def __init__(self, text: str, filename: str):
        self.s = text
        self.filename = filename
        self.n = len(text)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def error(self, pos: int, what: str) -> KotlinExtractError:
        return KotlinExtractError(f"{self.filename}:{self.line_of(pos)}: {what}")


class Lexer(SourceText):

    def tokens(self, pos: int = 0, until_brace: bool = False) -> tuple[list, int]:
        """Lex from ``pos``. With ``until_brace`` (inside ``${...}``), stop at the ``}`` that
        closes the template and return the position after it."""
        s, n = self.s, self.n
        out: list[Tok] = []
        depth = 0
        start = pos
        while True:
            if pos >= n:
                if until_brace:
                    raise self.error(start, "unterminated ${ template in a string")
                return out, pos
            ch = s[pos]
            if ch in " \t\r\n\f\ufeff":
                pos += 1
            elif s.startswith("//", pos):
                nl = s.find("\n", pos)
                pos = n if nl == -1 else nl
            elif s.startswith("/*", pos):
                pos = self._block_comment(pos)
            elif ch == '"' or (ch == "$" and self._dollar_string_start(pos)):
                tok, pos = self._string(pos)
                out.append(tok)
            elif ch == "'":
                tok, pos = self._char(pos)
                out.append(tok)
            elif ch == "`":
                end = pos + 1
                while end < n and s[end] not in "`\n":
                    end += 1
                if end >= n or s[end] != "`":
                    raise self.error(pos, "unterminated `backquoted` identifier")
                out.append(Tok("ident", s[pos + 1:end], self.line_of(pos), pos))
                pos = end + 1
            elif _is_ident_start(ch):
                end = pos + 1
                while end < n and _is_ident_part(s[end]):
                    end += 1
                out.append(Tok("ident", s[pos:end], self.line_of(pos), pos))
                pos = end
            elif ch.isdigit():
                end = self._number_end(pos)
                out.append(Tok("num", s[pos:end], self.line_of(pos), pos))
                pos = end
            else:
                op = next((o for o in _MULTI_OPS if s.startswith(o, pos)), ch)
                if until_brace:
                    if op == "{":
                        depth += 1
                    elif op == "}":
                        if depth == 0:
                            return out, pos + 1
                        depth -= 1
                out.append(Tok("op", op, self.line_of(pos), pos))
                pos += len(op)

    def _block_comment(self, pos: int) -> int:
        # Kotlin block comments nest.
        depth = 0
        i = pos
        while i < self.n:
            if self.s.startswith("/*", i):
                depth += 1
                i += 2
            elif self.s.startswith("*/", i):
                depth -= 1
                i += 2
                if depth == 0:
                    return i
            else:
                i += 1
        raise self.error(pos, "unterminated /* comment */")

    def _number_end(self, pos: int) -> int:
        s, n = self.s, self.n
        m = re.compile(r"0[xX][0-9a-fA-F_]+|0[bB][01_]+").match(s, pos)
        if m:
            end = m.end()
        else:
            end = pos
            while end < n and (s[end].isdigit() or s[end] == "_"):
                end += 1
            if end + 1 < n and s[end] == "." and s[end + 1].isdigit():
                end += 1
                while end < n and (s[end].isdigit() or s[end] == "_"):
                    end += 1
            m = re.compile(r"[eE][+-]?\d[\d_]*").match(s, end)
            if m:
                end = m.end()
        while end < n and s[end] in "uUlLfF":
            end += 1
        return end

    def _dollar_string_start(self, pos: int) -> bool:
        # Multi-dollar interpolation (Kotlin 2.1+): $$"..." / $$"""...""".
        i = pos
        while i < self.n and self.s[i] == "$":
            i += 1
        return i < self.n and self.s[i] == '"'

    def _char(self, pos: int) -> tuple[Tok, int]:
        s = self.s
        i = pos + 1
        if i >= self.n or s[i] == "\n":
            raise self.error(pos, "unterminated character literal")
        if s[i] == "\\":
            value, i = self._escape(i)
        else:
            value, i = s[i], i + 1
        if i >= self.n or s[i] != "'":
            raise self.error(pos, "unterminated or too long character literal")
        return Tok("char", _join_surrogates(value), self.line_of(pos), pos), i + 1

    def _escape(self, i: int) -> tuple[str, int]:
        s = self.s
        if i + 1 >= self.n:
            raise self.error(i, "unterminated string")
        c = s[i + 1]
        if c in _ESCAPES:
            return _ESCAPES[c], i + 2
        if c == "u":
            digits = s[i + 2:i + 6]
            if len(digits) == 4 and all(d in "0123456789abcdefABCDEF" for d in digits):
                return chr(int(digits, 16)), i + 6
            raise self.error(i, "illegal unicode escape: \\u needs four hex digits")
        raise self.error(i, f"illegal escape: \\{c}")

    def _string(self, pos: int) -> tuple[Tok, int]:
        s, n = self.s, self.n
        dollars = 0
        i = pos
        while s[i] == "$":
            dollars += 1
            i += 1
        interp = max(dollars, 1)  # how many `$` start a template
        raw = s.startswith('"""', i)
        i += 3 if raw else 1
        parts: list = []
        buf: list[str] = []
        while True:
            if i >= n:
                raise self.error(pos, "unterminated raw string" if raw else "unterminated string")
            ch = s[i]
            if raw and s.startswith('"""', i):
                # `""""` closes the string after a quote of content: the last three close it.
                q = i
                while q < n and s[q] == '"':
                    q += 1
                buf.append('"' * (q - i - 3))
                i = q
                break
            if not raw and ch == '"':
                i += 1
                break
            if not raw and ch == "\n":
                raise self.error(pos, "unterminated string (a newline inside \"...\")")
            if not raw and ch == "\\":
                value, i = self._escape(i)
                buf.append(value)
                continue
            if ch == "$":
                run = i
                while run < n and s[run] == "$":
                    run += 1
                count = run - i
                nxt = s[run] if run < n else ""
                if count >= interp and (nxt == "{" or _is_ident_start(nxt) or nxt == "`"):
                    buf.append("$" * (count - interp))
                    if buf:
                        parts.append("".join(buf))
                        buf = []
                    tline = self.line_of(run - interp)
                    if nxt == "{":
                        toks, i = self.tokens(run + 1, until_brace=True)
                        parts.append(Template(None, toks, tline))
                    else:
                        end = run + 1
                        if nxt == "`":
                            end = s.find("`", run + 1) + 1 or n
                        else:
                            while end < n and _is_ident_part(s[end]):
                                end += 1
                        parts.append(Template(s[run:end], None, tline))
                        i = end
                    continue
                buf.append("$" * count)
                i = run
                continue
            buf.append(ch)
            i += 1
        if buf:
            parts.append("".join(buf))
        parts = [_join_surrogates(p) if isinstance(p, str) else p for p in parts]
        return Tok("str", Str(parts, raw), self.line_of(pos), pos, self.line_of(i - 1)), i

