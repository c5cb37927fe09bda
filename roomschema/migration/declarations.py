"""What a person decided about a version pair: Room's four annotations plus ours.

Names are old-schema names except the rename targets, exactly as in Room's
``@RenameTable``/``@RenameColumn``/``@DeleteTable``/``@DeleteColumn``. The
expectations (rows removed, values changed on purpose) name a table or column
by its name in either version: they are about data that is in both.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from roomschema.errors import RoomSchemaError

EXPECTATION_KEYS = {"expect_rows_removed": "--expect-rows-removed",
                    "expect_rows_added": "--expect-rows-added",
                    "assume_references": "--assume-reference",
                    "expect_values_changed": "--expect-values-changed"}
"""Each expectation's configuration key and its command-line flag."""


@dataclass(frozen=True)
class Declarations:
    rename_tables: Mapping = field(default_factory=dict)      # old -> new
    rename_columns: Mapping = field(default_factory=dict)     # (old table, old column) -> new column
    delete_tables: tuple = ()
    delete_columns: tuple = ()                                # (old table, column)
    fills: Mapping = field(default_factory=dict)              # (new table, column) -> SQL expression
    allow_drops: bool = False
    # Data changes the migration makes on purpose (a dedupe, a reset): verify
    # reports them with counts instead of failing.
    expect_rows_removed: tuple = ()                           # table
    expect_values_changed: tuple = ()                         # (table, column)
    expect_rows_added: tuple = ()                             # table (a backfill from other tables)
    # What the app guarantees of its data and the schema does not enforce: every value of an
    # old column is a key of another table (a migration that copies it under a new foreign key
    # relies on it). verify seeds the column from that table's keys.
    assume_references: tuple = ()                             # ((table, column), (parent, column))

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
            allow_drops=self.allow_drops or other.allow_drops,
            expect_rows_removed=tuple(dict.fromkeys(self.expect_rows_removed + other.expect_rows_removed)),
            expect_values_changed=tuple(dict.fromkeys(self.expect_values_changed + other.expect_values_changed)),
            expect_rows_added=tuple(dict.fromkeys(self.expect_rows_added + other.expect_rows_added)),
            assume_references=tuple(dict.fromkeys(self.assume_references + other.assume_references)))

    def rows_added_expected(self, *tables: str) -> bool:
        """Whether rows may be added to the table (named in either version: ``tables``)."""
        return any(t in self.expect_rows_added for t in tables)

    def rows_removed_expected(self, *tables: str) -> bool:
        """Whether rows of the table (named in either version: ``tables``) may be removed."""
        return any(t in self.expect_rows_removed for t in tables)

    def values_change_expected(self, tables: Iterable[str], columns: Iterable[str]) -> bool:
        """Whether the column (its names in either version) may hold other values afterwards."""
        names = set(columns)
        return any(t in set(tables) and c in names for t, c in self.expect_values_changed)

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "rename_tables": dict(self.rename_tables),
            "rename_columns": {f"{t}.{c}": n for (t, c), n in self.rename_columns.items()},
            "delete_tables": list(self.delete_tables),
            "delete_columns": [f"{t}.{c}" for t, c in self.delete_columns],
            "fills": {f"{t}.{c}": v for (t, c), v in self.fills.items()},
            "allow_drops": self.allow_drops}
        # Only when present, so the JSON of a pair without expectations (a
        # cache key of check's) stays what it was.
        if self.expect_rows_removed:
            out["expect_rows_removed"] = list(self.expect_rows_removed)
        if self.expect_values_changed:
            out["expect_values_changed"] = [f"{t}.{c}" for t, c in self.expect_values_changed]
        if self.expect_rows_added:
            out["expect_rows_added"] = list(self.expect_rows_added)
        if self.assume_references:
            out["assume_references"] = {f"{t}.{c}": f"{p}.{pc}" for (t, c), (p, pc) in self.assume_references}
        return out


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
                 fill: Iterable[str] = (), allow_drops: bool = False,
                 expect_rows_removed: Iterable[str] = (), expect_values_changed: Iterable[str] = (),
                 expect_rows_added: Iterable[str] = (), assume_reference: Iterable[str] = ()) -> Declarations:
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
        fills=fills, allow_drops=allow_drops,
        expect_rows_removed=tuple(dict.fromkeys(name(t, "--expect-rows-removed") for t in expect_rows_removed)),
        expect_values_changed=tuple(dict.fromkeys(split_dotted(c, "--expect-values-changed")
                                                  for c in expect_values_changed)),
        expect_rows_added=tuple(dict.fromkeys(name(t, "--expect-rows-added") for t in expect_rows_added)),
        assume_references=tuple(dict.fromkeys(reference(text, "--assume-reference") for text in assume_reference)))


