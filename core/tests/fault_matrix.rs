// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The fault matrix: every way a server or the network can misbehave, for a
//! read (`list_catalogs`, GET) and a create (`create_catalog`, POST), against
//! a loopback server written here. It speaks just enough HTTP/1.1 by hand to
//! misbehave precisely (reset before or after reading, stall before the
//! headers or inside the body, lie about Content-Length, redirect, send
//! hostile header values) and records every request it receives.
//!
//! For every row it prints the case, the operation, the requests each host
//! received, the outcome and the time taken, and asserts that: nothing
//! panics; the call ends within its deadline; a create is never sent again
//! after an answer that leaves its outcome unknown; the bearer token never
//! reaches any host but the Graph host; and the outcome is the expected one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use entitlement::models::v1;
use entitlement::{Client, ErrorKind, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "matrix-secret-token";
const DEADLINE: Duration = Duration::from_secs(2);
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(500);
/// Scheduling slack on a loaded machine: the client itself never sleeps past the deadline.
const SLACK: Duration = Duration::from_millis(400);

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    authorization: Option<String>,
    /// What the server did with it: `true` when its answer leaves the
    /// outcome unknown to the client (504, reset or stall after reading).
    unknown_answer: bool,
}

/// What the server does with a request it has read.
#[derive(Clone)]
enum Act {
    /// A complete response (`Content-Length` set, connection closed after).
    Reply { status: u16, headers: Vec<(String, String)>, body: String },
    /// These bytes as the whole response, then close (lies about the length, truncates).
    Raw(String),
    /// These bytes, then nothing more while the connection stays open.
    RawThenStall(String),
    /// Read the request, then reset the connection.
    Reset,
    /// Read the request and never answer.
    Stall,
}

