// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `cargo run -p entitlement-emulator --example serve [PORT]`: the emulator in the foreground.

#[tokio::main]
async fn main() -> Result<(), entitlement_emulator::EmulatorError> {
    let port = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    entitlement_emulator::serve(entitlement_emulator::EmulatorConfig { port, ..Default::default() }).await
}
