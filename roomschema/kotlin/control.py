"""Whether a call inside a migration body runs exactly once, in order.

A statement is only verifiable if replaying it once, in sequence, is what Room does. Anything
in a branch, loop, caught try block, lambda or local function runs zero or more times
depending on run-time state, so it is reported with the reason instead of replayed.
"""
from __future__ import annotations

from typing import Optional

from roomschema.kotlin.results import ExtractedStatement
from roomschema.kotlin.tokens import TokenStream, is_ident, is_op

_CONTROL_KEYWORDS = {"if": "if", "while": "a while loop", "for": "a for loop", "when": "when",
                     "catch": "a catch block"}
# Lambdas these functions take run exactly once, in place.
_RUN_ONCE = {"run", "apply", "also", "let", "with", "use", "synchronized", "transaction",
             "runInTransaction", "withTransaction", "immediateTransaction", "exclusiveTransaction",
             "requireNotNull", "checkNotNull"}


class ControlFlow:
    def __init__(self, stream: TokenStream):
        self.t, self.match, self.parent, self.tok = stream.t, stream.match, stream.parent, stream.tok

    def conditional(self, k: int, lo: int, st: ExtractedStatement, force: bool = False) -> ExtractedStatement:
        """``st``, made unverifiable if the call at ``k`` may not run exactly once. An already
        unverifiable ``st`` keeps its own reason unless ``force`` asks for both."""
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
        m = k
        while True:
            if is_op(self.tok(m - 1), ".", "?."):
                p = m - 2
                if is_op(self.tok(p), "!!"):
                    p -= 1
                if is_op(self.tok(p), ")", "]"):
                    p = self.match[p]
                    if is_ident(self.tok(p - 1)):
                        p -= 1
                elif not is_ident(self.tok(p)):
                    return m
                m = p
            else:
                return m

    def _condition(self, k: int, lo: int) -> Optional[str]:
        # A braceless branch: `if (c) db.execSQL(..)`, `else db.execSQL(..)`, `x -> db.execSQL(..)`.
        s = self._statement_start(k)
        before = self.tok(s - 1)
        if s - 1 >= lo:
            if is_ident(before, "else"):
                return f"in the else branch at line {before.line}"
            if is_ident(before, "do"):
                return f"in a do-while loop at line {before.line}"
            if is_op(before, ")"):
                o = self.match[s - 1]
                keyword = self.tok(o - 1)
                if is_ident(keyword) and keyword.value in _CONTROL_KEYWORDS:
                    return f"inside {_CONTROL_KEYWORDS[keyword.value]} at line {keyword.line}"
            if is_op(before, "->") and not self._is_lambda_arrow(s - 1):
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

    def enclosing_lambda_or_fun(self, k: int, lo: int) -> Optional[int]:
        # A `return` inside one of these leaves only that block, not the migration.
        for brace in self._enclosing_braces(k, lo):
            kind = self._block_kind(brace)
            if kind is not None and ("lambda" in kind or "function" in kind):
                return brace
        return None

    def _is_lambda_arrow(self, arrow: int) -> bool:
        t = self.t
        m = arrow - 1
        while m >= 0 and (t[m].kind == "ident" or is_op(t[m], ",", ":", ".", "?", "<", ">")):
            m -= 1
        return m >= 0 and is_op(t[m], "{") and not self._is_when_block(m)

    def _is_when_block(self, brace: int) -> bool:
        prev = self.tok(brace - 1)
        if is_ident(prev, "when"):
            return True
        if is_op(prev, ")"):
            return is_ident(self.tok(self.match[brace - 1] - 1), "when")
        return False

    def _block_kind(self, brace: int) -> Optional[str]:
        """None when the block runs once, in order; else how it runs."""
        t = self.t
        prev = self.tok(brace - 1)
        line = t[brace].line
        if is_ident(prev, "else"):
            return f"in the else branch at line {prev.line}"
        if is_ident(prev, "do"):
            return f"in a do-while loop at line {prev.line}"
        if is_ident(prev, "try"):
            if self._try_has_catch(brace):
                return f"in a try block at line {prev.line} whose errors are caught"
            return None
        if is_ident(prev, "finally"):
            return None
        if is_ident(prev, "when") or self._is_when_block(brace):
            return f"inside when at line {line}"
        if is_op(prev, "->"):
            return f"in a when branch at line {prev.line}"
        if is_op(prev, ")"):
            o = self.match[brace - 1]
            keyword = self.tok(o - 1)
            if is_ident(keyword) and keyword.value in _CONTROL_KEYWORDS:
                return f"inside {_CONTROL_KEYWORDS[keyword.value]} at line {keyword.line}"
            if is_ident(keyword) and is_ident(self.tok(o - 2), "fun"):
                return f"in a local function at line {keyword.line}"
            if is_ident(keyword):
                if keyword.value in _RUN_ONCE:
                    return None
                return f"in a lambda passed to {keyword.value}(...) at line {keyword.line}"
            return f"in a lambda at line {line}"
        if is_ident(prev) and prev.value in _RUN_ONCE:
            return None
        if is_ident(prev) and not is_ident(prev, "return"):
            # `forEach {`, `: Unit {` of a local function, and the like.
            return f"in a lambda passed to {prev.value} at line {prev.line}"
        # `= {`, `({`, `, {`, `return {`, or a bare `{ ... }` statement, which Kotlin reads as
        # a lambda that is never invoked.
        return f"in a lambda at line {line}"

    def _try_has_catch(self, brace: int) -> bool:
        after = self.match[brace] + 1
        return is_ident(self.tok(after), "catch")

