// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! libFuzzer entry for `entitlement_fuzz::query::run` (see fuzz/src/).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitlement_fuzz::query::run(data));
