// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `$orderby` on indexed properties is answered by the store (sorted and
//! paged in SQL): the order, ties in creation order, `$filter` and `$count`
//! together, and nextLinks that walk every object once.

mod common;

use common::*;
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed};
use serde_json::{json, Value};

const N: usize = 2_500;

fn assignment(i: usize) -> String {
    format!("2{i:07x}-0000-4000-8000-{i:012x}")
}

fn seed() -> Seed {
    let mut seed = Seed::default();
    let pkg = |p: usize| format!("5{p:07x}-0000-4000-8000-{p:012x}");
    seed.objects.insert(
        "accessPackages".into(),
        (0..2).map(|p| json!({"id": pkg(p), "displayName": format!("P{p}"), "catalogId": ids::GENERAL_CATALOG_ID})).collect(),
    );
    seed.objects.insert(
        "assignments".into(),
        (0..N)
            .map(|i| {
                json!({"id": assignment(i), "accessPackageId": pkg(i % 2), "targetId": ids::REQUESTOR1_ID,
                       "state": if i % 7 == 0 { "expired" } else { "delivered" }})
            })
            .collect(),
    );
    seed
}

async fn walk(c: &reqwest::Client, url: &str, t: &str) -> (Vec<String>, Option<u64>) {
    let (mut ids, mut count, mut next) = (Vec::new(), None, Some(url.to_string()));
    while let Some(u) = next {
        let r = call(c, "GET", &u, Some(t), None).await;
        assert_eq!(r.status, 200, "{u}: {}", r.body);
        count = count.or(r.body["@odata.count"].as_u64());
        ids.extend(r.body["value"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()));
        next = r.body["@odata.nextLink"].as_str().map(str::to_string);
        assert!(ids.len() <= N, "paging does not end");
    }
    (ids, count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orderby_state_is_sorted_by_the_store() {
    let emu = Emulator::start(EmulatorConfig { seed: seed(), ..config() }).await.expect("starts");
    let (c, t) = (http(), emu.app_token());
    let base = format!("{}/v1.0{EM}/assignments", emu.base_url());
    let expired: Vec<String> = (0..N).filter(|i| i % 7 == 0).map(assignment).collect();
    let delivered: Vec<String> = (0..N).filter(|i| i % 7 != 0).map(assignment).collect();

    let (desc, _) = walk(&c, &format!("{base}?$orderby=state%20desc"), &t).await;
    assert_eq!(desc, [expired.clone(), delivered.clone()].concat());
    let (asc, _) = walk(&c, &format!("{base}?$orderby=state&$top=30"), &t).await;
    assert_eq!(asc, [delivered.clone(), expired.clone()].concat());

    // With an indexed $filter and $count.
    let pkg0 = "50000000-0000-4000-8000-000000000000";
    let url = format!("{base}?$filter=accessPackage/id%20eq%20'{pkg0}'&$orderby=state%20desc&$count=true");
    let (ids, count) = walk(&c, &url, &t).await;
    let even = |v: &[String]| v.iter().filter(|id| usize::from_str_radix(&id[1..8], 16).unwrap() % 2 == 0).cloned().collect::<Vec<_>>();
    assert_eq!(ids, [even(&expired), even(&delivered)].concat());
    assert_eq!(count, Some(ids.len() as u64));

    // A key the store does not hold still sorts (by the evaluator).
    let r = call(&c, "GET", &format!("{base}?$orderby=id%20desc&$top=1"), Some(&t), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["value"][0]["id"], Value::from(assignment(N - 1)));
}
