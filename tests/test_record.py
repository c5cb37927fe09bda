"""roomschema.record: the dataclasses stand-in every model object is built on."""
from __future__ import annotations

import copy
import pickle

import pytest
from conftest import AVA

from roomschema.declarations import Declarations
from roomschema.loader import load
from roomschema.model import Entity, Field, FtsEntity, FtsOptions, PrimaryKey, Schema
from roomschema.record import FrozenRecordError, field, fields, record, replace
from roomschema.steps import Step


@record
class Point:
    x: int
    y: str = "x"
    note: str = field(default="", compare=False, repr=False)


@record
class Point3(Point):
    z: int = 0
    not_a_field = "class attribute"


@record
class Point4(Point3):
    w: int = 0


@record(kw_only=True)
class Opts:
    a: int
    b: tuple = field(default_factory=tuple)


@record
class Blind:
    """No compared fields at all."""
    a: int = field(default=1, compare=False)
    b: str = field(default="", compare=False)


def test_fields_in_annotation_order_subclass_after_base():
    """Field order drives positional __init__, repr and equality."""
    assert fields(Point3) == ("x", "y", "note", "z")
    assert fields(Point3(1)) == fields(Point3) and fields(Point(1)) == ("x", "y", "note")
    assert fields(Opts) == ("a", "b")
    assert fields(Entity) == ("table_name", "create_sql", "fields", "primary_key", "indices",
                              "foreign_keys", "keys", "extra")
    assert fields(FtsEntity) == fields(Entity) + ("fts_version", "fts_options", "content_sync_triggers")
    assert fields(Point4) == ("x", "y", "note", "z", "w")  # whole MRO, not just the parent


def test_unannotated_class_attributes_are_not_fields():
    """is_fts is a class constant; making it a field would put it in ==, repr and __init__."""
    assert "is_fts" not in fields(Entity) and "not_a_field" not in fields(Point3)
    assert Entity(table_name="t", create_sql="").is_fts is False
    assert FtsEntity(table_name="t", create_sql="").is_fts is True
    with pytest.raises(TypeError):
        Entity(table_name="t", create_sql="", is_fts=True)


def test_defaults_and_fresh_factory_values():
    """Plain defaults apply; default_factory must never share one mutable object."""
    p = Point(1)
    assert (p.x, p.y, p.note) == (1, "x", "")
    a, b = Declarations(), Declarations()
    assert a.rename_tables == {} and a.rename_tables is not b.rename_tables
    assert a.fills is not b.fills
    assert Entity(table_name="t", create_sql="").primary_key == PrimaryKey()
    assert Opts(a=1).b == () and Opts(a=1, b=(2,)).b == (2,)


def test_default_and_factory_together_is_an_error():
    with pytest.raises(ValueError):
        field(default=1, default_factory=list)


def test_missing_required_field_raises_type_error():
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Field(column_name="c")  # field_path missing


def test_kw_only_rejects_positional_others_accept_both():
    """Model classes are kw_only so a reordered field can never bind silently."""
    with pytest.raises(TypeError):
        Opts(1)
    with pytest.raises(TypeError):
        Field("p", "c")
    s = Step("SELECT 1", "sql")
    assert (s.sql, s.kind, s.table) == ("SELECT 1", "sql", None)
    assert s == Step(sql="SELECT 1", kind="sql") == Step("SELECT 1")
    assert Point3(1, "a", "n", 3) == Point3(x=1, y="a", z=3)


def test_compare_false_fields_ignored_by_eq_and_hash():
    """keys/extra/path/style/trailer are layout, not meaning: schemas compare by meaning."""
    f1 = Field(field_path="p", column_name="c", keys=("a",), extra=(("x", 1),))
    f2 = Field(field_path="p", column_name="c")
    assert f1 == f2 and hash(f1) == hash(f2)
    assert f1 != replace(f2, not_null=True)
    s = load(AVA / "1.json")
    other = replace(s, path="elsewhere.json", style=None, trailer="\n", keys=None)
    assert other == s and hash(other) == hash(s)
    assert Point(1, note="a") == Point(1, note="b")
    assert Point(1) != Point(2) and Point(1, "a") != Point(1, "b")


