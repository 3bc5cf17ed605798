// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Per-version views of the canonical records. The canonical record has the
//! v1.0 shape plus `_`-prefixed references; beta names (the old model:
//! `requestState`, `durationInDays`, `requestorSettings.allowedRequestors`…)
//! are computed here, so an object created through one version reads the same
//! through the other.

use entitlement::api::ApiVersion;
use serde_json::{json, Map, Value};

use crate::store::kind;

/// The client-visible JSON of a canonical record.
pub fn render(version: ApiVersion, k: &str, canon: &Value) -> Value {
    let mut out = strip_internal(canon);
    if version == ApiVersion::Beta {
        match k {
            kind::POLICY => return policy_beta(canon),
            kind::REQUEST => request_beta(canon, &mut out),
            kind::ASSIGNMENT => assignment_beta(canon, &mut out),
            kind::CATALOG => catalog_beta(canon, &mut out),
            kind::ROLE_SCOPE => created_modified_by(canon, &mut out),
            kind::UPLOAD_SESSION => upload_session_beta(canon, &mut out),
            super::nav::SUBJECT_VIEW => subject_beta(canon, &mut out),
            kind::RESOURCE => resource_beta(canon, &mut out),
            kind::RESOURCE_REQUEST => resource_request_beta(canon, &mut out),
            _ => {}
        }
    }
    match (version, k) {
        (ApiVersion::V1, kind::CONNECTED_ORG) => {
            out.remove("createdBy");
            out.remove("modifiedBy");
        }
        (ApiVersion::V1, kind::RESOURCE_ENVIRONMENT) => {
            out.remove("connectionInfo");
        }
        (_, kind::SERVICE_PRINCIPAL) => {
            out.insert("@odata.type".into(), json!("#microsoft.graph.servicePrincipal"));
        }
        _ => {}
    }
    if k == kind::USER {
        out.insert("@odata.type".into(), json!("#microsoft.graph.user"));
    } else if k == kind::GROUP {
        out.insert("@odata.type".into(), json!("#microsoft.graph.group"));
    }
    annotate_types(version, k, &mut out);
    Value::Object(out)
}

/// `@odata.type` on entities and on their `schedule`, as the service
/// writes them in its documented responses (clients dispatch on it; it is
/// never wrong to send). Polymorphic records keep the subtype they carry.
fn annotate_types(version: ApiVersion, k: &str, out: &mut Map<String, Value>) {
    let name = super::nav::type_name(k);
    if name != "entity" && !out.contains_key("@odata.type") {
        out.insert("@odata.type".into(), json!(format!("#microsoft.graph.{name}")));
    }
    if matches!(k, kind::REQUEST | kind::ASSIGNMENT) {
        let schedule = if version == ApiVersion::V1 { "entitlementManagementSchedule" } else { "requestSchedule" };
        if let Some(Value::Object(m)) = out.get_mut("schedule") {
            m.entry("@odata.type").or_insert_with(|| json!(format!("#microsoft.graph.{schedule}")));
        }
    }
}

pub fn strip_internal(v: &Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.iter().filter(|(k, _)| !k.starts_with('_')).map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Map::new(),
    }
}

pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `userAdd` → `UserAdd`.
pub fn pascal(v: &str) -> String {
    let mut c = v.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// `UserAdd` → `userAdd`.
pub fn camel(v: &str) -> String {
    let mut c = v.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Beta `createdBy`/`modifiedBy` (the UPN or app name of who made the change),
/// kept as `_createdBy`/`_modifiedBy` because the v1.0 type has no such properties.
fn created_modified_by(c: &Value, out: &mut Map<String, Value>) {
    out.insert("createdBy".into(), c.get("_createdBy").cloned().unwrap_or(Value::Null));
    out.insert("modifiedBy".into(), c.get("_modifiedBy").or_else(|| c.get("_createdBy")).cloned().unwrap_or(Value::Null));
    if !out.contains_key("modifiedDateTime") {
        out.insert("modifiedDateTime".into(), c.get("createdDateTime").cloned().unwrap_or(Value::Null));
    }
}

/// Beta subject: `type` (`User`) instead of `subjectType`, and `connectedOrganizationId`.
fn subject_beta(c: &Value, out: &mut Map<String, Value>) {
    if let Some(t) = out.remove("subjectType").and_then(|v| v.as_str().map(pascal)) {
        out.insert("type".into(), json!(t));
    }
    out.insert("connectedOrganizationId".into(), c.get("_connectedOrganizationId").cloned().unwrap_or(Value::Null));
}

fn catalog_beta(c: &Value, out: &mut Map<String, Value>) {
    created_modified_by(c, out);
    if let Some(t) = out.get("catalogType").and_then(Value::as_str).map(pascal) {
        out.insert("catalogType".into(), json!(t));
    }
    if let Some(t) = out.remove("state").and_then(|v| v.as_str().map(pascal)) {
        out.insert("catalogStatus".into(), json!(t));
    }
}

/// Beta resource: `addedOn`/`addedBy`, `resourceType`, `url`, `isPendingOnboarding`.
fn resource_beta(c: &Value, out: &mut Map<String, Value>) {
    let added = out.remove("createdDateTime").unwrap_or(Value::Null);
    out.remove("modifiedDateTime");
    out.insert("addedOn".into(), added);
    out.insert("addedBy".into(), c.get("_addedBy").cloned().unwrap_or(Value::Null));
    out.insert("resourceType".into(), c.get("_resourceType").cloned().unwrap_or(Value::Null));
    out.insert("url".into(), c.get("_url").cloned().unwrap_or(Value::Null));
    out.insert("isPendingOnboarding".into(), json!(false));
}

/// Beta resource request: `requestType`/`requestState`/`requestStatus` in PascalCase, `catalogId`.
fn resource_request_beta(c: &Value, out: &mut Map<String, Value>) {
    out.remove("state");
    out.insert("requestType".into(), json!(pascal(s(c, "requestType"))));
    out.insert("requestState".into(), json!(pascal(if s(c, "requestState").is_empty() { s(c, "state") } else { s(c, "requestState") })));
    out.entry("isValidationOnly").or_insert(json!(false));
    out.entry("expirationDateTime").or_insert(Value::Null);
    // requests are carried out as they arrive
    out.entry("executeImmediately").or_insert(json!(false));
}

/// Beta upload session: `source`, `type`, and the access review context as
/// the beta `accessReviewResourceDataUploadSessionContextData`.
fn upload_session_beta(c: &Value, out: &mut Map<String, Value>) {
    out.insert("source".into(), c.get("_source").cloned().unwrap_or(Value::Null));
    out.insert("type".into(), c.get("_type").cloned().unwrap_or(Value::Null));
    if let Some(Value::Object(d)) = out.get_mut("data") {
        let t = d.get("@odata.type").and_then(Value::as_str).unwrap_or("");
        if t.ends_with(".accessReviewContextData") {
            let review = d.remove("reviewDefinitionId").unwrap_or(Value::Null);
            let instance = d.remove("reviewInstanceId").unwrap_or(Value::Null);
            d.insert("@odata.type".into(), json!("#microsoft.graph.accessReviewResourceDataUploadSessionContextData"));
            d.insert("accessReviewId".into(), review);
            d.insert("accessReviewInstanceId".into(), instance);
        }
    }
}

const SCOPES: &[(&str, &str)] = &[
    ("SpecificDirectorySubjects", "specificDirectoryUsers"),
    ("AllExistingDirectoryMemberUsers", "allMemberUsers"),
    ("AllExistingDirectorySubjects", "allDirectoryUsers"),
    ("AllConfiguredConnectedOrganizationSubjects", "allConfiguredConnectedOrganizationUsers"),
    ("AllExistingConnectedOrganizationSubjects", "allConfiguredConnectedOrganizationUsers"),
    ("AllExternalSubjects", "allExternalUsers"),
    ("NoSubjects", "notSpecified"),
];

pub fn scope_to_v1(beta: &str) -> String {
    SCOPES
        .iter()
        .find(|(b, _)| b.eq_ignore_ascii_case(beta))
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| "notSpecified".into())
}

fn scope_to_beta(v1: &str) -> &'static str {
    SCOPES.iter().find(|(_, v)| v.eq_ignore_ascii_case(v1)).map(|(b, _)| *b).unwrap_or("NoSubjects")
}

