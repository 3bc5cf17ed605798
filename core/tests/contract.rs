// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The cross-language contract table (tests/contract/cases.json) through
//! core's bridge (`ClientConfig`, `Session`, `Call`, `Response`) and the
//! emulator crate's `HostedEmulator`: the code every binding ends in. The
//! same cases run in Python, Node and C; each failing case prints
//! `rust case <name>: expected ..., got ...`.

use std::collections::HashMap;
use std::path::PathBuf;

use entitlement::api::OpKind;
use entitlement::bridge::{Call, ClientConfig, RawBody, Session};
use entitlement::Error;
use entitlement_emulator::HostedEmulator;
use serde_json::{json, Value};

const LANG: &str = "rust";

fn table() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/contract/cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} not readable: {e}", path.display()));
    serde_json::from_str(&text).expect("cases.json is JSON")
}

type Env = HashMap<String, Value>;

fn subst(v: &Value, env: &Env) -> Value {
    match v {
        Value::String(s) => {
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${") {
                let end = rest[i..].find('}').map(|e| i + e).expect("closed ${");
                out.push_str(&rest[..i]);
                let key = &rest[i + 2..end];
                match env.get(key) {
                    Some(Value::String(x)) => out.push_str(x),
                    Some(other) => out.push_str(&other.to_string()),
                    None => panic!("${{{key}}} is not saved"),
                }
                rest = &rest[end + 1..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| subst(x, env)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), subst(x, env))).collect()),
        other => other.clone(),
    }
}

/// The case's emulator options in the bindings' option format.
fn emulator_options(opts: &Value, busy_port: u16) -> Value {
    let mut o = opts.as_object().cloned().unwrap_or_default();
    if o.get("port").is_some_and(|p| p == "in_use") {
        o.insert("port".into(), json!(busy_port));
    }
    o.entry("deliveryDelayMs").or_insert(json!(20));
    Value::Object(o)
}

/// Runs one call; a list is read to its last page. `None` is "no body".
async fn call(session: &Session, step: &Value, env: &Env) -> Result<Option<Value>, Error> {
    let args = subst(step.get("args").unwrap_or(&Value::Null), env);
    let query = step.get("query").map(|q| subst(q, env)).unwrap_or(Value::Null);
    let body_text = step.get("bodyText").map(|t| t.as_str().expect("bodyText is a string").to_string());
    let body = match (step.get("body"), &body_text) {
        (Some(b), _) => RawBody::Json(subst(b, env)),
        (None, Some(t)) => RawBody::Text(t.as_bytes()),
        (None, None) => RawBody::None,
    };
    let call = Call::new(step["op"].as_str().expect("op"), args, query, body)?;
    let client = session.client()?;
    let parse = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).map_err(|e| Error::decode(e.to_string()));
    if call.op.kind != OpKind::List {
        return call.send(&client).await?.json()?.map(|b| parse(&b)).transpose();
    }
    let mut items = Vec::new();
    let mut page = call.send(&client).await?.items_json()?;
    loop {
        items.extend(parse(&page.items)?.as_array().cloned().unwrap_or_default());
        match page.next_link.take() {
            Some(next) => page = call.next_page(&client, &next).await?.items_json()?,
            None => break,
        }
    }
    Ok(Some(Value::Array(items)))
}

fn make_client(emu: &HostedEmulator, spec: &Value) -> Result<Session, Error> {
    let base = spec.get("baseUrl").cloned().unwrap_or_else(|| json!(emu.base_url()));
    let mut o = json!({"baseUrl": base, "authority": emu.authority(), "tenantId": emu.tenant_id()});
    for key in ["maxRetries", "timeoutMs"] {
        if let Some(v) = spec.get(key) {
            o[key] = v.clone();
        }
    }
    let (id, secret) = emu.app_credentials();
    let user = || spec["user"].as_str().expect("user").to_string();
    match spec.get("credential").and_then(Value::as_str).unwrap_or("app") {
        "app" => (o["clientId"], o["clientSecret"]) = (json!(id), json!(secret)),
        "bad_secret" => (o["clientId"], o["clientSecret"]) = (json!(id), json!(format!("{secret}-wrong"))),
        "user_signin" => {
            o["credential"] = json!({"kind": "interactiveBrowser", "tenantId": emu.tenant_id(), "clientId": id,
                                     "loginHint": user(), "browser": "http"});
            o.as_object_mut().expect("object").remove("tenantId");
        }
        "user_token" => o["token"] = json!(emu.user_token(&user())?),
        "token" => o["token"] = spec["token"].clone(),
        "none" => {}
        other => panic!("unknown credential {other} in cases.json"),
    }
    Session::new(ClientConfig::from_value(o)?, None)
}

fn pointer<'a>(doc: &'a Option<Value>, ptr: &str) -> Option<&'a Value> {
    doc.as_ref().and_then(|d| d.pointer(ptr))
}

fn describe(e: &Error) -> String {
    let ra = e.retry_after.map(|d| format!(", retryAfter {}", d.as_secs_f64())).unwrap_or_default();
    format!("error {} (status {:?}, code {:?}{ra}): {}", e.kind, e.status, e.code, e.message)
}

