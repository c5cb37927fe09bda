"""The statements of a migration body: ``execSQL`` calls, foreign key checks, and the calls
that change the database in ways roomschema cannot replay.

Calls are read in source order; each becomes an ExtractedStatement with its SQL, or with
``sql=None`` and the reason. Calls into other functions are not followed.
"""
from __future__ import annotations

from typing import Optional

from roomschema.kotlin.control import ControlFlow
from roomschema.kotlin.evaluate import Evaluator, NotConstant, StringValue
from roomschema.kotlin.results import ExtractedStatement
from roomschema.kotlin.tokens import TokenStream, arg_name, is_ident, is_op, skip_named, split_args

# Calls that receive the database object without running SQL we would miss.
_HARMLESS_DB_USERS = {"with", "run", "let", "also", "apply", "requireNotNull", "checkNotNull",
                      "println", "print", "check", "require", "synchronized"}
_KEYWORDS = {"if", "while", "for", "when", "catch", "return", "throw", "super", "this", "is", "in",
             "as", "fun", "object", "constructor", "init"}
_DB_WRITES = {"insert", "update", "delete", "compileStatement", "execPerConnectionSQL",
              "insertWithOnConflict", "replace", "updateWithOnConflict", "executeSQL"}
_FK_CHECK = "foreignKeyCheck"


