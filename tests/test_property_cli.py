"""Every command, random argument lists, mutated real schema files: the exit status is 0, 1, 2 or 3,
never a traceback (issue #16).

The arguments are drawn from each command's own click parameters (``roomschema.cli.main.COMMANDS``),
so a new option is exercised as soon as it exists. Each example runs in a fresh copy of a small
project: the AVA exports, one of them mutated, a database file Room would have left, and a file
where a folder is expected. ``run_cli`` lets any exception escape, so a traceback fails the test
with the example that caused it.
"""
from __future__ import annotations

import json
import shutil

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import AVA, FQCN, make_db, run_cli
from roomschema.cli.main import COMMANDS, cli
from roomschema.schema.loader import load

EXITS = {0, 1, 2, 3}

# Values an option or argument may get: versions, paths that exist or cannot, standard output,
# declarations that fit or do not, SQL, numbers out of range, nothing at all.
WORDS = ["1", "2", "3", "0", "-1", "-", "", "app.db", "backup.json", "afile", "afile/x.sql", "out/x.sql",
         "out/M.kt", "/proc/roomschema-x", f"app/schemas/{FQCN}/1.json", f"app/schemas/{FQCN}/2.json",
         "app/schemas", "nope.json", "messages.content=body", "messages.edit_count=0", "messages.content",
         "messages", "ghost", "t.c", "a=b", "com.example", "1.5", "1e9", "x'00'", "NULL", "--", "日本"]


def _commands() -> dict:
    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name) for name in COMMANDS}


COMMAND_OBJECTS = _commands()


# What a parameter usually gets, by its name, so most examples get past the first check.
LIKELY = {"db_file": "app.db", "backup_file": "backup.json", "target": "new.db", "from_ref": "1", "to_ref": "2",
          "version": "2", "files": "1", "schemas": "app/schemas", "db": FQCN, "source": "-"}


def _value(param: click.Parameter) -> st.SearchStrategy:
    if param.name in LIKELY:
        return st.one_of(st.just(LIKELY[param.name]), st.sampled_from(WORDS))
    kind = param.type
    if isinstance(kind, click.Choice):
        return st.one_of(st.sampled_from(list(kind.choices)), st.sampled_from(WORDS))
    if isinstance(kind, (click.IntRange, click.FloatRange)) or kind in (click.INT, click.FLOAT):
        return st.one_of(st.integers(-5, 20_000).map(str), st.sampled_from(WORDS))
    return st.sampled_from(WORDS)


@st.composite
def command_lines(draw):
    name = draw(st.sampled_from(sorted(COMMAND_OBJECTS)))
    cmd = COMMAND_OBJECTS[name]
    args = [name]
    options = [p for p in cmd.params if isinstance(p, click.Option)]
    chosen = draw(st.lists(st.sampled_from(options), max_size=5, unique_by=lambda p: p.name)) if options else []
    for param in chosen:
        opt = draw(st.sampled_from(param.opts + param.secondary_opts))
        if param.is_flag or param.count:
            args.append(opt)
        else:
            args += [opt, draw(_value(param))]
    given_from = False
    for param in cmd.params:
        if isinstance(param, click.Argument):
            n = 1 if param.nargs == 1 else draw(st.integers(0, 2))
            # FROM and TO go together (one alone is bad input every time, and found no more)
            wanted = given_from if param.name == "to_ref" else param.required or draw(st.booleans())
            given_from = given_from or (param.name == "from_ref" and wanted)
            if wanted:
                args += [draw(_value(param)) for _ in range(n)]
    if draw(st.integers(0, 19)) == 0:
        args.insert(draw(st.integers(1, len(args))), draw(st.sampled_from(WORDS)))  # a stray word
    return args


