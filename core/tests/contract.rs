// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The cross-language contract table (tests/contract/cases.json) through
//! `Client::call` with `Operation::find_qualified`, the entry point every
//! binding ends in, against the emulator crate. The same cases run in
//! Python, Node and C; each failing case prints
//! `rust case <name>: expected ..., got ...`.
//!
//! The emulator crate answers `EmulatorError`; the contract's mapping of it
//! (a bad seed, port or database path is InvalidArgument, an unknown user
//! NotFound) is applied here, as every binding applies it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use entitlement::api::{OpKind, Operation};
use entitlement::{Client, Error, ErrorKind, QueryOptions, RetryPolicy};
use entitlement_emulator::{ids, Emulator, EmulatorConfig, EmulatorError, Fault, Seed};
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

fn emu_error(e: EmulatorError) -> Error {
    let kind = match e {
        EmulatorError::UnknownUser(_) => ErrorKind::NotFound,
        EmulatorError::Seed(_) | EmulatorError::Io(_) | EmulatorError::Db(_) => ErrorKind::InvalidArgument,
        _ => ErrorKind::Internal,
    };
    Error::new(kind, e.to_string())
}

fn config(opts: &Value, busy_port: u16) -> Result<EmulatorConfig, Error> {
    let mut cfg = EmulatorConfig { delivery_delay: Duration::from_millis(20), ..Default::default() };
    for (k, v) in opts.as_object().into_iter().flatten() {
        match k.as_str() {
            "seed" => {
                cfg.seed = serde_json::from_value::<Seed>(v.clone())
                    .map_err(|e| emu_error(EmulatorError::Seed(e.to_string())))?
            }
            "dbPath" => cfg.db_path = Some(PathBuf::from(v.as_str().expect("dbPath is a string"))),
            "pageSize" => cfg.page_size = v.as_u64().expect("pageSize is a number") as usize,
            "port" => cfg.port = if v == "in_use" { busy_port } else { v.as_u64().expect("port") as u16 },
            other => panic!("unknown emulator option {other} in cases.json"),
        }
    }
    Ok(cfg)
}

fn string_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|x| x.as_str().expect("a list of strings").to_string()).collect(),
        other => panic!("not a string list: {other}"),
    }
}

fn query(q: Option<&Value>) -> QueryOptions {
    let mut out = QueryOptions::default();
    for (k, v) in q.and_then(Value::as_object).into_iter().flatten() {
        match k.as_str() {
            "filter" => out.filter = Some(v.as_str().expect("filter is a string").to_string()),
            "search" => out.search = Some(v.as_str().expect("search is a string").to_string()),
            "select" => out.select = string_list(v),
            "expand" => out.expand = string_list(v),
            "orderby" => out.orderby = string_list(v),
            "top" => out.top = Some(v.as_u64().expect("top is a u32") as u32),
            "count" => out.count = v.as_bool().expect("count is a bool"),
            other => panic!("query option {other} has no QueryOptions field (mark the case skipped for rust)"),
        }
    }
    out
}

/// Runs one call; a list is read to its last page. `None` is "no body".
async fn call(client: &Client, step: &Value, env: &Env) -> Result<Option<Value>, Error> {
    let name = step["op"].as_str().expect("op");
    let op = Operation::find_qualified(name).unwrap_or_else(|| panic!("{name}: unknown operation (mark the case skipped for rust)"));
    let args: Vec<String> = subst(step.get("args").unwrap_or(&json!([])), env)
        .as_array()
        .expect("args is an array")
        .iter()
        .map(|a| a.as_str().expect("string path arguments (mark the case skipped for rust)").to_string())
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let body = if let Some(b) = step.get("body") {
        Some(serde_json::to_vec(&subst(b, env)).unwrap())
    } else {
        step.get("bodyText").map(|t| t.as_str().expect("bodyText is a string").as_bytes().to_vec())
    };
    let q = query(step.get("query").map(|q| subst(q, env)).as_ref());
    let resp = client.call(op, &args, &q, body).await?;
    let parse = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).map_err(|e| Error::decode(e.to_string()));
    if op.kind != OpKind::List {
        return if resp.body.is_empty() { Ok(None) } else { parse(&resp.body).map(Some) };
    }
    let mut items = Vec::new();
    let mut page = parse(&resp.body)?;
    loop {
        items.extend(page["value"].as_array().cloned().ok_or_else(|| Error::decode("no value array"))?);
        match page.get("@odata.nextLink").and_then(Value::as_str) {
            Some(next) => page = parse(&client.fetch_next(next).await?.body)?,
            None => break,
        }
    }
    Ok(Some(Value::Array(items)))
}

