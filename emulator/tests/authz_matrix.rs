// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The authorization matrix: every operation of core's operation table (both
//! API versions) called by every kind of caller over real HTTP, each answer
//! checked against rules derived from the operation's description (method,
//! `self_service`, path) and Graph's documented permissions:
//!
//! - a token that is missing, expired, not yet valid (`nbf`), for another
//!   tenant or audience, or signed with another key: 401
//!   `InvalidAuthenticationToken` (with `WWW-Authenticate`), whatever the
//!   operation;
//! - an app without an `EntitlementManagement.*` permission: 403; an app
//!   with only `EntitlementManagement.Read.All`: 403 on everything but GETs;
//! - apps on the operations Graph documents as delegated-only ("Application:
//!   Not supported": `filterByCurrentUser`, approvals,
//!   `getApplicablePolicyRequirements`): 403;
//! - plain users (whether or not a policy puts them in scope, approvers
//!   included) on operations not declared `self_service`: 403;
//! - everyone else is authorized: never 401, never the authorization 403.
//!   A handler may still refuse a particular object with its own 403
//!   (`RequestorNotAllowed`, "not the requestor or target"); those are
//!   counted apart. Where the outcome is certain the class is exact: the
//!   requestor's and the administrators' self-service reads of their
//!   fixtures, the approver's reads of the approval, administrators' lists.
//!
//! `cargo test --release -p entitlement-emulator --test authz_matrix -- --nocapture`
//! prints the summary table.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{call, config, http, token, Resp, EM};
use entitlement::api::{ApiVersion, OpKind, Operation, OPERATIONS};
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed, SeedApplication, SeedUser};
use serde_json::{json, Value};

const PLAIN_ID: &str = "8a1f0c2e-0000-4000-8000-00000000a001";
const PLAIN_UPN: &str = "plain@contoso.com";
const APPROVER_ID: &str = "8a1f0c2e-0000-4000-8000-00000000a002";
const APPROVER_UPN: &str = "approver@contoso.com";
const BARE_APP_ID: &str = "8a1f0c2e-0000-4000-8000-00000000a0a0";
const BARE_APP_SECRET: &str = "bare-app-secret~0123456789";
const READER_APP_ID: &str = "8a1f0c2e-0000-4000-8000-00000000a0a1";
const READER_APP_SECRET: &str = "reader-app-secret~0123456789";
const OTHER_TENANT: &str = "00000000-0000-4000-8000-000000000bad";

/// The callers, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    NoToken,
    Expired,
    NotYetValid,
    WrongTenant,
    WrongAudience,
    BadSignature,
    AppWithoutPermission,
    AppReader,
    App,
    PlainUser,
    Requestor,
    Approver,
    Admin,
}

const WHO: [Who; 13] = [
    Who::NoToken,
    Who::Expired,
    Who::NotYetValid,
    Who::WrongTenant,
    Who::WrongAudience,
    Who::BadSignature,
    Who::AppWithoutPermission,
    Who::AppReader,
    Who::App,
    Who::PlainUser,
    Who::Requestor,
    Who::Approver,
    Who::Admin,
];

impl Who {
    fn label(self) -> &'static str {
        match self {
            Who::NoToken => "no token",
            Who::Expired => "expired",
            Who::NotYetValid => "not yet valid (nbf)",
            Who::WrongTenant => "wrong tenant",
            Who::WrongAudience => "wrong audience",
            Who::BadSignature => "forged signature",
            Who::AppWithoutPermission => "app without permission",
            Who::AppReader => "app (Read.All)",
            Who::App => "app (ReadWrite.All)",
            Who::PlainUser => "plain user",
            Who::Requestor => "requestor in scope",
            Who::Approver => "approver",
            Who::Admin => "admin (IG Administrator)",
        }
    }
    fn bad_token(self) -> bool {
        matches!(self, Who::NoToken | Who::Expired | Who::NotYetValid | Who::WrongTenant | Who::WrongAudience | Who::BadSignature)
    }
    fn is_plain_user(self) -> bool {
        matches!(self, Who::PlainUser | Who::Requestor | Who::Approver)
    }
}

/// What the rules say a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 401 `InvalidAuthenticationToken`.
    Unauthenticated,
    /// 403, the authorization refusal.
    Denied,
    /// Authorized: anything but 401 and the authorization 403.
    Allowed,
    /// Authorized, and the answer is certain: 2xx.
    Success,
}

