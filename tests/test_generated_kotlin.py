"""Every generated Kotlin file compiles with a real Kotlin compiler (one kotlinc run).

AVA 1->2 in both APIs with its AutoMigration spec, test and Migrations.kt; every
corpus pair in both APIs (with the history's declarations and fills), and the
spec and test wherever they apply.
"""
from __future__ import annotations

import pytest

import roomschema
from roomschema.render import code as g
from roomschema.render.environment import kotlin_string

from helpers import AVA, CORPUS, corpus_pairs
from corpus_history import history_declarations, with_fills
from kotlinc import compile_kotlin, requires_kotlinc

pytestmark = [pytest.mark.kotlin, pytest.mark.slow]


def _database_stub(fqcn: str) -> str:
    package, name = fqcn.rsplit(".", 1)
    return f"package {package}\n\nabstract class {name} : androidx.room.RoomDatabase()\n"


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _emit(plan, package, folder, files, stubs):
    tag = package.replace(".", "_")
    support = g.migration_kotlin(plan, package + ".support", "support")
    conn = g.migration_kotlin(plan, package + ".conn", "connection")
    # Room's foreign-key check and nothing else: a recursive CTE only where a
    # statement of the migration (a view's definition) has one.
    ctes = sum(s.sql.upper().count("WITH RECURSIVE") for s in plan.steps)
    assert support.upper().count("WITH RECURSIVE") == conn.upper().count("WITH RECURSIVE") == ctes, package
    files.append(_write(folder, f"{tag}_support.kt", support))
    files.append(_write(folder, f"{tag}_conn.kt", conn))
    files.append(_write(folder, f"{tag}_test.kt", g.migration_test_kotlin(plan, package + ".support")))
    stubs.add(g.database_name(plan.new))
    if g.auto_migration_expressible(plan):
        files.append(_write(folder, f"{tag}_spec.kt", g.auto_spec_kotlin(plan, package + ".spec")))


@requires_kotlinc
def test_all_generated_kotlin_compiles(tmp_path):
    files, stubs = [], set()
    old, new = roomschema.load(AVA / "1.json"), roomschema.load(AVA / "2.json")
    from roomschema.migration.plan import plan_migration
    plan = plan_migration(old, new)
    _emit(plan, "gen.ava", tmp_path, files, stubs)
    files.append(_write(tmp_path, "ava_all.kt", g.all_migrations_kotlin([(1, 2)], "gen.ava.support", "AVA")))
    count = 0
    for i, (a, b) in enumerate(corpus_pairs() if CORPUS.is_dir() else []):
        old, new = roomschema.load(a), roomschema.load(b)
        plan = with_fills(old, new, history_declarations(old, new))
        if plan is None:
            continue
        _emit(plan, f"gen.p{i}", tmp_path, files, stubs)
        count += 1
    # Names are data: nothing in them may end a string or comment, or start a template.
    from roomschema.schema.compose import entity, field, foreign_key, index, schema
    from roomschema.migration.declarations import Declarations
    evil_t, evil_c = 'x*/ /* "t" ${t}', '$c"\\n`'
    # A parent and a key with hostile names: the table handed to the foreign-key helper is a string too.
    evil_p, evil_k = 'p"""${p}', 'k`$k\\'
    parent = entity(evil_p, [field("id", "INTEGER", True)], primary_key=["id"])
    ref = dict(indices=[index(evil_t, [evil_k])], foreign_keys=[foreign_key([evil_k], evil_p, ["id"])])
    e1 = entity(evil_t, [field("id", "INTEGER", True), field(evil_c, "TEXT", False, "'$x\"*/'"),
                         field(evil_k, "INTEGER", False)], primary_key=["id"], **ref)
    e2 = entity(evil_t, [field("id", "INTEGER", True), field(evil_k, "INTEGER", False)], primary_key=["id"], **ref)
    s1, s2 = schema(1, [parent, e1]), schema(2, [parent, e2])
    s1 = s1.__class__(database=s1.database, path=AVA / "1.json")
    s2 = s2.__class__(database=s2.database, path=AVA / "2.json")
    evil = plan_migration(s1, s2, Declarations(delete_columns=((evil_t, evil_c),)))
    assert any(s.is_foreign_key_check and s.table == evil_t for s in evil.steps)
    _emit(evil, "gen.evil", tmp_path, files, stubs)
    for n, fqcn in enumerate(sorted(stubs)):
        files.append(_write(tmp_path, f"db{n}.kt", _database_stub(fqcn)))
    if CORPUS.is_dir():
        assert count >= 100, count
    compile_kotlin(files, tmp_path)
    classes = {p.name for p in (tmp_path / "classes").rglob("*.class")}
    assert "Migration1To2Test.class" in classes


NASTY = ['a"b', "dollar$name", "${'$'}{x}", "back\\slash", "new\nline", "tab\t", 'end"""', "ü😀"]


@requires_kotlinc
def test_kotlin_escaping_keeps_any_name_inert(tmp_path):
    lines = ["package gen.escape", "", "val VALUES = listOf("]
    lines += [f'    "{kotlin_string(s)}",' for s in NASTY]
    lines += [")", "", "fun main() { VALUES.forEach { print(it); print(\"\\u0000\") } }"]
    src = _write(tmp_path, "Escape.kt", "\n".join(lines) + "\n")
    compile_kotlin([src], tmp_path)
    import subprocess
    java = "java"
    r = subprocess.run([java, "-cp", f"{tmp_path / 'classes'}:{_kotlin_stdlib()}", "gen.escape.EscapeKt"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\x00")[:-1] == NASTY


def _kotlin_stdlib():
    from kotlinc import kotlinc_path
    from pathlib import Path
    lib = Path(kotlinc_path()).resolve().parent.parent / "lib" / "kotlin-stdlib.jar"
    return str(lib)