/// Beta `singleUser {id}` / `groupMembers {id}` → v1.0 `{userId}` / `{groupId}`.
pub fn subject_to_v1(v: &Value) -> Value {
    let mut m = v.as_object().cloned().unwrap_or_default();
    let t = s(v, "@odata.type").to_ascii_lowercase();
    if let Some(id) = m.remove("id") {
        let key = if t.ends_with("groupmembers") { "groupId" } else if t.ends_with("singleuser") { "userId" } else { "id" };
        m.insert(key.into(), id);
    }
    Value::Object(m)
}

fn subject_to_beta(v: &Value) -> Value {
    let mut m = v.as_object().cloned().unwrap_or_default();
    for key in ["userId", "groupId"] {
        if let Some(id) = m.remove(key) {
            m.insert("id".into(), id);
        }
    }
    Value::Object(m)
}

/// Days of an ISO 8601 `PnD` duration.
fn duration_days(d: &str) -> Option<i64> {
    d.strip_prefix('P')?.strip_suffix('D')?.parse().ok()
}

fn policy_beta(c: &Value) -> Value {
    let beta = c.get("_beta").cloned().unwrap_or(Value::Null);
    let exp = c.get("expiration").cloned().unwrap_or(Value::Null);
    let duration_in_days = match s(&exp, "type") {
        "afterDuration" => duration_days(s(&exp, "duration")).unwrap_or(0),
        _ => 0,
    };
    let expiration_date = if s(&exp, "type") == "afterDateTime" { exp.get("endDateTime").cloned().unwrap_or(Value::Null) } else { Value::Null };
    let rs = c.get("requestorSettings").cloned().unwrap_or(Value::Null);
    let requestor_settings = beta.get("requestorSettings").filter(|v| !v.is_null()).cloned().unwrap_or_else(|| {
        json!({
            "scopeType": scope_to_beta(s(c, "allowedTargetScope")),
            "acceptRequests": rs.get("enableTargetsToSelfAddAccess").and_then(Value::as_bool).unwrap_or(false),
            "allowedRequestors": c.get("specificAllowedTargets").and_then(Value::as_array)
                .map(|a| a.iter().map(subject_to_beta).collect::<Vec<_>>()).unwrap_or_default(),
        })
    });
    let ras = c.get("requestApprovalSettings").cloned().unwrap_or(Value::Null);
    let approval = beta.get("requestApprovalSettings").filter(|v| !v.is_null()).cloned().unwrap_or_else(|| {
        let stages = ras.get("stages").cloned().unwrap_or(json!([]));
        let required = ras.get("isApprovalRequiredForAdd").and_then(Value::as_bool).unwrap_or(false);
        let n = stages.as_array().map(Vec::len).unwrap_or(0);
        json!({
            "isApprovalRequired": required,
            "isApprovalRequiredForExtension": ras.get("isApprovalRequiredForUpdate").and_then(Value::as_bool).unwrap_or(false),
            "isRequestorJustificationRequired": false,
            "approvalMode": if !required { "NoApproval" } else if n > 1 { "Serial" } else { "SingleStage" },
            "approvalStages": stages,
        })
    });
    json!({
        "id": c.get("id"),
        "accessPackageId": c.get("_accessPackageId"),
        "displayName": c.get("displayName"),
        "description": c.get("description"),
        "canExtend": beta.get("canExtend").cloned().unwrap_or(json!(false)),
        "durationInDays": duration_in_days,
        "expirationDateTime": expiration_date,
        "createdBy": c.get("createdBy"),
        "createdDateTime": c.get("createdDateTime"),
        "modifiedBy": c.get("modifiedBy"),
        "modifiedDateTime": c.get("modifiedDateTime"),
        "accessReviewSettings": beta.get("accessReviewSettings").cloned().unwrap_or(Value::Null),
        "requestorSettings": requestor_settings,
        "requestApprovalSettings": approval,
        "verifiableCredentialSettings": beta.get("verifiableCredentialSettings").cloned().unwrap_or(Value::Null),
        "questions": match beta.get("questions").filter(|q| q.is_array()) {
            Some(q) => q.clone(),
            None => questions_to_beta(c.get("questions").unwrap_or(&Value::Null)),
        },
        "expiration": c.get("expiration"),
    })
}

