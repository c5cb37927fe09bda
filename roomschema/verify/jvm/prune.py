"""Leaving out the declarations of a Kotlin file that do not compile against the stubs.

A migration often shares its file with the app's ``@Database`` class, its DAOs, entities and
other code that needs the app's classes. Dropping the whole file loses the migrations with it;
instead, each compiler error is traced to the innermost declaration around it (a top-level
declaration, a member of a class, object or companion, an import line, one annotation), and
that declaration's text is blanked: every character but the line breaks becomes a space, so
what is left compiles at the same lines and columns, and compiler errors and stack traces
still name the user's FILE:LINE.

What is never blanked on its own: an ``override`` member or an ``init`` block (without it the
class would silently do something else, e.g. a Migration whose ``migrate`` is gone); those
take their class with them. A migration with an error of its own is blanked like any other
declaration and falls back to the static replay with that error as the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from roomschema.kotlin.results import KotlinExtractError
from roomschema.kotlin.syntax import ClassDecl, FunDecl, Parser, ParseError, ValDecl
from roomschema.kotlin.tokens import TokenStream, is_ident, is_op

_DECL_KEYWORDS = ("fun", "val", "var", "class", "object", "interface", "typealias", "constructor", "init")
_BODY_KINDS = ("class", "object", "companion", "interface")


@dataclass(eq=False)
class Span:
    """A piece of the source that can be left out: ``text[start:end]``."""

    start: int
    end: int
    line: int
    end_line: int
    kind: str                       # import, annotation, declaration
    name: Optional[str] = None      # the declared name (a function, val, class)
    sticky: bool = False            # leaving it out changes its owner: leave out the owner instead
    parent: Optional["Span"] = None
    children: list = field(default_factory=list)


@dataclass
class Outline:
    """A Kotlin file's declarations as spans, for finding what holds an error."""

    text: str
    spans: list
    _line_starts: list

    def offset(self, line: int, column: int) -> int:
        """The offset of 1-based ``line``:``column`` (columns past the line's end stay on it)."""
        if not 1 <= line <= len(self._line_starts):
            return -1
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return min(start + max(column - 1, 0), max(end, start))

    def holder(self, line: int, column: int) -> Optional[Span]:
        """The innermost span around ``line``:``column`` that can be left out, or None (the
        package line, an error between declarations): then the whole file goes."""
        at = self.offset(line, column)
        if at < 0:
            return None
        found: Optional[Span] = None
        level = self.spans
        while True:
            inner = next((s for s in level if s.start <= at < s.end), None)
            if inner is None:
                break
            found = inner
            level = inner.children
        while found is not None and found.sticky:
            found = found.parent
        return found

    def find(self, name: str) -> list:
        """Every declaration span named ``name``, at any depth."""
        out, stack = [], list(self.spans)
        while stack:
            s = stack.pop()
            if s.name == name and s.kind == "declaration":
                out.append(s)
            stack.extend(s.children)
        return out


def blank(text: str, spans) -> str:
    """``text`` with every span's characters but line breaks turned into spaces."""
    chars = list(text)
    for s in spans:
        for i in range(s.start, min(s.end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def normalized(text: str) -> str:
    """The text as kotlinc (and the lexer) read it: line breaks are ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def outline(text: str, filename: str) -> Outline:
    """The declarations of Kotlin source ``text`` (already ``normalized``). Raises
    ``KotlinExtractError`` when it cannot be lexed (then the file is kept or dropped whole)."""
    stream = TokenStream(text, filename)
    parser = Parser(stream.t, stream.match)
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return Outline(text, _level(parser, text, 0, len(parser.t), None, len(text)), starts)


def _end(parser: Parser, k: int, limit: int) -> int:
    return parser.t[k].pos if k < len(parser.t) else limit


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _annotation_end(parser: Parser, i: int, hi: int) -> int:
    """Past the one annotation at ``i`` (``@Name``, ``@a.b.Name``, ``@get:Name``, with its arguments)."""
    return parser.skip_annotations(i, min(hi, _next_at(parser, i + 1, hi)))


def _next_at(parser: Parser, i: int, hi: int) -> int:
    """The next ``@`` at this bracket depth from ``i``, or ``hi``: where the annotation at ``i - 1`` ends at the latest."""
    k = i
    while k < hi:
        t = parser.t[k]
        if is_op(t, "@"):
            return k
        if is_op(t, "(", "[", "{"):
            k = parser.m[k]
        k += 1
    return hi


def _name(node) -> Optional[str]:
    if isinstance(node, (FunDecl, ClassDecl)):
        return node.name
    if isinstance(node, ValDecl) and len(node.names) == 1:
        return node.names[0]
    return None


def _keyword(parser: Parser, i: int, k: int) -> int:
    """The index of the declaration's keyword (``fun``, ``val``, ``class``...) in ``i..k``, or -1."""
    j = parser.skip_annotations(i, k)
    while j < k and parser.t[j].kind == "ident":
        if parser.t[j].value in _DECL_KEYWORDS:
            return j
        j = parser.skip_annotations(j + 1, k)
    return -1


def _level(parser: Parser, text: str, lo: int, hi: int, owner: Optional[Span], limit: int) -> list:
    out: list = []
    i = lo
    while i < hi:
        if is_op(parser.t[i], ";"):
            i += 1
            continue
        try:
            node, k = parser.statement(i, hi)
        except (ParseError, KeyError, IndexError):
            node, k = None, max(parser.skip_statement(i, hi), i + 1)
        k = min(max(k, i + 1), hi)
        start, end = parser.t[i].pos, _end(parser, k, limit)
        first = parser.skip_annotations(i, hi)
        if first < hi and is_ident(parser.t[first], "package"):
            i = k
            continue  # the package line (and @file: annotations) are the file's: an error there takes it all
        span = Span(start, end, parser.t[i].line, _line_of(text, max(end - 1, start)),
                    "import" if is_ident(parser.t[i], "import") else "declaration", _name(node), parent=owner)
        kw = _keyword(parser, i, k)
        if owner is not None:
            mods = {parser.t[j].value for j in range(i, kw if kw >= 0 else k) if parser.t[j].kind == "ident"}
            # Without an override or an init block the class still compiles, but does something else.
            span.sticky = "override" in mods or (kw >= 0 and parser.t[kw].value in ("init", "constructor")) or kw < 0
        # Each annotation before the keyword can go on its own (`@Database(entities = [AppEntity::class])`).
        j = i
        while j < (kw if kw >= 0 else i) and is_op(parser.t[j], "@"):
            e = _annotation_end(parser, j, kw)
            if e <= j:
                break
            a_end = _end(parser, e, limit)
            span.children.append(Span(parser.t[j].pos, a_end, parser.t[j].line,
                                      _line_of(text, max(a_end - 1, parser.t[j].pos)), "annotation",
                                      parent=span))
            j = e
        if isinstance(node, ClassDecl) and node.kind in _BODY_KINDS and is_op(parser.t[k - 1], "}"):
            open_ = parser.m[k - 1]
            span.children += _level(parser, text, open_ + 1, k - 1, span, _end(parser, k - 1, limit))
        out.append(span)
        i = k
    return out


__all__ = ["KotlinExtractError", "Outline", "Span", "blank", "normalized", "outline"]