def reference(text: object, path: str, file: object = None, target: object = None) -> tuple:
    """``TABLE.COLUMN=PARENT.COLUMN`` (or the two halves, from configuration) -> ((t, c), (p, pc))."""
    if target is None:
        if not isinstance(text, str) or "=" not in text:
            raise RoomSchemaError(f"expected TABLE.COLUMN=PARENT.COLUMN, got {text!r}", file=file, path=path)
        text, target = text.split("=", 1)
    return split_dotted(text, path, file), split_dotted(target, path, file)


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
    # Expectations hold over the whole chain: rows removed or values changed
    # in either step are expected at its end. Named in B, they are kept under
    # their name in A too, since the check matches either end's name.
    removed = list(first.expect_rows_removed)
    for mt in second.expect_rows_removed:
        removed += [mt, back_tables.get(mt, mt)]
    added = list(first.expect_rows_added)
    for mt in second.expect_rows_added:
        added += [mt, back_tables.get(mt, mt)]
    changed = list(first.expect_values_changed)
    for mt, mc in second.expect_values_changed:
        changed += [(mt, mc), mid_names.get((mt, mc), (back_tables.get(mt, mt), mc))]
    return Declarations(rename_tables=rename_tables, rename_columns=cols,
                        delete_tables=tuple(dict.fromkeys(delete_tables)),
                        delete_columns=tuple(dict.fromkeys(delete_columns)),
                        fills={**first.fills, **second.fills},
                        allow_drops=first.allow_drops or second.allow_drops,
                        expect_rows_removed=tuple(dict.fromkeys(removed)),
                        expect_values_changed=tuple(dict.fromkeys(changed)),
                        expect_rows_added=tuple(dict.fromkeys(added)),
                        # Seeding happens at A: what A's data guarantees is what holds.
                        assume_references=first.assume_references)


def applicable(decl: Declarations, old: Any, new: Any) -> Declarations:
    """The declarations of ``decl`` that fit the pair ``old`` -> ``new``: a rename whose old name is in
    ``old`` and new name in ``new``, a deletion of what ``old`` has and ``new`` has not, a fill of a
    column of ``new``. For flags given without versions, which name one pair among several."""
    def table(schema, name):
        return schema.database.entity(name)

    def column(schema, t, c):
        e = table(schema, t)
        return e is not None and e.field(c) is not None

    tables = {o: n for o, n in decl.rename_tables.items() if table(old, o) and table(new, n)}
    renamed = Declarations(rename_tables=tables)
    columns = {(t, c): n for (t, c), n in decl.rename_columns.items()
               if column(old, t, c) and column(new, renamed.renamed_table(t), n)}
    return Declarations(
        rename_tables=tables, rename_columns=columns,
        delete_tables=tuple(t for t in decl.delete_tables if table(old, t) and not table(new, t)),
        delete_columns=tuple((t, c) for t, c in decl.delete_columns
                             if column(old, t, c) and table(new, t) and not column(new, t, c)),
        fills={k: v for k, v in decl.fills.items() if column(new, *k)},
        allow_drops=decl.allow_drops)


