// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The client against the emulator over real loopback HTTP: token flows,
//! errors, retries, paging and filter escaping.

use std::time::{Duration, Instant};

use entitlement::models::v1;
use entitlement::credential::{BrowserMode, InteractiveBrowserCredential};
use entitlement::{Client, ErrorKind, Filter, RetryPolicy};
mod common;

use common::{admin, emulator};
use entitlement_emulator::{ids, BucketProfile, Emulator, EmulatorConfig, Fault, ThrottleConfig};
use futures_util::StreamExt;

#[tokio::test]
async fn client_secret_flow_reads_the_general_catalog() {
    let emu = emulator(100).await;
    let page = admin(&emu).list_catalogs().filter_by(Filter::eq("displayName", "General").unwrap()).send().await.unwrap();
    assert_eq!(page.value.len(), 1);
    let c = &page.value[0];
    assert_eq!(c.id.as_deref(), Some(ids::GENERAL_CATALOG_ID));
    assert_eq!(c.catalog_type, Some(v1::AccessPackageCatalogType::ServiceDefault));
    assert_eq!(c.state, Some(v1::AccessPackageCatalogState::Published));
}

#[tokio::test]
async fn the_authority_applies_whether_given_before_or_after_the_secret() {
    // Given after the credential, the authority used to be ignored: the
    // token was asked of login.microsoftonline.com instead of the emulator.
    let emu = emulator(100).await;
    let (id, secret) = emu.app_credentials();
    let c = Client::builder()
        .base_url(emu.base_url())
        .client_secret(emu.tenant_id(), &id, secret.as_str())
        .authority(emu.authority())
        .retry(RetryPolicy { max_attempts: 1, ..Default::default() })
        .deadline(Some(Duration::from_secs(20)))
        .build()
        .unwrap();
    let cat = c.get_catalog(ids::GENERAL_CATALOG_ID).send().await.unwrap();
    assert_eq!(cat.id.as_deref(), Some(ids::GENERAL_CATALOG_ID));
}

#[tokio::test]
async fn errors_carry_status_code_and_request_ids() {
    let emu = emulator(100).await;
    let err = admin(&emu).get_access_package("00000000-0000-0000-0000-000000000001").send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    assert_eq!(err.status, Some(404));
    assert!(err.code.is_some(), "{err:?}");
    assert!(err.request_id.is_some(), "{err:?}");
    assert!(err.client_request_id.as_deref().is_some_and(|c| c.len() == 36), "{err:?}");

    let err = admin(&emu).list_catalogs().filter("displayName eq").send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadRequest, "{err}");
    assert_eq!(err.status, Some(400));
}

#[tokio::test]
async fn bad_credentials_are_authentication_errors_without_secrets() {
    let emu = emulator(100).await;
    let (id, _) = emu.app_credentials();
    let c = Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(emu.tenant_id(), &id, "wrong-secret-value")
        .build()
        .unwrap();
    let err = c.list_catalogs().send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Authentication, "{err}");
    assert!(!format!("{err} {err:?} {c:?}").contains("wrong-secret-value"));

    let c = Client::builder().base_url(emu.base_url()).token("not-a-jwt").build().unwrap();
    let err = c.list_catalogs().send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Authentication);
    assert_eq!(err.status, Some(401));

    let c = Client::builder().base_url(emu.base_url()).build().unwrap();
    assert_eq!(c.list_catalogs().send().await.unwrap_err().kind, ErrorKind::Authentication);
}

#[tokio::test]
async fn delegated_user_cannot_create_packages() {
    let emu = emulator(100).await;
    let (id, _) = emu.app_credentials();
    let user = Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .credential(std::sync::Arc::new(InteractiveBrowserCredential::new(
            &emu.authority(),
            emu.tenant_id(),
            &id,
            Some(ids::REQUESTOR1_UPN.into()),
            0,
            BrowserMode::Http,
        )))
        .build()
        .unwrap();
    let body = v1::AccessPackage {
        display_name: Some("nope".into()),
        catalog: Some(Box::new(v1::AccessPackageCatalog { id: Some(ids::GENERAL_CATALOG_ID.into()), ..Default::default() })),
        ..Default::default()
    };
    let err = user.create_access_package(&body).send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::PermissionDenied, "{err}");
}

