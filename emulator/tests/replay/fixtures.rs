// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The fixture tenant every replayed example runs against, built through the
//! API itself (a fresh emulator per example).

use std::collections::HashMap;

use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed, SeedUser};
use serde_json::{json, Value};

use crate::common::*;

pub const APPROVER_ID: &str = "8a3e9f10-5b2c-4d7e-9f01-a2b3c4d5e6f7";
pub const OTHER_ID: &str = "46184453-0000-4000-8000-0000000000a1";
pub const SPONSOR_ID: &str = "5d0a1b2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
/// A guest from the connected organization (fabrikam.com).
pub const PARTNER_ID: &str = "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910";
/// A second fabrikam.com guest: the requestor of the request waiting for approval.
pub const GUEST_ID: &str = "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2911";
/// The seeded service principal with app roles (an AadApplication resource).
pub const EXPENSES_SP_ID: &str = "6b1f3c2a-4d5e-4f70-8a9b-0c1d2e3f4a5b";

pub fn user(id: &str, name: &str, upn: &str) -> SeedUser {
    SeedUser {
        id: id.into(),
        display_name: name.into(),
        user_principal_name: upn.into(),
        password: None,
        roles: vec![],
        mail: Some(upn.into()),
    }
}

pub async fn emulator() -> Emulator {
    let mut seed = Seed::default();
    seed.users.push(user(APPROVER_ID, "Approver", "approver@contoso.com"));
    seed.users.push(user(OTHER_ID, "Other User", "other@contoso.com"));
    seed.users.push(user(SPONSOR_ID, "Sponsor", "sponsor@contoso.com"));
    let mut partner = user(PARTNER_ID, "Partner", "partner_fabrikam.com#EXT#@contoso.com");
    partner.mail = Some("partner@fabrikam.com".into());
    seed.users.push(partner);
    let mut guest = user(GUEST_ID, "Guest Requestor", "guest_fabrikam.com#EXT#@contoso.com");
    guest.mail = Some("guest@fabrikam.com".into());
    seed.users.push(guest);
    // The sponsor shares the group with Requestor1 ("related people" suggestions).
    if let Some(g) = seed.groups.iter_mut().find(|g| g.id == ids::GROUP_ID) {
        g.members.push(SPONSOR_ID.into());
    }
    Emulator::start(EmulatorConfig { seed, ..config() }).await.expect("emulator starts")
}

/// `code: message` of a Graph error, else the start of the body.
pub fn brief(body: &Value) -> String {
    match body.get("error") {
        Some(e) => format!("{}: {}", e["code"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or("")),
        None => body.to_string().chars().take(160).collect(),
    }
}

/// The objects an example's ids are rewritten to, by name.
#[derive(Default, Debug)]
pub struct Fixtures {
    pub ids: HashMap<&'static str, String>,
    /// What could not be built (the examples needing it then fail with this reason).
    pub problems: Vec<String>,
}

impl Fixtures {
    pub fn get(&self, k: &str) -> String {
        self.ids.get(k).cloned().unwrap_or_else(|| format!("missing-fixture-{k}"))
    }
}

pub struct Api<'a> {
    pub c: reqwest::Client,
    pub base: String,
    pub admin: String,
    pub emu: &'a Emulator,
}

impl Api<'_> {
    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        call(&self.c, method, &format!("{}/v1.0{EM}{path}", self.base), Some(&self.admin), body).await
    }
    pub async fn create(&self, fx: &mut Fixtures, name: &'static str, path: &str, body: Value) -> Option<Value> {
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
    pub fn user_token(&self, id: &str) -> String {
        self.emu.user_token(id).expect("seeded user")
    }
}

