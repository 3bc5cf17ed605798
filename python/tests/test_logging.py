# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Core's Rust `tracing` events reach Python's `logging` (bindings/python:
tracing's `log` feature + pyo3-log), under loggers named after the Rust module
(``entitlement.client.send``, children of ``entitlement``), and carry no
token or secret. `import entitlement` does not import `logging` (a third of
the import's time): the application's import of it is noticed at the next
call, and a warning imports it."""

import logging
import subprocess
import sys

from entitlement import Client
from entitlement.testing import Emulator, ids


def _records(caplog):
    return [r for r in caplog.records if r.name == "entitlement" or r.name.startswith("entitlement.")]


def test_a_429_retry_logs_a_warning_without_the_token(caplog):
    caplog.set_level(logging.DEBUG, logger="entitlement")
    with Emulator() as emu:
        token = emu.app_token()
        client = Client(emu.base_url, token=token)
        emu.inject_fault(429, retry_after=0, count=1, path_contains="catalogs")
        assert client.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID
    records = _records(caplog)
    warnings = [r for r in records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [(r.name, r.getMessage()) for r in records]
    text = warnings[0].getMessage()
    assert "retrying" in text and "Throttled" in text, text
    assert warnings[0].name.startswith("entitlement."), warnings[0].name
    for r in records:
        assert token not in r.getMessage(), r.getMessage()
        assert "Bearer" not in r.getMessage(), r.getMessage()


def test_signing_in_with_a_secret_logs_neither_secret_nor_token(caplog):
    caplog.set_level(logging.DEBUG, logger="entitlement")
    with Emulator() as emu:
        _, secret = emu.app_credentials
        emu.inject_fault(503, retry_after=0, count=1, path_contains="catalogs")
        client = emu.client()
        client.get_catalog(ids.GENERAL_CATALOG_ID)
    records = _records(caplog)
    assert any(r.levelno == logging.WARNING for r in records)
    for r in records:
        assert secret not in r.getMessage(), r.getMessage()
        assert "access_token" not in r.getMessage(), r.getMessage()


def test_records_follow_the_logger_level(caplog):
    caplog.set_level(logging.ERROR, logger="entitlement")
    with Emulator() as emu:
        client = Client(emu.base_url, token=emu.app_token())
        emu.inject_fault(429, retry_after=0, count=1, path_contains="catalogs")
        client.get_catalog(ids.GENERAL_CATALOG_ID)
    assert not [r for r in _records(caplog) if r.levelno < logging.ERROR]


# A child process: (what it imports and configures, what it prints).
CHILD = """
import sys
import entitlement
from entitlement.testing import Emulator, ids
print("logging imported by entitlement:", "logging" in sys.modules, flush=True)
with Emulator() as emu:
    client = entitlement.Client(emu.base_url, token=emu.app_token())
    if sys.argv[1] == "configure-after-import":
        import logging
        logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="record %(levelname)s %(name)s")
    emu.inject_fault(429, retry_after=0, count=1, path_contains="catalogs")
    client.get_catalog(ids.GENERAL_CATALOG_ID)
"""


def _child(mode):
    r = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout, r.stderr


def test_import_does_not_import_logging_and_configuring_it_later_forwards_debug_records():
    out, _ = _child("configure-after-import")
    assert "logging imported by entitlement: False" in out, out
    lines = out.splitlines()
    assert any(x.startswith("record DEBUG entitlement.") for x in lines), out
    assert any(x.startswith("record WARNING entitlement.") for x in lines), out


def test_a_warning_reaches_pythons_last_resort_handler_when_logging_is_never_configured():
    out, err = _child("never-configured")
    assert "logging imported by entitlement: False" in out, out
    # logging.lastResort prints WARNING and above to stderr, message only.
    assert "retrying" in err and "Throttled" in err, err
