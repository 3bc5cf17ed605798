// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// `entitlement/testing`: the in-process emulator and the fixed ids of its
// built-in tenant, as Python's `entitlement.testing` (`Emulator`, `ids`).
//
//   const { Emulator, ids } = require('entitlement/testing');
//   const emu = await Emulator.start();
//   await emu.client().getCatalog(ids.GENERAL_CATALOG_ID);

const { Emulator } = require('./lib/emulator');

module.exports = { Emulator, ids: Emulator.ids };
