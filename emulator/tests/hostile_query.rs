// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Hostile and mistaken OData query options over real HTTP: each query that
//! used to crash the emulator or grow it without bound (4,000-level
//! `$expand`, a 5,700-term `or` chain, 10,000 parentheses, `not` and
//! function chains, an `$expand` cycle) now gets Graph's 400 quickly, and the
//! emulator keeps answering; names the queried type does not declare get
//! Graph's exact 400; valid queries near the limits still work.
//!
//! Spaces are sent as `+` (form encoding) to keep the long URLs compact.

mod common;

use std::time::{Duration, Instant};

use common::*;
use entitlement_emulator::{ids, Emulator};
use serde_json::json;

const TOO_DEEP: &str =
    "The request includes a $expand path which is too deep. The maximum depth allowed is 3.";

/// `$expand=a($expand=a(…))` with `levels` levels.
fn nested_expand(names: &[&str], levels: usize) -> String {
    let mut s = String::new();
    for i in 0..levels {
        if i > 0 {
            s.push_str("($expand=");
        }
        s.push_str(names[i % names.len()]);
    }
    s.push_str(&")".repeat(levels - 1));
    s
}

/// The call, with how long it took.
async fn timed(c: &reqwest::Client, url: &str, token: &str) -> (Resp, Duration) {
    let t = Instant::now();
    let r = call(c, "GET", url, Some(token), None).await;
    (r, t.elapsed())
}

fn message(r: &Resp) -> &str {
    r.body["error"]["message"].as_str().unwrap_or("")
}

/// The emulator still answers an ordinary request.
async fn still_up(c: &reqwest::Client, emu: &Emulator) {
    let r = call(
        c,
        "GET",
        &format!(
            "{}/v1.0{EM}/catalogs?$filter=displayName+eq+'General'",
            emu.base_url()
        ),
        Some(&emu.app_token()),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["value"][0]["id"], ids::GENERAL_CATALOG_ID);
}

/// Peak resident memory of this process (emulator included) in MB, where /proc tells.
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? / 1024)
}

/// A refused query: 400 (or, for URLs past a front-end length cap, 414), quickly, in Graph's shape.
fn refused(r: &Resp, took: Duration, what: &str) {
    assert!(took < Duration::from_secs(2), "{what} took {took:?}");
    if r.status == 414 {
        return;
    }
    assert_eq!(r.status, 400, "{what}: {}", r.body);
    assert_eq!(r.body["error"]["code"], "BadRequest", "{what}: {}", r.body);
    assert!(r.body["error"]["innerError"]["request-id"].is_string());
}

