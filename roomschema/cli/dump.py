"""dump: recover the ``N.json`` Room would have exported from a database file it created.

Exit status: 0 written; 2 bad input (a missing file, not SQLite, a database
Room did not create, an output that exists or cannot be written), one line
on stderr and nothing written.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from roomschema.cli.common import EXIT_OK, echo
from roomschema.errors import RoomSchemaError
from roomschema.files import shown, write_atomic
from roomschema.recovery.dump import dump as read_dump
from roomschema.schema.model import ROOM_2_6, ROOM_2_7
from roomschema.schema.writer import dumps

# The serializer layout of each Room release the output can take (docs/room-format.md#serialization-eras).
ROOM_STYLES = ("2.6", "2.7")


@click.command()
@click.argument("db_file", metavar="DB")
@click.option("-o", "--output", metavar="FILE|-", default="-", show_default=True,
              help="Where to write the export; - is standard output.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--room", "room", type=click.Choice(ROOM_STYLES), default="2.6", show_default=True,
              help="Write the layout of this Room release's exporter (2.7: kotlinx, which leaves out "
                   "empty lists and notNull=false).")
def dump(db_file, output, force, room):
    """Write the schema export (N.json) Room would have written for the database file DB.

    DB is a database Room created: a copy from a device, a test database, what
    `verify --keep` leaves. It is opened read-only and left byte for byte as it
    was. The version comes from PRAGMA user_version and the identity hash from
    room_master_table. A database does not store fieldPath (the Kotlin
    property): the column name stands in for it, and stderr says so with
    anything else the file could not tell.
    """

    out = None if output == "-" else Path(output)
    if out is not None:
        if out.is_dir():
            raise RoomSchemaError("is a directory", file=out, path="--output")
        if out.exists() and not force:
            raise RoomSchemaError("exists; pass --force to overwrite", file=out, path="--output")
        if not out.parent.is_dir():
            raise RoomSchemaError("no such directory", file=out.parent, path="--output")
    result = read_dump(Path(db_file), style=ROOM_2_7 if room == "2.7" else ROOM_2_6)
    text = dumps(result.schema)
    if out is None:
        # Room's files end without a newline; a terminal still gets one so the prompt starts on its own line.
        click.echo(text, nl=sys.stdout.isatty())
    else:
        try:
            write_atomic(out, text)
        except OSError as err:
            raise RoomSchemaError(err.strerror or str(err), file=out, path="--output") from None
    for note in result.notes:
        echo(f"roomschema: note: {note}", err=True)
    if out is not None:
        echo(f"wrote {shown(out)}: version {result.schema.version}, identity hash "
             f"{result.schema.database.identity_hash}")
    return EXIT_OK
