// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Fuzz targets `router` and `server`: one HTTP request to the emulator.
//!
//! - `router` runs what the server does before dispatch, at function-call
//!   speed: `Operation::route` (and `path_known` for 404 vs 405), the query
//!   options, and the body check against the operation's type.
//! - `server` sends the whole request through the emulator's handler in
//!   process (authentication, dispatch, SQLite state): any answer is fine
//!   except a 5xx, a panic, or a body that is not Graph's JSON.
//!
//! Input: one selector byte (bit 0: beta; bits 1–3: method; bit 4: the
//! request target is used as is, without the `/v1.0` or `/beta` prefix;
//! bits 5–6: which token the `server` target sends), the request target
//! (path and query) up to `\n`, then the body.
//!
//! Shared with `emulator/tests/fuzz_regressions.rs`, which includes this
//! file by path.

use std::sync::Mutex;

use axum::body::Body;
use axum::http::{Method, Request};
use entitlement::api::{ApiVersion, OpKind, Operation};
use entitlement_emulator::in_process::{validate_body, InProcess};
use entitlement_emulator::odata::query;
use entitlement_emulator::EmulatorConfig;
use serde_json::Value;

const METHODS: [&str; 8] = [
    "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "get",
];

/// One decoded input.
pub struct Input<'a> {
    pub version: ApiVersion,
    pub method: &'static str,
    pub raw_target: bool,
    pub who: u8,
    pub target: &'a str,
    pub body: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn parse(data: &'a [u8]) -> Option<Input<'a>> {
        let (&sel, rest) = data.split_first()?;
        let nl = rest.iter().position(|&b| b == b'\n')?;
        let target = std::str::from_utf8(&rest[..nl]).ok()?;
        Some(Input {
            version: if sel & 1 == 0 {
                ApiVersion::V1
            } else {
                ApiVersion::Beta
            },
            method: METHODS[usize::from(sel >> 1) & 7],
            raw_target: sel & 0x10 != 0,
            who: (sel >> 5) & 3,
            target,
            body: &rest[nl + 1..],
        })
    }
}

/// Routing, query options and body validation (the `router` target).
pub fn run_router(data: &[u8]) {
    let Some(i) = Input::parse(data) else { return };
    let (path, q) = match i.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (i.target, None),
    };
    let routed = Operation::route(i.version, i.method, path);
    let known = Operation::path_known(i.version, path);
    let _ = query::parse(q);
    let Some((op, args)) = routed else { return };
    assert!(
        known,
        "{} {path} routes to {} but is not a known path",
        i.method, op.name
    );
    assert_eq!(
        args.len(),
        op.params.len(),
        "{}: one argument per path parameter",
        op.name
    );
    // No path argument is ever empty, in a plain `{id}` segment or in the key
    // form `name(id='')` (the latter was found by this target; kept in
    // fuzz/regressions/router).
    assert!(
        args.iter().all(|a| !a.is_empty()),
        "{}: an empty path argument: {args:?}",
        op.name
    );
    assert!(op.method.eq_ignore_ascii_case(i.method));
    if let Some(t) = op.body {
        if let Ok(v @ Value::Object(_)) = serde_json::from_slice::<Value>(i.body) {
            if let Err((status, msg)) = validate_body(i.version, t, &v) {
                assert!(
                    (400..500).contains(&status),
                    "{}: body check answered {status}: {msg}",
                    op.name
                );
            }
        }
    }
}

/// The emulator in process, rebuilt now and then so state stays small and
/// the run stays reproducible from a recent reset.
struct Server {
    emu: InProcess,
    rt: tokio::runtime::Runtime,
    uses: u32,
}

const RESET_EVERY: u32 = 2_000;

fn new_server() -> Server {
    let config = EmulatorConfig {
        delivery_delay: std::time::Duration::ZERO,
        page_size: 5,
        ..Default::default()
    };
    Server {
        emu: InProcess::new(config).expect("the in-process emulator starts"),
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime"),
        uses: 0,
    }
}

static SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// Drops the shared emulator state (a replay starts each file afresh).
pub fn reset_server() {
    *SERVER.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// The identity provider's routes answer Entra's error shape
/// (`{"error": "invalid_tenant", "error_description": "AADSTS…"}`), not
/// Graph's: the token, device code, discovery and key endpoints of a
/// tenant, the managed-identity endpoints and the device-code approval.
fn identity_route(uri: &str) -> bool {
    let path = uri.split('?').next().unwrap_or_default();
    let segs: Vec<&str> = path.split('/').collect();
    matches!(
        segs.as_slice(),
        ["", _, "oauth2", ..]
            | ["", _, "v2.0", ".well-known", "openid-configuration"]
            | ["", _, "discovery", "v2.0", "keys"]
            | ["", "metadata", "identity", "oauth2", "token"]
            | ["", "msi", "token"]
            | ["", "_emulator", "devicecode", "approve"]
    )
}

/// The whole request through the emulator's handler (the `server` target).
pub fn run_server(data: &[u8]) {
    let Some(i) = Input::parse(data) else { return };
    let uri = if i.raw_target {
        i.target.to_string()
    } else {
        format!("/{}{}", i.version.as_str(), i.target)
    };
    let mut guard = SERVER.lock().unwrap_or_else(|p| p.into_inner());
    let s = guard.get_or_insert_with(new_server);
    s.uses += 1;
    if s.uses > RESET_EVERY {
        *s = new_server();
    }
    let token = match i.who {
        0 => Some(s.emu.admin_token.as_str()),
        1 => Some(s.emu.user_token.as_str()),
        2 => Some(s.emu.app_token.as_str()),
        _ => None,
    };
    let Ok(method) = Method::from_bytes(i.method.as_bytes()) else {
        return;
    };
    let mut req = Request::builder()
        .method(method)
        .uri(uri.as_str())
        .header("host", "localhost")
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let Ok(req) = req.body(Body::from(i.body.to_vec())) else {
        return;
    };
    let (status, body) = s.rt.block_on(async {
        let resp = s.emu.handle(req).await;
        let status = resp.status().as_u16();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("the body is in memory");
        // Let background work (request delivery) run a step, as a server would.
        tokio::task::yield_now().await;
        (status, body)
    });
    assert!(
        status < 500,
        "{} {uri}: answered {status}: {}",
        i.method,
        String::from_utf8_lossy(&body)
    );
    if !body.is_empty() {
        let v: Value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{} {uri}: the body is not JSON ({e})", i.method));
        if status >= 400 && !identity_route(&uri) {
            assert!(
                v["error"]["code"].is_string(),
                "{} {uri}: {status} without a Graph error body: {v}",
                i.method
            );
        }
    }
    // A list answered 200 is a page.
    if status == 200 && !i.raw_target {
        let path = i.target.split('?').next().unwrap_or_default();
        if let Some((op, _)) = Operation::route(i.version, i.method, path) {
            if op.kind == OpKind::List {
                let v: Value = serde_json::from_slice(&body).unwrap_or_default();
                assert!(
                    v["value"].is_array(),
                    "{} {uri}: a list answered without \"value\": {v}",
                    i.method
                );
            }
        }
    }
}
