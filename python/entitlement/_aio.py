# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The asyncio side of the native future bridge (see bindings/python/src/runtime.rs)."""


def _resolve(fut, ok, value):
    # Runs on the loop thread; the future may have been cancelled meanwhile.
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)