def unused(decl: Declarations, used: list) -> list:
    """The declarations of ``decl`` (command-line spellings) that none of ``used`` contains."""
    out = [f"--rename-table {o}={n}" for o, n in decl.rename_tables.items()
           if not any(u.rename_tables.get(o) == n for u in used)]
    out += [f"--rename-column {t}.{c}={n}" for (t, c), n in decl.rename_columns.items()
            if not any(u.rename_columns.get((t, c)) == n for u in used)]
    out += [f"--delete-table {t}" for t in decl.delete_tables if not any(t in u.delete_tables for u in used)]
    out += [f"--delete-column {t}.{c}" for t, c in decl.delete_columns
            if not any((t, c) in u.delete_columns for u in used)]
    out += [f"--fill {t}.{c}" for t, c in decl.fills if not any((t, c) in u.fills for u in used)]
    return out


def reverse(decl: Declarations) -> Declarations:
    """Declarations of B->A from those of A->B, in B's names: each rename undone.

    Only renames have a reverse: what A->B deleted, B->A cannot bring back (a rollback drops and
    recreates it empty, and says so), and a fill belongs to the column it filled.
    """
    tables = {new: old for old, new in decl.rename_tables.items()}
    columns = {(decl.renamed_table(t), new): old for (t, old), new in decl.rename_columns.items()}
    return Declarations(rename_tables=tables, rename_columns=columns)


def check_expectations(decl: Declarations, old: Any, new: Any, *, file: object = None,
                       keys: Optional[Mapping[str, str]] = None) -> None:
    """Raise when an expectation names a table or column the pair does not keep.

    ``old`` and ``new`` are the pair's schemas; ``keys`` says how the user spelled
    each expectation (the flag, or the configuration key with ``file``), so the
    one-line error points at what to correct.
    """
    where = {**EXPECTATION_KEYS, **(keys or {})}
    pair = f"versions {old.version} and {new.version}"
    for table in decl.expect_rows_removed:
        if _kept_table(decl, old, new, table) is None:
            raise RoomSchemaError(f"table '{table}' is not in both {pair} (rows can only be removed from a "
                                  f"table that stays)", file=file, path=where["expect_rows_removed"])
    for table in decl.expect_rows_added:
        if _kept_table(decl, old, new, table) is None:
            raise RoomSchemaError(f"table '{table}' is not in both {pair} (a table the migration creates has only "
                                  f"new rows; declare rows added to a table that stays)", file=file,
                                  path=where["expect_rows_added"])
    for (table, column), (parent, key) in decl.assume_references:
        for t, c in ((table, column), (parent, key)):
            e = old.database.entity(t)
            if e is None or e.field(c) is None:
                raise RoomSchemaError(f"column '{t}.{c}' is not in version {old.version} (an assumed reference names "
                                      f"columns of the older version)", file=file, path=where["assume_references"])
    for table, column in decl.expect_values_changed:
        kept = _kept_table(decl, old, new, table)
        if kept is None:
            raise RoomSchemaError(f"table '{table}' is not in both {pair}", file=file,
                                  path=where["expect_values_changed"])
        before, after = kept
        renamed = {n for (t, c), n in decl.rename_columns.items() if t == before.table_name and c == column}
        if after.field(column) is None and not any(after.field(n) is not None for n in renamed):
            raise RoomSchemaError(f"column '{table}.{column}' is not in version {new.version}", file=file,
                                  path=where["expect_values_changed"])


def _kept_table(decl: Declarations, old: Any, new: Any, table: str) -> Optional[tuple[Any, Any]]:
    """(old entity, new entity) of a table named in either version, when it is in both."""
    for old_name, new_name in ((table, decl.renamed_table(table)), (decl.old_table(table), table)):
        before, after = old.database.entity(old_name), new.database.entity(new_name)
        if before is not None and after is not None and old_name not in decl.delete_tables:
            return before, after
    return None