/// v1.0 questions (`text` + `localizations`) as beta questions (`text` as
/// `accessPackageLocalizedContent`, choices with a `displayValue`).
pub fn question_to_beta(q: &Value) -> Value {
    let Value::Object(m) = q else { return q.clone() };
    let mut m = m.clone();
    let localized = |text: Option<Value>, locs: Option<Value>| json!({"defaultText": text.unwrap_or(Value::Null), "localizedTexts": locs.filter(|l| l.is_array()).unwrap_or(json!([]))});
    if m.get("text").is_some_and(|t| !t.is_object()) {
        let text = m.remove("text");
        let locs = m.remove("localizations");
        m.insert("text".into(), localized(text, locs));
    }
    if let Some(v) = m.remove("isMultipleSelectionAllowed") {
        m.insert("allowsMultipleSelection".into(), v);
    }
    if let Some(Value::Array(choices)) = m.get_mut("choices") {
        for ch in choices.iter_mut() {
            if let Value::Object(cm) = ch {
                if !cm.contains_key("displayValue") {
                    let text = cm.remove("text");
                    let locs = cm.remove("localizations");
                    cm.insert("displayValue".into(), localized(text, locs));
                }
            }
        }
    }
    Value::Object(m)
}

pub fn questions_to_beta(qs: &Value) -> Value {
    Value::Array(qs.as_array().map(|a| a.iter().map(question_to_beta).collect()).unwrap_or_default())
}

/// v1.0 status → beta `requestStatus`.
fn beta_request_status(status: &str) -> &str {
    match status {
        "Delivered" => "FulfilledNotificationTriggered",
        other => other,
    }
}

fn request_beta(c: &Value, out: &mut Map<String, Value>) {
    // The beta type has both models: `requestState`/`requestStatus`/`completedDate`
    // (PascalCase values) next to `state`/`status`/`completedDateTime`.
    out.insert("requestType".into(), json!(pascal(s(c, "requestType"))));
    out.insert("requestState".into(), json!(pascal(s(c, "state"))));
    out.insert("requestStatus".into(), json!(beta_request_status(s(c, "status"))));
    out.insert("completedDate".into(), c.get("completedDateTime").cloned().unwrap_or(Value::Null));
    out.insert("isValidationOnly".into(), json!(false));
    out.insert("expirationDateTime".into(), Value::Null);
    out.insert("verifiedCredentialsData".into(), json!([]));
    if let Some(Value::Array(answers)) = out.get_mut("answers") {
        for a in answers.iter_mut() {
            if let Some(q) = a.get("answeredQuestion").map(question_to_beta) {
                a["answeredQuestion"] = q;
            }
        }
    }
    out.insert("customExtensionHandlerInstances".into(), handler_instances(c));
}

/// Beta `customExtensionHandlerInstances`: the callout instances seen as
/// handler instances (`requestSent` until the extension calls back).
pub fn handler_instances(c: &Value) -> Value {
    let stage = c.get("_callout").map(|x| s(x, "stage")).unwrap_or("");
    let items = c.get("customExtensionCalloutInstances").and_then(Value::as_array).cloned().unwrap_or_default();
    Value::Array(
        items
            .iter()
            .map(|i| {
                json!({
                    "customExtensionId": i.get("customExtensionId"),
                    "externalCorrelationId": i.get("externalCorrelationId"),
                    "stage": if stage.is_empty() { Value::Null } else { json!(stage) },
                    "status": if s(i, "status") == "waitingForCallback" { "requestSent" } else { "requestReceived" },
                })
            })
            .collect(),
    )
}

