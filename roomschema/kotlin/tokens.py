"""Walking a lexed token list: what a token is, which brackets pair up, where call arguments
start and end, and a whole file lexed once with that structure precomputed.
"""
from __future__ import annotations

from typing import Optional, TypeGuard

from roomschema.kotlin.lexer import Lexer, Tok
from roomschema.kotlin.results import KotlinExtractError

OPEN = {"(": ")", "[": "]", "{": "}"}
CLOSE = {v: k for k, v in OPEN.items()}


def is_op(t: Optional[Tok], *values: str) -> TypeGuard[Tok]:
    return t is not None and t.kind == "op" and t.value in values


def is_ident(t: Optional[Tok], *values: str) -> TypeGuard[Tok]:
    return t is not None and t.kind == "ident" and (not values or t.value in values)


def match_brackets(tokens: list, filename: Optional[str]) -> dict:
    """Index of each bracket -> index of its partner. ``filename`` None (tokens of a string
    template) leaves the ``FILE:LINE:`` prefix off the error, since the caller rewords it."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for idx, t in enumerate(tokens):
        if t.kind != "op":
            continue
        if t.value in OPEN:
            stack.append(idx)
        elif t.value in CLOSE:
            if not stack or tokens[stack[-1]].value != CLOSE[t.value]:
                what = f"unmatched '{t.value}'"
                if filename is None:
                    raise KotlinExtractError(what)
                raise KotlinExtractError(f"{filename}:{t.line}: {what}")
            o = stack.pop()
            match[o] = idx
            match[idx] = o
    if stack:
        t = tokens[stack[-1]]
        what = f"'{t.value}' is never closed"
        if filename is None:
            raise KotlinExtractError(what)
        raise KotlinExtractError(f"{filename}:{t.line}: {what}")
    return match


class TokenStream:
    """One Kotlin file, lexed, with its brackets matched."""

    def __init__(self, source: str, filename: str):
        text = source.replace("\r\n", "\n").replace("\r", "\n")  # as kotlinc reads sources
        self.filename = filename
        self.t, _ = Lexer(text, filename).tokens()
        self.match = match_brackets(self.t, filename)
        # parent[i]: the innermost open bracket around token i (-1 at top level), so finding
        # the blocks around a call is a walk up, not a scan back through the file.
        self.parent = []
        stack = [-1]
        for idx, tok in enumerate(self.t):
            if tok.kind == "op" and tok.value in CLOSE:
                stack.pop()
            self.parent.append(stack[-1])
            if tok.kind == "op" and tok.value in OPEN:
                stack.append(idx)

    def tok(self, i: int) -> Optional[Tok]:
        return self.t[i] if 0 <= i < len(self.t) else None

    def err(self, tok: Tok, what: str) -> KotlinExtractError:
        return KotlinExtractError(f"{self.filename}:{tok.line}: {what}")
