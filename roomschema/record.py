"""Frozen value classes for the model and the modules ``diff`` needs, without
the dataclasses module.

``roomschema diff`` runs in pre-commit hooks, and its start-up is measured
against the interpreter's own (issue #6, BENCHMARKS.md). Importing dataclasses
pulls in inspect, ast, dis and tokenize, and building the model's classes with
it runs several ``exec`` calls per class: together 13 ms of a 53 ms command,
more than diff's work. This does the part of dataclasses those modules use and
nothing else:

* fields are the class's annotations in order, a subclass's after its base's;
* a default is a plain value or ``field(default_factory=...)``;
* ``field(compare=False)`` leaves a field out of ``==`` and ``hash``,
  ``field(repr=False)`` out of ``repr``;
* ``__init__`` takes the fields positionally and by keyword, or by keyword
  only (``kw_only=True``); instances are frozen and hashable;
* ``replace(obj, **changes)`` is ``dataclasses.replace``.

``__init__`` is compiled once per class from source, as dataclasses does, so
creating an instance costs what a dataclass's does.
"""
from __future__ import annotations

from operator import attrgetter

__all__ = ["record", "field", "replace", "fields", "FrozenRecordError"]

_MISSING = object()


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record (dataclasses' FrozenInstanceError)."""


class _Spec:
    __slots__ = ("default", "factory", "compare", "repr")

    def __init__(self, default=_MISSING, factory=None, compare=True, repr=True):
        self.default, self.factory, self.compare, self.repr = default, factory, compare, repr


def field(*, default=_MISSING, default_factory=None, compare: bool = True, repr: bool = True):
    """A field's default and whether it takes part in ``==``/``hash`` and ``repr``."""
    if default is not _MISSING and default_factory is not None:
        raise ValueError("a field takes a default or a default_factory, not both")
    return _Spec(default, default_factory, compare, repr)


def fields(obj) -> tuple:
    """The field names of a record class or instance, in order."""
    return tuple(obj.__record_fields__)


def replace(obj, /, **changes):
    """A copy of ``obj`` with ``changes`` applied (through ``__init__``, like dataclasses.replace)."""
    for name in obj.__record_fields__:
        if name not in changes:
            changes[name] = getattr(obj, name)
    return obj.__class__(**changes)


def _frozen_setattr(self, name, value):
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise FrozenRecordError(f"cannot delete field {name!r}")


def _compile(source: str, namespace: dict) -> None:
    exec(source, namespace)  # noqa: S102 - names come from class annotations, never from data


def record(cls=None, /, *, kw_only: bool = False):
    """Make ``cls`` a frozen value class (``@record`` or ``@record(kw_only=True)``)."""

    def wrap(cls):
        specs: dict = {}
        for base in reversed(cls.__mro__[1:]):
            specs.update(getattr(base, "__record_fields__", {}))
        for name in cls.__dict__.get("__annotations__", {}):
            value = cls.__dict__.get(name, _MISSING)
            spec = value if isinstance(value, _Spec) else _Spec(default=value)
            if isinstance(value, _Spec):
                if spec.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, spec.default)
            specs[name] = spec
        cls.__record_fields__ = specs
        _add_methods(cls, specs, kw_only)
        return cls

    return wrap if cls is None else wrap(cls)


def _add_methods(cls, specs: dict, kw_only: bool) -> None:
    ns = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = [], []
    for name, spec in specs.items():
        if spec.factory is not None:
            ns[f"_f_{name}"] = spec.factory
            params.append(f"{name}=_MISSING")
            body.append(f"  _set(self, {name!r}, _f_{name}() if {name} is _MISSING else {name})")
            continue
        if spec.default is _MISSING:
            params.append(name)
        else:
            ns[f"_d_{name}"] = spec.default
            params.append(f"{name}=_d_{name}")
        body.append(f"  _set(self, {name!r}, {name})")
    star = "*, " if kw_only and params else ""
    # Compiling is most of what defining a record costs (about 40 us a function),
    # so only __init__ is compiled; equality reads the fields with one C call.
    # object.__setattr__, not self.__dict__[...]: touching __dict__ gives the
    # instance a real dict, and every later field read takes the slow path
    # (diff of 500 tables: 16 ms against 10 ms).
    _compile(f"def __init__(self, {star}{', '.join(params)}):\n"
             + "\n".join(body or ["  pass"]), ns)
    ns["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = ns["__init__"]

    values = attrgetter(*compared) if (compared := [n for n, s in specs.items() if s.compare]) else lambda _: ()

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self):
        return hash(values(self))

    cls.__eq__, cls.__hash__ = __eq__, __hash__

    shown = [n for n, s in specs.items() if s.repr]

    def __repr__(self):
        return f"{self.__class__.__qualname__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in shown) + ")"

    cls.__repr__ = __repr__
    cls.__setattr__ = _frozen_setattr
    cls.__delattr__ = _frozen_delattr
