"""check --format github|sarif|markdown, and the composite action (action.yml) that runs them in CI.

The findings come from real check runs in throwaway git repositories holding the AVA exports;
SARIF is validated against the official SARIF 2.1.0 JSON Schema (OASIS, errata 01) kept in
tests/fixtures; the action's shell steps run with bash as a runner would run them.
"""
from __future__ import annotations

import ast
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from helpers import (AVA, CORPUS, FQCN, ROOT, commit_all, config, corpus_files, hand_write, make_repo, migrations,
                     ready, requires_corpus, run_cli, schemas, with_table, without_column, write_schema)
from roomschema.check.findings import RULES, WARNING, Finding
from roomschema.check.formats import Checked, github, json_line, markdown, parse_json_path

SARIF_SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SARIF_VALIDATOR = jsonschema.validators.validator_for(SARIF_SCHEMA)(
    SARIF_SCHEMA, format_checker=jsonschema.FormatChecker())
REL = f"app/schemas/{FQCN}"
ANNOTATION = re.compile(r"^::(error|warning) file=([^,]*)(?:,line=(\d+))?,title=([^:]*)::(.*)$")


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "project")


def annotations(repo: Path, *args, cwd: Path = None) -> tuple:
    """``(exit code, [(command, file, line or None, rule, message)])`` of ``check --format github``."""
    r = run_cli("check", "--format", "github", *args, cwd=cwd or repo)
    assert r.returncode in (0, 1), r.stderr
    found = []
    for line in r.stdout.splitlines():
        if line.startswith("::"):
            m = ANNOTATION.match(line)
            assert m, line
            kind, file, n, rule, message = m.groups()
            found.append((kind, file, int(n) if n else None, rule, message))
    return r.returncode, found


