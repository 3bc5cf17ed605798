// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Which `$filter` terms the store answers from its indexed columns
//! ([`Col`]). A term is pushed down only where the column gives exactly the
//! evaluator's answer on the rendered view (`filter::matches`): `eq` between
//! a property path the view derives from the column's field and a non-empty
//! string literal (compared lowercased on both sides, as the evaluator does),
//! and `and`/`or` of such terms. Anything else (other operators, functions,
//! `null`, numbers, lambdas, paths of other properties) stays with the
//! evaluator; a conjunction pushes down the terms it can and the evaluator
//! checks the rows they select.

use entitlement::api::ApiVersion;

use crate::odata::filter::{CmpOp, Expr};
use crate::store::{kind, Col, Cond};

/// The column a `$filter` path of kind `k` reads in version `v`, when the
/// view's value at that path is the column's field, unchanged but for case.
fn column(v: ApiVersion, k: &str, path: &[String]) -> Option<Col> {
    let is = |want: &[&str]| path.len() == want.len() && path.iter().zip(want).all(|(a, b)| a.eq_ignore_ascii_case(b));
    let beta = v == ApiVersion::Beta;
    // Single-valued navigations answered from the stored reference (`nav::reference`)
    // or as a subject whose `id`/`objectId` is the referenced object id (`nav::user_subject`).
    let col = match k {
        kind::ASSIGNMENT => {
            if is(&["accessPackage", "id"]) || (beta && is(&["accessPackageId"])) {
                Col::Package
            } else if is(&["target", "objectId"]) || is(&["target", "id"]) || (beta && is(&["targetId"])) {
                Col::Target
            } else if is(&["assignmentPolicy", "id"])
                || is(&["accessPackageAssignmentPolicy", "id"])
                || (beta && is(&["assignmentPolicyId"]))
            {
                Col::Policy
            } else if (!beta && is(&["state"])) || (beta && is(&["assignmentState"])) {
                // beta renders the state PascalCase, equal to it but for case
                Col::State
            } else if beta && is(&["catalogId"]) {
                Col::Catalog
            } else {
                return None;
            }
        }
        kind::REQUEST => {
            if is(&["accessPackage", "id"]) {
                Col::Package
            } else if is(&["requestor", "objectId"]) || is(&["requestor", "id"]) {
                Col::Requestor
            } else if is(&["state"]) || (beta && is(&["requestState"])) {
                Col::State
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some(col)
}

/// `$orderby` as indexed columns, when every key is a property the view
/// renders at the top level from a column's field (compared lowercased, as
/// the evaluator's sort does; absent values first ascending, last
/// descending, as SQLite orders NULL): the store then sorts.
pub fn order(v: ApiVersion, k: &str, orderby: &[(Vec<String>, bool)]) -> Option<Vec<(Col, bool)>> {
    orderby.iter().map(|(path, desc)| (path.len() == 1).then(|| column(v, k, path)).flatten().map(|c| (c, *desc))).collect()
}

/// `e` as a condition on indexed columns, when the columns answer it exactly.
pub fn exact(v: ApiVersion, k: &str, e: &Expr) -> Option<Cond> {
    match e {
        Expr::Cmp(CmpOp::Eq, a, b) => match (a.as_ref(), b.as_ref()) {
            (Expr::Path(p), Expr::Literal(serde_json::Value::String(lit)))
            | (Expr::Literal(serde_json::Value::String(lit)), Expr::Path(p))
                if !lit.is_empty() =>
            {
                Some(Cond::Eq(column(v, k, p)?, lit.to_lowercase()))
            }
            _ => None,
        },
        Expr::And(items) => items.iter().map(|i| exact(v, k, i)).collect::<Option<_>>().map(Cond::And),
        Expr::Or(items) => items.iter().map(|i| exact(v, k, i)).collect::<Option<_>>().map(Cond::Or),
        _ => None,
    }
}

/// The terms of a conjunction the columns answer: every row matching `e`
/// matches them (a superset the evaluator then narrows), or None.
pub fn narrowing(v: ApiVersion, k: &str, e: &Expr) -> Option<Cond> {
    if let Some(c) = exact(v, k, e) {
        return Some(c);
    }
    let Expr::And(items) = e else { return None };
    let pushed: Vec<Cond> = items.iter().filter_map(|i| exact(v, k, i)).collect();
    match pushed.len() {
        0 => None,
        1 => pushed.into_iter().next(),
        _ => Some(Cond::And(pushed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::filter::parse;

    fn ex(v: ApiVersion, k: &str, f: &str) -> Option<Cond> {
        exact(v, k, &parse(f).unwrap())
    }

    #[test]
    fn pushes_down_exact_terms_only() {
        let v1 = ApiVersion::V1;
        assert_eq!(ex(v1, kind::ASSIGNMENT, "target/objectId eq 'ABC'"), Some(Cond::Eq(Col::Target, "abc".into())));
        assert_eq!(ex(v1, kind::ASSIGNMENT, "'x' eq State"), Some(Cond::Eq(Col::State, "x".into())));
        assert_eq!(
            ex(v1, kind::ASSIGNMENT, "accessPackage/id eq 'a' and (state eq 'delivered' or state eq 'expired')"),
            Some(Cond::And(vec![
                Cond::Eq(Col::Package, "a".into()),
                Cond::Or(vec![Cond::Eq(Col::State, "delivered".into()), Cond::Eq(Col::State, "expired".into())])
            ]))
        );
        // the evaluator's answers differ from a column's for these
        for f in [
            "state eq ''",
            "state eq null",
            "state ne 'x'",
            "state eq 1",
            "startswith(state, 'd')",
            "not (state eq 'x')",
            "accessPackageId eq 'a'",
            "target/displayName eq 'a'",
        ] {
            assert_eq!(ex(v1, kind::ASSIGNMENT, f), None, "{f}");
        }
        // beta's assignment has no `state`; its flat ids are its own
        assert_eq!(ex(ApiVersion::Beta, kind::ASSIGNMENT, "state eq 'delivered'"), None);
        assert_eq!(
            ex(ApiVersion::Beta, kind::ASSIGNMENT, "accessPackageId eq 'A'"),
            Some(Cond::Eq(Col::Package, "a".into()))
        );
        assert_eq!(ex(v1, kind::CATALOG, "id eq 'a'"), None);
        let mixed = parse("accessPackage/id eq 'a' and startswith(state, 'd')").unwrap();
        assert_eq!(exact(v1, kind::ASSIGNMENT, &mixed), None);
        assert_eq!(narrowing(v1, kind::ASSIGNMENT, &mixed), Some(Cond::Eq(Col::Package, "a".into())));
        let or = parse("accessPackage/id eq 'a' or startswith(state, 'd')").unwrap();
        assert_eq!(narrowing(v1, kind::ASSIGNMENT, &or), None);
    }
}
