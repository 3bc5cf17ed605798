# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Documented request and response bodies (the conformance corpus extracted
from the Graph API reference) go through the Python models unchanged:
``Model.to_dict()`` gives back exactly the JSON the docs show."""

import json
import os
import re
import sys
from pathlib import Path

import pytest

from entitlement import _native

ROOT = Path(__file__).resolve().parents[2]
# ENTITLEMENT_CONFORMANCE names the corpus directory (default: the in-repo conformance/).
CORPUS = Path(os.environ.get("ENTITLEMENT_CONFORMANCE", ROOT / "conformance"))
# Documented with booleans written as strings ("true"); the typed models refuse them.
KNOWN_BAD_REQUESTS = {"v1.0/entitlementmanagement-post-assignmentpolicies#4"}

if not (CORPUS / "examples.json").is_file():
    # The corpus is checked in; a missing one is an error, never a skip.
    raise RuntimeError(f"conformance corpus {CORPUS} has no examples.json "
                       "(ENTITLEMENT_CONFORMANCE names the corpus directory)")

pytestmark = pytest.mark.skipif(sys.version_info < (3, 11), reason="needs tomllib (Python 3.11+)")


def _ops():
    import tomllib

    ops = tomllib.loads((ROOT / "api" / "operations.toml").read_text())["op"]
    return [(o, re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(o["path"])) + "$", re.I)) for o in ops]


def _cases(side):
    if sys.version_info < (3, 11):
        return []
    table = _ops()
    out = []
    for e in json.loads((CORPUS / "examples.json").read_text()):
        body = e.get(f"{side}_body")
        if not isinstance(body, dict):
            continue
        path = e["path"].split("?")[0]
        op = next((o for o, rx in table if o["version"] == e["version"] and o["method"] == e["method"]
                   and rx.match(path)), None)
        ty = op and op.get("body" if side == "request" else "response")
        if not ty:
            continue
        items = body.get("value") if side == "response" and op["kind"] == "list" else [body]
        for i, item in enumerate(items if isinstance(items, list) else []):
            out.append(pytest.param(op["version"], ty, item, id=f"{e['id']}[{i}]",
                                    marks=[pytest.mark.xfail(strict=True)] if e["id"] in KNOWN_BAD_REQUESTS
                                    and side == "request" else []))
    return out


@pytest.mark.parametrize("version,type_name,body", _cases("response"))
def test_documented_responses_round_trip(version, type_name, body):
    model = _native.model_from_dict(version, type_name, body)
    assert model.to_dict() == body
    assert _native.model_from_json(version, type_name, json.dumps(body)).to_dict() == body


@pytest.mark.parametrize("version,type_name,body", _cases("request"))
def test_documented_requests_are_accepted(version, type_name, body):
    assert _native.model_from_dict(version, type_name, body).to_dict() == body


def test_corpus_was_used():
    assert len(_cases("response")) > 40 and len(_cases("request")) > 20
