"""Changes -> ordered migration steps, the way Room's AutoMigration does it.

``plan_migration`` follows SchemaDiffer and AutoMigrationWriter
(docs/room-format.md#schemadiffer and #automigrationwriter-sql) statement for statement. Where Room refuses a
pair or would produce SQL that fails on real rows, it goes further and marks
the statement as a deviation with its reason (README, "Deviations"):

* a new NOT NULL column without default is filled from ``--fill`` inside a
  table rebuild (Room: compile error);
* a column that becomes NOT NULL is copied through ``IFNULL`` with its default
  or fill (Room: the copy fails on the first NULL);
* a new column whose default is not a constant is added by a rebuild
  (``ADD COLUMN`` rejects it once the table has rows);
* view names that are not plain identifiers are quoted in ``DROP VIEW``;
* with ``min_sdk >= 30`` a table whose only change is column renames uses
  ``ALTER TABLE .. RENAME COLUMN`` instead of a rebuild.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from roomschema.migration.changes import Diff, diff
from roomschema.config import DEFAULT_MIN_SDK
from roomschema.migration.declarations import Declarations
from roomschema.schema.gradle import BUNDLED_SQLITE_MIN_SDK
from roomschema.schema.equality import (field_equal, foreign_keys_equal, fts_entity_equal, indices_equal, primary_key_equal,
                       rename_candidate, same_definition)
from roomschema.errors import RoomSchemaError
from roomschema.schema.model import Entity, Field, FtsEntity, Schema
from roomschema.migration.steps import Step
from roomschema.schema.sql import quote

NEW_PREFIX = "_new_"
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# ALTER TABLE .. ADD COLUMN accepts only constant defaults once rows exist.
_CONSTANT_DEFAULT = re.compile(
    r"""^\s*(NULL|TRUE|FALSE|[+-]?\d+(\.\d*)?([eE][+-]?\d+)?|[+-]?\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|'([^']|'')*'|[xX]'[0-9a-fA-F]*')\s*$""",
    re.IGNORECASE)
MIN_SDK_RENAME_COLUMN = 30  # SQLite 3.25 (docs/sqlite-android.md#sqlite-versions-by-api-level)


@dataclass(frozen=True)
class Decision:
    """A change only a person can settle; nothing is generated until they do."""

    kind: str            # table-removed | column-removed | not-null-without-default | not-null-tightened
    table: str
    column: Optional[str]
    message: str
    flags: tuple         # command-line flags, any one of which settles it
    room: tuple = ()     # the equivalent Room annotations
    rename_to: Optional[str] = None  # the suggested new name, when one is evident

    def to_json(self) -> dict:
        return {"kind": self.kind, "table": self.table, "column": self.column,
                "message": self.message, "flags": list(self.flags), "room": list(self.room)}


@dataclass
class ComplexChange:
    """SchemaDiffer's entry for a table that must be rebuilt."""

    table_name: str            # old name: the table copied from and dropped
    new_prefixed: str
    old: Entity
    new: Entity
    renamed_columns: dict = field(default_factory=dict)   # new -> old


@dataclass(frozen=True)
class Plan:
    old: Schema
    new: Schema
    declarations: Declarations
    diff: Diff                       # the comparison it was planned from, for every view of it
    steps: tuple[Step, ...]
    decisions: tuple[Decision, ...]
    added_tables: tuple[str, ...] = ()
    deleted_tables: tuple[str, ...] = ()
    renamed_tables: tuple[tuple[str, str], ...] = ()    # (old, new)
    added_columns: tuple[tuple[str, Field], ...] = ()   # (table, Field)
    deleted_columns: tuple[tuple[str, str], ...] = ()   # (old table, column)
    min_sdk: int = DEFAULT_MIN_SDK

    @property
    def ok(self) -> bool:
        return not self.decisions

    @property
    def deviations(self) -> tuple:
        return tuple(s for s in self.steps if s.deviation)

    @property
    def room_exact(self) -> bool:
        return self.ok and not self.deviations


def _is_constant(default: Optional[str]) -> bool:
    return default is None or default == "" or bool(_CONSTANT_DEFAULT.match(default))