/// Graph documents these for delegated (signed-in user) calls only.
fn delegated_only(op: &Operation) -> bool {
    op.path.contains("/filterByCurrentUser(")
        || op.path.contains("/accessPackageAssignmentApprovals/")
        || op.path.ends_with("/getApplicablePolicyRequirements")
}

/// The rules, from the operation's description alone.
fn expected(op: &Operation, who: Who) -> Expect {
    let read = op.method == "GET";
    let approval = op.path.contains("/accessPackageAssignmentApprovals/");
    let admin_list = op.kind == OpKind::List && !op.path.contains('{');
    match who {
        w if w.bad_token() => Expect::Unauthenticated,
        Who::AppWithoutPermission => Expect::Denied,
        Who::App | Who::AppReader if delegated_only(op) => Expect::Denied,
        Who::AppReader if !read => Expect::Denied,
        Who::AppReader if admin_list => Expect::Success,
        Who::App if read && admin_list => Expect::Success,
        Who::App => Expect::Allowed,
        w if w.is_plain_user() && !op.self_service => Expect::Denied,
        // The fixtures are the requestor's own; the approver approves them.
        Who::Requestor if read => Expect::Success,
        Who::Approver if read && approval => Expect::Success,
        Who::Admin if read && (op.self_service || admin_list) => Expect::Success,
        _ => Expect::Allowed,
    }
}

/// One observed answer, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    Unauthenticated,
    Denied,
    /// A 403 from a handler about the object (its own code or message).
    Refused,
    Success,
    ClientError,
    ServerError,
}

const AUTHZ_MESSAGE: &str = "Insufficient privileges to complete the operation.";

fn classify(r: &Resp) -> Seen {
    match r.status {
        401 => Seen::Unauthenticated,
        403 if r.body["error"]["code"] == "Forbidden" && r.body["error"]["message"] == AUTHZ_MESSAGE => Seen::Denied,
        403 => Seen::Refused,
        200..=299 => Seen::Success,
        400..=499 => Seen::ClientError,
        _ => Seen::ServerError,
    }
}

fn check(want: Expect, r: &Resp) -> Result<(), String> {
    let seen = classify(r);
    let ok = match want {
        Expect::Unauthenticated => {
            seen == Seen::Unauthenticated
                && r.body["error"]["code"] == "InvalidAuthenticationToken"
                && r.headers.contains_key("www-authenticate")
        }
        Expect::Denied => seen == Seen::Denied,
        Expect::Allowed => !matches!(seen, Seen::Unauthenticated | Seen::Denied),
        Expect::Success => seen == Seen::Success,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {want:?}, got {} {}", r.status, r.body.to_string().chars().take(240).collect::<String>()))
    }
}

fn seed() -> Seed {
    let mut seed = Seed::default();
    for (id, name, upn) in [(PLAIN_ID, "Plain", PLAIN_UPN), (APPROVER_ID, "Approver", APPROVER_UPN)] {
        seed.users.push(SeedUser {
            id: id.into(),
            display_name: name.into(),
            user_principal_name: upn.into(),
            password: None,
            roles: vec![],
            mail: Some(upn.into()),
        });
    }
    seed.applications.push(SeedApplication {
        client_id: BARE_APP_ID.into(),
        client_secret: BARE_APP_SECRET.into(),
        display_name: "App without permissions".into(),
        permissions: vec![],
        ..Default::default()
    });
    seed.applications.push(SeedApplication {
        client_id: READER_APP_ID.into(),
        client_secret: READER_APP_SECRET.into(),
        display_name: "Reader app".into(),
        permissions: vec!["EntitlementManagement.Read.All".into()],
        ..Default::default()
    });
    seed
}

/// Objects the calls address: a package with a policy that puts Requestor1 in
/// scope with the approver as its approver, Requestor1's pending request (and
/// so an approval), Requestor1's delivered assignment of a second package.
struct Fixtures {
    package: String,
    policy: String,
    request: String,
    stage: String,
    assignment: String,
    /// A package and policy Requestor1 may request and has no request for yet.
    open_package: String,
    open_policy: String,
}

