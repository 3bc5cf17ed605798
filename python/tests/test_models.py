# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Models: snake_case attributes over Graph JSON, exact round trips."""

import copy
import pickle

import pytest

import entitlement as E
from entitlement import models
from entitlement.testing import ids

ASSIGNMENT = {
    "id": "a1",
    "assignmentState": "Delivered",
    "schedule": {"startDateTime": "2024-02-29T23:59:59.1234567Z",
                 "expiration": {"duration": "P30DT4H", "type": "afterDuration"}},
    "target": {"@odata.type": "#microsoft.graph.accessPackageSubject", "objectId": "u1", "displayName": "User"},
    "futureProperty": {"nested": [1, 2.5, None, True]},
    "expiredDateTime": None,
}


def test_attributes_nested_models_and_unknown_properties():
    a = models.beta.AccessPackageAssignment.from_dict(ASSIGNMENT)
    assert a.id == "a1"
    assert a.assignment_state == "Delivered"
    assert a.target.object_id == "u1"
    assert isinstance(a.target, models.beta.AccessPackageSubject)
    assert a.schedule.expiration.duration == "P30DT4H"
    assert a.future_property == {"nested": [1, 2.5, None, True]}
    assert a["futureProperty"] == {"nested": [1, 2.5, None, True]}
    assert a.expired_date_time is None
    assert a.access_package is None  # declared, absent
    with pytest.raises(AttributeError):
        a.no_such_thing
    assert "assignment_state" in dir(a)


def test_to_dict_round_trips_exactly():
    a = models.beta.AccessPackageAssignment.from_dict(ASSIGNMENT)
    assert a.to_dict() == ASSIGNMENT
    assert a.to_dict()["schedule"]["startDateTime"] == "2024-02-29T23:59:59.1234567Z"
    again = models.beta.AccessPackageAssignment.from_json(a.to_json())
    assert again == a
    assert a == ASSIGNMENT


def test_repr_eq_pickle_copy():
    p = models.AccessPackage(display_name="X", description="it's")
    assert repr(p) == "AccessPackage(description='it\\'s', display_name='X')"
    assert p == models.AccessPackage({"displayName": "X", "description": "it's"})
    assert p != models.AccessPackage(display_name="Y")
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.copy(p) == p
    with pytest.raises(TypeError):
        hash(p)


def test_isinstance_follows_graph_types():
    subject = models.SingleUser(user_id="u")
    assert isinstance(subject, models.SubjectSet)
    assert isinstance(subject, models.SingleUser)
    assert isinstance(subject, E.GraphModel)
    assert isinstance(subject, E.Model)
    assert not isinstance(subject, models.AccessPackage)
    assert not isinstance({"userId": "u"}, models.SingleUser)
    assert subject.to_dict()["@odata.type"] == "#microsoft.graph.singleUser"


def test_models_as_bodies(admin):
    cat = admin.create_catalog(models.AccessPackageCatalog(display_name="From a model", description="m"))
    try:
        assert cat.display_name == "From a model"
        fetched = admin.get_catalog(cat.id)
        assert fetched.id == cat.id and fetched.description == "m"
        assert admin.update_catalog(cat.id, {"description": "changed"}) is None
        assert admin.get_catalog(cat.id).description == "changed"
        # JSON text is a body too.
        admin.update_catalog(cat.id, '{"description": "from text"}')
        assert admin.get_catalog(cat.id, select="description").description == "from text"
    finally:
        admin.delete_catalog(cat.id)


def test_every_operation_is_generated():
    from entitlement import _native, AsyncClient, Client

    for name in _native.operations():
        if name.startswith("beta."):
            short = name[5:]
            assert hasattr(Client(token="t").beta, short), name
            assert hasattr(AsyncClient(token="t").beta, short), name
        else:
            assert hasattr(Client, name) and hasattr(AsyncClient, name), name


def test_model_fields():
    f = models.AccessPackage.fields()
    assert f["display_name"] == "displayName"
    assert models.AccessPackageCatalog.from_dict({"id": ids.GENERAL_CATALOG_ID}).id == ids.GENERAL_CATALOG_ID
