# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Retries honour Retry-After; exhausted retries surface as typed errors."""

import asyncio
import time

import pytest

import entitlement as E
from entitlement.testing import ids


def test_retry_after_is_honoured(emu):
    c = emu.client()
    c.get_catalog(ids.GENERAL_CATALOG_ID)  # token fetched, connection warm
    emu.inject_fault(429, retry_after="1", count=1, path_contains="/catalogs/")
    started = time.monotonic()
    got = c.get_catalog(ids.GENERAL_CATALOG_ID)
    elapsed = time.monotonic() - started
    assert got.id == ids.GENERAL_CATALOG_ID
    assert 0.95 <= elapsed < 5, elapsed


def test_retry_after_async(emu):
    async def run():
        c = emu.async_client()
        await c.get_catalog(ids.GENERAL_CATALOG_ID)
        emu.inject_fault(503, retry_after="1", count=1, path_contains="/catalogs/")
        started = time.monotonic()
        got = await c.get_catalog(ids.GENERAL_CATALOG_ID)
        return got, time.monotonic() - started

    got, elapsed = asyncio.run(run())
    assert got.id == ids.GENERAL_CATALOG_ID
    assert 0.95 <= elapsed < 5, elapsed


def test_throttled_after_retries(emu):
    c = emu.client(max_retries=1)
    c.get_catalog(ids.GENERAL_CATALOG_ID)
    emu.inject_fault(429, retry_after="0", count=2, path_contains="/catalogs/")
    with pytest.raises(E.ThrottledError) as info:
        c.get_catalog(ids.GENERAL_CATALOG_ID)
    assert info.value.status == 429
    assert info.value.retry_after == 0.0
    assert c.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID


def test_service_error_without_retries(emu):
    c = emu.client(max_retries=0)
    c.get_catalog(ids.GENERAL_CATALOG_ID)
    emu.inject_fault(503, count=1, path_contains="/catalogs/")
    with pytest.raises(E.ServiceError) as info:
        c.get_catalog(ids.GENERAL_CATALOG_ID)
    assert info.value.status == 503