fn make_client(emu: &Emulator, spec: &Value) -> Result<Client, Error> {
    let base = spec.get("baseUrl").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| emu.base_url());
    let mut b = Client::builder().base_url(base).authority(emu.authority());
    if let Some(n) = spec.get("maxRetries").and_then(Value::as_u64) {
        b = b.retry(RetryPolicy { max_attempts: n as u32 + 1, base_delay: Duration::from_millis(10), ..Default::default() });
    }
    if let Some(ms) = spec.get("timeoutMs").and_then(Value::as_u64) {
        b = b.timeout(Duration::from_millis(ms));
    }
    let (id, secret) = emu.app_credentials();
    let user = || spec["user"].as_str().expect("user").to_string();
    b = match spec.get("credential").and_then(Value::as_str).unwrap_or("app") {
        "app" => b.client_secret(emu.tenant_id(), &id, secret),
        "bad_secret" => b.client_secret(emu.tenant_id(), &id, format!("{secret}-wrong")),
        "user_password" => b.username_password(emu.tenant_id(), &id, &user(), ids::USER_PASSWORD),
        "user_token" => b.token(emu.user_token(&user()).map_err(emu_error)?),
        "token" => b.token(spec["token"].as_str().expect("token").to_string()),
        "none" => b,
        other => panic!("unknown credential {other} in cases.json"),
    };
    b.build()
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
    if let Some(start) = case.get("start") {
        let outcome = match config(start, busy_port) {
            Err(e) => Err(e),
            Ok(cfg) => match Emulator::start(cfg).await {
                Ok(emu) => {
                    emu.shutdown().await;
                    Ok(None)
                }
                Err(e) => Err(emu_error(e)),
            },
        };
        return (outcome, env);
    }
    let cfg = config(case.get("emulator").unwrap_or(&json!({})), busy_port).expect("emulator options");
    let emu = Emulator::start(cfg).await.expect("emulator starts");
    let admin = make_client(&emu, &json!({})).expect("admin client");
    for step in case.get("setup").and_then(Value::as_array).into_iter().flatten() {
        let result = call(&admin, step, &env).await.unwrap_or_else(|e| panic!("{}: setup failed: {e}", case["name"]));
        for (var, ptr) in step.get("save").and_then(Value::as_object).into_iter().flatten() {
            let v = pointer(&result, ptr.as_str().unwrap()).cloned().expect("saved value");
            env.insert(var.clone(), v);
        }
    }
    let outcome = async {
        let client = make_client(&emu, case.get("client").unwrap_or(&json!({})))?;
        if let Some(f) = case.get("fault") {
            emu.inject_fault(Fault {
                status: f["status"].as_u64().unwrap() as u16,
                retry_after: f.get("retryAfter").and_then(Value::as_str).map(str::to_string),
                count: f.get("count").and_then(Value::as_u64).unwrap_or(1) as u32,
                path_contains: f.get("pathContains").and_then(Value::as_str).map(str::to_string),
            });
        }
        call(&client, &case["call"], &env).await
    }
    .await;
    emu.shutdown().await;
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
    let busy = Emulator::start(EmulatorConfig::default()).await.expect("emulator starts");
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
    busy.shutdown().await;
    println!("contract {LANG}: {passed} passed, {} failed, {drifted} known drift, {skipped} skipped", failed.len());
    assert!(failed.is_empty(), "{} contract case(s) failed:\n{}", failed.len(), failed.join("\n"));
}
