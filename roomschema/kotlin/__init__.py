"""Find Room migrations in hand-written Kotlin and replay what they run on the database.

``roomschema verify --kotlin FILE`` replays that SQL against the exported schemas, so this
package must give back exactly the string Kotlin would pass to ``execSQL`` at run time, or say
plainly that it cannot. It does not compile Kotlin: it lexes and parses it, and replays the
``migrate`` body with the values known before the app runs (see ``replay``).

Recognised migrations (``Migration`` may be written ``androidx.room.migration.Migration``)::

    val MIGRATION_1_2 = object : Migration(1, 2) { override fun migrate(db: ...) { ... } }
    object Migration1To2 : Migration(1, 2) { ... }
    class M @Inject constructor(...) : Migration(startVersion = 1, endVersion = 2) { ... }
    val MIGRATION_1_2 = Migration(1, 2) { db -> ... }          # Room's factory function
    val MIGRATION_45_46 = addMigration(45, 46) { db -> ... }    # a factory of the app's own
    class M12 : SqlMigration(1, 2, "...")                       # a base class taking versions

Versions may be literals or constants (of the file or of its source tree); a function or
class that builds a Migration from its parameters is resolved at each call. A Migration
whose versions cannot be told is listed in ``MigrationFile.unreadable`` with its line and why.

Inside ``migrate``: ``execSQL`` (on the database, ``with(db)``, ``db.run``/``apply``/``let``,
a receiver lambda), Room's and roomschema's ``foreignKeyCheck``, local functions and
lambdas, helpers of the source tree, loops over literal lists and ranges, string templates,
``+``, ``trimIndent``/``trimMargin``/``trim`` and ``joinToString``. A branch on the schema of
the database being migrated (``PRAGMA table_info``, ``sqlite_master``, ``SELECT * ... LIMIT
0`` read by a helper) becomes a guarded statement the runner decides on the live database.
What depends on the app at run time (rows read through a cursor, a branch on them, the
database handed to code that is not in the tree, writes outside ``execSQL``) is reported with
``sql=None``, the 1-based line and the reason, never guessed.

Modules, each importing only from those listed before it:

* ``results``: ExtractedMigration, ExtractedStatement, Guard, UnreadableMigration, KotlinExtractError;
* ``strings``: Kotlin's trimIndent/trimMargin/trim and writing a string literal;
* ``lexer``: source text to tokens, string literals with their escapes and templates;
* ``tokens``: bracket pairs and call arguments in a token list, and a lexed file;
* ``syntax``: tokens to a syntax tree of the Kotlin subset migrations use;
* ``java``: Java source to the same tree (``new Migration(1, 2) { ... }``, ``super(1, 2)``), so
  the replay judges Java migrations by the same rules;
* ``values``: what the replay computes with, and scopes;
* ``tree``: the other files of the source tree, read on demand;
* ``replay``: running a migration's code statically;
* ``migrations``: the ``Migration(a, b)`` sites of a file.
"""
from __future__ import annotations

from roomschema.kotlin.migrations import MigrationFile, extract_migrations, read_migrations
from roomschema.kotlin.results import (ExtractedMigration, ExtractedStatement, Guard, GuardError, KotlinExtractError,
                                       UnreadableMigration, flat_statements, unverifiable, unverifiable_messages)
from roomschema.kotlin.strings import kotlin_string_literal, trim_indent, trim_margin

__all__ = [
    "ExtractedMigration",
    "ExtractedStatement",
    "Guard",
    "GuardError",
    "KotlinExtractError",
    "MigrationFile",
    "UnreadableMigration",
    "extract_migrations",
    "flat_statements",
    "read_migrations",
    "unverifiable",
    "unverifiable_messages",
    "kotlin_string_literal",
    "trim_indent",
    "trim_margin",
]