def _view_name(name: str) -> str:
    return name if _PLAIN.match(name) else quote(name)


class _Differ:
    """SchemaDiffer (docs/room-format.md#schemadiffer) with decisions collected, not thrown."""

    def __init__(self, old: Schema, new: Schema, decl: Declarations):
        self.old, self.new, self.decl = old, new, decl
        self.from_tables = {e.table_name: e for e in old.database.entities}
        self.to_tables = {e.table_name: e for e in new.database.entities}
        self.added_tables: list = []
        self.renamed_tables: dict = {}
        self.complex: dict = {}
        self.added_columns: list = []
        self.deleted_tables: list = list(dict.fromkeys(decl.delete_tables))
        self.deleted_columns: list = list(decl.delete_columns)
        self.processed: dict = {}
        self.content_fts: dict = {}
        self.decisions: list = []
        self.fills: dict = {}          # (new table, column) -> SQL, for the rebuild's SELECT
        self.not_null_fills: dict = {}  # (new table, column) -> SQL wrapped by IFNULL
        self._check_declarations()

    def _bad(self, option: str, message: str):
        raise RoomSchemaError(message, path=option)

    def _check_declarations(self):
        decl = self.decl
        for old, new in decl.rename_tables.items():
            if old not in self.from_tables:
                self._bad("--rename-table", f"table '{old}' is not in version {self.old.version}")
            if new not in self.to_tables:
                self._bad("--rename-table", f"The table renamed from '{old}' to '{new}' is not found "
                                            f"in the new version of the database.")
        for (table, col), new in decl.rename_columns.items():
            ent = self.from_tables.get(table)
            if ent is None or ent.field(col) is None:
                self._bad("--rename-column", f"column '{table}.{col}' is not in version {self.old.version} "
                                             f"(use the old table and column names, as Room's @RenameColumn)")
            target = self.to_tables.get(decl.renamed_table(table))
            if target is None or target.field(new) is None:
                self._bad("--rename-column", f"column '{new}' of table '{decl.renamed_table(table)}' is not "
                                             f"in version {self.new.version}")
        for table in decl.delete_tables:
            if table not in self.from_tables:
                self._bad("--delete-table", f"table '{table}' is not in version {self.old.version}")
            if table in self.to_tables and table not in decl.rename_tables:
                self._bad("--delete-table", f"table '{table}' still exists in version {self.new.version}")
        for table, col in decl.delete_columns:
            ent = self.from_tables.get(table)
            if ent is None or ent.field(col) is None:
                self._bad("--delete-column", f"column '{table}.{col}' is not in version {self.old.version}")
            if table not in self.to_tables:
                self._bad("--delete-column", f"table '{table}' is not in version {self.new.version} "
                                             f"(a column can only be deleted from a table that stays)")
        for (table, col), _ in decl.fills.items():
            ent = self.to_tables.get(table)
            if ent is None or ent.field(col) is None:
                self._bad("--fill", f"column '{table}.{col}' is not in version {self.new.version}")
        names = set(self.to_tables)
        for name in names:
            if name.startswith(NEW_PREFIX) and name[len(NEW_PREFIX):] in names:
                self._bad("schema", f"The new version of the schema contains '{name}' a table name with the "
                                    f"prefix '_new_', which will cause conflicts for auto migrations. "
                                    f"Please use a different name.")

    def _mark_complex(self, old_name: str, old: Entity, new: Entity) -> ComplexChange:
        self.renamed_tables.pop(old_name, None)
        entry = self.complex.get(old_name)
        if entry is None:
            entry = ComplexChange(old_name, NEW_PREFIX + new.table_name, old, new)
            self.complex[old_name] = entry
        return entry

    def _table_complex(self, a: Entity, b: Entity) -> bool:
        if not primary_key_equal(a.primary_key, b.primary_key):
            return True
        if isinstance(a, FtsEntity) and isinstance(b, FtsEntity):
            return not fts_entity_equal(a, b)
        if a.is_fts or b.is_fts:
            return True
        if not foreign_keys_equal(a.foreign_keys, b.foreign_keys):
            return True
        if not indices_equal(a.indices, b.indices):
            return True
        return any(fk.table in self.decl.rename_tables for fk in a.foreign_keys)

    def run(self):
        potentially_deleted = []
        for old in self.old.database.entities:
            name = old.table_name
            if name in self.decl.rename_tables:
                to = self.to_tables[self.decl.rename_tables[name]]
                if self._table_complex(old, to) or old.is_fts:
                    self._mark_complex(name, old, to)
                else:
                    self.renamed_tables[name] = to.table_name
            else:
                to = self.to_tables.get(name)
                if to is not None and self._table_complex(old, to):
                    self._mark_complex(name, old, to)
                elif to is None and name not in self.deleted_tables:
                    potentially_deleted.append(name)
            if to is None:
                continue
            if isinstance(old, FtsEntity) and old.content_table:
                self.content_fts.setdefault(old.content_table, []).append(old)
            self.processed[to.table_name] = self._columns(old, to)
        for to in self.new.database.entities:
            self._added(to)
        for name in potentially_deleted:
            if self.decl.allow_drops:
                self.deleted_tables.append(name)
            else:
                self.decisions.append(_table_removed(self.old, self.new, name))
        # A column that is probably a rename target is settled with the rename;
        # asking for its fill as well would send the user the wrong way.
        targets = {(decision.table, decision.rename_to) for decision in self.decisions if decision.rename_to}
        self.decisions = [decision for decision in self.decisions
                          if not (decision.kind == "not-null-without-default"
                                  and (decision.table, decision.column) in targets)]
        for table, _ in self.deleted_columns:
            if table not in self.complex:
                self._mark_complex(table, self.from_tables[table], self.to_tables[table])
        for old_name in self.decl.rename_tables:
            for fts in self.content_fts.get(old_name, ()):
                if fts.table_name not in self.complex:
                    self.complex[fts.table_name] = ComplexChange(
                        fts.table_name, NEW_PREFIX + fts.table_name, fts, fts)

    def _columns(self, old: Entity, to: Entity) -> set:
        done = set()
        for f in old.fields:
            new_name = self.decl.rename_columns.get((old.table_name, f.column_name))
            if new_name is not None:
                entry = self._mark_complex(old.table_name, old, to)
                entry.renamed_columns[new_name] = f.column_name
                done.add(new_name)
                renamed = to.field(new_name)
                if renamed is not None:  # always: _check_declarations made sure
                    self._tightened(old, to, f, renamed)
                continue
            match = to.field(f.column_name)
            if match is not None:
                if not field_equal(f, match) and old.table_name not in self.complex:
                    self._mark_complex(old.table_name, old, to)
                self._tightened(old, to, f, match)
                done.add(f.column_name)
            elif (old.table_name, f.column_name) in self.deleted_columns:
                pass
            elif self.decl.allow_drops:
                self.deleted_columns.append((old.table_name, f.column_name))
            else:
                self.decisions.append(_column_removed(old, to, f))
        return done

    def _tightened(self, old: Entity, to: Entity, before: Field, after: Field):
        """A nullable column that becomes NOT NULL needs a value for its NULLs."""
        if before.not_null or not after.not_null or old.is_fts:
            return
        key = (to.table_name, after.column_name)
        value = self.decl.fills.get(key)
        if value is None and after.default_value not in (None, ""):
            value = after.default_value
        if value is None:
            self.decisions.append(Decision(
                "not-null-tightened", to.table_name, after.column_name,
                f"Column '{after.column_name}' in table '{to.table_name}' becomes NOT NULL without a default: "
                f"existing NULLs would make the copy fail.",
                (f"--fill {to.table_name}.{after.column_name}=<SQL value>",),
                ("a manual Migration: Room's AutoMigration copies NULLs and fails",)))
        else:
            self.not_null_fills[key] = value

    def _added(self, to: Entity):
        old_name = self.decl.old_table(to.table_name)
        old = self.from_tables.get(old_name)
        if old is None or (old_name == to.table_name and old_name in self.decl.rename_tables):
            self.added_tables.append(to)
            return
        done = self.processed.get(to.table_name, set())
        for f in to.fields:
            if f.column_name in done or old.field(f.column_name) is not None:
                continue
            key = (to.table_name, f.column_name)
            if f.not_null and f.default_value is None:
                fill = self.decl.fills.get(key)
                if fill is None:
                    self.decisions.append(_not_null_without_default(to, f))
                    continue
                self.fills[key] = fill
                self._mark_complex(old_name, old, to)
            elif not _is_constant(f.default_value):
                self._mark_complex(old_name, old, to)
            elif old_name not in self.complex:
                self.added_columns.append((to.table_name, f))


