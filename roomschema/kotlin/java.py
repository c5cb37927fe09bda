"""Java source text -> the same syntax tree the Kotlin parser builds, so the replay, its "database
escaping" rules and its guards judge hand-written Java migrations (``new Migration(1, 2) { ... }``,
``class M extends Migration { M() { super(1, 2); } ... }``) exactly as they judge Kotlin.

Java is not Kotlin with semicolons, and the differences that change a migration's SQL are kept:

* strings have no ``$`` templates; escapes include octal and ``\\s``; text blocks (``\"\"\"``) lose
  their incidental indentation as ``String.stripIndent`` does, before escapes are translated;
* ``\\uXXXX`` escapes are translated before anything else, block comments do not nest, a leading
  ``0`` makes a number octal;
* static members belong to the class, not to an instance: they become a companion object of the
  class, which is how the replay already reads ``Class.NAME`` and bare names inside the class;
* a constructor calling ``super(a, b)`` becomes the class's primary constructor and supertype
  arguments, its other statements an initialiser run after the field initialisers;
* ``new T(args) { body }`` is an object expression, ``new T(args)`` a call of ``T``;
* ``cond ? a : b`` is an ``if`` expression, a lambda's ``return`` returns from the lambda only, a
  classic ``for`` is a range loop or a ``while``, try-with-resources is ``.use { }``.

What this parser does not read (a ``switch``, an assignment inside an expression, ...) becomes an
``Opaque`` statement with its tokens, as in Kotlin: the replay then reports the migration "not
verifiable" when the database is used there, and ignores it otherwise.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from roomschema.kotlin.lexer import SourceText, Str, Tok
from roomschema.kotlin.syntax import (Arg, Assign, Binary, Block, Call, Cast, CharValue, ClassDecl, ExprStmt, For,
                                      FunDecl, If, IncDec, Index, IsCheck, Jump, Lambda, Lit, Member, Name, Node,
                                      ObjectExpr, Opaque, Param, ParseError, Ref, StrT, Super, SuperCall,
                                      This, TokenParser, Try, Unary, ValDecl, While)
from roomschema.kotlin.tokens import is_ident, is_op, match_brackets

# A ``return`` inside a Java lambda leaves the lambda (Kotlin's would leave the function).
LAMBDA_LABEL = "<java lambda>"

# Calls the parser writes for Java constructs; every other bare name in Java is a method of the
# enclosing classes, never Kotlin's standard library.
SYNTHETIC_CALLS = frozenset({"arrayOf", "mutableListOf", "mutableMapOf", "mutableSetOf", "Pair"})

_OPS = (">>>=", "<<=", ">>=", "...", "->", "::", "++", "--", "&&", "||", "==", "!=", "<=", ">=", "+=", "-=", "*=",
        "/=", "%=", "&=", "|=", "^=", "<<")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "s": " ", '"': '"', "'": "'", "\\": "\\"}
_PRIMITIVES = {"int", "long", "short", "byte", "char", "boolean", "float", "double", "void"}
_MODIFIERS = {"public", "private", "protected", "static", "final", "abstract", "native", "synchronized", "transient",
              "volatile", "strictfp", "default", "sealed", "non-sealed"}
_LISTS = {"ArrayList", "LinkedList", "Vector", "CopyOnWriteArrayList"}
_SETS = {"HashSet", "LinkedHashSet", "TreeSet"}
_MAPS = {"HashMap", "LinkedHashMap", "TreeMap", "ConcurrentHashMap", "ArrayMap"}
_DECIMAL = re.compile(r"\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d[\d_]*)?|\.\d[\d_]*(?:[eE][+-]?\d[\d_]*)?")
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u+([0-9a-fA-F]{4})")


def _java_ws(ch: str) -> bool:
    """``Character.isWhitespace``: Java's definition, used by ``String.stripIndent``."""
    if ch in " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f":
        return True
    return unicodedata.category(ch) in ("Zs", "Zl", "Zp") and ch not in "\u00a0\u2007\u202f"


def strip_indent(content: str) -> str:
    """Java's ``String.stripIndent`` (what the compiler applies to a text block's content)."""
    opt_out = content[-1:] in ("\n", "\r")
    lines = re.split(r"\r\n|\n|\r", content)
    if opt_out:
        lines = lines[:-1]  # String.lines(): a final terminator starts no line

    def first_non_ws(line: str) -> int:
        return next((i for i, c in enumerate(line) if not _java_ws(c)), len(line))
    outdent = 0
    if not opt_out:
        outdent = min((first_non_ws(ln) for ln in lines if first_non_ws(ln) != len(ln)), default=1 << 30)
        if lines and first_non_ws(lines[-1]) == len(lines[-1]):
            outdent = min(outdent, len(lines[-1]))
    out = []
    for line in lines:
        first = first_non_ws(line)
        last = len(line)
        while last > 0 and _java_ws(line[last - 1]):
            last -= 1
        out.append("" if first >= last else line[min(outdent, first):last])
    return "\n".join(out) + ("\n" if opt_out else "")


