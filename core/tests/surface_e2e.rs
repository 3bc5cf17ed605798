// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The typed client over the rest of the surface, against the emulator:
//! function-call paths, `$ref` bodies, collection-returning actions,
//! polymorphic bodies, delegated self-service calls and approvals.

use std::time::Duration;

use entitlement::models::v1;
mod common;

use common::{admin, emulator};
use entitlement::{Client, ErrorKind};
use entitlement_emulator::{ids, Emulator};
use futures_util::StreamExt;
use serde_json::json;

fn user(emu: &Emulator, who: &str) -> Client {
    Client::builder().base_url(emu.base_url()).token(emu.user_token(who).unwrap()).build().unwrap()
}

fn from<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("valid model")
}

/// A catalog holding the tutorial's group, and a package with a policy.
async fn package(client: &Client, name: &str, approver: Option<&str>) -> (String, String) {
    let catalog = client.create_catalog(&from(json!({"displayName": name, "description": name}))).send().await.unwrap();
    let catalog_id = catalog.id.unwrap();
    client
        .create_resource_request(&from(json!({"requestType": "adminAdd", "catalog": {"id": catalog_id},
            "resource": {"originId": ids::GROUP_ID, "originSystem": "AadGroup"}})))
        .send()
        .await
        .unwrap();
    let role = client
        .list_catalog_resource_roles(&catalog_id)
        .filter("displayName eq 'Member'")
        .expand(["resource"])
        .send()
        .await
        .unwrap()
        .value
        .remove(0);
    let pkg = client
        .create_access_package(&from(json!({"displayName": name, "catalog": {"id": catalog_id}})))
        .send()
        .await
        .unwrap();
    let pkg_id = pkg.id.unwrap();
    client
        .create_access_package_resource_role_scope(
            &pkg_id,
            &from(json!({"role": {"id": role.id, "originId": role.origin_id, "originSystem": "AadGroup",
                "resource": {"id": role.resource.as_ref().and_then(|r| r.id.clone())}},
                "scope": {"originId": ids::GROUP_ID, "originSystem": "AadGroup"}})),
        )
        .send()
        .await
        .unwrap();
    let stages = match approver {
        Some(a) => json!([{"durationBeforeAutomaticDenial": "P2D", "isApproverJustificationRequired": false, "isEscalationEnabled": false,
            "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": a}]}]),
        None => json!([]),
    };
    let policy = client
        .create_assignment_policy(&from(json!({
            "displayName": format!("{name} policy"), "allowedTargetScope": "allMemberUsers",
            "expiration": {"type": "afterDuration", "duration": "P30D"},
            "requestorSettings": {"enableTargetsToSelfAddAccess": true},
            "requestApprovalSettings": {"isApprovalRequiredForAdd": approver.is_some(), "stages": stages},
            "accessPackage": {"id": pkg_id}})))
        .send()
        .await
        .unwrap();
    let expiration = policy.expiration.as_ref().unwrap();
    assert_eq!(expiration.duration.as_ref().map(|d| d.to_string()).as_deref(), Some("P30D"), "durations are exact");
    (pkg_id, policy.id.unwrap())
}

