# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""One deadline per call (``deadline=`` seconds): a ``Retry-After`` that would
end past it fails the call at once, carrying ``retry_after``; a create that
got a 504 is not sent again, and its error says the outcome is unknown."""

import asyncio
import time

import pytest

import entitlement as E
from entitlement.testing import ids


def test_retry_after_past_the_deadline_fails_at_once(emu):
    c = emu.client(deadline=2)
    c.get_catalog(ids.GENERAL_CATALOG_ID)  # token fetched, connection warm
    emu.inject_fault(429, retry_after=100000, count=1, path_contains="/catalogs/")
    started = time.monotonic()
    with pytest.raises(E.ThrottledError) as info:
        c.get_catalog(ids.GENERAL_CATALOG_ID)
    elapsed = time.monotonic() - started
    assert elapsed < 2, elapsed
    assert info.value.status == 429
    assert info.value.retry_after == 100000.0
    assert "deadline" in info.value.message


def test_the_deadline_bounds_retries_async(emu):
    async def run():
        c = emu.async_client(deadline=1.5)
        await c.get_catalog(ids.GENERAL_CATALOG_ID)
        # Each answer asks for one second: the second wait would end past 1.5 s.
        emu.inject_fault(503, retry_after=1, count=2, path_contains="/catalogs/")
        started = time.monotonic()
        with pytest.raises(E.ServiceError) as info:
            await c.get_catalog(ids.GENERAL_CATALOG_ID)
        return info.value, time.monotonic() - started

    err, elapsed = asyncio.run(run())
    assert 0.95 <= elapsed < 1.5, elapsed
    assert err.status == 503 and err.retry_after == 1.0
    assert "deadline" in err.message


def test_a_create_is_not_sent_again_after_a_504(emu):
    c = emu.client(deadline=10)
    # Two 504s: a create that were sent again would get the second one and then succeed.
    emu.inject_fault(504, count=2, path_contains="/entitlementManagement/catalogs")
    with pytest.raises(E.ServiceError) as info:
        c.create_catalog({"displayName": "Deadline 504", "description": "python"})
    assert info.value.status == 504
    assert "outcome unknown" in info.value.message
    assert info.value.outcome_unknown is True
    # A read is retried through the other 504.
    assert not any(x.display_name == "Deadline 504" for x in c.list_catalogs())


def test_deadline_is_checked_at_construction():
    for bad in (-1, 0, "soon"):
        with pytest.raises(E.InvalidArgumentError) as info:
            E.Client("http://127.0.0.1:9", token="t", deadline=bad)
        assert "deadline" in str(info.value)
    assert E.Client("http://127.0.0.1:9", token="t", deadline=0.5, timeout=0.2) is not None
