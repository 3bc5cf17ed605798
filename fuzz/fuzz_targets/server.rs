// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! libFuzzer entry for `entitlement_fuzz::router::run_server` (see fuzz/src/).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::router::run_server(data));