def sarif(repo: Path, *args, cwd: Path = None) -> tuple:
    """``(exit code, SARIF log)``, the log valid against the official schema."""
    r = run_cli("check", "--format", "sarif", *args, cwd=cwd or repo)
    assert r.returncode in (0, 1), r.stderr
    log = json.loads(r.stdout)
    errors = sorted(SARIF_VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return r.returncode, log


def line_of(path: Path, needle: str, after: int = 0) -> int:
    return next(n for n, ln in enumerate(path.read_text().splitlines(), 1) if n > after and needle in ln)


def same_in_sarif(repo: Path, found: list, *args) -> None:
    """The SARIF results name the same rules, files, lines and levels as the annotations."""
    code, log = sarif(repo, *args)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    got = []
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        (loc,) = r["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        got.append((r["level"], phys["artifactLocation"]["uri"], phys.get("region", {}).get("startLine"), r["ruleId"]))
    assert got == [(kind, file, line, rule) for kind, file, line, rule, _ in found]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


# ---- a JSON path to its line, on real exports -----------------------------------------------------

def _check_every_name_line(text: str) -> int:
    """Every tableName and columnName path lands on the line that says that name; returns how many."""
    doc = json.loads(text)
    lines = text.splitlines()
    seen, last = 0, 0
    for i, e in enumerate(doc["database"]["entities"]):
        n = json_line(text, ["database", "entities", i, "tableName"])
        assert f'"tableName"' in lines[n - 1] and json.dumps(e["tableName"]) in lines[n - 1]
        assert n > last  # document order
        last = n
        for k, f in enumerate(e["fields"]):
            n = json_line(text, parse_json_path(f"$.database.entities[{i}].fields[{k}].columnName"))
            assert '"columnName"' in lines[n - 1] and json.dumps(f["columnName"]) in lines[n - 1]
            seen += 1
    return seen


def test_json_path_to_line_on_the_ava_exports():
    for v in (1, 2):
        text = (AVA / f"{v}.json").read_text(encoding="utf-8")
        assert _check_every_name_line(text) > 10
        lines = text.splitlines()
        assert '"identityHash"' in lines[json_line(text, ["database", "identityHash"]) - 1]
        # Past the end of the document: the deepest part that exists.
        assert json_line(text, ["database", "entities", 999]) == json_line(text, ["database", "entities"])
        assert json_line(text, ["database", "nope", 1]) == json_line(text, ["database"])
    # All on one line, and not JSON at all.
    assert json_line(json.dumps(json.loads((AVA / "2.json").read_text())), ["database", "entities", 3]) == 1
    assert json_line("not json", ["database"]) is None


@requires_corpus
def test_json_path_to_line_on_the_corpus():
    files = corpus_files()[::25]
    assert files, f"no exports under {CORPUS}"
    for path in files:
        _check_every_name_line(path.read_text(encoding="utf-8-sig"))


def test_json_path_syntax_of_validation_messages():
    assert parse_json_path("$.database.entities[2].fields[0]") == ["database", "entities", 2, "fields", 0]
    assert parse_json_path("$['a b']['it\\'s'][3]") == ["a b", "it's", 3]
    assert parse_json_path("$") == []
    with pytest.raises(ValueError):
        parse_json_path("database.entities")


# ---- each kind of finding, at its line --------------------------------------------------------------

def test_fresh_repository_missing_migration_and_document(repo):
    code, found = annotations(repo)
    assert code == 1
    assert [(k, f, n, r) for k, f, n, r, _ in found] == [
        ("error", f"{REL}/2.json", None, "migration-missing"),
        ("error", f"app/migrations/{FQCN}/MIGRATIONS.md", None, "docs-missing")]
    # Room's crash and the fix, on lines of their own in the annotation.
    assert "A migration from 1 to 2 was required but not found." in found[0][4]
    assert "%0AFix: run `roomschema generate`" in found[0][4]
    same_in_sarif(repo, found)


def test_clean_is_exit_0_and_no_annotation(repo):
    ready(repo)
    r = run_cli("check", "--format", "github", cwd=repo)
    assert r.returncode == 0 and "::" not in r.stdout
    assert r.stdout.strip().endswith("2 versions (1..2), 0 errors, 0 warnings")
    code, log = sarif(repo)
    assert code == 0 and log["runs"][0]["results"] == []
    r = run_cli("check", "--format", "markdown", cwd=repo)
    assert r.returncode == 0 and r.stdout.startswith("### ✅ roomschema check passed: ")
    assert "|" not in r.stdout


def test_schema_invalid_at_the_key_or_the_json_line(repo):
    ready(repo)
    path = schemas(repo) / "2.json"
    doc = json.loads(path.read_text())
    del doc["database"]["entities"][1]["fields"][2]["affinity"]
    path.write_text(json.dumps(doc, indent=2))
    code, found = annotations(repo, "--no-verify")
    (bad,) = [x for x in found if x[3] == "schema-invalid"]
    # Validation names $.database.entities[1].fields[2]: the line that opens that field.
    lines = path.read_text().splitlines()
    assert bad[1] == f"{REL}/2.json" and lines[bad[2] - 1].strip() == "{"
    assert json.dumps(doc["database"]["entities"][1]["fields"][2]["columnName"]) in lines[bad[2] + 1]
    same_in_sarif(repo, found, "--no-verify")
    # Not JSON: the line the parser stopped at.
    path.write_text('{\n  "formatVersion": 1,\n  "database": \n')
    code, found = annotations(repo, "--no-verify")
    assert [(r, n) for _, _, n, r, _ in found if r == "schema-invalid"] == [("schema-invalid", 4)]
    same_in_sarif(repo, found, "--no-verify")


def test_identity_hash_at_its_key(repo):
    ready(repo)
    path = schemas(repo) / "2.json"
    stored = json.loads(path.read_text())["database"]["identityHash"]
    path.write_text(path.read_text().replace(stored, "0" * 32))
    code, found = annotations(repo, "--released", "1", "--no-verify")
    assert code == 1
    assert [(f, n, r) for _, f, n, r, _ in found] == [
        (f"{REL}/2.json", line_of(path, '"identityHash"'), "identity-hash")]
    same_in_sarif(repo, found, "--released", "1", "--no-verify")


def test_changed_released_schema_at_what_changed(repo):
    ready(repo)
    commit_all(repo, "release 2")
    path = write_schema(repo, with_table(1, base=1))
    code, found = annotations(repo, "--no-verify")
    (changed,) = [x for x in found if x[3] == "released-changed"]
    # The added table "notes": the line that opens its entity.
    lines = path.read_text().splitlines()
    assert changed[1] == f"{REL}/1.json"
    assert lines[changed[2] - 1].strip() == "{" and '"tableName": "notes"' in lines[changed[2]]
    assert "Room cannot verify the data integrity" in changed[4]
    same_in_sarif(repo, found, "--no-verify")
    # Deleted: the file is gone, so the annotation names it without a line.
    path.unlink()
    code, found = annotations(repo, "--no-verify")
    assert ("error", f"{REL}/1.json", None, "released-changed") in [x[:4] for x in found]
    same_in_sarif(repo, found, "--no-verify")


def test_failing_kotlin_migrations_at_their_migration_line(repo):
    write_schema(repo, with_table(3))
    ready(repo)
    kt = hand_write(repo, ("val MIGRATION_1_2 = object : Migration(1, 2)", [(1, 2)]),
                    ("object Migration2To3 : Migration(2, 3)", [(2, 3)]))
    written = kt.read_text()
    kt.write_text(written.replace("    override fun migrate(db: SupportSQLiteDatabase) {\n",
                                  "    override fun migrate(db: SupportSQLiteDatabase) {\n"
                                  '        db.execSQL("DROP TABLE no_such_table")\n'))
    code, found = annotations(repo)
    assert code == 1
    rel = f"app/migrations/{FQCN}/db/Migrations.kt"
    assert [(k, f, n, r) for k, f, n, r, _ in found] == [
        ("error", rel, line_of(kt, "Migration(1, 2)"), "migration-failed"),
        ("error", rel, line_of(kt, "Migration(2, 3)"), "migration-failed")]
    same_in_sarif(repo, found)
    # SQL known only when the app runs: a warning at the same lines, never a failure.
    kt.write_text(written.replace("    override fun migrate(db: SupportSQLiteDatabase) {\n",
                                  "    override fun migrate(db: SupportSQLiteDatabase) {\n"
                                  "        db.execSQL(loadSql())\n"))
    assert run_cli("docs", cwd=repo).returncode == 0
    code, found = annotations(repo)
    assert code == 0
    assert [(k, f, n, r) for k, f, n, r, _ in found] == [
        ("warning", rel, line_of(kt, "Migration(1, 2)"), "migration-unverifiable"),
        ("warning", rel, line_of(kt, "Migration(2, 3)"), "migration-unverifiable")]
    same_in_sarif(repo, found)


def test_failing_generated_kotlin_and_sql_migrations(repo):
    ready(repo)
    kt = migrations(repo) / "Migration_1_2.kt"
    kt.write_text("\n".join(ln for ln in kt.read_text().splitlines() if "`user_profiles`" not in ln))
    sql = migrations(repo) / "migration_1_2.sql"
    sql.write_text("\n".join(ln for ln in sql.read_text().splitlines() if "`edit_count`" not in ln))
    code, found = annotations(repo)
    assert code == 1
    # The generated Kotlin file's one Migration(1, 2), found by its versions; SQL has no such line.
    assert sorted((f, n, r) for _, f, n, r, _ in found) == [
        (f"app/migrations/{FQCN}/Migration_1_2.kt", line_of(kt, "Migration(1, 2)"), "migration-failed"),
        (f"app/migrations/{FQCN}/migration_1_2.sql", None, "migration-failed")]
    same_in_sarif(repo, found)


def test_non_additive_and_unused_allow_at_the_table_and_the_entry(repo):
    write_schema(repo, without_column(3, "user_profiles", "preferences"))
    config(repo, '[migrations."2-3"]\ndelete_columns = ["user_profiles.preferences"]\n')
    ready(repo)
    config(repo, '[migrations."1-2"]\nallow = ["drop-table:nothing"]\n\n'
                 '[migrations."2-3"]\ndelete_columns = ["user_profiles.preferences"]\n')
    code, found = annotations(repo, "--no-verify")
    assert code == 1
    new = schemas(repo) / "3.json"
    table = line_of(new, '"tableName": "user_profiles"')
    assert ("error", f"{REL}/3.json", line_of(new, '"fields"', table), "non-additive") in [x[:4] for x in found]
    assert ("warning", "roomschema.toml", 2, "allow-unused") in [x[:4] for x in found]
    same_in_sarif(repo, found, "--no-verify")


def test_empty_whys_are_warnings_at_their_markers_and_strict_makes_them_errors(repo):
    ready(repo, whys=False)
    doc = migrations(repo) / "MIGRATIONS.md"
    code, found = annotations(repo)
    assert code == 0
    assert [(k, n, r) for k, _, n, r, _ in found] == [
        ("warning", line_of(doc, "<!-- why:1 -->"), "why-empty"), ("warning", line_of(doc, "<!-- why:2 -->"), "why-empty")]
    same_in_sarif(repo, found)
    code, found = annotations(repo, "--strict")
    assert code == 1 and {k for k, *_ in found} == {"error"}
    code, log = sarif(repo, "--strict")
    assert {r["level"] for r in log["runs"][0]["results"]} == {"error"}
    # Markdown: the marker in the fix survives as text, not as an HTML comment.
    r = run_cli("check", "--format", "markdown", cwd=repo)
    assert r.returncode == 0 and r.stdout.startswith("### ✅ roomschema check passed: ")
    rows = [ln for ln in r.stdout.splitlines() if ln.startswith("| `why-empty`")]
    assert len(rows) == 2 and "&lt;!-- why:1 --&gt;" in rows[0] and "<!--" not in r.stdout
    assert f"`app/migrations/{FQCN}/MIGRATIONS.md:{line_of(doc, '<!-- why:1 -->')}`" in rows[0]


def test_paths_are_relative_to_the_repository_wherever_check_runs(repo):
    code, found = annotations(repo, "--schemas", f"schemas/{FQCN}", cwd=repo / "app")
    assert code == 1 and found[0][1] == f"{REL}/2.json"
    r = run_cli("check", "--format", "sarif", "--schemas", f"schemas/{FQCN}", cwd=repo / "app")
    log = json.loads(r.stdout)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == f"{REL}/2.json"


def test_bad_input_is_exit_2_in_every_format(repo):
    for fmt in ("github", "sarif", "markdown"):
        r = run_cli("check", "--format", fmt, "--released", "no-such-ref", cwd=repo)
        assert r.returncode == 2 and r.stdout == "" and "no-such-ref" in r.stderr, fmt


def test_text_and_json_are_unchanged_by_the_new_formats(repo):
    r = run_cli("check", cwd=repo)
    assert r.returncode == 1 and not r.stdout.startswith("::")
    assert r.stdout.splitlines()[0].startswith(f"{REL}/2.json: error [migration-missing] ")
    data = json.loads(run_cli("check", "--format", "json", cwd=repo).stdout)
    assert set(data["findings"][0]) == {"rule", "severity", "file", "versions", "message", "fix", "details"}


# ---- escaping and the rules' descriptions ---------------------------------------------------------------

def test_github_escapes_data_and_properties(tmp_path):
    f = Finding("why-empty", WARNING, "a,b:c.md", "50% done\r\nnext", "write: it, now")
    out = github([Checked("db", [f])], cwd=tmp_path)
    assert out.splitlines()[0] == ("::warning file=a%2Cb%3Ac.md,title=why-empty::"
                                   "50%25 done%0D%0Anext%0AFix: write: it, now")


def test_markdown_cells_keep_the_table_whole(tmp_path):
    f = Finding("allow-unused", WARNING, "x.toml", "a | b\nc <d> `e|f`", "")
    out = markdown([Checked("db", [f], (1, 2))], cwd=tmp_path)
    (row,) = [ln for ln in out.splitlines() if ln.startswith("| `allow-unused`")]
    assert row == "| `allow-unused` | warning | `x.toml` | a \\| b<br>c &lt;d&gt; `e\\|f` |"


def _rule_ids_in_source() -> set:
    ids = set()
    for path in (ROOT / "roomschema" / "check").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                ids.add(node.args[0].value)
    return ids


def test_every_rule_check_reports_is_described_for_sarif(repo):
    used = _rule_ids_in_source()
    assert "released-changed" in used and "migration-missing" in used
    assert used <= set(RULES), f"no RULES entry in roomschema/check/findings.py for {sorted(used - set(RULES))}"
    _, log = sarif(repo)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"] for r in rules)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "roomschema" and driver["version"] and driver["informationUri"].startswith("https://")


# ---- the composite action -------------------------------------------------------------------------------

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _value(expr: str, ctx: dict) -> str:
    if expr in ctx:
        return ctx[expr]
    raise AssertionError(f"action.yml uses an expression the test does not know: {expr}")


def _condition(cond: str, ctx: dict) -> bool:
    m = re.fullmatch(r"([\w.-]+) == '([^']*)'", cond.strip())
    assert m, f"action.yml uses a condition the test does not know: {cond}"
    return _value(m.group(1), ctx) == m.group(2)


def _fake_python(bin_dir: Path, log: Path) -> None:
    """``python`` that records ``-m pip install`` (the checkout is installed already) and runs the rest."""
    bin_dir.mkdir()
    shim = bin_dir / "python"
    shim.write_text(f'#!/bin/bash\nif [ "$1 $2 $3" = "-m pip install" ]; then\n  printf "%s\\n" "$@" > "{log}"\n'
                    f'  exit 0\nfi\nexec "{sys.executable}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)


def run_action(repo: Path, tmp: Path, inputs: dict) -> dict:
    """Every step as a runner runs it: ``run:`` steps with bash (``uses:`` steps recorded), the
    expressions substituted. Returns what the steps left: exit codes, outputs, the summary, stdout."""
    tmp.mkdir()
    bin_dir, pip_log = tmp / "bin", tmp / "pip-args"
    _fake_python(bin_dir, pip_log)
    summary = tmp / "summary.md"
    summary.touch()
    ctx = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    ctx.update({f"inputs.{k}": v for k, v in inputs.items()})
    ctx.update({"github.action_path": str(ROOT), "runner.temp": str(tmp)})
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    done: dict = {"uses": [], "codes": {}, "stdout": {}, "pip": None}
    for n, step in enumerate(ACTION["runs"]["steps"]):
        if "if" in step and not _condition(step["if"], ctx):
            continue
        if "uses" in step:
            done["uses"].append(step["uses"])
            continue
        assert step["shell"] == "bash"
        output = tmp / f"output-{n}"
        output.touch()
        script = EXPR.sub(lambda m: _value(m.group(1), ctx), step["run"])
        cwd = repo / EXPR.sub(lambda m: _value(m.group(1), ctx), step.get("working-directory", "."))
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                           env={**env, "GITHUB_OUTPUT": str(output)}, capture_output=True, text=True, timeout=600)
        name = step.get("id") or step["name"]
        done["codes"][name], done["stdout"][name] = r.returncode, r.stdout
        for line in output.read_text().splitlines():
            key, _, value = line.partition("=")
            ctx[f"steps.{step.get('id')}.outputs.{key}"] = value
        if r.returncode:
            break  # as a runner stops at a failing step
    done["summary"] = summary.read_text()
    done["pip"] = pip_log.read_text().splitlines() if pip_log.exists() else None
    done["ctx"] = ctx
    return done


def test_action_declares_its_inputs_and_steps():
    assert set(ACTION["inputs"]) >= {"args", "python-version", "upload-sarif"}
    assert ACTION["runs"]["using"] == "composite"
    uses = [s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    (setup,) = [s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/setup-python")]
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"


def test_action_on_findings_annotates_summarises_uploads_and_fails(repo, tmp_path):
    done = run_action(repo, tmp_path / "runner", {"upload-sarif": "true"})
    # The install step installs this checkout, the action's own ref, which is a package with the command.
    assert done["pip"][:3] == ["-m", "pip", "install"] and done["pip"][-1] == str(ROOT)
    assert 'roomschema = "roomschema.cli.main:main"' in (ROOT / "pyproject.toml").read_text()
    assert done["uses"] == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    assert done["codes"] == {"Install roomschema": 0, "check": 0, "sarif": 0, "Verdict": 1}
    assert done["ctx"]["steps.check.outputs.exit-code"] == "1"
    assert done["stdout"]["check"].startswith(f"::error file={REL}/2.json,title=migration-missing::")
    assert done["summary"].startswith("### ❌ roomschema check failed: ") and "| `migration-missing` |" in done["summary"]
    sarif_file = Path(done["ctx"]["steps.sarif.outputs.sarif-file"])
    log = json.loads(sarif_file.read_text())
    assert not list(SARIF_VALIDATOR.iter_errors(log))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["migration-missing", "docs-missing"]


def test_action_clean_passes_with_args_and_without_sarif(repo, tmp_path):
    ready(repo)
    commit_all(repo, "ready")
    done = run_action(repo, tmp_path / "runner", {"args": "--released HEAD --strict"})
    assert done["uses"] == ["actions/setup-python@v5"]
    assert done["codes"] == {"Install roomschema": 0, "check": 0, "Verdict": 0}
    assert "::" not in done["stdout"]["check"]
    assert done["summary"].startswith("### ✅ roomschema check passed: ")


def test_action_bad_input_fails_with_exit_2(repo, tmp_path):
    (repo / "app" / "sub").mkdir()
    done = run_action(repo, tmp_path / "runner", {"args": "--released no-such-ref", "upload-sarif": "true",
                                                  "working-directory": "app/sub"})
    assert done["ctx"]["steps.check.outputs.exit-code"] == "2" and done["summary"] == ""
    assert done["codes"]["sarif"] == 2 and "Verdict" not in done["codes"]


def test_the_readme_and_the_example_workflow_use_the_action_with_its_inputs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    workflows = [yaml.safe_load(b) for b in blocks if "roomschema/roomschema@" in b]
    workflows.append(yaml.safe_load((ROOT / "examples" / "github-actions" / "roomschema.yml").read_text()))
    assert len(workflows) == 2
    for wf in workflows:
        (step,) = [s for job in wf["jobs"].values() for s in job["steps"]
                   if s.get("uses", "").startswith("roomschema/roomschema@")]
        assert set(step["with"]) <= set(ACTION["inputs"]), step["with"]
        assert "args" in step["with"] and "upload-sarif" in step["with"]
