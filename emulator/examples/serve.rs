// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `cargo run -p entitlement-emulator --example serve [PORT] [SEED.json]`: the emulator in the foreground.

#[tokio::main]
async fn main() -> Result<(), entitlement_emulator::EmulatorError> {
    let mut args = std::env::args().skip(1);
    let port = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let seed = match args.next() {
        Some(path) => entitlement_emulator::Seed::from_file(path)?,
        None => entitlement_emulator::Seed::default(),
    };
    entitlement_emulator::serve(entitlement_emulator::EmulatorConfig { port, seed, ..Default::default() }).await
}
