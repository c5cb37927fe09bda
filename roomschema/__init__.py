"""roomschema: read, diff, generate and verify Android Room schema exports.

The library API mirrors the command line::

    import roomschema
    old = roomschema.load("app/schemas/com.example.AppDatabase/1.json")
    new = roomschema.load("app/schemas/com.example.AppDatabase/2.json")
    changes = roomschema.diff(old, new)
"""
__version__ = "0.1.0"

from .errors import DecisionRequired, RoomSchemaError, SchemaFileError  # noqa: E402

# name -> the module it comes from, loaded on first use, so `roomschema
# --version` or `--help` does not load the model and the loader.
_LAZY = {"load": "loader", "loads": "loader", "parse": "loader", "dumps": "writer",
         "identity_hash": "identity", "legacy_identity_hash": "identity", "diff": "diff", "plan": "plan",
         **{name: "model" for name in ("Database", "Entity", "Field", "FtsEntity", "FtsOptions", "ForeignKey",
                                       "Index", "PrimaryKey", "Schema", "View")}}


def load_dir(path):
    """Every ``N.json`` of one database folder, keyed by version."""
    from .discovery import load_history
    return load_history(path)


def __getattr__(name):
    # Parts a command may not need load on first use, so the CLI starts fast.
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)


__all__ = ["load", "loads", "parse", "dumps", "load_dir", "identity_hash", "legacy_identity_hash",
           "Schema", "Database", "Entity", "FtsEntity", "Field", "PrimaryKey", "Index", "ForeignKey",
           "FtsOptions", "View", "RoomSchemaError", "SchemaFileError", "DecisionRequired"]
