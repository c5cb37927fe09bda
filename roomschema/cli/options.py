"""The declaration flags shared by generate and verify (Room's four plus ours)."""
from __future__ import annotations


def declaration_options(f):
    import click  # here: `diff` (entry.py) needs declarations_for without click
    opts = [
        click.option("--min-sdk", "min_sdk", type=click.IntRange(1, 100), default=None,
                     help="Lowest Android API level the app supports (default 21, or min_sdk in config); "
                          "no SQLite feature newer than it ships is used."),
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
        f = opt(f)
    return f


def declarations_for(proj, old: int, new: int, kw: dict):
    """Config for this pair, with command-line flags on top."""
    from roomschema.migration.declarations import from_options
    flags = from_options(rename_table=kw.get("rename_table", ()), rename_column=kw.get("rename_column", ()),
                         delete_table=kw.get("delete_table", ()), delete_column=kw.get("delete_column", ()),
                         fill=kw.get("fill", ()), allow_drops=kw.get("allow_drops", False))
    return proj.config.declarations(old, new).merged(flags)


def min_sdk_for(proj, value) -> int:
    return value if value is not None else int(proj.config.get("min_sdk", 21))