impl Act {
    fn status(status: u16) -> Act {
        Act::Reply { status, headers: vec![], body: format!(r#"{{"error":{{"code":"E{status}","message":"fault {status}"}}}}"#) }
    }
    fn with_retry_after(status: u16, value: &str) -> Act {
        let Act::Reply { body, .. } = Act::status(status) else { unreachable!() };
        Act::Reply { status, headers: vec![("Retry-After".into(), value.into())], body }
    }
    fn ok(method: &str) -> Act {
        if method == "POST" {
            Act::Reply { status: 201, headers: vec![], body: r#"{"id":"c1","displayName":"x"}"#.into() }
        } else {
            Act::Reply { status: 200, headers: vec![], body: r#"{"value":[{"id":"c1","displayName":"x"}]}"#.into() }
        }
    }
    /// Whether the client cannot know, from this answer, if the request was applied.
    fn leaves_outcome_unknown(&self) -> bool {
        match self {
            Act::Reply { status, headers, .. } => {
                let has_retry_after = headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("retry-after"));
                (500..600).contains(status) && !(*status == 503 && has_retry_after)
            }
            Act::Raw(_) | Act::RawThenStall(_) | Act::Reset | Act::Stall => true,
        }
    }
}

type Behaviour = Arc<dyn Fn(&str, usize) -> Act + Send + Sync>;

/// A loopback HTTP server with a behaviour per request (`(method, n)` → what
/// to do, `n` counting the API requests it has read from 0). Token requests
/// (`/{tenant}/oauth2/v2.0/token`) are answered from `token_body`.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
    token_requests: Arc<AtomicUsize>,
}

enum Accept {
    /// Read requests and act on them.
    Serve(Behaviour, Option<String>),
    /// Reset every connection before reading anything.
    ResetBeforeReading,
}

impl Server {
    async fn start(accept: Accept) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let token_requests = Arc::new(AtomicUsize::new(0));
        let accept = Arc::new(accept);
        let (s, c, t) = (seen.clone(), connections.clone(), token_requests.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let (accept, s, t) = (accept.clone(), s.clone(), t.clone());
                tokio::spawn(async move {
                    match &*accept {
                        Accept::ResetBeforeReading => {
                            // Look at what arrived without reading it, to count the
                            // requests that reached this host, then reset.
                            let mut head = [0u8; 2048];
                            let peeked = tokio::time::timeout(Duration::from_millis(100), stream.peek(&mut head)).await;
                            if let Ok(Ok(n)) = peeked {
                                let text = String::from_utf8_lossy(&head[..n]).into_owned();
                                if let Some(method) = text.split(' ').next().filter(|m| !m.is_empty()) {
                                    let authorization = text
                                        .split("\r\n")
                                        .find_map(|l| {
                                            l.strip_prefix("authorization: ").or_else(|| l.strip_prefix("Authorization: "))
                                        })
                                        .map(str::to_string);
                                    s.lock().unwrap().push(Seen {
                                        method: method.to_string(),
                                        authorization,
                                        unknown_answer: true,
                                    });
                                }
                            }
                            let _ = stream.set_zero_linger();
                            drop(stream);
                        }
                        Accept::Serve(behaviour, token_body) => serve(stream, behaviour, token_body.as_deref(), &s, &t).await,
                    }
                });
            }
        });
        Server { base, seen, connections, token_requests }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads one request head and its body; `None` if the client went away.
async fn read_request(stream: &mut TcpStream) -> Option<(String, String, Option<String>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let header = |name: &str| {
        head.split("\r\n").skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut have = buf.len() - head_end;
    while have < length {
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        have += n;
    }
    Some((method, path, header("authorization")))
}

async fn serve(
    mut stream: TcpStream,
    behaviour: &Behaviour,
    token_body: Option<&str>,
    seen: &Mutex<Vec<Seen>>,
    tokens: &AtomicUsize,
) {
    let Some((method, path, authorization)) = read_request(&mut stream).await else { return };
    let act = if path.contains("/oauth2/v2.0/token") {
        tokens.fetch_add(1, Ordering::SeqCst);
        let body = token_body.unwrap_or(r#"{"access_token":"matrix-secret-token","expires_in":3600}"#).to_string();
        Act::Reply { status: 200, headers: vec![], body }
    } else {
        let mut log = seen.lock().unwrap();
        let n = log.iter().filter(|s| s.method == method).count();
        let act = behaviour(&method, n);
        log.push(Seen { method: method.clone(), authorization, unknown_answer: act.leaves_outcome_unknown() });
        act
    };
    match act {
        Act::Reply { status, headers, body } => {
            let mut out = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            let _ = stream.write_all(out.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Act::Raw(bytes) => {
            let _ = stream.write_all(bytes.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Act::RawThenStall(bytes) => {
            let _ = stream.write_all(bytes.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
        Act::Reset => {
            let _ = stream.set_zero_linger();
        }
        Act::Stall => tokio::time::sleep(Duration::from_secs(10)).await,
    }
}

/// What a row expects.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Ok,
    Err(ErrorKind),
}

struct Case {
    name: String,
    accept: Accept,
    /// An address with no listener (connection refused).
    refused: bool,
    /// Client signs in at the server's token endpoint (else a static token).
    oauth: bool,
    get: (Want, Option<usize>),
    post: (Want, Option<usize>),
    /// The create may fail with its outcome unknown.
    post_unknown: bool,
}

fn case(name: &str, behaviour: impl Fn(&str, usize) -> Act + Send + Sync + 'static) -> Case {
    Case {
        name: name.into(),
        accept: Accept::Serve(Arc::new(behaviour), None),
        refused: false,
        oauth: false,
        get: (Want::Ok, None),
        post: (Want::Ok, None),
        post_unknown: false,
    }
}

impl Case {
    fn get(mut self, want: Want, requests: Option<usize>) -> Self {
        self.get = (want, requests);
        self
    }
    fn post(mut self, want: Want, requests: Option<usize>) -> Self {
        self.post = (want, requests);
        self
    }
    fn unknown(mut self) -> Self {
        self.post_unknown = true;
        self
    }
    fn token_body(mut self, body: &str) -> Self {
        if let Accept::Serve(b, _) = self.accept {
            self.accept = Accept::Serve(b, Some(body.into()));
        }
        self.oauth = true;
        self
    }
}

/// `n` faults, then success.
fn then_ok(n: usize, fault: Act) -> impl Fn(&str, usize) -> Act + Send + Sync {
    move |method, i| if i < n { fault.clone() } else { Act::ok(method) }
}

/// A list page (GET) or the created object (POST) made of `item`.
fn json_reply(method: &str, item: &str, page_extra: &str) -> Act {
    let (status, body) =
        if method == "POST" { (201, item.to_string()) } else { (200, format!(r#"{{"value":[{item}]{page_extra}}}"#)) };
    Act::Reply { status, headers: vec![], body }
}

fn always(fault: Act) -> impl Fn(&str, usize) -> Act + Send + Sync {
    move |_, _| fault.clone()
}

fn cases(other: &str) -> Vec<Case> {
    use ErrorKind::*;
    use Want::Err as E;
    let page_to = |link: String| Act::Reply {
        status: 200,
        headers: vec![],
        body: format!(r#"{{"value":[{{"id":"c1"}}],"@odata.nextLink":"{link}"}}"#),
    };
    let redirect = |status: u16| {
        let to = format!("{other}/v1.0/identityGovernance/entitlementManagement/catalogs");
        Act::Reply { status, headers: vec![("Location".into(), to)], body: String::new() }
    };
    let other_link = format!("{other}/v1.0/identityGovernance/entitlementManagement/catalogs?$skiptoken=2");
    let userinfo_link = format!("http://127.0.0.1@{}/v1.0/catalogs?$skiptoken=2", other.trim_start_matches("http://"));
    vec![
        case("429 Retry-After 0 (x2)", then_ok(2, Act::with_retry_after(429, "0"))).get(Want::Ok, Some(3)).post(Want::Ok, Some(3)),
        case("429 Retry-After 1", then_ok(1, Act::with_retry_after(429, "1"))).get(Want::Ok, Some(2)).post(Want::Ok, Some(2)),
        case("429 Retry-After 1.5", then_ok(1, Act::with_retry_after(429, "1.5"))).get(Want::Ok, Some(2)).post(Want::Ok, Some(2)),
        case("429 Retry-After 600", always(Act::with_retry_after(429, "600"))).get(E(Throttled), Some(1)).post(E(Throttled), Some(1)),
        case("503 Retry-After 0, then ok", then_ok(1, Act::with_retry_after(503, "0"))).get(Want::Ok, Some(2)).post(Want::Ok, Some(2)),
        case("503 without Retry-After", always(Act::status(503))).get(E(Service), Some(5)).post(E(Service), Some(1)).unknown(),
        case("504", always(Act::status(504))).get(E(Service), Some(5)).post(E(Service), Some(1)).unknown(),
        case("500", always(Act::status(500))).get(E(Service), Some(1)).post(E(Service), Some(1)).unknown(),
        Case { refused: true, ..case("connection refused", always(Act::status(500))) }
            .get(E(Network), Some(0))
            .post(E(Network), Some(0)),
        Case { accept: Accept::ResetBeforeReading, ..case("reset before reading", always(Act::status(500))) }
            .get(E(Network), Some(5))
            .post(E(Network), Some(1))
            .unknown(),
        case("reset after reading the request", always(Act::Reset)).get(E(Network), Some(5)).post(E(Network), Some(1)).unknown(),
        case("stall before headers", always(Act::Stall)).get(E(Timeout), None).post(E(Timeout), Some(1)).unknown(),
        case("stall mid-body", |m: &str, _| {
            let status = if m == "POST" { 201 } else { 200 };
            Act::RawThenStall(format!("HTTP/1.1 {status} OK\r\nContent-Length: 100\r\n\r\n{{\"value\":["))
        })
        .get(E(Timeout), None)
        .post(E(Timeout), Some(1))
        .unknown(),
        case("truncated JSON", |m: &str, _| {
            let status = if m == "POST" { 201 } else { 200 };
            Act::Reply { status, headers: vec![], body: r#"{"value":[{"id":"c1","displ"#.into() }
        })
        .get(E(Decode), Some(1))
        .post(E(Decode), Some(1)),
        case("Content-Length larger than the body", |m: &str, _| {
            let status = if m == "POST" { 201 } else { 200 };
            Act::Raw(format!("HTTP/1.1 {status} OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{{\"value\":[]}}"))
        })
        .get(E(Network), Some(5))
        .post(E(Network), Some(1))
        .unknown(),
        case("Content-Length 10^18", |_: &str, _| {
            Act::Raw("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\nConnection: close\r\n\r\n{}".into())
        })
        .get(E(Network), Some(5))
        .post(E(Network), Some(1))
        .unknown(),
        case("301 to another host", always(redirect(301))).get(E(Service), Some(1)).post(E(Service), Some(1)),
        case("302 to another host", always(redirect(302))).get(E(Service), Some(1)).post(E(Service), Some(1)),
        case("307 to another host", always(redirect(307))).get(E(Service), Some(1)).post(E(Service), Some(1)),
        case("nextLink to another host", move |m: &str, _| if m == "GET" { page_to(other_link.clone()) } else { Act::ok(m) })
            .get(E(Decode), Some(1))
            .post(Want::Ok, Some(1)),
        case("nextLink with userinfo to another host", move |m: &str, _| {
            if m == "GET" {
                let link = userinfo_link.clone();
                Act::Reply { status: 200, headers: vec![], body: format!(r#"{{"value":[],"@odata.nextLink":"{link}"}}"#) }
            } else {
                Act::ok(m)
            }
        })
        .get(E(Decode), Some(1))
        .post(Want::Ok, Some(1)),
        case("extreme but valid dates", |m: &str, _| {
            let item = r#"{"id":"c1","createdDateTime":"9999-12-31T23:59:59.9999999-14:00","modifiedDateTime":"0000-01-01T00:00:00+14:00"}"#;
            json_reply(m, item, "")
        })
        .get(Want::Ok, Some(1))
        .post(Want::Ok, Some(1)),
        case("numbers and dates out of range", |m: &str, _| {
            let item = r#"{"id":"c1","createdDateTime":"99999-01-01T00:00:00Z","isExternallyVisible":1e400}"#;
            json_reply(m, item, r#","@odata.count":18446744073709551616"#)
        })
        .get(E(Decode), Some(1))
        .post(E(Decode), Some(1)),
        case("Retry-After 1e20", always(Act::with_retry_after(429, "1e20"))).get(E(Throttled), Some(1)).post(E(Throttled), Some(1)),
        case("Retry-After -5, then ok", then_ok(1, Act::with_retry_after(429, "-5"))).get(Want::Ok, Some(2)).post(Want::Ok, Some(2)),
        case("Retry-After garbage, then ok", then_ok(1, Act::with_retry_after(429, "soon, maybe"))).get(Want::Ok, Some(2)).post(Want::Ok, Some(2)),
        case("Retry-After HTTP date in 9999", always(Act::with_retry_after(429, "Fri, 31 Dec 9999 23:59:59 GMT")))
            .get(E(Throttled), Some(1))
            .post(E(Throttled), Some(1)),
        case("token expires_in 2^64-1", |m: &str, _| Act::ok(m)).token_body(r#"{"access_token":"matrix-secret-token","expires_in":18446744073709551615}"#),
        case("token expires_in -1", |m: &str, _| Act::ok(m)).token_body(r#"{"access_token":"matrix-secret-token","expires_in":-1}"#),
        case("token expires_in \"3599\"", |m: &str, _| Act::ok(m)).token_body(r#"{"access_token":"matrix-secret-token","expires_in":"3599"}"#),
        case("token expires_in \"soon\", ext 1e300", |m: &str, _| Act::ok(m))
            .token_body(r#"{"access_token":"matrix-secret-token","expires_in":"soon","ext_expires_in":1e300}"#),
    ]
}

#[derive(Debug)]
struct Row {
    outcome: std::result::Result<(), entitlement::Error>,
    took: Duration,
}

async fn run(client: Client, post: bool) -> Row {
    let started = Instant::now();
    let task = tokio::spawn(async move {
        if post {
            let body = v1::AccessPackageCatalog { display_name: Some("Matrix".into()), ..Default::default() };
            client.create_catalog(&body).send().await.map(|_| ())
        } else {
            // `all()` follows nextLinks, so a link to another host is exercised.
            client.list_catalogs().all().await.map(|_| ())
        }
    });
    let outcome = match task.await {
        Ok(r) => r,
        Err(e) => panic!("the call panicked: {e}"),
    };
    Row { outcome, took: started.elapsed() }
}

fn client_for(base: &str, oauth: bool) -> Client {
    let b = Client::builder().base_url(base).timeout(ATTEMPT_TIMEOUT).deadline(Some(DEADLINE)).retry(RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        ..Default::default()
    });
    let b = if oauth { b.authority(base).client_secret("tenant", "app", "secret") } else { b.token(TOKEN) };
    b.build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    let other = Server::start(Accept::Serve(Arc::new(|m: &str, _| Act::ok(m)), None)).await;
    let other_base = other.base.replace("127.0.0.1", "localhost");
    let mut failures = Vec::new();
    let started = Instant::now();
    println!();
    println!("{:<40} {:<6} {:>8} {:>6} {:>6} {:<42} {:>7}", "case", "op", "requests", "other", "token", "outcome", "ms");
    // FAULT_MATRIX_CASE=text runs only the cases whose name contains it.
    let only = std::env::var("FAULT_MATRIX_CASE").unwrap_or_default();
    for c in cases(&other_base).into_iter().filter(|c| c.name.contains(&only)) {
        let Case { name, accept, refused, oauth, get, post, post_unknown } = c;
        let server = Server::start(accept).await;
        let base = if refused {
            // A port nobody listens on: bind one, then let it go.
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = l.local_addr().unwrap();
            drop(l);
            format!("http://{addr}")
        } else {
            server.base.clone()
        };
        for (is_post, (want, requests)) in [(false, get), (true, post)] {
            let method = if is_post { "POST" } else { "GET" };
            let before = server.seen().iter().filter(|s| s.method == method).count();
            let conns_before = server.connections.load(Ordering::SeqCst);
            let other_before = other.seen().len();
            let row = run(client_for(&base, oauth), is_post).await;
            let seen: Vec<Seen> = server.seen().into_iter().filter(|s| s.method == method).skip(before).collect();
            let conns = server.connections.load(Ordering::SeqCst) - conns_before;
            let other_seen = &other.seen()[other_before..];
            let outcome = match &row.outcome {
                Ok(()) => "ok".to_string(),
                Err(e) => format!(
                    "{}{}{}",
                    e.kind,
                    e.status.map(|s| format!(" {s}")).unwrap_or_default(),
                    if e.outcome_unknown { " unknown" } else { "" }
                ),
            };
            println!(
                "{:<40} {:<6} {:>8} {:>6} {:>6} {:<42} {:>7}",
                name,
                if is_post { "create" } else { "list" },
                format!("{}/{}c", seen.len(), conns),
                other_seen.len(),
                server.token_requests.load(Ordering::SeqCst),
                outcome,
                row.took.as_millis()
            );
            let mut fail = |why: String| failures.push(format!("{name} / {method}: {why}"));
            if row.took > DEADLINE + SLACK {
                fail(format!("took {:?}, past the deadline of {DEADLINE:?}", row.took));
            }
            // A create is never sent again after an answer that leaves its outcome unknown.
            if is_post {
                if let Some(i) = seen.iter().position(|s| s.unknown_answer) {
                    if i + 1 < seen.len() {
                        fail(format!("POST sent {} more time(s) after an unknown outcome", seen.len() - i - 1));
                    }
                }
            }
            // The token goes to the Graph host only.
            if other_seen.iter().any(|s| s.authorization.is_some()) {
                fail("the token was sent to another host".into());
            }
            if !other_seen.is_empty() {
                fail(format!("{} request(s) reached another host", other_seen.len()));
            }
            if seen.iter().any(|s| s.authorization.as_deref() != Some(&format!("Bearer {TOKEN}"))) {
                fail("a request to the Graph host lacked the token".into());
            }
            let got = match &row.outcome {
                Ok(()) => Want::Ok,
                Err(e) => Want::Err(e.kind),
            };
            if got != want {
                fail(format!("want {want:?}, got {:?}", row.outcome));
            }
            if requests.is_some_and(|n| seen.len() != n) || got != want {
                if let Err(e) = &row.outcome {
                    fail(format!("(error was: {e})"));
                }
            }
            if let Some(n) = requests {
                if seen.len() != n {
                    fail(format!("want {n} request(s), the server read {}", seen.len()));
                }
            }
            if let Err(e) = &row.outcome {
                let unknown_expected = is_post && post_unknown;
                if e.outcome_unknown != unknown_expected {
                    fail(format!("outcome_unknown is {}, want {unknown_expected}: {e}", e.outcome_unknown));
                }
                if e.outcome_unknown && !e.message.contains("outcome unknown") {
                    fail(format!("the message does not say the outcome is unknown: {e}"));
                }
                if e.message.contains(TOKEN) {
                    fail("the error message shows the token".into());
                }
            }
        }
    }
    println!("matrix: {:?} in all", started.elapsed());
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// Throttling answers carry `retry_after`, even when the wait is refused
/// because it would end past the deadline, and the call fails at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_past_the_deadline_fails_at_once_and_says_so() {
    for (value, want) in [("600", Some(Duration::from_secs(600))), ("1e20", Some(Duration::MAX))] {
        let server = Server::start(Accept::Serve(Arc::new(always(Act::with_retry_after(429, value))), None)).await;
        let row = run(client_for(&server.base, false), true).await;
        let err = row.outcome.unwrap_err();
        assert_eq!((err.kind, err.status, err.retry_after), (ErrorKind::Throttled, Some(429), want), "{err}");
        assert!(err.message.contains("deadline"), "{err}");
        assert!(row.took < Duration::from_millis(300), "slept first: {:?}", row.took);
    }
    // 503 with Retry-After: the service did not process it; past the deadline it is a Service error with retry_after.
    let server = Server::start(Accept::Serve(Arc::new(always(Act::with_retry_after(503, "100000"))), None)).await;
    let err = run(client_for(&server.base, false), true).await.outcome.unwrap_err();
    assert_eq!((err.kind, err.retry_after, err.outcome_unknown), (ErrorKind::Service, Some(Duration::from_secs(100_000)), false));
}

/// A 401 gets one fresh token, and a token that took the whole deadline to
/// arrive ends the call as Timeout rather than running past it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_token_endpoint_counts_against_the_deadline() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = read_request(&mut s).await;
                tokio::time::sleep(Duration::from_secs(10)).await;
            });
        }
    });
    let started = Instant::now();
    let err = run(client_for(&base, true), false).await.outcome.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert!(err.message.contains("token"), "{err}");
    assert!(started.elapsed() < DEADLINE + SLACK, "{:?}", started.elapsed());
}
