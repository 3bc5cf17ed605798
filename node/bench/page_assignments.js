#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Paging benchmark for the Node package: CPU and wall time per object to page
// every assignment with $expand=target,accessPackage,assignmentPolicy the way
// an application does: `for await` over client.listAssignments({expand}),
// reading a.id, a.target.displayName, a.accessPackage.displayName, a.state.
// CPU is process.cpuUsage() (user + system of the whole process, every
// thread). One warm-up pass, best of --rounds.
//
//   node node/bench/page_assignments.js --base-url URL --token TOKEN [--n N] [--rounds 5]
//   node node/bench/page_assignments.js --base-url URL --token TOKEN --once   # one pass, print objects=N, exit
//
// Prints node_objects, node_cpu_us_per_object, node_wall_us_per_object.

const path = require('node:path');
const { Client } = require(path.join(__dirname, '..'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback === undefined) {
    console.error(`usage: page_assignments.js --base-url URL --token TOKEN [--n N] [--rounds R] [--once]; missing ${name}`);
    process.exit(2);
  }
  return fallback;
}

const EXPAND = ['target', 'accessPackage', 'assignmentPolicy'];

async function pageAll(client) {
  let n = 0;
  let sink = 0;
  for await (const a of client.listAssignments({ expand: EXPAND })) {
    // What an application reads from each object.
    sink += a.id.length + a.target.displayName.length + a.accessPackage.displayName.length + a.state.length;
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
  const expected = Number(arg('--n', 'NaN'));
  const rounds = Number(arg('--rounds', '5'));
  const client = new Client({ baseUrl, token });
  const [n] = await pageAll(client); // the only pass with --once; else the warm-up (connections, JIT)
  if (Number.isFinite(expected) && n !== expected) throw new Error(`expected ${expected} assignments, paged ${n}`);
  if (n === 0) throw new Error('no assignments to page');
  if (process.argv.includes('--once')) {
    console.log(`objects=${n}`);
    return;
  }
  let bestCpu = Infinity;
  let bestWall = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c = cpuUs();
    const w = process.hrtime.bigint();
    const [m] = await pageAll(client);
    const wall = Number(process.hrtime.bigint() - w) / 1e3;
    const cpu = cpuUs() - c;
    if (m !== n) throw new Error(`paged ${m} objects, then ${n}`);
    bestCpu = Math.min(bestCpu, cpu / n);
    bestWall = Math.min(bestWall, wall / n);
  }
  console.log(`node_objects=${n}`);
  console.log(`node_cpu_us_per_object=${bestCpu.toFixed(3)}`);
  console.log(`node_wall_us_per_object=${bestWall.toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