pub fn policy_body(package: &str, name: &str, approval: bool) -> Value {
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

pub async fn wait_state(api: &Api<'_>, request: &str, want: &[&str]) -> bool {
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
pub async fn build(api: &Api<'_>) -> Fixtures {
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
    // the policy asks two optional questions (answers name them by id)
    let mut body = policy_body(&package, "Replay policy", false);
    // the sponsor may ask on behalf of others
    body["requestorSettings"]["enableOnBehalfRequestorsToAddAccess"] = json!(true);
    body["requestorSettings"]["onBehalfRequestors"] = json!([{"@odata.type": "#microsoft.graph.singleUser", "userId": SPONSOR_ID}]);
    body["questions"] = json!([
        {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "isRequired": false, "isAnswerEditable": true, "sequence": 0, "isMultipleSelectionAllowed": false,
         "text": "what state are you from?", "localizations": [{"text": "¿De qué estado eres?", "languageCode": "es"}],
         "choices": [{"actualValue": "AZ", "text": "Arizona", "localizations": [{"text": "Arizona", "languageCode": "es"}]}]},
        {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "isRequired": false, "isAnswerEditable": true, "sequence": 1, "isSingleLineQuestion": false,
         "text": "Who is your manager?", "localizations": [{"text": "¿Quién es su jefe?", "languageCode": "es"}]}
    ]);
    if let Some(p) = api.create(&mut fx, "policy", "/assignmentPolicies", body).await {
        for (i, name) in ["question1", "question2"].into_iter().enumerate() {
            match p["questions"][i]["id"].as_str() {
                Some(id) => {
                    fx.ids.insert(name, id.to_string());
                }
                None => fx.problems.push(format!("fixture {name}: the policy's question has no id")),
            }
        }
    }
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
    // a request waiting for approval (a guest of the connected organization
    // asks; Approver approves)
    let other = api.user_token(GUEST_ID);
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
            json!({"displayName": "Fabrikam", "description": "partner", "identitySources": [
                {"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant", "tenantId": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5c", "displayName": "Fabrikam"},
                {"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "fabrikam.com", "displayName": "fabrikam.com"}], "state": "configured"}),
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
    // beta-only objects: a deprecated custom access package workflow
    // extension, a resource environment, an assignment's resource role
    let r = call(
        &api.c,
        "POST",
        &format!("{}/beta{EM}/accessPackageCatalogs/{catalog}/customAccessPackageWorkflowExtensions", api.base),
        Some(&api.admin),
        Some(json!({"displayName": "legacy", "description": "deprecated extension", "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration", "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d", "resourceGroupName": "test", "logicAppWorkflowName": "legacy"}, "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdTokenAuthentication", "resourceId": "eed6dee9-7ff7-44a5-8980-c11e8886cea2"}})),
    )
    .await;
    match r.body["id"].as_str() {
        Some(id) => {
            fx.ids.insert("legacyExtension", id.to_string());
        }
        None => fx.problems.push(format!("fixture legacyExtension: {} {}", r.status, brief(&r.body))),
    }
    let r = api.send("GET", "/resourceEnvironments", None).await;
    match r.body["value"][0]["id"].as_str() {
        Some(id) => {
            fx.ids.insert("environment", id.to_string());
        }
        None => fx.problems.push(format!("fixture environment: {} {}", r.status, brief(&r.body))),
    }
    let r = call(&api.c, "GET", &format!("{}/beta{EM}/accessPackageAssignmentResourceRoles", api.base), Some(&api.admin), None).await;
    match r.body["value"][0]["id"].as_str() {
        Some(id) => {
            fx.ids.insert("assignmentResourceRole", id.to_string());
        }
        None => fx.problems.push(format!("fixture assignmentResourceRole: {} {}", r.status, brief(&r.body))),
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
    // a beta policy with a custom extension stage and verifiable credentials
    let r = call(
        &api.c,
        "POST",
        &format!("{}/beta{EM}/accessPackageAssignmentPolicies", api.base),
        Some(&api.admin),
        Some(json!({"accessPackageId": fx.get("package4"), "displayName": "Credential policy", "description": "beta policy", "canExtend": false, "durationInDays": 0,
                    "requestorSettings": {"scopeType": "NoSubjects", "acceptRequests": false, "allowedRequestors": []},
                    "requestApprovalSettings": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false, "isRequestorJustificationRequired": false, "approvalMode": "NoApproval", "approvalStages": []},
                    "customExtensionStageSettings": [{"stage": "assignmentRequestGranted", "customExtension": {"id": fx.get("extension")}}],
                    "verifiableCredentialSettings": {"credentialTypes": [{"issuers": ["did:ion:replay"], "credentialType": "VerifiedCredentialExpert"}]}})),
    )
    .await;
    match r.body["id"].as_str() {
        Some(id) if r.status == 201 => {
            fx.ids.insert("credentialPolicy", id.to_string());
        }
        _ => fx.problems.push(format!("fixture credentialPolicy: {} {}", r.status, brief(&r.body))),
    }
    // a policy calling the deprecated extension through a (beta) handler
    let mut body = policy_body(&fx.get("package4"), "Handler policy", false);
    body["customExtensionStageSettings"] = json!([{"stage": "assignmentRequestGranted", "customExtension": {"id": fx.get("legacyExtension")}}]);
    api.create(&mut fx, "handlerPolicy", "/assignmentPolicies", body).await;
    // a SharePoint Online site as a third catalog resource
    api.create(
        &mut fx,
        "siteRequest",
        "/resourceRequests",
        json!({"requestType": "adminAdd", "resource": {"originId": "https://contoso.sharepoint.com/sites/Replay", "originSystem": "SharePointOnline"}, "catalog": {"id": catalog}}),
    )
    .await;
    let sites = api.send("GET", &format!("/catalogs/{catalog}/resources?$filter=originSystem eq 'SharePointOnline'"), None).await;
    match sites.body["value"][0]["id"].as_str() {
        Some(id) => {
            fx.ids.insert("siteResource", id.to_string());
        }
        None => fx.problems.push(format!("fixture siteResource: {} {}", sites.status, brief(&sites.body))),
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


/// Fixture problems seen by any example (printed once; the test fails on any).
pub static FIXTURE_PROBLEMS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
