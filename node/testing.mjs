// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// ESM entry of `entitlement/testing` (see testing.js).

import cjs from './testing.js';

export const { Emulator, ids } = cjs;

export default cjs;
