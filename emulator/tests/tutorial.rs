// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The Graph tutorial "Manage access to resources using the entitlement
//! management APIs", step by step over raw HTTP.

mod common;

use common::*;
use entitlement_emulator::ids;
use serde_json::json;

#[tokio::test]
async fn tutorial_flow() {
    let emu = start().await;
    let c = http();
    let base = emu.base_url();
    let v1 = format!("{base}/v1.0{EM}");
    let beta = format!("{base}/beta{EM}");
    let admin = app_token_via_endpoint(&c, &emu).await;
    let (client_id, _) = emu.app_credentials();
    // Requestor1 signs in as a browser would: the authorization code flow with PKCE.
    let requestor = user_token_via_authorize(&emu, &client_id, ids::REQUESTOR1_UPN).await;
    let group = ids::MARKETING_GROUP_ID;

    // 1.1 General catalog
    let r = call(&c, "GET", &format!("{v1}/catalogs?$filter=(displayName eq 'General')"), Some(&admin), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["@odata.context"], format!("{base}/v1.0/$metadata#identityGovernance/entitlementManagement/catalogs"));
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let cat = &r.body["value"][0];
    assert_eq!(cat["id"], ids::GENERAL_CATALOG_ID);
    assert_eq!(cat["catalogType"], "serviceDefault");
    assert_eq!(cat["state"], "published");
    assert_eq!(cat["isExternallyVisible"], true);
    assert!(r.headers.get("request-id").is_some());
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("application/json"));

    // 1.2 add the group to the catalog
    let r = call(&c, "POST", &format!("{v1}/resourceRequests"), Some(&admin), Some(json!({
        "catalogId": ids::GENERAL_CATALOG_ID, "requestType": "AdminAdd", "justification": "",
        "accessPackageResource": {"resourceType": "AadGroup", "originId": group, "originSystem": "AadGroup"}
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["state"], "delivered");
    assert_eq!(r.body["requestState"], "Delivered");
    assert!(r.body["@odata.context"].as_str().unwrap().ends_with("resourceRequests/$entity"));

    // 1.3 catalog resources
    let r = call(&c, "GET", &format!("{v1}/catalogs/{}/resources?$filter=originId eq '{group}'", ids::GENERAL_CATALOG_ID), Some(&admin), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let res = r.body["value"][0].clone();
    assert_eq!(res["displayName"], "Marketing resources");
    assert_eq!(res["description"], "Marketing group");
    let res_id = res["id"].as_str().unwrap().to_string();
    assert_ne!(res_id, group);

    // 1.4 the Member role
    let r = call(&c, "GET", &format!("{v1}/catalogs/{}/resourceRoles?$filter=(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '{res_id}')&$expand=resource", ids::GENERAL_CATALOG_ID), Some(&admin), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1, "{}", r.body);
    let role = r.body["value"][0].clone();
    assert_eq!(role["originId"], format!("Member_{group}"));
    assert_eq!(role["resource"]["id"], res_id.as_str());

    // 1.5 access package
    let r = call(&c, "POST", &format!("{v1}/accessPackages"), Some(&admin), Some(json!({
        "catalogId": ids::GENERAL_CATALOG_ID, "displayName": "Marketing Campaign", "description": "Access to resources for the campaign"
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["@odata.context"], format!("{base}/v1.0/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity"));
    assert_eq!(r.body["isHidden"], false);
    let pkg = r.body["id"].as_str().unwrap().to_string();

    // 1.6 resource role scope (tutorial path alias)
    let r = call(&c, "POST", &format!("{v1}/accessPackages/{pkg}/accessPackageResourceRoleScopes"), Some(&admin), Some(json!({
        "role": {"originId": format!("Member_{group}"), "displayName": "Member", "originSystem": "AadGroup",
                 "resource": {"id": res_id, "resourceType": "Security Group", "originId": group, "originSystem": "AadGroup"}},
        "scope": {"originId": group, "originSystem": "AadGroup"}
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.body["id"].as_str().unwrap().starts_with(role["id"].as_str().unwrap()));
    assert!(r.body["createdDateTime"].is_string());
    let r = call(&c, "GET", &format!("{v1}/accessPackages/{pkg}?$expand=resourceRoleScopes($expand=role,scope)"), Some(&admin), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["resourceRoleScopes"][0]["role"]["originId"], format!("Member_{group}"));
    assert_eq!(r.body["resourceRoleScopes"][0]["scope"]["originId"], group);

    // 1.7 policy through beta
    let r = call(&c, "POST", &format!("{beta}/accessPackageAssignmentPolicies"), Some(&admin), Some(json!({
        "accessPackageId": pkg, "displayName": "Specific users", "description": "Specific users can request assignment",
        "accessReviewSettings": null, "durationInDays": 30,
        "requestorSettings": {"scopeType": "SpecificDirectorySubjects", "acceptRequests": true,
            "allowedRequestors": [{"@odata.type": "#microsoft.graph.singleUser", "isBackup": false, "id": ids::REQUESTOR1_ID, "description": "Requestor1"}]},
        "requestApprovalSettings": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false, "isRequestorJustificationRequired": false, "approvalMode": "NoApproval", "approvalStages": []}
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["durationInDays"], 30);
    assert_eq!(r.body["accessPackageId"], pkg.as_str());
    assert_eq!(r.body["requestorSettings"]["allowedRequestors"][0]["id"], ids::REQUESTOR1_ID);
    let policy = r.body["id"].as_str().unwrap().to_string();
    // Visible through v1.0 in the new shape.
    let r = call(&c, "GET", &format!("{v1}/assignmentPolicies/{policy}"), Some(&admin), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["allowedTargetScope"], "specificDirectoryUsers");
    assert_eq!(r.body["expiration"]["type"], "afterDuration");
    assert_eq!(r.body["expiration"]["duration"], "P30D");
    assert_eq!(r.body["specificAllowedTargets"][0]["userId"], ids::REQUESTOR1_ID);

    // 2 Requestor1 requests access
    let r = call(&c, "POST", &format!("{beta}/accessPackageAssignmentRequests"), Some(&requestor), Some(json!({
        "requestType": "UserAdd",
        "accessPackageAssignment": {"targetId": ids::REQUESTOR1_ID, "assignmentPolicyId": policy, "accessPackageId": pkg}
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["requestType"], "UserAdd");
    assert_eq!(r.body["requestState"], "Submitted");
    assert_eq!(r.body["requestStatus"], "Accepted");
    let req = r.body["id"].as_str().unwrap().to_string();

    // 3.1 delivered
    let body = wait_for(&c, &format!("{beta}/accessPackageAssignmentRequests/{req}"), &admin, |b| b["requestState"] == "Delivered").await;
    assert_eq!(body["requestStatus"], "FulfilledNotificationTriggered");
    let r = call(&c, "GET", &format!("{v1}/assignmentRequests/{req}"), Some(&admin), None).await;
    assert_eq!(r.body["state"], "delivered");
    assert_eq!(r.body["status"], "Delivered");
    assert_eq!(r.body["requestType"], "userAdd");
    // Requestor1 may read their own request.
    let r = call(&c, "GET", &format!("{v1}/assignmentRequests/{req}"), Some(&requestor), None).await;
    assert_eq!(r.status, 200);

    // 3.2 assignments by policy
    let r = call(&c, "GET", &format!("{beta}/accessPackageAssignments?$filter=accessPackageAssignmentPolicy/Id eq '{policy}'&$expand=target,accessPackageAssignmentResourceRoles"), Some(&admin), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a = &r.body["value"][0];
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    assert_eq!(a["assignmentState"], "Delivered");
    assert_eq!(a["assignmentStatus"], "Delivered");
    assert_eq!(a["targetId"], ids::REQUESTOR1_ID);
    assert_eq!(a["target"]["objectId"], ids::REQUESTOR1_ID);
    assert_eq!(a["target"]["displayName"], "Requestor1");
    assert_eq!(a["accessPackageAssignmentResourceRoles"][0]["originSystem"], "AadGroup");
    assert!(a.get("accessPackageAssignmentPolicy").is_none());
    let assignment = a["id"].as_str().unwrap().to_string();
    let r = call(&c, "GET", &format!("{v1}/assignments?$filter=state eq 'delivered'&$expand=accessPackage"), Some(&admin), None).await;
    assert_eq!(r.body["value"][0]["accessPackage"]["id"], pkg.as_str());

    // 3.3 group members
    let r = call(&c, "GET", &format!("{base}/v1.0/groups/{group}/members"), Some(&admin), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["value"][0]["@odata.type"], "#microsoft.graph.user");
    assert_eq!(r.body["value"][0]["id"], ids::REQUESTOR1_ID);
    assert_eq!(r.body["value"][0]["displayName"], "Requestor1");

    // Deleting with an active assignment fails.
    let r = call(&c, "DELETE", &format!("{beta}/accessPackages/{pkg}"), Some(&admin), None).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "AccessPackageHasAssignments");
    let r = call(&c, "DELETE", &format!("{beta}/accessPackageAssignmentPolicies/{policy}"), Some(&admin), None).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // 4 clean up
    let r = call(&c, "POST", &format!("{beta}/accessPackageAssignmentRequests"), Some(&admin), Some(json!({
        "requestType": "AdminRemove", "accessPackageAssignment": {"id": assignment}
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["requestType"], "AdminRemove");
    assert_eq!(r.body["requestState"], "Submitted");
    wait_for(&c, &format!("{base}/v1.0/groups/{group}/members"), &admin, |b| b["value"].as_array().is_some_and(|v| v.is_empty())).await;
    let r = call(&c, "GET", &format!("{v1}/assignments/{assignment}"), Some(&admin), None).await;
    assert_eq!(r.body["state"], "expired");
    let r = call(&c, "DELETE", &format!("{beta}/accessPackageAssignmentPolicies/{policy}"), Some(&admin), None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = call(&c, "DELETE", &format!("{beta}/accessPackages/{pkg}"), Some(&admin), None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = call(&c, "GET", &format!("{v1}/accessPackages/{pkg}"), Some(&admin), None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["error"]["code"], "ResourceNotFound");
    assert!(r.body["error"]["innerError"]["request-id"].is_string());
    emu.shutdown().await;
}

#[tokio::test]
async fn requestor_not_in_policy_is_refused() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let admin = emu.app_token();
    let pkg = call(&c, "POST", &format!("{v1}/accessPackages"), Some(&admin), Some(json!({"catalog": {"id": ids::GENERAL_CATALOG_ID}, "displayName": "p"}))).await;
    let pkg = pkg.body["id"].as_str().unwrap().to_string();
    let pol = call(&c, "POST", &format!("{v1}/assignmentPolicies"), Some(&admin), Some(json!({
        "accessPackage": {"id": pkg}, "displayName": "only admin", "allowedTargetScope": "specificDirectoryUsers",
        "specificAllowedTargets": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids::ADMIN_ID}],
        "requestorSettings": {"enableTargetsToSelfAddAccess": true}
    }))).await;
    assert_eq!(pol.status, 201, "{}", pol.body);
    let user = emu.user_token(ids::REQUESTOR1_UPN).unwrap();
    let r = call(&c, "POST", &format!("{v1}/assignmentRequests"), Some(&user), Some(json!({
        "requestType": "userAdd", "assignment": {"targetId": ids::REQUESTOR1_ID, "assignmentPolicyId": pol.body["id"], "accessPackageId": pkg}
    }))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // The admin is allowed (v1.0 request shape) and gets delivered.
    let adm = emu.user_token(ids::ADMIN_UPN).unwrap();
    let r = call(&c, "POST", &format!("{v1}/assignmentRequests"), Some(&adm), Some(json!({
        "requestType": "userAdd", "assignment": {"targetId": ids::ADMIN_ID, "assignmentPolicyId": pol.body["id"], "accessPackageId": pkg}
    }))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["state"], "submitted");
    let id = r.body["id"].as_str().unwrap();
    wait_for(&c, &format!("{v1}/assignmentRequests/{id}"), &admin, |b| b["state"] == "delivered").await;
    emu.shutdown().await;
}