class JavaLexer(SourceText):
    def tokens(self) -> list:
        s, n = self.s, self.n
        out: list = []
        pos = 0
        while pos < n:
            ch = s[pos]
            if ch in " \t\r\n\f\ufeff\x1a":
                pos += 1
            elif s.startswith("//", pos):
                nl = s.find("\n", pos)
                pos = n if nl == -1 else nl
            elif s.startswith("/*", pos):
                end = s.find("*/", pos + 2)  # Java's block comments do not nest
                if end == -1:
                    raise self.error(pos, "unterminated /* comment */")
                pos = end + 2
            elif s.startswith('"""', pos):
                tok, pos = self._text_block(pos)
                out.append(tok)
            elif ch == '"':
                tok, pos = self._string(pos)
                out.append(tok)
            elif ch == "'":
                tok, pos = self._char(pos)
                out.append(tok)
            elif ch == "_" or ch == "$" or ch.isalpha():
                end = pos + 1
                while end < n and (s[end] in "_$" or s[end].isalnum()):
                    end += 1
                out.append(Tok("ident", s[pos:end], self.line_of(pos), pos))
                pos = end
            elif ch.isdigit() or (ch == "." and pos + 1 < n and s[pos + 1].isdigit()):
                end = self._number_end(pos)
                out.append(Tok("num", s[pos:end], self.line_of(pos), pos))
                pos = end
            else:
                op = next((o for o in _OPS if s.startswith(o, pos)), ch)
                out.append(Tok("op", op, self.line_of(pos), pos))
                pos += len(op)
        return out

    def _number_end(self, pos: int) -> int:
        s, n = self.s, self.n
        m = re.compile(r"0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?\d+)?|0[bB][01_]+").match(s, pos)
        if m:
            end = m.end()
        else:
            m = _DECIMAL.match(s, pos)
            end = m.end() if m else pos + 1
            if s[end - 1:end] == "." and end < n and (s[end].isalpha() or s[end] == "_") and s[end] not in "eEfFdD":
                end -= 1  # `1.toString` is not Java, but `x = 1.` then a name is not a fraction either
        while end < n and s[end] in "lLfFdD":
            end += 1
        return end

    def _escape(self, i: int, text_block: bool) -> tuple:
        s = self.s
        if i + 1 >= self.n:
            raise self.error(i, "unterminated string")
        c = s[i + 1]
        if c in _ESCAPES:
            return _ESCAPES[c], i + 2
        if c in "01234567":
            m = re.compile(r"[0-3][0-7]{0,2}|[4-7][0-7]?").match(s, i + 1)
            assert m is not None
            return chr(int(m.group(0), 8)), m.end()
        if text_block and c == "\n":
            return "", i + 2  # a line continuation
        raise self.error(i, f"illegal escape: \\{c}")

    def _string(self, pos: int) -> tuple:
        s, n = self.s, self.n
        i = pos + 1
        buf: list = []
        while True:
            if i >= n or s[i] == "\n":
                raise self.error(pos, "unterminated string")
            ch = s[i]
            if ch == '"':
                i += 1
                break
            if ch == "\\":
                value, i = self._escape(i, False)
                buf.append(value)
                continue
            buf.append(ch)
            i += 1
        return Tok("str", Str([_join_surrogates("".join(buf))], False), self.line_of(pos), pos), i

    def _text_block(self, pos: int) -> tuple:
        s, n = self.s, self.n
        i = pos + 3
        while i < n and s[i] in " \t\f":
            i += 1
        if i >= n or s[i] != "\n":
            raise self.error(pos, 'a text block\'s opening """ must end its line')
        start = i + 1
        i = start
        while True:
            if i >= n:
                raise self.error(pos, "unterminated text block")
            if s[i] == "\\":
                i += 2
                continue
            if s.startswith('"""', i):
                break
            i += 1
        content = strip_indent(s[start:i])
        # Escapes are translated after the indentation is stripped, as javac does.
        out: list = []
        k = 0
        while k < len(content):
            if content[k] == "\\":
                sub = JavaLexer(content, self.filename)
                value, k = sub._escape(k, True)
                out.append(value)
            else:
                out.append(content[k])
                k += 1
        return Tok("str", Str([_join_surrogates("".join(out))], False), self.line_of(pos), pos,
                   self.line_of(i + 2)), i + 3

    def _char(self, pos: int) -> tuple:
        s = self.s
        i = pos + 1
        if i >= self.n or s[i] == "\n":
            raise self.error(pos, "unterminated character literal")
        if s[i] == "\\":
            value, i = self._escape(i, False)
        else:
            value, i = s[i], i + 1
        if i >= self.n or s[i] != "'":
            raise self.error(pos, "unterminated or too long character literal")
        return Tok("char", value, self.line_of(pos), pos), i + 1


def _join_surrogates(s: str) -> str:
    try:
        return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return s


def _number(text: str):
    clean = text.replace("_", "")
    low = clean.lower()
    try:
        if low.startswith("0x") and not any(c in low for c in ".p"):
            return int(clean.rstrip("lL"), 16)
        if low.startswith("0b"):
            return int(clean.rstrip("lL")[2:], 2)
        if low.endswith(("f", "d")) and not low.startswith("0x"):
            return float(clean[:-1])
        if any(c in low for c in ".e") and not low.startswith("0x"):
            return float(clean)
        digits = clean.rstrip("lL")
        if len(digits) > 1 and digits.startswith("0"):
            return int(digits, 8)  # Java: a leading zero is octal
        return int(digits)
    except ValueError:
        raise ParseError(f"the number {text}") from None