#[tokio::test]
async fn connected_organization_sponsors_by_reference() {
    let emu = emulator(100).await;
    let client = admin(&emu);
    let org = client
        .create_connected_organization(&v1::ConnectedOrganization {
            display_name: Some("Fabrikam".into()),
            identity_sources: Some(vec![from(json!({"@odata.type": "#microsoft.graph.domainIdentitySource",
                "domainName": "fabrikam.com", "displayName": "fabrikam.com"}))]),
            state: Some(v1::ConnectedOrganizationState::Configured),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let org_id = org.id.clone().unwrap();
    assert!(matches!(org.identity_sources.as_deref(), Some([v1::IdentitySource::DomainIdentitySource(d)]) if d.domain_name.as_deref() == Some("fabrikam.com")));

    let r = client.reference("users", ids::ADMIN_ID);
    assert_eq!(r.odata_id.as_deref(), Some(format!("{}/v1.0/users/{}", emu.base_url(), ids::ADMIN_ID).as_str()));
    client.add_connected_organization_internal_sponsor(&org_id, &r).send().await.unwrap();
    let sponsors: Vec<_> = client.list_connected_organization_internal_sponsors(&org_id).stream().collect().await;
    assert_eq!(sponsors.len(), 1);
    assert_eq!(sponsors[0].as_ref().unwrap().id(), Some(ids::ADMIN_ID));
    // duplicate and unknown references are Graph errors, not panics
    let dup = client.add_connected_organization_internal_sponsor(&org_id, &r).send().await.unwrap_err();
    assert_eq!(dup.kind, ErrorKind::BadRequest, "{dup}");
    let missing = client.reference("users", "00000000-0000-4000-8000-000000000000");
    let err = client.add_connected_organization_external_sponsor(&org_id, &missing).send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");

    client.remove_connected_organization_internal_sponsor(&org_id, ids::ADMIN_ID).send().await.unwrap();
    assert!(client.list_connected_organization_internal_sponsors(&org_id).send().await.unwrap().value.is_empty());
    // v1.0 PATCH answers 202 with the object
    let updated = client
        .update_connected_organization(&org_id, &v1::ConnectedOrganization { display_name: Some("Fabrikam Ltd".into()), ..Default::default() })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.display_name.as_deref(), Some("Fabrikam Ltd"));
    emu.shutdown().await;
}

#[tokio::test]
async fn function_calls_actions_and_approvals() {
    let emu = emulator(100).await;
    let client = admin(&emu);
    let requestor = user(&emu, ids::REQUESTOR1_UPN);
    let approver = user(&emu, ids::ADMIN_UPN);
    let (pkg, policy) = package(&client, "Finance", Some(ids::ADMIN_ID)).await;

    // function segment with an escaped literal
    let url = requestor.filter_access_packages_by_current_user("allowedRequestor").url().unwrap();
    assert!(url.ends_with("/accessPackages/filterByCurrentUser(on='allowedRequestor')"), "{url}");
    let mine = requestor.filter_access_packages_by_current_user("allowedRequestor").send().await.unwrap();
    assert_eq!(mine.value.iter().map(|p| p.id.clone().unwrap()).collect::<Vec<_>>(), vec![pkg.clone()]);
    let bad = requestor.filter_access_packages_by_current_user("o'brien").send().await.unwrap_err();
    assert_eq!(bad.kind, ErrorKind::BadRequest, "{bad}");

    // a collection-returning action
    let reqs = requestor.get_applicable_policy_requirements(&pkg, None).send().await.unwrap();
    assert_eq!(reqs.value.len(), 1);
    assert_eq!(reqs.value[0].policy_id.as_deref(), Some(policy.as_str()));
    assert_eq!(reqs.value[0].is_approval_required_for_add, Some(true));

    let request = requestor
        .create_assignment_request(&from(json!({"requestType": "userAdd",
            "assignment": {"accessPackageId": pkg, "assignmentPolicyId": policy}})))
        .send()
        .await
        .unwrap();
    let request_id = request.id.unwrap();
    let mut pending = Vec::new();
    for _ in 0..200 {
        pending = approver.filter_assignment_approvals_by_current_user("approver").send().await.unwrap().value;
        if !pending.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id.as_deref(), Some(request_id.as_str()));
    let stages = approver.list_assignment_approval_stages(&request_id).send().await.unwrap().value;
    assert_eq!(stages[0].review_result.as_deref(), Some("NotReviewed"));
    assert_eq!(stages[0].assigned_to_me, Some(true));
    let stage_id = stages[0].id.clone().unwrap();
    let denied = requestor
        .update_assignment_approval_stage(&request_id, &stage_id, &v1::ApprovalStage { review_result: Some("Approve".into()), ..Default::default() })
        .send()
        .await
        .unwrap_err();
    assert_eq!(denied.kind, ErrorKind::PermissionDenied, "{denied}");
    approver
        .update_assignment_approval_stage(
            &request_id,
            &stage_id,
            &v1::ApprovalStage { review_result: Some("Approve".into()), justification: Some("ok".into()), ..Default::default() },
        )
        .send()
        .await
        .unwrap();
    let done = client.wait_for_assignment_request(&request_id, Default::default()).await.unwrap();
    assert_eq!(done.state, Some(v1::AccessPackageRequestState::Delivered));
    let assignments = requestor.filter_assignments_by_current_user("target").send().await.unwrap().value;
    assert_eq!(assignments.len(), 1);

    // two-parameter function, by name in the path
    let extra = client.list_additional_access(&pkg, &pkg).url().unwrap();
    assert!(extra.contains(&format!("additionalAccess(accessPackageId='{pkg}',incompatibleAccessPackageId='{pkg}')")), "{extra}");

    // subjects(objectId='…')
    let subject = client.get_subject(ids::REQUESTOR1_ID).send().await.unwrap();
    assert_eq!(subject.object_id.as_deref(), Some(ids::REQUESTOR1_ID));
    let err = client.get_subject("00000000-0000-4000-8000-000000000000").send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    emu.shutdown().await;
}

#[tokio::test]
async fn polymorphic_workflow_extensions_round_trip() {
    let emu = emulator(100).await;
    let client = admin(&emu);
    let catalog = client.create_catalog(&from(json!({"displayName": "Extensions"}))).send().await.unwrap().id.unwrap();
    let body: v1::CustomCalloutExtension = from(json!({
        "@odata.type": "#microsoft.graph.accessPackageAssignmentWorkflowExtension",
        "displayName": "notify", "description": "calls a logic app",
        "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration",
            "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d", "resourceGroupName": "rg", "logicAppWorkflowName": "notify"},
        "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
        "futureProperty": {"kept": true}
    }));
    // The client keeps (and sends) the unknown property; the service, like
    // Graph, refuses a property its type does not define, and writes nothing.
    let err = client.create_catalog_custom_workflow_extension(&catalog, &body).send().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadRequest, "{err}");
    assert!(err.message.contains("futureProperty"), "{err}");
    assert!(client.list_catalog_custom_workflow_extensions(&catalog).send().await.unwrap().value.is_empty());
    let mut value = serde_json::to_value(&body).unwrap();
    value.as_object_mut().unwrap().remove("futureProperty");
    let body: v1::CustomCalloutExtension = from(value);
    let created = client.create_catalog_custom_workflow_extension(&catalog, &body).send().await.unwrap();
    let id = match &created {
        v1::CustomCalloutExtension::AccessPackageAssignmentWorkflowExtension(x) => x.id.clone().unwrap(),
        other => panic!("wrong subtype: {:?}", other.odata_type()),
    };
    let listed = client.list_catalog_custom_workflow_extensions(&catalog).send().await.unwrap().value;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].odata_type(), Some("#microsoft.graph.accessPackageAssignmentWorkflowExtension"));
    client.delete_catalog_custom_workflow_extension(&catalog, &id).send().await.unwrap();
    let gone = client.get_catalog_custom_workflow_extension(&catalog, &id).send().await.unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound);
    emu.shutdown().await;
}
