// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Paging benchmark: CPU time per object to page every assignment with
//! `$expand=target,accessPackage,assignmentPolicy`, through the typed core
//! client and through a raw reqwest + `serde_json::Value` baseline, in the
//! same process against the same (out-of-process) emulator.
//!
//! cargo run --release -p entitlement --example page_bench -- --base-url URL --token TOKEN [--rounds 5]

use std::time::Duration;

use entitlement::models::v1::AccessPackageAssignment;
use entitlement::Client;
use serde_json::Value;

fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct we pass.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

const EXPAND: &str = "target,accessPackage,assignmentPolicy";

async fn raw(http: &reqwest::Client, base: &str, token: &str) -> usize {
    let mut url = Some(format!("{base}/v1.0/identityGovernance/entitlementManagement/assignments?$expand={EXPAND}"));
    let mut n = 0;
    while let Some(u) = url.take() {
        let body = http.get(&u).bearer_auth(token).send().await.unwrap().bytes().await.unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        n += v["value"].as_array().map_or(0, |a| a.len());
        // Touch one field per object, as the other benchmarks do.
        for x in v["value"].as_array().unwrap() {
            std::hint::black_box(x.get("id"));
        }
        url = v.get("@odata.nextLink").and_then(|l| l.as_str()).map(str::to_string);
    }
    n
}

async fn typed(client: &Client) -> usize {
    let all: Vec<AccessPackageAssignment> =
        client.list_assignments().expand(EXPAND.split(',')).all().await.unwrap();
    for x in &all {
        std::hint::black_box(&x.id);
    }
    all.len()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let base = arg("--base-url").expect("--base-url");
    let token = arg("--token").expect("--token");
    let rounds: usize = arg("--rounds").and_then(|r| r.parse().ok()).unwrap_or(5);
    // Built first: it installs the TLS crypto provider reqwest needs.
    let client = Client::builder().base_url(&base).token(token.clone()).build().unwrap();
    let http = reqwest::Client::new();
    // Warm up connections and caches.
    let n = raw(&http, &base, &token).await;
    assert_eq!(typed(&client).await, n);
    let (mut best_raw, mut best_typed) = (f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let t = cpu_time();
        assert_eq!(raw(&http, &base, &token).await, n);
        best_raw = best_raw.min((cpu_time() - t).as_secs_f64() * 1e6 / n as f64);
        let t = cpu_time();
        assert_eq!(typed(&client).await, n);
        best_typed = best_typed.min((cpu_time() - t).as_secs_f64() * 1e6 / n as f64);
    }
    println!("objects={n}");
    println!("raw_cpu_us_per_object={best_raw:.3}");
    println!("core_typed_cpu_us_per_object={best_typed:.3}");
}
