// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Lists over a tenant larger than the in-memory limit, answered from the
//! store's indexes: keyset paging, `$filter` pushed down (whole or in part),
//! `$count`, and a database written before the indexed columns existed.

mod common;

use common::*;
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed, SeedUser};
use serde_json::{json, Value};

const N: usize = 12_000;

fn user(i: usize) -> String {
    format!("1{i:07x}-0000-4000-8000-{i:012x}")
}
fn assignment(i: usize) -> String {
    format!("2{i:07x}-0000-4000-8000-{i:012x}")
}
fn package(p: usize) -> String {
    format!("5{p:07x}-0000-4000-8000-{p:012x}")
}
fn policy(p: usize) -> String {
    format!("6{p:07x}-0000-4000-8000-{p:012x}")
}
/// Index of an assignment id written by [`assignment`].
fn index(id: &str) -> usize {
    usize::from_str_radix(&id[1..8], 16).expect("assignment id")
}

/// N users with one assignment each over three packages; every tenth expired.
fn big_seed() -> Seed {
    let mut seed = Seed::default();
    seed.users.extend((0..N).map(|i| SeedUser {
        id: user(i),
        display_name: format!("User {i}"),
        user_principal_name: format!("user{i}@contoso.com"),
        password: None,
        roles: vec![],
        mail: None,
    }));
    seed.objects.insert(
        "accessPackages".into(),
        (0..3).map(|p| json!({"id": package(p), "displayName": format!("P{p}"), "catalogId": ids::GENERAL_CATALOG_ID})).collect(),
    );
    seed.objects.insert(
        "assignmentPolicies".into(),
        (0..3).map(|p| json!({"id": policy(p), "displayName": "p", "accessPackageId": package(p)})).collect(),
    );
    seed.objects.insert(
        "assignments".into(),
        (0..N)
            .map(|i| {
                json!({"id": assignment(i), "accessPackageId": package(i % 3), "assignmentPolicyId": policy(i % 3),
                       "targetId": user(i), "state": if i % 10 == 0 { "expired" } else { "delivered" }})
            })
            .collect(),
    );
    seed
}

/// Follows nextLinks from `url`; the items and the `$skiptoken`s seen.
async fn all_pages(c: &reqwest::Client, url: &str, t: &str) -> (Vec<Value>, Vec<String>) {
    let (mut items, mut tokens) = (Vec::new(), Vec::new());
    let mut next = Some(url.to_string());
    while let Some(u) = next {
        let r = call(c, "GET", &u, Some(t), None).await;
        assert_eq!(r.status, 200, "{u}: {}", r.body);
        items.extend(r.body["value"].as_array().expect("value").iter().cloned());
        next = r.body["@odata.nextLink"].as_str().map(str::to_string);
        if let Some(n) = &next {
            tokens.push(n.rsplit_once("$skiptoken=").expect("skiptoken").1.to_string());
        }
        assert!(tokens.len() <= N, "paging does not end");
    }
    (items, tokens)
}

