"""The declaration flags shared by generate and verify (Room's four plus ours)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace
from typing import Optional

import click

from roomschema.config import DEFAULT_MIN_SDK
from roomschema.schema.gradle import sqlite_min_sdk
from roomschema.migration.declarations import Declarations, check_expectations, from_options


@dataclass(frozen=True)
class DeclarationFlags:
    """The declaration flags as given; each overrides the configuration of the pair."""

    rename_table: tuple[str, ...] = ()
    rename_column: tuple[str, ...] = ()
    delete_table: tuple[str, ...] = ()
    delete_column: tuple[str, ...] = ()
    fill: tuple[str, ...] = ()
    allow_drops: bool = False
    min_sdk: Optional[int] = None
    expect_rows_removed: tuple[str, ...] = ()     # verify only (expectation_options)
    expect_values_changed: tuple[str, ...] = ()
    expect_rows_added: tuple[str, ...] = ()
    assume_reference: tuple[str, ...] = ()

    def declarations(self) -> Declarations:
        return from_options(rename_table=self.rename_table, rename_column=self.rename_column,
                            delete_table=self.delete_table, delete_column=self.delete_column,
                            fill=self.fill, allow_drops=self.allow_drops,
                            expect_rows_removed=self.expect_rows_removed,
                            expect_values_changed=self.expect_values_changed,
                            expect_rows_added=self.expect_rows_added,
                            assume_reference=self.assume_reference)


_FLAG_NAMES = tuple(f.name for f in fields(DeclarationFlags))


def declaration_options(f):
    """The flags, handed to the command as one ``flags: DeclarationFlags`` argument."""
    @functools.wraps(f)
    def command(*args, **kwargs):
        flags = DeclarationFlags(**{k: kwargs.pop(k) for k in _FLAG_NAMES if k in kwargs})
        return f(*args, flags=flags, **kwargs)

    opts = [
        click.option("--min-sdk", "min_sdk", type=click.IntRange(1, 100), default=None,
                     help=f"Lowest Android API level the app supports (default {DEFAULT_MIN_SDK}, or min_sdk in "
                          "config); no SQLite feature newer than it ships is used."),
        click.option("--allow-drops", is_flag=True, help="Treat every removed table and column as deleted."),
        click.option("--fill", multiple=True, metavar="TABLE.COL=SQL",
                     help="Value for a new NOT NULL column without default, or for NULLs of a column "
                          "that becomes NOT NULL (SQL, may use the row's old columns)."),
        click.option("--delete-column", multiple=True, metavar="TABLE.COL",
                     help="Column deleted on purpose (Room's @DeleteColumn)."),
        click.option("--delete-table", multiple=True, metavar="TABLE",
                     help="Table deleted on purpose (Room's @DeleteTable)."),
        click.option("--rename-column", multiple=True, metavar="TABLE.OLD=NEW",
                     help="Column renamed; TABLE is the old table name (Room's @RenameColumn)."),
        click.option("--rename-table", multiple=True, metavar="OLD=NEW",
                     help="Table renamed (Room's @RenameTable)."),
    ]
    for opt in opts:
        command = opt(command)
    return command


def expectation_options(f):
    """verify's flags for data changes made on purpose; put below ``declaration_options``,
    which hands them over in ``flags``."""
    opts = [
        click.option("--expect-values-changed", multiple=True, metavar="TABLE.COL",
                     help="The migration changes this column's values on purpose (a reset, a backfill): "
                          "report how many rows changed instead of failing."),
        click.option("--assume-reference", multiple=True, metavar="TABLE.COL=PARENT.COL",
                     help="Your app guarantees every value of this older-version column is a key of PARENT (the "
                          "schema does not enforce it): seed it that way. For a migration that copies the column "
                          "under a new foreign key."),
        click.option("--expect-rows-added", multiple=True, metavar="TABLE",
                     help="The migration adds rows to this table on purpose (a backfill from other tables): "
                          "report how many instead of failing; the rows it had must still be there."),
        click.option("--expect-rows-removed", multiple=True, metavar="TABLE",
                     help="The migration removes rows of this table on purpose (a dedupe, a cleanup): "
                          "report how many instead of failing."),
    ]
    for opt in opts:
        f = opt(f)
    return f


def declarations_for(proj, old: int, new: int, flags: DeclarationFlags) -> Declarations:
    """The configuration's declarations for this pair, with the command-line flags on top."""
    return proj.config.declarations(old, new).merged(flags.declarations())


def check_config_declarations(proj, old, new) -> None:
    """The configuration's declarations of the pair against its schemas: a table or column it does
    not have is one line naming the file and the key (exit 2), before any flag is merged in."""
    from roomschema.migration.plan import check_declarations
    config = proj.config
    if (old.version, new.version) not in config.migrations and (new.version, old.version) in config.migrations:
        old, new = new, old  # a rollback undoes the declarations of the way up: those must hold
    if (old.version, new.version) in config.migrations:
        check_declarations(old, new, config.declarations(old.version, new.version), file=config.path,
                           prefix=f'migrations."{old.version}-{new.version}".')


def check_expectations_for(proj, old, new, flags: DeclarationFlags) -> None:
    """The pair's expectations, from configuration and flags, against its schemas (exit 2 when one
    names a table or column the pair does not keep); each error names where it was written."""
    check_config_declarations(proj, old, new)
    proj.config.check_expectations(old, new)
    given = flags.declarations()
    if given.expect_rows_removed or given.expect_values_changed or given.expect_rows_added or given.assume_references:
        # Against every declaration, so a rename in the configuration is followed.
        merged = declarations_for(proj, old.version, new.version, flags)
        check_expectations(replace(merged, expect_rows_removed=given.expect_rows_removed,
                                   expect_values_changed=given.expect_values_changed,
                                   expect_rows_added=given.expect_rows_added,
                                   assume_references=given.assume_references), old, new)


def min_sdk_for(proj, flags: DeclarationFlags) -> int:
    return sqlite_min_sdk(flags.min_sdk, proj.build) if flags.min_sdk is not None else proj.config.min_sdk