async fn fixtures(emu: &Emulator, c: &reqwest::Client, app: &str) -> Fixtures {
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let post = |path: &str, body: Value| {
        let url = format!("{v1}{path}");
        async move {
            let r = call(c, "POST", &url, Some(app), Some(body)).await;
            assert_eq!(r.status, 201, "fixture {url}: {}", r.body);
            r.body["id"].as_str().expect("id").to_string()
        }
    };
    let in_scope = json!([{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::REQUESTOR1_ID}]);
    let package = post("/accessPackages", json!({"catalog": {"id": ids::GENERAL_CATALOG_ID}, "displayName": "Matrix"})).await;
    let policy = post(
        "/assignmentPolicies",
        json!({
            "accessPackage": {"id": package}, "displayName": "approved", "description": "needs approval",
            "allowedTargetScope": "specificDirectoryUsers", "specificAllowedTargets": in_scope,
            "requestorSettings": {"enableTargetsToSelfAddAccess": true},
            "requestApprovalSettings": {"isApprovalRequiredForAdd": true, "isApprovalRequiredForUpdate": false, "stages": [{
                "durationBeforeAutomaticDenial": "P2D", "isApproverJustificationRequired": false, "isEscalationEnabled": false,
                "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": APPROVER_ID}],
                "fallbackPrimaryApprovers": []
            }]}
        }),
    )
    .await;
    let direct = post("/accessPackages", json!({"catalog": {"id": ids::GENERAL_CATALOG_ID}, "displayName": "Matrix direct"})).await;
    let direct_policy = post(
        "/assignmentPolicies",
        json!({"accessPackage": {"id": direct}, "displayName": "direct", "allowedTargetScope": "notSpecified"}),
    )
    .await;
    let open_package = post("/accessPackages", json!({"catalog": {"id": ids::GENERAL_CATALOG_ID}, "displayName": "Matrix open"})).await;
    let open_policy = post(
        "/assignmentPolicies",
        json!({
            "accessPackage": {"id": open_package}, "displayName": "self", "allowedTargetScope": "specificDirectoryUsers",
            "specificAllowedTargets": in_scope, "requestorSettings": {"enableTargetsToSelfAddAccess": true}
        }),
    )
    .await;

    let requestor = emu.user_token(ids::REQUESTOR1_UPN).expect("requestor token");
    let r = call(c, "POST", &format!("{v1}/assignmentRequests"), Some(&requestor), Some(json!({
        "requestType": "userAdd", "assignment": {"accessPackageId": package, "assignmentPolicyId": policy, "targetId": ids::REQUESTOR1_ID}
    })))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let request = r.body["id"].as_str().expect("request id").to_string();
    let r = call(c, "POST", &format!("{v1}/assignmentRequests"), Some(app), Some(json!({
        "requestType": "adminAdd", "assignment": {"accessPackageId": direct, "assignmentPolicyId": direct_policy, "targetId": ids::REQUESTOR1_ID}
    })))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let direct_request = r.body["id"].as_str().expect("request id").to_string();

    // Delivery runs in the background: wait for the approval and the assignment.
    let admin = emu.user_token(ids::ADMIN_UPN).expect("admin token");
    let mut stage = String::new();
    let mut assignment = String::new();
    for _ in 0..250 {
        if stage.is_empty() {
            let r = call(c, "GET", &format!("{v1}/accessPackageAssignmentApprovals/{request}/stages"), Some(&admin), None).await;
            if let Some(id) = r.body["value"][0]["id"].as_str() {
                stage = id.to_string();
            }
        }
        if assignment.is_empty() {
            let r = call(c, "GET", &format!("{v1}/assignmentRequests/{direct_request}?$expand=assignment"), Some(app), None).await;
            if r.body["state"] == "delivered" {
                assignment = r.body["assignment"]["id"].as_str().unwrap_or("").to_string();
            }
        }
        if !stage.is_empty() && !assignment.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!stage.is_empty() && !assignment.is_empty(), "fixtures never settled (stage {stage:?}, assignment {assignment:?})");
    Fixtures { package, policy, request, stage, assignment, open_package, open_policy }
}

