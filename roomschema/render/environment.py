"""Steps and changes -> text, through the Jinja templates in ``templates/``.

What a compiler or a database reads (SQL, Kotlin) and the documents (the
history, ``show``) come from a template; this module only prepares values and
the escaping filters that keep schema names data. The short reports printed
on every run (``diff``: diff_report.py, ``verify``: verify/report.py) are
built in Python, so those commands do not load Jinja2.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from roomschema._version import __version__
from roomschema.schema.sql import quote

from typing import Optional


def templates_dir() -> Path:
    """Installed wheels carry ``roomschema/templates``; a checkout has ``templates/``."""
    override = os.environ.get("ROOMSCHEMA_TEMPLATES")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "migration.sql.j2").is_file():
            return candidate
    raise FileNotFoundError(f"roomschema templates not found beside {package}")


def kotlin_string(text: str) -> str:
    """Body of a Kotlin "..." literal: no name can end the string or start a template."""
    from roomschema.kotlin import kotlin_string_literal
    return kotlin_string_literal(text)[1:-1]


def kdoc(text: str) -> str:
    """Text safe inside a /** */ comment on one line (Kotlin comments nest, so /* counts too)."""
    return re.sub(r"[\r\n]+", " ", str(text)).replace("*/", "*\u2215").replace("/*", "\u2215*")


def sql_comment(text: str) -> str:
    """Text safe inside an SQL ``--`` comment."""
    return re.sub(r"[\r\n]+", " ", str(text))


def markdown_cell(text) -> str:
    """Text safe in one Markdown table cell."""
    return re.sub(r"[\r\n]+", " ", str(text)).replace("|", "\\|")


@lru_cache(maxsize=1)
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters.update(kstr=kotlin_string, kdoc=kdoc, sqlc=sql_comment, quote=quote,
                       mdcell=markdown_cell)
    env.globals["version"] = __version__
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def simple_name(fqcn: Optional[str]) -> str:
    return (fqcn or "AppDatabase").rsplit(".", 1)[-1]


def default_package(fqcn: Optional[str]) -> str:
    if fqcn and "." in fqcn:
        return fqcn.rsplit(".", 1)[0] + ".migrations"
    return "migrations"
