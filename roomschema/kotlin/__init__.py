"""Find Room migrations in hand-written Kotlin and extract the SQL they run.

``roomschema verify --kotlin FILE`` replays that SQL against the exported schemas, so this
package must give back exactly the string Kotlin would pass to ``execSQL`` at run time, or say
plainly that it cannot. It does not compile Kotlin: it lexes it (strings, templates, comments,
brackets) and recognises a handful of shapes.

Recognised migrations (``Migration`` may be written ``androidx.room.migration.Migration``)::

    val MIGRATION_1_2 = object : Migration(1, 2) { override fun migrate(db: ...) { ... } }
    object Migration1To2 : Migration(1, 2) { ... }
    class M : Migration(startVersion = 1, endVersion = 2) { ... }
    val MIGRATION_1_2 = Migration(1, 2) { db -> ... }          # Room's factory function

Versions may be integer literals or names of integer ``val``/``const val`` in the same file.

Inside a migration body, in source order:

* ``x.execSQL(<sql>)`` (any receiver, ``?.``, or bare ``execSQL(..)`` inside ``with(db)``);
* ``foreignKeyCheck(db, "t")`` (roomschema's generated helper, and Room's own
  ``DBUtil.foreignKeyCheck``) as ``PRAGMA foreign_key_check(`t`)``.

``<sql>`` is verifiable when it is a compile-time constant built from string literals
(regular or raw), ``+``, parentheses, ``${'$'}``-style constant templates and
``.trimIndent()`` / ``.trimMargin()`` / ``.trim()``. Everything else is reported with
``sql=None``, the 1-based line and a reason, never guessed. So is anything that makes
"what runs" depend on run-time state: a call inside ``if``/``when``/a loop/a ``catch``/a
lambda that may run any number of times, a call after an early ``return``, a try block
whose errors are caught, writes that bypass ``execSQL`` (``insert``, ``update``, ``delete``,
``compileStatement``, a non-query ``prepare``), and the database object handed to another
function (the extractor does not follow calls).

Modules, each importing only from those listed before it:

* ``results``: ExtractedMigration, ExtractedStatement, KotlinExtractError;
* ``strings``: Kotlin's trimIndent/trimMargin/trim and writing a string literal;
* ``lexer``: source text to tokens, string literals with their escapes and templates;
* ``tokens``: bracket pairs and call arguments in a token list, and a lexed file;
* ``evaluate``: an argument expression as a constant String;
* ``control``: whether a call runs exactly once, in order;
* ``statements``: the execSQL and other database calls of a migration body;
* ``migrations``: the ``Migration(a, b)`` sites of a file.
"""
from __future__ import annotations

from roomschema.kotlin.migrations import extract_migrations
from roomschema.kotlin.results import ExtractedMigration, ExtractedStatement, KotlinExtractError, unverifiable_messages
from roomschema.kotlin.strings import kotlin_string_literal, trim_indent, trim_margin

__all__ = [
    "ExtractedMigration",
    "ExtractedStatement",
    "KotlinExtractError",
    "extract_migrations",
    "unverifiable_messages",
    "kotlin_string_literal",
    "trim_indent",
    "trim_margin",
]