fn ids_of(items: &[Value]) -> Vec<usize> {
    items.iter().map(|a| index(a["id"].as_str().expect("id"))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_shaped_tenant_is_listed_from_the_indexes() {
    let emu = Emulator::start(EmulatorConfig { seed: big_seed(), ..config() }).await.expect("starts");
    let c = http();
    let t = emu.app_token();
    let v1 = format!("{}/v1.0{EM}/assignments", emu.base_url());

    // Every assignment once, in creation order, by keyset tokens (pages of
    // at most the emulator's page size, 100, whatever $top asks).
    let (items, tokens) = all_pages(&c, &format!("{v1}?$top=999"), &t).await;
    assert_eq!(ids_of(&items), (0..N).collect::<Vec<_>>());
    assert_eq!(tokens.len(), N.div_ceil(100) - 1);
    assert!(tokens.iter().all(|k| k.starts_with('K')), "{tokens:?}");

    let r = call(&c, "GET", &format!("{v1}?$count=true&$top=5"), Some(&t), None).await;
    assert_eq!((r.body["@odata.count"].as_u64(), r.body["value"].as_array().map(Vec::len)), (Some(N as u64), Some(5)));

    // A package's assignments, counted and paged.
    let pkg1 = package(1);
    let (items, _) = all_pages(&c, &format!("{v1}?$filter=accessPackage/id eq '{pkg1}'&$top=999"), &t).await;
    assert_eq!(ids_of(&items), (1..N).step_by(3).collect::<Vec<_>>());
    let r = call(&c, "GET", &format!("{v1}?$filter=accessPackage/id eq '{pkg1}'&$count=true&$top=1"), Some(&t), None).await;
    assert_eq!(r.body["@odata.count"], N / 3);

    // One target, its id in another case; expanded as a subject.
    let who = user(7).to_uppercase();
    let r = call(&c, "GET", &format!("{v1}?$filter=target/objectId eq '{who}'&$expand=target,accessPackage"), Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ids_of(r.body["value"].as_array().unwrap()), vec![7]);
    assert_eq!(r.body["value"][0]["target"]["displayName"], "User 7");
    assert_eq!(r.body["value"][0]["accessPackage"]["id"], package(1));
    assert!(r.body.get("@odata.nextLink").is_none());

    // and/or of indexed terms, wholly in SQL.
    let count = |f: String| {
        let (c, t, v1) = (c.clone(), t.clone(), v1.clone());
        async move {
            let r = call(&c, "GET", &format!("{v1}?$filter={f}&$count=true&$top=3"), Some(&t), None).await;
            assert_eq!(r.status, 200, "{f}: {}", r.body);
            (r.body["@odata.count"].as_u64().expect("count") as usize, r.body["@odata.nextLink"].as_str().map(str::to_string))
        }
    };
    let pkg0 = package(0);
    assert_eq!(count(format!("state eq 'expired' and accessPackage/id eq '{pkg0}'")).await.0, (0..N).step_by(30).count());
    assert_eq!(count(format!("(state eq 'EXPIRED' or state eq 'delivered') and accessPackage/id eq '{}'", package(2))).await.0, N / 3);
    assert_eq!(count(format!("assignmentPolicy/id eq '{}' or target/id eq '{}'", policy(0), user(1))).await.0, N / 3 + 1);
    // A term the columns cannot answer: the indexed term narrows, the evaluator decides (offset tokens).
    let (n, next) = count(format!("accessPackage/id eq '{pkg0}' and startswith(state, 'exp')")).await;
    assert_eq!(n, (0..N).step_by(30).count());
    assert!(next.expect("more pages").contains("$skiptoken=X"));
    assert_eq!(count("state ne 'delivered'".into()).await.0, N / 10);
    assert_eq!(count("state eq ''".into()).await.0, 0);

    // beta's names for the same columns
    let beta = format!("{}/beta{EM}/accessPackageAssignments", emu.base_url());
    let r = call(&c, "GET", &format!("{beta}?$filter=assignmentState eq 'Expired' and accessPackageId eq '{pkg1}'&$count=true&$top=2"), Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["@odata.count"], (1..N).step_by(3).filter(|i| i % 10 == 0).count());
    assert_eq!(r.body["value"][0]["assignmentState"], "Expired");

    // $skip on the first page, then keys.
    let (items, _) = all_pages(&c, &format!("{v1}?$skip={}&$top=100", N - 150), &t).await;
    assert_eq!(ids_of(&items), (N - 150..N).collect::<Vec<_>>());
    // A key token is only valid for the query that produced it.
    let r = call(&c, "GET", &format!("{v1}?$orderby=id&$skiptoken={}", tokens[0]), Some(&t), None).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["error"]["message"], "The $skiptoken is not valid.");

    emu.shutdown().await;
}

#[tokio::test]
async fn a_database_written_before_the_indexed_columns_is_upgraded() {
    let path = std::env::temp_dir().join(format!("entitlement-old-{}.db", uuid::Uuid::new_v4()));
    {
        // The schema and records as the emulator wrote them before.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE objects (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL COLLATE NOCASE,
                 parent TEXT COLLATE NOCASE, json TEXT NOT NULL, UNIQUE(kind, id));
             CREATE INDEX objects_parent ON objects(kind, parent);
             CREATE TABLE group_members (group_id TEXT NOT NULL COLLATE NOCASE, member_id TEXT NOT NULL COLLATE NOCASE,
                 PRIMARY KEY (group_id, member_id));
             INSERT INTO meta VALUES('seeded', '1');",
        )
        .unwrap();
        let app = json!({"id": ids::APP_CLIENT_ID, "appId": ids::APP_CLIENT_ID, "displayName": "app",
                         "_secret": ids::APP_CLIENT_SECRET, "_permissions": ["EntitlementManagement.ReadWrite.All"]});
        conn.execute("INSERT INTO objects(kind, id, json) VALUES('application', ?1, ?2)", rusqlite::params![ids::APP_CLIENT_ID, app.to_string()]).unwrap();
        for i in 0..5 {
            let a = json!({"id": assignment(i), "state": "delivered", "status": "Delivered", "_accessPackageId": package(i % 2),
                           "_policyId": policy(i % 2), "_targetId": user(i), "_catalogId": ids::GENERAL_CATALOG_ID, "_resourceRoles": []});
            conn.execute("INSERT INTO objects(kind, id, json) VALUES('assignment', ?1, ?2)", rusqlite::params![assignment(i), a.to_string()]).unwrap();
        }
    }
    let emu = Emulator::start(EmulatorConfig { db_path: Some(path.clone()), ..config() }).await.expect("starts on the old file");
    let c = http();
    let t = emu.app_token();
    let r = call(&c, "GET", &format!("{}/v1.0{EM}/assignments?$filter=accessPackage/id eq '{}'&$count=true", emu.base_url(), package(0)), Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["@odata.count"], 3);
    assert_eq!(ids_of(r.body["value"].as_array().unwrap()), vec![0, 2, 4]);
    emu.shutdown().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
