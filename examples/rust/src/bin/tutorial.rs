// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The Graph tutorial "Manage access to resources using the entitlement
//! management APIs": package a group, let a user request it, check the
//! assignment, clean up.
//!
//! ```sh
//! cargo run --release -p entitlement-examples --bin tutorial     # the in-process emulator
//! AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… ENTITLEMENT_GROUP_ID=… \
//! ENTITLEMENT_REQUESTOR_ID=… cargo run --release -p entitlement-examples --bin tutorial   # a real tenant
//! ```

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use entitlement::credential::{BrowserMode, DeviceCodeCredential, InteractiveBrowserCredential};
use entitlement::lifecycle::WaitOptions;
use entitlement::models::{beta, v1};
use entitlement::{Client, Filter};
use entitlement_emulator::{ids, Emulator, EmulatorConfig};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

struct Tenant {
    admin: Client,
    requestor: Client,
    group_id: String,
    requestor_id: String,
}

/// The tenant named by the environment, or `None` to use the emulator.
fn real_tenant() -> Result<Option<Tenant>> {
    let Ok(client_id) = std::env::var("AZURE_CLIENT_ID") else {
        return Ok(None);
    };
    let env = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let endpoint =
        env("ENTITLEMENT_ENDPOINT").unwrap_or_else(|_| "https://graph.microsoft.com".into());
    let authority =
        env("ENTITLEMENT_AUTHORITY").unwrap_or_else(|_| "https://login.microsoftonline.com".into());
    let tenant = env("AZURE_TENANT_ID")?;
    let admin = Client::builder()
        .base_url(&endpoint)
        .authority(&authority)
        .client_secret(&tenant, &client_id, env("AZURE_CLIENT_SECRET")?)
        .build()?;
    // The requestor signs in themselves: the device code instructions are printed.
    let public_app = env("ENTITLEMENT_REQUESTOR_CLIENT_ID").unwrap_or(client_id);
    let sign_in = DeviceCodeCredential::new(&authority, &tenant, &public_app, None);
    let requestor = Client::builder()
        .base_url(&endpoint)
        .credential(Arc::new(sign_in))
        .build()?;
    Ok(Some(Tenant {
        admin,
        requestor,
        group_id: env("ENTITLEMENT_GROUP_ID")?,
        requestor_id: env("ENTITLEMENT_REQUESTOR_ID")?,
    }))
}

fn need<T>(value: Option<T>, what: &str) -> Result<T> {
    value.ok_or_else(|| format!("the service returned no {what}").into())
}

/// An optional property as text (`-` when the service left it out).
fn or_dash(v: Option<&str>) -> &str {
    v.unwrap_or("-")
}

fn step(title: &str) {
    println!("\n== {title}");
}