/// Path arguments by parameter name. Deletes get ids of nothing, so the
/// fixtures survive the administrators' calls.
fn args(op: &Operation, fx: &Fixtures) -> Vec<String> {
    let dummy = || uuid::Uuid::new_v4().to_string();
    op.params
        .iter()
        .map(|p| {
            if op.method == "DELETE" {
                return dummy();
            }
            match *p {
                "catalogId" | "accessPackageCatalogId" => ids::GENERAL_CATALOG_ID.to_string(),
                "accessPackageId" | "availableAccessPackageId" => fx.package.clone(),
                "assignmentPolicyId" | "accessPackageAssignmentPolicyId" => fx.policy.clone(),
                "assignmentRequestId" | "accessPackageAssignmentRequestId" | "approvalId" => fx.request.clone(),
                "approvalStageId" | "approvalStepId" => fx.stage.clone(),
                "assignmentId" | "accessPackageAssignmentId" => fx.assignment.clone(),
                "groupId" => ids::GROUP_ID.to_string(),
                "objectId" => ids::REQUESTOR1_ID.to_string(),
                "incompatibleAccessPackageId" => fx.open_package.clone(),
                "on" => match op.path {
                    p if p.contains("/accessPackageAssignmentApprovals/") => "approver",
                    p if p.contains("/accessPackages/") => "allowedRequestor",
                    p if p.contains("/accessPackageSuggestions/") => "all",
                    _ => "target",
                }
                .to_string(),
                _ => dummy(),
            }
        })
        .collect()
}

/// A body for operations that take one: a real request for the request
/// creators (so the requestor's call can succeed), `{}` elsewhere.
fn body(op: &Operation, fx: &Fixtures) -> Option<Value> {
    op.body?;
    if op.kind == OpKind::Create && op.path.ends_with("ssignmentRequests") {
        let assignment = json!({"accessPackageId": fx.open_package, "assignmentPolicyId": fx.open_policy});
        return Some(if op.path.ends_with("/accessPackageAssignmentRequests") {
            json!({"requestType": "UserAdd", "accessPackageAssignment": assignment})
        } else {
            json!({"requestType": "userAdd", "assignment": assignment})
        });
    }
    Some(json!({}))
}

