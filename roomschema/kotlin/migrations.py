"""Finding Room ``Migration(a, b)`` sites in a Kotlin file: their versions, names and bodies.

Declarations (``object``/``class ... : Migration(a, b) { ... }``) and calls of Room's factory
(``Migration(a, b) { db -> ... }``) are recognised; the statements of each body are read by
StatementReader.
"""
from __future__ import annotations

import re
from typing import Optional

from roomschema.kotlin.results import ExtractedMigration, ExtractedStatement
from roomschema.kotlin.statements import StatementReader
from roomschema.kotlin.tokens import TokenStream, arg_name, is_ident, is_op, split_args


def extract_migrations(source: str, filename: str = "<kotlin>") -> list[ExtractedMigration]:
    """Every Room ``Migration`` in ``source``, in source order, with the SQL it runs.

    Raises KotlinExtractError (``FILE:LINE: ...``) when the text cannot be lexed as Kotlin
    (unterminated string or comment, unbalanced brackets, illegal escape) or when a migration
    with SQL has versions that are not integer literals or integer vals of the file.
    """
    return MigrationFinder(TokenStream(source, filename)).migrations()


class MigrationFinder:
    def __init__(self, stream: TokenStream):
        self.t, self.match, self.tok, self.err = stream.t, stream.match, stream.tok, stream.err
        self.reader = StatementReader(stream)
        self.constants = self._int_constants()

    # ---- constants for versions --------------------------------------------------------
    def _int_constants(self) -> dict[str, Optional[int]]:
        found: dict[str, Optional[int]] = {}
        t = self.t
        for i in range(len(t) - 3):
            if is_ident(t[i], "val") and t[i + 1].kind == "ident":
                k = i + 2
                if is_op(t[k], ":") and is_ident(self.tok(k + 1)):
                    k += 2
                if is_op(self.tok(k), "=") and self.tok(k + 1) is not None and t[k + 1].kind == "num":
                    after = self.tok(k + 2)
                    if after is not None and after.line == t[k + 1].line and is_op(
                            after, "+", "-", "*", "/", ".", "..", "?:"):
                        continue  # an expression, not a plain number
                    text = t[k + 1].value.replace("_", "")
                    if re.fullmatch(r"\d+", text):
                        name = t[i + 1].value
                        value = int(text)
                        # Two vals of one name (in different scopes) with different values:
                        # which one a Migration means is not known without resolving scopes.
                        found[name] = value if found.get(name, value) == value else None
        return found

    def _version(self, a: int, b: int) -> Optional[int]:
        t = self.t
        if b - a == 1 and t[a].kind == "num" and re.fullmatch(r"\d+", t[a].value.replace("_", "")):
            return int(t[a].value.replace("_", ""))
        # NAME or Outer.NAME naming an integer val in this file.
        if b - a >= 1 and t[b - 1].kind == "ident" and all(
                (k - a) % 2 == 0 and t[k].kind == "ident" or (k - a) % 2 == 1 and is_op(t[k], ".")
                for k in range(a, b)):
            return self.constants.get(t[b - 1].value)
        return None

    # ---- migration sites -----------------------------------------------------------------
    def migrations(self) -> list[ExtractedMigration]:
        out = []
        t = self.t
        for i, tok in enumerate(t):
            if not (tok.kind == "ident" and tok.value == "Migration" and is_op(self.tok(i + 1), "(")):
                continue
            if not self._is_room_migration_name(i):
                continue
            site = self._site(i)
            if site is not None:
                out.append(site)
        return out

    def _is_room_migration_name(self, i: int) -> bool:
        prev = self.tok(i - 1)
        if is_ident(prev, "fun", "class", "interface", "object", "typealias"):
            return False  # a declaration of something called Migration
        if is_op(prev, ".", "?."):
            parts = []
            k = i - 1
            while is_op(self.tok(k), ".") and is_ident(self.tok(k - 1)):
                parts.append(self.t[k - 1].value)
                k -= 2
            return list(reversed(parts)) == ["androidx", "room", "migration"] and not is_op(self.tok(k), ".", "?.")
        return True

    def _first_of_name(self, i: int) -> int:
        # Start of `androidx.room.migration.Migration` when qualified.
        k = i
        while is_op(self.tok(k - 1), ".") and is_ident(self.tok(k - 2)):
            k -= 2
        return k

    def _site(self, i: int) -> Optional[ExtractedMigration]:
        t = self.t
        open_paren = i + 1
        close_paren = self.match[open_paren]
        args = split_args(t, open_paren + 1, close_paren)
        start_tok = self._first_of_name(i)
        prev = self.tok(start_tok - 1)

        positional = []
        named: dict[str, tuple[int, int]] = {}
        lambda_arg: Optional[int] = None
        for a, b in args:
            name = arg_name(t, a, b)
            if name is not None:
                named[name] = (a + 2, b)
                if name == "migrate" and is_op(t[a + 2], "{"):
                    lambda_arg = a + 2
            elif is_op(t[a], "{") and self.match[a] == b - 1:
                lambda_arg = a
            else:
                positional.append((a, b))
        start_rng = named.get("startVersion") or (positional[0] if positional else None)
        end_rng = named.get("endVersion") or (
            positional[1] if len(positional) > 1 else positional[0] if "startVersion" in named and positional else None)

        if is_op(prev, ":"):
            body_kind = "declaration"
            decl_name, class_params = self._declaration_name(start_tok - 1)
        else:
            body_kind = "call"
            decl_name, class_params = self._assigned_name(start_tok), set()

        start = self._version(*start_rng) if start_rng else None
        end = self._version(*end_rng) if end_rng else None

        if body_kind == "declaration":
            body = self._class_body(close_paren + 1)
            statements = self.reader.class_statements(body) if body else ()
        else:
            if lambda_arg is None and is_op(self.tok(close_paren + 1), "{"):
                lambda_arg = close_paren + 1
            if lambda_arg is None:
                if start is None or end is None:
                    return None
                statements = (ExtractedStatement(
                    None, t[i].line,
                    "the migration body is not a lambda written here, so its SQL cannot be read"),)
            else:
                statements = self.reader.lambda_statements(lambda_arg)

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
        if is_ident(self.tok(k), "object"):
            return self._assigned_name(k), params
        if is_op(self.tok(k), ")"):
            o = self.match[k]
            params = {t[m].value for m in range(o + 1, k)
                      if t[m].kind == "ident" and is_op(self.tok(m + 1), ":")}
            k = o - 1
            if is_ident(self.tok(k), "constructor"):
                # `class M @Inject internal constructor(...)`: step over modifiers and annotations.
                k -= 1
                while k >= 0:
                    o2 = self.match[k] if is_op(t[k], ")") else -1
                    if o2 >= 0 and is_ident(self.tok(o2 - 1)) and is_op(self.tok(o2 - 2), "@"):
                        k = o2 - 3
                    elif is_ident(t[k]) and is_op(self.tok(k - 1), "@"):
                        k -= 2
                    elif is_ident(t[k], "private", "public", "internal", "protected"):
                        k -= 1
                    else:
                        break
        if is_op(self.tok(k), ">"):
            depth = 0
            while k >= 0:
                if is_op(t[k], ">"):
                    depth += 1
                elif is_op(t[k], "<"):
                    depth -= 1
                    if depth == 0:
                        k -= 1
                        break
                k -= 1
        if is_ident(self.tok(k)) and is_ident(self.tok(k - 1), "class", "object"):
            return t[k].value, params
        return None, params

    def _assigned_name(self, k: int) -> Optional[str]:
        """`val NAME = <k>` or `val NAME: Type = <k>`."""
        if not is_op(self.tok(k - 1), "="):
            return None
        m = k - 2
        if not (is_ident(self.tok(m)) and is_ident(self.tok(m - 1), "val", "var")):
            # a type annotation: `: Migration`, `: androidx.room.migration.Migration`
            while is_ident(self.tok(m)) or is_op(self.tok(m), ".", "?"):
                m -= 1
            if not is_op(self.tok(m), ":"):
                return None
            m -= 1
        if is_ident(self.tok(m)) and is_ident(self.tok(m - 1), "val", "var"):
            return self.t[m].value
        return None

    def _class_body(self, k: int) -> Optional[tuple[int, int]]:
        """The `{...}` after the supertype list, if any, before the declaration ends."""
        t = self.t
        while k < len(t):
            tok = t[k]
            if is_op(tok, "{"):
                return k, self.match[k]
            if is_op(tok, "(", "["):
                k = self.match[k] + 1
                continue
            if is_op(tok, ",", ".", "<", ">", "?") or tok.kind == "ident" and tok.value not in (
                    "val", "var", "fun", "class", "object", "interface", "private", "internal", "public"):
                if tok.kind == "ident" and k > 0 and tok.line != t[k - 1].line and not is_op(t[k - 1], ",", "."):
                    return None
                k += 1
                continue
            return None
        return None
