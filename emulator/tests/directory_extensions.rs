// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Connected organizations and sponsors, custom workflow extensions, upload
//! sessions, settings, subjects, resource environments, connectors, catalog
//! resources from other origin systems, and request-body validation — over
//! real HTTP, with the persisted effects read back.

mod common;

use std::collections::BTreeMap;

use common::*;
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed, SeedUser};
use serde_json::{json, Value};

const EXT_USER: &str = "0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";
const EXT_ASSIGNMENT: &str = "a0000000-0000-4000-8000-00000000a001";
const INT_ASSIGNMENT: &str = "a0000000-0000-4000-8000-00000000a002";
/// Built into every tenant (seed.rs).
const EXPENSES_SP: &str = "6b1f3c2a-4d5e-4f70-8a9b-0c1d2e3f4a5b";

struct T {
    emu: Emulator,
    c: reqwest::Client,
    t: String,
    v1: String,
    beta: String,
}

impl T {
    async fn new() -> T {
        Self::with(config()).await
    }
    async fn with(cfg: EmulatorConfig) -> T {
        let emu = Emulator::start(cfg).await.expect("emulator starts");
        let t = emu.app_token();
        let v1 = format!("{}/v1.0{EM}", emu.base_url());
        let beta = format!("{}/beta{EM}", emu.base_url());
        T { emu, c: http(), t, v1, beta }
    }
    async fn go(&self, method: &str, url: &str, body: Option<Value>) -> Resp {
        call(&self.c, method, url, Some(&self.t), body).await
    }
}

fn org_body(name: &str, domain: &str) -> Value {
    json!({"displayName": name, "description": format!("{name} partner"),
        "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": domain, "displayName": domain}],
        "state": "proposed"})
}

fn user_ref(id: &str) -> Value {
    json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/users/{id}")})
}

