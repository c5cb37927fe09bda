"""Property: for random schema pairs, the planned migration turns a populated
version 1 into exactly the structure of a fresh version 2 and keeps every row."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from roomschema.migration.plan import plan_migration
from roomschema.schema.sql import quote

from sqlite_struct import VALUES, build, structure
from strategies import schema_pairs

def seed(conn, schema, rows=5):
    for e in schema.database.entities:
        cols = [f.column_name for f in e.fields]
        for i in range(1, rows + 1):
            vals = [i if c == "id" else (((i - 1) % rows) + 1 if c == "parent_id" else
                    (None if not f.not_null and i % 3 == 0 else VALUES[f.affinity](i)))
                    for c, f in zip(cols, e.fields)]
            conn.execute(f"INSERT INTO {quote(e.table_name)} ({', '.join(map(quote, cols))}) "
                         f"VALUES ({', '.join('?' * len(cols))})", vals)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema_pairs())
def test_generated_migration_reaches_the_new_schema_and_keeps_rows(pair):
    old, new, decl = pair
    plan = plan_migration(old, new, decl)
    assert plan.ok, [d.message for d in plan.decisions]
    conn = build(old)
    seed(conn, old)
    before = {e.table_name: conn.execute(f"SELECT * FROM {quote(e.table_name)} ORDER BY id").fetchall()
              for e in old.database.entities}
    conn.execute("BEGIN")
    for s in plan.steps:
        rows = conn.execute(s.sql).fetchall()
        if s.is_foreign_key_check:
            assert rows == []
    conn.execute("COMMIT")
    assert structure(conn) == structure(build(new))
    for e in old.database.entities:
        if e.table_name in decl.delete_tables:
            continue
        target = new.database.entity(decl.renamed_table(e.table_name))
        kept = [(f.column_name, decl.rename_columns.get((e.table_name, f.column_name), f.column_name))
                for f in e.fields if (e.table_name, f.column_name) not in decl.delete_columns]
        got = conn.execute(f"SELECT {', '.join(quote(n) for _, n in kept)} FROM {quote(target.table_name)} "
                           f"ORDER BY id").fetchall()
        idx = [i for i, f in enumerate(e.fields) if (e.table_name, f.column_name) not in decl.delete_columns]
        expected = []
        for row in before[e.table_name]:
            values = []
            for i, (old_name, new_name) in zip(idx, kept):
                v = row[i]
                nf = target.field(new_name)
                if v is None and nf.not_null:
                    v = conn.execute(f"SELECT {nf.default_value}").fetchone()[0]
                values.append(v)
            expected.append(tuple(values))
        assert got == expected, e.table_name
    for (table, col), fill in decl.fills.items():
        assert {r[0] for r in conn.execute(f"SELECT {quote(col)} FROM {quote(table)}")} <= {42}