def _table_removed(old: Schema, new: Schema, table: str) -> Decision:
    return Decision(
        "table-removed", table, None,
        f"Table '{table}' has been either removed or renamed.",
        (f"--rename-table {table}=<NEW_TABLE_NAME>", f"--delete-table {table}", "--allow-drops"),
        (f'@RenameTable(fromTableName = "{table}", toTableName = "<NEW_TABLE_NAME>")',
         f'@DeleteTable(tableName = "{table}")'))


def _column_removed(old: Entity, to: Entity, gone: Field) -> Decision:
    table, column = old.table_name, gone.column_name
    # Suggest, never infer: one candidate of the same shape added to the same table.
    guess = rename_candidate(gone, [f for f in to.fields if old.field(f.column_name) is None])
    target = guess.column_name if guess else "<NEW_COLUMN_NAME>"
    hint = f" Did you mean --rename-column {table}.{column}={target}?" if guess else ""
    return Decision(
        "column-removed", table, column,
        f"Column '{column}' in table '{table}' has been either removed or renamed.{hint}",
        (f"--rename-column {table}.{column}={target}", f"--delete-column {table}.{column}", "--allow-drops"),
        (f'@RenameColumn(tableName = "{table}", fromColumnName = "{column}", toColumnName = "{target}")',
         f'@DeleteColumn(tableName = "{table}", columnName = "{column}")'),
        guess.column_name if guess else None)


