# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Long-running work (a ``$batch``, a bulk operation, an export) as a stream
of events: the Python face of core's ``bridge::Job``.

Each event is a dict with a ``"type"`` (``"progress"``, ``"item"``, ...);
the last is ``{"type": "done", ...}`` with the job's summary, kept as
:attr:`Job.summary`. Iterating blocks with the GIL released. A failed job
raises its error from the iteration, like any call of the client.
"""

from . import _native


class Job:
    """Iterate for events, or call :meth:`wait`. Usable as a context
    manager: leaving the block cancels a job that still runs."""

    __slots__ = ("_native", "summary")

    def __init__(self, client, kind, options):
        self._native = _native.start_job(client._native, kind, options)
        self.summary = None

    def __iter__(self):
        return self

    def __next__(self):
        event = next(self._native)
        if event.get("type") == "done":
            self.summary = event
        return event

    def wait(self, progress=None):
        """Runs the job to its end; ``progress`` (a callable) receives every
        event but the last. Returns the summary."""
        for event in self:
            if progress is not None and event.get("type") != "done":
                progress(event)
        return self.summary

    def cancel(self):
        """Stops the job; iteration ends with the summary so far."""
        self._native.cancel()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cancel()


class AsyncJob:
    """The same for asyncio: ``async for event in job`` or ``await job.wait()``."""

    __slots__ = ("_native", "summary")

    def __init__(self, client, kind, options):
        self._native = _native.start_job(client._native, kind, options)
        self.summary = None

    def __aiter__(self):
        return self

    async def __anext__(self):
        event = await self._native.next_async()
        if event is None:
            raise StopAsyncIteration
        if event.get("type") == "done":
            self.summary = event
        return event

    async def wait(self, progress=None):
        async for event in self:
            if progress is not None and event.get("type") != "done":
                progress(event)
        return self.summary

    def cancel(self):
        self._native.cancel()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.cancel()
