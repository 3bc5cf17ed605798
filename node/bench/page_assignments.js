#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Paging benchmark: CPU time (process.cpuUsage, user + system, every thread)
// per object to page every assignment with
// $expand=target,accessPackage,assignmentPolicy through the Node package,
// the way an application would (`for await`, touching one field per object).
// Mirrors core/examples/page_bench.rs: one warm-up pass, best of --rounds.
//
//   node node/bench/page_assignments.js --base-url URL --token TOKEN --n N [--rounds 5]

const path = require('node:path');
const { Client } = require(path.join(__dirname, '..'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback === undefined) {
    console.error(`usage: page_assignments.js --base-url URL --token TOKEN --n N [--rounds R]; missing ${name}`);
    process.exit(2);
  }
  return fallback;
}

const EXPAND = ['target', 'accessPackage', 'assignmentPolicy'];

async function pageAll(client) {
  let n = 0;
  let sink = 0;
  for await (const a of client.listAssignments({ expand: EXPAND })) {
    if (a.id) sink ^= a.id.length;
    n++;
  }
  return [n, sink];
}

function cpuUs() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function main() {
  const baseUrl = arg('--base-url');
  const token = arg('--token');
  const expected = Number(arg('--n'));
  const rounds = Number(arg('--rounds', '5'));
  const client = new Client({ baseUrl, token });
  const [n] = await pageAll(client); // warm-up: connections, JIT
  if (Number.isFinite(expected) && expected > 0 && n !== expected) {
    console.error(`expected ${expected} assignments, paged ${n}`);
    process.exit(1);
  }
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = cpuUs();
    const [m] = await pageAll(client);
    const per = (cpuUs() - t) / m;
    if (m !== n) throw new Error(`paged ${m} objects, then ${n}`);
    best = Math.min(best, per);
  }
  console.log(`node_objects=${n}`);
  console.log(`node_cpu_us_per_object=${best.toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
