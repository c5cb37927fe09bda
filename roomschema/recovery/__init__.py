"""Recovery on real database files: backup, restore, and a safe migrate.

* ``backup.write_backup`` / ``reader.Backup``: every row as typed JSON cells
  (``cells.py``), streamed, with a per-table sha256.
* ``restore.restore``: a new file at the backup's version, built from the
  schema in Room's create order, checked by Room's rules.
* ``migrate.migrate``: the whole migration path in one exclusive
  transaction, after a backup, verified before commit; on any failure the
  file is left byte-identical (the module docstring says how).
"""
from roomschema.recovery.sqlite_io import DatabaseBusy, RecoveryFailed  # noqa: F401
