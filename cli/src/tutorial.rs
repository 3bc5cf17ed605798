// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The tutorial "Manage access to resources using the entitlement management
//! APIs", step by step, checking each outcome against the tutorial's.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use entitlement::credential::{DeviceCodeCredential, DeviceCodePrompt};
use entitlement::lifecycle::WaitOptions;
use entitlement::models::{beta, v1};
use entitlement::{Client, Filter};
use entitlement_emulator::{ids, Emulator, EmulatorConfig};

use crate::connect::Connection;

#[derive(clap::Args)]
pub struct Args {
    /// Application (client) id the requestor signs in with, by the device code
    /// flow (an app that allows public client flows; default: --client-id).
    /// The instructions are printed; sign in as the requestor in a browser.
    #[arg(long, env = "ENTITLEMENT_REQUESTOR_CLIENT_ID")]
    requestor_client_id: Option<String>,
    /// Object id of the requestor (Requestor1 in the tutorial).
    #[arg(long, default_value = ids::REQUESTOR1_ID)]
    requestor_id: String,
    /// Object id of the group to package.
    #[arg(long, default_value = ids::GROUP_ID)]
    group_id: String,
    /// Longest wait for a request to be delivered, in seconds.
    #[arg(long, default_value_t = 120)]
    wait_seconds: u64,
}

struct Failed(String);

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(e: E) -> Self {
        Failed(e.to_string())
    }
}

fn check(ok: bool, what: impl Into<String>) -> Result<(), Failed> {
    if ok {
        Ok(())
    } else {
        Err(Failed(what.into()))
    }
}

/// `value` or `-` for an absent property.
fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_string(), |x| x.to_string())
}

fn step(n: &str, title: &str) {
    println!("\n== Step {n}: {title}");
}