class StatementReader:
    def __init__(self, stream: TokenStream):
        self.t, self.match, self.tok = stream.t, stream.match, stream.tok
        self.flow = ControlFlow(stream)

    def class_statements(self, body: tuple[int, int]) -> tuple[ExtractedStatement, ...]:
        """The statements of ``fun migrate(...)`` in the class body ``body`` (brace indices)."""
        t = self.t
        lo, hi = body
        k = lo + 1
        while k < hi:
            if is_ident(t[k], "fun") and is_ident(self.tok(k + 1), "migrate") and is_op(self.tok(k + 2), "("):
                po = k + 2
                pc = self.match[po]
                db_names = {t[m].value for m in range(po + 1, pc)
                            if t[m].kind == "ident" and is_op(self.tok(m + 1), ":")}
                after = pc + 1
                if is_op(self.tok(after), ":"):  # `: Unit`
                    after += 2
                if is_op(self.tok(after), "{"):
                    return self._statements(after + 1, self.match[after], db_names)
                if is_op(self.tok(after), "="):
                    return self._statements(after + 1, self._expression_end(after + 1, hi), db_names)
            if is_op(t[k], "{", "(", "["):
                k = self.match[k] + 1
                continue
            k += 1
        return ()

    def _expression_end(self, k: int, limit: int) -> int:
        # An expression body runs to the end of its line, or further inside brackets.
        t = self.t
        line = t[k].line if k < limit else 0
        while k < limit:
            if is_op(t[k], "{", "(", "["):
                k = self.match[k] + 1
                continue
            if t[k].line != line and not is_op(t[k], ".", "?.", "+"):
                break
            line = t[k].line
            k += 1
        return k

    def lambda_statements(self, brace: int) -> tuple[ExtractedStatement, ...]:
        """The statements of the migrate lambda opened at ``brace``."""
        t = self.t
        close = self.match[brace]
        k = brace + 1
        names: set = set()
        # `{ db -> ...}` / `{ db: SupportSQLiteDatabase -> ...}`; without an arrow it is `it`.
        m = k
        while m < close and (t[m].kind == "ident" or is_op(t[m], ":", ",", ".", "?")):
            m += 1
        if m < close and is_op(t[m], "->"):
            names = {t[p].value for p in range(k, m) if t[p].kind == "ident" and not is_op(self.tok(p - 1), ":", ".")}
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
            if (is_ident(tok, "return") and early_return is None and not is_op(self.tok(k + 1), "@")
                    and self.flow.enclosing_lambda_or_fun(k, lo) is None):
                early_return = tok.line
            if tok.kind == "ident" and tok.value == "fun" and is_ident(self.tok(k + 1)):
                # A local function: its body runs only if called, and calls are not followed.
                k = self._skip_local_fun(k, hi)
                continue
            if tok.kind == "ident" and is_op(self.tok(k + 1), "("):
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
        while m < hi and not is_op(t[m], "{", "="):
            if is_op(t[m], "(", "["):
                m = self.match[m]
            m += 1
        if m < hi and is_op(t[m], "{"):
            return self.match[m] + 1
        return self._expression_end(m + 1, hi) if m < hi else hi

    def _call(self, k: int, lo: int, db_names: set) -> Optional[ExtractedStatement]:
        t = self.t
        name = t[k].value
        open_p = k + 1
        close_p = self.match[open_p]
        prev = self.tok(k - 1)
        receiver = is_op(prev, ".", "?.")
        if is_ident(prev, "fun") or name in _KEYWORDS:
            return None
        args = split_args(t, open_p + 1, close_p)
        line = t[k].line

        if name == "execSQL" and not is_op(prev, "::"):
            if not args:
                return ExtractedStatement(None, line, "execSQL() without an argument")
            a, b = args[0]
            a = skip_named(t, a, b, "sql")
            if len(args) > 1:
                return self.flow.conditional(k, lo, ExtractedStatement(
                    None, line, "execSQL with bind arguments: the bound values are only known at run time"))
            return self.flow.conditional(k, lo, self._sql_statement(a, b, line))

        if name == _FK_CHECK and (not receiver or self._receiver_is(k, "DBUtil")):
            # Room's (db, table), or roomschema's helper with its walks after: the
            # walks only decide how fast the same verdict comes.
            if len(args) < 2:
                return None
            a, b = args[1]
            a = skip_named(t, a, b, "tableName")
            try:
                table = Evaluator(t, self.match).value(a, b)
            except NotConstant as e:
                return self.flow.conditional(k, lo, ExtractedStatement(
                    None, line, f"foreign key check of a table not known at compile time: {e.reason}"))
            if not isinstance(table, StringValue):
                return self.flow.conditional(k, lo, ExtractedStatement(
                    None, line, "foreign key check of a table that is not a string"))
            sql = "PRAGMA foreign_key_check(`" + str(table).replace("`", "``") + "`)"
            return self.flow.conditional(k, lo, ExtractedStatement(sql, line, None))

        on_db = receiver and is_ident(self.tok(k - 2)) and self.t[k - 2].value in db_names
        if on_db and name in _DB_WRITES:
            return self.flow.conditional(k, lo, ExtractedStatement(
                None, line, f"{name}(...) changes the database outside execSQL; roomschema cannot replay it"),
                force=True)
        if on_db and name == "prepare" and args:
            a, b = args[0]
            try:
                prepared: object = Evaluator(t, self.match).value(a, b)
            except NotConstant:
                prepared = None
            if isinstance(prepared, str) and _read_only(prepared):
                return None
            return self.flow.conditional(k, lo, ExtractedStatement(
                None, line, "prepare(...) runs a statement outside execSQL; roomschema cannot replay it"),
                force=True)

        if name not in _HARMLESS_DB_USERS and not (receiver and name in ("query", "rawQuery")):
            for a, b in args:
                a2 = a + 2 if arg_name(t, a, b) else a
                if b - a2 == 1 and t[a2].kind == "ident" and t[a2].value in db_names:
                    return ExtractedStatement(
                        None, line, f"passes `{t[a2].value}` to {name}(...); statements run there are not extracted")
        return None

    def _receiver_is(self, k: int, name: str) -> bool:
        return is_op(self.tok(k - 1), ".") and is_ident(self.tok(k - 2), name)

    def _sql_statement(self, a: int, b: int, line: int) -> ExtractedStatement:
        try:
            value = Evaluator(self.t, self.match).value(a, b)
        except NotConstant as e:
            return ExtractedStatement(None, line, e.reason)
        if not isinstance(value, StringValue):
            return ExtractedStatement(None, line, "the execSQL argument is not a String")
        return ExtractedStatement(str(value), line, None)


def _read_only(sql: str) -> bool:
    # A prepared statement that only reads leaves nothing for the replay to miss.
    head = sql.lstrip().upper()
    return head.startswith("SELECT") or (head.startswith("PRAGMA") and "=" not in head)
