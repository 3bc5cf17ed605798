// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Ids of the emulator's built-in seed (entitlement_emulator::ids).
const ids = {
  GENERAL_CATALOG_ID: 'cec5d6ab-c75d-47c0-9c1c-92e89f66e384',
  REQUESTOR1_ID: '007d1c7e-7fa8-4e33-b678-5e437acdcddc',
  REQUESTOR1_UPN: 'requestor1@contoso.com',
  ADMIN_ID: '5c0f3a7e-2d1b-4c8a-9e6f-0a1b2c3d4e5f',
  ADMIN_UPN: 'admin@contoso.com',
  GROUP_ID: 'e93e24d1-2b65-4a6c-a1dd-654a12225487',
  MARKETING_GROUP_ID: 'f4892fac-e81c-4712-bdf2-a4450008a4b0',
};

/** Asserts that `promise` rejects with the given error class and code; returns the error. */
async function rejectsWith(assert, promise, cls, code) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected a ${code} error, got success`);
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${caught && caught.name}: ${caught && caught.message}`);
  assert.equal(caught.code, code);
  return caught;
}

module.exports = { ids, rejectsWith };
