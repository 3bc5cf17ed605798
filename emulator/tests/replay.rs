// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Replays every documented v1.0 example (../shared/conformance/examples.json)
//! against the emulator over real HTTP. Each example gets a fresh emulator
//! with a fixture tenant built through the API itself; the ids in the
//! example's path, query and body are rewritten to those fixtures by what
//! they name. An example passes when the status is the documented one and
//! the response has every documented key with the same JSON type.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::*;
use entitlement::api::{ApiVersion, OpKind, Operation};
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed, SeedUser};
use serde_json::{json, Value};

const APPROVER_ID: &str = "8a3e9f10-5b2c-4d7e-9f01-a2b3c4d5e6f7";
const OTHER_ID: &str = "46184453-0000-4000-8000-0000000000a1";
const SPONSOR_ID: &str = "5d0a1b2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
/// A guest from the connected organization (fabrikam.com).
const PARTNER_ID: &str = "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910";
/// The seeded service principal with app roles (an AadApplication resource).
const EXPENSES_SP_ID: &str = "6b1f3c2a-4d5e-4f70-8a9b-0c1d2e3f4a5b";

fn corpus() -> Vec<Value> {
    let path = std::env::var_os("ENTITLEMENT_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/examples.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance corpus {} not readable ({e}); set ENTITLEMENT_CONFORMANCE", path.display()));
    serde_json::from_str(&text).expect("examples.json is JSON")
}

fn user(id: &str, name: &str, upn: &str) -> SeedUser {
    SeedUser {
        id: id.into(),
        display_name: name.into(),
        user_principal_name: upn.into(),
        password: None,
        roles: vec![],
        mail: Some(upn.into()),
    }
}

async fn emulator() -> Emulator {
    let mut seed = Seed::default();
    seed.users.push(user(APPROVER_ID, "Approver", "approver@contoso.com"));
    seed.users.push(user(OTHER_ID, "Other User", "other@contoso.com"));
    seed.users.push(user(SPONSOR_ID, "Sponsor", "sponsor@contoso.com"));
    let mut partner = user(PARTNER_ID, "Partner", "partner_fabrikam.com#EXT#@contoso.com");
    partner.mail = Some("partner@fabrikam.com".into());
    seed.users.push(partner);
    // The sponsor shares the group with Requestor1 ("related people" suggestions).
    if let Some(g) = seed.groups.iter_mut().find(|g| g.id == ids::GROUP_ID) {
        g.members.push(SPONSOR_ID.into());
    }
    Emulator::start(EmulatorConfig { seed, ..config() }).await.expect("emulator starts")
}

/// `code: message` of a Graph error, else the start of the body.
fn brief(body: &Value) -> String {
    match body.get("error") {
        Some(e) => format!("{}: {}", e["code"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or("")),
        None => body.to_string().chars().take(160).collect(),
    }
}

/// The objects an example's ids are rewritten to, by name.
#[derive(Default, Debug)]
struct Fixtures {
    ids: HashMap<&'static str, String>,
    /// What could not be built (the examples needing it then fail with this reason).
    problems: Vec<String>,
}

impl Fixtures {
    fn get(&self, k: &str) -> String {
        self.ids.get(k).cloned().unwrap_or_else(|| format!("missing-fixture-{k}"))
    }
}

struct Api<'a> {
    c: reqwest::Client,
    base: String,
    admin: String,
    emu: &'a Emulator,
}

impl Api<'_> {
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        call(&self.c, method, &format!("{}/v1.0{EM}{path}", self.base), Some(&self.admin), body).await
    }
    async fn create(&self, fx: &mut Fixtures, name: &'static str, path: &str, body: Value) -> Option<Value> {
        let r = self.send("POST", path, Some(body)).await;
        match (r.status, r.body.get("id").and_then(Value::as_str)) {
            (200 | 201, Some(id)) => {
                fx.ids.insert(name, id.to_string());
                Some(r.body)
            }
            _ => {
                fx.problems.push(format!("fixture {name}: POST {path} → {} {}", r.status, brief(&r.body)));
                None
            }
        }
    }
    fn user_token(&self, id: &str) -> String {
        self.emu.user_token(id).expect("seeded user")
    }
}

