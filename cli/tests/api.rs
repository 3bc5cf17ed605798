// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The generated API commands as a user runs them: the `entitlement` binary
//! against `entitlement emulator serve` over loopback (a real process and
//! real HTTP), with the sign-in options before the subcommand.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_entitlement");

/// `entitlement emulator serve` in the background, killed on drop.
struct Served {
    child: Child,
    url: String,
    tenant: String,
    client: String,
    secret: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(page_size: usize) -> Served {
    let mut child = Command::new(BIN)
        .args([
            "emulator",
            "serve",
            "--port",
            "0",
            "--page-size",
            &page_size.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut url, mut tenant, mut client, mut secret) = (None, None, None, None);
    for line in lines.by_ref() {
        let line = line.expect("emulator output");
        let value = |prefix: &str| {
            line.trim()
                .strip_prefix(prefix)
                .map(|v| v.trim().to_string())
        };
        url = url.or(value("Graph emulator listening on"));
        tenant = tenant.or(value("tenant id:"));
        client = client.or(value("client id:"));
        if let Some(s) = value("client secret:") {
            secret = Some(s);
            break;
        }
    }
    // Keep reading so the emulator never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Served {
        child,
        url: url.expect("base URL"),
        tenant: tenant.expect("tenant"),
        client: client.expect("client id"),
        secret: secret.expect("secret"),
    }
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ent-cli-api-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Runs the binary with a clean sign-in environment and its own token cache.
fn run_in(cache: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("ENTITLEMENT_CACHE_DIR", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "ENTITLEMENT_CLIENT_SECRET",
        "AZURE_CLIENT_SECRET",
        "ENTITLEMENT_TOKEN",
        "ENTITLEMENT_ENDPOINT",
        "ENTITLEMENT_TENANT_ID",
        "ENTITLEMENT_CLIENT_ID",
    ] {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Served {
    /// `entitlement --endpoint … --tenant-id … --client-id … --client-secret … ARGS`.
    fn run(&self, dir: &Path, args: &[&str]) -> Out {
        self.run_stdin(dir, args, None)
    }

    fn run_stdin(&self, dir: &Path, args: &[&str], stdin: Option<&str>) -> Out {
        let mut all = vec![
            "--endpoint",
            &self.url,
            "--tenant-id",
            &self.tenant,
            "--client-id",
            &self.client,
            "--client-secret",
            &self.secret,
        ];
        all.extend_from_slice(args);
        run_in(dir, &all, stdin)
    }
}

fn ok(out: Out) -> Out {
    assert_eq!(
        out.code, 0,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    out
}

#[test]
fn the_issue_example_prints_the_catalogs_as_a_json_array() {
    let emu = serve(100);
    let dir = workdir("example");
    let out = ok(emu.run(&dir, &["catalogs", "list", "--output", "json"]));
    let catalogs = out.json();
    let names: Vec<&str> = catalogs
        .as_array()
        .expect("a JSON array")
        .iter()
        .filter_map(|c| c["displayName"].as_str())
        .collect();
    assert_eq!(names, ["General"], "{catalogs}");
    assert!(
        !out.stderr.contains(&emu.secret),
        "the secret was echoed: {}",
        out.stderr
    );
}

#[test]
fn create_get_update_delete_round_trip_and_the_not_found_exit_code() {
    let emu = serve(100);
    let dir = workdir("crud");
    let body = dir.join("catalog.json");
    std::fs::write(&body, json!({"displayName": "CLI catalog", "description": "made by the CLI", "isExternallyVisible": false}).to_string()).unwrap();
    let created = ok(emu.run(
        &dir,
        &["catalogs", "create", "--body", body.to_str().unwrap()],
    ))
    .json();
    let id = created["id"].as_str().expect("an id").to_string();
    assert_eq!(created["displayName"], "CLI catalog");

    let got = ok(emu.run(
        &dir,
        &[
            "catalogs",
            "get",
            "--catalog-id",
            &id,
            "--select",
            "id,displayName,description",
        ],
    ))
    .json();
    assert_eq!(
        (got["id"].as_str(), got["description"].as_str()),
        (Some(id.as_str()), Some("made by the CLI"))
    );

    // update from stdin; 204 prints nothing
    let out = ok(emu.run_stdin(
        &dir,
        &["catalogs", "update", "--catalog-id", &id, "--body", "-"],
        Some(r#"{"description": "changed"}"#),
    ));
    assert_eq!(out.stdout, "");
    let got = ok(emu.run(&dir, &["catalogs", "get", "--catalog-id", &id])).json();
    assert_eq!(got["description"], "changed");
    assert!(got.get("@odata.context").is_none(), "{got}");
    let counted = ok(emu.run(&dir, &["catalogs", "list", "--count", "--top", "1"]));
    assert!(
        counted.stderr.contains("@odata.count: 2"),
        "{}",
        counted.stderr
    );

    ok(emu.run(&dir, &["catalogs", "delete", "--catalog-id", &id]));
    let gone = emu.run(&dir, &["catalogs", "get", "--catalog-id", &id]);
    assert_eq!(gone.code, 15, "NotFound is exit code 15: {}", gone.stderr);
    assert!(
        gone.stderr.contains("NotFound") && gone.stderr.contains("HTTP 404"),
        "{}",
        gone.stderr
    );
    assert!(
        gone.stderr.contains("request-id:"),
        "the Graph request id is shown: {}",
        gone.stderr
    );
    assert_eq!(gone.stdout, "");
}

#[test]
fn bad_body_json_is_invalid_argument_before_anything_is_sent() {
    let emu = serve(100);
    let dir = workdir("badbody");
    let body = dir.join("bad.json");
    std::fs::write(&body, "{\"displayName\": \"x\",").unwrap();
    let out = emu.run(
        &dir,
        &["catalogs", "create", "--body", body.to_str().unwrap()],
    );
    assert_eq!(
        out.code, 11,
        "InvalidArgument is exit code 11: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("InvalidArgument") && out.stderr.contains("not valid JSON"),
        "{}",
        out.stderr
    );
    // a body of the wrong type is refused by the same check
    std::fs::write(&body, r#"{"displayName": 5}"#).unwrap();
    let out = emu.run(
        &dir,
        &["catalogs", "create", "--body", body.to_str().unwrap()],
    );
    assert_eq!(out.code, 11, "{}", out.stderr);
    let list = ok(emu.run(&dir, &["catalogs", "list"])).json();
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "nothing was created: {list}"
    );
    // a missing required body is a usage error (clap), exit code 2
    assert_eq!(emu.run(&dir, &["catalogs", "create"]).code, 2);
}

#[test]
fn all_follows_next_links_and_without_it_one_page_and_a_hint() {
    let emu = serve(2);
    let dir = workdir("paging");
    let body = dir.join("c.json");
    for i in 0..4 {
        std::fs::write(
            &body,
            json!({"displayName": format!("Paged {i}")}).to_string(),
        )
        .unwrap();
        ok(emu.run(
            &dir,
            &["catalogs", "create", "--body", body.to_str().unwrap()],
        ));
    }
    let first = ok(emu.run(&dir, &["catalogs", "list"]));
    assert_eq!(first.json().as_array().map(Vec::len), Some(2));
    assert!(
        first.stderr.contains("--all"),
        "a hint says more pages follow: {}",
        first.stderr
    );
    let all = ok(emu.run(&dir, &["catalogs", "list", "--all"]));
    assert_eq!(
        all.json().as_array().map(Vec::len),
        Some(5),
        "{}",
        all.stdout
    );
    assert!(!all.stderr.contains("--all"), "{}", all.stderr);
    // not a terminal: no progress line on stderr
    assert!(!all.stderr.contains("items,"), "{}", all.stderr);
}

#[test]
fn query_where_table_and_yaml() {
    let emu = serve(100);
    let dir = workdir("output");
    let body = dir.join("c.json");
    std::fs::write(&body, json!({"displayName": "O'Brien's"}).to_string()).unwrap();
    let id = ok(emu.run(
        &dir,
        &["catalogs", "create", "--body", body.to_str().unwrap()],
    ))
    .json()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let ids = ok(emu.run(
        &dir,
        &[
            "catalogs",
            "list",
            "--query",
            "[?displayName!='General'].id",
        ],
    ))
    .json();
    assert_eq!(ids, json!([id]));
    let names = ok(emu.run(
        &dir,
        &[
            "catalogs",
            "get",
            "--catalog-id",
            &id,
            "--query",
            "displayName",
        ],
    ))
    .json();
    assert_eq!(names, json!("O'Brien's"));

    // --where escapes the literal (the quote is doubled by core's Filter)
    let found = ok(emu.run(
        &dir,
        &["catalogs", "list", "--where", "displayName=O'Brien's"],
    ))
    .json();
    assert_eq!(found.as_array().map(|a| a.len()), Some(1), "{found}");
    assert_eq!(found[0]["id"], json!(id));

    let bad = emu.run(&dir, &["catalogs", "list", "--query", "[?"]);
    assert_eq!(bad.code, 11, "{}", bad.stderr);

    let table = ok(emu.run(&dir, &["catalogs", "list", "--output", "table"])).stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("id")
            && lines[0].contains("displayName")
            && lines[0].contains("state"),
        "{table}"
    );
    assert!(lines[1].starts_with("--"), "{table}");
    assert_eq!(lines.len(), 4, "header, rule, two catalogs: {table}");
    assert!(
        table.contains("General") && table.contains("O'Brien's"),
        "{table}"
    );

    let yaml = ok(emu.run(
        &dir,
        &["catalogs", "get", "--catalog-id", &id, "-o", "yaml"],
    ))
    .stdout;
    assert!(
        yaml.lines().any(|l| l == "displayName: O'Brien's"),
        "{yaml}"
    );
    assert!(yaml.lines().any(|l| l == format!("id: {id}")), "{yaml}");
}

#[test]
fn login_caches_the_token_for_commands_without_a_secret_and_logout_forgets_it() {
    let emu = serve(100);
    let dir = workdir("login");
    let base = [
        "--endpoint",
        emu.url.as_str(),
        "--tenant-id",
        emu.tenant.as_str(),
        "--client-id",
        emu.client.as_str(),
    ];

    // not signed in: Authentication (13), and the message says what to do
    let out = run_in(&dir, &[&base[..], &["catalogs", "list"]].concat(), None);
    assert_eq!(out.code, 13, "{}", out.stderr);
    assert!(out.stderr.contains("entitlement login"), "{}", out.stderr);

    let login = ok(emu.run(&dir, &["login"]));
    let file = dir.join("tokens.json");
    let cached: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let entry = cached["tokens"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    let token = entry["accessToken"].as_str().unwrap();
    assert!(token.len() > 20);
    assert_eq!(entry["credential"], "client_secret");
    for text in [&login.stdout, &login.stderr] {
        assert!(
            !text.contains(token) && !text.contains(&emu.secret),
            "the token or secret was printed: {text}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // the next command has no secret: the cached token signs it in
    let out = ok(run_in(
        &dir,
        &[&base[..], &["catalogs", "list"]].concat(),
        None,
    ));
    assert_eq!(out.json()[0]["displayName"], "General");
    // options may follow the subcommand too
    ok(run_in(
        &dir,
        &[&["catalogs", "list"][..], &base[..]].concat(),
        None,
    ));

    // a token the service refuses is dropped from the file (401 → Authentication)
    let mut forged = cached.clone();
    for v in forged["tokens"].as_object_mut().unwrap().values_mut() {
        v["accessToken"] = json!("not-a-token");
    }
    std::fs::write(&file, forged.to_string()).unwrap();
    let out = run_in(&dir, &[&base[..], &["catalogs", "list"]].concat(), None);
    assert_eq!(out.code, 13, "{}", out.stderr);
    std::fs::write(&file, cached.to_string()).unwrap();

    // a token given as is is sent as is, and never written to the file
    let other = workdir("login-token");
    let out = ok(run_in(
        &other,
        &[
            "--endpoint",
            &emu.url,
            "--token",
            token,
            "catalogs",
            "list",
            "--query",
            "[].displayName",
        ],
        None,
    ));
    assert_eq!(out.json(), json!(["General"]));
    assert!(!other.join("tokens.json").exists());
    // a certificate instead of a secret (the emulator's app trusts its development certificate)
    let pem = Path::new(env!("CARGO_MANIFEST_DIR")).join("../emulator/src/identity/dev-app.pem");
    let out = ok(run_in(
        &other,
        &[
            &base[..],
            &["--certificate", pem.to_str().unwrap(), "catalogs", "list"],
        ]
        .concat(),
        None,
    ));
    assert_eq!(out.json()[0]["displayName"], "General");
    // the machine's managed identity (the emulator answers as IMDS): no tenant, client or secret
    let mut mi = Command::new(BIN);
    mi.args([
        "--endpoint",
        &emu.url,
        "--managed-identity",
        "catalogs",
        "list",
        "--query",
        "length(@)",
    ])
    .env("ENTITLEMENT_CACHE_DIR", &other)
    .env("IMDS_ENDPOINT", &emu.url);
    for var in [
        "ENTITLEMENT_CLIENT_SECRET",
        "AZURE_CLIENT_SECRET",
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "AZURE_POD_IDENTITY_AUTHORITY_HOST",
        "ENTITLEMENT_TENANT_ID",
        "ENTITLEMENT_CLIENT_ID",
    ] {
        mi.env_remove(var);
    }
    let out = mi.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    // two ways to sign in at once is a usage mistake (InvalidArgument, 11), with no secret echoed
    let out = run_in(
        &other,
        &[
            &base[..],
            &[
                "--certificate",
                pem.to_str().unwrap(),
                "--client-secret",
                "hunter2",
                "catalogs",
                "list",
            ],
        ]
        .concat(),
        None,
    );
    assert_eq!(out.code, 11, "{}", out.stderr);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);

    let out = ok(run_in(&dir, &[&base[..], &["logout"]].concat(), None));
    assert!(out.stderr.contains("Removed 1"), "{}", out.stderr);
    let out = run_in(&dir, &[&base[..], &["catalogs", "list"]].concat(), None);
    assert_eq!(out.code, 13, "{}", out.stderr);
}

#[test]
fn completions_embedded_emulator_beta_and_approve_shortcut() {
    let dir = workdir("misc");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = ok(run_in(&dir, &["completions", shell], None));
        assert!(
            out.stdout.contains("catalogs") && out.stdout.contains("assignment-requests"),
            "{shell}"
        );
    }
    // no --endpoint: an emulator started for the command
    let out = ok(run_in(
        &dir,
        &["catalogs", "list", "--query", "[].displayName"],
        None,
    ));
    assert_eq!(out.json(), json!(["General"]));
    assert!(out.stderr.contains("Embedded emulator"), "{}", out.stderr);

    let emu = serve(100);
    let beta = ok(emu.run(
        &dir,
        &[
            "beta",
            "access-package-catalogs",
            "list",
            "--query",
            "[].displayName",
        ],
    ))
    .json();
    assert_eq!(beta, json!(["General"]));
    // the approve shortcut sends the stage PATCH, which only an approver
    // (a user) may send: the app is refused with PermissionDenied (14)
    let out = emu.run(
        &dir,
        &[
            "approvals",
            "approve",
            "--approval-id",
            "nope",
            "--approval-stage-id",
            "nope",
            "--justification",
            "ok",
        ],
    );
    assert_eq!(out.code, 14, "{}", out.stderr);
    assert!(
        out.stderr.contains("PermissionDenied (HTTP 403)"),
        "{}",
        out.stderr
    );

    let help = ok(run_in(&dir, &["--help"], None)).stdout;
    for name in [
        "catalogs",
        "access-packages",
        "assignment-requests",
        "approvals",
        "login",
        "completions",
        "beta",
    ] {
        assert!(help.contains(name), "{name} in --help: {help}");
    }
}

/// `POST path` with a JSON body to the emulator; the HTTP status.
fn post_json(base: &str, path: &str, body: &str) -> u16 {
    use std::io::Read;
    let addr = base.trim_start_matches("http://");
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return 0;
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut resp = String::new();
    if s.write_all(request.as_bytes()).is_err() || s.read_to_string(&mut resp).is_err() {
        return 0;
    }
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// `entitlement --use-device-code login` as `upn`: the emulator's approval
/// call stands in for the person at the verification page.
fn device_login(emu: &Served, dir: &Path, upn: &str) {
    let child = Command::new(BIN)
        .args([
            "--endpoint",
            &emu.url,
            "--tenant-id",
            &emu.tenant,
            "--client-id",
            &emu.client,
            "--use-device-code",
            "login",
        ])
        .env("ENTITLEMENT_CACHE_DIR", dir)
        .env_remove("ENTITLEMENT_CLIENT_SECRET")
        .env_remove("AZURE_CLIENT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let status = post_json(
            &emu.url,
            "/_emulator/devicecode/approve",
            &json!({"user": upn}).to_string(),
        );
        if (200..300).contains(&status) {
            break;
        }
        assert!(
            std::time::Instant::now() < give_up,
            "no device code to approve (HTTP {status})"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("device_code") && err.contains("enter the code"),
        "{err}"
    );
}

#[test]
fn a_request_approved_from_the_command_line_with_device_code_sign_in() {
    use entitlement_emulator::ids;
    let emu = serve(100);
    let dir = workdir("approve");
    let file = |name: &str, v: Value| {
        let p = dir.join(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p.to_str().unwrap().to_string()
    };
    // the administrator's app sets up a package whose policy needs the admin's approval
    let pkg = file(
        "pkg.json",
        json!({"catalog": {"id": ids::GENERAL_CATALOG_ID}, "displayName": "CLI approvals"}),
    );
    let pkg = ok(emu.run(
        &dir,
        &["access-packages", "create", "--body", &pkg, "--query", "id"],
    ))
    .json();
    let policy = file(
        "policy.json",
        json!({
            "accessPackage": {"id": pkg}, "displayName": "self", "description": "self-service",
            "allowedTargetScope": "specificDirectoryUsers",
            "specificAllowedTargets": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::REQUESTOR1_ID}],
            "requestorSettings": {"enableTargetsToSelfAddAccess": true},
            "requestApprovalSettings": {"isApprovalRequiredForAdd": true, "isApprovalRequiredForUpdate": false, "stages": [{
                "durationBeforeAutomaticDenial": "P2D", "isApproverJustificationRequired": false, "isEscalationEnabled": false,
                "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::ADMIN_ID}],
                "fallbackPrimaryApprovers": []}]}
        }),
    );
    let policy = ok(emu.run(
        &dir,
        &[
            "assignment-policies",
            "create",
            "--body",
            &policy,
            "--query",
            "id",
        ],
    ))
    .json();

    // the requestor signs in by device code and asks, with no secret on the command line
    let base = [
        "--endpoint",
        emu.url.as_str(),
        "--tenant-id",
        emu.tenant.as_str(),
        "--client-id",
        emu.client.as_str(),
    ];
    device_login(&emu, &dir, ids::REQUESTOR1_UPN);
    let req = file(
        "req.json",
        json!({"requestType": "userAdd",
        "assignment": {"targetId": ids::REQUESTOR1_ID, "assignmentPolicyId": policy, "accessPackageId": pkg}}),
    );
    let created = ok(run_in(
        &dir,
        &[
            &base[..],
            &["assignment-requests", "create", "--body", &req],
        ]
        .concat(),
        None,
    ))
    .json();
    let request_id = created["id"].as_str().expect("request id").to_string();
    ok(run_in(&dir, &[&base[..], &["logout"]].concat(), None));

    // the approver signs in the same way, finds the stage and approves it
    device_login(&emu, &dir, ids::ADMIN_UPN);
    let find = [
        &base[..],
        &[
            "approvals",
            "filter-by-current-user",
            "--on",
            "approver",
            "--query",
            "[0].stages[0].id",
        ],
    ]
    .concat();
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let stage = loop {
        let v = ok(run_in(&dir, &find, None)).json();
        if let Some(s) = v.as_str() {
            break s.to_string();
        }
        assert!(
            std::time::Instant::now() < give_up,
            "the approval never appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let approve = [
        &base[..],
        &[
            "approvals",
            "approve",
            "--approval-id",
            &request_id,
            "--approval-stage-id",
            &stage,
            "--justification",
            "fine by me",
        ],
    ]
    .concat();
    assert_eq!(ok(run_in(&dir, &approve, None)).stdout, "");
    let get = [
        &base[..],
        &[
            "approval-stages",
            "get",
            "--approval-id",
            &request_id,
            "--approval-stage-id",
            &stage,
            "--query",
            "{result: reviewResult, why: justification}",
        ],
    ]
    .concat();
    assert_eq!(
        ok(run_in(&dir, &get, None)).json(),
        json!({"result": "Approve", "why": "fine by me"})
    );
    // approving twice is the service's Conflict (16)
    let again = run_in(&dir, &approve, None);
    assert_eq!(again.code, 16, "{}", again.stderr);
    assert!(
        again.stderr.contains("ApprovalStageAlreadyReviewed"),
        "{}",
        again.stderr
    );
}