#[tokio::test]
async fn retries_honour_retry_after_then_give_up_as_throttled() {
    let emu = emulator(100).await;
    let client = admin(&emu);
    client.list_catalogs().send().await.unwrap(); // token cached
    emu.inject_fault(Fault { status: 429, retry_after: Some("1".into()), count: 2, path_contains: Some("catalogs".into()) });
    let t0 = Instant::now();
    client.list_catalogs().send().await.unwrap();
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_secs(2), "waited only {waited:?}");

    emu.inject_fault(Fault { status: 503, retry_after: None, count: 5, path_contains: Some("catalogs".into()) });
    let err = client.list_catalogs().send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Service);
    assert_eq!(err.status, Some(503));

    // A deadline shorter than Retry-After fails at once rather than sleeping.
    let quick = Client::builder()
        .base_url(emu.base_url())
        .token(emu.app_token())
        .retry(RetryPolicy { deadline: Some(Duration::from_secs(5)), ..Default::default() })
        .build()
        .unwrap();
    emu.inject_fault(Fault { status: 429, retry_after: Some("600".into()), count: 1, path_contains: Some("catalogs".into()) });
    let t0 = Instant::now();
    let err = quick.list_catalogs().send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Throttled);
    assert_eq!(err.retry_after, Some(Duration::from_secs(600)));
    assert!(t0.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn paging_follows_next_links_and_filters_escape_quotes() {
    let emu = emulator(3).await;
    let client = admin(&emu);
    let names = ["O'Brien team", "alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
    for n in names {
        client
            .create_catalog(&v1::AccessPackageCatalog { display_name: Some(n.into()), ..Default::default() })
            .send()
            .await
            .unwrap();
    }
    let first = client.list_catalogs().send().await.unwrap();
    assert_eq!(first.value.len(), 3);
    assert!(first.next_link.is_some());
    let all: Vec<_> = client.list_catalogs().stream().collect().await;
    assert_eq!(all.len(), names.len() + 1);
    // Three pages: the third is read ahead while the second is iterated.
    let streamed: Vec<String> = all.into_iter().map(|r| r.unwrap().id.unwrap()).collect();
    let listed: Vec<String> =
        client.list_catalogs().all().await.unwrap().into_iter().map(|c| c.id.unwrap()).collect();
    assert_eq!(streamed, listed, "every page's items once, in order");

    let hit = client.list_catalogs().filter_by(Filter::eq("displayName", "O'Brien team").unwrap()).send().await.unwrap();
    assert_eq!(hit.value.len(), 1);
    let injected = Filter::eq("displayName", "x' or displayName ne 'x").unwrap();
    let none = client.list_catalogs().filter_by(injected).send().await.unwrap();
    assert!(none.value.is_empty(), "filter injection changed the query");
}

/// `stream()` requests the first page, then each next one as the caller
/// reaches it, and from the second page on the one after it ahead: a caller
/// that stops within the first page costs no second request. Counted by the
/// emulator's throttling report (active with buckets nobody exhausts).
#[tokio::test]
async fn stream_reads_ahead_from_the_second_page_on() {
    let buckets = BucketProfile::parse("graph,app=100000/100000,tenant=100000/100000").unwrap();
    let throttle = ThrottleConfig { buckets: Some(buckets), ..Default::default() };
    let config = EmulatorConfig { page_size: 3, throttle, ..Default::default() };
    let emu = Emulator::start(config).await.unwrap();
    let client = admin(&emu);
    for i in 0..9 {
        let c = v1::AccessPackageCatalog { display_name: Some(format!("c{i}")), ..Default::default() };
        client.create_catalog(&c).send().await.unwrap();
    }
    let requests = || async {
        let url = format!("{}/_emulator/throttling", emu.base_url());
        let text = reqwest::get(url).await.unwrap().text().await.unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["requests"].as_u64().unwrap()
    };
    // 10 catalogs, 4 pages: (items read, pages requested by then).
    for (items, pages) in [(3, 1), (4, 3), (7, 4), (10, 4)] {
        let before = requests().await;
        let stream = client.list_catalogs().stream();
        futures_util::pin_mut!(stream);
        for _ in 0..items {
            stream.next().await.unwrap().unwrap();
        }
        // A page read ahead arrives on its own time: wait for it (10 s at
        // most), then a little longer for any request that should not come.
        let t0 = Instant::now();
        while requests().await - before < pages && t0.elapsed() < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(requests().await - before, pages, "{items} items read: {pages} page(s) requested");
    }
}

#[tokio::test]
async fn unknown_properties_survive_a_round_trip_through_the_service() {
    let emu = emulator(100).await;
    let client = admin(&emu);
    let created = client
        .create_access_package(&v1::AccessPackage {
            display_name: Some("Round trip".into()),
            catalog: Some(Box::new(v1::AccessPackageCatalog { id: Some(ids::GENERAL_CATALOG_ID.into()), ..Default::default() })),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    let got = client.get_access_package(&id).send().await.unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Round trip"));
    assert!(got.created_date_time.is_some());
    // The service's extra annotations (e.g. @odata.context) are kept, not dropped.
    assert!(got.extra.get("@odata.context").is_some(), "{:?}", got.extra);
}

#[tokio::test]
async fn bad_arguments_fail_before_anything_is_sent() {
    use entitlement::{Operation, QueryOptions};
    let err = Client::builder().base_url("not a url").build().unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);
    let err = Client::builder().base_url("ftp://example.com").build().unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);

    let emu = emulator(100).await;
    let client = admin(&emu);
    assert_eq!(client.get_catalog("").send().await.unwrap_err().kind, ErrorKind::InvalidArgument);
    let get = Operation::find_qualified("get_catalog").unwrap();
    let err = client.call(get, &[], &QueryOptions::default(), None).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);
    assert!(err.message.contains("catalogId"), "{err}");
    let create = Operation::find_qualified("create_catalog").unwrap();
    let err = client.call(create, &[], &QueryOptions::default(), None).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);
    // An id with a slash stays one path segment: the service sees an unknown id.
    let err = client.get_catalog("../accessPackages").send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    // A nextLink pointing elsewhere is refused rather than sent the token.
    let err = client.fetch_next("https://evil.example/v1.0/x").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Decode);
}
