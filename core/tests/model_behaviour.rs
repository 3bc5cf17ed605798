// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! What the generated models promise beyond the documented examples.

use entitlement::models::{beta, v1, DynModel, Got, Model};
use serde_json::json;

#[test]
fn explicit_nulls_and_unknown_properties_round_trip() {
    let input = json!({"id": "p1", "description": null, "displayName": "x", "futureProp": {"a": [1, 2]}});
    let mut pkg: v1::AccessPackage = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(pkg.description, None);
    assert!(matches!(pkg.get("description"), Got::Null));
    assert_eq!(serde_json::to_value(&pkg).unwrap(), input);
    // Setting a property that arrived as null writes it once.
    pkg.description = Some("now set".into());
    let out = serde_json::to_value(&pkg).unwrap();
    assert_eq!(out["description"], "now set");
    assert_eq!(serde_json::to_string(&pkg).unwrap().matches("\"description\"").count(), 1);
    // And a property can be cleared explicitly for a PATCH.
    pkg.description = None;
    pkg.extra.remove("description");
    pkg.set_null("isHidden");
    assert_eq!(serde_json::to_value(&pkg).unwrap()["isHidden"], serde_json::Value::Null);
    assert!(serde_json::to_value(&pkg).unwrap().get("description").is_none());
}

#[test]
fn evolvable_enums_keep_unknown_values() {
    let c: v1::AccessPackageCatalog = serde_json::from_value(json!({"state": "archivedSomeday"})).unwrap();
    assert_eq!(c.state, Some(v1::AccessPackageCatalogState::Unknown("archivedSomeday".into())));
    assert_eq!(serde_json::to_value(&c).unwrap(), json!({"state": "archivedSomeday"}));
}

#[test]
fn polymorphic_families_dispatch_on_odata_type_and_keep_unknown_subtypes() {
    let v = json!([
        {"@odata.type": "#microsoft.graph.singleUser", "userId": "u1", "description": "one"},
        {"@odata.type": "#microsoft.graph.somethingNew", "weird": true}
    ]);
    let sets: Vec<v1::SubjectSet> = serde_json::from_value(v.clone()).unwrap();
    assert!(matches!(&sets[0], v1::SubjectSet::SingleUser(u) if u.user_id.as_deref() == Some("u1")));
    assert!(matches!(&sets[1], v1::SubjectSet::Other(_)));
    assert_eq!(serde_json::to_value(&sets).unwrap(), v);
    // A subtype built in code gets its @odata.type on the wire.
    let built = v1::SubjectSet::SingleUser(v1::SingleUser { user_id: Some("u2".into()), ..Default::default() });
    assert_eq!(serde_json::to_value(&built).unwrap(), json!({"@odata.type": "#microsoft.graph.singleUser", "userId": "u2"}));
    let b: beta::UserSet = serde_json::from_value(json!({"@odata.type": "#microsoft.graph.singleUser", "id": "x", "isBackup": false})).unwrap();
    assert!(matches!(b, beta::UserSet::SingleUser(_)));
}

#[test]
fn durations_and_timestamps_are_exact_through_models() {
    let v = json!({"expiration": {"type": "afterDuration", "duration": "P2D"}, "createdDateTime": "2020-06-29T19:47:44.7399675Z"});
    let p: v1::AccessPackageAssignmentPolicy = serde_json::from_value(v.clone()).unwrap();
    let d = p.expiration.as_ref().unwrap().duration.as_ref().unwrap();
    assert_eq!(d.to_std(), Some(std::time::Duration::from_secs(2 * 86_400)));
    assert_eq!(serde_json::to_value(&p).unwrap(), v);
    let bad: Result<v1::AccessPackageAssignmentPolicy, _> = serde_json::from_value(json!({"expiration": {"duration": "2 days"}}));
    assert!(bad.is_err());
}

#[test]
fn wrong_types_are_rejected_with_a_message() {
    let err = serde_json::from_value::<v1::AccessPackage>(json!({"displayName": 5})).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
    assert_eq!(<v1::AccessPackage as Model>::TYPE_NAME, "accessPackage");
}

#[test]
fn namespaced_subtypes_and_reference_bodies_are_typed() {
    // `microsoft.graph.customDataProvidedResourcePayloads.*` dispatches like any family.
    let v = json!({
        "@odata.type": "#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession",
        "stats": {"filesUploaded": 1, "totalBytesUploaded": 10331},
        "data": {"@odata.type": "#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData", "reviewInstanceId": "r1"}
    });
    let s: v1::CustomDataProvidedResourceUploadSession = serde_json::from_value(v.clone()).unwrap();
    let v1::CustomDataProvidedResourceUploadSession::CustomDataProvidedResourceAccessReviewUploadSession(inner) = &s else {
        panic!("subtype not dispatched: {s:?}")
    };
    assert_eq!(inner.stats.as_ref().unwrap().total_bytes_uploaded, Some(10331));
    assert!(matches!(
        inner.data.as_deref(),
        Some(v1::CustomDataProvidedResourcePayloadsData::CustomDataProvidedResourcePayloadsAccessReviewContextData(d))
            if d.review_instance_id.as_deref() == Some("r1")
    ));
    assert_eq!(serde_json::to_value(&s).unwrap(), v);
    // `@odata.id` is a declared property of a reference body, not an extra.
    let r: v1::ReferenceCreate = serde_json::from_value(json!({"@odata.id": "https://graph.microsoft.com/v1.0/groups/g"})).unwrap();
    assert_eq!(r.odata_id.as_deref(), Some("https://graph.microsoft.com/v1.0/groups/g"));
    assert!(r.extra.is_empty());
}
