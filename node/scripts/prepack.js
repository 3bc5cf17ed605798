// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// `prepack`: the package ships the repository's LICENSE, and the addon without
// its symbol table (on Linux, when binutils' strip is there: ~33 MB -> ~26 MB;
// the exported N-API entry points are dynamic symbols and stay).

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
fs.copyFileSync(path.join(root, '..', 'LICENSE'), path.join(root, 'LICENSE'));
if (process.platform === 'linux') {
  for (const f of fs.readdirSync(root).filter((n) => n.endsWith('.node'))) {
    const r = spawnSync('strip', ['--strip-unneeded', path.join(root, f)], { stdio: 'inherit' });
    if (r.error) console.error(`prepack: ${f} not stripped (${r.error.code})`);
  }
}
