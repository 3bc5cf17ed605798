// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Generates the C header into `OUT_DIR` (never into the source tree: an
//! ordinary build must not touch checked-in files) and sets the SONAME.
//! `scripts/gen-header.sh` copies the generated header to
//! `include/entitlement.h`; `scripts/gen-header.sh --check` (CI) fails when
//! the checked-in copy differs.

use std::path::PathBuf;

fn main() {
    let crate_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).expect("cargo sets CARGO_PKG_VERSION_*");
    let (major, minor, patch) = (
        var("CARGO_PKG_VERSION_MAJOR"),
        var("CARGO_PKG_VERSION_MINOR"),
        var("CARGO_PKG_VERSION_PATCH"),
    );
    // A versioned SONAME (libentitlement.so.MAJOR) as distributions expect:
    // scripts/install-c.sh installs libentitlement.so.MAJOR.MINOR.PATCH with
    // the .so.MAJOR and .so links.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libentitlement.so.{major}");
    }
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml");
    // The compile-time version; ent_version() gives the loaded library's.
    config.after_includes = Some(format!(
        "\n#define ENT_VERSION_MAJOR {major}\n#define ENT_VERSION_MINOR {minor}\n#define ENT_VERSION_PATCH {patch}\n\
         #define ENT_VERSION_STRING \"{}\"",
        var("CARGO_PKG_VERSION")
    ));
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(b) => {
            b.write_to_file(out_dir.join("entitlement.h"));
        }
        Err(e) => panic!("cbindgen failed: {e}"),
    }
}
