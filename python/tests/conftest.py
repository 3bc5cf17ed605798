# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Fixtures: one in-process emulator (real HTTP over loopback) per session."""

import pytest

from entitlement.testing import Emulator, ids


@pytest.fixture(scope="session")
def emu():
    with Emulator(delivery_delay=0.02) as e:
        yield e


@pytest.fixture(scope="session")
def admin(emu):
    return emu.client()


@pytest.fixture(scope="session")
def aids():
    return ids
