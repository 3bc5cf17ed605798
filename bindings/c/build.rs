// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Regenerates `include/entitlement.h` from this crate's exports. The header
//! is checked in; `tests/c/check_header.sh` fails CI when it is stale.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let header = crate_dir.join("../../include/entitlement.h");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    // A SONAME equal to the file name lets hosts that preload the library by
    // full path (the PowerShell module) satisfy a later plain
    // dlopen("libentitlement.so") from DllImport with the same copy.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libentitlement.so");
    }
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml");
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        // write_to_file leaves the file alone when nothing changed.
        Ok(b) => {
            b.write_to_file(&header);
        }
        Err(e) => panic!("cbindgen failed: {e}"),
    }
}