async fn tokens(emu: &Emulator, c: &reqwest::Client) -> BTreeMap<Who, Option<String>> {
    let now = chrono::Utc::now().timestamp();
    let admin = Some(ids::ADMIN_UPN);
    let mint = |claims: Value| emu.mint_token(admin, &claims).expect("mint");
    // Signed with another emulator's key: same tenant, issuer and claims.
    let other = Emulator::start(config()).await.expect("second emulator");
    let forged = other.user_token(ids::ADMIN_UPN).expect("forged token");
    other.shutdown().await;
    let r = token(
        c,
        emu,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", BARE_APP_ID),
            ("client_secret", BARE_APP_SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let bare = r.body["access_token"].as_str().expect("token").to_string();
    let r = token(
        c,
        emu,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", READER_APP_ID),
            ("client_secret", READER_APP_SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let reader = r.body["access_token"].as_str().expect("token").to_string();
    let user = |u: &str| Some(emu.user_token(u).expect("user token"));
    BTreeMap::from([
        (Who::NoToken, None),
        (Who::Expired, Some(mint(json!({"iat": now - 7200, "nbf": now - 7200, "exp": now - 60})))),
        (Who::NotYetValid, Some(mint(json!({"nbf": now + 600, "exp": now + 4200})))),
        (Who::WrongTenant, Some(mint(json!({"tid": OTHER_TENANT, "iss": format!("https://sts.windows.net/{OTHER_TENANT}/")})))),
        (Who::WrongAudience, Some(mint(json!({"aud": "https://management.azure.com"})))),
        (Who::BadSignature, Some(forged)),
        (Who::AppWithoutPermission, Some(bare)),
        (Who::AppReader, Some(reader)),
        (Who::App, Some(emu.app_token())),
        (Who::PlainUser, user(PLAIN_UPN)),
        (Who::Requestor, user(ids::REQUESTOR1_UPN)),
        (Who::Approver, user(APPROVER_UPN)),
        (Who::Admin, user(ids::ADMIN_UPN)),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_for_every_caller() {
    let emu = Emulator::start(EmulatorConfig { seed: seed(), ..config() }).await.expect("emulator starts");
    let c = http();
    let tokens = tokens(&emu, &c).await;
    let fx = fixtures(&emu, &c, tokens[&Who::App].as_deref().expect("app token")).await;

    // Reads first, so writes (cancel, replace, …) cannot change what reads see.
    let mut ops: Vec<&Operation> = OPERATIONS.iter().collect();
    ops.sort_by_key(|op| op.method != "GET");
    assert!(ops.iter().any(|o| o.version == ApiVersion::V1) && ops.iter().any(|o| o.version == ApiVersion::Beta));

    let mut failures = Vec::new();
    let mut counts: BTreeMap<Who, BTreeMap<Seen, usize>> = BTreeMap::new();
    let mut by_version: BTreeMap<&str, BTreeMap<Seen, usize>> = BTreeMap::new();
    let mut refused = Vec::new();
    for op in &ops {
        let a = args(op, &fx);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let path = op.render_path(&a).expect("path renders");
        let url = format!("{}/{}{}", emu.base_url(), op.version.as_str(), path);
        for who in WHO {
            let r = call(&c, op.method, &url, tokens[&who].as_deref(), body(op, &fx)).await;
            let seen = classify(&r);
            *counts.entry(who).or_default().entry(seen).or_default() += 1;
            *by_version.entry(op.version.as_str()).or_default().entry(seen).or_default() += 1;
            if seen == Seen::Refused {
                refused.push(format!("{} / {}: {}", op.qualified_name(), who.label(), r.body["error"]["code"]));
            }
            if let Err(e) = check(expected(op, who), &r) {
                failures.push(format!("{} {} ({}) as {}: {e}", op.method, op.path, op.qualified_name(), who.label()));
            }
            if seen == Seen::ServerError {
                failures.push(format!("{} ({}) as {}: server error {} {}", op.qualified_name(), op.method, who.label(), r.status, r.body));
            }
        }
    }

    let cols = [Seen::Unauthenticated, Seen::Denied, Seen::Refused, Seen::Success, Seen::ClientError, Seen::ServerError];
    let head = ["401", "403 authz", "403 handler", "2xx", "other 4xx", "5xx"];
    println!(
        "\nauthorization matrix: {} operations ({} v1.0, {} beta) x {} callers = {} calls",
        ops.len(),
        ops.iter().filter(|o| o.version == ApiVersion::V1).count(),
        ops.iter().filter(|o| o.version == ApiVersion::Beta).count(),
        WHO.len(),
        ops.len() * WHO.len()
    );
    println!("{:<26} {}", "caller", head.iter().map(|h| format!("{h:>12}")).collect::<String>());
    let mut total: BTreeMap<Seen, usize> = BTreeMap::new();
    for who in WHO {
        let row = &counts[&who];
        println!("{:<26} {}", who.label(), cols.iter().map(|s| format!("{:>12}", row.get(s).copied().unwrap_or(0))).collect::<String>());
        for (s, n) in row {
            *total.entry(*s).or_default() += n;
        }
    }
    for (v, row) in &by_version {
        println!(
            "{:<26} {}",
            format!("  ({v})"),
            cols.iter().map(|s| format!("{:>12}", row.get(s).copied().unwrap_or(0))).collect::<String>()
        );
    }
    println!("{:<26} {}", "total", cols.iter().map(|s| format!("{:>12}", total.get(s).copied().unwrap_or(0))).collect::<String>());
    println!("handler refusals (authorized, then refused for the object): {}", refused.join("; "));
    println!("mismatches: {}", failures.len());
    emu.shutdown().await;
    assert!(failures.is_empty(), "{} of {} cells disagree with the rules:\n{}", failures.len(), ops.len() * WHO.len(), failures.join("\n"));
}

#[test]
fn rules_cover_each_caller_kind() {
    // The rules themselves, on operations picked by description.
    let find = |v, name| Operation::find(v, name).expect("declared");
    let list = find(ApiVersion::V1, "list_catalogs");
    let create_req = find(ApiVersion::V1, "create_assignment_request");
    let approval = find(ApiVersion::Beta, "get_access_package_assignment_approval");
    let delete_pkg = find(ApiVersion::Beta, "delete_access_package");
    assert_eq!(expected(list, Who::NotYetValid), Expect::Unauthenticated);
    assert_eq!(expected(list, Who::AppWithoutPermission), Expect::Denied);
    assert_eq!(expected(list, Who::App), Expect::Success);
    assert_eq!(expected(list, Who::AppReader), Expect::Success);
    assert_eq!(expected(delete_pkg, Who::AppReader), Expect::Denied);
    assert_eq!(expected(approval, Who::AppReader), Expect::Denied);
    assert_eq!(expected(list, Who::PlainUser), Expect::Denied);
    assert_eq!(expected(list, Who::Admin), Expect::Success);
    assert_eq!(expected(create_req, Who::PlainUser), Expect::Allowed);
    assert_eq!(expected(create_req, Who::App), Expect::Allowed);
    assert_eq!(expected(approval, Who::App), Expect::Denied);
    assert_eq!(expected(approval, Who::Approver), Expect::Success);
    assert_eq!(expected(delete_pkg, Who::Requestor), Expect::Denied);
    assert_eq!(expected(delete_pkg, Who::Admin), Expect::Allowed);
}
