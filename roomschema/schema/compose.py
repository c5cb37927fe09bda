"""Build schemas in code with the exact SQL text Room's compiler writes
(docs/room-format.md#createsql-text): for tests, examples and tools that start from entities
rather than from an export.

Names are quoted with inner backticks doubled; for ordinary names that is
exactly Room's text.
"""
from __future__ import annotations

from typing import Optional, Sequence

from roomschema.schema.identity import identity_hash
from roomschema.schema.sql import quote
from roomschema.schema.model import (ROOM_2_6, Database, Entity, Field, FtsEntity, FtsOptions, ForeignKey, Index, PrimaryKey,
                    Schema, Style, TABLE_NAME, View, VIEW_NAME)


def field(column: str, affinity: str = "TEXT", not_null: bool = False, default: Optional[str] = None,
          path: Optional[str] = None) -> Field:
    return Field(field_path=path or column, column_name=column, affinity=affinity, not_null=not_null,
                 default_value=default)


def _q(names: Sequence[str]) -> str:
    return ", ".join(quote(n) for n in names)


def column_sql(f: Field, pk_autoincrement: bool = False) -> str:
    sql = f"{quote(f.column_name)} {f.affinity}"
    if pk_autoincrement:
        sql += " PRIMARY KEY AUTOINCREMENT"
    if f.not_null:
        sql += " NOT NULL"
    if f.default_value is not None:
        sql += f" DEFAULT {f.default_value}"
    return sql


def foreign_key(columns: Sequence[str], table: str, referenced: Sequence[str], on_delete: str = "NO ACTION",
                on_update: str = "NO ACTION") -> ForeignKey:
    return ForeignKey(table=table, on_delete=on_delete, on_update=on_update, columns=tuple(columns),
                      referenced_columns=tuple(referenced))


def index(table: str, columns: Sequence[str], unique: bool = False, name: Optional[str] = None,
          orders: Sequence[str] = ()) -> Index:
    name = name or f"index_{table}_{'_'.join(columns)}"
    cols = ", ".join(f"{quote(c)} {o}" for c, o in zip(columns, orders)) if orders else _q(columns)
    kind = "CREATE UNIQUE INDEX" if unique else "CREATE INDEX"
    return Index(name=name, unique=unique, column_names=tuple(columns), orders=tuple(orders),
                 create_sql=f"{kind} IF NOT EXISTS {quote(name)} ON `{TABLE_NAME}` ({cols})")


def entity(table: str, fields: Sequence[Field], primary_key: Sequence[str] = (), auto_generate: bool = False,
           indices: Sequence[Index] = (), foreign_keys: Sequence[ForeignKey] = (),
           deferred: Sequence[bool] = ()) -> Entity:
    auto = auto_generate and len(primary_key) == 1
    parts = [column_sql(f, auto and f.column_name == primary_key[0]) for f in fields]
    if primary_key and not auto:
        parts.append(f"PRIMARY KEY({_q(primary_key)})")
    for i, fk in enumerate(foreign_keys):
        tail = "DEFERRABLE INITIALLY DEFERRED" if i < len(deferred) and deferred[i] else ""
        parts.append(f"FOREIGN KEY({_q(fk.columns)}) REFERENCES {quote(fk.table)}({_q(fk.referenced_columns)}) "
                     f"ON UPDATE {fk.on_update} ON DELETE {fk.on_delete} {tail}")
    return Entity(table_name=table, create_sql=f"CREATE TABLE IF NOT EXISTS `{TABLE_NAME}` ({', '.join(parts)})",
                  fields=tuple(fields), primary_key=PrimaryKey(column_names=tuple(primary_key), auto_generate=auto),
                  indices=tuple(indices), foreign_keys=tuple(foreign_keys))


def fts_entity(table: str, fields: Sequence[Field], content_table: str = "", version: str = "FTS4",
               tokenizer: str = "simple") -> FtsEntity:
    module_args: list[str] = []
    if tokenizer != "simple":
        module_args.append(f"tokenize={tokenizer}")
    if content_table:
        module_args.append(f"content=`{content_table}`")
    defs = ", ".join([column_sql(f) for f in fields] + module_args)
    triggers: tuple[str, ...] = ()
    if content_table:
        cols = [f.column_name for f in fields]
        pre = f"CREATE TRIGGER IF NOT EXISTS room_fts_content_sync_{table}"
        delete = f"BEGIN DELETE FROM `{table}` WHERE `docid`=OLD.`rowid`; END"
        insert = (f"BEGIN INSERT INTO `{table}`({_q(['docid'] + cols)}) "
                  f"VALUES ({', '.join(['NEW.`rowid`'] + [f'NEW.`{c}`' for c in cols])}); END")
        triggers = (f"{pre}_BEFORE_UPDATE BEFORE UPDATE ON `{content_table}` {delete}",
                    f"{pre}_BEFORE_DELETE BEFORE DELETE ON `{content_table}` {delete}",
                    f"{pre}_AFTER_UPDATE AFTER UPDATE ON `{content_table}` {insert}",
                    f"{pre}_AFTER_INSERT AFTER INSERT ON `{content_table}` {insert}")
    return FtsEntity(table_name=table,
                     create_sql=f"CREATE VIRTUAL TABLE IF NOT EXISTS `{TABLE_NAME}` USING {version}({defs})",
                     fields=tuple(fields), primary_key=PrimaryKey(column_names=("rowid",), auto_generate=True),
                     fts_version=version, content_sync_triggers=triggers,
                     fts_options=FtsOptions(tokenizer=tokenizer, content_table=content_table))


def view(name: str, query: str) -> View:
    return View(view_name=name, create_sql=f"CREATE VIEW `{VIEW_NAME}` AS {query.strip()}")


def schema(version: int, entities: Sequence[Entity], views: Sequence[View] = (), style: Style = ROOM_2_6) -> Schema:
    db = Database(version=version, identity_hash="", entities=tuple(entities), views=tuple(views))
    h = identity_hash(db)
    setup = ("CREATE TABLE IF NOT EXISTS room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT)",
             f"INSERT OR REPLACE INTO room_master_table (id,identity_hash) VALUES(42, '{h}')")
    return Schema(database=Database(version=version, identity_hash=h, entities=tuple(entities),
                                    views=tuple(views), setup_queries=setup), style=style)