class JavaParser(TokenParser):
    def __init__(self, tokens: list, match: dict):
        super().__init__(tokens, match)
        self.in_lambda = False

    # ---- helpers ------------------------------------------------------------------------
    def close(self, i: int) -> int:
        return self.m[i]

    def expect(self, i: int, value: str) -> int:
        if not is_op(self.tok(i), value):
            raise ParseError(f"expected '{value}'")
        return i + 1

    def skip_annotations(self, i: int, hi: int) -> int:
        while i + 1 < hi and is_op(self.t[i], "@") and self.t[i + 1].kind == "ident" and self.t[i + 1].value != \
                "interface":
            i += 2
            while i + 1 < hi and is_op(self.t[i], ".") and self.t[i + 1].kind == "ident":
                i += 2
            if i < hi and is_op(self.t[i], "("):
                i = self.m[i] + 1
        return i

    def modifiers(self, i: int, hi: int) -> tuple:
        mods: set = set()
        while i < hi:
            k = self.skip_annotations(i, hi)
            if k != i:
                i = k
                continue
            t = self.t[i]
            if t.kind == "ident" and t.value in _MODIFIERS and not is_op(self.tok(i + 1), "(", ".", "=", ";"):
                mods.add(t.value)
                i += 1
                continue
            if is_ident(t, "non") and is_op(self.tok(i + 1), "-") and is_ident(self.tok(i + 2), "sealed"):
                i += 3
                continue
            break
        return frozenset(mods), i

    def skip_type_args(self, i: int, hi: int) -> int:
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
            elif is_op(t, ",", ".", "?", "&", "[", "]", "@") or is_ident(t):
                pass
            else:
                return -1
            k += 1
        return -1

    def skip_type(self, i: int, hi: int) -> int:
        """Past a type (annotations, a qualified name, type arguments, array brackets, `...`), or -1."""
        i = self.skip_annotations(i, hi)
        if i >= hi or self.t[i].kind != "ident":
            return -1
        i += 1
        while True:
            if i < hi and is_op(self.t[i], "<"):
                k = self.skip_type_args(i, hi)
                if k < 0:
                    return -1
                i = k
            elif i + 1 < hi and is_op(self.t[i], ".") and (self.t[i + 1].kind == "ident" or is_op(self.t[i + 1], "@")):
                i = self.skip_annotations(i + 1, hi)
                if i >= hi or self.t[i].kind != "ident":
                    return -1
                i += 1
            else:
                break
        while i + 1 < hi and is_op(self.t[i], "[") and is_op(self.t[i + 1], "]"):
            i += 2
        return i

    def simple_type(self, a: int, b: int) -> str:
        """The class a type names: ``java.util.HashMap<K, V>`` -> ``HashMap``."""
        last = ""
        k = a
        while k < b:
            t = self.t[k]
            if is_op(t, "<"):
                k2 = self.skip_type_args(k, b)
                k = k2 if k2 > 0 else k + 1
                continue
            if t.kind == "ident":
                last = str(t.value)
            k += 1
        return last

    def source(self, a: int, b: int, limit: int = 120) -> str:
        out = ""
        for t in self.t[a:b]:
            if t.kind == "str":
                piece = '"' + "".join(p for p in t.value.parts if isinstance(p, str)) + '"'
            elif t.kind == "char":
                piece = "'" + str(t.value) + "'"
            else:
                piece = str(t.value)
            word = piece[:1].isalnum() or piece[:1] in "_\"'$"
            if out and word and (out[-1].isalnum() or out[-1] in "_\"')$"):
                out += " "
            elif t.kind == "op" and piece in ("==", "!=", "&&", "||", "?", ":", "->", "=", "<", ">", "<=", ">="):
                piece = " " + piece + " "
            elif t.kind == "op" and piece == ",":
                piece = ", "
            out += piece
        out = re.sub(" +", " ", out).strip()
        return out if len(out) <= limit else out[:limit - 3] + "..."

    def statement_end(self, i: int, hi: int) -> int:
        """Just after the `;` or the block that ends the statement starting at i."""
        k = i
        while k < hi:
            t = self.t[k]
            if is_op(t, ";"):
                return k + 1
            if is_op(t, "{"):
                end = self.m[k] + 1
                # `x = new T() { ... };`, `int[] a = {1, 2};`: the statement goes on to its `;`.
                if k > i and not is_op(self.t[k - 1], ")") or is_op(self.tok(end), ";", ",", ")", "."):
                    k = end
                    continue
                if k > i and is_op(self.t[k - 1], ")") and self._anonymous_body(i, k):
                    k = end
                    continue
                return end
            if is_op(t, "(", "["):
                k = self.m[k] + 1
                continue
            k += 1
        return hi

    def _anonymous_body(self, i: int, brace: int) -> bool:
        """Whether the `{` after `)` at ``brace`` opens an anonymous class (`new T(...) {`)."""
        open_ = self.m[brace - 1]
        k = open_ - 1
        while k > i and (self.t[k].kind == "ident" or is_op(self.t[k], ".", "<", ">", ",", "?")):
            if is_ident(self.t[k], "new"):
                return True
            k -= 1
        return is_ident(self.tok(k), "new")

    # ---- declarations -------------------------------------------------------------------
    def members(self, lo: int, hi: int, decl: Optional[ClassDecl]) -> list:
        """The type declarations (top level) or members of a class body."""
        out: list = []
        i = lo
        while i < hi:
            if is_op(self.t[i], ";"):
                i += 1
                continue
            try:
                nodes, k = self.member(i, hi, decl)
            except (ParseError, KeyError, IndexError) as err:
                k = max(self.statement_end(i, hi), i + 1)
                nodes = [Opaque(self.line(i), self.t[i:k], str(err) or "unreadable")]
            out += nodes
            i = k
        return out

    def member(self, i: int, hi: int, owner: Optional[ClassDecl]) -> tuple:
        t = self.t[i]
        if is_ident(t, "package", "import"):
            k = i
            while k < hi and not is_op(self.t[k], ";"):
                k += 1
            return [], k + 1
        mods, k = self.modifiers(i, hi)
        t = self.t[k]
        if is_op(t, "{"):
            block = self.block(k)
            return [_Init(block, "static" in mods)], self.m[k] + 1
        if is_op(t, "@") and is_ident(self.tok(k + 1), "interface"):
            end = self.m[self._find_brace(k, hi)] + 1
            return [], end
        if is_ident(t, "class", "interface", "enum", "record"):
            decl, end = self.class_decl(k, hi, str(t.value), mods, owner)
            return [decl], end
        if owner is None:
            raise ParseError("a declaration outside a class")
        # A constructor: `Name(` where Name is the class's.
        if is_op(t, "<"):
            k = self.skip_type_args(k, hi)
            if k < 0:
                raise ParseError("type parameters")
        if self.t[k].kind == "ident" and self.t[k].value == owner.name and is_op(self.tok(k + 1), "("):
            return [self.constructor(k, hi, mods)], self._method_end(k + 1, hi)
        e = self.skip_type(k, hi)
        if e < 0 or e >= hi or self.t[e].kind != "ident":
            raise ParseError("a member")
        if is_op(self.tok(e + 1), "("):
            fun = self.method(e, hi, mods, owner, self.type_text(k, e))
            return [_Member(fun, "static" in mods)], self._method_end(e + 1, hi)
        decls, end = self.var_decls(e, hi, mods, field=True)
        return [_Member(d, "static" in mods) for d in decls], end

    def _find_brace(self, i: int, hi: int) -> int:
        k = i
        while k < hi and not is_op(self.t[k], "{"):
            if is_op(self.t[k], "(", "["):
                k = self.m[k]
            k += 1
        if k >= hi:
            raise ParseError("a body")
        return k

    def _method_end(self, open_: int, hi: int) -> int:
        k = self.m[open_] + 1
        while k < hi and not is_op(self.t[k], "{", ";"):
            if is_op(self.t[k], "(", "["):
                k = self.m[k]
            k += 1
        if k >= hi:
            raise ParseError("a method without a body or `;`")
        return self.m[k] + 1 if is_op(self.t[k], "{") else k + 1

    def params(self, open_: int) -> list:
        close = self.m[open_]
        out = []
        k = open_ + 1
        while k < close:
            _, k = self.modifiers(k, close)
            e = self.skip_type(k, close)
            if e < 0:
                raise ParseError("a parameter")
            ptype = self.type_text(k, e)
            vararg = False
            if is_op(self.tok(e), "..."):
                vararg = True
                e += 1
            if is_ident(self.tok(e), "this"):  # a receiver parameter
                k = e + 1
            else:
                if not is_ident(self.tok(e)):
                    raise ParseError("a parameter without a name")
                name = str(self.t[e].value)
                k = e + 1
                while is_op(self.tok(k), "[") and is_op(self.tok(k + 1), "]"):
                    k += 2
                out.append(Param(name, None, vararg, False, ptype))
            if k < close and not is_op(self.t[k], ","):
                raise ParseError("a parameter")
            k += 1
        return out

    def method(self, name_at: int, hi: int, mods: frozenset, owner: Optional[ClassDecl], rtype: str) -> FunDecl:
        name = str(self.t[name_at].value)
        params = self.params(name_at + 1)
        k = self.m[name_at + 1] + 1
        while k < hi and not is_op(self.t[k], "{", ";"):
            if is_op(self.t[k], "(", "["):
                k = self.m[k]
            k += 1
        body = self.block(k) if k < hi and is_op(self.t[k], "{") else None
        return FunDecl(self.line(name_at), name, params, body, None, mods, owner)

    def constructor(self, name_at: int, hi: int, mods: frozenset) -> "_Ctor":
        params = self.params(name_at + 1)
        k = self.m[name_at + 1] + 1
        while k < hi and not is_op(self.t[k], "{", ";"):
            k += 1
        if k >= hi or not is_op(self.t[k], "{"):
            raise ParseError("a constructor without a body")
        close = self.m[k]
        lo = k + 1
        sup: Optional[list] = None
        delegate: Optional[list] = None
        if is_ident(self.tok(lo), "super", "this") and is_op(self.tok(lo + 1), "("):
            args = self.call_args(lo + 1)
            if self.t[lo].value == "super":
                sup = args
            else:
                delegate = args
            lo = self.expect(self.m[lo + 1] + 1, ";")
        body = Block(self.line(k), self.statements(lo, close), self.line(close))
        return _Ctor(self.line(name_at), params, sup, delegate, body)

    def var_decls(self, i: int, hi: int, mods: frozenset, field: bool) -> tuple:
        """``name [= init], name2 ...;`` from the first name at i: one ValDecl each."""
        out = []
        k = i
        while True:
            if not is_ident(self.tok(k)):
                raise ParseError("a variable without a name")
            name, line = str(self.t[k].value), self.t[k].line
            k += 1
            while is_op(self.tok(k), "[") and is_op(self.tok(k + 1), "]"):
                k += 2
            expr = None
            if is_op(self.tok(k), "="):
                end = self._declarator_end(k + 1, hi)
                expr = self.initializer(k + 1, end)
                k = end
            if expr is not None or not field:
                out.append(ValDecl(line, [name], expr, "final" not in mods, "final" in mods))
            if is_op(self.tok(k), ","):
                k += 1
                continue
            return out, self.expect(k, ";")

    def _declarator_end(self, i: int, hi: int) -> int:
        k = i
        while k < hi and not is_op(self.t[k], ",", ";"):
            if is_op(self.t[k], "(", "[", "{"):
                k = self.m[k]
            k += 1
        return k

    def initializer(self, a: int, b: int) -> Node:
        if is_op(self.tok(a), "{") and self.m[a] == b - 1:
            return self.array_init(a)
        return self.expr(a, b)

    def array_init(self, brace: int) -> Call:
        close = self.m[brace]
        args = [Arg(None, self.initializer(x, y)) for x, y in self.split(brace + 1, close)]
        return Call(self.line(brace), Name(self.line(brace), "arrayOf"), args)

    def class_decl(self, i: int, hi: int, kind: str, mods: frozenset, owner: Optional[ClassDecl]) -> tuple:
        line = self.t[i].line
        name = str(self.t[i + 1].value) if is_ident(self.tok(i + 1)) else None
        k = i + 2
        if is_op(self.tok(k), "<"):
            k = self.skip_type_args(k, hi)
            if k < 0:
                raise ParseError("type parameters")
        record_params: list = []
        if kind == "record" and is_op(self.tok(k), "("):
            record_params = self.params(k)
            k = self.m[k] + 1
        extends: list = []
        implements: list = []
        while k < hi and not is_op(self.t[k], "{"):
            if is_ident(self.t[k], "extends", "implements", "permits"):
                which = extends if self.t[k].value == "extends" and kind != "interface" else implements
                if self.t[k].value == "permits":
                    which = []
                k += 1
                while True:
                    e = self.skip_type(k, hi)
                    if e < 0:
                        raise ParseError("a supertype")
                    which.append((self.type_text(k, e), self.line(k)))
                    k = e
                    if is_op(self.tok(k), ","):
                        k += 1
                        continue
                    break
                continue
            raise ParseError("a class header")
        if k >= hi:
            raise ParseError("a class without a body")
        close = self.m[k]
        decl = ClassDecl(line, "enum" if kind == "enum" else "interface" if kind == "interface" else "class", name,
                         [], [], [], modifiers=mods, owner=owner)
        lo = k + 1
        if kind == "enum":
            lo = self.enum_entries(decl, lo, close)
        body = self.members(lo, close, decl)
        statics: list = []
        members: list = []
        ctors: list = []
        # Field initialisers and instance initialisers run in source order, then the constructor's body.
        for mem in body:
            if isinstance(mem, _Ctor):
                ctors.append(mem)
            elif isinstance(mem, _Init):
                (statics if mem.static else members).append(mem.block)
            elif isinstance(mem, _Member):
                static = mem.static or kind == "interface" and isinstance(mem.node, ValDecl)
                (statics if static else members).append(mem.node)
            else:
                if isinstance(mem, ClassDecl):
                    mem.owner = decl
                members.append(mem)
        ctor = _pick_constructor(ctors)
        decl.params = list(record_params) + (ctor.params if ctor is not None else [])
        for type_, tline in extends:
            args = ctor.sup if ctor is not None and ctor.sup is not None else []
            decl.supers.append(SuperCall(type_, args, tline))
        for type_, tline in implements:
            decl.supers.append(SuperCall(type_, None, tline))
        if ctor is not None and ctor.body.stmts:
            members.append(ctor.body)
        if ctor is not None and ctor.delegate is not None:
            members.append(Opaque(ctor.line, [], "a constructor delegating to this(...)"))
        decl.members = members
        if statics:
            companion = ClassDecl(line, "companion", "Companion", [], [], statics, owner=decl)
            for mem in statics:
                if isinstance(mem, FunDecl):
                    mem.owner = companion
            decl.members.append(companion)
        for mem in decl.members:
            if isinstance(mem, FunDecl):
                mem.owner = decl
        return decl, close + 1

    # ---- statements ---------------------------------------------------------------------
    def statements(self, lo: int, hi: int) -> list:
        out: list = []
        i = lo
        while i < hi:
            if is_op(self.t[i], ";"):
                i += 1
                continue
            try:
                nodes, k = self.statement(i, hi)
            except (ParseError, KeyError, IndexError) as err:
                k = max(self.statement_end(i, hi), i + 1)
                nodes = [Opaque(self.line(i), self.t[i:k], str(err) or "unreadable")]
            out += nodes
            i = k
        return out

    def body(self, i: int, hi: int) -> tuple:
        if is_op(self.tok(i), "{"):
            return self.block(i), self.m[i] + 1
        nodes, k = self.statement(i, hi)
        return Block(self.line(i), nodes), k

    def statement(self, i: int, hi: int, label: Optional[str] = None) -> tuple:
        t = self.t[i]
        line = t.line
        if is_op(t, "{"):
            return [self.block(i)], self.m[i] + 1
        if t.kind == "ident" and is_op(self.tok(i + 1), ":") and not is_op(self.tok(i + 2), ":"):
            if is_ident(self.tok(i + 2), "for", "while", "do"):
                return self.statement(i + 2, hi, str(t.value))
            return self.statement(i + 2, hi)
        if is_ident(t, "if") and is_op(self.tok(i + 1), "("):
            close = self.m[i + 1]
            cond = self.expr(i + 2, close)
            then, k = self.body(close + 1, hi)
            els = None
            if is_ident(self.tok(k), "else"):
                els, k = self.body(k + 1, hi)
            return [ExprStmt(line, If(line, cond, then, els, self.source(i + 2, close)))], k
        if is_ident(t, "while") and is_op(self.tok(i + 1), "("):
            close = self.m[i + 1]
            cond = self.expr(i + 2, close)
            body, k = self.body(close + 1, hi)
            return [While(line, cond, body, label=label)], k
        if is_ident(t, "do"):
            body, k = self.body(i + 1, hi)
            if not is_ident(self.tok(k), "while") or not is_op(self.tok(k + 1), "("):
                raise ParseError("do without while")
            close = self.m[k + 1]
            return [While(line, self.expr(k + 2, close), body, do=True, label=label)], self.expect(close + 1, ";")
        if is_ident(t, "for") and is_op(self.tok(i + 1), "("):
            return self.for_stmt(i, hi, label)
        if is_ident(t, "try"):
            return self.try_stmt(i, hi)
        if is_ident(t, "return", "throw"):
            k = i + 1
            value = None
            if not is_op(self.tok(k), ";"):
                end = self._expr_end(k, hi)
                value = self.expr(k, end)
                k = end
            jump_label = LAMBDA_LABEL if t.value == "return" and self.in_lambda else None
            return [ExprStmt(line, Jump(line, str(t.value), value, jump_label))], self.expect(k, ";")
        if is_ident(t, "break", "continue"):
            k = i + 1
            target = None
            if is_ident(self.tok(k)):
                target = str(self.t[k].value)
                k += 1
            return [ExprStmt(line, Jump(line, str(t.value), None, target))], self.expect(k, ";")
        if is_ident(t, "synchronized") and is_op(self.tok(i + 1), "("):
            close = self.m[i + 1]
            body, k = self.body(close + 1, hi)
            return [ExprStmt(line, self.expr(i + 2, close)), body], k
        if is_ident(t, "assert"):
            return [], self.statement_end(i, hi)
        if is_ident(t, "switch", "yield"):
            raise ParseError(f"a {t.value} statement")
        if is_ident(t, "class", "interface", "enum", "record") or (
                is_ident(t, "final", "abstract", "static") and is_ident(self.tok(i + 1), "class")):
            raise ParseError("a local class")
        # A local variable: modifiers, a type, then a name.
        mods, k = self.modifiers(i, hi)
        e = self.skip_type(k, hi)
        if e > 0 and is_ident(self.tok(e)) and is_op(self.tok(e + 1), "=", ";", ",", "[") and \
                not is_ident(self.t[k], "return", "new", "throw"):
            decls, end = self.var_decls(e, hi, mods, field=False)
            return decls, end
        if k != i:
            raise ParseError("modifiers before a statement")
        end = self._expr_end(i, hi)
        node = self.expression_statement(i, end)
        return [node], self.expect(end, ";")

    def _expr_end(self, i: int, hi: int) -> int:
        k = i
        while k < hi and not is_op(self.t[k], ";"):
            if is_op(self.t[k], "(", "[", "{"):
                k = self.m[k]
            k += 1
        return k

    def expression_statement(self, i: int, end: int) -> Node:
        line = self.t[i].line
        depth_ops = self._top_level_assign(i, end)
        if depth_ops is not None:
            k, op = depth_ops
            target = self.expr(i, k)
            rhs = self.expr(k + 1, end)
            if op in ("=", "+=", "-=", "*=", "/=", "%="):
                return Assign(line, target, op, rhs)
            return Assign(line, target, "=", Opaque(line, self.t[k + 1:end], f"the operator {op}"))
        if is_op(self.t[i], "++", "--"):
            return IncDec(line, self.expr(i + 1, end), str(self.t[i].value))
        if end - 1 > i and is_op(self.t[end - 1], "++", "--"):
            return IncDec(line, self.expr(i, end - 1), str(self.t[end - 1].value))
        return ExprStmt(line, self.expr(i, end))

    def _top_level_assign(self, i: int, end: int):
        k = i
        while k < end:
            t = self.t[k]
            if is_op(t, "(", "[", "{"):
                k = self.m[k] + 1
                continue
            if is_op(t, "?", "->"):
                return None
            if t.kind == "op" and t.value in ("=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=",
                                              ">>>="):
                return k, str(t.value)
            k += 1
        return None

    def for_stmt(self, i: int, hi: int, label: Optional[str]) -> tuple:
        line = self.t[i].line
        open_ = i + 1
        close = self.m[open_]
        # for (T x : iterable)
        k = open_ + 1
        mods, k = self.modifiers(k, close)
        e = self.skip_type(k, close)
        if e > 0 and is_ident(self.tok(e)) and is_op(self.tok(e + 1), ":"):
            iterable = self.expr(e + 2, close)
            body, end = self.body(close + 1, hi)
            return [For(line, [str(self.t[e].value)], iterable, body, label)], end
        parts = []
        k = open_ + 1
        for _ in range(2):
            semi = k
            while semi < close and not is_op(self.t[semi], ";"):
                if is_op(self.t[semi], "(", "[", "{"):
                    semi = self.m[semi]
                semi += 1
            if semi >= close:
                raise ParseError("a for loop")
            parts.append((k, semi))
            k = semi + 1
        parts.append((k, close))
        (ia, ib), (ca, cb), (ua, ub) = parts
        body, end = self.body(close + 1, hi)
        init: list = []
        if ib > ia:
            init, _ = self.statement(ia, ib + 1)
        cond: Node = self.expr(ca, cb) if cb > ca else Lit(line, True)
        updates = [self.expression_statement(a, b) for a, b in self.split(ua, ub)]
        ranged = self._range_for(init, cond, updates, body, line, label)
        if ranged is not None:
            return [ranged], end
        if _has_continue(body, label):
            raise ParseError("a for loop with continue")
        loop = While(line, cond, Block(body.line, [body] + updates, body.end_line), label=label)
        return [Block(line, init + [loop], body.end_line)], end

    def _range_for(self, init: list, cond: Node, updates: list, body: Block, line: int, label: Optional[str]):
        """``for (int i = a; i < b; i++)`` with ``i`` left alone in the body: a range loop."""
        if len(init) != 1 or not isinstance(init[0], ValDecl) or init[0].expr is None or len(updates) != 1:
            return None
        var = init[0].names[0]
        up = updates[0]
        if not (isinstance(up, IncDec) and up.op == "++" and isinstance(up.target, Name) and up.target.id == var):
            return None
        if not (isinstance(cond, Binary) and cond.op in ("<", "<=") and isinstance(cond.left, Name)
                and cond.left.id == var and not _mentions(cond.right, var)):
            return None
        if _assigns(body, var):
            return None
        op = "until" if cond.op == "<" else ".."
        return For(line, [var], Binary(line, op, init[0].expr, cond.right), body, label)

    def try_stmt(self, i: int, hi: int) -> tuple:
        line = self.t[i].line
        k = i + 1
        resources: list = []
        if is_op(self.tok(k), "("):
            close = self.m[k]
            for a, b in self._split_semis(k + 1, close):
                mods, a2 = self.modifiers(a, b)
                e = self.skip_type(a2, b)
                if e > 0 and is_ident(self.tok(e)) and is_op(self.tok(e + 1), "="):
                    resources.append((str(self.t[e].value), self.expr(e + 2, b), self.line(a)))
                else:
                    resources.append((None, self.expr(a, b), self.line(a)))
            k = close + 1
        if not is_op(self.tok(k), "{"):
            raise ParseError("try without a block")
        body = self.block(k)
        k = self.m[k] + 1
        catches = []
        fin = None
        while is_ident(self.tok(k), "catch") and is_op(self.tok(k + 1), "("):
            close = self.m[k + 1]
            name = str(self.t[close - 1].value)
            catches.append((name, self.type_text(k + 2, close - 1), self.block(close + 1)))
            k = self.m[close + 1] + 1
        if is_ident(self.tok(k), "finally"):
            fin = self.block(k + 1)
            k = self.m[k + 1] + 1
        for name, expr, rline in reversed(resources):
            # try (Cursor c = db.query(...)) { ... } is Kotlin's db.query(...).use { c -> ... }. A body
            # ending in `return x;` becomes `return db.query(...).use { c -> ...; x }`: the replay
            # evaluates a guard's cursor code as one expression, which a return from inside would leave.
            stmts = list(body.stmts)
            last = stmts[-1] if stmts else None
            returns = isinstance(last, ExprStmt) and isinstance(last.expr, Jump) and last.expr.kind == "return" \
                and last.expr.expr is not None and last.expr.label is None
            if returns:
                assert isinstance(last, ExprStmt) and isinstance(last.expr, Jump) and last.expr.expr is not None
                stmts[-1] = ExprStmt(last.line, last.expr.expr)
            lam = Lambda(rline, [name] if name else ["_"], Block(body.line, stmts, body.end_line))
            use: Node = Call(rline, Member(rline, expr, "use"), [], lam)
            if returns:
                use = Jump(rline, "return", use, LAMBDA_LABEL if self.in_lambda else None)
            body = Block(rline, [ExprStmt(rline, use)], body.end_line)
        if not catches and fin is None:
            return [body], k
        return [ExprStmt(line, Try(line, body, catches, fin))], k

    def _split_semis(self, lo: int, hi: int) -> list:
        out = []
        start = lo
        k = lo
        while k < hi:
            if is_op(self.t[k], "(", "[", "{"):
                k = self.m[k] + 1
                continue
            if is_op(self.t[k], ";"):
                if k > start:
                    out.append((start, k))
                start = k + 1
            k += 1
        if start < hi:
            out.append((start, hi))
        return out

    # ---- expressions --------------------------------------------------------------------
    def split(self, lo: int, hi: int) -> list:
        args = []
        start = lo
        k = lo
        depth = 0  # `<` of type arguments in `new HashMap<K, V>()`
        while k < hi:
            t = self.t[k]
            if is_op(t, "(", "[", "{"):
                k = self.m[k] + 1
                continue
            if is_op(t, "<") and k > lo and self.t[k - 1].kind == "ident":
                end = self.skip_type_args(k, hi)
                if end > 0 and (is_op(self.tok(end), "(", ">", ",", "[", "{", "::") or is_ident(self.tok(end))):
                    k = end
                    continue
            if is_op(t, ",") and depth == 0:
                args.append((start, k))
                start = k + 1
            k += 1
        if start < hi:
            args.append((start, hi))
        return args

    def call_args(self, open_: int) -> list:
        close = self.m[open_]
        return [Arg(None, self.expr(a, b)) for a, b in self.split(open_ + 1, close)]

    def expr(self, lo: int, hi: int) -> Node:
        if lo >= hi:
            raise ParseError("an expression is missing")
        e, k = self.expression(lo, hi)
        if k != hi:
            raise ParseError(f"unexpected `{self.t[k].value}`")
        return e

    def expression(self, i: int, hi: int) -> tuple:
        lam = self.lambda_at(i, hi)
        if lam is not None:
            return lam
        cond, k = self.binary(i, hi, 0)
        if is_op(self.tok(k), "?") and k < hi:
            colon = self._ternary_colon(k + 1, hi)
            then = self.expr(k + 1, colon)
            els, end = self.expression(colon + 1, hi)
            line = self.t[k].line
            return If(line, cond, then, els, self.source(i, k)), end
        return cond, k

    def _ternary_colon(self, i: int, hi: int) -> int:
        depth = 0
        k = i
        while k < hi:
            t = self.t[k]
            if is_op(t, "(", "[", "{"):
                k = self.m[k] + 1
                continue
            if is_op(t, "?"):
                depth += 1
            elif is_op(t, ":"):
                if depth == 0:
                    return k
                depth -= 1
            k += 1
        raise ParseError("a ? without :")

    def lambda_at(self, i: int, hi: int) -> Optional[tuple]:
        t = self.t[i]
        params: Optional[list] = None
        arrow = -1
        if t.kind == "ident" and is_op(self.tok(i + 1), "->"):
            params, arrow = [str(t.value)], i + 1
        elif is_op(t, "(") and is_op(self.tok(self.m[i] + 1), "->"):
            close = self.m[i]
            params = []
            for a, b in self.split(i + 1, close):
                if b - 1 < a or not is_ident(self.t[b - 1]):
                    return None
                params.append(str(self.t[b - 1].value))
            arrow = close + 1
        if params is None:
            return None
        line = t.line
        saved = self.in_lambda
        self.in_lambda = True
        try:
            if is_op(self.tok(arrow + 1), "{"):
                body = self.block(arrow + 1)
                end = self.m[arrow + 1] + 1
            else:
                e, end = self.expression(arrow + 1, hi)
                body = Block(e.line, [ExprStmt(e.line, e)], e.line)
        finally:
            self.in_lambda = saved
        return Lambda(line, params, body, LAMBDA_LABEL), end

    # Java's binary operators, loosest first, as the Kotlin names the replay knows.
    _LEVELS = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", ">", "<=", ">=", "instanceof"),
               ("<<", ">>", ">>>"), ("+", "-"), ("*", "/", "%")]
    _NAMES = {"|": "or", "^": "xor", "&": "and", "<<": "shl", ">>": "shr", ">>>": "ushr"}

    def _op_at(self, k: int, hi: int, level: int) -> Optional[tuple]:
        if k >= hi:
            return None
        t = self.t[k]
        ops = self._LEVELS[level]
        if "instanceof" in ops and is_ident(t, "instanceof"):
            return "instanceof", k + 1
        if ">>" in ops and is_op(t, ">") and is_op(self.tok(k + 1), ">") and self.t[k + 1].pos == t.pos + 1:
            if is_op(self.tok(k + 2), ">") and self.t[k + 2].pos == t.pos + 2:
                return ">>>", k + 3
            return ">>", k + 2
        if t.kind != "op" or t.value not in ops:
            return None
        if t.value == ">" and is_op(self.tok(k + 1), ">", ">=") and self.t[k + 1].pos == t.pos + 1:
            return None  # a shift, read at its own level
        return str(t.value), k + 1

    def binary(self, i: int, hi: int, level: int) -> tuple:
        if level >= len(self._LEVELS):
            return self.unary(i, hi)
        left, k = self.binary(i, hi, level + 1)
        while True:
            op = self._op_at(k, hi, level)
            if op is None:
                return left, k
            name, k2 = op
            line = self.t[k].line
            if name == "instanceof":
                a = k2
                if is_ident(self.tok(a), "final"):
                    a += 1
                e = self.skip_type(a, hi)
                if e < 0:
                    raise ParseError("instanceof")
                if is_ident(self.tok(e)):
                    raise ParseError("a pattern in instanceof")
                left = IsCheck(line, left, self.type_text(a, e))
                k = e
                continue
            right, k = self.binary(k2, hi, level + 1)
            left = Binary(line, self._NAMES.get(name, name), left, right)

    def unary(self, i: int, hi: int) -> tuple:
        if i >= hi:
            raise ParseError("an expression is missing")
        t = self.t[i]
        if is_op(t, "+", "-", "!"):
            e, k = self.unary(i + 1, hi)
            if t.value == "-" and isinstance(e, Lit) and isinstance(e.value, (int, float)) \
                    and not isinstance(e.value, bool):
                return Lit(t.line, -e.value), k
            return Unary(t.line, str(t.value), e), k
        if is_op(t, "~"):
            e, k = self.unary(i + 1, hi)
            return Call(t.line, Member(t.line, e, "inv"), []), k
        if is_op(t, "++", "--"):
            raise ParseError("an increment inside an expression")
        if is_op(t, "("):
            cast = self.cast_at(i, hi)
            if cast is not None:
                return cast
        return self.postfix(i, hi)

    def cast_at(self, i: int, hi: int) -> Optional[tuple]:
        close = self.m[i]
        e = self.skip_type(i + 1, close)
        if e != close:
            # `(A & B) x` intersection casts
            return None
        nxt = self.tok(close + 1)
        if nxt is None or close + 1 >= hi:
            return None
        primitive = is_ident(self.t[i + 1]) and self.t[i + 1].value in _PRIMITIVES
        starts_operand = nxt.kind in ("ident", "num", "str", "char") and not is_ident(nxt, "instanceof") or \
            is_op(nxt, "(", "!", "~")
        if not (starts_operand or primitive and is_op(nxt, "-", "+")):
            return None
        if nxt.kind == "ident" and not primitive and len(self.t[i + 1:close]) == 1 and \
                str(self.t[i + 1].value)[:1].islower() and self.t[i + 1].value not in ("var",):
            return None  # `(x) y` is not Java; `(x)` then a name is a parenthesised expression elsewhere
        operand, k = self.unary(close + 1, hi)
        return Cast(self.t[i].line, operand, self.type_text(i + 1, close)), k

    def postfix(self, i: int, hi: int) -> tuple:
        e, k = self.primary(i, hi)
        while k < hi:
            t = self.t[k]
            if is_op(t, ".") and k + 1 < hi:
                nxt = self.t[k + 1]
                if is_op(nxt, "<"):
                    k2 = self.skip_type_args(k + 1, hi)
                    if k2 < 0:
                        raise ParseError("type arguments")
                    k = k2 - 1
                    nxt = self.t[k + 1]
                if is_ident(nxt, "new"):
                    raise ParseError("an inner class creation")
                if is_ident(nxt, "class"):
                    e = Member(t.line, e, "class")
                    k += 2
                    continue
                if nxt.kind != "ident":
                    raise ParseError(f"unexpected `{nxt.value}`")
                name = str(nxt.value)
                if is_op(self.tok(k + 2), "(") and k + 2 < hi:
                    e = Call(nxt.line, Member(nxt.line, e, name), self.call_args(k + 2))
                    k = self.m[k + 2] + 1
                else:
                    e = Member(nxt.line, e, name)
                    k += 2
                continue
            if is_op(t, "::") and k + 1 < hi:
                e = Ref(t.line, e, str(self.t[k + 1].value))
                k += 2
                continue
            if is_op(t, "["):
                close = self.m[k]
                e = Index(t.line, e, [Arg(None, self.expr(k + 1, close))])
                k = close + 1
                continue
            if is_op(t, "++", "--"):
                raise ParseError("an increment inside an expression")
            break
        return e, k

    def primary(self, i: int, hi: int) -> tuple:
        t = self.t[i]
        if t.kind == "str":
            return StrT(t.line, ["".join(p for p in t.value.parts if isinstance(p, str))], False), i + 1
        if t.kind == "char":
            return Lit(t.line, CharValue(t.value)), i + 1
        if t.kind == "num":
            return Lit(t.line, _number(str(t.value))), i + 1
        if is_op(t, "("):
            close = self.m[i]
            return self.expr(i + 1, close), close + 1
        if is_op(t, "{"):
            return self.array_init(i), self.m[i] + 1
        if t.kind != "ident":
            raise ParseError(f"unexpected `{t.value}`")
        v = t.value
        if v in ("true", "false"):
            return Lit(t.line, v == "true"), i + 1
        if v == "null":
            return Lit(t.line, None), i + 1
        if v == "this":
            if is_op(self.tok(i + 1), "("):
                raise ParseError("this(...) outside a constructor's first statement")
            return This(t.line), i + 1
        if v == "super":
            return Super(t.line), i + 1
        if v == "new":
            return self.new_expr(i, hi)
        if v == "switch":
            raise ParseError("a switch expression")
        if v in _PRIMITIVES:
            k = i + 1
            while is_op(self.tok(k), "[") and is_op(self.tok(k + 1), "]"):
                k += 2
            return Name(t.line, str(v)), k
        if is_op(self.tok(i + 1), "("):
            return Call(t.line, Name(t.line, str(v)), self.call_args(i + 1)), self.m[i + 1] + 1
        # `Type[]::new`, `List<String>::size`
        if is_op(self.tok(i + 1), "<", "["):
            e = self.skip_type(i, hi)
            if e > 0 and is_op(self.tok(e), "::"):
                return Name(t.line, self.simple_type(i, e)), e
        return Name(t.line, str(v)), i + 1

    def new_expr(self, i: int, hi: int) -> tuple:
        line = self.t[i].line
        a = self.skip_annotations(i + 1, hi)
        e = a + 1
        while e < hi and (is_op(self.t[e], ".") or self.t[e].kind == "ident" and is_op(self.t[e - 1], ".")):
            e += 1
        if is_op(self.tok(e), "<"):
            e = self.skip_type_args(e, hi)
            if e < 0:
                raise ParseError("type arguments")
        simple = self.simple_type(a, e)
        if is_op(self.tok(e), "["):
            # new T[n] / new T[]{...}
            k = e
            while is_op(self.tok(k), "["):
                k = self.m[k] + 1
            if is_op(self.tok(k), "{"):
                return self.array_init(k), self.m[k] + 1
            return Call(line, Name(line, "arrayOfNulls"), []), k
        if not is_op(self.tok(e), "("):
            raise ParseError("a new without arguments")
        args = self.call_args(e)
        k = self.m[e] + 1
        if is_op(self.tok(k), "{"):
            close = self.m[k]
            decl = ClassDecl(line, "object", None, [], [SuperCall(self.type_text(a, e), args, line)], [])
            saved = self.in_lambda
            self.in_lambda = False
            try:
                body = self.members(k + 1, close, decl)
            finally:
                self.in_lambda = saved
            decl.members = [m.block if isinstance(m, _Init) else m.node if isinstance(m, _Member) else m
                            for m in body if not isinstance(m, _Ctor)]
            for mem in decl.members:
                if isinstance(mem, (FunDecl, ClassDecl)):
                    mem.owner = decl
            return ObjectExpr(line, decl), close + 1
        if simple in _LISTS or simple in _SETS:
            if args:
                return Call(line, Member(line, args[0].expr, "toMutableList"), []), k
            return Call(line, Name(line, "mutableListOf" if simple in _LISTS else "mutableSetOf"), []), k
        if simple in _MAPS and not args:
            return Call(line, Name(line, "mutableMapOf"), []), k
        return Call(line, Name(line, simple), args), k


