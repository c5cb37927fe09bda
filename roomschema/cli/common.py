"""Pieces every command shares: options, output, colour, the project a command works on."""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import click

from roomschema.config import Config, find_config
from roomschema.errors import EXIT_BAD_INPUT, EXIT_DECISION, EXIT_FINDINGS, EXIT_OK  # noqa: F401 (re-exported)
from roomschema.errors import RoomSchemaError
from roomschema.schema.discovery import resolve_schema_dir, resolve_version, version_files
from roomschema.schema.gradle import GradleBuild, read_build, sqlite_min_sdk
from roomschema.schema.loader import load
from roomschema.schema.model import Schema


def use_colour(stream=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR", "") != "":
        return False
    if os.environ.get("FORCE_COLOR", "") != "":
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def style(text: str, **kw) -> str:
    if not use_colour():
        return text
    return click.style(text, **kw)


BADGES = {"additive": "green", "rebuild": "yellow", "data-dependent": "magenta", "destructive": "red"}


def badge(cls: str) -> str:
    return style(f"{cls:<14}", fg=BADGES.get(cls, "white"), bold=cls != "additive")


def echo(text: str = "", nl: bool = True, err: bool = False) -> None:
    """click.echo that keeps colour exactly when :func:`use_colour` says so."""
    click.echo(text, nl=nl, err=err, color=use_colour(sys.stderr if err else sys.stdout))


def emit_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))


def schemas_option(f):
    f = click.option("--db", "db", metavar="NAME",
                     help="Database (the @Database class name, or its simple name) when there are several; a "
                          "variant folder's as <variant>/NAME (debug/AppDatabase).")(f)
    f = click.option("--schemas", "schemas", metavar="DIR",
                     help="Schema folder (app/schemas or app/schemas/<fqcn>). Default: found under the "
                          "current directory.")(f)
    return f


FORMATS = {"text": "people (text)", "json": "machines (json)", "markdown": "pull requests and job summaries (markdown)",
           "github": "GitHub annotations (github)", "sarif": "code scanning (sarif)"}
"""What each output format is for; a command's ``--format`` help lists only those it accepts."""


def format_help(choices) -> str:
    described = [FORMATS.get(c, c) for c in choices]
    listed = described[0] if len(described) == 1 else ", ".join(described[:-1]) + " or " + described[-1]
    return f"Output for {listed}."


def format_option(*choices: str, default: str = "text"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help=format_help(choices))


@dataclass(frozen=True)
class Project:
    """The resolved schema folder and configuration a command works on."""

    folder: Optional[Path]
    config: Config
    build: GradleBuild = field(default_factory=GradleBuild)   # what the Gradle files around it say

    @property
    def database(self) -> Optional[str]:
        return self.folder.name if self.folder else None


def project(schemas: Optional[str], db: Optional[str], required: bool = True) -> Project:
    config = find_config()
    try:
        folder = resolve_schema_dir(schemas, db, config)
    except RoomSchemaError:
        if required:
            raise
        folder = None
    build = read_build(folder)
    # On the bundled driver the app's SQLite is the library's: the API level limits nothing.
    return Project(folder, replace(config, min_sdk=sqlite_min_sdk(config.min_sdk, build)), build)


def projects(schemas: Optional[str], db: Optional[str]) -> tuple:
    """``(projects, {folder: name})`` for a command that handles every database (check, docs,
    generate): each database found, or those ``--db`` names, one per variant folder."""
    from roomschema.schema.discovery import database_labels, resolve_schema_dirs
    folders = resolve_schema_dirs(schemas, db, find_config())
    # Each resolved as if named alone, so it gets what project() gives one database.
    found = [project(str(folder), None) for folder in folders]
    labels = database_labels(folders)
    return found, {p.folder: labels[f] for p, f in zip(found, folders)}


def load_version(ref: str, proj: Project) -> Schema:
    return load(resolve_version(ref, proj.folder))


def versions_of(proj: Project) -> list:
    return list(version_files(proj.folder)) if proj.folder else []
