// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement assign` / `remove` as a user runs them: the binary, an
//! embedded emulator seeded from a file, the JSON report and the journal.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

const PACKAGE: &str = "c0c0c0c0-0000-4000-8000-000000000001";
const POLICY: &str = "c0c0c0c0-0000-4000-8000-000000000002";

fn user(i: usize) -> String {
    format!("c1000000-0000-4000-8000-{i:012x}")
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ent-cli-bulk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_seed(dir: &Path, users: usize) -> PathBuf {
    let seed = json!({
        "users": (0..users).map(|i| json!({"id": user(i), "displayName": format!("U{i}"), "userPrincipalName": format!("u{i}@contoso.com"), "mail": format!("u{i}@contoso.com")})).collect::<Vec<_>>(),
        "applications": [{"clientId": "c2000000-0000-4000-8000-000000000001", "clientSecret": "cli-secret", "displayName": "CLI test",
            "permissions": ["EntitlementManagement.ReadWrite.All"]}],
        "catalogs": [{"id": "cec5d6ab-c75d-47c0-9c1c-92e89f66e384", "displayName": "General", "description": "d",
            "catalogType": "userManaged", "state": "published", "isExternallyVisible": true}],
        "objects": {
            "accessPackages": [{"id": PACKAGE, "catalogId": "cec5d6ab-c75d-47c0-9c1c-92e89f66e384", "displayName": "CLI bulk", "description": "d", "isHidden": false}],
            "assignmentPolicies": [{"id": POLICY, "accessPackageId": PACKAGE, "displayName": "Admin", "description": "d",
                "allowedTargetScope": "notSpecified", "specificAllowedTargets": [],
                "requestorSettings": {"enableTargetsToSelfAddAccess": false},
                "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []},
                "expiration": {"type": "noExpiration"}}]
        }
    });
    let path = dir.join("seed.json");
    std::fs::write(&path, seed.to_string()).unwrap();
    path
}

fn entitlement(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_entitlement"))
        .args(args)
        .env_remove("ENTITLEMENT_CLIENT_SECRET")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let report = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn assign_reports_json_and_a_journal_makes_the_rerun_free() {
    let dir = workdir("assign");
    let seed = write_seed(&dir, 6);
    let targets = dir.join("targets.txt");
    // ids, an email, a JSON object, a comment and a repeated target
    let lines = [
        user(0),
        user(1),
        "# a comment".into(),
        "u2@contoso.com".into(),
        format!("{{\"objectId\": \"{}\"}}", user(3)),
        user(4),
        user(4),
    ];
    std::fs::write(&targets, lines.join("\n")).unwrap();
    let journal = dir.join("journal.jsonl");
    let (s, j) = (seed.to_str().unwrap(), journal.to_str().unwrap());
    let args = [
        "assign",
        "--seed",
        s,
        "--access-package",
        PACKAGE,
        "--policy",
        POLICY,
        "--targets",
        targets.to_str().unwrap(),
        "--journal",
        j,
        "--output",
        "json",
    ];
    let (code, report, err) = entitlement(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (
            report["total"].as_u64(),
            report["created"].as_u64(),
            report["skipped"].as_u64()
        ),
        (Some(6), Some(5), Some(1)),
        "{report}"
    );
    let items = report["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["index"] == 5 && i["reason"] == "duplicate"),
        "{report}"
    );
    assert_eq!(
        items.iter().find(|i| i["index"] == 2).unwrap()["target"],
        "u2@contoso.com"
    );
    // The rerun (a fresh embedded emulator) sends nothing: the journal settles every item.
    let (code, report, err) = entitlement(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (report["skipped"].as_u64(), report["requests"].as_u64()),
        (Some(6), Some(0)),
        "{report}"
    );
    // The text summary.
    let out = Command::new(env!("CARGO_BIN_EXE_entitlement"))
        .args([
            "assign",
            "--seed",
            s,
            "--access-package",
            PACKAGE,
            "--policy",
            POLICY,
            "--target",
            &user(5),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 created"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn failures_and_usage_errors_set_the_exit_code() {
    let dir = workdir("fail");
    let seed = write_seed(&dir, 1);
    let s = seed.to_str().unwrap();
    // An unknown user: the item fails with its error kind, the exit code says so.
    let missing = "c1ffffff-0000-4000-8000-000000000000";
    let (code, report, _) = entitlement(&[
        "assign",
        "--seed",
        s,
        "--access-package",
        PACKAGE,
        "--policy",
        POLICY,
        "--target",
        missing,
        "--output",
        "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(report["items"][0]["error"]["kind"], "NotFound", "{report}");
    let (code, _, err) = entitlement(&[
        "assign",
        "--seed",
        s,
        "--access-package",
        PACKAGE,
        "--policy",
        POLICY,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no targets"), "{err}");
    let (code, _, err) = entitlement(&[
        "remove",
        "--endpoint",
        "http://127.0.0.1:9",
        "--access-package",
        PACKAGE,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--tenant-id"), "{err}");
    // Nothing to remove in a fresh tenant: an empty, successful run.
    let (code, report, err) = entitlement(&[
        "remove",
        "--seed",
        s,
        "--access-package",
        PACKAGE,
        "--output",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["total"], 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
