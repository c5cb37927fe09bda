"""The release number, in a module of its own: every module that needs it imports this leaf,
never the package's API façade (which imports the stages, so that would be a cycle)."""
__version__ = "0.1.0"