def _not_null_without_default(to: Entity, f: Field) -> Decision:
    return Decision(
        "not-null-without-default", to.table_name, f.column_name,
        f"New NOT NULL column'{f.column_name}' added with no default value specified. "
        f"Please specify the default value using @ColumnInfo.",
        (f"--fill {to.table_name}.{f.column_name}=<SQL value>",),
        (f'@ColumnInfo(defaultValue = "<value>") on {f.field_path}',))


def _add_column_sql(table: str, f: Field) -> str:
    sql = f"ALTER TABLE {quote(table)} ADD COLUMN {quote(f.column_name)} {f.affinity}"
    if f.not_null:
        sql += " NOT NULL"
    if f.default_value:
        return sql + f" DEFAULT {f.default_value}"
    return sql + " DEFAULT NULL"


def _pure_column_rename(entry: ComplexChange) -> bool:
    """True when renaming columns in place turns the old table into the new one."""
    old, new, renames = entry.old, entry.new, entry.renamed_columns
    if not renames or old.is_fts or new.is_fts or old.table_name != new.table_name:
        return False
    back = {o: n for n, o in renames.items()}
    rn = lambda cols: tuple(back.get(c, c) for c in (cols or ()))  # noqa: E731
    fields = {back.get(f.column_name, f.column_name): f for f in old.fields}
    new_fields = {f.column_name: f for f in new.fields}
    if fields.keys() != new_fields.keys():
        return False
    if not all(same_definition(f, new_fields[n]) for n, f in fields.items()):
        return False
    if rn(old.primary_key.column_names) != tuple(new.primary_key.column_names) or \
            old.primary_key.auto_generate != new.primary_key.auto_generate:
        return False
    old_idx = sorted((i.name, i.unique, rn(i.column_names), i.effective_orders) for i in old.indices)
    new_idx = sorted((i.name, i.unique, tuple(i.column_names or ()), i.effective_orders) for i in new.indices)
    old_fk = sorted((fk.table, rn(fk.columns), fk.referenced_columns, fk.on_delete, fk.on_update)
                    for fk in old.foreign_keys)
    new_fk = sorted((fk.table, tuple(fk.columns), fk.referenced_columns, fk.on_delete, fk.on_update)
                    for fk in new.foreign_keys)
    return old_idx == new_idx and old_fk == new_fk


