// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Paging benchmark: CPU and wall time per object to page every assignment
//! with `$expand=target,accessPackage,assignmentPolicy`, through the typed
//! core client (`list_assignments().expand(..).stream()`) and through a raw
//! reqwest + `serde_json::Value` baseline, in the same process against the
//! same (out-of-process) emulator. Both touch the same fields per object as
//! the Python and Node benchmarks (`id`, `target.displayName`,
//! `accessPackage.displayName`, `state`).
//!
//! ```text
//! cargo run --release -p entitlement --example page_bench -- --base-url URL --token TOKEN [--rounds 5]
//! page_bench --base-url URL --token TOKEN --once raw|typed   # one pass, then exit (whole-process timing)
//! ```
//!
//! Prints `key=value` lines: `objects`, `raw_body_bytes_per_object`,
//! `{raw,core_typed}_{cpu,wall}_us_per_object` (best of the rounds; CPU is
//! user + system of the whole process, every thread).

use std::hint::black_box;
use std::time::{Duration, Instant};

use entitlement::models::v1::AccessPackageAssignment;
use entitlement::Client;
use futures_util::StreamExt;
use serde_json::Value;

fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct we pass.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

const EXPAND: &str = "target,accessPackage,assignmentPolicy";

/// One pass of the baseline: (objects, body bytes).
async fn raw(http: &reqwest::Client, base: &str, token: &str) -> (usize, usize) {
    let mut url = Some(format!("{base}/v1.0/identityGovernance/entitlementManagement/assignments?$expand={EXPAND}"));
    let (mut n, mut bytes) = (0, 0);
    while let Some(u) = url.take() {
        let resp = http.get(&u).bearer_auth(token).send().await.expect("GET assignments");
        assert!(resp.status().is_success(), "GET {u}: {}", resp.status());
        let body = resp.bytes().await.expect("body");
        bytes += body.len();
        let v: Value = serde_json::from_slice(&body).expect("JSON page");
        for x in v["value"].as_array().expect("value array") {
            black_box((
                x.get("id").and_then(Value::as_str),
                x.get("target").and_then(|t| t.get("displayName")).and_then(Value::as_str),
                x.get("accessPackage").and_then(|p| p.get("displayName")).and_then(Value::as_str),
                x.get("state").and_then(Value::as_str),
            ));
            n += 1;
        }
        url = v.get("@odata.nextLink").and_then(Value::as_str).map(str::to_string);
    }
    (n, bytes)
}

/// One pass through the typed client, item by item as an application iterates.
async fn typed(client: &Client) -> usize {
    let mut n = 0;
    let stream = client.list_assignments().expand(EXPAND.split(',')).stream();
    futures_util::pin_mut!(stream);
    while let Some(x) = stream.next().await {
        let x: AccessPackageAssignment = x.expect("typed page");
        black_box((
            x.id.as_deref(),
            x.target.as_ref().and_then(|t| t.display_name.as_deref()),
            x.access_package.as_ref().and_then(|p| p.display_name.as_deref()),
            &x.state,
        ));
        n += 1;
    }
    n
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let base = arg("--base-url").expect("--base-url");
    let token = arg("--token").expect("--token");
    let rounds: usize = arg("--rounds").and_then(|r| r.parse().ok()).unwrap_or(5);
    // Built first: it installs the TLS crypto provider reqwest needs.
    let client = Client::builder().base_url(&base).token(token.clone()).build().expect("client");
    let http = reqwest::Client::new();
    match arg("--once").as_deref() {
        Some("raw") => {
            println!("objects={}", raw(&http, &base, &token).await.0);
            return;
        }
        Some("typed") => {
            println!("objects={}", typed(&client).await);
            return;
        }
        Some(other) => panic!("--once raw|typed, not {other}"),
        None => {}
    }
    // Warm up connections and caches.
    let (n, bytes) = raw(&http, &base, &token).await;
    assert!(n > 0, "no assignments to page");
    assert_eq!(typed(&client).await, n);
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    let (mut raw_cpu, mut raw_wall, mut typed_cpu, mut typed_wall) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let (t, w) = (cpu_time(), Instant::now());
        assert_eq!(raw(&http, &base, &token).await.0, n);
        raw_cpu = raw_cpu.min(per(cpu_time() - t));
        raw_wall = raw_wall.min(per(w.elapsed()));
        let (t, w) = (cpu_time(), Instant::now());
        assert_eq!(typed(&client).await, n);
        typed_cpu = typed_cpu.min(per(cpu_time() - t));
        typed_wall = typed_wall.min(per(w.elapsed()));
    }
    println!("objects={n}");
    println!("raw_body_bytes_per_object={}", bytes / n);
    println!("raw_cpu_us_per_object={raw_cpu:.3}");
    println!("raw_wall_us_per_object={raw_wall:.3}");
    println!("core_typed_cpu_us_per_object={typed_cpu:.3}");
    println!("core_typed_wall_us_per_object={typed_wall:.3}");
}