#[tokio::test]
async fn deep_expand_is_refused_not_a_crash() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let user = emu.user_token(ids::REQUESTOR1_ID).unwrap();
    let app = emu.app_token();
    // the reported crash: ~4,000 levels (a 44 KB URL) through a plain user's filterByCurrentUser
    let deep = nested_expand(&["a"], 4_000);
    assert!(deep.len() > 40_000);
    let url =
        format!("{v1}/accessPackages/filterByCurrentUser(on='allowedRequestor')?$expand={deep}");
    let (r, took) = timed(&c, &url, &user).await;
    refused(&r, took, "4,000-level $expand");
    if r.status == 400 {
        assert_eq!(message(&r), TOO_DEEP);
    }
    eprintln!(
        "4,000-level $expand ({} bytes): {} in {took:?}",
        url.len(),
        r.status
    );
    // a modest URL past the limit gets the same answer from the parser itself
    let url = format!(
        "{v1}/catalogs?$expand={}",
        nested_expand(&["accessPackages", "catalog"], 300)
    );
    let (r, took) = timed(&c, &url, &app).await;
    refused(&r, took, "300-level $expand");
    assert_eq!(message(&r), TOO_DEEP);
    let url = format!(
        "{v1}/catalogs?$expand={}",
        nested_expand(&["accessPackages", "catalog"], 4)
    );
    let r = call(&c, "GET", &url, Some(&app), None).await;
    assert_eq!((r.status, message(&r)), (400, TOO_DEEP));
    // too many navigation properties at once
    let wide = vec!["accessPackages"; 17].join(",");
    let r = call(
        &c,
        "GET",
        &format!("{v1}/catalogs?$expand={wide}"),
        Some(&app),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        message(&r).contains("more than 16 $expand items"),
        "{}",
        r.body
    );
    still_up(&c, &emu).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn hostile_filters_are_refused_not_a_crash() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let user = emu.user_token(ids::REQUESTOR1_ID).unwrap();
    let app = emu.app_token();
    let mine = format!("{v1}/accessPackages/filterByCurrentUser(on='allowedRequestor')");
    let node_limit = "Invalid filter clause: The node count limit of '1000' has been exceeded.";
    let cases: Vec<(&str, String, &str)> = vec![
        // just past the limits, in URLs short enough for any front-end length cap
        (
            "1,001-term or chain",
            vec!["a"; 1_001].join("+or+"),
            node_limit,
        ),
        (
            "33 parentheses",
            format!("{}displayName+eq+'x'{}", "(".repeat(33), ")".repeat(33)),
            "Invalid filter clause: The recursion limit has been exceeded",
        ),
        // the reported crash: a flat chain of ~5,700 terms
        (
            "5,700-term or chain",
            vec!["a"; 5_700].join("+or+"),
            node_limit,
        ),
        (
            "5,000-term and chain",
            vec!["a+eq+1"; 5_000].join("+and+"),
            node_limit,
        ),
        (
            "10,000 parentheses",
            format!(
                "{}displayName+eq+'x'{}",
                "(".repeat(10_000),
                ")".repeat(10_000)
            ),
            "Invalid filter clause: The recursion limit has been exceeded",
        ),
        (
            "10,000 unclosed parentheses",
            "(".repeat(10_000),
            "Invalid filter clause: The recursion limit has been exceeded",
        ),
        (
            "5,000 nots",
            format!("{}displayName+eq+'x'", "not+".repeat(5_000)),
            "Invalid filter clause: The recursion limit has been exceeded",
        ),
        (
            "5,000 nested calls",
            format!(
                "{}displayName{}+eq+'x'",
                "tolower(".repeat(5_000),
                ")".repeat(5_000)
            ),
            "Invalid filter clause: The recursion limit has been exceeded",
        ),
    ];
    for (what, filter, expected) in &cases {
        for (url, token) in [(&mine, &user), (&format!("{v1}/catalogs"), &app)] {
            let full = format!("{url}?$filter={filter}");
            let (r, took) = timed(&c, &full, token).await;
            refused(&r, took, what);
            if r.status == 400 {
                assert!(message(&r).starts_with(expected), "{what}: {}", r.body);
            }
            eprintln!("{what} ({} bytes): {} in {took:?}", full.len(), r.status);
        }
    }
    still_up(&c, &emu).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn expand_cycles_are_bounded() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let app = emu.app_token();
    let r = call(
        &c,
        "POST",
        &format!("{v1}/catalogs"),
        Some(&app),
        Some(json!({"displayName": "Cycle"})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cat = r.body["id"].as_str().unwrap().to_string();
    // 12 packages of ~100 KB: one level of the cycle is 1.2 MB, two levels 14 MB
    let big = "x".repeat(100_000);
    for i in 0..12 {
        let r = call(
            &c,
            "POST",
            &format!("{v1}/accessPackages"),
            Some(&app),
            Some(
                json!({"catalog": {"id": cat}, "displayName": format!("p{i}"), "description": big}),
            ),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    // the reported blow-up: 5 levels of catalog → accessPackages → catalog → …
    let url = format!(
        "{v1}/catalogs/{cat}?$expand={}",
        nested_expand(&["accessPackages", "catalog"], 5)
    );
    let (r, took) = timed(&c, &url, &app).await;
    refused(&r, took, "5-level cycle");
    assert_eq!(message(&r), TOO_DEEP);
    // within the depth limit, the size budget stops the multiplied answer
    let url = format!(
        "{v1}/catalogs/{cat}?$expand={}",
        nested_expand(&["accessPackages", "catalog"], 3)
    );
    let (r, took) = timed(&c, &url, &app).await;
    refused(&r, took, "3-level cycle over 8 MB");
    assert!(
        message(&r).starts_with("The response would exceed 8 MB"),
        "{}",
        r.body
    );
    eprintln!("3-level cycle over 12 x 100 KB packages: {} in {took:?}; peak RSS of the test process {:?} MB", r.status, peak_mb());
    let url = format!(
        "{v1}/accessPackages?$filter=displayName+ne+'x'&$expand=catalog($expand=accessPackages)"
    );
    let (r, took) = timed(&c, &url, &app).await;
    refused(&r, took, "list with a 2-level cycle over 8 MB");
    // the same shapes, small enough, are answered
    let url = format!("{v1}/catalogs/{cat}?$expand=accessPackages($expand=catalog)");
    let r = call(&c, "GET", &url, Some(&app), None).await;
    assert_eq!(r.status, 200, "{}", message(&r));
    assert_eq!(r.body["accessPackages"].as_array().unwrap().len(), 12);
    assert_eq!(r.body["accessPackages"][0]["catalog"]["id"], cat.as_str());
    let url = format!("{v1}/catalogs/{cat}?$expand=accessPackages($select=id,displayName;$expand=catalog($expand=accessPackages($select=id)))");
    let r = call(&c, "GET", &url, Some(&app), None).await;
    assert_eq!(r.status, 200, "{}", message(&r));
    let inner = &r.body["accessPackages"][0]["catalog"]["accessPackages"];
    assert_eq!(inner.as_array().unwrap().len(), 12);
    assert!(inner[0].get("description").is_none());
    still_up(&c, &emu).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn unknown_properties_get_graphs_400() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let beta = format!("{}/beta{EM}", emu.base_url());
    let app = emu.app_token();
    let user = emu.user_token(ids::REQUESTOR1_ID).unwrap();
    let on_package =
        "Could not find a property named 'noSuchProperty' on type 'microsoft.graph.accessPackage'.";
    for q in [
        "$filter=noSuchProperty+eq+'x'",
        "$select=id,noSuchProperty",
        "$orderby=noSuchProperty",
        "$orderby=displayName,noSuchProperty+desc",
        "$filter=displayName+eq+'x'+or+startswith(noSuchProperty,'a')",
    ] {
        for (url, token) in [
            (format!("{v1}/accessPackages?{q}"), &app),
            (
                format!("{v1}/accessPackages/filterByCurrentUser(on='allowedRequestor')?{q}"),
                &user,
            ),
        ] {
            let r = call(&c, "GET", &url, Some(token), None).await;
            assert_eq!(r.status, 400, "{q}: {}", r.body);
            assert_eq!(r.body["error"]["code"], "BadRequest", "{q}");
            assert_eq!(message(&r), on_package, "{q}");
        }
    }
    // on a single entity: $select and $expand are checked ($filter does not apply)
    let r = call(
        &c,
        "GET",
        &format!(
            "{v1}/catalogs/{}?$select=displayName,noSuchProperty",
            ids::GENERAL_CATALOG_ID
        ),
        Some(&app),
        None,
    )
    .await;
    assert_eq!(message(&r), "Could not find a property named 'noSuchProperty' on type 'microsoft.graph.accessPackageCatalog'.");
    // nested options, against the navigation's target type, even on an empty list
    let cases = [
        (format!("{v1}/accessPackages?$expand=catalog($select=noSuchProperty)"), "Could not find a property named 'noSuchProperty' on type 'microsoft.graph.accessPackageCatalog'."),
        (format!("{v1}/accessPackages?$expand=catalog($expand=noSuchNav)"), "Could not find a property named 'noSuchNav' on type 'microsoft.graph.accessPackageCatalog'."),
        (format!("{v1}/assignments?$filter=target/noSuchProperty+eq+'x'"), "Could not find a property named 'noSuchProperty' on type 'microsoft.graph.accessPackageSubject'."),
        (format!("{v1}/assignments?$orderby=accessPackage/noSuchProperty"), "Could not find a property named 'noSuchProperty' on type 'microsoft.graph.accessPackage'."),
        (format!("{v1}/assignments?$expand=noSuchNav"), "Could not find a property named 'noSuchNav' on type 'microsoft.graph.accessPackageAssignment'."),
        // a beta name on v1.0, and a v1.0 name on beta
        (format!("{v1}/assignmentRequests?$filter=requestState+eq+'Delivered'"), "Could not find a property named 'requestState' on type 'microsoft.graph.accessPackageAssignmentRequest'."),
        (format!("{beta}/accessPackageCatalogs?$select=state"), "Could not find a property named 'state' on type 'microsoft.graph.accessPackageCatalog'."),
    ];
    for (url, expected) in &cases {
        let r = call(&c, "GET", url, Some(&app), None).await;
        assert_eq!(r.status, 400, "{url}: {}", r.body);
        assert_eq!(message(&r), *expected, "{url}");
    }
    // a property read through a collection; a filter through two navigations
    let r = call(
        &c,
        "GET",
        &format!("{v1}/accessPackages?$filter=resourceRoleScopes/id+eq+'x'"),
        Some(&app),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(message(&r).contains("is not a single value"), "{}", r.body);
    let r = call(
        &c,
        "GET",
        &format!("{v1}/assignments?$filter=accessPackage/catalog/id+eq+'x'"),
        Some(&app),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "InvalidFilter");
    assert_eq!(
        message(&r),
        "OData query is invalid: Filter on 'accessPackage/catalog/id' is not supported."
    );
    // malformed stays Graph's "Invalid filter clause"
    let r = call(
        &c,
        "GET",
        &format!("{v1}/accessPackages?$filter=displayName+eq"),
        Some(&app),
        None,
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(message(&r).starts_with("Invalid filter clause"));
    still_up(&c, &emu).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn valid_queries_near_the_limits_work() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let beta = format!("{}/beta{EM}", emu.base_url());
    let app = emu.app_token();
    let general = ids::GENERAL_CATALOG_ID;
    let ok = |r: &Resp, what: &str| assert_eq!(r.status, 200, "{what}: {}", r.body);
    // names match case-insensitively, as Graph's do
    let r = call(&c, "GET", &format!("{v1}/catalogs?$filter=DisplayName+eq+'General'&$select=DISPLAYNAME&$orderby=CreatedDateTime+desc"), Some(&app), None).await;
    ok(&r, "case-insensitive names");
    assert_eq!(r.body["value"][0]["displayName"], "General");
    // 300 or-terms, 32 parentheses, 32 nested calls
    let terms = (0..299)
        .map(|i| format!("displayName+eq+'n{i}'"))
        .chain(["displayName+eq+'General'".to_string()])
        .collect::<Vec<_>>()
        .join("+or+");
    let r = call(
        &c,
        "GET",
        &format!("{v1}/catalogs?$filter={terms}"),
        Some(&app),
        None,
    )
    .await;
    ok(&r, "300 terms");
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let r = call(
        &c,
        "GET",
        &format!(
            "{v1}/catalogs?$filter={}displayName+eq+'General'{}",
            "(".repeat(32),
            ")".repeat(32)
        ),
        Some(&app),
        None,
    )
    .await;
    ok(&r, "32 parentheses");
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let r = call(
        &c,
        "GET",
        &format!(
            "{v1}/catalogs?$filter={}displayName{}+eq+'general'",
            "tolower(".repeat(32),
            ")".repeat(32)
        ),
        Some(&app),
        None,
    )
    .await;
    ok(&r, "32 calls");
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    // a package with a role scope: three $expand levels, navigation paths in filters
    let r = call(
        &c,
        "POST",
        &format!("{v1}/accessPackages"),
        Some(&app),
        Some(json!({"catalog": {"id": general}, "displayName": "Deep"})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let pkg = r.body["id"].as_str().unwrap().to_string();
    let r = call(&c, "GET", &format!("{v1}/accessPackages/{pkg}?$expand=catalog($expand=accessPackages($expand=assignmentPolicies))"), Some(&app), None).await;
    ok(&r, "three levels");
    assert_eq!(r.body["catalog"]["id"], general);
    assert!(r.body["catalog"]["accessPackages"][0]["assignmentPolicies"].is_array());
    let r = call(&c, "GET", &format!("{v1}/assignments?$filter=accessPackage/id+eq+'{pkg}'+or+target/objectId+eq+'{}'&$orderby=accessPackage/displayName", ids::REQUESTOR1_ID), Some(&app), None).await;
    ok(&r, "navigation paths");
    let r = call(&c, "GET", &format!("{beta}/accessPackageAssignments?$filter=accessPackageAssignmentPolicy/Id+eq+'{pkg}'&$expand=target,accessPackageAssignmentResourceRoles"), Some(&app), None).await;
    ok(&r, "beta names");
    let r = call(&c, "GET", &format!("{beta}/accessPackageAssignmentRequests?$filter=(requestState+eq+'PendingApproval')&$expand=requestor($expand=connectedOrganization)"), Some(&app), None).await;
    ok(&r, "beta requestState");
    // properties of derived types: group members are directoryObjects (users)
    let r = call(&c, "GET", &format!("{}/v1.0/groups/{}/members?$select=displayName,userPrincipalName&$filter=accountEnabled+eq+true+or+displayName+ne+null", emu.base_url(), ids::GROUP_ID), Some(&app), None).await;
    ok(&r, "derived-type properties");
    // annotations in $select
    let r = call(
        &c,
        "GET",
        &format!("{v1}/assignmentPolicies?$select=id,displayName,@odata.type"),
        Some(&app),
        None,
    )
    .await;
    ok(&r, "annotation in $select");
    emu.shutdown().await;
}

#[tokio::test]
async fn lambdas_with_type_casts_filter_connected_organizations() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let app = emu.app_token();
    let tenant = "bcfdfff4-cbc3-43f2-9000-ba7b7515054f";
    for (name, source) in [
        (
            "Tenant org",
            json!({"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant", "tenantId": tenant, "displayName": "Woodgrove"}),
        ),
        (
            "Domain org",
            json!({"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "fabrikam.com", "displayName": "fabrikam.com"}),
        ),
    ] {
        let r = call(
            &c,
            "POST",
            &format!("{v1}/connectedOrganizations"),
            Some(&app),
            Some(json!({"displayName": name, "identitySources": [source], "state": "proposed"})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let names = |r: &Resp| -> Vec<String> {
        r.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["displayName"].as_str().unwrap().to_string())
            .collect()
    };
    // the documented form (connectedOrganization reference: identitySources supports $filter with a cast)
    let r = call(&c, "GET", &format!("{v1}/connectedOrganizations?$filter=identitySources/any(is:is/microsoft.graph.azureActiveDirectoryTenant/tenantId+eq+'{tenant}')"), Some(&app), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(names(&r), vec!["Tenant org"]);
    let r = call(&c, "GET", &format!("{v1}/connectedOrganizations?$filter=identitySources/any(x:+x/microsoft.graph.domainIdentitySource/domainName+eq+'fabrikam.com')+and+displayName+ne+'x'"), Some(&app), None).await;
    assert_eq!(names(&r), vec!["Domain org"]);
    // the item type is checked: a property of neither the item type nor its subtypes, or a cast to an unrelated type
    let r = call(
        &c,
        "GET",
        &format!(
            "{v1}/connectedOrganizations?$filter=identitySources/any(x:x/noSuchProperty+eq+'a')"
        ),
        Some(&app),
        None,
    )
    .await;
    assert_eq!((r.status, message(&r)), (400, "Could not find a property named 'noSuchProperty' on type 'microsoft.graph.identitySource'."));
    let r = call(&c, "GET", &format!("{v1}/connectedOrganizations?$filter=identitySources/any(x:x/microsoft.graph.accessPackage/id+eq+'a')"), Some(&app), None).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = call(
        &c,
        "GET",
        &format!("{v1}/connectedOrganizations?$filter=displayName/any(x:x+eq+'a')"),
        Some(&app),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    emu.shutdown().await;
}
