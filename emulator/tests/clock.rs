// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The request lifecycle over days on a manual clock, over real HTTP:
//! expiry, scheduled start, escalation and automatic denial, custom
//! extension callouts to a loopback webhook, and the clock's control
//! endpoints.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use entitlement_emulator::{ids, ClockMode, Emulator, EmulatorConfig, SeedUser};
use serde_json::{json, Value};

const ESCALATOR_ID: &str = "9d7a3e51-2c4b-4f6e-8a1d-3b5c7e9f0a12";
const ESCALATOR_UPN: &str = "escalation@contoso.com";
const PARTNER_ID: &str = "4e2d6c8a-1b3f-4a5d-9e7c-0f1a2b3c4d5e";
const PARTNER_UPN: &str = "partner@fabrikam.com";

struct T {
    emu: Emulator,
    c: reqwest::Client,
    v1: String,
    app: String,
}

impl T {
    async fn new() -> T {
        let mut config = EmulatorConfig { clock: ClockMode::Manual, delivery_delay: Duration::from_millis(10), ..Default::default() };
        config.seed.users.push(SeedUser {
            id: ESCALATOR_ID.into(),
            display_name: "Escalation Approver".into(),
            user_principal_name: ESCALATOR_UPN.into(),
            password: None,
            roles: vec![],
            mail: None,
        });
        config.seed.users.push(SeedUser {
            id: PARTNER_ID.into(),
            display_name: "Fabrikam Partner".into(),
            user_principal_name: PARTNER_UPN.into(),
            password: None,
            roles: vec![],
            mail: Some(PARTNER_UPN.into()),
        });
        let emu = Emulator::start(config).await.expect("emulator starts");
        let c = http();
        let v1 = format!("{}/v1.0{EM}", emu.base_url());
        let app = emu.app_token();
        T { emu, c, v1, app }
    }
    async fn call(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> Resp {
        call(&self.c, method, &format!("{}{path}", self.v1), Some(token), body).await
    }
    /// A package granting Member of the marketing group, and a policy with `extra`.
    async fn package(&self, extra: Value) -> (String, String) {
        let r = self.call("POST", "/resourceRequests", &self.app, Some(json!({
            "catalog": {"id": ids::GENERAL_CATALOG_ID}, "requestType": "adminAdd",
            "resource": {"originId": ids::MARKETING_GROUP_ID, "originSystem": "AadGroup"}
        }))).await;
        assert!(r.status == 201 || r.status == 400, "{}", r.body);
        let r = self.call("GET", &format!("/catalogs/{}/resources?$filter=originId eq '{}'", ids::GENERAL_CATALOG_ID, ids::MARKETING_GROUP_ID), &self.app, None).await;
        let res = r.body["value"][0]["id"].as_str().expect("resource").to_string();
        let r = self.call("POST", "/accessPackages", &self.app, Some(json!({"catalog": {"id": ids::GENERAL_CATALOG_ID}, "displayName": format!("pkg {}", uuid::Uuid::new_v4())}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let pkg = r.body["id"].as_str().unwrap().to_string();
        let r = self.call("POST", &format!("/accessPackages/{pkg}/resourceRoleScopes"), &self.app, Some(json!({
            "role": {"originId": format!("Member_{}", ids::MARKETING_GROUP_ID), "originSystem": "AadGroup", "resource": {"id": res}},
            "scope": {"originId": ids::MARKETING_GROUP_ID, "originSystem": "AadGroup"}
        }))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let mut body = json!({
            "accessPackage": {"id": pkg}, "displayName": "policy", "description": "over days",
            "allowedTargetScope": "specificDirectoryUsers",
            "specificAllowedTargets": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::REQUESTOR1_ID}],
            "requestorSettings": {"enableTargetsToSelfAddAccess": true, "allowCustomAssignmentSchedule": true},
        });
        if let (Some(m), Value::Object(e)) = (body.as_object_mut(), extra) {
            m.extend(e);
        }
        let r = self.call("POST", "/assignmentPolicies", &self.app, Some(body)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        (pkg, r.body["id"].as_str().unwrap().to_string())
    }
    async fn request(&self, token: &str, kind: &str, pkg: &str, policy: &str, extra: Value) -> Resp {
        let mut body = json!({"requestType": kind, "assignment": {"targetId": ids::REQUESTOR1_ID, "assignmentPolicyId": policy, "accessPackageId": pkg}});
        if let (Some(m), Value::Object(e)) = (body.as_object_mut(), extra) {
            m.extend(e);
        }
        self.call("POST", "/assignmentRequests", token, Some(body)).await
    }
    async fn state(&self, req: &str, state: &str) -> Value {
        wait_for(&self.c, &format!("{}/assignmentRequests/{req}", self.v1), &self.app, |b| b["state"] == state).await
    }
    async fn in_group(&self) -> bool {
        let r = call(&self.c, "GET", &format!("{}/v1.0/groups/{}/members", self.emu.base_url(), ids::MARKETING_GROUP_ID), Some(&self.app), None).await;
        r.body["value"].as_array().unwrap().iter().any(|u| u["id"] == ids::REQUESTOR1_ID)
    }
}

fn ts(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("timestamp")).expect("rfc3339").with_timezone(&chrono::Utc)
}

#[tokio::test]
async fn a_p3d_assignment_expires_after_three_days_and_the_user_leaves_the_group() {
    let t = T::new().await;
    let (pkg, policy) = t.package(json!({"expiration": {"type": "afterDuration", "duration": "P3D"}})).await;
    let r = t.request(&t.app, "adminAdd", &pkg, &policy, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let req = t.state(r.body["id"].as_str().unwrap(), "delivered").await;
    let aid = req["id"].as_str().unwrap().to_string();
    let a = t.call("GET", &format!("/assignments/{aid}"), &t.app, None).await.body;
    assert_eq!(a["state"], "delivered");
    let (start, end) = (ts(&a["schedule"]["startDateTime"]), ts(&a["schedule"]["expiration"]["endDateTime"]));
    assert_eq!(end - start, chrono::Duration::days(3));
    assert!(t.in_group().await);

    // Two days in: still there.
    let now = t.emu.advance("P2D").await.unwrap();
    assert_eq!(t.call("GET", &format!("/assignments/{aid}"), &t.app, None).await.body["state"], "delivered");
    assert!(t.in_group().await);
    // Through the HTTP control: one more day.
    let r = call(&t.c, "POST", &format!("{}/_emulator/clock/advance", t.emu.base_url()), None, Some(json!({"by": "P1D"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ts(&r.body["now"]) - ts(&json!(now)), chrono::Duration::days(1));
    let a = t.call("GET", &format!("/assignments/{aid}"), &t.app, None).await.body;
    assert_eq!(a["state"], "expired", "{a}");
    assert_eq!(ts(&a["expiredDateTime"]), end, "expired at its end, on the virtual clock");
    assert!(!t.in_group().await, "the user left the group");
    // The expiry is recorded as a systemRemove request.
    let all = t.call("GET", "/assignmentRequests", &t.app, None).await.body;
    let sys: Vec<&Value> = all["value"].as_array().unwrap().iter().filter(|r| r["requestType"] == "systemRemove").collect();
    assert_eq!(sys.len(), 1, "{all}");
    assert_eq!(sys[0]["state"], "delivered");
    let got = call(&t.c, "GET", &format!("{}/_emulator/clock", t.emu.base_url()), None, None).await;
    assert_eq!(got.body["mode"], "manual");
    assert_eq!(got.body["now"], r.body["now"]);
}

#[tokio::test]
async fn a_future_dated_request_is_delivered_when_the_clock_reaches_its_start() {
    let t = T::new().await;
    let (pkg, policy) = t.package(json!({})).await;
    let start = ts(&json!(t.emu.now())) + chrono::Duration::days(2);
    let end = start + chrono::Duration::days(7);
    let fmt = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let r = t
        .request(&t.app, "adminAdd", &pkg, &policy, json!({"schedule": {"startDateTime": fmt(start), "expiration": {"type": "afterDateTime", "endDateTime": fmt(end)}}}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    t.state(&id, "scheduled").await;
    assert!(!t.in_group().await);
    assert_eq!(t.call("GET", &format!("/assignments/{id}"), &t.app, None).await.status, 404);
    t.emu.advance("P1D").await.unwrap();
    assert_eq!(t.call("GET", &format!("/assignmentRequests/{id}"), &t.app, None).await.body["state"], "scheduled");
    t.emu.advance("P1D").await.unwrap();
    let req = t.call("GET", &format!("/assignmentRequests/{id}"), &t.app, None).await.body;
    assert_eq!(req["state"], "delivered", "{req}");
    let a = t.call("GET", &format!("/assignments/{id}"), &t.app, None).await.body;
    assert_eq!(ts(&a["schedule"]["startDateTime"]), start);
    assert_eq!(a["schedule"]["expiration"]["type"], "afterDateTime");
    assert_eq!(ts(&a["schedule"]["expiration"]["endDateTime"]), end, "the request's own end, not noExpiration");
    assert!(t.in_group().await);
    t.emu.advance("P7D").await.unwrap();
    assert_eq!(t.call("GET", &format!("/assignments/{id}"), &t.app, None).await.body["state"], "expired");
    assert!(!t.in_group().await);
}

#[tokio::test]
async fn an_unanswered_approval_escalates_then_is_denied() {
    let t = T::new().await;
    let stage = json!({
        "durationBeforeAutomaticDenial": "P3D", "isApproverJustificationRequired": false,
        "isEscalationEnabled": true, "durationBeforeEscalation": "P1D",
        "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::ADMIN_ID}],
        "escalationApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ESCALATOR_ID}],
    });
    let (pkg, policy) = t
        .package(json!({"requestApprovalSettings": {"isApprovalRequiredForAdd": true, "isApprovalRequiredForUpdate": false, "stages": [stage]}}))
        .await;
    let user = t.emu.user_token(ids::REQUESTOR1_UPN).unwrap();
    let escalator = t.emu.user_token(ESCALATOR_UPN).unwrap();
    let admin = t.emu.user_token(ids::ADMIN_UPN).unwrap();
    let r = t.request(&user, "userAdd", &pkg, &policy, json!({"justification": "need it"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    t.state(&id, "pendingApproval").await;
    let mine = |tok: String| {
        let t = &t;
        async move {
            let r = t.call("GET", "/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')", &tok, None).await;
            r.body["value"].as_array().unwrap_or_else(|| panic!("{}", r.body)).len()
        }
    };
    assert_eq!(mine(admin.clone()).await, 1);
    assert_eq!(mine(escalator.clone()).await, 0);
    t.emu.advance("PT23H").await.unwrap();
    assert_eq!(mine(escalator.clone()).await, 0, "not yet escalated");
    t.emu.advance("PT1H").await.unwrap();
    assert_eq!(mine(escalator.clone()).await, 1, "escalated to the escalation approver");
    let stages = t.call("GET", &format!("/accessPackageAssignmentApprovals/{id}/stages"), &escalator, None).await.body;
    assert_eq!(stages["value"][0]["assignedToMe"], true, "{stages}");
    assert_eq!(stages["value"][0]["status"], "InProgress");
    t.emu.advance("P2D").await.unwrap();
    let req = t.call("GET", &format!("/assignmentRequests/{id}"), &t.app, None).await.body;
    assert_eq!(req["state"], "denied", "{req}");
    assert_eq!(req["status"], "TimedOut");
    assert!(!t.in_group().await);
}

/// A loopback webhook: records every POST body and answers 202.
async fn webhook() -> (String, Arc<Mutex<Vec<Value>>>) {
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let g = got.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let g = g.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                            .unwrap_or(0);
                        if body.len() >= len {
                            g.lock().unwrap().push(serde_json::from_str(body).unwrap_or(Value::Null));
                            let _ = sock.write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, got)
}

#[tokio::test]
async fn a_custom_extension_webhook_gets_the_callout_and_the_request_proceeds_after_resume() {
    let t = T::new().await;
    let (url, got) = webhook().await;
    let r = t
        .call("POST", &format!("/catalogs/{}/customWorkflowExtensions", ids::GENERAL_CATALOG_ID), &t.app, Some(json!({
            "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
            "displayName": "approve in ticketing", "description": "webhook",
            "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint", "targetUrl": url},
            "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
            "callbackConfiguration": {"@odata.type": "#microsoft.graph.customExtensionCallbackConfiguration", "timeoutDuration": "P1D"},
        })))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let ext = r.body["id"].as_str().unwrap().to_string();
    let (pkg, policy) = t
        .package(json!({"customExtensionStageSettings": [{"stage": "assignmentRequestCreated", "customExtension": {"id": ext}}]}))
        .await;
    let r = t.request(&t.app, "adminAdd", &pkg, &policy, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    for _ in 0..250 {
        if !got.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let payload = got.lock().unwrap().first().cloned().expect("the webhook got a callout");
    assert_eq!(payload["type"], "microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated");
    assert_eq!(payload["source"], format!("/IdentityGovernance/AccessPackageCatalog/{}", ids::GENERAL_CATALOG_ID));
    let data = &payload["data"];
    assert_eq!(data["@odata.type"], "#microsoft.graph.accessPackageAssignmentRequestCalloutData");
    assert_eq!(data["stage"], "assignmentRequestCreated");
    assert_eq!(data["accessPackageAssignmentRequestId"], id.as_str());
    assert_eq!(data["requestType"], "adminAdd");
    assert_eq!(data["callbackUriPath"], format!("/identityGovernance/entitlementManagement/assignmentRequests/{id}/resume"));
    assert_eq!(data["accessPackage"]["id"], pkg.as_str());
    assert_eq!(data["assignment"]["target"]["id"], ids::REQUESTOR1_ID);
    let instance = data["customExtensionStageInstanceId"].as_str().expect("instance id").to_string();
    let req = t.call("GET", &format!("/assignmentRequests/{id}"), &t.app, None).await.body;
    assert_eq!(req["state"], "submitted");
    assert_eq!(req["customExtensionCalloutInstances"][0]["id"], instance.as_str());
    assert_eq!(req["customExtensionCalloutInstances"][0]["status"], "waitingForCallback");
    // Hours pass (less than the one-day timeout), then the extension calls back.
    t.emu.advance("PT12H").await.unwrap();
    let r = t
        .call("POST", &format!("/assignmentRequests/{id}/resume"), &t.app, Some(json!({
            "source": "Contoso.SodCheck", "type": "microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated",
            "data": {"@odata.type": "microsoft.graph.accessPackageAssignmentRequestCallbackData", "stage": "assignmentRequestCreated",
                     "customExtensionStageInstanceId": instance, "customExtensionStageInstanceDetail": "checked"}
        })))
        .await;
    assert!(r.status == 204 || r.status == 200, "{}", r.body);
    let req = t.state(&id, "delivered").await;
    assert_eq!(req["customExtensionCalloutInstances"][0]["status"], "callbackReceived");
    assert!(t.in_group().await);
    // The resumed request's timeout no longer fires.
    t.emu.advance("P2D").await.unwrap();
    assert_eq!(t.call("GET", &format!("/assignmentRequests/{id}"), &t.app, None).await.body["state"], "delivered");
}

#[tokio::test]
async fn a_callout_without_callback_times_out_on_the_clock() {
    let t = T::new().await;
    let (url, got) = webhook().await;
    let r = t
        .call("POST", &format!("/catalogs/{}/customWorkflowExtensions", ids::GENERAL_CATALOG_ID), &t.app, Some(json!({
            "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
            "displayName": "slow", "description": "never answers",
            "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint", "targetUrl": url},
            "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
            "callbackConfiguration": {"@odata.type": "#microsoft.graph.customExtensionCallbackConfiguration", "timeoutDuration": "PT1H"},
        })))
        .await;
    let ext = r.body["id"].as_str().unwrap().to_string();
    let (pkg, policy) = t.package(json!({"customExtensionStageSettings": [{"stage": "assignmentRequestCreated", "customExtension": {"id": ext}}]})).await;
    let id = t.request(&t.app, "adminAdd", &pkg, &policy, json!({})).await.body["id"].as_str().unwrap().to_string();
    for _ in 0..250 {
        if !got.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(got.lock().unwrap().len(), 1);
    t.emu.advance("PT2H").await.unwrap();
    let req = t.call("GET", &format!("/assignmentRequests/{id}"), &t.app, None).await.body;
    assert_eq!(req["state"], "deliveryFailed", "{req}");
    assert_eq!(req["customExtensionCalloutInstances"][0]["status"], "callbackTimedOut");
}

#[tokio::test]
async fn justification_and_required_answers_are_enforced() {
    let t = T::new().await;
    let q = "6c8c1e0a-5d4e-4f3a-9b2c-1a2b3c4d5e6f";
    let (pkg, policy) = t
        .package(json!({
            "questions": [{"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": q, "isRequired": true, "sequence": 0,
                           "text": "Which team?", "localizations": [],
                           "choices": [{"actualValue": "red", "text": "Red", "localizations": []}]}]
        }))
        .await;
    // Requestor justification is a beta policy setting.
    let r = call(&t.c, "POST", &format!("{}/beta{EM}/accessPackageAssignmentPolicies", t.emu.base_url()), Some(&t.app), Some(json!({
        "accessPackageId": pkg, "displayName": "justify", "description": "beta", "durationInDays": 0,
        "requestorSettings": {"scopeType": "SpecificDirectorySubjects", "acceptRequests": true,
                              "allowedRequestors": [{"@odata.type": "#microsoft.graph.singleUser", "id": ids::REQUESTOR1_ID}]},
        "requestApprovalSettings": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false, "isRequestorJustificationRequired": true,
                                    "approvalMode": "NoApproval", "approvalStages": []},
        "questions": [{"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": q, "isRequired": true, "sequence": 0,
                       "text": {"defaultText": "Which team?", "localizedTexts": []},
                       "choices": [{"actualValue": "red", "displayValue": {"defaultText": "Red", "localizedTexts": []}}]}]
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let beta_policy = r.body["id"].as_str().unwrap().to_string();
    let user = t.emu.user_token(ids::REQUESTOR1_UPN).unwrap();
    let answer = |v: &str| json!([{"@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": v, "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": q}}]);
    let r = t.request(&user, "userAdd", &pkg, &beta_policy, json!({"answers": answer("red")})).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("Justification"), "{}", r.body);
    let r = t.request(&user, "userAdd", &pkg, &policy, json!({"justification": "work"})).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("Which team?"), "{}", r.body);
    let mut unknown = answer("red");
    unknown[0]["answeredQuestion"]["id"] = json!("00000000-0000-4000-8000-000000000000");
    let r = t.request(&user, "userAdd", &pkg, &policy, json!({"justification": "work", "answers": unknown})).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("does not ask"), "{}", r.body);
    let r = t.request(&user, "userAdd", &pkg, &policy, json!({"justification": "work", "answers": answer("red")})).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test]
async fn controls_refuse_a_real_clock_and_bad_durations_and_fill_the_context() {
    let emu = start().await; // real clock
    let c = http();
    let r = call(&c, "POST", &format!("{}/_emulator/clock/advance", emu.base_url()), None, Some(json!({"by": "P1D"}))).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("manual"), "{}", r.body);
    assert!(emu.advance("P1D").await.is_err());
    let r = call(&c, "GET", &format!("{}/_emulator/clock", emu.base_url()), None, None).await;
    assert_eq!(r.body["mode"], "real");
    let t = T::new().await;
    let r = call(&t.c, "POST", &format!("{}/_emulator/clock/advance", t.emu.base_url()), None, Some(json!({"by": "three days"}))).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(call(&t.c, "GET", &format!("{}/_emulator/nothing", t.emu.base_url()), None, None).await.status, 404);
    // The @odata.context of a function names its parameter's value, not the template.
    let user = t.emu.user_token(ids::REQUESTOR1_UPN).unwrap();
    let r = t.call("GET", "/assignmentRequests/filterByCurrentUser(on='target')", &user, None).await;
    let ctx = r.body["@odata.context"].as_str().unwrap();
    assert!(ctx.contains("filterByCurrentUser(on='target')") && !ctx.contains('{'), "{ctx}");
}

#[tokio::test]
async fn sponsors_of_the_targets_connected_organization_approve() {
    let t = T::new().await;
    let r = t
        .call("POST", "/connectedOrganizations", &t.app, Some(json!({"displayName": "Fabrikam", "description": "partner",
            "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "fabrikam.com", "displayName": "fabrikam.com"}],
            "state": "configured"})))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let org = r.body["id"].as_str().unwrap().to_string();
    let r = t
        .call("POST", &format!("/connectedOrganizations/{org}/internalSponsors/$ref"), &t.app, Some(json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/users/{}", ids::ADMIN_ID)})))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let stage = json!({"durationBeforeAutomaticDenial": "P2D", "isApproverJustificationRequired": false, "isEscalationEnabled": false,
        "primaryApprovers": [{"@odata.type": "#microsoft.graph.internalSponsors"}]});
    let (pkg, policy) = t
        .package(json!({
            "specificAllowedTargets": [{"@odata.type": "#microsoft.graph.singleUser", "userId": PARTNER_ID}],
            "requestApprovalSettings": {"isApprovalRequiredForAdd": true, "isApprovalRequiredForUpdate": false, "stages": [stage]}}))
        .await;
    let partner = t.emu.user_token(PARTNER_UPN).unwrap();
    let r = t
        .call("POST", "/assignmentRequests", &partner, Some(json!({"requestType": "userAdd",
            "assignment": {"targetId": PARTNER_ID, "assignmentPolicyId": policy, "accessPackageId": pkg}})))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    t.state(&id, "pendingApproval").await;
    let admin = t.emu.user_token(ids::ADMIN_UPN).unwrap();
    let mine = t.call("GET", "/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')", &admin, None).await;
    let got: Vec<&str> = mine.body["value"].as_array().unwrap().iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(got, vec![id.as_str()], "the internal sponsor approves: {}", mine.body);
    // Nobody answers: denied after two days.
    t.emu.advance("P2D").await.unwrap();
    assert_eq!(t.call("GET", &format!("/assignmentRequests/{id}"), &t.app, None).await.body["status"], "TimedOut");
}

#[tokio::test]
async fn timers_and_the_manual_clock_survive_a_restart() {
    let db = std::env::temp_dir().join(format!("clock-{}.sqlite", uuid::Uuid::new_v4()));
    let config = || EmulatorConfig { clock: ClockMode::Manual, delivery_delay: Duration::from_millis(10), db_path: Some(db.clone()), ..Default::default() };
    let (aid, at) = {
        let emu = Emulator::start(config()).await.unwrap();
        let t = T { c: http(), v1: format!("{}/v1.0{EM}", emu.base_url()), app: emu.app_token(), emu };
        let (pkg, policy) = t.package(json!({"expiration": {"type": "afterDuration", "duration": "P3D"}})).await;
        let r = t.request(&t.app, "adminAdd", &pkg, &policy, json!({})).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        t.state(&id, "delivered").await;
        let at = t.emu.advance("P1D").await.unwrap();
        t.emu.shutdown().await;
        (id, at)
    };
    let emu = Emulator::start(config()).await.unwrap();
    assert_eq!(emu.now(), at, "the manual clock starts where it stopped");
    let t = T { c: http(), v1: format!("{}/v1.0{EM}", emu.base_url()), app: emu.app_token(), emu };
    assert!(t.in_group().await);
    t.emu.advance("P2D").await.unwrap();
    assert_eq!(t.call("GET", &format!("/assignments/{aid}"), &t.app, None).await.body["state"], "expired", "the expiry timer was kept");
    assert!(!t.in_group().await);
    let _ = std::fs::remove_file(&db);
}
