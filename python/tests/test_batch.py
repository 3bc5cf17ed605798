# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""``client.batch`` against the emulator: typed models and typed errors per
item in request order, dependsOn and 424, a throttled item retried after its
own ``Retry-After`` (sync and async), bad input refused before sending."""

import asyncio
import time

import pytest

from entitlement import BatchRequest, InvalidArgumentError, NotFoundError, models


def test_results_in_order_with_models_and_errors(admin, aids):
    results = admin.batch([
        ("get_catalog", aids.GENERAL_CATALOG_ID),
        BatchRequest("list_catalogs", top=1),
        BatchRequest("create_catalog", body={"displayName": "From a Python batch"}, id="new"),
        BatchRequest("get_catalog", "no-such-catalog", id="missing"),
        BatchRequest("create_catalog", body=models.AccessPackageCatalog(display_name="Never"), depends_on=["missing"]),
    ])
    assert len(results) == 5
    assert isinstance(results[0].value, models.AccessPackageCatalog)
    assert results[0].value.id == aids.GENERAL_CATALOG_ID
    assert len(results[1].value) == 1 and isinstance(results[1].value[0], models.AccessPackageCatalog)
    assert results[2].id == "new" and results[2].status == 201
    assert results[2].result().display_name == "From a Python batch"
    assert not results[3].ok and isinstance(results[3].error, NotFoundError)
    assert results[3].error.status == 404
    with pytest.raises(NotFoundError):
        results[3].result()
    assert results[4].status == 424 and results[4].error.code == "FailedDependency"
    assert list(admin.list_catalogs(filter="displayName eq 'Never'")) == []


def test_a_throttled_item_waits_for_its_own_retry_after(emu, admin, aids):
    # Two items are answered 429 with Retry-After: 1 inside the 200 batch answer.
    emu.inject_fault(429, retry_after=1, count=2, path_contains=f"catalogs/{aids.GENERAL_CATALOG_ID}")
    started = time.monotonic()
    results = admin.batch([("get_catalog", aids.GENERAL_CATALOG_ID)] * 4)
    took = time.monotonic() - started
    assert all(r.ok for r in results), results
    assert sum(r.attempts for r in results) == 6
    assert took >= 1.0, f"retried after {took:.2f} s, before Retry-After"


def test_async_batch(emu, aids):
    async def run():
        client = emu.async_client()
        emu.inject_fault(429, retry_after=1, count=1, path_contains=f"catalogs/{aids.GENERAL_CATALOG_ID}")
        return await client.batch([("get_catalog", aids.GENERAL_CATALOG_ID), ("list_catalogs",)])

    results = asyncio.run(run())
    assert [r.ok for r in results] == [True, True]
    assert results[0].attempts == 2


def test_bad_requests_are_refused_before_sending(admin):
    with pytest.raises(InvalidArgumentError):
        admin.batch([("no_such_operation",)])
    with pytest.raises(InvalidArgumentError):
        admin.batch([42])
    with pytest.raises(InvalidArgumentError):
        admin.batch([BatchRequest("get_catalog")])  # missing its path argument
