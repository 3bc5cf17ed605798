// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

fn main() {
    napi_build::setup();
}
