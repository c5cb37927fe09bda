"""What a person decided about a version pair: Room's four annotations plus ours.

Names are old-schema names except the rename targets, exactly as in Room's
``@RenameTable``/``@RenameColumn``/``@DeleteTable``/``@DeleteColumn``.
"""
from __future__ import annotations

from roomschema.errors import RoomSchemaError
from dataclasses import dataclass, field

from typing import Iterable, Mapping


@dataclass(frozen=True)
class Declarations:
    rename_tables: Mapping = field(default_factory=dict)      # old -> new
    rename_columns: Mapping = field(default_factory=dict)     # (old table, old column) -> new column
    delete_tables: tuple = ()
    delete_columns: tuple = ()                                # (old table, column)
    fills: Mapping = field(default_factory=dict)              # (new table, column) -> SQL expression
    allow_drops: bool = False

    def renamed_table(self, old: str) -> str:
        return self.rename_tables.get(old, old)

    def old_table(self, new: str) -> str:
        for old, target in self.rename_tables.items():
            if target == new:
                return old
        return new

    def merged(self, other: "Declarations") -> "Declarations":
        """``other`` (command-line flags) on top of ``self`` (configuration)."""
        return Declarations(
            rename_tables={**self.rename_tables, **other.rename_tables},
            rename_columns={**self.rename_columns, **other.rename_columns},
            delete_tables=tuple(dict.fromkeys(self.delete_tables + other.delete_tables)),
            delete_columns=tuple(dict.fromkeys(self.delete_columns + other.delete_columns)),
            fills={**self.fills, **other.fills},
            allow_drops=self.allow_drops or other.allow_drops)

    def to_json(self) -> dict:
        return {"rename_tables": dict(self.rename_tables),
                "rename_columns": {f"{t}.{c}": n for (t, c), n in self.rename_columns.items()},
                "delete_tables": list(self.delete_tables),
                "delete_columns": [f"{t}.{c}" for t, c in self.delete_columns],
                "fills": {f"{t}.{c}": v for (t, c), v in self.fills.items()},
                "allow_drops": self.allow_drops}


def name(value: object, path: str, file: object = None) -> str:
    """A table or column name as written in configuration: a non-empty string."""
    if not isinstance(value, str) or not value:
        raise RoomSchemaError(f"expected a name, got {value!r}", file=file, path=path)
    return value


def split_assign(text: str, path: str, file: object = None) -> tuple:
    """``LEFT=RIGHT`` (the command-line spelling) -> (left, right), both non-empty."""
    if "=" not in text:
        raise RoomSchemaError(f"expected OLD=NEW, got {text!r}", file=file, path=path)
    left, right = text.split("=", 1)
    if not left or not right:
        raise RoomSchemaError(f"expected OLD=NEW with both sides, got {text!r}", file=file, path=path)
    return left, right


def split_dotted(text: object, path: str, file: object = None) -> tuple:
    """``TABLE.COLUMN`` -> (table, column)."""
    # Table names may contain dots; the column is after the last one.
    if not isinstance(text, str) or "." not in text:
        raise RoomSchemaError(f"expected TABLE.COLUMN, got {text!r}", file=file, path=path)
    table, column = text.rsplit(".", 1)
    if not table or not column:
        raise RoomSchemaError(f"expected TABLE.COLUMN, got {text!r}", file=file, path=path)
    return table, column


def from_options(rename_table: Iterable[str] = (), rename_column: Iterable[str] = (),
                 delete_table: Iterable[str] = (), delete_column: Iterable[str] = (),
                 fill: Iterable[str] = (), allow_drops: bool = False) -> Declarations:
    """Parse the command-line spellings (``OLD=NEW``, ``TABLE.OLD=NEW``, ``TABLE.COL=SQL``)."""
    tables = dict(split_assign(t, "--rename-table") for t in rename_table)
    columns = {}
    for text in rename_column:
        left, new = split_assign(text, "--rename-column")
        columns[split_dotted(left, "--rename-column")] = new
    fills = {}
    for text in fill:
        left, sql = split_assign(text, "--fill")
        fills[split_dotted(left, "--fill")] = sql
    return Declarations(
        rename_tables=tables, rename_columns=columns,
        delete_tables=tuple(dict.fromkeys(delete_table)),
        delete_columns=tuple(dict.fromkeys(split_dotted(c, "--delete-column") for c in delete_column)),
        fills=fills, allow_drops=allow_drops)


def chain(first: Declarations, second: Declarations) -> Declarations:
    """Declarations of A->C from those of A->B and B->C, in A's names.

    Used to verify a whole chain of migrations (Room runs them back to back
    and validates once): renames compose, deletions map back to A's names,
    and a value deleted in either step is gone.
    """
    back_tables = {new: old for old, new in first.rename_tables.items()}
    rename_tables = {}
    for old, mid in first.rename_tables.items():
        rename_tables[old] = second.rename_tables.get(mid, mid)
    for mid, new in second.rename_tables.items():
        if mid not in back_tables:
            rename_tables[mid] = new
    rename_tables = {o: n for o, n in rename_tables.items() if o != n}
    # column renames in A's table names: (A table, A column) -> C column
    cols = {}
    mid_names = {}
    for (t, c), n in first.rename_columns.items():
        cols[(t, c)] = n
        mid_names[(first.renamed_table(t), n)] = (t, c)
    for (mt, mc), n in second.rename_columns.items():
        origin = mid_names.get((mt, mc), (back_tables.get(mt, mt), mc))
        cols[origin] = n
    delete_tables = list(first.delete_tables) + [back_tables.get(t, t) for t in second.delete_tables]
    delete_columns = list(first.delete_columns)
    for mt, mc in second.delete_columns:
        delete_columns.append(mid_names.get((mt, mc), (back_tables.get(mt, mt), mc)))
    return Declarations(rename_tables=rename_tables, rename_columns=cols,
                        delete_tables=tuple(dict.fromkeys(delete_tables)),
                        delete_columns=tuple(dict.fromkeys(delete_columns)),
                        fills={**first.fills, **second.fills},
                        allow_drops=first.allow_drops or second.allow_drops)
