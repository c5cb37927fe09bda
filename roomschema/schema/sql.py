"""SQL names as Room writes them, for every stage that builds a statement, and as SQL text
spells them, for every stage that reads one."""
from __future__ import annotations

from typing import Optional, Sequence

QUOTES = {"`": "`", '"': '"', "[": "]", "'": "'"}
"""SQLite's identifier quotes (a string literal names an identifier where one is expected), opening to closing."""

NAME = r"""(?:"((?:[^"]|"")+)"|`((?:[^`]|``)+)`|\[([^\]]+)\]|([A-Za-z_][\w$]*))"""
"""A regular expression for a name in SQL text, quoted or not: four groups, one of which matches
(``name_in`` reads it)."""


def quote(name: str) -> str:
    """Backtick-quote an SQL identifier as Room does, doubling inner backticks.

    Names in a schema are data: quoted this way no table or column name can end
    the identifier and inject SQL.
    """
    return "`" + name.replace("`", "``") + "`"


def unquote(name: str) -> str:
    """A name as written in SQL -> the name: its quotes gone and a doubled quote inside made one
    (brackets have no escape: `[a]]` is not a name)."""
    if name[:1] in QUOTES and name[-1:] == QUOTES[name[0]] and len(name) > 1:
        close = QUOTES[name[0]]
        inner = name[1:-1]
        return inner if close == "]" else inner.replace(close * 2, close)
    return name


def name_in(groups: Sequence[Optional[str]]) -> Optional[str]:
    """The name ``NAME``'s four groups matched (``groups``), unquoted; None where none did."""
    for quote_char, g in zip('"`[', groups):
        if g is not None:
            return g.replace(quote_char * 2, quote_char) if quote_char != "[" else g
    return groups[3] if len(groups) > 3 else None
