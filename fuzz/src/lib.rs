// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The fuzz harnesses as plain functions: each `fuzz_targets/<name>.rs` is a
//! one-line libFuzzer entry that calls one of them, and the regression tests
//! of core, the emulator and the C ABI include the same files by path to
//! replay `fuzz/corpus/<name>` and `fuzz/regressions/<name>` without
//! instrumentation on every `cargo test`.
//!
//! A broken invariant is a panic, which libFuzzer reports as a crash.

// The C ABI crate's library is also called `entitlement`; `capi` names it.
use entitlement_c as capi;

pub mod c_abi;
pub mod models;
pub mod query;
pub mod replay;
pub mod router;