def _mutations(doc: dict) -> list:
    """Ways a person, a merge or a bad tool breaks an export; each returns the new file text."""
    db = doc["database"]

    def edit(fn):
        copy = json.loads(json.dumps(doc))
        fn(copy["database"])
        return json.dumps(copy, indent=2)

    return [
        lambda: "",
        lambda: json.dumps(doc)[: len(json.dumps(doc)) // 3],
        lambda: "[1, 2]",
        lambda: edit(lambda d: d["entities"][0].update(createSql="CREATE TABEL `${TABLE_NAME}` (x)")),
        lambda: edit(lambda d: d["entities"][0].update(createSql="CREATE TABLE IF NOT EXISTS x (a)")),
        lambda: edit(lambda d: d.update(version=9)),
        lambda: edit(lambda d: d.update(version="2")),
        lambda: edit(lambda d: d.update(identityHash="0" * 32)),
        lambda: edit(lambda d: d["entities"].append(d["entities"][0])),
        lambda: edit(lambda d: d["entities"][0]["fields"].pop()),
        lambda: edit(lambda d: d["entities"][0]["primaryKey"].update(columnNames=["ghost"])),
        lambda: edit(lambda d: d["entities"][0].pop("fields")),
        lambda: edit(lambda d: d.update(entities=[])),
        lambda: edit(lambda d: d.update(views=[{"viewName": "v", "createSql": "CREATE VIEW `${VIEW_NAME}` AS SELEC"}])),
        lambda: edit(lambda d: d.update(setupQueries=["NOT SQL"])),
        lambda: edit(lambda d: d["entities"][0]["fields"][0].update(affinity="NUMBER")),
        lambda: edit(lambda d: d["entities"][0]["fields"][0].update(columnName="")),
        lambda: edit(lambda d: d["entities"][-1].update(tableName=db["entities"][0]["tableName"])),
    ]


DOCS = {v: json.loads((AVA / f"{v}.json").read_text(encoding="utf-8")) for v in (1, 2)}
N_MUTATIONS = len(_mutations(DOCS[1]))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("template")
    shutil.copytree(AVA, root / "app" / "schemas" / FQCN)
    make_db(load(AVA / "1.json"), root / "app.db", rows=20)
    (root / "afile").write_text("a file where a folder is expected\n")
    assert run_cli("backup", "app.db", "-o", "backup.json", cwd=root).returncode == 0
    return root


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=command_lines(), mutate=st.one_of(st.none(), st.tuples(st.sampled_from([1, 2]),
                                                                   st.integers(0, N_MUTATIONS - 1))),
       damage_db=st.sampled_from([0, 0, 0, 1, 2]))
def test_any_command_line_exits_0_1_2_or_3(template, tmp_path_factory, argv, mutate, damage_db):
    project = tmp_path_factory.mktemp("p")
    shutil.copytree(template, project, dirs_exist_ok=True)
    if mutate is not None:
        version, which = mutate
        path = project / "app" / "schemas" / FQCN / f"{version}.json"
        path.write_text(_mutations(DOCS[version])[which](), encoding="utf-8")
    if damage_db:
        db = (project / "app.db").read_bytes()
        (project / "app.db").write_bytes(db[:len(db) // 2] if damage_db == 1 else db[:100] + b"\xff" * 50 + db[150:])
    if "--rows" not in argv and argv[0] == "verify":
        argv = argv + ["--rows", "50"]  # bounded time: the default seeds 10,000 rows
    r = run_cli(*argv, cwd=project, input="")
    assert r.returncode in EXITS, (argv, r)
    assert "Traceback" not in r.stderr, (argv, r.stderr)
    if r.returncode == 2:
        assert r.stderr.strip(), (argv, r)  # bad input always says why


@pytest.mark.parametrize("which", range(N_MUTATIONS))
@pytest.mark.parametrize("command", [("validate",), ("hash",), ("show", "1"), ("diff",), ("generate", "1", "2"),
                                     ("verify", "1", "2", "--rows", "20"), ("check", "--no-verify"), ("docs",)])
def test_every_mutation_with_the_commands_that_read_schemas(template, tmp_path, command, which):
    """Each mutation of 1.json against each reading command, once, whatever the random draw."""
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    (tmp_path / "app" / "schemas" / FQCN / "1.json").write_text(_mutations(DOCS[1])[which](), encoding="utf-8")
    r = run_cli(*command, cwd=tmp_path)
    assert r.returncode in EXITS and "Traceback" not in r.stderr, r
