// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The client's lifecycle helpers (follow, review, extend) against an
//! emulator on a manual clock, over loopback HTTP: an approval escalates to
//! the admin, who approves it with `review_assignment_request`; the
//! assignment is extended and then expires when the clock reaches its new end.

use std::time::Duration;

use entitlement::lifecycle::WaitOptions;
use entitlement::{Client, ErrorKind};
use entitlement_emulator::{ids, ClockMode, Emulator, EmulatorConfig};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn m<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("a model")
}

fn client(emu: &Emulator, token: String) -> Client {
    Client::builder().base_url(emu.base_url()).token(token).build().expect("client")
}

const FAST: WaitOptions = WaitOptions { timeout: Duration::from_secs(10), poll_interval: Duration::from_millis(10) };

#[tokio::test]
async fn follow_review_and_extend_over_days() {
    let emu = Emulator::start(EmulatorConfig { clock: ClockMode::Manual, delivery_delay: Duration::from_millis(10), ..Default::default() })
        .await
        .expect("emulator");
    let app = client(&emu, emu.app_token());
    let admin = client(&emu, emu.user_token(ids::ADMIN_UPN).unwrap());
    let user = client(&emu, emu.user_token(ids::REQUESTOR1_UPN).unwrap());

    app.create_resource_request(&m(json!({"requestType": "adminAdd", "catalog": {"id": ids::GENERAL_CATALOG_ID},
        "resource": {"originId": ids::MARKETING_GROUP_ID, "originSystem": "AadGroup"}})))
        .send()
        .await
        .unwrap();
    let roles = app
        .list_catalog_resource_roles(ids::GENERAL_CATALOG_ID)
        .filter(format!("originId eq 'Member_{}'", ids::MARKETING_GROUP_ID))
        .expand(["resource"])
        .send()
        .await
        .unwrap();
    let role = serde_json::to_value(&roles.value[0]).unwrap();
    let pkg = app.create_access_package(&m(json!({"displayName": "days", "description": "d", "catalog": {"id": ids::GENERAL_CATALOG_ID}}))).send().await.unwrap();
    let pkg_id = pkg.id.clone().unwrap();
    app.create_access_package_resource_role_scope(&pkg_id, &m(json!({
        "role": {"id": role["id"], "originId": role["originId"], "originSystem": "AadGroup", "resource": {"id": role["resource"]["id"]}},
        "scope": {"originId": ids::MARKETING_GROUP_ID, "originSystem": "AadGroup"}})))
        .send()
        .await
        .unwrap();
    let policy = app
        .create_assignment_policy(&m(json!({
            "displayName": "escalating", "description": "owner away", "accessPackage": {"id": pkg_id},
            "allowedTargetScope": "specificDirectoryUsers",
            "specificAllowedTargets": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::REQUESTOR1_ID}],
            "requestorSettings": {"enableTargetsToSelfAddAccess": true},
            "expiration": {"type": "afterDuration", "duration": "P3D"},
            "requestApprovalSettings": {"isApprovalRequiredForAdd": true, "isApprovalRequiredForUpdate": false, "stages": [{
                "durationBeforeAutomaticDenial": "P7D", "isApproverJustificationRequired": true,
                "isEscalationEnabled": true, "durationBeforeEscalation": "PT12H",
                "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": "0badc0de-0000-4000-8000-000000000001"}],
                "escalationApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::ADMIN_ID}]}]}
        })))
        .send()
        .await
        .unwrap();
    let req = user
        .create_assignment_request(&m(json!({"requestType": "userAdd", "assignment": {
            "targetId": ids::REQUESTOR1_ID, "accessPackageId": pkg_id, "assignmentPolicyId": policy.id}})))
        .send()
        .await
        .unwrap();
    let id = req.id.clone().unwrap();
    for _ in 0..500 {
        if app.get_assignment_request(&id).send().await.unwrap().state.is_some_and(|s| s.as_str() == "pendingApproval") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Before escalation the admin has nothing to review.
    let err = admin.review_assignment_request(&id, true, "early").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    emu.advance("PT12H").await.unwrap();
    // The stage requires a justification: the service's 400 comes through.
    assert_eq!(admin.review_assignment_request(&id, true, "").await.unwrap_err().kind, ErrorKind::BadRequest);
    admin.review_assignment_request(&id, true, "covering for the owner").await.unwrap();
    let done = app.follow_assignment_request(&id, FAST).await.unwrap();
    assert_eq!(done.request.state.as_ref().map(|s| s.as_str()), Some("delivered"));
    assert_eq!(done.states.last().map(String::as_str), Some("delivered"));
    assert!(done.states.windows(2).all(|w| w[0] != w[1]), "{:?}", done.states);

    let a = serde_json::to_value(app.get_assignment(&id).send().await.unwrap()).unwrap();
    let start = chrono::DateTime::parse_from_rfc3339(a["schedule"]["startDateTime"].as_str().unwrap()).unwrap();
    let ext = app.extend_assignment(&id, json!({"type": "afterDuration", "duration": "P10D"}), false).await.unwrap();
    let ext = app.follow_assignment_request(ext.id.as_deref().unwrap(), FAST).await.unwrap();
    assert_eq!(ext.request.state.as_ref().map(|s| s.as_str()), Some("delivered"));
    let a = serde_json::to_value(app.get_assignment(&id).send().await.unwrap()).unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(a["schedule"]["expiration"]["endDateTime"].as_str().unwrap()).unwrap();
    assert_eq!(end - start, chrono::Duration::days(10));
    emu.advance("P9D").await.unwrap();
    assert_eq!(serde_json::to_value(app.get_assignment(&id).send().await.unwrap()).unwrap()["state"], "delivered", "extended past day 3");
    emu.advance("P1D").await.unwrap();
    assert_eq!(serde_json::to_value(app.get_assignment(&id).send().await.unwrap()).unwrap()["state"], "expired");
}
