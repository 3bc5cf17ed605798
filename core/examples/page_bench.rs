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
//! page_bench --base-url URL --token TOKEN --serve-replay      # the pages, served from memory
//! ```
//!
//! `--serve-replay` fetches every page of the query once, then serves them
//! from memory on a loopback port (printed as `replay_url=...`) until killed,
//! each `@odata.nextLink` pointing at the next page there: a server that
//! costs next to nothing, so a client's wall time shows whether the next page
//! was fetched while the caller iterated (against the emulator, its rendering
//! dominates wall time).
//!
//! Prints `key=value` lines: `objects`, `raw_body_bytes_per_object`,
//! `{raw,core_typed}_{cpu,wall}_us_per_object` (best of the rounds; CPU is
//! user + system of the whole process, every thread).

use std::hint::black_box;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use entitlement::models::v1::AccessPackageAssignment;
use entitlement::Client;
use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// `--serve-replay` (see the module doc).
async fn serve_replay(http: &reqwest::Client, base: &str, token: &str) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let me = format!("http://{}", listener.local_addr().expect("address"));
    let path = format!("/v1.0/identityGovernance/entitlementManagement/assignments?$expand={EXPAND}");
    let (mut pages, mut url) = (Vec::new(), Some(format!("{base}{path}")));
    while let Some(u) = url.take() {
        let resp = http.get(&u).bearer_auth(token).send().await.expect("GET assignments");
        assert!(resp.status().is_success(), "GET {u}: {}", resp.status());
        let mut page: Value = serde_json::from_slice(&resp.bytes().await.expect("body")).expect("JSON page");
        url = page.get("@odata.nextLink").and_then(Value::as_str).map(str::to_string);
        if url.is_some() {
            let next = format!("{me}{path}&$skiptoken=replay{}", pages.len() + 1);
            page["@odata.nextLink"] = Value::String(next);
        }
        pages.push(serde_json::to_vec(&page).expect("encode"));
    }
    println!("replay_url={me}");
    std::io::stdout().flush().expect("stdout");
    let pages = Arc::new(pages);
    loop {
        let (mut sock, _) = listener.accept().await.expect("accept");
        let pages = pages.clone();
        tokio::spawn(async move {
            let (mut buf, mut chunk) = (Vec::new(), vec![0u8; 16384]);
            loop {
                // One request head (GETs: no body), then its page.
                let end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => buf.extend_from_slice(&chunk[..k]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                buf.drain(..end);
                let target = head.split(' ').nth(1).unwrap_or_default();
                let after = target.split("skiptoken=replay").nth(1).unwrap_or_default();
                let i: usize = after.split('&').next().and_then(|k| k.parse().ok()).unwrap_or(0);
                let body = &pages[i.min(pages.len() - 1)];
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if sock.write_all(head.as_bytes()).await.is_err() || sock.write_all(body).await.is_err() {
                    return;
                }
            }
        });
    }
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
    if args.iter().any(|a| a == "--serve-replay") {
        return serve_replay(&http, &base, &token).await;
    }
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