fn assignment_beta(c: &Value, out: &mut Map<String, Value>) {
    out.remove("state");
    out.remove("status");
    out.insert("catalogId".into(), c.get("_catalogId").cloned().unwrap_or(Value::Null));
    out.insert("accessPackageId".into(), c.get("_accessPackageId").cloned().unwrap_or(Value::Null));
    out.insert("assignmentPolicyId".into(), c.get("_policyId").cloned().unwrap_or(Value::Null));
    out.insert("targetId".into(), c.get("_targetId").cloned().unwrap_or(Value::Null));
    out.insert("assignmentState".into(), json!(pascal(s(c, "state"))));
    let status = match s(c, "status") {
        "Expired" => "ExpiredNotificationTriggered",
        other => other,
    };
    out.insert("assignmentStatus".into(), json!(status));
    out.insert("isExtended".into(), json!(false));
}

/// Subject (`accessPackageSubject`) of a user record.
pub fn subject(user: Option<&Value>, id: &str) -> Value {
    match user {
        Some(u) => json!({
            "id": id,
            "objectId": id,
            "displayName": u.get("displayName"),
            "email": u.get("mail"),
            "principalName": u.get("userPrincipalName"),
            "subjectType": "user",
        }),
        None => json!({"id": id, "objectId": id, "subjectType": "user"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_round_trips_to_beta() {
        let c = json!({"id":"p","_accessPackageId":"a","displayName":"d","allowedTargetScope":"specificDirectoryUsers",
            "specificAllowedTargets":[{"@odata.type":"#microsoft.graph.singleUser","userId":"u"}],
            "expiration":{"type":"afterDuration","duration":"P30D"},
            "requestorSettings":{"enableTargetsToSelfAddAccess":true}});
        let b = render(ApiVersion::Beta, kind::POLICY, &c);
        assert_eq!(b["durationInDays"], 30);
        assert_eq!(b["accessPackageId"], "a");
        assert_eq!(b["requestorSettings"]["scopeType"], "SpecificDirectorySubjects");
        assert_eq!(b["requestorSettings"]["allowedRequestors"][0]["id"], "u");
        let v = render(ApiVersion::V1, kind::POLICY, &c);
        assert!(v.get("_accessPackageId").is_none());
    }

    #[test]
    fn created_by_is_beta_only() {
        let c = json!({"id": "c", "displayName": "d", "state": "published", "catalogType": "userManaged", "_createdBy": "admin@contoso.com"});
        let b = render(ApiVersion::Beta, kind::CATALOG, &c);
        assert_eq!(b["createdBy"], "admin@contoso.com");
        assert_eq!(b["modifiedBy"], "admin@contoso.com");
        assert_eq!(b["catalogStatus"], "Published");
        let v = render(ApiVersion::V1, kind::CATALOG, &c);
        assert!(v.get("createdBy").is_none() && v.get("_createdBy").is_none());
    }

    #[test]
    fn v1_questions_render_in_the_beta_model() {
        let q = json!({"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": "q", "text": "State?", "isMultipleSelectionAllowed": false,
            "localizations": [{"text": "¿Estado?", "languageCode": "es"}], "choices": [{"actualValue": "AZ", "text": "Arizona", "localizations": []}]});
        let b = question_to_beta(&q);
        assert_eq!(b["text"], json!({"defaultText": "State?", "localizedTexts": [{"text": "¿Estado?", "languageCode": "es"}]}));
        assert_eq!(b["allowsMultipleSelection"], false);
        assert_eq!(b["choices"][0]["displayValue"]["defaultText"], "Arizona");
        assert!(b.get("localizations").is_none());
    }
}
