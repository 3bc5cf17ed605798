// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Emulator } = require('..');
const { ids } = require('./helpers');

const N = 7;
let em;
let admin;
before(async () => {
  em = await Emulator.start({ pageSize: 2 });
  admin = em.client();
  for (let i = 0; i < N; i++) {
    await admin.createAccessPackage({ catalogId: ids.GENERAL_CATALOG_ID, displayName: `pkg ${i}`, description: 'paging' });
  }
});
after(async () => {
  await em.stop();
});

test('for await walks every page', async () => {
  const names = [];
  for await (const p of admin.listAccessPackages({ filter: "description eq 'paging'" })) {
    names.push(p.displayName);
  }
  assert.equal(names.length, N);
  assert.deepEqual([...names].sort(), Array.from({ length: N }, (_, i) => `pkg ${i}`));
});

test('pages() yields {value, nextLink}; the last page has no nextLink', async () => {
  const sizes = [];
  const links = [];
  for await (const page of admin.listAccessPackages({ filter: "description eq 'paging'" }).pages()) {
    sizes.push(page.value.length);
    links.push(page.nextLink);
  }
  assert.deepEqual(sizes, [2, 2, 2, 1]);
  assert.ok(links.slice(0, -1).every((l) => typeof l === 'string' && l.startsWith(em.baseUrl)));
  assert.equal(links.at(-1), undefined);
});

test('listXxxPage and nextPage page by hand; $count and $top', async () => {
  let page = await admin.listAccessPackagesPage({ filter: "description eq 'paging'", count: true, orderby: 'displayName' });
  assert.equal(page.count, N);
  const seen = [...page.value];
  while (page.nextLink) {
    page = await admin.nextPage(page.nextLink);
    seen.push(...page.value);
  }
  assert.equal(seen.length, N);
  const one = await admin.listAccessPackagesPage({ filter: "description eq 'paging'", top: 1 });
  assert.equal(one.value.length, 1);
  assert.equal(await admin.listAccessPackages({ filter: "displayName eq 'none such'" }).first(), undefined);
  // select trims the properties
  const sel = await admin.listAccessPackagesPage({ select: ['id', 'displayName'], top: 1 });
  assert.deepEqual(Object.keys(sel.value[0]).filter((k) => !k.startsWith('@')).sort(), ['displayName', 'id']);
});

test('breaking out of a loop stops fetching', async () => {
  let n = 0;
  for await (const _ of admin.listAccessPackages()) {
    if (++n === 3) break;
  }
  assert.equal(n, 3);
});
