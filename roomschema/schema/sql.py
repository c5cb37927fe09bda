"""SQL names as Room writes them, for every stage that builds a statement."""
from __future__ import annotations


def quote(name: str) -> str:
    """Backtick-quote an SQL identifier as Room does, doubling inner backticks.

    Names in a schema are data: quoted this way no table or column name can end
    the identifier and inject SQL.
    """
    return "`" + name.replace("`", "``") + "`"
