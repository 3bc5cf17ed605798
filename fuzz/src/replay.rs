// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Replays checked-in fuzz inputs through a harness function (no
//! instrumentation): the regression tests include this file by path.

use std::path::{Path, PathBuf};

/// `fuzz/corpus/<target>` and `fuzz/regressions/<target>` of this checkout.
pub fn dirs(target: &str) -> [PathBuf; 2] {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // CARGO_MANIFEST_DIR is core/, emulator/, bindings/c/ or fuzz/.
    let root = if root.join("fuzz").is_dir() {
        root
    } else {
        root.join("..")
    };
    ["corpus", "regressions"].map(|d| root.join("fuzz").join(d).join(target))
}

/// Runs `f` on every file of `dir` (sorted); a failure names the file.
/// Returns how many files ran.
pub fn replay_dir(dir: &Path, f: impl Fn(&[u8])) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for p in &files {
        let data = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&data))) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("fuzz input {} fails: {msg}", p.display());
        }
    }
    files.len()
}