pub async fn run(args: Args, conn: &Connection) -> ExitCode {
    let mut embedded = None;
    let (endpoint, authority, tenant, client_id, secret, requestor_client, approve) =
        match conn.endpoint.as_ref().filter(|e| !e.is_empty()) {
            None => {
                let emu = match Emulator::start(EmulatorConfig {
                    delivery_delay: Duration::from_millis(200),
                    ..Default::default()
                })
                .await
                {
                    Ok(e) => e,
                    Err(e) => {
                        eprintln!("error: cannot start the embedded emulator: {e}");
                        return ExitCode::FAILURE;
                    }
                };
                let (cid, csecret) = emu.app_credentials();
                println!(
                    "Embedded emulator at {} (tenant {})",
                    emu.base_url(),
                    emu.tenant_id()
                );
                // Requestor1 approves the device code at the emulator's approval
                // call, as a person would at the verification page.
                let approve = Some(format!("{}/_emulator/devicecode/approve", emu.base_url()));
                let t = (
                    emu.base_url(),
                    emu.authority(),
                    emu.tenant_id().to_string(),
                    cid.clone(),
                    csecret,
                    cid,
                    approve,
                );
                embedded = Some(emu);
                t
            }
            Some(endpoint) => {
                let need = |v: &Option<String>, name: &str| {
                    v.clone()
                        .ok_or_else(|| format!("--{name} is required with --endpoint"))
                };
                let r = (|| -> Result<_, String> {
                    let client_id = need(&conn.client_id, "client-id")?;
                    Ok((
                        endpoint.clone(),
                        conn.authority(),
                        need(&conn.tenant_id, "tenant-id")?,
                        client_id.clone(),
                        need(&conn.client_secret, "client-secret")?,
                        args.requestor_client_id.clone().unwrap_or(client_id),
                        None,
                    ))
                })();
                match r {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
        };
    let admin = Client::builder()
        .base_url(&endpoint)
        .authority(&authority)
        .client_secret(&tenant, &client_id, secret)
        .build();
    let requestor = Client::builder()
        .base_url(&endpoint)
        .authority(&authority)
        .credential(Arc::new(DeviceCodeCredential::new(
            &authority,
            &tenant,
            &requestor_client,
            Some(prompt(approve)),
        )))
        .build();
    let result = match (admin, requestor) {
        (Ok(a), Ok(r)) => scenario(&a, &r, &args).await,
        (Err(e), _) | (_, Err(e)) => Err(Failed(e.to_string())),
    };
    if let Some(emu) = embedded {
        emu.shutdown().await;
    }
    match result {
        Ok(()) => {
            println!("\nTutorial complete: every outcome matched.");
            ExitCode::SUCCESS
        }
        Err(Failed(msg)) => {
            eprintln!("\nTutorial FAILED: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Shows the device code instructions; at the embedded emulator, also
/// approves the code as Requestor1 (the emulator's stand-in for the person
/// who opens the page and signs in).
fn prompt(approve: Option<String>) -> Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync> {
    Arc::new(move |p: &DeviceCodePrompt| {
        println!("requestor sign-in (device code): {}", p.message);
        if let Some(url) = approve.clone() {
            let body = serde_json::json!({"user": ids::REQUESTOR1_UPN, "userCode": p.user_code})
                .to_string();
            tokio::spawn(async move {
                let sent = reqwest::Client::new()
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => println!(
                        "(the emulator approved the code for {})",
                        ids::REQUESTOR1_UPN
                    ),
                    Ok(r) => eprintln!(
                        "the emulator refused the device code approval: HTTP {}",
                        r.status()
                    ),
                    Err(e) => eprintln!("cannot approve the device code at the emulator: {e}"),
                }
            });
        }
    })
}

async fn scenario(admin: &Client, requestor: &Client, args: &Args) -> Result<(), Failed> {
    let wait = WaitOptions {
        timeout: Duration::from_secs(args.wait_seconds),
        poll_interval: Duration::from_millis(250),
    };

    step("1.1", "Get the identifier for the General catalog");
    let catalogs = admin
        .list_catalogs()
        .filter_by(Filter::eq("displayName", "General")?)
        .send()
        .await?;
    let catalog = catalogs.value.first().ok_or("no catalog named General")?;
    let catalog_id = catalog.id.clone().ok_or("catalog without id")?;
    println!(
        "catalog id: {catalog_id} (catalogType {}, state {})",
        show(&catalog.catalog_type),
        show(&catalog.state)
    );

    step("1.2", "Add the group to the catalog");
    let request = v1::AccessPackageResourceRequest {
        request_type: Some(v1::AccessPackageRequestType::AdminAdd),
        catalog: Some(Box::new(v1::AccessPackageCatalog {
            id: Some(catalog_id.clone()),
            ..Default::default()
        })),
        resource: Some(Box::new(v1::AccessPackageResource {
            origin_id: Some(args.group_id.clone()),
            origin_system: Some("AadGroup".into()),
            ..Default::default()
        })),
        ..Default::default()
    };
    let rr = admin.create_resource_request(&request).send().await?;
    println!(
        "resource request id: {} (state {})",
        show(&rr.id),
        show(&rr.state)
    );

    step("1.3", "Get catalog resources");
    let resources = admin
        .list_catalog_resources(&catalog_id)
        .filter_by(Filter::eq("originId", args.group_id.as_str())?)
        .send()
        .await?;
    let resource = resources
        .value
        .first()
        .ok_or("the group is not a resource of the catalog")?;
    let resource_id = resource.id.clone().ok_or("resource without id")?;
    println!(
        "resource id: {resource_id} ({})",
        resource.display_name.clone().unwrap_or_default()
    );

    step("1.4", "Get resource roles");
    let roles = admin
        .list_catalog_resource_roles(&catalog_id)
        .filter_by(
            Filter::eq("originSystem", "AadGroup")?
                .and(Filter::eq("displayName", "Member")?)
                .and(Filter::eq("resource/id", resource_id.as_str())?),
        )
        .expand(["resource"])
        .send()
        .await?;
    check(
        roles.value.len() == 1,
        format!("expected one Member role, got {}", roles.value.len()),
    )?;
    let role = &roles.value[0];
    let role_origin = role.origin_id.clone().ok_or("role without originId")?;
    check(
        role.resource.as_ref().and_then(|r| r.id.as_deref()) == Some(resource_id.as_str()),
        "$expand=resource did not return the resource",
    )?;
    println!("member role originId: {role_origin}");

    step("1.5", "Create the access package");
    let package = admin
        .create_access_package(&v1::AccessPackage {
            display_name: Some("Marketing Campaign".into()),
            description: Some("Access to resources for the campaign".into()),
            catalog: Some(Box::new(v1::AccessPackageCatalog {
                id: Some(catalog_id.clone()),
                ..Default::default()
            })),
            ..Default::default()
        })
        .send()
        .await?;
    let package_id = package.id.clone().ok_or("package without id")?;
    println!("access package id: {package_id}");

    step("1.6", "Add a resource role to the access package");
    let scope = admin
        .create_access_package_resource_role_scope(
            &package_id,
            &v1::AccessPackageResourceRoleScope {
                role: Some(Box::new(v1::AccessPackageResourceRole {
                    origin_id: Some(role_origin.clone()),
                    display_name: Some("Member".into()),
                    origin_system: Some("AadGroup".into()),
                    resource: Some(Box::new(v1::AccessPackageResource {
                        id: Some(resource_id.clone()),
                        origin_id: Some(args.group_id.clone()),
                        origin_system: Some("AadGroup".into()),
                        ..Default::default()
                    })),
                    ..Default::default()
                })),
                scope: Some(Box::new(v1::AccessPackageResourceScope {
                    origin_id: Some(args.group_id.clone()),
                    origin_system: Some("AadGroup".into()),
                    ..Default::default()
                })),
                ..Default::default()
            },
        )
        .send()
        .await?;
    println!("resource role scope id: {}", scope.id.unwrap_or_default());

    step("1.7", "Create an access package assignment policy (beta)");
    let policy = admin
        .beta()
        .create_access_package_assignment_policy(&beta::AccessPackageAssignmentPolicy {
            access_package_id: Some(package_id.clone()),
            display_name: Some("Specific users".into()),
            description: Some("Specific users can request assignment".into()),
            duration_in_days: Some(30),
            requestor_settings: Some(Box::new(beta::RequestorSettings {
                scope_type: Some("SpecificDirectorySubjects".into()),
                accept_requests: Some(true),
                allowed_requestors: Some(vec![beta::UserSet::SingleUser(beta::SingleUser {
                    id: Some(args.requestor_id.clone()),
                    description: Some("Requestor1".into()),
                    is_backup: Some(false),
                    ..Default::default()
                })]),
                ..Default::default()
            })),
            request_approval_settings: Some(Box::new(beta::ApprovalSettings {
                is_approval_required: Some(false),
                is_approval_required_for_extension: Some(false),
                is_requestor_justification_required: Some(false),
                approval_mode: Some("NoApproval".into()),
                approval_stages: Some(vec![]),
                ..Default::default()
            })),
            ..Default::default()
        })
        .send()
        .await?;
    let policy_id = policy.id.clone().ok_or("policy without id")?;
    check(
        policy.duration_in_days == Some(30),
        "policy durationInDays is not 30",
    )?;
    println!("policy id: {policy_id}");

    step("2", "Request access (signed in as the requestor)");
    let request = requestor
        .beta()
        .create_access_package_assignment_request(&beta::AccessPackageAssignmentRequest {
            request_type: Some("UserAdd".into()),
            access_package_assignment: Some(Box::new(beta::AccessPackageAssignment {
                target_id: Some(args.requestor_id.clone()),
                assignment_policy_id: Some(policy_id.clone()),
                access_package_id: Some(package_id.clone()),
                ..Default::default()
            })),
            ..Default::default()
        })
        .send()
        .await?;
    let request_id = request.id.clone().ok_or("request without id")?;
    println!(
        "request id: {request_id} (requestState {}, requestStatus {})",
        show(&request.request_state),
        show(&request.request_status)
    );
    check(
        request.request_state.as_deref() == Some("Submitted"),
        format!("expected Submitted, got {:?}", request.request_state),
    )?;

    step("3.1", "Get the status of the request");
    let done = admin
        .beta()
        .wait_for_access_package_assignment_request(&request_id, wait)
        .await?;
    println!(
        "requestState {}, requestStatus {}",
        show(&done.request_state),
        show(&done.request_status)
    );
    check(
        done.request_state.as_deref() == Some("Delivered"),
        format!("expected Delivered, got {:?}", done.request_state),
    )?;

    step("3.2", "Get access package assignments");
    let assignments = admin
        .beta()
        .list_access_package_assignments()
        .filter_by(Filter::eq(
            "accessPackageAssignmentPolicy/Id",
            policy_id.as_str(),
        )?)
        .expand(["target", "accessPackageAssignmentResourceRoles"])
        .send()
        .await?;
    check(
        assignments.value.len() == 1,
        format!("expected one assignment, got {}", assignments.value.len()),
    )?;
    let assignment = &assignments.value[0];
    let assignment_id = assignment.id.clone().ok_or("assignment without id")?;
    println!(
        "assignment id: {assignment_id} (assignmentState {}, target {})",
        show(&assignment.assignment_state),
        show(&assignment.target.as_ref().and_then(|t| t.object_id.clone()))
    );
    check(
        assignment.assignment_state.as_deref() == Some("Delivered"),
        "assignment not Delivered",
    )?;

    step("3.3", "Get the members of the group");
    let members = admin.list_group_members(&args.group_id).all().await?;
    let found = members
        .iter()
        .any(|m| m.id() == Some(args.requestor_id.as_str()));
    for m in &members {
        println!("member: {}", m.id().unwrap_or_default());
    }
    check(found, "the requestor is not a member of the group")?;

    step("4", "Clean up resources");
    let remove = admin
        .beta()
        .create_access_package_assignment_request(&beta::AccessPackageAssignmentRequest {
            request_type: Some("AdminRemove".into()),
            access_package_assignment: Some(Box::new(beta::AccessPackageAssignment {
                id: Some(assignment_id.clone()),
                ..Default::default()
            })),
            ..Default::default()
        })
        .send()
        .await?;
    let remove_id = remove.id.clone().ok_or("removal request without id")?;
    println!(
        "removal request id: {remove_id} (requestState {})",
        show(&remove.request_state)
    );
    let removed = admin
        .beta()
        .wait_for_access_package_assignment_request(&remove_id, wait)
        .await?;
    println!("removal requestState {}", show(&removed.request_state));
    check(
        removed.request_state.as_deref() == Some("Delivered"),
        "removal not delivered",
    )?;
    let members = admin.list_group_members(&args.group_id).all().await?;
    check(
        !members
            .iter()
            .any(|m| m.id() == Some(args.requestor_id.as_str())),
        "the requestor is still a member",
    )?;
    println!("requestor removed from the group");
    admin
        .beta()
        .delete_access_package_assignment_policy(&policy_id)
        .send()
        .await?;
    println!("deleted policy {policy_id}");
    admin
        .beta()
        .delete_access_package(&package_id)
        .send()
        .await?;
    println!("deleted access package {package_id}");
    Ok(())
}