def test_fts_options_extra_is_compared():
    """FTS5's extra keys change the table, so they must make a difference."""
    assert FtsOptions(extra=(("detail", "full"),)) != FtsOptions()
    assert FtsOptions(keys=("tokenizer",)) == FtsOptions()


def test_different_classes_never_equal():
    """A plain table and an FTS table are different things even with equal shared fields."""
    e = Entity(table_name="t", create_sql="CREATE")
    fts = FtsEntity(table_name="t", create_sql="CREATE")
    assert e != fts and fts != e
    assert Point(1) != Point3(1)


def test_comparison_with_non_record_is_not_implemented():
    p = Point(1)
    assert p.__eq__(1) is NotImplemented and p.__eq__((1, "x")) is NotImplemented
    assert (p == 1) is False and (p != 1) is True


def test_record_without_compared_fields():
    """All-compare=False records are all equal and hash alike (empty compared tuple)."""
    assert Blind() == Blind(2, "z") and hash(Blind()) == hash(Blind(2, "z"))
    assert Blind() != Point(1)


def test_usable_as_dict_keys_and_in_sets():
    """Planning dedups model objects in sets and dicts; equal ones must collapse."""
    f = Field(field_path="p", column_name="c")
    g = Field(field_path="p", column_name="c", keys=("columnName",))
    assert len({f, g, Field(field_path="p", column_name="d")}) == 2
    assert {f: 1}[g] == 1
    assert len({Step("a"), Step("a"), Step("b")}) == 2


def test_frozen_assign_and_delete():
    """Shared model objects must not be mutated behind another holder's back."""
    f = Field(field_path="p", column_name="c")
    assert issubclass(FrozenRecordError, AttributeError)
    with pytest.raises(FrozenRecordError):
        f.column_name = "d"
    with pytest.raises(FrozenRecordError):
        del f.column_name
    with pytest.raises(AttributeError):
        f.new_attr = 1
    assert f.column_name == "c"


def test_repr_shows_repr_fields_in_order():
    assert repr(Point(1, "x", "hidden")) == "Point(x=1, y='x')"
    assert repr(Point3(1, z=2)) == "Point3(x=1, y='x', z=2)"
    r = repr(Field(field_path="p", column_name="c", keys=("fieldPath",)))
    assert r == "Field(field_path='p', column_name='c', affinity='TEXT', not_null=False, default_value=None)"


def test_replace():
    """replace() is how the loader and planner derive objects; it must not touch the original."""
    f = Field(field_path="p", column_name="c", keys=("fieldPath", "columnName"))
    g = replace(f, not_null=True)
    assert g.not_null is True and f.not_null is False and g is not f
    assert g.keys == ("fieldPath", "columnName")
    assert replace(f) == f
    with pytest.raises(TypeError):
        replace(f, nope=1)
    fts = FtsEntity(table_name="t", create_sql="c", fts_version="FTS5",
                    fts_options=FtsOptions(tokenizer="porter"))
    r = replace(fts, table_name="u")
    assert type(r) is FtsEntity and r.table_name == "u"
    assert r.fts_version == "FTS5" and r.fts_options.tokenizer == "porter"
    assert replace(Point3(1, z=5), y="b") == Point3(1, "b", z=5)


@pytest.mark.parametrize("dup", [copy.copy, copy.deepcopy, lambda o: pickle.loads(pickle.dumps(o))],
                         ids=["copy", "deepcopy", "pickle"])
def test_copy_and_pickle_round_trip(dup):
    """Copies (e.g. across processes) stay equal, keep layout fields and stay frozen."""
    entity = load(AVA / "1.json").database.entities[0]
    for obj in (entity, entity.fields[0]):
        c = dup(obj)
        assert c == obj and hash(c) == hash(obj) and c.keys == obj.keys and type(c) is type(obj)
        with pytest.raises(FrozenRecordError):
            c.keys = None


def test_ava_schemas_equal_by_content():
    """Loading a file twice must give equal, equally hashed schemas; versions must differ."""
    a1, b1 = load(AVA / "1.json"), load(AVA / "1.json")
    a2 = load(AVA / "2.json")
    assert isinstance(a1, Schema) and a1 is not b1
    assert a1 == b1 and hash(a1) == hash(b1)
    assert a1 != a2 and load(AVA / "2.json") == a2
