// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Decoding cost alone: one page body parsed as `serde_json::Value` and as
//! the typed model, repeated. `cargo run --release --example parse_bench -- page.json`

use std::time::Instant;

use entitlement::models::v1::AccessPackageAssignment;
use entitlement::Page;

fn main() {
    let path = std::env::args().nth(1).expect("page.json");
    let body = std::fs::read(path).unwrap();
    let n = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["value"].as_array().unwrap().len();
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(200);
    let only_typed = std::env::var_os("ONLY_TYPED").is_some();
    let t = Instant::now();
    for _ in 0..if only_typed { 0 } else { rounds } {
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body).unwrap());
    }
    let value = t.elapsed().as_secs_f64() * 1e6 / (rounds * n) as f64;
    let t = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(serde_json::from_slice::<Page<AccessPackageAssignment>>(&body).unwrap());
    }
    let typed = t.elapsed().as_secs_f64() * 1e6 / (rounds * n) as f64;
    let t = Instant::now();
    for _ in 0..rounds {
        let text = std::str::from_utf8(&body).unwrap();
        std::hint::black_box(serde_json::from_str::<Page<AccessPackageAssignment>>(text).unwrap());
    }
    let typed_str = t.elapsed().as_secs_f64() * 1e6 / (rounds * n) as f64;
    println!("typed_from_str_us_per_object={typed_str:.3}");
    println!("value_us_per_object={value:.3}\ntyped_us_per_object={typed:.3}\nratio={:.2}", typed / value);
}