async fn tutorial(t: &Tenant) -> Result<()> {
    let (admin, group_id) = (&t.admin, t.group_id.as_str());
    let wait = WaitOptions {
        timeout: Duration::from_secs(120),
        poll_interval: Duration::from_millis(500),
    };

    step("1.1 Get the identifier for the General catalog");
    let catalogs = admin
        .list_catalogs()
        .filter_by(Filter::eq("displayName", "General")?)
        .send()
        .await?;
    let catalog_id = need(
        catalogs.value.into_iter().next().and_then(|c| c.id),
        "General catalog",
    )?;
    println!("catalog: {catalog_id}");

    step("1.2 Add the group to the catalog");
    let added = admin
        .create_resource_request(&v1::AccessPackageResourceRequest {
            request_type: Some(v1::AccessPackageRequestType::AdminAdd),
            catalog: Some(Box::new(v1::AccessPackageCatalog {
                id: Some(catalog_id.clone()),
                ..Default::default()
            })),
            resource: Some(Box::new(v1::AccessPackageResource {
                origin_id: Some(group_id.into()),
                origin_system: Some("AadGroup".into()),
                ..Default::default()
            })),
            ..Default::default()
        })
        .send()
        .await;
    match added {
        Ok(r) => println!(
            "resource request: {} {}",
            or_dash(r.id.as_deref()),
            or_dash(r.state.as_ref().map(|s| s.as_str()))
        ),
        // A rerun: the cleanup leaves the group in the catalog.
        Err(e) if e.code.as_deref() == Some("ResourceAlreadyOnboarded") => {
            println!("the group is already in the catalog")
        }
        Err(e) => return Err(e.into()),
    }

    step("1.3 Get the catalog resource");
    let resources = admin
        .list_catalog_resources(&catalog_id)
        .filter_by(Filter::eq("originId", group_id)?)
        .send()
        .await?;
    let resource = need(
        resources.value.into_iter().next(),
        "catalog resource for the group",
    )?;
    let resource_id = need(resource.id.clone(), "resource id")?;
    println!(
        "resource: {resource_id} {}",
        resource.display_name.unwrap_or_default()
    );

    step("1.4 Get the Member role of the resource");
    let member_role = Filter::eq("originSystem", "AadGroup")?
        .and(Filter::eq("displayName", "Member")?)
        .and(Filter::eq("resource/id", resource_id.as_str())?);
    let roles = admin
        .list_catalog_resource_roles(&catalog_id)
        .filter_by(member_role)
        .expand(["resource"])
        .send()
        .await?;
    let role_origin_id = need(
        roles.value.into_iter().next().and_then(|r| r.origin_id),
        "Member role",
    )?;
    println!("Member role: {role_origin_id}");

    step("1.5 Create the access package");
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
    let package_id = need(package.id, "access package id")?;
    println!("access package: {package_id}");

    step("1.6 Add the Member role to the access package");
    let group_in = |id: Option<String>| v1::AccessPackageResource {
        id,
        origin_id: Some(group_id.into()),
        origin_system: Some("AadGroup".into()),
        ..Default::default()
    };
    let scope = admin
        .create_access_package_resource_role_scope(
            &package_id,
            &v1::AccessPackageResourceRoleScope {
                role: Some(Box::new(v1::AccessPackageResourceRole {
                    origin_id: Some(role_origin_id),
                    display_name: Some("Member".into()),
                    origin_system: Some("AadGroup".into()),
                    resource: Some(Box::new(group_in(Some(resource_id)))),
                    ..Default::default()
                })),
                scope: Some(Box::new(v1::AccessPackageResourceScope {
                    origin_id: Some(group_id.into()),
                    origin_system: Some("AadGroup".into()),
                    ..Default::default()
                })),
                ..Default::default()
            },
        )
        .send()
        .await?;
    println!("role scope: {}", scope.id.unwrap_or_default());

    step("1.7 Create an assignment policy (beta)");
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
                    id: Some(t.requestor_id.clone()),
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
    let policy_id = need(policy.id, "policy id")?;
    println!(
        "policy: {policy_id} ({} days)",
        policy.duration_in_days.unwrap_or_default()
    );

    step("2 Request access, signed in as the requestor");
    let request = t
        .requestor
        .beta()
        .create_access_package_assignment_request(&beta::AccessPackageAssignmentRequest {
            request_type: Some("UserAdd".into()),
            access_package_assignment: Some(Box::new(beta::AccessPackageAssignment {
                target_id: Some(t.requestor_id.clone()),
                assignment_policy_id: Some(policy_id.clone()),
                access_package_id: Some(package_id.clone()),
                ..Default::default()
            })),
            ..Default::default()
        })
        .send()
        .await?;
    let request_id = need(request.id, "request id")?;
    println!(
        "request: {request_id} {}",
        or_dash(request.request_state.as_deref())
    );

    step("3.1 Wait until the request is delivered");
    let done = admin
        .beta()
        .wait_for_access_package_assignment_request(&request_id, wait)
        .await?;
    println!(
        "request state: {} {}",
        or_dash(done.request_state.as_deref()),
        or_dash(done.request_status.as_deref())
    );
    if done.request_state.as_deref() != Some("Delivered") {
        return Err(format!("the request ended {:?}", done.request_state).into());
    }

    step("3.2 Get the access package assignment");
    let assignments = admin
        .beta()
        .list_access_package_assignments()
        .filter_by(Filter::eq(
            "accessPackageAssignmentPolicy/Id",
            policy_id.as_str(),
        )?)
        .expand(["target"])
        .all()
        .await?;
    for a in &assignments {
        let target = a
            .target
            .as_ref()
            .and_then(|s| s.display_name.as_deref())
            .or(a.target_id.as_deref());
        println!(
            "assignment: {} {} for {}",
            or_dash(a.id.as_deref()),
            or_dash(a.assignment_state.as_deref()),
            or_dash(target)
        );
    }
    let assignment_id = need(
        assignments.into_iter().next().and_then(|a| a.id),
        "assignment",
    )?;

    step("3.3 Get the members of the group");
    for member in admin.list_group_members(group_id).all().await? {
        let name = match &member {
            v1::DirectoryObject::User(u) => u.display_name.clone(),
            _ => None,
        };
        println!(
            "member: {} {}",
            member.id().unwrap_or_default(),
            name.unwrap_or_default()
        );
    }

    step("4 Clean up");
    let removal = admin
        .beta()
        .create_access_package_assignment_request(&beta::AccessPackageAssignmentRequest {
            request_type: Some("AdminRemove".into()),
            access_package_assignment: Some(Box::new(beta::AccessPackageAssignment {
                id: Some(assignment_id),
                ..Default::default()
            })),
            ..Default::default()
        })
        .send()
        .await?;
    let removal_id = need(removal.id, "removal id")?;
    let removed = admin
        .beta()
        .wait_for_access_package_assignment_request(&removal_id, wait)
        .await?;
    println!(
        "assignment removal: {}",
        or_dash(removed.request_state.as_deref())
    );
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

/// Runs the tutorial on the emulator: the seeded app is the admin, Requestor1
/// signs in by the authorization code flow (the emulator signs the login hint
/// in without a browser page).
async fn on_emulator() -> Result<()> {
    let emu = Emulator::start(EmulatorConfig {
        delivery_delay: Duration::from_millis(200),
        ..Default::default()
    })
    .await?;
    println!("emulator at {}", emu.base_url());
    let (app, secret) = emu.app_credentials();
    let admin = Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(emu.tenant_id(), &app, secret)
        .build()?;
    let sign_in = InteractiveBrowserCredential::new(
        &emu.authority(),
        emu.tenant_id(),
        &app,
        Some(ids::REQUESTOR1_UPN.into()),
        0,
        BrowserMode::Http,
    );
    let requestor = Client::builder()
        .base_url(emu.base_url())
        .credential(Arc::new(sign_in))
        .build()?;
    let tenant = Tenant {
        admin,
        requestor,
        group_id: ids::GROUP_ID.into(),
        requestor_id: ids::REQUESTOR1_ID.into(),
    };
    let result = tutorial(&tenant).await;
    emu.shutdown().await;
    result
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match real_tenant() {
        Ok(Some(tenant)) => tutorial(&tenant).await,
        Ok(None) => on_emulator().await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            println!("\ntutorial complete");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