/// "" when the outcome matches, else what was wrong.
fn check(expect: &Value, outcome: &Result<Option<Value>, Error>, env: &Env) -> String {
    let short = |v: &Option<Value>| v.as_ref().map(|v| v.to_string().chars().take(200).collect()).unwrap_or_else(|| "nothing".to_string());
    if let Some(want) = expect.get("error") {
        let e = match outcome {
            Ok(v) => return format!("success with {}", short(v)),
            Err(e) => e,
        };
        let mut wrong = Vec::new();
        if e.kind.as_str() != want["kind"] {
            wrong.push("kind");
        }
        if let Some(s) = want.get("status") {
            if e.status.map(|x| json!(x)) != Some(s.clone()) {
                wrong.push("status");
            }
        }
        if let Some(c) = want.get("code") {
            if e.code.as_deref() != c.as_str() {
                wrong.push("code");
            }
        }
        if let Some(r) = want.get("retryAfter").and_then(Value::as_f64) {
            if e.retry_after.map(|d| (d.as_secs_f64() - r).abs() > 0.001).unwrap_or(true) {
                wrong.push("retryAfter");
            }
        }
        return if wrong.is_empty() { String::new() } else { format!("{} [wrong {}]", describe(e), wrong.join(", ")) };
    }
    let result = match outcome {
        Err(e) => return describe(e),
        Ok(v) => v,
    };
    let kind = match result {
        None => "none",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
        Some(_) => "scalar",
    };
    if let Some(b) = expect.get("body").and_then(Value::as_str) {
        if b != kind {
            return format!("a {kind} body: {}", short(result));
        }
    }
    if let Some(n) = expect.get("items").and_then(Value::as_u64) {
        let got = result.as_ref().and_then(Value::as_array).map(Vec::len);
        if got != Some(n as usize) {
            return format!("{got:?} items: {}", short(result));
        }
    }
    for (ptr, want) in subst(expect.get("json").unwrap_or(&json!({})), env).as_object().unwrap() {
        match pointer(result, ptr) {
            Some(got) if got == want => {}
            got => return format!("{ptr} = {}", got.map(Value::to_string).unwrap_or_else(|| "(missing)".into())),
        }
    }
    for ptr in expect.get("present").and_then(Value::as_array).into_iter().flatten() {
        if pointer(result, ptr.as_str().unwrap()).is_none() {
            return format!("{ptr} missing");
        }
    }
    for ptr in expect.get("absent").and_then(Value::as_array).into_iter().flatten() {
        if pointer(result, ptr.as_str().unwrap()).is_some() {
            return format!("{ptr} present");
        }
    }
    String::new()
}

async fn run_case(case: &Value, busy_port: u16) -> (Result<Option<Value>, Error>, Env) {
    let mut env = Env::new();
    let start = |opts: &Value| {
        let opts = emulator_options(opts, busy_port);
        async move { tokio::task::spawn_blocking(move || HostedEmulator::start(opts)).await.expect("start task") }
    };
    if let Some(opts) = case.get("start") {
        let outcome = start(opts).await.map(|emu| {
            emu.stop();
            None
        });
        return (outcome, env);
    }
    let emu = start(case.get("emulator").unwrap_or(&json!({}))).await.expect("emulator starts");
    let admin = make_client(&emu, &json!({})).expect("admin client");
    for step in case.get("setup").and_then(Value::as_array).into_iter().flatten() {
        let result = call(&admin, step, &env).await.unwrap_or_else(|e| panic!("{}: setup failed: {e}", case["name"]));
        for (var, ptr) in step.get("save").and_then(Value::as_object).into_iter().flatten() {
            let v = pointer(&result, ptr.as_str().unwrap()).cloned().expect("saved value");
            env.insert(var.clone(), v);
        }
    }
    let outcome = async {
        let session = make_client(&emu, case.get("client").unwrap_or(&json!({})))?;
        if let Some(f) = case.get("fault") {
            emu.inject_fault(f.clone())?;
        }
        call(&session, &case["call"], &env).await
    }
    .await;
    tokio::task::spawn_blocking(move || emu.stop()).await.expect("stop task");
    (outcome, env)
}

fn expected_text(expect: &Value) -> String {
    match expect.get("error") {
        Some(e) => format!("error {e}"),
        None => {
            let mut rest = expect.clone();
            rest.as_object_mut().unwrap().remove("ok");
            format!("success {rest}")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_cases() {
    let table = table();
    let drift: HashMap<&str, &str> = table["known_drift"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["language"] == LANG)
        .map(|d| (d["case"].as_str().unwrap(), d["reason"].as_str().unwrap()))
        .collect();
    let busy = tokio::task::spawn_blocking(|| HostedEmulator::start(Value::Null)).await.unwrap().expect("emulator starts");
    let busy_port: u16 = busy.base_url().rsplit(':').next().unwrap().parse().unwrap();
    let (mut passed, mut skipped, mut drifted, mut failed) = (0, 0, 0, Vec::new());
    for case in table["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        if let Some(reason) = case.get("skip").and_then(|s| s.get(LANG)) {
            println!("contract {LANG} {name}: skipped ({})", reason.as_str().unwrap_or(""));
            skipped += 1;
            continue;
        }
        let (outcome, env) = run_case(case, busy_port).await;
        let wrong = check(&case["expect"], &outcome, &env);
        match (wrong.is_empty(), drift.get(name)) {
            (true, None) => passed += 1,
            (true, Some(_)) => {
                println!("{LANG} case {name}: passes; remove its known_drift mark");
                passed += 1;
            }
            (false, Some(reason)) => {
                println!("contract {LANG} {name}: known drift ({reason}): {wrong}");
                drifted += 1;
            }
            (false, None) => {
                let line = format!("{LANG} case {name}: expected {}, got {wrong}", expected_text(&case["expect"]));
                eprintln!("{line}");
                failed.push(line);
            }
        }
    }
    tokio::task::spawn_blocking(move || busy.stop()).await.unwrap();
    println!("contract {LANG}: {passed} passed, {} failed, {drifted} known drift, {skipped} skipped", failed.len());
    assert!(failed.is_empty(), "{} contract case(s) failed:\n{}", failed.len(), failed.join("\n"));
}