fn assert_bad(r: &Resp, status: u16, contains: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let code = r.body["error"]["code"].as_str().unwrap_or("");
    assert!(code == if status == 404 { "ResourceNotFound" } else { "BadRequest" }, "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap_or("").contains(contains), "{} does not contain {contains}", r.body);
}

#[tokio::test]
async fn connected_organization_crud() {
    let x = T::new().await;
    let r = x.go("POST", &format!("{}/connectedOrganizations", x.v1), Some(org_body("Fabrikam", "fabrikam.com"))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["state"], "proposed");
    assert_eq!(r.body["identitySources"][0]["@odata.type"], "#microsoft.graph.domainIdentitySource");
    assert!(r.body["createdDateTime"].is_string() && r.body["modifiedDateTime"].is_string());
    assert!(r.body.get("createdBy").is_none(), "createdBy is beta only");
    // social and tenant identity sources too
    let r = x.go("POST", &format!("{}/connectedOrganizations", x.beta), Some(json!({"displayName": "Social", "identitySources": [
        {"@odata.type": "#microsoft.graph.socialIdentitySource", "displayName": "Facebook", "socialIdentitySourceType": "facebook"},
        {"@odata.type": "microsoft.graph.azureActiveDirectoryTenant", "tenantId": "bf85dc9d-cb43-44a4-80c4-469e8c58249e", "displayName": "Wingtip"}]}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["state"], "configured");
    assert_eq!(r.body["identitySources"][1]["@odata.type"], "#microsoft.graph.azureActiveDirectoryTenant");
    assert!(r.body["createdBy"].is_string());

    let r = x.go("GET", &format!("{}/connectedOrganizations/{id}", x.v1), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["displayName"], "Fabrikam");
    let r = x.go("GET", &format!("{}/connectedOrganizations?$filter=displayName eq 'Fabrikam'", x.v1), None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1, "{}", r.body);
    assert_eq!(r.body["value"][0]["id"], id.as_str());

    // v1.0 PATCH answers 202, beta 204
    let r = x.go("PATCH", &format!("{}/connectedOrganizations/{id}", x.v1), Some(json!({"displayName": "Fabrikam Ltd", "state": "configured"}))).await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(r.body["displayName"], "Fabrikam Ltd");
    let r = x.go("GET", &format!("{}/connectedOrganizations/{id}", x.v1), None).await;
    assert_eq!(r.body["displayName"], "Fabrikam Ltd");
    assert_eq!(r.body["state"], "configured");
    let r = x.go("PATCH", &format!("{}/connectedOrganizations/{id}", x.beta), Some(json!({"description": "beta edit"}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = x.go("GET", &format!("{}/connectedOrganizations/{id}", x.beta), None).await;
    assert_eq!(r.body["description"], "beta edit");
    assert_eq!(r.body["modifiedBy"], "Entitlement emulator app");

    // required properties and identity source types
    let r = x.go("POST", &format!("{}/connectedOrganizations", x.v1), Some(json!({"displayName": "No sources"}))).await;
    assert_bad(&r, 400, "identitySources");
    let r = x.go("POST", &format!("{}/connectedOrganizations", x.v1), Some(json!({"identitySources": []}))).await;
    assert_bad(&r, 400, "displayName");
    let r = x.go("POST", &format!("{}/connectedOrganizations", x.v1), Some(json!({"displayName": "x", "identitySources": [{"@odata.type": "#microsoft.graph.ldapIdentitySource"}]}))).await;
    assert_bad(&r, 400, "identity source type");

    let r = x.go("DELETE", &format!("{}/connectedOrganizations/{id}", x.v1), None).await;
    assert_eq!(r.status, 204);
    let r = x.go("GET", &format!("{}/connectedOrganizations/{id}", x.v1), None).await;
    assert_bad(&r, 404, &id);
    let r = x.go("DELETE", &format!("{}/connectedOrganizations/{id}", x.v1), None).await;
    assert_eq!(r.status, 404);
    x.emu.shutdown().await;
}

#[tokio::test]
async fn connected_organization_sponsors() {
    let x = T::new().await;
    let r = x.go("POST", &format!("{}/connectedOrganizations", x.v1), Some(org_body("Fabrikam", "fabrikam.com"))).await;
    let org = r.body["id"].as_str().unwrap().to_string();
    let base = format!("{}/connectedOrganizations/{org}", x.v1);
    let r = x.go("POST", &format!("{base}/internalSponsors/$ref"), Some(user_ref(ids::ADMIN_ID))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    // a group, through another host and version spelling
    let r = x.go("POST", &format!("{base}/internalSponsors/$ref"), Some(json!({"@odata.id": format!("https://graph.microsoft.us/beta/groups/{}", ids::GROUP_ID)}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = x.go("POST", &format!("{}/connectedOrganizations/{org}/externalSponsors/$ref", x.beta), Some(json!({"@odata.id": format!("https://graph.microsoft.com/beta/directoryObjects/{}", ids::REQUESTOR1_ID)}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    // duplicate, unknown object, wrong kind, not a directory object URL, missing @odata.id
    let r = x.go("POST", &format!("{base}/internalSponsors/$ref"), Some(user_ref(ids::ADMIN_ID))).await;
    assert_bad(&r, 400, "already exist");
    let r = x.go("POST", &format!("{base}/internalSponsors/$ref"), Some(user_ref("00000000-0000-0000-0000-00000000dead"))).await;
    assert_bad(&r, 404, "does not exist");
    let r = x.go("POST", &format!("{base}/internalSponsors/$ref"), Some(user_ref(ids::MARKETING_GROUP_ID))).await;
    assert_bad(&r, 404, ids::MARKETING_GROUP_ID);
    let r = x.go("POST", &format!("{base}/internalSponsors/$ref"), Some(json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/catalogs/{}", ids::GENERAL_CATALOG_ID)}))).await;
    assert_bad(&r, 400, "@odata.id");
    let r = x.go("POST", &format!("{base}/internalSponsors/$ref"), Some(json!({"@odata.id": ""}))).await;
    assert_bad(&r, 400, "@odata.id");
    let r = x.go("POST", &format!("{}/connectedOrganizations/nope/internalSponsors/$ref", x.v1), Some(user_ref(ids::ADMIN_ID))).await;
    assert_eq!(r.status, 404);

    let r = x.go("GET", &format!("{base}/internalSponsors"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.body["value"].as_array().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["@odata.type"], "#microsoft.graph.user");
    assert_eq!(v[0]["id"], ids::ADMIN_ID);
    assert_eq!(v[1]["@odata.type"], "#microsoft.graph.group");
    assert!(v.iter().all(|o| o.get("_password").is_none() && o.get("_roles").is_none()));
    assert!(r.body["@odata.context"].as_str().unwrap().ends_with("$metadata#directoryObjects"));
    let r = x.go("GET", &format!("{base}/externalSponsors"), None).await;
    assert_eq!(r.body["value"][0]["id"], ids::REQUESTOR1_ID);
    let r = x.go("GET", &format!("{base}?$expand=internalSponsors"), None).await;
    assert_eq!(r.body["internalSponsors"].as_array().unwrap().len(), 2, "{}", r.body);

    let r = x.go("DELETE", &format!("{base}/internalSponsors/{}/$ref", ids::GROUP_ID), None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = x.go("DELETE", &format!("{base}/internalSponsors/{}/$ref", ids::GROUP_ID), None).await;
    assert_eq!(r.status, 404);
    let r = x.go("GET", &format!("{}/connectedOrganizations/{org}/internalSponsors", x.beta), None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    x.emu.shutdown().await;
}

#[tokio::test]
async fn assignment_target_sponsors_follow_the_subjects_organization() {
    let mut seed = Seed::default();
    seed.users.push(SeedUser {
        id: EXT_USER.into(),
        display_name: "Guest".into(),
        user_principal_name: "guest_fabrikam.com#EXT#@contoso.com".into(),
        password: None,
        roles: vec![],
        mail: Some("guest@fabrikam.com".into()),
    });
    let mut objects = BTreeMap::new();
    objects.insert(
        "assignments".to_string(),
        vec![
            json!({"id": EXT_ASSIGNMENT, "accessPackageId": "p", "assignmentPolicyId": "q", "targetId": EXT_USER}),
            json!({"id": INT_ASSIGNMENT, "accessPackageId": "p", "assignmentPolicyId": "q", "targetId": ids::REQUESTOR1_ID}),
        ],
    );
    seed.objects = objects;
    let x = T::with(EmulatorConfig { seed, ..config() }).await;
    let r = x.go("POST", &format!("{}/connectedOrganizations", x.v1), Some(org_body("Fabrikam", "fabrikam.com"))).await;
    let org = r.body["id"].as_str().unwrap().to_string();
    for (side, who) in [("internalSponsors", ids::ADMIN_ID), ("externalSponsors", EXT_USER)] {
        let r = x.go("POST", &format!("{}/connectedOrganizations/{org}/{side}/$ref", x.v1), Some(user_ref(who))).await;
        assert_eq!(r.status, 204, "{}", r.body);
    }
    let r = x.go("GET", &format!("{}/assignments/{EXT_ASSIGNMENT}/target/connectedOrganization/internalSponsors", x.v1), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["value"][0]["id"], ids::ADMIN_ID);
    let r = x.go("GET", &format!("{}/assignments/{EXT_ASSIGNMENT}/target/connectedOrganization/externalSponsors", x.v1), None).await;
    assert_eq!(r.body["value"][0]["id"], EXT_USER);
    // an internal user has no connected organization; unknown assignment → 404
    let r = x.go("GET", &format!("{}/assignments/{INT_ASSIGNMENT}/target/connectedOrganization/internalSponsors", x.v1), None).await;
    assert_bad(&r, 404, "connectedOrganization");
    let r = x.go("GET", &format!("{}/assignments/nope/target/connectedOrganization/internalSponsors", x.v1), None).await;
    assert_eq!(r.status, 404);
    // the subject shows the organization (beta) and an explicit link overrides the domain
    let r = x.go("GET", &format!("{}/subjects(objectId='{EXT_USER}')", x.beta), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["connectedOrganizationId"], org.as_str());
    assert_eq!(r.body["type"], "User");
    let r = x.go("PATCH", &format!("{}/subjects(objectId='{}')", x.v1, ids::REQUESTOR1_ID), Some(json!({"connectedOrganization": {"id": org}}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = x.go("GET", &format!("{}/assignments/{INT_ASSIGNMENT}/target/connectedOrganization/internalSponsors", x.v1), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    x.emu.shutdown().await;
}

fn extension_body(ty: &str, name: &str) -> Value {
    json!({
        "@odata.type": format!("#microsoft.graph.{ty}"),
        "displayName": name,
        "description": "for tests",
        "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration",
            "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d", "resourceGroupName": "test", "logicAppWorkflowName": "wf"},
        "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
    })
}

#[tokio::test]
async fn custom_workflow_extensions() {
    let x = T::new().await;
    let cat = ids::GENERAL_CATALOG_ID;
    let coll = format!("{}/catalogs/{cat}/customWorkflowExtensions", x.v1);
    let r = x.go("POST", &coll, Some(extension_body("accessPackageAssignmentRequestWorkflowExtension", "on request"))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["@odata.type"], "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension");
    assert!(r.body["createdDateTime"].is_string() && r.body["lastModifiedDateTime"].is_string());
    assert!(r.body["endpointConfiguration"]["url"].as_str().unwrap().starts_with("https://"));
    let r = x.go("POST", &coll, Some(extension_body("accessPackageAssignmentWorkflowExtension", "on assignment"))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id2 = r.body["id"].as_str().unwrap().to_string();
    // abstract type without @odata.type, missing endpoint, unknown catalog
    let mut b = extension_body("x", "y");
    b.as_object_mut().unwrap().remove("@odata.type");
    assert_bad(&x.go("POST", &coll, Some(b)).await, 400, "@odata.type");
    let mut b = extension_body("accessPackageAssignmentWorkflowExtension", "y");
    b.as_object_mut().unwrap().remove("endpointConfiguration");
    assert_bad(&x.go("POST", &coll, Some(b)).await, 400, "endpointConfiguration");
    let r = x.go("POST", &format!("{}/catalogs/nope/customWorkflowExtensions", x.v1), Some(extension_body("accessPackageAssignmentWorkflowExtension", "y"))).await;
    assert_eq!(r.status, 404);

    let r = x.go("GET", &format!("{coll}/{id}"), None).await;
    assert_eq!(r.body["displayName"], "on request");
    let r = x.go("GET", &format!("{coll}?$filter=displayName eq 'on assignment'"), None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1, "{}", r.body);
    assert_eq!(r.body["value"][0]["id"], id2.as_str());
    // the beta path sees the same records
    let bcoll = format!("{}/accessPackageCatalogs/{cat}/accessPackageCustomWorkflowExtensions", x.beta);
    let r = x.go("GET", &bcoll, None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 2, "{}", r.body);

    // PUT replaces: description left out is cleared, the endpoint is kept
    let r = x.go("PUT", &format!("{coll}/{id}"), Some(json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension", "displayName": "renamed"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = x.go("GET", &format!("{bcoll}/{id}"), None).await;
    assert_eq!(r.body["displayName"], "renamed");
    assert!(r.body["description"].is_null());
    assert_eq!(r.body["endpointConfiguration"]["logicAppWorkflowName"], "wf");
    let r = x.go("PUT", &format!("{coll}/{id}"), Some(json!({"@odata.type": "#microsoft.graph.accessPackageAssignmentWorkflowExtension", "displayName": "x"}))).await;
    assert_bad(&r, 400, "cannot be changed");
    let r = x.go("PUT", &format!("{coll}/{id}"), Some(json!({"description": "no name"}))).await;
    assert_bad(&r, 400, "displayName");

    let r = x.go("DELETE", &format!("{bcoll}/{id}"), None).await;
    assert_eq!(r.status, 204);
    let r = x.go("GET", &format!("{coll}/{id}"), None).await;
    assert_eq!(r.status, 404);

    // deprecated beta customAccessPackageWorkflowExtensions: separate records
    let lcoll = format!("{}/accessPackageCatalogs/{cat}/customAccessPackageWorkflowExtensions", x.beta);
    let mut b = extension_body("x", "legacy");
    b.as_object_mut().unwrap().remove("@odata.type");
    let r = x.go("POST", &lcoll, Some(b)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let lid = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(x.go("GET", &lcoll, None).await.body["value"].as_array().unwrap().len(), 1);
    assert_eq!(x.go("GET", &coll, None).await.body["value"].as_array().unwrap().len(), 1);
    let r = x.go("PUT", &format!("{lcoll}/{lid}"), Some(json!({"@odata.type": "#microsoft.graph.customAccessPackageWorkflowExtension", "displayName": "legacy 2", "description": "d"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(x.go("GET", &format!("{lcoll}/{lid}"), None).await.body["displayName"], "legacy 2");
    assert_eq!(x.go("DELETE", &format!("{lcoll}/{lid}"), None).await.status, 204);
    assert_eq!(x.go("GET", &format!("{lcoll}/{lid}"), None).await.status, 404);
    x.emu.shutdown().await;
}

async fn add_group_resource(x: &T, cat: &str) -> String {
    let r = x.go("POST", &format!("{}/resourceRequests", x.v1), Some(json!({"requestType": "adminAdd", "catalog": {"id": cat},
        "resource": {"originId": ids::GROUP_ID, "originSystem": "AadGroup"}}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = x.go("GET", &format!("{}/catalogs/{cat}/resources?$filter=originId eq '{}'", x.v1, ids::GROUP_ID), None).await;
    r.body["value"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn upload_sessions() {
    let x = T::new().await;
    let cat = ids::GENERAL_CATALOG_ID;
    let res = add_group_resource(&x, cat).await;
    let coll = format!("{}/catalogs/{cat}/resources/{res}/uploadSessions", x.v1);
    let body = json!({"@odata.type": "#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession",
        "data": {"@odata.type": "#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData", "reviewDefinitionId": "9e4b1c6f-2a3d-4f8e-9b7a-5c1e2d3f4a6b", "reviewInstanceId": "15eeb4df-8a4d-4f8e-9b7a-6b3e1c7f5a9d"}});
    let r = x.go("POST", &coll, Some(body.clone())).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["status"], "active");
    assert_eq!(r.body["isUploadDone"], false);
    assert_eq!(r.body["referenceId"], "15eeb4df-8a4d-4f8e-9b7a-6b3e1c7f5a9d");
    assert_eq!(r.body["stats"]["filesUploaded"], 0);
    // the resource must be in that catalog
    let r = x.go("POST", &format!("{}/catalogs/{cat}/resources/nope/uploadSessions", x.v1), Some(body.clone())).await;
    assert_eq!(r.status, 404);
    let other = x.go("POST", &format!("{}/catalogs", x.v1), Some(json!({"displayName": "other"}))).await.body["id"].as_str().unwrap().to_string();
    let r = x.go("GET", &format!("{}/catalogs/{other}/resources/{res}/uploadSessions", x.v1), None).await;
    assert_bad(&r, 404, "does not exist in catalog");

    // multipart upload
    let multipart = "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"access.csv\"\r\nContent-Type: application/octet-stream\r\n\r\nprincipalId,permissionId\r\nu1,p1\r\n--B0undary--\r\n";
    let r = x
        .c
        .post(format!("{coll}/{id}/uploadFile"))
        .header("authorization", format!("Bearer {}", x.t))
        .header("content-type", "multipart/form-data; boundary=B0undary")
        .body(multipart)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["files"][0]["name"], "access.csv");
    assert_eq!(v["files"][0]["size"], "principalId,permissionId\r\nu1,p1".len());
    assert_eq!(v["stats"]["filesUploaded"], 1);

    let r = x.go("GET", &format!("{coll}/{id}"), None).await;
    assert_eq!(r.body["stats"]["filesUploaded"], 1, "{}", r.body);
    let r = x.go("PATCH", &format!("{coll}/{id}"), Some(json!({"isUploadDone": true}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "complete");
    let r = x.go("GET", &format!("{coll}?$filter=status eq 'complete'"), None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1, "{}", r.body);
    let r = x.go("GET", &format!("{}/accessPackageCatalogs/{cat}/accessPackageResources/{res}/uploadSessions", x.beta), None).await;
    assert_eq!(r.body["value"][0]["id"], id.as_str(), "{}", r.body);
    let r = x.go("POST", &format!("{coll}/{id}/uploadFile"), Some(json!({"x": 1}))).await;
    assert_bad(&r, 400, "complete");
    assert_eq!(x.go("DELETE", &format!("{coll}/{id}"), None).await.status, 204);
    assert_eq!(x.go("GET", &format!("{coll}/{id}"), None).await.status, 404);
    x.emu.shutdown().await;
}

#[tokio::test]
async fn settings_subjects_and_environments() {
    let x = T::new().await;
    let r = x.go("GET", &format!("{}/settings", x.v1), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["externalUserLifecycleAction"], "blockSignInAndDelete");
    assert_eq!(r.body["durationUntilExternalUserDeletedAfterBlocked"], "P30D");
    // the documented PATCH spells the enum "None"
    let r = x.go("PATCH", &format!("{}/settings", x.v1), Some(json!({"externalUserLifecycleAction": "None", "durationUntilExternalUserDeletedAfterBlocked": "P4D"}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = x.go("GET", &format!("{}/settings", x.v1), None).await;
    assert_eq!(r.body["externalUserLifecycleAction"], "none");
    let r = x.go("GET", &format!("{}/settings", x.beta), None).await;
    assert_eq!(r.body["externalUserLifecycleAction"], "None");
    assert_eq!(r.body["daysUntilExternalUserDeletedAfterBlocked"], 4);
    let r = x.go("PATCH", &format!("{}/settings", x.beta), Some(json!({"externalUserLifecycleAction": "BlockSignIn", "daysUntilExternalUserDeletedAfterBlocked": 7}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = x.go("GET", &format!("{}/settings", x.v1), None).await;
    assert_eq!(r.body["externalUserLifecycleAction"], "blockSignIn");
    assert_eq!(r.body["durationUntilExternalUserDeletedAfterBlocked"], "P7D");

    // end-user settings: PUT replaces the whole object
    let url = format!("{}/controlConfigurations/endUserSettings", x.v1);
    let r = x.go("GET", &url, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["relatedPeopleInsightLevel"], "countAndNames");
    let r = x.go("PUT", &url, Some(json!({"@odata.type": "#microsoft.graph.endUserSettings", "relatedPeopleInsightLevel": "count", "showApproverDetailsToMembers": false}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["relatedPeopleInsightLevel"], "count");
    assert_eq!(x.go("GET", &url, None).await.body["showApproverDetailsToMembers"], false);

    // subjects
    let r = x.go("GET", &format!("{}/subjects(objectId='{}')", x.v1, ids::REQUESTOR1_ID), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["objectId"], ids::REQUESTOR1_ID);
    assert_eq!(r.body["principalName"], ids::REQUESTOR1_UPN);
    assert_eq!(r.body["subjectType"], "user");
    let r = x.go("PATCH", &format!("{}/subjects(objectId='{}')", x.v1, ids::REQUESTOR1_ID), Some(json!({"subjectLifecycle": "governed"}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(x.go("GET", &format!("{}/subjects(objectId='{}')", x.beta, ids::REQUESTOR1_ID), None).await.body["subjectLifecycle"], "governed");
    let r = x.go("GET", &format!("{}/subjects(objectId='00000000-0000-0000-0000-000000000bad')", x.v1), None).await;
    assert_bad(&r, 404, "objectId");
    let r = x.go("PATCH", &format!("{}/subjects(objectId='00000000-0000-0000-0000-000000000bad')", x.v1), Some(json!({"subjectLifecycle": "governed"}))).await;
    assert_eq!(r.status, 404);

    // resource environments
    let r = x.go("GET", &format!("{}/resourceEnvironments?$filter=originSystem eq 'SharePointOnline'", x.v1), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.body["value"].as_array().unwrap();
    assert_eq!(v.len(), 3);
    assert!(v[0].get("connectionInfo").is_none());
    let r = x.go("GET", &format!("{}/resourceEnvironments?$filter=isDefaultEnvironment eq true", x.v1), None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let r = x.go("GET", &format!("{}/accessPackageResourceEnvironments?$filter=originSystem eq 'AadGroup'", x.beta), None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 0);
    let env = v[1]["id"].as_str().unwrap();
    let r = x.go("GET", &format!("{}/accessPackageResourceEnvironments/{env}", x.beta), None).await;
    assert_eq!(r.status, 200);
    assert!(r.body["connectionInfo"]["url"].as_str().unwrap().contains("-admin.sharepoint.com"));
    assert_eq!(x.go("GET", &format!("{}/accessPackageResourceEnvironments/nope", x.beta), None).await.status, 404);
    x.emu.shutdown().await;
}

#[tokio::test]
async fn external_origin_resource_connectors() {
    let x = T::new().await;
    let coll = format!("{}/externalOriginResourceConnectors", x.v1);
    let body = json!({"@odata.type": "#microsoft.graph.externalOriginResourceConnector", "displayName": "SAP IAG Connector", "description": "d",
        "connectorType": "sapIag", "connectionInfo": {"@odata.type": "microsoft.graph.externalTokenBasedSapIagConnectionInfo", "url": "https://contoso.example.com"}});
    let r = x.go("POST", &coll, Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["createdBy"], "Entitlement emulator app");
    assert!(r.body["modifiedDateTime"].is_null());
    assert_eq!(r.body["connectionInfo"]["url"], "https://contoso.example.com");
    let r = x.go("PATCH", &format!("{coll}/{id}"), Some(json!({"displayName": "SAP IAG Connector 2.0"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["displayName"], "SAP IAG Connector 2.0");
    assert!(r.body["modifiedDateTime"].is_string());
    let r = x.go("GET", &format!("{coll}?$filter=connectorType eq 'sapIag'"), None).await;
    assert_eq!(r.body["value"][0]["displayName"], "SAP IAG Connector 2.0", "{}", r.body);
    assert_bad(&x.go("POST", &coll, Some(json!({"displayName": "no type"}))).await, 400, "connectorType");
    assert_eq!(x.go("DELETE", &format!("{coll}/{id}"), None).await.status, 204);
    assert_eq!(x.go("GET", &format!("{coll}/{id}"), None).await.status, 404);
    x.emu.shutdown().await;
}

#[tokio::test]
async fn catalog_resources_from_other_origin_systems() {
    let x = T::new().await;
    let r = x.go("POST", &format!("{}/accessPackageCatalogs", x.beta), Some(json!({"displayName": "Apps", "description": "apps", "catalogType": "UserManaged", "catalogStatus": "Published", "isExternallyVisible": false}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["catalogStatus"], "Published");
    assert_eq!(r.body["catalogType"], "UserManaged");
    let cat = r.body["id"].as_str().unwrap().to_string();
    let r = x.go("GET", &format!("{}/catalogs/{cat}", x.v1), None).await;
    assert_eq!(r.body["state"], "published");
    assert_eq!(r.body["catalogType"], "userManaged");
    let r = x.go("PATCH", &format!("{}/accessPackageCatalogs/{cat}", x.beta), Some(json!({"catalogStatus": "Unpublished"}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(x.go("GET", &format!("{}/catalogs/{cat}", x.v1), None).await.body["state"], "unpublished");
    let r = x.go("GET", &format!("{}/accessPackageCatalogs?$filter=displayName eq 'Apps'", x.beta), None).await;
    assert_eq!(r.body["value"][0]["catalogStatus"], "Unpublished", "{}", r.body);

    // AadApplication through v1.0: roles from the service principal's app roles
    let r = x.go("POST", &format!("{}/resourceRequests", x.v1), Some(json!({"requestType": "adminAdd", "catalog": {"id": cat},
        "resource": {"originId": EXPENSES_SP, "originSystem": "AadApplication"}}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = x.go("GET", &format!("{}/catalogs/{cat}/resourceRoles?$filter=originSystem eq 'AadApplication'", x.v1), None).await;
    let mut names: Vec<&str> = r.body["value"].as_array().unwrap().iter().map(|v| v["displayName"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["Expense Approver", "Expense Submitter"], "{}", r.body);
    // SharePointOnline through beta: Owners / Members / Visitors
    let site = "https://contoso.sharepoint.com/sites/Marketing";
    let r = x.go("POST", &format!("{}/accessPackageResourceRequests", x.beta), Some(json!({"catalogId": cat, "requestType": "AdminAdd", "justification": "",
        "accessPackageResource": {"displayName": "Marketing", "resourceType": "SharePoint Online Site", "originId": site, "originSystem": "SharePointOnline"}}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["requestType"], "AdminAdd");
    assert_eq!(r.body["requestState"], "Delivered");
    let r = x.go("GET", &format!("{}/accessPackageCatalogs/{cat}/accessPackageResourceRoles?$filter=originSystem eq 'SharePointOnline'", x.beta), None).await;
    let mut names: Vec<&str> = r.body["value"].as_array().unwrap().iter().map(|v| v["displayName"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["Marketing Members", "Marketing Owners", "Marketing Visitors"], "{}", r.body);
    let r = x.go("GET", &format!("{}/accessPackageCatalogs/{cat}/accessPackageResources", x.beta), None).await;
    let v = r.body["value"].as_array().unwrap();
    assert_eq!(v.len(), 2, "{}", r.body);
    let sp = v.iter().find(|r| r["originSystem"] == "SharePointOnline").unwrap();
    assert_eq!(sp["resourceType"], "SharePoint Online Site");
    assert!(sp["addedOn"].is_string());
    let app = v.iter().find(|r| r["originSystem"] == "AadApplication").unwrap().clone();
    assert_eq!(app["resourceType"], "Application");
    let r = x.go("GET", &format!("{}/catalogs/{cat}/resources?$filter=originSystem eq 'SharePointOnline'&$expand=environment", x.v1), None).await;
    assert_eq!(r.body["value"][0]["environment"]["displayName"], "https://contoso.sharepoint.com/", "{}", r.body);
    // unknown service principal, non-URL site, unsupported origin
    let bad = |origin: &str, system: &str| json!({"requestType": "adminAdd", "catalog": {"id": cat}, "resource": {"originId": origin, "originSystem": system}});
    assert_eq!(x.go("POST", &format!("{}/resourceRequests", x.v1), Some(bad("00000000-0000-0000-0000-0000000000aa", "AadApplication"))).await.status, 404);
    assert_bad(&x.go("POST", &format!("{}/resourceRequests", x.v1), Some(bad("Marketing", "SharePointOnline"))).await, 400, "site URL");
    assert_bad(&x.go("POST", &format!("{}/resourceRequests", x.v1), Some(bad("x", "SalesForce"))).await, 400, "not supported");

    // refresh (v1.0 and beta), 200 without a body
    let app_id = app["id"].as_str().unwrap();
    let r = x.go("POST", &format!("{}/catalogs/{cat}/resources/{app_id}/refresh", x.v1), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = x.go("POST", &format!("{}/accessPackageCatalogs/{cat}/accessPackageResources/{app_id}/refresh", x.beta), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(x.go("POST", &format!("{}/catalogs/{}/resources/{app_id}/refresh", x.v1, ids::GENERAL_CATALOG_ID), None).await.status, 404);
    let r = x.go("GET", &format!("{}/catalogs/{cat}/resourceRoles?$filter=originSystem eq 'AadApplication'", x.v1), None).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 2);

    // remove both: roles go with them
    let r = x.go("POST", &format!("{}/accessPackageResourceRequests", x.beta), Some(json!({"catalogId": cat, "requestType": "AdminRemove",
        "accessPackageResource": {"id": app_id}}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = x.go("POST", &format!("{}/resourceRequests", x.v1), Some(json!({"requestType": "adminRemove", "catalog": {"id": cat},
        "resource": {"originId": site, "originSystem": "SharePointOnline"}}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(x.go("GET", &format!("{}/catalogs/{cat}/resources", x.v1), None).await.body["value"].as_array().unwrap().len(), 0);
    assert_eq!(x.go("GET", &format!("{}/catalogs/{cat}/resourceRoles", x.v1), None).await.body["value"].as_array().unwrap().len(), 0);
    assert_eq!(x.go("DELETE", &format!("{}/accessPackageCatalogs/{cat}", x.beta), None).await.status, 204);
    assert_eq!(x.go("GET", &format!("{}/accessPackageCatalogs/{cat}", x.beta), None).await.status, 404);
    x.emu.shutdown().await;
}

#[tokio::test]
async fn request_bodies_are_validated_and_nothing_is_written() {
    let x = T::new().await;
    let orgs = format!("{}/connectedOrganizations", x.v1);
    let count = |r: Resp| r.body["value"].as_array().map(Vec::len).unwrap_or(usize::MAX);
    let cases = [
        // unknown property
        (json!({"displayName": "a", "identitySources": [], "foo": 1}), "The property 'foo' does not exist on type 'microsoft.graph.connectedOrganization'. Make sure to only use property names that are defined by the type or mark the type as open type."),
        // unknown property of a nested, polymorphic value
        (json!({"displayName": "a", "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "a.com", "bogus": true}]}), "The property 'bogus' does not exist on type 'microsoft.graph.domainIdentitySource'."),
        // value outside the enum
        (json!({"displayName": "a", "identitySources": [], "state": "pending"}), "Cannot convert the literal 'pending' to the expected type 'microsoft.graph.connectedOrganizationState'."),
        // wrong JSON types
        (json!({"displayName": 42, "identitySources": []}), "Cannot convert the literal '42' to the expected type 'Edm.String'."),
        (json!({"displayName": "a", "identitySources": {"@odata.type": "#microsoft.graph.domainIdentitySource"}}), "Collection(microsoft.graph.identitySource)"),
        (json!({"displayName": "a", "identitySources": [], "createdDateTime": "yesterday"}), "Edm.DateTimeOffset"),
        // incompatible @odata.type
        (json!({"@odata.type": "#microsoft.graph.accessPackageCatalog", "displayName": "a", "identitySources": []}), "is not compatible with the expected type 'microsoft.graph.connectedOrganization'"),
        // missing required (handler)
        (json!({"identitySources": []}), "The required property 'displayName' is missing or empty."),
    ];
    for (body, msg) in cases {
        let r = x.go("POST", &orgs, Some(body.clone())).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.body["error"]["code"], "BadRequest");
        assert!(r.body["error"]["message"].as_str().unwrap().contains(msg), "{body}: {}", r.body);
    }
    assert_eq!(count(x.go("GET", &orgs, None).await), 0, "nothing written");
    // a body that is not an object
    let r = x.go("POST", &orgs, Some(json!([1, 2]))).await;
    assert_bad(&r, 400, "Unable to read JSON request payload");
    // PATCH, PUT and $ref bodies are checked too, and the stored object is unchanged
    let r = x.go("POST", &orgs, Some(org_body("Kept", "kept.com"))).await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = x.go("PATCH", &format!("{orgs}/{id}"), Some(json!({"displayName": "Changed", "state": "Nope"}))).await;
    assert_bad(&r, 400, "connectedOrganizationState");
    assert_eq!(x.go("GET", &format!("{orgs}/{id}"), None).await.body["displayName"], "Kept");
    let r = x.go("PUT", &format!("{}/controlConfigurations/endUserSettings", x.v1), Some(json!({"relatedPeopleInsightLevel": "everything"}))).await;
    assert_bad(&r, 400, "accessPackageSuggestionRelatedPeopleInsightLevel");
    let r = x.go("PATCH", &format!("{}/settings", x.v1), Some(json!({"durationUntilExternalUserDeletedAfterBlocked": "four days"}))).await;
    assert_bad(&r, 400, "Edm.Duration");
    assert_eq!(x.go("GET", &format!("{}/settings", x.v1), None).await.body["durationUntilExternalUserDeletedAfterBlocked"], "P30D");
    let r = x.go("POST", &format!("{orgs}/{id}/internalSponsors/$ref"), Some(json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/users/{}", ids::ADMIN_ID), "extra": 1}))).await;
    assert_bad(&r, 400, "'extra' does not exist on type 'microsoft.graph.referenceCreate'");
    assert_eq!(count(x.go("GET", &format!("{orgs}/{id}/internalSponsors"), None).await), 0);
    let r = x.go("POST", &format!("{}/catalogs/{}/customWorkflowExtensions", x.v1, ids::GENERAL_CATALOG_ID), Some(json!({
        "@odata.type": "#microsoft.graph.accessPackageAssignmentWorkflowExtension", "displayName": "x",
        "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration", "subscriptionId": 5}}))).await;
    assert_bad(&r, 400, "Edm.String");
    assert_eq!(count(x.go("GET", &format!("{}/catalogs/{}/customWorkflowExtensions", x.v1, ids::GENERAL_CATALOG_ID), None).await), 0);
    x.emu.shutdown().await;
}