class _Ctor:
    def __init__(self, line: int, params: list, sup: Optional[list], delegate: Optional[list], body: Block):
        self.line, self.params, self.sup, self.delegate, self.body = line, params, sup, delegate, body


class _Member:
    """A field or method, and whether it is static (then it belongs to the class's companion)."""

    def __init__(self, node, static: bool):
        self.node, self.static = node, static


class _Init:
    def __init__(self, block: Block, static: bool):
        self.block, self.static = block, static


def _pick_constructor(ctors: list) -> Optional[_Ctor]:
    """The constructor a class is built with: the only one, else the one that calls super(...)."""
    if len(ctors) <= 1:
        return ctors[0] if ctors else None
    return next((c for c in ctors if c.sup is not None), ctors[0])


def _walk(node):
    yield node
    if isinstance(node, (list, tuple)):
        for x in node:
            yield from _walk(x)
        return
    if isinstance(node, (Node, Arg, SuperCall)):
        for k, v in vars(node).items():
            # `owner` points back up the tree; a member's owner is walked as the member's parent.
            if k != "owner" and isinstance(v, (list, tuple, Node, Arg, SuperCall)):
                yield from _walk(v)


def _mentions(node, name: str) -> bool:
    return any(isinstance(n, Name) and n.id == name for n in _walk(node))


