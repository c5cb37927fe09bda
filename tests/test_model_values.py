"""The model's value semantics: what diff, plan and the caches rely on."""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import FrozenInstanceError, replace
import pickle

import pytest
from helpers import AVA

from roomschema.schema.loader import load
from roomschema.schema.model import Entity, Field, FtsEntity, FtsOptions, PrimaryKey, Schema
from roomschema.migration.steps import Step


def test_compare_false_fields_ignored_by_eq_and_hash():
    """keys/extra/path/style/trailer are layout, not meaning: schemas compare by meaning."""
    f1 = Field(field_path="p", column_name="c", keys=("a",), extra=(("x", 1),))
    f2 = Field(field_path="p", column_name="c")
    assert f1 == f2 and hash(f1) == hash(f2)
    assert f1 != replace(f2, not_null=True)
    s = load(AVA / "1.json")
    other = replace(s, path="elsewhere.json", style=None, trailer="\n", keys=None)
    assert other == s and hash(other) == hash(s)


def test_fts_options_extra_is_compared():
    """FTS5's extra keys change the table, so they must make a difference."""
    assert FtsOptions(extra=(("detail", "full"),)) != FtsOptions()
    assert FtsOptions(keys=("tokenizer",)) == FtsOptions()


def test_different_classes_never_equal():
    """A plain table and an FTS table are different things even with equal shared fields."""
    e = Entity(table_name="t", create_sql="CREATE")
    fts = FtsEntity(table_name="t", create_sql="CREATE")
    assert e != fts and fts != e


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
    assert issubclass(FrozenInstanceError, AttributeError)
    with pytest.raises(FrozenInstanceError):
        f.column_name = "d"
    with pytest.raises(FrozenInstanceError):
        del f.column_name
    with pytest.raises((AttributeError, TypeError)):  # slots: no new attributes either
        f.new_attr = 1
    assert f.column_name == "c"


def test_repr_shows_repr_fields_in_order():
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


@pytest.mark.parametrize("dup", [copy.copy, copy.deepcopy, lambda o: pickle.loads(pickle.dumps(o))],
                         ids=["copy", "deepcopy", "pickle"])
def test_copy_and_pickle_round_trip(dup):
    """Copies (e.g. across processes) stay equal, keep layout fields and stay frozen."""
    entity = load(AVA / "1.json").database.entities[0]
    for obj in (entity, entity.fields[0]):
        c = dup(obj)
        assert c == obj and hash(c) == hash(obj) and c.keys == obj.keys and type(c) is type(obj)
        with pytest.raises(FrozenInstanceError):
            c.keys = None


def test_ava_schemas_equal_by_content():
    """Loading a file twice must give equal, equally hashed schemas; versions must differ."""
    a1, b1 = load(AVA / "1.json"), load(AVA / "1.json")
    a2 = load(AVA / "2.json")
    assert isinstance(a1, Schema) and a1 is not b1
    assert a1 == b1 and hash(a1) == hash(b1)
    assert a1 != a2 and load(AVA / "2.json") == a2


def test_model_classes_are_frozen_keyword_only_dataclasses():
    """Standard dataclasses, so type checkers and readers see every field."""
    names = [f.name for f in dataclasses.fields(FtsEntity)]
    assert names[:len(dataclasses.fields(Entity))] == [f.name for f in dataclasses.fields(Entity)]
    assert {"fts_version", "fts_options"} <= set(names)
    for cls in (Entity, FtsEntity, Field, PrimaryKey, Schema):
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen
    with pytest.raises(TypeError):
        Field("p", "c")  # keyword only: a swapped pair of strings cannot slip in
