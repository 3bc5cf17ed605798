// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// A typed use of the package: tests/packaging/node.sh compiles it with
// `tsc --strict` (no @types/node, lib es2022 only) against the installed
// package's index.d.ts / testing.d.ts, and runs the emitted JavaScript.

import { Client, Emulator, EntitlementError, Filter, NotFoundError, type AccessPackageCatalog, type ErrorCode } from 'entitlement';
import { ids } from 'entitlement/testing';

export async function main(): Promise<string[]> {
  const emu: Emulator = await Emulator.start({ pageSize: 2 });
  const seen: string[] = [];
  try {
    const client: Client = emu.client();
    const general: AccessPackageCatalog = await client.getCatalog(ids.GENERAL_CATALOG_ID);
    seen.push(general.displayName ?? '(unnamed)');
    for await (const c of client.listCatalogs({ filter: Filter.eq('displayName', "O'Brien's") })) {
      seen.push(c.id ?? '');
    }
    try {
      await client.getAccessPackage('00000000-0000-0000-0000-000000000000');
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      const code: ErrorCode = err.code;
      const status: number | null = err.status;
      seen.push(`${code} ${status ?? ''}`);
    }
    const asEntitlement: (e: unknown) => e is EntitlementError = (e): e is EntitlementError => e instanceof EntitlementError;
    seen.push(String(asEntitlement(new Error('x'))));
  } finally {
    // `await using emu = ...` where the user's lib has esnext.disposable.
    await emu[Symbol.asyncDispose]();
  }
  return seen;
}