def _assigns(node, name: str) -> bool:
    for n in _walk(node):
        if isinstance(n, (Assign, IncDec)) and isinstance(n.target, Name) and n.target.id == name:
            return True
        if isinstance(n, Opaque) and any(t.kind == "ident" and t.value == name for t in n.tokens):
            return True
    return False


def _has_continue(node, label: Optional[str]) -> bool:
    for n in _walk(node):
        if isinstance(n, Jump) and n.kind == "continue":
            return True  # an inner loop's continue would do no harm, but telling them apart is not worth it
        if isinstance(n, Opaque) and any(is_ident(t, "continue") for t in n.tokens):
            return True
    return False


def parse_java(text: str, filename: str) -> list:
    """The type declarations of a Java file, as the Kotlin parser's nodes; raises
    KotlinExtractError (``FILE:LINE: ...``) when the text cannot be lexed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNICODE_ESCAPE.sub(lambda m: m.group(1) + chr(int(m.group(2), 16)), text)
    tokens = JavaLexer(text, filename).tokens()
    match = match_brackets(tokens, filename)
    return JavaParser(tokens, match).members(0, len(tokens), None)


def is_java(name: str) -> bool:
    return name.endswith(".java")


__all__ = ["parse_java", "is_java", "strip_indent", "LAMBDA_LABEL", "SYNTHETIC_CALLS"]
