"""Find Room migrations in hand-written Kotlin and extract the SQL they run.

``roomschema verify --kotlin FILE`` replays that SQL against the exported schemas, so this
module must give back exactly the string Kotlin would pass to ``execSQL`` at run time, or say
plainly that it cannot. It does not compile Kotlin: it lexes it (strings, templates, comments,
brackets) and recognises a handful of shapes.

Recognised migrations (``Migration`` may be written ``androidx.room.migration.Migration``)::

    val MIGRATION_1_2 = object : Migration(1, 2) { override fun migrate(db: ...) { ... } }
    object Migration1To2 : Migration(1, 2) { ... }
    class M : Migration(startVersion = 1, endVersion = 2) { ... }
    val MIGRATION_1_2 = Migration(1, 2) { db -> ... }          # Room's factory function

Versions may be integer literals or names of integer ``val``/``const val`` in the same file.

Inside a migration body, in source order:

* ``x.execSQL(<sql>)`` (any receiver, ``?.``, or bare ``execSQL(..)`` inside ``with(db)``);
* ``foreignKeyCheck(db, "t")`` (roomschema's generated helper, and Room's own
  ``DBUtil.foreignKeyCheck``) as ``PRAGMA foreign_key_check(`t`)``.

``<sql>`` is verifiable when it is a compile-time constant built from string literals
(regular or raw), ``+``, parentheses, ``${'$'}``-style constant templates and
``.trimIndent()`` / ``.trimMargin()`` / ``.trim()``. Everything else is reported with
``sql=None``, the 1-based line and a reason, never guessed. So is anything that makes
"what runs" depend on run-time state: a call inside ``if``/``when``/a loop/a ``catch``/a
lambda that may run any number of times, a call after an early ``return``, a try block
whose errors are caught, writes that bypass ``execSQL`` (``insert``, ``update``, ``delete``,
``compileStatement``, a non-query ``prepare``), and the database object handed to another
function (the extractor does not follow calls).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

__all__ = [
    "ExtractedMigration",
    "ExtractedStatement",
    "KotlinExtractError",
    "extract_migrations",
    "unverifiable_messages",
    "kotlin_string_literal",
    "trim_indent",
    "trim_margin",
]


@dataclass(frozen=True)
class ExtractedStatement:
    sql: Optional[str]  # None when not verifiable
    line: int
    reason: Optional[str]  # why sql is None; None when sql is known


@dataclass(frozen=True)
class ExtractedMigration:
    start: int
    end: int
    name: Optional[str]
    line: int
    statements: tuple[ExtractedStatement, ...]


class KotlinExtractError(Exception):
    """The source cannot be read as Kotlin; the message is ``FILE:LINE: what is wrong``."""


# --------------------------------------------------------------------------------------------
# Kotlin's own string functions, with the JVM definition of whitespace they use.

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


# --------------------------------------------------------------------------------------------
# Lexer

@dataclass
class _Tok:
    kind: str  # ident, num, str, char, op
    value: object  # ident/op: str; num: str text; char: str; str: _Str
    line: int
    pos: int  # offset, for ordering and for nothing else


@dataclass
class _Template:
    # `$name` has tokens=None and name set; `${...}` has the tokens of the expression.
    name: Optional[str]
    tokens: Optional[list]
    line: int


@dataclass
class _Str:
    parts: list  # str or _Template
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


class _Lexer:
    def __init__(self, text: str, filename: str):
        self.s = text
        self.filename = filename
        self.n = len(text)
        self.line_starts = [0]
        for m in re.finditer("\n", text):
            self.line_starts.append(m.end())

    def line_of(self, pos: int) -> int:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def error(self, pos: int, what: str) -> KotlinExtractError:
        return KotlinExtractError(f"{self.filename}:{self.line_of(pos)}: {what}")

    def tokens(self, pos: int = 0, until_brace: bool = False) -> tuple[list, int]:
        """Lex from ``pos``. With ``until_brace`` (inside ``${...}``), stop at the ``}`` that
        closes the template and return the position after it."""
        s, n = self.s, self.n
        out: list[_Tok] = []
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
                out.append(_Tok("ident", s[pos + 1:end], self.line_of(pos), pos))
                pos = end + 1
            elif _is_ident_start(ch):
                end = pos + 1
                while end < n and _is_ident_part(s[end]):
                    end += 1
                out.append(_Tok("ident", s[pos:end], self.line_of(pos), pos))
                pos = end
            elif ch.isdigit():
                end = self._number_end(pos)
                out.append(_Tok("num", s[pos:end], self.line_of(pos), pos))
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
                out.append(_Tok("op", op, self.line_of(pos), pos))
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

    def _char(self, pos: int) -> tuple[_Tok, int]:
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
        return _Tok("char", _join_surrogates(value), self.line_of(pos), pos), i + 1

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

    def _string(self, pos: int) -> tuple[_Tok, int]:
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
                        parts.append(_Template(None, toks, tline))
                    else:
                        end = run + 1
                        if nxt == "`":
                            end = s.find("`", run + 1) + 1 or n
                        else:
                            while end < n and _is_ident_part(s[end]):
                                end += 1
                        parts.append(_Template(s[run:end], None, tline))
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
        return _Tok("str", _Str(parts, raw), self.line_of(pos), pos), i


# --------------------------------------------------------------------------------------------
# Constant evaluation of an argument expression

class _NotConstant(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_STRING_FUNCS = ("trimIndent", "trimMargin", "trim")


def _describe(tokens: list, limit: int = 40) -> str:
    text = []
    for t in tokens:
        if t.kind == "str":
            text.append('"..."')
        elif t.kind == "char":
            text.append("'.'")
        else:
            text.append(str(t.value))
    joined = ""
    for piece in text:
        if joined and (piece[:1].isalnum() or piece[:1] in "_\"'") and (joined[-1:].isalnum() or joined[-1:] in "_\"'"):
            joined += " "
        joined += piece
    return joined if len(joined) <= limit else joined[:limit - 3] + "..."


class _Eval:
    """Evaluates ``tokens[i:j]`` as a constant String (or Char/Int for templates)."""

    def __init__(self, tokens: list, match: dict):
        self.t = tokens
        self.match = match

    def value(self, i: int, j: int):
        if i >= j:
            raise _NotConstant("empty argument")
        val, k = self._sum(i, j)
        if k != j:
            raise _NotConstant(f"`{_describe(self.t[k:j])}` is not a string literal")
        return val

    def _sum(self, i: int, j: int):
        val, k = self._postfix(i, j)
        while k < j and _is_op(self.t[k], "+"):
            right, k = self._postfix(k + 1, j)
            # String.plus(Any?) concatenates; Char + Int and Int + Int are arithmetic, not text.
            if not isinstance(val, _Value):
                raise _NotConstant("arithmetic in the SQL argument")
            val = _Value(val + str(right))
        return val, k

    def _postfix(self, i: int, j: int):
        val, k = self._primary(i, j)
        while k < j and _is_op(self.t[k], ".", "?."):
            if k + 1 >= j or self.t[k + 1].kind != "ident":
                raise _NotConstant(f"`{_describe(self.t[i:j])}` is not a string literal")
            name = self.t[k + 1].value
            if name == "format":
                raise _NotConstant("SQL built with String.format")
            if name not in _STRING_FUNCS or not isinstance(val, _Value):
                raise _NotConstant(f"calls .{name}(...) on the SQL text")
            if k + 2 >= j or self.t[k + 2].kind != "op" or self.t[k + 2].value != "(":
                raise _NotConstant(f"uses .{name} without calling it")
            close = self.match[k + 2]
            args = _split_args(self.t, k + 3, close)
            if name == "trimMargin":
                prefix = "|"
                if len(args) > 1:
                    raise _NotConstant("trimMargin with more than one argument")
                if args:
                    a, b = args[0]
                    a = _skip_named(self.t, a, b, "marginPrefix")
                    prefix = self.value(a, b)
                    if not isinstance(prefix, _Value):
                        raise _NotConstant("trimMargin prefix is not a string")
                try:
                    val = _Value(trim_margin(str(val), str(prefix)))
                except ValueError as e:
                    raise _NotConstant(f"trimMargin throws at run time: {e}") from None
            else:
                if args:
                    raise _NotConstant(f".{name}(...) with arguments")
                val = _Value(trim_indent(str(val)) if name == "trimIndent" else _kotlin_trim(str(val)))
            k = close + 1
        return val, k

    def _primary(self, i: int, j: int):
        t = self.t[i]
        if t.kind == "str":
            return _Value(self._string(t.value)), i + 1
        if t.kind == "char":
            return _Char(t.value), i + 1
        if t.kind == "num":
            text = t.value.replace("_", "")
            if re.fullmatch(r"\d+", text):
                return int(text), i + 1
            raise _NotConstant(f"the number {t.value} is not SQL text")
        if t.kind == "op" and t.value == "(":
            close = self.match[i]
            if close >= j:
                raise _NotConstant("unbalanced parentheses")
            return self.value(i + 1, close), close + 1
        if t.kind == "ident":
            follow = self.t[i + 1] if i + 1 < j else None
            if follow is not None and follow.kind == "op" and follow.value == "(":
                return self._raise_call(i)
            if follow is not None and follow.kind == "op" and follow.value in (".", "?.") and i + 2 < j:
                nxt = self.t[i + 2]
                if nxt.kind == "ident" and nxt.value == "format":
                    raise _NotConstant("SQL built with String.format")
            raise _NotConstant(f"SQL comes from `{_describe(self.t[i:j])}`, not a string literal")
        raise _NotConstant(f"`{_describe(self.t[i:j])}` is not a string literal")

    def _raise_call(self, i: int):
        name = self.t[i].value
        if name == "buildString":
            raise _NotConstant("SQL built with buildString")
        raise _NotConstant(f"SQL built by calling {name}(...)")

    def _string(self, s: _Str) -> str:
        out = []
        for p in s.parts:
            if isinstance(p, str):
                out.append(p)
            elif p.tokens is None:
                raise _NotConstant(f"string template ${p.name}")
            else:
                try:
                    match = _match_brackets(p.tokens, None)
                    v = _Eval(p.tokens, match).value(0, len(p.tokens))
                except (_NotConstant, KotlinExtractError):
                    raise _NotConstant("string template ${" + _describe(p.tokens) + "}") from None
                out.append(str(v))
        return "".join(out)


class _Value(str):
    pass


class _Char(str):
    pass


def _kotlin_trim(s: str) -> str:
    a, b = 0, len(s)
    while a < b and _is_ws(s[a]):
        a += 1
    while b > a and _is_ws(s[b - 1]):
        b -= 1
    return s[a:b]


# --------------------------------------------------------------------------------------------
# Structure

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}


def _match_brackets(tokens: list, lexer: Optional[_Lexer]) -> dict:
    match: dict[int, int] = {}
    stack: list[int] = []
    for idx, t in enumerate(tokens):
        if t.kind != "op":
            continue
        if t.value in _OPEN:
            stack.append(idx)
        elif t.value in _CLOSE:
            if not stack or tokens[stack[-1]].value != _CLOSE[t.value]:
                what = f"unmatched '{t.value}'"
                if lexer is None:
                    raise KotlinExtractError(what)
                raise KotlinExtractError(f"{lexer.filename}:{t.line}: {what}")
            o = stack.pop()
            match[o] = idx
            match[idx] = o
    if stack:
        t = tokens[stack[-1]]
        what = f"'{t.value}' is never closed"
        if lexer is None:
            raise KotlinExtractError(what)
        raise KotlinExtractError(f"{lexer.filename}:{t.line}: {what}")
    return match


def _split_args(tokens: list, i: int, close: int) -> list[tuple[int, int]]:
    """Top-level comma-separated ranges in tokens[i:close] (all brackets are balanced, so a
    depth counter is enough); a trailing comma adds no argument."""
    args = []
    depth = 0
    start = i
    for k in range(i, close):
        t = tokens[k]
        if t.kind == "op":
            if t.value in _OPEN:
                depth += 1
            elif t.value in _CLOSE:
                depth -= 1
            elif t.value == "," and depth == 0:
                args.append((start, k))
                start = k + 1
    if start < close:
        args.append((start, close))
    return args


def _named(tokens: list, a: int, b: int) -> Optional[str]:
    if b - a >= 2 and tokens[a].kind == "ident" and tokens[a + 1].kind == "op" and tokens[a + 1].value == "=":
        return tokens[a].value
    return None


def _skip_named(tokens: list, a: int, b: int, name: str) -> int:
    return a + 2 if _named(tokens, a, b) == name else a


def _is_op(t: Optional[_Tok], *values: str) -> bool:
    return t is not None and t.kind == "op" and t.value in values


def _is_ident(t: Optional[_Tok], *values: str) -> bool:
    return t is not None and t.kind == "ident" and (not values or t.value in values)


_CONTROL_KEYWORDS = {"if": "if", "while": "a while loop", "for": "a for loop", "when": "when",
                     "catch": "a catch block"}
# Lambdas these functions take run exactly once, in place.
_RUN_ONCE = {"run", "apply", "also", "let", "with", "use", "synchronized", "transaction",
             "runInTransaction", "withTransaction", "immediateTransaction", "exclusiveTransaction",
             "requireNotNull", "checkNotNull"}
# Calls that receive the database object without running SQL we would miss.
_HARMLESS_DB_USERS = {"with", "run", "let", "also", "apply", "requireNotNull", "checkNotNull",
                      "println", "print", "check", "require", "synchronized"}
_KEYWORDS = {"if", "while", "for", "when", "catch", "return", "throw", "super", "this", "is", "in",
             "as", "fun", "object", "constructor", "init"}
_DB_WRITES = {"insert", "update", "delete", "compileStatement", "execPerConnectionSQL",
              "insertWithOnConflict", "replace", "updateWithOnConflict", "executeSQL"}
_FK_CHECK = "foreignKeyCheck"


class _Analyzer:
    def __init__(self, source: str, filename: str):
        text = source.replace("\r\n", "\n").replace("\r", "\n")  # as kotlinc reads sources
        self.lexer = _Lexer(text, filename)
        self.filename = filename
        self.t, _ = self.lexer.tokens()
        self.match = _match_brackets(self.t, self.lexer)
        # parent[i]: the innermost open bracket around token i (-1 at top level), so finding
        # the blocks around a call is a walk up, not a scan back through the file.
        self.parent = []
        stack = [-1]
        for idx, tok in enumerate(self.t):
            if tok.kind == "op" and tok.value in _CLOSE:
                stack.pop()
            self.parent.append(stack[-1])
            if tok.kind == "op" and tok.value in _OPEN:
                stack.append(idx)
        self.constants = self._int_constants()

    def tok(self, i: int) -> Optional[_Tok]:
        return self.t[i] if 0 <= i < len(self.t) else None

    def err(self, tok: _Tok, what: str) -> KotlinExtractError:
        return KotlinExtractError(f"{self.filename}:{tok.line}: {what}")

    # ---- constants for versions --------------------------------------------------------
    def _int_constants(self) -> dict[str, Optional[int]]:
        found: dict[str, Optional[int]] = {}
        t = self.t
        for i in range(len(t) - 3):
            if _is_ident(t[i], "val") and t[i + 1].kind == "ident":
                k = i + 2
                if _is_op(t[k], ":") and _is_ident(self.tok(k + 1)):
                    k += 2
                if _is_op(self.tok(k), "=") and self.tok(k + 1) is not None and t[k + 1].kind == "num":
                    after = self.tok(k + 2)
                    if after is not None and after.line == t[k + 1].line and _is_op(
                            after, "+", "-", "*", "/", ".", "..", "?:"):
                        continue  # an expression, not a plain number
                    text = t[k + 1].value.replace("_", "")
                    if re.fullmatch(r"\d+", text):
                        name = t[i + 1].value
                        value = int(text)
                        found[name] = value if found.get(name, value) == value else None
        return found

    def _version(self, a: int, b: int) -> Optional[int]:
        t = self.t
        if b - a == 1 and t[a].kind == "num" and re.fullmatch(r"\d+", t[a].value.replace("_", "")):
            return int(t[a].value.replace("_", ""))
        # NAME or Outer.NAME naming an integer val in this file.
        if b - a >= 1 and t[b - 1].kind == "ident" and all(
                (k - a) % 2 == 0 and t[k].kind == "ident" or (k - a) % 2 == 1 and _is_op(t[k], ".")
                for k in range(a, b)):
            return self.constants.get(t[b - 1].value)
        return None

    # ---- migration sites -----------------------------------------------------------------
    def migrations(self) -> list[ExtractedMigration]:
        out = []
        t = self.t
        for i, tok in enumerate(t):
            if not (tok.kind == "ident" and tok.value == "Migration" and _is_op(self.tok(i + 1), "(")):
                continue
            if not self._is_room_migration_name(i):
                continue
            site = self._site(i)
            if site is not None:
                out.append(site)
        return out

    def _is_room_migration_name(self, i: int) -> bool:
        prev = self.tok(i - 1)
        if _is_ident(prev, "fun", "class", "interface", "object", "typealias"):
            return False  # a declaration of something called Migration
        if _is_op(prev, ".", "?."):
            parts = []
            k = i - 1
            while _is_op(self.tok(k), ".") and _is_ident(self.tok(k - 1)):
                parts.append(self.t[k - 1].value)
                k -= 2
            return list(reversed(parts)) == ["androidx", "room", "migration"] and not _is_op(self.tok(k), ".", "?.")
        return True

    def _first_of_name(self, i: int) -> int:
        # Start of `androidx.room.migration.Migration` when qualified.
        k = i
        while _is_op(self.tok(k - 1), ".") and _is_ident(self.tok(k - 2)):
            k -= 2
        return k

    def _site(self, i: int) -> Optional[ExtractedMigration]:
        t = self.t
        open_paren = i + 1
        close_paren = self.match[open_paren]
        args = _split_args(t, open_paren + 1, close_paren)
        start_tok = self._first_of_name(i)
        prev = self.tok(start_tok - 1)

        positional = []
        named: dict[str, tuple[int, int]] = {}
        lambda_arg: Optional[int] = None
        for a, b in args:
            name = _named(t, a, b)
            if name is not None:
                named[name] = (a + 2, b)
                if name == "migrate" and _is_op(t[a + 2], "{"):
                    lambda_arg = a + 2
            elif _is_op(t[a], "{") and self.match[a] == b - 1:
                lambda_arg = a
            else:
                positional.append((a, b))
        start_rng = named.get("startVersion") or (positional[0] if positional else None)
        end_rng = named.get("endVersion") or (
            positional[1] if len(positional) > 1 else positional[0] if "startVersion" in named and positional else None)

        if _is_op(prev, ":"):
            body_kind = "declaration"
            decl_name, class_params = self._declaration_name(start_tok - 1)
        else:
            body_kind = "call"
            decl_name, class_params = self._assigned_name(start_tok), set()

        start = self._version(*start_rng) if start_rng else None
        end = self._version(*end_rng) if end_rng else None

        if body_kind == "declaration":
            body = self._class_body(close_paren + 1)
            statements = self._class_statements(body) if body else ()
        else:
            if lambda_arg is None and _is_op(self.tok(close_paren + 1), "{"):
                lambda_arg = close_paren + 1
            if lambda_arg is None:
                if start is None or end is None:
                    return None
                statements = (ExtractedStatement(
                    None, t[i].line,
                    "the migration body is not a lambda written here, so its SQL cannot be read"),)
            else:
                statements = self._lambda_statements(lambda_arg)

        if start is None or end is None:
            version_names = {t[k].value for rng in (start_rng, end_rng) if rng for k in range(*rng)
                             if t[k].kind == "ident"}
            if version_names & class_params or not statements:
                return None  # a reusable base class, or nothing to verify
            raise self.err(t[i], "cannot tell the versions of this Migration: write them as integer "
                                 "literals or integer vals of this file")
        return ExtractedMigration(start, end, decl_name, t[i].line, tuple(statements))

    def _declaration_name(self, colon: int) -> tuple[Optional[str], set]:
        """`object NAME :`, `class NAME(...) :` or anonymous `object :`."""
        t = self.t
        k = colon - 1
        params: set = set()
        if _is_ident(self.tok(k), "object"):
            return self._assigned_name(k), params
        if _is_op(self.tok(k), ")"):
            o = self.match[k]
            params = {t[m].value for m in range(o + 1, k)
                      if t[m].kind == "ident" and _is_op(self.tok(m + 1), ":")}
            k = o - 1
            if _is_ident(self.tok(k), "constructor"):
                # `class M @Inject internal constructor(...)`: step over modifiers and annotations.
                k -= 1
                while k >= 0:
                    o2 = self.match[k] if _is_op(t[k], ")") else -1
                    if o2 >= 0 and _is_ident(self.tok(o2 - 1)) and _is_op(self.tok(o2 - 2), "@"):
                        k = o2 - 3
                    elif _is_ident(t[k]) and _is_op(self.tok(k - 1), "@"):
                        k -= 2
                    elif _is_ident(t[k], "private", "public", "internal", "protected"):
                        k -= 1
                    else:
                        break
        if _is_op(self.tok(k), ">"):
            depth = 0
            while k >= 0:
                if _is_op(t[k], ">"):
                    depth += 1
                elif _is_op(t[k], "<"):
                    depth -= 1
                    if depth == 0:
                        k -= 1
                        break
                k -= 1
        if _is_ident(self.tok(k)) and _is_ident(self.tok(k - 1), "class", "object"):
            return t[k].value, params
        return None, params

    def _assigned_name(self, k: int) -> Optional[str]:
        """`val NAME = <k>` or `val NAME: Type = <k>`."""
        if not _is_op(self.tok(k - 1), "="):
            return None
        m = k - 2
        if not (_is_ident(self.tok(m)) and _is_ident(self.tok(m - 1), "val", "var")):
            # a type annotation: `: Migration`, `: androidx.room.migration.Migration`
            while _is_ident(self.tok(m)) or _is_op(self.tok(m), ".", "?"):
                m -= 1
            if not _is_op(self.tok(m), ":"):
                return None
            m -= 1
        if _is_ident(self.tok(m)) and _is_ident(self.tok(m - 1), "val", "var"):
            return self.t[m].value
        return None

    def _class_body(self, k: int) -> Optional[tuple[int, int]]:
        """The `{...}` after the supertype list, if any, before the declaration ends."""
        t = self.t
        while k < len(t):
            tok = t[k]
            if _is_op(tok, "{"):
                return k, self.match[k]
            if _is_op(tok, "(", "["):
                k = self.match[k] + 1
                continue
            if _is_op(tok, ",", ".", "<", ">", "?") or tok.kind == "ident" and tok.value not in (
                    "val", "var", "fun", "class", "object", "interface", "private", "internal", "public"):
                if tok.kind == "ident" and k > 0 and tok.line != t[k - 1].line and not _is_op(t[k - 1], ",", "."):
                    return None
                k += 1
                continue
            return None
        return None

    # ---- statements -----------------------------------------------------------------------
    def _class_statements(self, body: tuple[int, int]) -> tuple[ExtractedStatement, ...]:
        t = self.t
        lo, hi = body
        k = lo + 1
        while k < hi:
            if _is_ident(t[k], "fun") and _is_ident(self.tok(k + 1), "migrate") and _is_op(self.tok(k + 2), "("):
                po = k + 2
                pc = self.match[po]
                db_names = {t[m].value for m in range(po + 1, pc)
                            if t[m].kind == "ident" and _is_op(self.tok(m + 1), ":")}
                after = pc + 1
                if _is_op(self.tok(after), ":"):  # `: Unit`
                    after += 2
                if _is_op(self.tok(after), "{"):
                    return self._statements(after + 1, self.match[after], db_names)
                if _is_op(self.tok(after), "="):
                    return self._statements(after + 1, self._expression_end(after + 1, hi), db_names)
            if _is_op(t[k], "{", "(", "["):
                k = self.match[k] + 1
                continue
            k += 1
        return ()

    def _expression_end(self, k: int, limit: int) -> int:
        # An expression body runs to the end of its line, or further inside brackets.
        t = self.t
        line = t[k].line if k < limit else 0
        while k < limit:
            if _is_op(t[k], "{", "(", "["):
                k = self.match[k] + 1
                continue
            if t[k].line != line and not _is_op(t[k], ".", "?.", "+"):
                break
            line = t[k].line
            k += 1
        return k

    def _lambda_statements(self, brace: int) -> tuple[ExtractedStatement, ...]:
        t = self.t
        close = self.match[brace]
        k = brace + 1
        names: set = set()
        # `{ db -> ...}` / `{ db: SupportSQLiteDatabase -> ...}`; without an arrow it is `it`.
        m = k
        while m < close and (t[m].kind == "ident" or _is_op(t[m], ":", ",", ".", "?")):
            m += 1
        if m < close and _is_op(t[m], "->"):
            names = {t[p].value for p in range(k, m) if t[p].kind == "ident" and not _is_op(self.tok(p - 1), ":", ".")}
            k = m + 1
        else:
            names = {"it"}
        return self._statements(k, close, names)

    def _statements(self, lo: int, hi: int, db_names: set) -> tuple[ExtractedStatement, ...]:
        t = self.t
        out: list[ExtractedStatement] = []
        early_return: Optional[int] = None
        k = lo
        while k < hi:
            tok = t[k]
            if (_is_ident(tok, "return") and early_return is None and not _is_op(self.tok(k + 1), "@")
                    and self._enclosing_lambda_or_fun(k, lo) is None):
                early_return = tok.line
            if tok.kind == "ident" and tok.value == "fun" and _is_ident(self.tok(k + 1)):
                # A local function: its body runs only if called, and calls are not followed.
                k = self._skip_local_fun(k, hi)
                continue
            if tok.kind == "ident" and _is_op(self.tok(k + 1), "("):
                st = self._call(k, lo, db_names)
                if st is not None:
                    if st.sql is not None and early_return is not None:
                        st = ExtractedStatement(
                            None, st.line, f"runs only if the early return at line {early_return} is not taken")
                    out.append(st)
            k += 1
        return tuple(out)

    def _skip_local_fun(self, k: int, hi: int) -> int:
        t = self.t
        m = k + 1
        while m < hi and not _is_op(t[m], "{", "="):
            if _is_op(t[m], "(", "["):
                m = self.match[m]
            m += 1
        if m < hi and _is_op(t[m], "{"):
            return self.match[m] + 1
        return self._expression_end(m + 1, hi) if m < hi else hi

    def _call(self, k: int, lo: int, db_names: set) -> Optional[ExtractedStatement]:
        t = self.t
        name = t[k].value
        open_p = k + 1
        close_p = self.match[open_p]
        prev = self.tok(k - 1)
        receiver = _is_op(prev, ".", "?.")
        if _is_ident(prev, "fun") or name in _KEYWORDS:
            return None
        args = _split_args(t, open_p + 1, close_p)
        line = t[k].line

        if name == "execSQL" and not _is_op(prev, "::"):
            if not args:
                return ExtractedStatement(None, line, "execSQL() without an argument")
            a, b = args[0]
            a = _skip_named(t, a, b, "sql")
            if len(args) > 1:
                return self._conditional(k, lo, ExtractedStatement(
                    None, line, "execSQL with bind arguments: the bound values are only known at run time"))
            return self._conditional(k, lo, self._sql_statement(a, b, line))

        if name == _FK_CHECK and (not receiver or self._receiver_is(k, "DBUtil")):
            if len(args) != 2:
                return None
            a, b = args[1]
            a = _skip_named(t, a, b, "tableName")
            try:
                table = _Eval(t, self.match).value(a, b)
            except _NotConstant as e:
                return self._conditional(k, lo, ExtractedStatement(
                    None, line, f"foreign key check of a table not known at compile time: {e.reason}"))
            if not isinstance(table, _Value):
                return self._conditional(k, lo, ExtractedStatement(
                    None, line, "foreign key check of a table that is not a string"))
            sql = "PRAGMA foreign_key_check(`" + str(table).replace("`", "``") + "`)"
            return self._conditional(k, lo, ExtractedStatement(sql, line, None))

        on_db = receiver and _is_ident(self.tok(k - 2)) and self.t[k - 2].value in db_names
        if on_db and name in _DB_WRITES:
            return self._conditional(k, lo, ExtractedStatement(
                None, line, f"{name}(...) changes the database outside execSQL; roomschema cannot replay it"),
                force=True)
        if on_db and name == "prepare" and args:
            a, b = args[0]
            try:
                sql = _Eval(t, self.match).value(a, b)
            except _NotConstant:
                sql = None
            if isinstance(sql, str) and _read_only(sql):
                return None
            return self._conditional(k, lo, ExtractedStatement(
                None, line, "prepare(...) runs a statement outside execSQL; roomschema cannot replay it"),
                force=True)

        if name not in _HARMLESS_DB_USERS and not (receiver and name in ("query", "rawQuery")):
            for a, b in args:
                a2 = a + 2 if _named(t, a, b) else a
                if b - a2 == 1 and t[a2].kind == "ident" and t[a2].value in db_names:
                    return ExtractedStatement(
                        None, line, f"passes `{t[a2].value}` to {name}(...); statements run there are not extracted")
        return None

    def _receiver_is(self, k: int, name: str) -> bool:
        return _is_op(self.tok(k - 1), ".") and _is_ident(self.tok(k - 2), name)

    def _sql_statement(self, a: int, b: int, line: int) -> ExtractedStatement:
        try:
            value = _Eval(self.t, self.match).value(a, b)
        except _NotConstant as e:
            return ExtractedStatement(None, line, e.reason)
        if not isinstance(value, _Value):
            return ExtractedStatement(None, line, "the execSQL argument is not a String")
        return ExtractedStatement(str(value), line, None)

    # ---- control flow ---------------------------------------------------------------------
    def _conditional(self, k: int, lo: int, st: ExtractedStatement, force: bool = False) -> ExtractedStatement:
        if st.sql is None and not force:
            return st
        why = self._condition(k, lo)
        if why is None:
            return st
        if st.sql is None:
            return ExtractedStatement(None, st.line, f"{st.reason}; it also runs {why}")
        return ExtractedStatement(
            None, st.line, f"runs {why}, so whether and how often it runs is known only at run time")

    def _statement_start(self, k: int) -> int:
        """First token of the postfix chain that ends in the call named at ``k``."""
        t = self.t
        m = k
        while True:
            if _is_op(self.tok(m - 1), ".", "?."):
                p = m - 2
                if _is_op(self.tok(p), "!!"):
                    p -= 1
                if _is_op(self.tok(p), ")", "]"):
                    p = self.match[p]
                    if _is_ident(self.tok(p - 1)):
                        p -= 1
                elif not _is_ident(self.tok(p)):
                    return m
                m = p
            else:
                return m

    def _condition(self, k: int, lo: int) -> Optional[str]:
        t = self.t
        # A braceless branch: `if (c) db.execSQL(..)`, `else db.execSQL(..)`, `x -> db.execSQL(..)`.
        s = self._statement_start(k)
        before = self.tok(s - 1)
        if s - 1 >= lo:
            if _is_ident(before, "else"):
                return f"in the else branch at line {before.line}"
            if _is_ident(before, "do"):
                return f"in a do-while loop at line {before.line}"
            if _is_op(before, ")"):
                o = self.match[s - 1]
                kw = self.tok(o - 1)
                if _is_ident(kw) and kw.value in _CONTROL_KEYWORDS:
                    return f"inside {_CONTROL_KEYWORDS[kw.value]} at line {kw.line}"
            if _is_op(before, "->") and not self._is_lambda_arrow(s - 1):
                return f"in a when branch at line {before.line}"
        # Enclosing blocks up to the body.
        for brace in self._enclosing_braces(k, lo):
            why = self._block_kind(brace)
            if why is not None:
                return why
        return None

    def _enclosing_braces(self, k: int, lo: int) -> list[int]:
        found = []
        p = self.parent[k]
        while p >= lo:
            if self.t[p].value == "{":
                found.append(p)
            p = self.parent[p]
        return found

    def _enclosing_lambda_or_fun(self, k: int, lo: int) -> Optional[int]:
        for brace in self._enclosing_braces(k, lo):
            kind = self._block_kind(brace)
            if kind is not None and ("lambda" in kind or "function" in kind):
                return brace
        return None

    def _is_lambda_arrow(self, arrow: int) -> bool:
        t = self.t
        m = arrow - 1
        while m >= 0 and (t[m].kind == "ident" or _is_op(t[m], ",", ":", ".", "?", "<", ">")):
            m -= 1
        return m >= 0 and _is_op(t[m], "{") and not self._is_when_block(m)

    def _is_when_block(self, brace: int) -> bool:
        prev = self.tok(brace - 1)
        if _is_ident(prev, "when"):
            return True
        if _is_op(prev, ")"):
            return _is_ident(self.tok(self.match[brace - 1] - 1), "when")
        return False

    def _block_kind(self, brace: int) -> Optional[str]:
        """None when the block runs once, in order; else how it runs."""
        t = self.t
        prev = self.tok(brace - 1)
        line = t[brace].line
        if _is_ident(prev, "else"):
            return f"in the else branch at line {prev.line}"
        if _is_ident(prev, "do"):
            return f"in a do-while loop at line {prev.line}"
        if _is_ident(prev, "try"):
            if self._try_has_catch(brace):
                return f"in a try block at line {prev.line} whose errors are caught"
            return None
        if _is_ident(prev, "finally"):
            return None
        if _is_ident(prev, "when") or self._is_when_block(brace):
            return f"inside when at line {line}"
        if _is_op(prev, "->"):
            return f"in a when branch at line {prev.line}"
        if _is_op(prev, ")"):
            o = self.match[brace - 1]
            kw = self.tok(o - 1)
            if _is_ident(kw) and kw.value in _CONTROL_KEYWORDS:
                return f"inside {_CONTROL_KEYWORDS[kw.value]} at line {kw.line}"
            if _is_ident(kw) and _is_ident(self.tok(o - 2), "fun"):
                return f"in a local function at line {kw.line}"
            if _is_ident(kw):
                if kw.value in _RUN_ONCE:
                    return None
                return f"in a lambda passed to {kw.value}(...) at line {kw.line}"
            return f"in a lambda at line {line}"
        if _is_ident(prev) and prev.value in _RUN_ONCE:
            return None
        if _is_ident(prev) and not _is_ident(prev, "return"):
            # `forEach {`, `: Unit {` of a local function, and the like.
            return f"in a lambda passed to {prev.value} at line {prev.line}"
        # `= {`, `({`, `, {`, `return {`, or a bare `{ ... }` statement, which Kotlin reads as
        # a lambda that is never invoked.
        return f"in a lambda at line {line}"

    def _try_has_catch(self, brace: int) -> bool:
        after = self.match[brace] + 1
        return _is_ident(self.tok(after), "catch")


def _read_only(sql: str) -> bool:
    head = sql.lstrip().upper()
    return head.startswith("SELECT") or (head.startswith("PRAGMA") and "=" not in head)


def extract_migrations(source: str, filename: str = "<kotlin>") -> list[ExtractedMigration]:
    """Every Room ``Migration`` in ``source``, in source order, with the SQL it runs.

    Raises KotlinExtractError (``FILE:LINE: ...``) when the text cannot be lexed as Kotlin
    (unterminated string or comment, unbalanced brackets, illegal escape) or when a migration
    with SQL has versions that are not integer literals or integer vals of the file.
    """
    return _Analyzer(source, filename).migrations()


def unverifiable_messages(migrations: list[ExtractedMigration], filename: str) -> list[str]:
    """``FILE:LINE: <migration>: reason`` for every statement that cannot be verified."""
    out = []
    for m in migrations:
        label = f"{m.name or 'Migration'} ({m.start} -> {m.end})"
        for st in m.statements:
            if st.sql is None:
                out.append(f"{filename}:{st.line}: {label}: not verifiable: {st.reason}")
    return out