def _rebuild(entry: ComplexChange, differ: _Differ, min_sdk: int, fk_checks: list) -> list:
    old, new = entry.old, entry.new
    steps = []
    why = f"rebuild {new.table_name}"
    fts5 = isinstance(new, FtsEntity) and new.fts_version == "FTS5"
    if fts5 and isinstance(new, FtsEntity) and new.content_table.strip():
        # Only Room 3 writes FTS5, and its AutoMigrationWriter goes by the new table's content
        # table and keys the index by rowid (FTS5 has no docid), read from contentRowId if set.
        cols = [f.column_name for f in new.fields
                if old.field(f.column_name) is not None or f.column_name in entry.renamed_columns]
        source_rowid = dict(new.fts_options.extra).get("contentRowId") or "rowid"
        into = ",".join(quote(c) for c in [*cols, "rowid"])
        select = ",".join(quote(c) for c in [*cols, source_rowid])
        return [Step(f"DROP TABLE {quote(old.table_name)}", table=new.table_name, why=why),
                Step(new.create_table_sql(), table=new.table_name, why=why),
                Step(f"INSERT INTO {quote(new.table_name)} ({into}) SELECT {select} FROM {quote(new.content_table)}",
                     table=new.table_name, why="copy the FTS index from its content table")]
    if not fts5 and isinstance(old, FtsEntity) and old.content_table.strip():
        cols = [f.column_name for f in new.fields
                if old.field(f.column_name) is not None or f.column_name in entry.renamed_columns]
        source = new.content_table if isinstance(new, FtsEntity) and new.content_table else entry.table_name
        names = ",".join(quote(c) for c in cols)
        steps += [Step(f"DROP TABLE {quote(entry.table_name)}", table=new.table_name, why=why),
                  Step(new.create_table_sql(), table=new.table_name, why=why),
                  Step(f"INSERT INTO {quote(new.table_name)} ({names + ',' if names else ''}`docid`) "
                       f"SELECT {names + ',' if names else ''}`rowId` FROM {quote(source)}",
                       table=new.table_name, why="copy the FTS index from its content table")]
        return steps
    if min_sdk >= MIN_SDK_RENAME_COLUMN and _pure_column_rename(entry):
        for n, o in entry.renamed_columns.items():
            steps.append(Step(f"ALTER TABLE {quote(new.table_name)} RENAME COLUMN {quote(o)} TO {quote(n)}",
                              table=new.table_name, why=f"rename column {o} to {n}",
                              deviation=("the bundled SQLite driver" if min_sdk >= BUNDLED_SQLITE_MIN_SDK
                                         else f"--min-sdk {min_sdk}")
                              + " allows RENAME COLUMN (SQLite 3.25, API 30) instead of Room's table rebuild"))
        return steps
    targets, sources, deviations = [], [], []
    for f in new.fields:
        n = f.column_name
        o = entry.renamed_columns.get(n, n)
        key = (new.table_name, n)
        if key in differ.fills:
            targets.append(n)
            sources.append(f"({differ.fills[key]})")
            deviations.append(f"{n} filled with {differ.fills[key]} "
                              f"(Room cannot add a NOT NULL column without default)")
        elif (before := old.field(o)) is not None or n in entry.renamed_columns:
            targets.append(n)
            if key in differ.not_null_fills and not (before is not None and before.not_null):
                sources.append(f"IFNULL({quote(o)}, {differ.not_null_fills[key]})")
                deviations.append(f"{n} becomes NOT NULL: NULLs replaced by {differ.not_null_fills[key]} "
                                  f"(Room's plain copy fails on them)")
            else:
                sources.append(quote(o))
    tmp = entry.new_prefixed
    steps.append(Step(new.create_table_sql(tmp), table=new.table_name, why=why))
    steps.append(Step(f"INSERT INTO {quote(tmp)} ({','.join(quote(t) for t in targets)}) "
                      f"SELECT {','.join(sources)} FROM {quote(entry.table_name)}",
                      table=new.table_name, why=f"copy the rows of {entry.table_name}",
                      deviation="; ".join(deviations)))
    steps.append(Step(f"DROP TABLE {quote(entry.table_name)}", table=new.table_name, why=why))
    steps.append(Step(f"ALTER TABLE {quote(tmp)} RENAME TO {quote(new.table_name)}", table=new.table_name, why=why))
    if not new.is_fts:
        steps += [Step(i.create_sql_for(new.table_name), table=new.table_name, why=f"index {i.name}")
                  for i in new.indices]
        if new.foreign_keys:
            fk_checks.append(new.table_name)
    return steps


