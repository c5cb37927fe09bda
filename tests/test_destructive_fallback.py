"""check's destructive-fallback rule: ``fallbackToDestructiveMigration*()`` in the database builder code.

Real Kotlin and Java sources in a throwaway Gradle-shaped project (``app/build.gradle.kts``,
``app/schemas/<fqcn>/``, ``app/src/<set>/...``), checked for real by ``roomschema check``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import commit_all, make_repo, ready, run_cli
from roomschema.check.findings import RULES
from roomschema.check.rules import builder_sources, fallback_calls

SRC = "app/src/main/java/com/augmentalis/ava/core/data"
ANNOTATION = re.compile(r"^::(error|warning) file=([^,]*)(?:,line=(\d+))?,title=([^:]*)::(.*)$")

KOTLIN = '''package com.augmentalis.ava.core.data

import android.content.Context
import androidx.room.Room

// Not a call: .fallbackToDestructiveMigration() in a comment
/* nor in a block comment: fallbackToDestructiveMigration() */
object DatabaseModule {
    private const val HINT = "fallbackToDestructiveMigration() is not used here"

    fun create(context: Context): AVADatabase =
        Room.databaseBuilder(context, AVADatabase::class.java, "ava.db")
            .addMigrations(*ALL_MIGRATIONS)
            .fallbackToDestructiveMigration(dropAllTables = true)
            .build()

    fun cache(context: Context) = Room.databaseBuilder<CacheDatabase>(context, "cache.db")
        .fallbackToDestructiveMigration()
        .build()

    fun forTests(context: Context) = Room.inMemoryDatabaseBuilder(context, AVADatabase::class.java)
        .fallbackToDestructiveMigration()
        .build()
}

fun RoomDatabase.Builder<AVADatabase>.wipeOnDowngrade() = fallbackToDestructiveMigrationOnDowngrade()
'''

JAVA = '''package com.augmentalis.ava.core.data;

import android.content.Context;
import androidx.room.Room;

final class Databases {
    // .fallbackToDestructiveMigration() would be worse
    static final char NUL = 'x';
    static final String NOTE = "fallbackToDestructiveMigrationFrom(1, 2)";

    static AVADatabase open(Context context) {
        return Room.databaseBuilder(context, AVADatabase.class, "ava.db")
                .fallbackToDestructiveMigrationFrom(1, 2)
                .build();
    }
}
'''


def line_of(text: str, needle: str) -> int:
    return next(n for n, ln in enumerate(text.splitlines(), 1) if needle in ln)


@pytest.fixture
def project(tmp_path):
    """The AVA exports in a Gradle module ``app`` that builds its database with a destructive fallback."""
    repo = make_repo(tmp_path / "android", commit=False)
    (repo / "settings.gradle.kts").write_text('include(":app")\n')
    (repo / "app" / "build.gradle.kts").write_text('plugins { id("com.android.application") }\n')
    src = repo / SRC
    src.mkdir(parents=True)
    (src / "DatabaseModule.kt").write_text(KOTLIN)
    (src / "Databases.java").write_text(JAVA)
    ready(repo)
    commit_all(repo, "app")
    return repo


def findings(repo: Path, *args) -> tuple:
    r = run_cli("check", "--format", "json", *args, cwd=repo)
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(r.stdout)
    return r.returncode, [f for f in data["findings"] if f["rule"] == "destructive-fallback"], data


def test_each_call_in_the_builder_code_is_a_warning_at_its_line(project):
    code, found, data = findings(project)
    # Only warnings: the check passes, as an unused allow entry would let it.
    assert code == 0, data["findings"]
    assert [f["severity"] for f in found] == ["warning"] * 3
    kt_line = line_of(KOTLIN, ".fallbackToDestructiveMigration(dropAllTables")
    downgrade = line_of(KOTLIN, "= fallbackToDestructiveMigrationOnDowngrade()")
    java_line = line_of(JAVA, ".fallbackToDestructiveMigrationFrom(1, 2)")
    assert [(f["file"], f["message"].split(": ")[0]) for f in found] == [
        (f"{SRC}/DatabaseModule.kt", f"DatabaseModule.kt:{kt_line}"),
        (f"{SRC}/DatabaseModule.kt", f"DatabaseModule.kt:{downgrade}"),
        (f"{SRC}/Databases.java", f"Databases.java:{java_line}"),
    ]
    assert "fallbackToDestructiveMigration(dropAllTables = true) makes Room delete every table" in found[0]["message"]
    assert "fallbackToDestructiveMigrationOnDowngrade() makes Room delete every table on a downgrade" \
        in found[1]["message"]
    assert "fallbackToDestructiveMigrationFrom(1, 2) makes Room delete every table when upgrading" \
        in found[2]["message"]
    assert all("remove it and give Room every migration" in f["fix"] for f in found)


def test_strict_makes_it_an_error(project):
    code, found, _ = findings(project, "--strict")
    assert code == 1 and [f["severity"] for f in found] == ["error"] * 3


def test_ci_formats_put_it_on_its_line(project):
    r = run_cli("check", "--format", "github", cwd=project)
    notes = [ANNOTATION.match(ln).groups() for ln in r.stdout.splitlines() if ln.startswith("::")]
    got = [(kind, file, int(line)) for kind, file, line, rule, _ in notes if rule == "destructive-fallback"]
    assert got == [("warning", f"{SRC}/DatabaseModule.kt", line_of(KOTLIN, "dropAllTables")),
                   ("warning", f"{SRC}/DatabaseModule.kt", line_of(KOTLIN, "OnDowngrade()")),
                   ("warning", f"{SRC}/Databases.java", line_of(JAVA, ".fallbackToDestructiveMigrationFrom"))]
    log = json.loads(run_cli("check", "--format", "sarif", cwd=project).stdout)
    run = log["runs"][0]
    rule = next(x for x in run["tool"]["driver"]["rules"] if x["id"] == "destructive-fallback")
    assert rule["fullDescription"]["text"] == RULES["destructive-fallback"].full
    java = next(x for x in run["results"] if x["ruleId"] == "destructive-fallback"
                and x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".java"))
    assert java["level"] == "warning"
    assert java["locations"][0]["physicalLocation"]["region"] == {"startLine": line_of(JAVA, ".fallbackToDestructiveMigrationFrom(")}


def test_test_source_sets_and_other_modules_are_not_builder_code(project):
    for source_set in ("test", "androidTest", "commonTest", "androidUnitTest"):
        folder = project / "app" / "src" / source_set / "kotlin"
        folder.mkdir(parents=True)
        (folder / "T.kt").write_text("val db = Room.databaseBuilder(c, AVADatabase::class.java, \"t\")"
                                     ".fallbackToDestructiveMigration().build()\n")
    lib = project / "lib"
    (lib / "src" / "main" / "kotlin").mkdir(parents=True)
    (lib / "build.gradle.kts").write_text("")
    (lib / "src" / "main" / "kotlin" / "L.kt").write_text("fun f(b: Builder) = b.fallbackToDestructiveMigration()\n")
    build = project / "app" / "build" / "generated" / "G.kt"
    build.parent.mkdir(parents=True)
    build.write_text("fun f(b: Builder) = b.fallbackToDestructiveMigration()\n")
    _, found, _ = findings(project)
    assert len(found) == 3 and {f["file"].rsplit("/", 1)[-1] for f in found} == {"DatabaseModule.kt", "Databases.java"}
    assert [p.name for p in builder_sources(project / "app")] == ["DatabaseModule.kt", "Databases.java"]


def test_java_the_kotlin_lexer_refuses_is_still_read(project):
    """An octal escape ('\\0') is Java, not Kotlin: the plain scan still finds the call and its line."""
    path = project / SRC / "Databases.java"
    text = JAVA.replace("'x'", "'\\0'")
    path.write_text(text)
    _, found, _ = findings(project)
    java = [f for f in found if f["file"].endswith(".java")]
    assert [f["message"].split(": ")[0] for f in java] == [f"Databases.java:{line_of(text, '.fallbackToDestructiveMigrationFrom(')}"]


def test_no_call_no_finding_and_no_module_no_scan(tmp_path):
    repo = make_repo(tmp_path / "clean", commit=False)
    (repo / "app" / "build.gradle.kts").write_text("")
    src = repo / SRC
    src.mkdir(parents=True)
    (src / "DatabaseModule.kt").write_text(KOTLIN.replace(".fallbackToDestructiveMigration(dropAllTables = true)\n", "")
                                           .replace("= fallbackToDestructiveMigrationOnDowngrade()", "= this"))
    commit_all(repo, "clean")
    _, found, _ = findings(repo, "--no-verify")
    assert found == []
    # Without a build file around the schemas there is no module to read.
    (repo / "app" / "build.gradle.kts").unlink()
    (src / "DatabaseModule.kt").write_text(KOTLIN)
    _, found, _ = findings(repo, "--no-verify")
    assert found == []


def test_the_calls_a_file_makes():
    calls = fallback_calls(KOTLIN, "DatabaseModule.kt")
    assert [(c[1], c[2], c[3]) for c in calls] == [
        ("fallbackToDestructiveMigration(dropAllTables = true)", "databaseBuilder", "AVADatabase"),
        ("fallbackToDestructiveMigration()", "databaseBuilder", "CacheDatabase"),
        ("fallbackToDestructiveMigration()", "inMemoryDatabaseBuilder", "AVADatabase"),
        ("fallbackToDestructiveMigrationOnDowngrade()", None, None),
    ]
    java = fallback_calls(JAVA, "Databases.java")
    assert [(c[1], c[2], c[3]) for c in java] == [("fallbackToDestructiveMigrationFrom(1, 2)", "databaseBuilder",
                                                   "AVADatabase")]
    # Declarations and references are no calls.
    assert fallback_calls("public Builder<T> fallbackToDestructiveMigration() { return this; }\n"
                          "fun fallbackToDestructiveMigration(x: Int) = x\nval f = Builder::fallbackToDestructiveMigration\n",
                          "Decl.kt") == []
