"""Evaluating an argument expression as a compile-time constant String, as kotlinc would.

Only string literals, ``+``, parentheses, constant ``${...}`` templates and ``trimIndent()`` /
``trimMargin()`` / ``trim()`` are evaluated; anything else raises NotConstant with the reason
the user sees, because a guessed value would verify SQL that is not what runs.
"""
from __future__ import annotations

import re

from roomschema.kotlin.lexer import Str
from roomschema.kotlin.results import KotlinExtractError
from roomschema.kotlin.strings import kotlin_trim, trim_indent, trim_margin
from roomschema.kotlin.tokens import is_op, match_brackets, skip_named, split_args

class NotConstant(Exception):
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


class Evaluator:
    """Evaluates ``tokens[i:j]`` as a constant String (or Char/Int for templates)."""

    def __init__(self, tokens: list, match: dict):
        self.t = tokens
        self.match = match

    def value(self, i: int, j: int):
        if i >= j:
            raise NotConstant("empty argument")
        val, k = self._sum(i, j)
        if k != j:
            raise NotConstant(f"`{_describe(self.t[k:j])}` is not a string literal")
        return val

    def _sum(self, i: int, j: int):
        val, k = self._postfix(i, j)
        while k < j and is_op(self.t[k], "+"):
            right, k = self._postfix(k + 1, j)
            # String.plus(Any?) concatenates; Char + Int and Int + Int are arithmetic, not text.
            if not isinstance(val, StringValue):
                raise NotConstant("arithmetic in the SQL argument")
            val = StringValue(val + str(right))
        return val, k

    def _postfix(self, i: int, j: int):
        val, k = self._primary(i, j)
        while k < j and is_op(self.t[k], ".", "?."):
            if k + 1 >= j or self.t[k + 1].kind != "ident":
                raise NotConstant(f"`{_describe(self.t[i:j])}` is not a string literal")
            name = self.t[k + 1].value
            if name == "format":
                raise NotConstant("SQL built with String.format")
            if name not in _STRING_FUNCS or not isinstance(val, StringValue):
                raise NotConstant(f"calls .{name}(...) on the SQL text")
            if k + 2 >= j or self.t[k + 2].kind != "op" or self.t[k + 2].value != "(":
                raise NotConstant(f"uses .{name} without calling it")
            close = self.match[k + 2]
            args = split_args(self.t, k + 3, close)
            if name == "trimMargin":
                prefix = "|"
                if len(args) > 1:
                    raise NotConstant("trimMargin with more than one argument")
                if args:
                    a, b = args[0]
                    a = skip_named(self.t, a, b, "marginPrefix")
                    prefix = self.value(a, b)
                    if not isinstance(prefix, StringValue):
                        raise NotConstant("trimMargin prefix is not a string")
                try:
                    val = StringValue(trim_margin(str(val), str(prefix)))
                except ValueError as e:
                    raise NotConstant(f"trimMargin throws at run time: {e}") from None
            else:
                if args:
                    raise NotConstant(f".{name}(...) with arguments")
                val = StringValue(trim_indent(str(val)) if name == "trimIndent" else kotlin_trim(str(val)))
            k = close + 1
        return val, k

    def _primary(self, i: int, j: int):
        t = self.t[i]
        if t.kind == "str":
            return StringValue(self._string(t.value)), i + 1
        if t.kind == "char":
            return CharValue(t.value), i + 1
        if t.kind == "num":
            text = t.value.replace("_", "")
            if re.fullmatch(r"\d+", text):
                return int(text), i + 1
            raise NotConstant(f"the number {t.value} is not SQL text")
        if t.kind == "op" and t.value == "(":
            close = self.match[i]
            if close >= j:
                raise NotConstant("unbalanced parentheses")
            return self.value(i + 1, close), close + 1
        if t.kind == "ident":
            follow = self.t[i + 1] if i + 1 < j else None
            if follow is not None and follow.kind == "op" and follow.value == "(":
                return self._raise_call(i)
            if follow is not None and follow.kind == "op" and follow.value in (".", "?.") and i + 2 < j:
                nxt = self.t[i + 2]
                if nxt.kind == "ident" and nxt.value == "format":
                    raise NotConstant("SQL built with String.format")
            raise NotConstant(f"SQL comes from `{_describe(self.t[i:j])}`, not a string literal")
        raise NotConstant(f"`{_describe(self.t[i:j])}` is not a string literal")

    def _raise_call(self, i: int):
        name = self.t[i].value
        if name == "buildString":
            raise NotConstant("SQL built with buildString")
        raise NotConstant(f"SQL built by calling {name}(...)")

    def _string(self, s: Str) -> str:
        out = []
        for p in s.parts:
            if isinstance(p, str):
                out.append(p)
            elif p.tokens is None:
                raise NotConstant(f"string template ${p.name}")
            else:
                try:
                    match = match_brackets(p.tokens, None)
                    v = Evaluator(p.tokens, match).value(0, len(p.tokens))
                except (NotConstant, KotlinExtractError):
                    raise NotConstant("string template ${" + _describe(p.tokens) + "}") from None
                out.append(str(v))
        return "".join(out)


# Kotlin's type decides what `+` means and whether execSQL accepts the value, so a String is
# told apart from a Char (also text in Python) and from an Int.
class StringValue(str):
    pass


class CharValue(str):
    pass

