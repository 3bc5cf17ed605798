# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Runtime behaviour: secrets stay out of repr, the GIL is released, fork is
guarded, import stays cheap."""

import os
import subprocess
import sys
import threading
import time

import pytest

import entitlement as E
from entitlement import Client
from entitlement.testing import Emulator, ids


def test_secrets_absent_from_repr(emu):
    secret = "s3cr3t-value-XYZ"
    for c in (
        Client(emu.base_url, token=secret),
        Client(emu.base_url, tenant_id="t", client_id="c", client_secret=secret),
        Client(emu.base_url, tenant_id="t", client_id="c", username="u", password=secret),
        emu.client(), emu.user_client(ids.REQUESTOR1_UPN),
    ):
        text = repr(c) + str(c) + repr(c._native) + repr(c.beta)
        assert secret not in text
        assert emu.app_credentials[1] not in text
        assert ids.USER_PASSWORD not in text
    assert emu.app_credentials[1] not in repr(emu) + repr(ids)
    # Errors carry no token either.
    token = emu.app_token()
    bad = Client(emu.base_url, token=token + "x")
    with pytest.raises(E.AuthenticationError) as info:
        bad.get_catalog(ids.GENERAL_CATALOG_ID)
    assert token not in str(info.value) + repr(info.value)


def test_gil_released_during_io(emu):
    c = emu.client()
    c.get_catalog(ids.GENERAL_CATALOG_ID)
    emu.inject_fault(429, retry_after="1", count=1, path_contains="/catalogs/")
    ticks = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.01)

    t = threading.Thread(target=spin)
    t.start()
    c.get_catalog(ids.GENERAL_CATALOG_ID)  # waits ~1 s inside Rust
    stop.set()
    t.join()
    assert len(ticks) > 30


def test_threads_share_one_client(admin):
    errors, results = [], []

    def work():
        try:
            results.append(admin.get_catalog(ids.GENERAL_CATALOG_ID).id)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors and results == [ids.GENERAL_CATALOG_ID] * 8


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_fork_guard(emu):
    c = emu.client()
    c.get_catalog(ids.GENERAL_CATALOG_ID)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            try:
                c.get_catalog(ids.GENERAL_CATALOG_ID)
                code = 2
            except E.EntitlementError as e:
                if "fork" in str(e):
                    # A client made in the child works.
                    fresh = emu.client()
                    code = 0 if fresh.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID else 3
        finally:
            os.write(w, bytes([code]))
            os._exit(0)
    os.close(w)
    got = os.read(r, 1)
    os.waitpid(pid, 0)
    assert got == b"\x00", got


def test_import_and_construct_stay_lazy():
    # What keeps `import entitlement` + client construction cheap (the
    # benchmark prints the time): the model classes, the emulator and asyncio
    # are imported only when used. A structural check, not a timing one.
    code = ("import sys, entitlement; entitlement.Client(token='t'); "
            "print(','.join(sorted(m for m in sys.modules if m.startswith('entitlement') or m == 'asyncio')))")
    loaded = set(subprocess.check_output([sys.executable, "-c", code]).decode().strip().split(","))
    assert "entitlement.models" not in loaded
    assert "entitlement.models.beta" not in loaded
    assert "entitlement.testing" not in loaded
    assert "asyncio" not in loaded
    assert "entitlement._client" in loaded  # the check can fail: the client was built


def test_async_cancel_stops_the_call(emu):
    import asyncio

    async def run():
        c = emu.async_client()
        await c.get_catalog(ids.GENERAL_CATALOG_ID)
        emu.inject_fault(429, retry_after="3", count=1, path_contains=f"/catalogs/{ids.GENERAL_CATALOG_ID}")
        task = asyncio.ensure_future(c.get_catalog(ids.GENERAL_CATALOG_ID))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 0.5
        with pytest.raises(asyncio.TimeoutError):
            emu.inject_fault(429, retry_after="3", count=1, path_contains=f"/catalogs/{ids.GENERAL_CATALOG_ID}")
            await asyncio.wait_for(c.get_catalog(ids.GENERAL_CATALOG_ID), 0.3)
        return await c.get_catalog(ids.GENERAL_CATALOG_ID)

    assert asyncio.run(run()).id == ids.GENERAL_CATALOG_ID


@pytest.mark.skipif(not hasattr(os, "kill"), reason="needs signals")
def test_ctrl_c_interrupts_a_blocking_call():
    import signal

    # An emulator of its own: a request another test abandoned may still be
    # in the shared emulator's queue and would take this test's fault.
    # A shell that starts a job in the background (`cmd &`, nohup) makes it
    # ignore SIGINT, and Python keeps an inherited SIG_IGN: install Python's
    # own handler, as an interactive interpreter has it, for this test.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with Emulator(delivery_delay=0.02) as emu:
            _ctrl_c_interrupts(emu, signal)
    finally:
        signal.signal(signal.SIGINT, previous)


def _ctrl_c_interrupts(emu, signal):
    c = emu.client()
    c.get_catalog(ids.GENERAL_CATALOG_ID)
    # A long Retry-After, so a loaded machine cannot finish the wait before
    # the signal arrives; the call must end soon after the signal.
    emu.inject_fault(429, retry_after="30", count=1, path_contains=f"/catalogs/{ids.GENERAL_CATALOG_ID}")
    # Ctrl-C as the terminal sends it, to the process; sent again every 0.5 s
    # until the call ends, so one signal lost to a loaded machine's timing
    # cannot fail the test (the time to the first interruption still must).
    done = threading.Event()
    sent = []

    def press_ctrl_c():
        if done.wait(0.3):
            return
        while True:
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)
            if done.wait(0.5):
                return

    presser = threading.Thread(target=press_ctrl_c, daemon=True)
    started = time.monotonic()
    presser.start()
    try:
        c.get_catalog(ids.GENERAL_CATALOG_ID)
    except KeyboardInterrupt:
        took = time.monotonic() - started
    else:
        done.set()
        pytest.fail(f"the call returned after {time.monotonic() - started:.2f} s instead of being interrupted "
                    f"({len(sent)} SIGINTs sent)")
    finally:
        done.set()
        presser.join()
    assert took < 5, f"interrupted only after {took:.2f} s ({len(sent)} SIGINTs sent)"
