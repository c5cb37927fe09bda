"""A lexed Kotlin file -> a syntax tree of the subset migrations are written in.

The replay (``replay``) walks this tree; what the parser cannot read becomes an ``Opaque``
node that keeps its tokens, so the replay can still tell whether the database object is
used there (then the migration is not verifiable) or not (then it does not matter).
Statements end at a newline unless Kotlin's grammar continues them (a line ending in a
binary operator, or the next line starting with ``.``, ``?.``, ``?:``, ``&&``, ``||``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from roomschema.kotlin.lexer import Str, Template, Tok
from roomschema.kotlin.tokens import CLOSE, OPEN, is_ident, is_op, match_brackets


class ParseError(Exception):
    pass


# ---- nodes -----------------------------------------------------------------------------------

@dataclass(eq=False)
class Node:
    line: int


@dataclass(eq=False)
class Lit(Node):
    value: object  # int, float, bool, None, StringValue, CharValue


@dataclass(eq=False)
class StrT(Node):
    parts: list  # str or Node (a template)
    raw: bool


@dataclass(eq=False)
class Name(Node):
    id: str


@dataclass(eq=False)
class This(Node):
    label: Optional[str] = None


@dataclass(eq=False)
class Super(Node):
    pass


@dataclass(eq=False)
class Arg:
    name: Optional[str]
    expr: Node
    spread: bool = False


@dataclass(eq=False)
class Call(Node):
    callee: Node           # Name or Member
    args: list             # Arg
    lambda_: Optional["Lambda"] = None


@dataclass(eq=False)
class Member(Node):
    obj: Node
    name: str
    safe: bool = False


@dataclass(eq=False)
class Ref(Node):
    """``::name`` or ``X::name``."""
    obj: Optional[Node]
    name: str


@dataclass(eq=False)
class Index(Node):
    obj: Node
    args: list


@dataclass(eq=False)
class Unary(Node):
    op: str
    expr: Node


@dataclass(eq=False)
class NotNull(Node):
    expr: Node


@dataclass(eq=False)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class Cast(Node):
    expr: Node
    type: str
    safe: bool = False


@dataclass(eq=False)
class IsCheck(Node):
    expr: Node
    type: str
    negated: bool = False


@dataclass(eq=False)
class If(Node):
    cond: Node
    then: Node
    else_: Optional[Node]
    text: str = ""  # the condition as written, for messages


@dataclass(eq=False)
class WhenBranch:
    conds: Optional[list]  # None for else; items are (kind, Node|str): ("expr"|"in"|"!in"|"is"|"!is", ...)
    body: Node
    line: int


@dataclass(eq=False)
class When(Node):
    subject: Optional[Node]
    subject_name: Optional[str]
    branches: list


@dataclass(eq=False)
class Try(Node):
    body: "Block"
    catches: list  # (name, type, Block)
    finally_: Optional["Block"]


@dataclass(eq=False)
class Lambda(Node):
    params: Optional[list]  # names; None means the implicit `it`
    body: "Block"
    label: Optional[str] = None


@dataclass(eq=False)
class Jump(Node):
    kind: str  # return, throw, break, continue
    expr: Optional[Node] = None
    label: Optional[str] = None


@dataclass(eq=False)
class Block(Node):
    stmts: list
    end_line: int = 0


@dataclass(eq=False)
class Opaque(Node):
    """Code the parser does not read; ``tokens`` are kept for the replay to inspect."""
    tokens: list
    why: str


@dataclass(eq=False)
class Param:
    name: str
    default: Optional[Node] = None
    vararg: bool = False
    property: bool = False
    type: str = ""


@dataclass(eq=False)
class ValDecl(Node):
    names: list           # one name, or the names of a destructuring declaration
    expr: Optional[Node]
    mutable: bool = False
    const: bool = False
    getter: Optional[Node] = None  # `val x get() = ...`


@dataclass(eq=False)
class FunDecl(Node):
    name: str
    params: list          # Param
    body: Optional[Node]  # Block, or an expression for `= expr`
    receiver: Optional[str] = None
    modifiers: frozenset = frozenset()
    owner: Optional["ClassDecl"] = None


@dataclass(eq=False)
class SuperCall:
    type: str
    args: Optional[list]  # Arg; None for an interface (no parentheses)
    line: int


@dataclass(eq=False)
class ClassDecl(Node):
    kind: str                 # class, object, interface, companion, enum
    name: Optional[str]
    params: list              # Param of the primary constructor
    supers: list              # SuperCall
    members: list             # statements of the body (ValDecl, FunDecl, ClassDecl, Block for init)
    entries: list = field(default_factory=list)  # enum entries: (name, args, line)
    modifiers: frozenset = frozenset()
    owner: Optional["ClassDecl"] = None


@dataclass(eq=False)
class ObjectExpr(Node):
    decl: ClassDecl


@dataclass(eq=False)
class Assign(Node):
    target: Node
    op: str   # =, +=, -=, *=, /=, %=
    expr: Node


@dataclass(eq=False)
class IncDec(Node):
    target: Node
    op: str


@dataclass(eq=False)
class For(Node):
    names: list
    iterable: Node
    body: Node
    label: Optional[str] = None


@dataclass(eq=False)
class While(Node):
    cond: Node
    body: Node
    do: bool = False
    label: Optional[str] = None


@dataclass(eq=False)
class ExprStmt(Node):
    expr: Node


_MODIFIERS = {"private", "public", "internal", "protected", "override", "open", "abstract", "final", "const",
              "lateinit", "inline", "suspend", "data", "sealed", "inner", "operator", "infix", "tailrec",
              "external", "crossinline", "noinline", "reified", "annotation", "expect", "actual", "value",
              "fun"}  # `fun interface`: `fun` before `interface` only
_DECL_MODIFIERS = _MODIFIERS - {"fun"}
_CONTINUE_BEFORE = {".", "?.", "?:", "&&", "||", "::"}
_INFIX_NAMES = {"to", "until", "downTo", "step", "and", "or", "xor", "shl", "shr", "ushr", "zip",
                "rangeTo", "rangeUntil", "contentEquals"}
_ASSIGN_OPS = {"=", "+=", "-=", "*=", "/=", "%="}


def _last_line(tok: Tok) -> int:
    return tok.end_line or tok.line


class TokenParser:
    """What the Kotlin and the Java parser share: tokens with their bracket matches (``m``), and the
    pieces whose grammar is the same in both. Each language's parser adds its own ``statements``,
    ``call_args`` and ``skip_annotations``."""

    def __init__(self, tokens: list, match: dict):
        self.t = tokens
        self.m = match

    def tok(self, i: int) -> Optional[Tok]:
        return self.t[i] if 0 <= i < len(self.t) else None

    def line(self, i: int) -> int:
        t = self.tok(i)
        if t is None:
            return self.t[-1].line if self.t else 0
        return t.line

    def type_text(self, a: int, b: int) -> str:
        return "".join(str(t.value) for t in self.t[a:b] if t.kind in ("ident", "op"))

    def block(self, brace: int) -> Block:
        close = self.m[brace]
        return Block(self.line(brace), self.statements(brace + 1, close), self.line(close))

    def enum_entries(self, decl: ClassDecl, lo: int, hi: int) -> int:
        """The entries of an enum body from ``lo``, each ``NAME``, ``NAME(args)`` or ``NAME { ... }``,
        into ``decl.entries``; returns where its members start (past the `;`, if any)."""
        k = lo
        while k < hi:
            k = self.skip_annotations(k, hi)
            if k >= hi or self.t[k].kind != "ident":
                break
            name, line = str(self.t[k].value), self.t[k].line
            k += 1
            args: list = []
            if k < hi and is_op(self.t[k], "("):
                args = self.call_args(k)
                k = self.m[k] + 1
            if k < hi and is_op(self.t[k], "{"):
                k = self.m[k] + 1
            decl.entries.append((name, args, line))
            if k < hi and is_op(self.t[k], ","):
                k += 1
                continue
            break
        if k < hi and is_op(self.t[k], ";"):
            k += 1
        return k

    def statements(self, lo: int, hi: int) -> list:
        raise NotImplementedError

    def call_args(self, open_: int) -> list:
        raise NotImplementedError

    def skip_annotations(self, i: int, hi: int) -> int:
        raise NotImplementedError


class Parser(TokenParser):
    # ---- helpers ------------------------------------------------------------------------
    def nl_before(self, i: int) -> bool:
        return 0 < i < len(self.t) and self.t[i].line > _last_line(self.t[i - 1])

    def expect(self, i: int, hi: int, value: str) -> int:
        if i >= hi or not is_op(self.t[i], value):
            raise ParseError(f"expected '{value}'")
        return i + 1

    def skip_angle(self, i: int, hi: int) -> int:
        """From a `<` to just after its `>`, or -1 when it is not a type argument list."""
        depth = 0
        k = i
        while k < hi:
            t = self.t[k]
            if is_op(t, "<"):
                depth += 1
            elif is_op(t, ">"):
                depth -= 1
                if depth == 0:
                    return k + 1
            elif is_op(t, "(", "["):
                k = self.m[k]
            elif is_op(t, "->", ",", ".", "?", "*", ":", "@", ")") or t.kind == "ident":
                pass
            else:
                return -1
            k += 1
        return -1

    def skip_annotations(self, i: int, hi: int) -> int:
        while i < hi and is_op(self.t[i], "@") and i + 1 < hi and self.t[i + 1].kind == "ident":
            i += 2
            if i < hi and is_op(self.t[i], ":") and i + 1 < hi and self.t[i + 1].kind == "ident":
                i += 2  # @field:Named
            while i + 1 < hi and is_op(self.t[i], ".") and self.t[i + 1].kind == "ident":
                i += 2
            if i < hi and is_op(self.t[i], "(") and not self.nl_before(i):
                i = self.m[i] + 1
        return i

    def skip_type(self, i: int, hi: int, arrow: bool = True) -> int:
        """Past a type. ``arrow`` False: a `->` ends it (a lambda's parameter types)."""
        i = self.skip_annotations(i, hi)
        if is_ident(self.tok(i), "suspend"):
            i += 1
        if i < hi and is_op(self.t[i], "("):
            i = self.m[i] + 1
        elif i < hi and (self.t[i].kind == "ident" or is_op(self.t[i], "*")):
            i += 1
            while True:
                if i < hi and is_op(self.t[i], "<"):
                    k = self.skip_angle(i, hi)
                    if k < 0:
                        break
                    i = k
                elif i + 1 < hi and is_op(self.t[i], ".") and self.t[i + 1].kind == "ident":
                    i += 2
                else:
                    break
        else:
            raise ParseError("expected a type")
        while i < hi and is_op(self.t[i], "?"):
            i += 1
        if i + 1 < hi and is_op(self.t[i], ".") and is_op(self.t[i + 1], "("):
            i = self.m[i + 1] + 1  # a receiver: `T.() -> R`
        if arrow and i < hi and is_op(self.t[i], "->"):
            i = self.skip_type(i + 1, hi)
        while i < hi and is_op(self.t[i], "?"):
            i += 1
        return i

    def source(self, a: int, b: int, limit: int = 120) -> str:
        """Tokens a..b written back roughly as in the source, for messages."""
        out = ""
        for t in self.t[a:b]:
            if t.kind == "str":
                piece = '"' + "".join(p if isinstance(p, str) else "${...}" for p in t.value.parts) + '"'
            elif t.kind == "char":
                piece = "'" + str(t.value) + "'"
            else:
                piece = str(t.value)
            word = piece[:1].isalnum() or piece[:1] in "_\"'"
            if out and word and (out[-1].isalnum() or out[-1] in "_\"')"):
                out += " "
            elif out and t.kind == "op" and piece in ("==", "!=", "&&", "||", "?:", "->", "=", "<", ">", "<=", ">="):
                piece = " " + piece + " "
            elif t.kind == "op" and piece == ",":
                piece = ", "
            out += piece
        out = out.replace("  ", " ")
        return out if len(out) <= limit else out[:limit - 3] + "..."

    def skip_statement(self, i: int, hi: int) -> int:
        """To the end of the statement starting at i (a newline at depth 0, or `;`)."""
        k = i
        while k < hi:
            t = self.t[k]
            if k > i and self.nl_before(k) and not is_op(t, *_CONTINUE_BEFORE) and not (
                    is_op(self.t[k - 1], "=", "+", "-", "*", "/", ",", "->", "&&", "||", ".", "?.", "?:")):
                if not is_ident(t, "else", "catch", "finally"):
                    return k
            if is_op(t, ";"):
                return k
            if is_op(t, "(", "[", "{"):
                k = self.m[k] + 1
                continue
            k += 1
        return hi

    # ---- statements ---------------------------------------------------------------------
    def statements(self, lo: int, hi: int, owner: Optional[ClassDecl] = None) -> list:
        out = []
        i = lo
        while i < hi:
            if is_op(self.t[i], ";"):
                i += 1
                continue
            try:
                node, k = self.statement(i, hi, owner)
                if k < hi and not self.nl_before(k) and not is_op(self.t[k], ";", "}"):
                    raise ParseError(f"unexpected `{self.t[k].value}`")
            except (ParseError, KeyError, IndexError) as err:
                k = max(self.skip_statement(i, hi), i + 1)
                node = Opaque(self.line(i), self.t[i:k], str(err) or "unreadable")
            if node is not None:
                out.append(node)
            i = k
        return out

    def statement(self, i: int, hi: int, owner: Optional[ClassDecl] = None):
        start = i
        i = self.skip_annotations(i, hi)
        t = self.t[i]
        if is_ident(t, "package", "import", "typealias"):
            k = i + 1
            while k < hi and not self.nl_before(k):
                k += 1
            return None, k
        mods = set()
        while i < hi and (is_ident(self.t[i]) and self.t[i].value in _DECL_MODIFIERS
                          and i + 1 < hi and self.t[i + 1].kind == "ident" and not self.nl_before(i + 1)):
            mods.add(self.t[i].value)
            i = self.skip_annotations(i + 1, hi)
        if is_ident(self.tok(i), "fun") and is_ident(self.tok(i + 1), "interface"):
            i += 1
        t = self.t[i]
        if is_ident(t, "enum") and is_ident(self.tok(i + 1), "class"):
            return self.class_decl(i + 1, hi, "enum", frozenset(mods), owner)
        if is_ident(t, "companion") and is_ident(self.tok(i + 1), "object"):
            return self.class_decl(i + 1, hi, "companion", frozenset(mods), owner)
        if is_ident(t, "class", "interface"):
            return self.class_decl(i, hi, str(t.value), frozenset(mods), owner)
        if is_ident(t, "object") and is_ident(self.tok(i + 1)):
            return self.class_decl(i, hi, "object", frozenset(mods), owner)
        if is_ident(t, "init") and is_op(self.tok(i + 1), "{"):
            return self.block(i + 1), self.m[i + 1] + 1
        if is_ident(t, "constructor") and is_op(self.tok(i + 1), "("):
            return Opaque(t.line, self.t[i:i + 1], "a secondary constructor"), self.skip_statement(i, hi)
        if is_ident(t, "val", "var"):
            return self.val_decl(i, hi, "const" in mods)
        if is_ident(t, "fun"):
            return self.fun_decl(i, hi, frozenset(mods), owner)
        label = None
        if t.kind == "ident" and is_op(self.tok(i + 1), "@") and is_ident(self.tok(i + 2), "for", "while", "do"):
            label = t.value
            i += 2
            t = self.t[i]
        if is_ident(t, "for") and is_op(self.tok(i + 1), "("):
            return self.for_stmt(i, hi, label)
        if is_ident(t, "while") and is_op(self.tok(i + 1), "("):
            close = self.m[i + 1]
            cond = self.expr(i + 2, close)
            body, k = self.body(close + 1, hi)
            return While(t.line, cond, body, label=label), k
        if is_ident(t, "do") and is_op(self.tok(i + 1), "{"):
            body = self.block(i + 1)
            k = self.m[i + 1] + 1
            if not is_ident(self.tok(k), "while"):
                raise ParseError("do without while")
            close = self.m[k + 1]
            return While(t.line, self.expr(k + 2, close), body, do=True, label=label), close + 1
        if start != i and mods:
            raise ParseError("modifiers before a statement")
        e, k = self.expression(i, hi)
        if k < hi and is_op(self.t[k], *_ASSIGN_OPS) and not self.nl_before(k):
            rhs, k2 = self.expression(k + 1, hi)
            return Assign(self.t[k].line, e, self.t[k].value, rhs), k2
        if k < hi and is_op(self.t[k], "++", "--") and not self.nl_before(k):
            return IncDec(self.t[k].line, e, self.t[k].value), k + 1
        if isinstance(e, Unary) and e.op in ("++", "--"):
            return IncDec(e.line, e.expr, e.op), k
        return ExprStmt(e.line, e), k

    def body(self, i: int, hi: int):
        """A block or a single statement (the body of if, for, while, a when branch)."""
        if i < hi and is_op(self.t[i], "{"):
            return self.block(i), self.m[i] + 1
        node, k = self.statement(i, hi)
        return Block(self.line(i), [node] if node is not None else []), k

    def val_decl(self, i: int, hi: int, const: bool):
        t = self.t[i]
        mutable = t.value == "var"
        i += 1
        if i < hi and is_op(self.t[i], "<"):
            i = self.skip_angle(i, hi)
        names: list = []
        if i < hi and is_op(self.t[i], "("):
            close = self.m[i]
            k = i + 1
            while k < close:
                if self.t[k].kind == "ident":
                    names.append(self.t[k].value)
                    k += 1
                    if k < close and is_op(self.t[k], ":"):
                        k = self.skip_type(k + 1, close)
                if k < close and is_op(self.t[k], ","):
                    k += 1
                elif k < close:
                    raise ParseError("destructuring")
            i = close + 1
        else:
            # `val Receiver.name` (an extension property) keeps only the name.
            while i + 2 < hi and self.t[i].kind == "ident" and is_op(self.t[i + 1], ".") and self.t[i + 2].kind == "ident":
                i += 2
            if i >= hi or self.t[i].kind != "ident":
                raise ParseError("a val without a name")
            names.append(self.t[i].value)
            i += 1
        if i < hi and is_op(self.t[i], ":"):
            i = self.skip_type(i + 1, hi)
        expr = None
        getter = None
        if i < hi and is_op(self.t[i], "=") :
            expr, i = self.expression(i + 1, hi)
        elif i < hi and is_ident(self.t[i], "by"):
            raise ParseError("a delegated property")
        k = self.skip_annotations(i, hi)
        if k < hi and is_ident(self.t[k], "get") and is_op(self.tok(k + 1), "(") and self.nl_before(k) or (
                k < hi and is_ident(self.t[k], "get") and is_op(self.tok(k + 1), "(") and k == i):
            close = self.m[k + 1]
            if close + 1 < hi and is_op(self.t[close + 1], "="):
                getter, i = self.expression(close + 2, hi)
            elif close + 1 < hi and is_op(self.t[close + 1], "{"):
                getter = self.block(close + 1)
                i = self.m[close + 1] + 1
        return ValDecl(t.line, names, expr, mutable, const, getter), i

    def params(self, open_: int) -> list:
        # Read one by one, not split at commas: a type's `<K, V>` holds commas of its own.
        close = self.m[open_]
        out = []
        k = open_ + 1
        while k < close:
            k = self.skip_annotations(k, close)
            vararg = prop = False
            while k < close and is_ident(self.t[k]) and (self.t[k].value in _DECL_MODIFIERS or self.t[k].value in (
                    "vararg", "val", "var")) and k + 1 < close and self.t[k + 1].kind == "ident":
                vararg = vararg or self.t[k].value == "vararg"
                prop = prop or self.t[k].value in ("val", "var")
                k = self.skip_annotations(k + 1, close)
            if k >= close or self.t[k].kind != "ident":
                raise ParseError("a parameter without a name")
            name = self.t[k].value
            k += 1
            ptype = ""
            if k < close and is_op(self.t[k], ":"):
                e = self.skip_type(k + 1, close)
                ptype = self.type_text(k + 1, e)
                k = e
            default = None
            if k < close and is_op(self.t[k], "="):
                end = self.split(k + 1, close)[0][1]
                default = self.expr(k + 1, end)
                k = end
            if k < close and not is_op(self.t[k], ","):
                raise ParseError("a parameter")
            k += 1
            out.append(Param(name, default, vararg, prop, ptype))
        return out

    def split(self, lo: int, hi: int) -> list:
        args = []
        start = lo
        k = lo
        while k < hi:
            t = self.t[k]
            if is_op(t, "(", "[", "{"):
                k = self.m[k] + 1
                continue
            if is_op(t, ","):
                args.append((start, k))
                start = k + 1
            k += 1
        if start < hi:
            args.append((start, hi))
        return args

    def fun_decl(self, i: int, hi: int, mods: frozenset, owner: Optional[ClassDecl]):
        line = self.t[i].line
        i += 1
        if i < hi and is_op(self.t[i], "<"):
            i = self.skip_angle(i, hi)
            if i < 0:
                raise ParseError("type parameters")
        # Name, possibly after a receiver type: `fun SupportSQLiteDatabase.inTransaction(`.
        k = i
        receiver = None
        while k < hi and not is_op(self.t[k], "("):
            if is_op(self.t[k], "<"):
                k2 = self.skip_angle(k, hi)
                if k2 < 0:
                    raise ParseError("a function header")
                k = k2
                continue
            if not (self.t[k].kind == "ident" or is_op(self.t[k], ".", "?")):
                raise ParseError("a function header")
            k += 1
        if k >= hi or self.t[k - 1].kind != "ident":
            raise ParseError("a function without parameters")
        name = self.t[k - 1].value
        if k - 1 > i:
            receiver = self.type_text(i, k - 2)
        params = self.params(k)
        k = self.m[k] + 1
        if k < hi and is_op(self.t[k], ":"):
            k = self.skip_type(k + 1, hi)
        while k < hi and is_ident(self.t[k], "where"):
            raise ParseError("a where clause")
        body: Optional[Node] = None
        if k < hi and is_op(self.t[k], "{"):
            body = self.block(k)
            k = self.m[k] + 1
        elif k < hi and is_op(self.t[k], "="):
            body, k = self.expression(k + 1, hi)
        return FunDecl(line, name, params, body, receiver, mods, owner), k

    def class_decl(self, i: int, hi: int, kind: str, mods: frozenset, owner: Optional[ClassDecl]):
        line = self.t[i].line
        i += 1
        name = None
        if i < hi and self.t[i].kind == "ident" and not is_op(self.t[i], ":"):
            name = self.t[i].value
            i += 1
        if i < hi and is_op(self.t[i], "<"):
            i = self.skip_angle(i, hi)
            if i < 0:
                raise ParseError("type parameters")
        decl = ClassDecl(line, kind, name, [], [], [], modifiers=mods, owner=owner)
        k = self.skip_annotations(i, hi)
        while k < hi and is_ident(self.t[k]) and self.t[k].value in _DECL_MODIFIERS:
            k = self.skip_annotations(k + 1, hi)
        if is_ident(self.tok(k), "constructor"):
            k += 1
        if k < hi and is_op(self.t[k], "(") and not self.nl_before(k):
            decl.params = self.params(k)
            i = self.m[k] + 1
        if i < hi and is_op(self.t[i], ":"):
            i += 1
            while i < hi:
                a = i
                i = self.skip_annotations(i, hi)
                e = self.skip_type(i, hi)
                tname = self.type_text(i, e)
                args = None
                if e < hi and is_op(self.t[e], "(") and not self.nl_before(e):
                    args = self.call_args(e)
                    e = self.m[e] + 1
                if e < hi and is_ident(self.t[e], "by"):
                    raise ParseError("delegation")
                decl.supers.append(SuperCall(tname, args, self.line(a)))
                i = e
                if i < hi and is_op(self.t[i], ",") :
                    i += 1
                    continue
                break
        if i < hi and is_op(self.t[i], "{") and not (self.nl_before(i) and kind == "class" and False):
            close = self.m[i]
            lo = i + 1
            if kind == "enum":
                lo = self.enum_entries(decl, lo, close)
            decl.members = self.statements(lo, close, decl)
            for mem in decl.members:
                if isinstance(mem, (FunDecl, ClassDecl)):
                    mem.owner = decl
            i = close + 1
        return decl, i

    def for_stmt(self, i: int, hi: int, label: Optional[str]):
        line = self.t[i].line
        open_ = i + 1
        close = self.m[open_]
        k = open_ + 1
        names = []
        if is_op(self.t[k], "("):
            c2 = self.m[k]
            names = [self.t[m].value for m in range(k + 1, c2) if self.t[m].kind == "ident"
                     and not is_op(self.t[m - 1], ":")]
            k = c2 + 1
        else:
            names = [self.t[k].value]
            k += 1
        if k < close and is_op(self.t[k], ":"):
            k = self.skip_type(k + 1, close)
        if not is_ident(self.tok(k), "in"):
            raise ParseError("a for loop")
        iterable = self.expr(k + 1, close)
        body, end = self.body(close + 1, hi)
        return For(line, names, iterable, body, label), end

    # ---- expressions --------------------------------------------------------------------
    def expr(self, lo: int, hi: int) -> Node:
        e, k = self.expression(lo, hi)
        if k != hi:
            raise ParseError(f"unexpected `{self.t[k].value}`")
        return e

    def expression(self, i: int, hi: int):
        return self.binary(i, hi, 0)

    _LEVELS = [("||",), ("&&",), ("==", "!=", "===", "!=="), ("<", ">", "<=", ">="), ("in", "is"), ("?:",),
               ("infix",), ("..", "..<"), ("+", "-"), ("*", "/", "%")]

    def _binary_op(self, k: int, hi: int, level: int):
        """The operator at k for ``level`` and the index after it, or None."""
        if k >= hi:
            return None
        t = self.t[k]
        ops = self._LEVELS[level]
        nl = self.nl_before(k)
        if ops == ("in", "is"):
            if nl:
                return None
            if is_ident(t, "in", "is"):
                return t.value, k + 1
            if is_op(t, "!") and is_ident(self.tok(k + 1), "in", "is") and not self.nl_before(k + 1):
                return "!" + self.t[k + 1].value, k + 2
            return None
        if ops == ("infix",):
            if not nl and t.kind == "ident" and t.value in _INFIX_NAMES:
                return t.value, k + 1
            return None
        if t.kind != "op" or t.value not in ops:
            return None
        if nl and t.value not in ("&&", "||", "?:"):
            return None
        if t.value == "<" and self.skip_angle(k, hi) > 0 and False:
            return None
        return t.value, k + 1

    def binary(self, i: int, hi: int, level: int):
        if level >= len(self._LEVELS):
            return self.as_expr(i, hi)
        left, k = self.binary(i, hi, level + 1)
        while True:
            op = self._binary_op(k, hi, level)
            if op is None:
                return left, k
            name, k2 = op
            line = self.t[k].line
            if name in ("is", "!is"):
                e = self.skip_type(k2, hi)
                left = IsCheck(line, left, self.type_text(k2, e), name == "!is")
                k = e
                continue
            right, k = self.binary(k2, hi, level + 1)
            left = Binary(line, name, left, right)

    def as_expr(self, i: int, hi: int):
        e, k = self.prefix(i, hi)
        while k < hi and is_ident(self.t[k], "as") and (not self.nl_before(k) or True):
            safe = is_op(self.tok(k + 1), "?") and not self.nl_before(k + 1)
            a = k + (2 if safe else 1)
            end = self.skip_type(a, hi)
            e = Cast(self.t[k].line, e, self.type_text(a, end), safe)
            k = end
        return e, k

    def prefix(self, i: int, hi: int):
        if i >= hi:
            raise ParseError("an expression is missing")
        t = self.t[i]
        if is_op(t, "-", "+", "!", "++", "--"):
            e, k = self.prefix(i + 1, hi)
            return Unary(t.line, str(t.value), e), k
        if is_op(t, "@"):
            k = self.skip_annotations(i, hi)
            return self.prefix(k, hi)
        if t.kind == "ident" and is_op(self.tok(i + 1), "@") and is_op(self.tok(i + 2), "{"):
            e, k = self.postfix(i + 2, hi)
            if isinstance(e, Lambda):
                e.label = t.value
            return e, k
        return self.postfix(i, hi)

    def call_args(self, open_: int) -> list:
        close = self.m[open_]
        out = []
        for a, b in self.split(open_ + 1, close):
            name = None
            if b - a >= 2 and self.t[a].kind == "ident" and is_op(self.t[a + 1], "="):
                name = self.t[a].value
                a += 2
            spread = False
            if a < b and is_op(self.t[a], "*"):
                spread = True
                a += 1
            out.append(Arg(name, self.expr(a, b), spread))
        return out

    def postfix(self, i: int, hi: int):
        e, k = self.primary(i, hi)
        while k < hi:
            t = self.t[k]
            nl = self.nl_before(k)
            if is_op(t, ".", "?.") and k + 1 < hi and self.t[k + 1].kind == "ident":
                e = Member(t.line, e, self.t[k + 1].value, t.value == "?.")
                k += 2
                if k < hi and is_op(self.t[k], "<") and not self.nl_before(k):
                    k2 = self.skip_angle(k, hi)
                    if k2 > 0 and k2 < hi and is_op(self.t[k2], "(", "{"):
                        k = k2
                continue
            if is_op(t, "::") and k + 1 < hi and self.t[k + 1].kind == "ident":
                e = Ref(t.line, e, self.t[k + 1].value)
                k += 2
                continue
            if nl:
                break
            if is_op(t, "("):
                e = Call(t.line, e, self.call_args(k))
                k = self.m[k] + 1
                if k < hi and is_op(self.t[k], "{") and not self.nl_before(k):
                    e.lambda_ = self.lambda_(k)
                    k = self.m[k] + 1
                elif (k + 2 < hi and self.t[k].kind == "ident" and is_op(self.t[k + 1], "@")
                      and is_op(self.t[k + 2], "{") and not self.nl_before(k)):
                    e.lambda_ = self.lambda_(k + 2)
                    e.lambda_.label = self.t[k].value
                    k = self.m[k + 2] + 1
                continue
            if is_op(t, "{") and isinstance(e, (Name, Member)):
                e = Call(t.line, e, [], self.lambda_(k))
                k = self.m[k] + 1
                continue
            if is_op(t, "["):
                e = Index(t.line, e, self.call_args(k))
                k = self.m[k] + 1
                continue
            if is_op(t, "!!"):
                e = NotNull(t.line, e)
                k += 1
                continue
            if is_op(t, "<") and isinstance(e, Name):
                k2 = self.skip_angle(k, hi)
                if k2 > 0 and k2 < hi and is_op(self.t[k2], "(", "{", "::") and not self.nl_before(k2):
                    k = k2
                    continue
            break
        return e, k

    def lambda_(self, brace: int) -> Lambda:
        close = self.m[brace]
        k = brace + 1
        params: Optional[list] = None
        m = k
        names: list = []
        ok = True
        while m < close and not is_op(self.t[m], "->"):
            t = self.t[m]
            if is_op(t, "("):
                names += [self.t[p].value for p in range(m + 1, self.m[m]) if self.t[p].kind == "ident"
                          and not is_op(self.t[p - 1], ":")]
                m = self.m[m] + 1
            elif t.kind == "ident":
                names.append(t.value)
                m += 1
            else:
                ok = False
                break
            if m < close and is_op(self.t[m], ":"):
                try:
                    m = self.skip_type(m + 1, close, arrow=False)
                except ParseError:
                    ok = False
                    break
            if m < close and is_op(self.t[m], ","):
                m += 1
        if ok and m < close and is_op(self.t[m], "->"):
            params = names
            k = m + 1
        body = Block(self.line(brace), self.statements(k, close), self.line(close))
        return Lambda(self.line(brace), params, body)

    def primary(self, i: int, hi: int):
        t = self.t[i]
        if t.kind == "str":
            return self.string(t), i + 1
        if t.kind == "char":
            return Lit(t.line, CharValue(t.value)), i + 1
        if t.kind == "num":
            return Lit(t.line, _number(t.value)), i + 1
        if is_op(t, "("):
            close = self.m[i]
            return self.expr(i + 1, close), close + 1
        if is_op(t, "{"):
            return self.lambda_(i), self.m[i] + 1
        if is_op(t, "::") and is_ident(self.tok(i + 1)):
            return Ref(t.line, None, self.t[i + 1].value), i + 2
        if is_op(t, "["):
            return Call(t.line, Name(t.line, "arrayOf"), self.call_args(i)), self.m[i] + 1
        if t.kind != "ident":
            raise ParseError(f"unexpected `{t.value}`")
        v = t.value
        if v in ("true", "false"):
            return Lit(t.line, v == "true"), i + 1
        if v == "null":
            return Lit(t.line, None), i + 1
        if v == "this":
            if is_op(self.tok(i + 1), "@") and is_ident(self.tok(i + 2)):
                return This(t.line, self.t[i + 2].value), i + 3
            return This(t.line), i + 1
        if v == "super":
            k = i + 1
            if is_op(self.tok(k), "<"):
                k = self.skip_angle(k, hi)
            return Super(t.line), k
        if v == "if" and is_op(self.tok(i + 1), "("):
            close = self.m[i + 1]
            cond = self.expr(i + 2, close)
            then, k = self.body(close + 1, hi)
            els = None
            k2 = k
            while k2 < hi and is_op(self.t[k2], ";"):
                k2 += 1
            if k2 < hi and is_ident(self.t[k2], "else"):
                els, k = self.body(k2 + 1, hi)
            return If(t.line, cond, then, els, self.source(i + 2, close)), k
        if v == "when":
            return self.when(i, hi)
        if v == "try" and is_op(self.tok(i + 1), "{"):
            body = self.block(i + 1)
            k = self.m[i + 1] + 1
            catches = []
            fin = None
            while k < hi and is_ident(self.t[k], "catch") and is_op(self.tok(k + 1), "("):
                close = self.m[k + 1]
                name = self.t[k + 2].value
                ctype = self.type_text(k + 4, close)
                catches.append((name, ctype, self.block(close + 1)))
                k = self.m[close + 1] + 1
            if k < hi and is_ident(self.t[k], "finally"):
                fin = self.block(k + 1)
                k = self.m[k + 1] + 1
            return Try(t.line, body, catches, fin), k
        if v == "object" and (is_op(self.tok(i + 1), ":", "{")):
            decl, k = self.class_decl(i, hi, "object", frozenset(), None)
            return ObjectExpr(t.line, decl), k
        if v in ("return", "throw", "break", "continue"):
            k = i + 1
            label = None
            if is_op(self.tok(k), "@") and is_ident(self.tok(k + 1)) and not self.nl_before(k):
                label = self.t[k + 1].value
                k += 2
            value = None
            if v in ("return", "throw") and k < hi and not self.nl_before(k) and not is_op(self.t[k], ";", "}", ")"):
                value, k = self.expression(k, hi)
            return Jump(t.line, v, value, label), k
        if v in ("fun",):
            raise ParseError("an anonymous function")
        return Name(t.line, v), i + 1

    def when(self, i: int, hi: int):
        line = self.t[i].line
        k = i + 1
        subject = None
        subject_name = None
        if is_op(self.tok(k), "("):
            close = self.m[k]
            a = k + 1
            if is_ident(self.tok(a), "val") and is_ident(self.tok(a + 1)):
                subject_name = self.t[a + 1].value
                a += 2
                if is_op(self.tok(a), ":"):
                    a = self.skip_type(a + 1, close)
                a = self.expect(a, close, "=")
            subject = self.expr(a, close)
            k = close + 1
        if not is_op(self.tok(k), "{"):
            raise ParseError("when without braces")
        close = self.m[k]
        branches = []
        p = k + 1
        while p < close:
            if is_op(self.t[p], ";"):
                p += 1
                continue
            bline = self.t[p].line
            # conditions up to `->`
            arrow = p
            while arrow < close and not is_op(self.t[arrow], "->"):
                if is_op(self.t[arrow], "(", "[", "{"):
                    arrow = self.m[arrow]
                arrow += 1
            if arrow >= close:
                raise ParseError("a when branch without ->")
            conds: Optional[list] = []
            if is_ident(self.t[p], "else") and arrow == p + 1:
                conds = None
            else:
                assert conds is not None
                for a, b in self.split(p, arrow):
                    if is_ident(self.t[a], "in"):
                        conds.append(("in", self.expr(a + 1, b)))
                    elif is_op(self.t[a], "!") and is_ident(self.tok(a + 1), "in"):
                        conds.append(("!in", self.expr(a + 2, b)))
                    elif is_ident(self.t[a], "is"):
                        conds.append(("is", self.type_text(a + 1, b)))
                    elif is_op(self.t[a], "!") and is_ident(self.tok(a + 1), "is"):
                        conds.append(("!is", self.type_text(a + 2, b)))
                    else:
                        conds.append(("expr", self.expr(a, b)))
            body, p = self.body(arrow + 1, close)
            branches.append(WhenBranch(conds, body, bline))
        return When(line, subject, subject_name, branches), close + 1

    def string(self, t: Tok) -> StrT:
        s: Str = t.value  # type: ignore[assignment]
        parts: list = []
        for p in s.parts:
            if isinstance(p, str):
                parts.append(p)
            elif isinstance(p, Template):
                if p.tokens is None:
                    parts.append(Name(p.line, p.name or ""))
                else:
                    try:
                        sub = Parser(p.tokens, match_brackets(p.tokens, None))
                        parts.append(sub.expr(0, len(p.tokens)))
                    except Exception as err:  # noqa: BLE001 - any unreadable template stays opaque
                        parts.append(Opaque(p.line, list(p.tokens), str(err) or "a template"))
        return StrT(t.line, parts, s.raw)


# Kotlin's type decides what `+` means, so a String is told apart from a Char.
class StringValue(str):
    pass


class CharValue(str):
    pass


def _number(text: str):
    clean = text.replace("_", "").rstrip("uUlL")
    try:
        if clean.lower().startswith("0x"):
            return int(clean, 16)
        if clean.lower().startswith("0b"):
            return int(clean, 2)
        if clean.endswith(("f", "F")):
            return float(clean[:-1])
        if any(c in clean for c in ".eE"):
            return float(clean)
        return int(clean)
    except ValueError:
        raise ParseError(f"the number {text}") from None


def parse_file(tokens: list, match: dict) -> list:
    """The top-level declarations and statements of a lexed file."""
    return Parser(tokens, match).statements(0, len(tokens))


__all__ = ["Parser", "ParseError", "parse_file", "StringValue", "CharValue", "OPEN", "CLOSE"]
