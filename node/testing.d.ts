// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// Types of `entitlement/testing` (testing.js).

import { Emulator } from './index';

export { Emulator };

/** The fixed ids of the built-in tenant (`ids.GENERAL_CATALOG_ID`, `ids.REQUESTOR1_UPN`, ...), as Python's `entitlement.testing.ids`. */
export declare const ids: typeof Emulator.ids;
