# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""api/types/<version>.json: the corpus import (imported-<version>.json) with
the hand-kept overrides (overrides-<version>.json) applied. The models are
generated from it, and the emulator's validator and the replay test compile
it in."""
from __future__ import annotations

import json

from model import VERSIONS

OUTPUTS = [f"api/types/{v}.json" for v in VERSIONS]


def generate(api):
    return {f"api/types/{v}.json": json.dumps(api.type_docs[v], indent=1) + "\n" for v in VERSIONS}
