# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The job channel every long-running method is built on (core's bridge::Job),
through its test kind "echo"."""

import asyncio

import pytest

import entitlement
from entitlement import AsyncClient, Client


def client():
    return Client("http://127.0.0.1:9", token="t")


def test_events_then_summary():
    job = client()._start_job("echo", {"count": 300})
    events = list(job)
    assert [e["index"] for e in events[:-1]] == list(range(300))
    assert events[-1] == {"type": "done", "count": 300}
    assert job.summary == events[-1]


def test_wait_reports_progress():
    seen = []
    summary = client()._start_job("echo", {"count": 5}).wait(progress=seen.append)
    assert len(seen) == 5 and all(e["type"] == "item" for e in seen)
    assert summary["count"] == 5


def test_failure_raises_the_typed_error():
    job = client()._start_job("echo", {"count": 2, "fail": True})
    assert next(job)["index"] == 0
    assert next(job)["index"] == 1
    with pytest.raises(entitlement.InvalidArgumentError, match="asked to fail"):
        next(job)
    with pytest.raises(StopIteration):
        next(job)


def test_unknown_kind_and_bad_options():
    with pytest.raises(entitlement.InvalidArgumentError, match="unknown job kind"):
        client()._start_job("nope", None)
    with pytest.raises(entitlement.InvalidArgumentError):
        client()._start_job("echo", {"count": object()})


def test_cancel_ends_early_with_a_summary():
    with client()._start_job("echo", {"count": 1_000_000}) as job:
        next(job)
        job.cancel()
        rest = list(job)
    assert len(rest) < 1000
    assert rest[-1]["type"] == "done" and rest[-1]["count"] < 1_000_000


def test_async_job():
    async def main():
        job = AsyncClient("http://127.0.0.1:9", token="t")._start_job("echo", {"count": 3})
        events = [e async for e in job]
        assert [e["type"] for e in events] == ["item", "item", "item", "done"]
        failing = AsyncClient("http://127.0.0.1:9", token="t")._start_job("echo", {"fail": True})
        with pytest.raises(entitlement.InvalidArgumentError):
            await failing.wait()

    asyncio.run(main())