DECLARATION_KEYS = {"--rename-table": "rename_tables", "--rename-column": "rename_columns",
                    "--delete-table": "delete_tables", "--delete-column": "delete_columns", "--fill": "fill"}
"""Each declaration flag's key in a pair's table of the configuration."""


def check_declarations(old: Schema, new: Schema, declarations: Declarations, *, file: object = None,
                       prefix: str = "") -> None:
    """Raise when a declaration names a table or column the pair does not have, as planning would.

    With ``file`` the declarations are the configuration's: the error names that file and the key
    (``prefix`` + ``rename_columns``), not the flag that would have said the same, so ``check``
    and ``generate`` point at the line to correct.
    """
    try:
        _Differ(old, new, declarations)  # checks its declarations as it starts
    except RoomSchemaError as err:
        if file is None:
            raise
        raise RoomSchemaError(err.message, file=file,
                              path=prefix + DECLARATION_KEYS.get(err.path or "", err.path or "")) from None


def plan_migration(old: Schema, new: Schema, declarations: Optional[Declarations] = None,
                   min_sdk: int = DEFAULT_MIN_SDK) -> Plan:
    """Room's AutoMigration for ``old`` -> ``new``, or the decisions it needs."""
    decl = declarations or Declarations()
    differ = _Differ(old, new, decl)
    differ.run()
    steps: list = []
    # Room rebuilds FTS tables last: their content tables must be migrated first.
    entries = sorted(differ.complex.values(), key=lambda c: c.new.is_fts)
    if not differ.decisions:
        for v in old.database.views:
            steps.append(Step(f"DROP VIEW {_view_name(v.view_name)}", table=v.view_name,
                              why="views are dropped first and recreated last, as Room does",
                              deviation="" if _PLAIN.match(v.view_name) else
                              "view name quoted (Room writes it bare, which breaks on this name)"))
        for t in differ.deleted_tables:
            steps.append(Step(f"DROP TABLE {quote(t)}", table=t, why=f"delete table {t}"))
        for o, n in differ.renamed_tables.items():
            steps.append(Step(f"ALTER TABLE {quote(o)} RENAME TO {quote(n)}", table=n, why=f"rename table {o} to {n}"))
        for table, f in differ.added_columns:
            steps.append(Step(_add_column_sql(table, f), table=table, why=f"add column {table}.{f.column_name}"))
        for e in differ.added_tables:
            steps.append(Step(e.create_table_sql(), table=e.table_name, why=f"add table {e.table_name}"))
            if not e.is_fts:
                steps += [Step(i.create_sql_for(e.table_name), table=e.table_name, why=f"index {i.name}")
                          for i in e.indices]
        fk_checks: list = []
        for entry in entries:
            steps += _rebuild(entry, differ, min_sdk, fk_checks)
        steps += [Step.foreign_key_check(t, why=f"check the foreign keys of rebuilt {t}") for t in fk_checks]
        for v in new.database.views:
            steps.append(Step(v.create_view_sql(), table=v.view_name, why=f"view {v.view_name}"))
    return Plan(old=old, new=new, declarations=decl, diff=diff(old, new, decl), steps=tuple(steps),
                decisions=tuple(differ.decisions), added_tables=tuple(e.table_name for e in differ.added_tables),
                deleted_tables=tuple(differ.deleted_tables), renamed_tables=tuple(differ.renamed_tables.items()),
                added_columns=tuple(differ.added_columns), deleted_columns=tuple(differ.deleted_columns),
                min_sdk=min_sdk)