fn policy_body(package: &str, name: &str, approval: bool) -> Value {
    let stages = if approval {
        json!([{
            "durationBeforeAutomaticDenial": "P2D",
            "isApproverJustificationRequired": false,
            "isEscalationEnabled": false,
            "durationBeforeEscalation": "PT0S",
            "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": APPROVER_ID}],
            "fallbackPrimaryApprovers": [],
            "escalationApprovers": [],
            "fallbackEscalationApprovers": []
        }])
    } else {
        json!([])
    };
    json!({
        "displayName": name,
        "description": name,
        "allowedTargetScope": "allMemberUsers",
        "specificAllowedTargets": [],
        "expiration": {"type": "noExpiration"},
        "requestorSettings": {
            "enableTargetsToSelfAddAccess": true,
            "enableTargetsToSelfUpdateAccess": true,
            "enableTargetsToSelfRemoveAccess": true,
            "allowCustomAssignmentSchedule": true,
            "enableOnBehalfRequestorsToAddAccess": false,
            "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false,
            "onBehalfRequestors": []
        },
        "requestApprovalSettings": {"isApprovalRequiredForAdd": approval, "isApprovalRequiredForUpdate": false, "stages": stages},
        "accessPackage": {"id": package}
    })
}

async fn wait_state(api: &Api<'_>, request: &str, want: &[&str]) -> bool {
    for _ in 0..150 {
        let r = api.send("GET", &format!("/assignmentRequests/{request}"), None).await;
        if want.contains(&r.body["state"].as_str().unwrap_or("")) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

/// Builds the fixture tenant through the API. Failures are recorded, not
/// fatal: the examples that need the missing object report it.
async fn build(api: &Api<'_>) -> Fixtures {
    let mut fx = Fixtures::default();
    fx.ids.insert("requestor", ids::REQUESTOR1_ID.into());
    fx.ids.insert("approver", APPROVER_ID.into());
    fx.ids.insert("other", OTHER_ID.into());
    fx.ids.insert("sponsor", SPONSOR_ID.into());
    fx.ids.insert("group", ids::GROUP_ID.into());
    fx.ids.insert("group2", ids::MARKETING_GROUP_ID.into());

    let Some(_) = api
        .create(&mut fx, "catalog", "/catalogs", json!({"displayName": "Replay", "description": "replay fixtures", "state": "published", "isExternallyVisible": true}))
        .await
    else {
        return fx;
    };
    api.create(&mut fx, "catalog2", "/catalogs", json!({"displayName": "Replay 2", "description": "empty catalog"})).await;
    let catalog = fx.get("catalog");
    // the group as a catalog resource, with its Member role and root scope
    api.create(
        &mut fx,
        "resourceRequest",
        "/resourceRequests",
        json!({"requestType": "adminAdd", "resource": {"originId": ids::GROUP_ID, "originSystem": "AadGroup"}, "catalog": {"id": catalog}}),
    )
    .await;
    let roles = api
        .send("GET", &format!("/catalogs/{catalog}/resourceRoles?$filter=originSystem eq 'AadGroup'&$expand=resource"), None)
        .await;
    if let Some(member) = roles.body["value"].as_array().and_then(|v| v.iter().find(|r| r["displayName"] == "Member")) {
        fx.ids.insert("role", member["id"].as_str().unwrap_or("").to_string());
        fx.ids.insert("roleOrigin", member["originId"].as_str().unwrap_or("").to_string());
        fx.ids.insert("resource", member["resource"]["id"].as_str().unwrap_or("").to_string());
    } else {
        fx.problems.push(format!("fixture role: {} {}", roles.status, brief(&roles.body)));
    }
    let resources = api.send("GET", &format!("/catalogs/{catalog}/resources?$expand=scopes"), None).await;
    if let Some(scope) = resources.body["value"][0]["scopes"][0]["id"].as_str() {
        fx.ids.insert("scope", scope.to_string());
    }
    // an application as a second catalog resource, with its app roles
    api.create(
        &mut fx,
        "appResourceRequest",
        "/resourceRequests",
        json!({"requestType": "adminAdd", "resource": {"originId": EXPENSES_SP_ID, "originSystem": "AadApplication"}, "catalog": {"id": catalog}}),
    )
    .await;
    let app_roles = api
        .send("GET", &format!("/catalogs/{catalog}/resourceRoles?$filter=originSystem eq 'AadApplication'&$expand=resource"), None)
        .await;
    if let Some(r) = app_roles.body["value"][0].as_object() {
        fx.ids.insert("appRole", r["id"].as_str().unwrap_or("").to_string());
        fx.ids.insert("appRoleOrigin", r["originId"].as_str().unwrap_or("").to_string());
        fx.ids.insert("appResource", r["resource"]["id"].as_str().unwrap_or("").to_string());
    } else {
        fx.problems.push(format!("fixture appRole: {} {}", app_roles.status, brief(&app_roles.body)));
    }
    let app_resources = api.send("GET", &format!("/catalogs/{catalog}/resources?$filter=originSystem eq 'AadApplication'&$expand=scopes"), None).await;
    if let Some(scope) = app_resources.body["value"][0]["scopes"][0]["id"].as_str() {
        fx.ids.insert("appScope", scope.to_string());
    }
    for (name, display) in [("package", "Replay package"), ("package2", "Incompatible package"), ("package3", "Empty package"), ("package4", "Extension package")] {
        api.create(&mut fx, name, "/accessPackages", json!({"displayName": display, "description": display, "isHidden": false, "catalog": {"id": catalog}}))
            .await;
    }
    let package = fx.get("package");
    let body = json!({
        "role": {"id": fx.get("role"), "originId": fx.get("roleOrigin"), "originSystem": "AadGroup", "resource": {"id": fx.get("resource")}},
        "scope": {"id": fx.get("scope"), "originId": ids::GROUP_ID, "originSystem": "AadGroup"}
    });
    api.create(&mut fx, "roleScope", &format!("/accessPackages/{package}/resourceRoleScopes"), body).await;
    api.create(&mut fx, "policy", "/assignmentPolicies", policy_body(&package, "Replay policy", false)).await;
    api.create(&mut fx, "approvalPolicy", "/assignmentPolicies", policy_body(&package, "Replay approval policy", true)).await;
    let body = policy_body(&fx.get("package3"), "Unused policy", false);
    api.create(&mut fx, "emptyPolicy", "/assignmentPolicies", body).await;
    let body = policy_body(&fx.get("package2"), "Second package policy", false);
    api.create(&mut fx, "policy2", "/assignmentPolicies", body).await;
    // a delivered request and its assignment
    let body = json!({"requestType": "adminAdd", "assignment": {"targetId": ids::REQUESTOR1_ID, "assignmentPolicyId": fx.get("policy"), "accessPackageId": package}});
    if let Some(req) = api.create(&mut fx, "request", "/assignmentRequests", body).await {
        let id = req["id"].as_str().unwrap_or("").to_string();
        if wait_state(api, &id, &["delivered"]).await {
            let list = api.send("GET", &format!("/assignments?$filter=target/objectId eq '{}'", ids::REQUESTOR1_ID), None).await;
            match list.body["value"][0]["id"].as_str() {
                Some(a) => {
                    fx.ids.insert("assignment", a.to_string());
                }
                None => fx.problems.push(format!("fixture assignment: {}", brief(&list.body))),
            }
        } else {
            fx.problems.push("fixture request never delivered".into());
        }
    }
    // Requestor1 also holds package2 (additionalAccess), the partner holds
    // package (sponsors of its connected organization), and the sponsor once
    // held package2 (assignment history).
    for (name, target, package, policy) in [
        ("request2", ids::REQUESTOR1_ID, fx.get("package2"), fx.get("policy2")),
        ("partnerRequest", PARTNER_ID, package.clone(), fx.get("policy")),
        ("sponsorRequest", SPONSOR_ID, fx.get("package2"), fx.get("policy2")),
    ] {
        let body = json!({"requestType": "adminAdd", "assignment": {"targetId": target, "assignmentPolicyId": policy, "accessPackageId": package}});
        if let Some(req) = api.create(&mut fx, name, "/assignmentRequests", body).await {
            let id = req["id"].as_str().unwrap_or("").to_string();
            if !wait_state(api, &id, &["delivered"]).await {
                fx.problems.push(format!("fixture {name} never delivered"));
            }
        }
    }
    let list = api.send("GET", &format!("/assignments?$filter=target/objectId eq '{PARTNER_ID}'"), None).await;
    match list.body["value"][0]["id"].as_str() {
        Some(a) => {
            fx.ids.insert("partnerAssignment", a.to_string());
        }
        None => fx.problems.push(format!("fixture partnerAssignment: {}", brief(&list.body))),
    }
    let list = api.send("GET", &format!("/assignments?$filter=target/objectId eq '{SPONSOR_ID}'"), None).await;
    if let Some(a) = list.body["value"][0]["id"].as_str() {
        let removal = json!({"requestType": "adminRemove", "assignment": {"id": a}});
        if let Some(req) = api.create(&mut fx, "sponsorRemoval", "/assignmentRequests", removal).await {
            let id = req["id"].as_str().unwrap_or("").to_string();
            if !wait_state(api, &id, &["delivered"]).await {
                fx.problems.push("fixture sponsorRemoval never delivered".into());
            }
        }
    } else {
        fx.problems.push(format!("fixture sponsor assignment: {}", brief(&list.body)));
    }
    // a request waiting for approval (Other User asks; Approver approves)
    let other = api.user_token(OTHER_ID);
    let r = call(
        &api.c,
        "POST",
        &format!("{}/v1.0{EM}/assignmentRequests", api.base),
        Some(&other),
        Some(json!({"requestType": "userAdd", "assignment": {"accessPackageId": package, "assignmentPolicyId": fx.get("approvalPolicy")}, "justification": "replay"})),
    )
    .await;
    match r.body["id"].as_str() {
        Some(id) if r.status == 201 => {
            fx.ids.insert("pendingRequest", id.to_string());
            if wait_state(api, id, &["pendingApproval"]).await {
                let approver = api.user_token(APPROVER_ID);
                let stages = call(&api.c, "GET", &format!("{}/v1.0{EM}/accessPackageAssignmentApprovals/{id}/stages", api.base), Some(&approver), None).await;
                match stages.body["value"][0]["id"].as_str() {
                    Some(s) => {
                        fx.ids.insert("stage", s.to_string());
                    }
                    None => fx.problems.push(format!("fixture approval stage: {} {}", stages.status, brief(&stages.body))),
                }
            } else {
                fx.problems.push("fixture pending request never reached pendingApproval".into());
            }
        }
        _ => fx.problems.push(format!("fixture pendingRequest: {} {}", r.status, brief(&r.body))),
    }
    // incompatibilities of the package
    let p2 = fx.get("package2");
    for (path, target) in [
        ("incompatibleAccessPackages", format!("https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/{p2}")),
        ("incompatibleGroups", format!("https://graph.microsoft.com/v1.0/groups/{}", ids::MARKETING_GROUP_ID)),
    ] {
        let r = api.send("POST", &format!("/accessPackages/{package}/{path}/$ref"), Some(json!({"@odata.id": target}))).await;
        if r.status != 204 {
            fx.problems.push(format!("fixture {path}: {} {}", r.status, brief(&r.body)));
        }
    }
    // a connected organization with sponsors
    if api
        .create(
            &mut fx,
            "org",
            "/connectedOrganizations",
            json!({"displayName": "Fabrikam", "description": "partner", "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "fabrikam.com", "displayName": "fabrikam.com"}], "state": "configured"}),
        )
        .await
        .is_some()
    {
        let org = fx.get("org");
        for side in ["internalSponsors", "externalSponsors"] {
            let r = api
                .send("POST", &format!("/connectedOrganizations/{org}/{side}/$ref"), Some(json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/users/{SPONSOR_ID}")})))
                .await;
            if r.status != 204 {
                fx.problems.push(format!("fixture {side}: {} {}", r.status, brief(&r.body)));
            }
        }
    }
    // custom workflow extensions of both kinds
    for (name, ty) in [("extension", "accessPackageAssignmentRequestWorkflowExtension"), ("extension2", "accessPackageAssignmentWorkflowExtension")] {
        api.create(
            &mut fx,
            name,
            &format!("/catalogs/{catalog}/customWorkflowExtensions"),
            json!({
                "@odata.type": format!("#microsoft.graph.{ty}"),
                "displayName": name,
                "description": "replay",
                "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration", "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d", "resourceGroupName": "test", "logicAppWorkflowName": "replay"},
                "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
                "callbackConfiguration": {"@odata.type": "#microsoft.graph.customExtensionCallbackConfiguration", "durationBeforeTimeout": "PT1H"}
            }),
        )
        .await;
    }
    // a request held by a custom extension until it calls back (resume)
    let mut body = policy_body(&fx.get("package4"), "Extension policy", false);
    body["customExtensionStageSettings"] =
        json!([{"stage": "assignmentRequestCreated", "customExtension": {"id": fx.get("extension")}}]);
    api.create(&mut fx, "extensionPolicy", "/assignmentPolicies", body).await;
    let body = json!({"requestType": "adminAdd", "assignment": {"targetId": OTHER_ID, "assignmentPolicyId": fx.get("extensionPolicy"), "accessPackageId": fx.get("package4")}});
    if let Some(req) = api.create(&mut fx, "waitingRequest", "/assignmentRequests", body).await {
        let id = req["id"].as_str().unwrap_or("").to_string();
        // the extension's callout: its instance id is what `resume` echoes
        for _ in 0..100 {
            let r = api.send("GET", &format!("/assignmentRequests/{id}"), None).await;
            if let Some(c) = r.body["customExtensionCalloutInstances"][0]["id"].as_str() {
                fx.ids.insert("calloutInstance", c.to_string());
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        if !fx.ids.contains_key("calloutInstance") {
            fx.problems.push("fixture waitingRequest never reached its custom extension callout".into());
        }
    }
    // an upload session on the catalog resource
    let path = format!("/catalogs/{catalog}/resources/{}/uploadSessions", fx.get("resource"));
    api.create(
        &mut fx,
        "uploadSession",
        &path,
        json!({"@odata.type": "#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession", "data": {"@odata.type": "#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData", "reviewDefinitionId": "9e4b1c6f-2a3d-4f8e-9b7a-5c1e2d3f4a6b", "reviewInstanceId": "15eeb4df-8a4d-4f8e-9b7a-6b3e1c7f5a9d"}}),
    )
    .await;
    if let Some(session) = fx.ids.get("uploadSession").cloned() {
        let url = format!("{}/v1.0{EM}{path}/{session}/uploadFile", api.base);
        let form = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"review.csv\"\r\nContent-Type: text/csv\r\n\r\nuser,decision\r\nalice,approve\r\n--b--\r\n";
        let r = api
            .c
            .post(url)
            .bearer_auth(&api.admin)
            .header("content-type", "multipart/form-data; boundary=b")
            .body(form)
            .send()
            .await;
        if !r.as_ref().is_ok_and(|r| r.status().is_success()) {
            fx.problems.push(format!("fixture uploadFile: {:?}", r.map(|r| r.status())));
        }
    }
    api.create(
        &mut fx,
        "connector",
        "/externalOriginResourceConnectors",
        json!({"@odata.type": "#microsoft.graph.externalOriginResourceConnector", "displayName": "Replay connector", "description": "replay", "connectorType": "sapIag",
               "connectionInfo": {"@odata.type": "microsoft.graph.externalTokenBasedSapIagConnectionInfo", "url": "https://sap.contoso.com", "accessTokenUrl": "https://sap.contoso.com/oauth/token",
                                  "clientId": "e9ad8b1d-959c-4e86-8ba2-2cbf4d14bc29", "keyVaultName": "Keyvault", "secretName": "clientSecret", "subscriptionId": "5ee98b73-d9df-43a7-8a92-36855054bdee", "resourceGroup": "SAP"}}),
    )
    .await;
    fx
}

/// The fixture a path parameter names, for the operation it belongs to.
fn fixture_for_param(example: &str, op: &Operation, param: &str) -> Option<&'static str> {
    Some(match (op.name, param) {
        ("cancel_assignment_request", _) => "pendingRequest",
        ("resume_assignment_request", _) => "waitingRequest",
        ("list_access_packages_incompatible_with", _) => "package2",
        ("create_access_package_resource_role_scope", _) => "package3",
        ("list_assignment_target_external_sponsors" | "list_assignment_target_internal_sponsors", _) => "partnerAssignment",
        (_, "customWorkflowExtensionId") if example.contains("/accesspackageassignmentworkflowextension-") => "extension2",
        ("delete_assignment_policy", _) => "emptyPolicy",
        ("delete_access_package", _) => "package3",
        ("delete_catalog", _) => "catalog2",
        (_, "on") => return None,
        (_, "catalogId") => "catalog",
        (_, "resourceId") => "resource",
        (_, "uploadSessionId") => "uploadSession",
        (_, "accessPackageId" | "availableAccessPackageId") => "package",
        (_, "incompatibleAccessPackageId") => "package2",
        (_, "groupId") => "group2",
        (_, "resourceRoleScopeId") => "roleScope",
        (_, "assignmentPolicyId") => "policy",
        (_, "assignmentRequestId") => "request",
        (_, "assignmentId") => "assignment",
        (_, "customWorkflowExtensionId") => "extension",
        (_, "approvalId") => "pendingRequest",
        (_, "approvalStageId") => "stage",
        (_, "connectedOrganizationId") => "org",
        (_, "directoryObjectId") => "sponsor",
        (_, "externalOriginResourceConnectorId") => "connector",
        (_, "objectId") => "requestor",
        _ => return None,
    })
}

/// Who sends an example: self-service operations run as a user.
fn caller(op: &Operation, body: &Value) -> &'static str {
    let name = op.name;
    if name.contains("approval") {
        "approver"
    } else if name == "filter_access_package_suggestions_by_current_user" {
        "sponsor"
    } else if name.contains("by_current_user") || name == "get_applicable_policy_requirements" || name.starts_with("list_available_") {
        "requestor"
    } else if name == "create_assignment_request"
        && body["requestType"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("userAdd"))
    {
        "sponsor"
    } else {
        "admin"
    }
}

/// Rewrites ids inside a request body by the key that holds them.
fn rewrite_body(v: &mut Value, fx: &Fixtures, parent_key: &str, op: &Operation) {
    match v {
        Value::Object(m) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                let child = m.get_mut(&k).unwrap();
                let target = match (parent_key, k.as_str()) {
                    (_, "catalogId") | ("catalog", "id") => Some(fx.get("catalog2").replace("missing-fixture-catalog2", &fx.get("catalog"))),
                    (_, "accessPackageId") | ("accessPackage", "id") => Some(fx.get(if op.name == "create_assignment_policy" || op.name == "replace_assignment_policy" { "package" } else { "package" })),
                    (_, "assignmentPolicyId") => Some(fx.get("policy")),
                    (_, "targetId") => Some(fx.get("sponsor")),
                    (_, "userId") => Some(fx.get("approver")),
                    (_, "groupId") => Some(fx.get("group")),
                    (_, "connectedOrganizationId") => Some(fx.get("org")),
                    ("assignment" | "accessPackageAssignment", "id") => Some(fx.get("assignment")),
                    ("role", "id") => Some(fx.get("role")),
                    ("role", "originId") => Some(fx.get("roleOrigin")),
                    ("scope", "id") => Some(fx.get("scope")),
                    ("scope", "originId") | ("resource", "originId") => {
                        if op.name == "create_resource_request" {
                            Some(fx.get("group2"))
                        } else {
                            Some(fx.get("group"))
                        }
                    }
                    ("resource", "id") => Some(fx.get("resource")),
                    ("data", "customExtensionStageInstanceId") => Some(fx.get("calloutInstance")),
                    (_, "@odata.id") => child.as_str().map(|url| rewrite_ref(url, fx, op)),
                    _ => None,
                };
                match target {
                    Some(t) if child.is_string() => *child = Value::String(t),
                    _ => rewrite_body(child, fx, &k, op),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_body(i, fx, parent_key, op)),
        _ => {}
    }
}

fn rewrite_ref(url: &str, fx: &Fixtures, op: &Operation) -> String {
    let (head, _) = url.rsplit_once('/').unwrap_or((url, ""));
    let kind = head.rsplit('/').next().unwrap_or("");
    // the fixture already holds package → package2 and package → group2
    let id = match kind {
        "accessPackages" => fx.get(if op.name == "add_incompatible_access_package" { "package3" } else { "package2" }),
        "groups" => fx.get(if op.name == "add_incompatible_group" { "group" } else { "group2" }),
        "users" => fx.get("other"),
        _ => return url.to_string(),
    };
    format!("{head}/{id}")
}

/// Rewrites ids in `$filter`: `id eq '…'`, `resource/id eq '…'`, `originId eq '…'`.
fn rewrite_query(query: &str, fx: &Fixtures) -> String {
    let decoded = query.replace('+', " ").replace("%27", "'");
    let mut out = String::new();
    let mut rest = decoded.as_str();
    while let Some(i) = rest.find(" eq '") {
        let (before, after) = rest.split_at(i + 5);
        out.push_str(before);
        let end = after.find('\'').unwrap_or(after.len());
        let prop = before.trim_end_matches(" eq '").rsplit(|c: char| c == '(' || c == ' ' || c == '=').next().unwrap_or("");
        let value = &after[..end];
        let replaced = match prop {
            "id" | "resource/id" => fx.get("resource"),
            "originId" => fx.get("group"),
            _ => value.to_string(),
        };
        out.push_str(&replaced);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every documented key present with the same JSON type. A documented null
/// says nothing about the type; our null for a documented scalar is the
/// property's unset state (e.g. `expiredDateTime` of an assignment that has
/// not expired), which OData allows for every nullable property. Returns the
/// first mismatch.
fn shape_matches(doc: &Value, ours: &Value, at: &str) -> Result<(), String> {
    match (doc, ours) {
        (Value::Null, _) => Ok(()),
        (Value::String(_) | Value::Number(_) | Value::Bool(_), Value::Null) => Ok(()),
        (Value::Object(d), Value::Object(o)) => {
            for (k, dv) in d {
                if k == "@odata.nextLink" || k == "@odata.count" || k == "@microsoft.graph.tips" {
                    continue;
                }
                match o.get(k) {
                    None => return Err(format!("{at}/{k} missing")),
                    Some(ov) => shape_matches(dv, ov, &format!("{at}/{k}"))?,
                }
            }
            Ok(())
        }
        (Value::Array(d), Value::Array(o)) => match (d.first(), o.first()) {
            (Some(dv), Some(ov)) => shape_matches(dv, ov, &format!("{at}[0]")),
            (Some(_), None) => Err(format!("{at} is empty, the docs show items")),
            _ => Ok(()),
        },
        (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) | (Value::String(_), Value::String(_)) => Ok(()),
        _ => Err(format!("{at}: documented {doc}, got {ours}")),
    }
}

/// Known documentation errors: the example cannot pass against a service
/// that follows the documented types.
fn docs_error(id: &str) -> Option<&'static str> {
    Some(match id {
        "v1.0/entitlementmanagement-post-assignmentpolicies#4" => {
            "docs error: the request body writes Booleans and Int32 as JSON strings (\"true\", \"1\"); the service answers 400"
        }
        "v1.0/accesspackagecatalog-post-accesspackagecustomworkflowextensions#2" => {
            "docs error: the request body wraps the extension in {\"value\": …}, which is not a property of customCalloutExtension; the service answers 400"
        }
        "v1.0/accesspackageassignmentpolicy-get#2" => {
            "docs error: the response is the beta policy model (canExtend, durationInDays, requestorSettings.scopeType/acceptRequests, approvalStages) on a v1.0 page"
        }
        _ => return None,
    })
}

/// Property names of a v1.0 type (its base types and subtypes included), from
/// api/types/v1.0.json, the same table the models are generated from.
fn v1_properties(type_name: &str) -> Option<std::collections::HashSet<String>> {
    static TYPES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    let types = TYPES.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api/types/v1.0.json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("api/types/v1.0.json")).expect("JSON");
        doc["types"].as_array().cloned().unwrap_or_default()
    });
    let find = |n: &str| types.iter().find(|t| t["name"] == n);
    find(type_name)?;
    let mut out = std::collections::HashSet::from(["id".to_string()]);
    let mut add = |t: &Value| {
        for p in t["properties"].as_array().into_iter().flatten() {
            out.insert(p["name"].as_str().unwrap_or("").to_string());
        }
    };
    let mut base = Some(type_name.to_string());
    while let Some(b) = base.take() {
        if let Some(t) = find(&b) {
            add(t);
            base = t["base"].as_str().map(str::to_string);
        }
    }
    // subtypes (a polymorphic response may be any of them)
    for t in types {
        let mut b = t["base"].as_str().map(str::to_string);
        while let Some(x) = b {
            if x == type_name {
                add(t);
                break;
            }
            b = find(&x).and_then(|p| p["base"].as_str().map(str::to_string));
        }
    }
    Some(out)
}

/// Removes documented keys the v1.0 type does not define (beta-era names on
/// v1.0 pages, e.g. `requestState`, `canExtend`, `completedDate`) and says which.
fn drop_undefined(doc: &mut Value, type_name: &str) -> Vec<String> {
    let Some(known) = v1_properties(type_name) else { return vec![] };
    let mut dropped = Vec::new();
    let mut prune = |o: &mut Value| {
        if let Value::Object(m) = o {
            m.retain(|k, _| {
                let keep = k.starts_with('@') || known.contains(k);
                if !keep && !dropped.contains(k) {
                    dropped.push(k.clone());
                }
                keep
            });
        }
    };
    match doc.get_mut("value") {
        Some(Value::Array(items)) => items.iter_mut().for_each(&mut prune),
        Some(Value::Object(_)) => prune(doc.get_mut("value").unwrap()),
        _ => prune(doc),
    }
    dropped
}

/// What one replay found: `Err` is an exception; notes explain a pass.
type Outcome = (Result<(), String>, Vec<String>);

async fn replay_one(ex: &Value) -> Outcome {
    let mut notes = Vec::new();
    let result = replay_inner(ex, &mut notes).await;
    (result, notes)
}

async fn replay_inner(ex: &Value, notes: &mut Vec<String>) -> Result<(), String> {
    let method = ex["method"].as_str().unwrap_or("GET");
    let raw_path = ex["path"].as_str().unwrap_or("").replace("//", "/");
    let raw_path = raw_path.trim_end_matches('/').to_string();
    let (op, doc_args) = Operation::route(ApiVersion::V1, method, &raw_path).ok_or_else(|| format!("{method} {raw_path} is not declared"))?;
    let emu = emulator().await;
    let api = Api { c: http(), base: emu.base_url(), admin: emu.app_token(), emu: &emu };
    let fx = build(&api).await;
    // path: each documented argument replaced by its fixture, in order
    let mut path = String::new();
    let mut rest = raw_path.as_str();
    for (param, doc) in op.params.iter().zip(&doc_args) {
        let Some(name) = fixture_for_param(ex["id"].as_str().unwrap_or(""), op, param) else { continue };
        let value = fx.get(name);
        let encoded: String = doc.clone();
        if let Some(i) = rest.find(&encoded) {
            path.push_str(&rest[..i]);
            path.push_str(&value);
            rest = &rest[i + encoded.len()..];
        }
    }
    path.push_str(rest);
    let query = ex["query"].as_str().filter(|q| !q.is_empty()).map(|q| rewrite_query(q, &fx));
    let mut body = ex["request_body"].clone();
    if !body.is_null() {
        rewrite_body(&mut body, &fx, "", op);
        // an application role scope names the application's role and scope
        if body["role"]["originSystem"] == "AadApplication" {
            body["role"]["id"] = json!(fx.get("appRole"));
            body["role"]["originId"] = json!(fx.get("appRoleOrigin"));
            body["role"]["resource"]["id"] = json!(fx.get("appResource"));
            body["role"]["resource"]["originId"] = json!(EXPENSES_SP_ID);
            body["scope"]["id"] = json!(fx.get("appScope"));
            body["scope"]["originId"] = json!(EXPENSES_SP_ID);
        }
    }
    let token = match caller(op, &body) {
        "admin" => api.admin.clone(),
        who => api.user_token(&fx.get(who)),
    };
    let url = match &query {
        Some(q) => format!("{}/v1.0{path}?{}", api.base, q.replace(' ', "%20").replace('\'', "%27")),
        None => format!("{}/v1.0{path}", api.base),
    };
    let body = (!body.is_null()).then_some(body);
    let r = call(&api.c, method, &url, Some(&token), body).await;
    let want = ex["response_status"].as_u64().unwrap_or(0) as u16;
    let result = if r.status != want {
        let why = match r.body.get("error") {
            Some(e) => format!("{}: {}", e["code"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or("")),
            None => r.body.to_string().chars().take(160).collect(),
        };
        Err(format!("{method} {path}: status {} (documented {want}): {why}", r.status))
    } else {
        match ex.get("response_body").filter(|b| b.is_object()) {
            Some(doc) => {
                let mut doc = doc.clone();
                if let Some(t) = op.response {
                    let dropped = drop_undefined(&mut doc, t);
                    if !dropped.is_empty() {
                        notes.push(format!("docs show keys the v1.0 {t} does not define (not required): {}", dropped.join(", ")));
                    }
                }
                // Some pages wrap a single entity in "value" (a docs error): the
                // entity inside is what the service returns.
                if doc.get("value").is_some_and(Value::is_object) && op.kind != OpKind::List && !op.collection {
                    notes.push("docs wrap the entity in \"value\"; compared the entity".into());
                    doc = doc["value"].take();
                }
                shape_matches(&doc, &r.body, "").map_err(|e| format!("{method} {path}: {e}"))
            }
            None => Ok(()),
        }
    };
    emu.shutdown().await;
    if let Ok(mut seen) = FIXTURE_PROBLEMS.lock() {
        for p in fx.problems {
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
    }
    result
}

static FIXTURE_PROBLEMS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_v1_examples_replay_against_the_emulator() {
    use futures_util::stream::{self, StreamExt};
    let examples: Vec<Value> = corpus().into_iter().filter(|e| e["version"] == "v1.0").collect();
    let only = std::env::var("REPLAY_ONLY").ok();
    let selected: Vec<&Value> =
        examples.iter().filter(|ex| only.as_deref().is_none_or(|o| ex["id"].as_str().unwrap_or("").contains(o))).collect();
    // Independent emulators: a few at a time.
    let outcomes: Vec<(String, Outcome)> = stream::iter(selected)
        .map(|ex| async move { (ex["id"].as_str().unwrap_or("?").to_string(), replay_one(ex).await) })
        .buffered(4)
        .collect()
        .await;
    let (mut ok, mut exceptions, mut all_notes) = (0, Vec::new(), Vec::new());
    for (id, (result, notes)) in outcomes {
        match result {
            Ok(()) => {
                ok += 1;
                all_notes.extend(notes.into_iter().map(|n| format!("{id}: {n}")));
            }
            Err(e) => exceptions.push(match docs_error(&id) {
                Some(reason) => format!("{id}: {reason}"),
                None => format!("{id}: {e}"),
            }),
        }
    }
    println!("replay v1.0: {ok}/{} documented examples answered with the documented status and shape", examples.len());
    for e in &exceptions {
        println!("  exception: {e}");
    }
    for n in &all_notes {
        println!("  note: {n}");
    }
    for p in FIXTURE_PROBLEMS.lock().map(|v| v.clone()).unwrap_or_default() {
        println!("  fixture problem: {p}");
    }
    // A floor at today's count (every exception above is a docs error): a
    // drop is a regression in the emulator.
    if only.is_none() {
        assert!(ok >= 103, "replay dropped to {ok}/106");
        assert!(FIXTURE_PROBLEMS.lock().map(|v| v.is_empty()).unwrap_or(false), "fixtures could not be built");
    }
}
