// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! An emulator on loopback and a client signed in as its seeded app.

#![allow(dead_code)]

use std::time::Duration;

use entitlement::{Client, RetryPolicy};
use entitlement_emulator::{Emulator, EmulatorConfig};

pub async fn emulator(page_size: usize) -> Emulator {
    Emulator::start(EmulatorConfig { page_size, delivery_delay: Duration::from_millis(20), ..Default::default() })
        .await
        .expect("emulator starts")
}

/// The seeded application, by the client-credentials flow.
pub fn admin(emu: &Emulator) -> Client {
    let (id, secret) = emu.app_credentials();
    Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(emu.tenant_id(), &id, secret)
        .retry(RetryPolicy { base_delay: Duration::from_millis(10), ..Default::default() })
        .build()
        .unwrap()
}
