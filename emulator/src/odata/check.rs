// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Checks the property names of the query options against the type queried,
//! as Graph's OData layer does before any data is read: `$filter`, `$select`,
//! `$orderby` and `$expand` (with the `$select`/`$expand` nested in it,
//! against the type the navigation property leads to).
//!
//! The property tables are the ones request bodies are validated with
//! (`api/types/<version>.json`, see `validate.rs`). Names match
//! case-insensitively; a property declared on a type derived from the one
//! queried is accepted too (group members, `directoryObject`s, filtered on a
//! `user` property),
//! as are annotations (`@odata.type`) and paths through types the
//! description does not model. Errors, in Graph's wording:
//!
//! * an undeclared name → 400 `BadRequest`, `Could not find a property named
//!   'x' on type 'microsoft.graph.T'.`
//! * a property read through a collection (`roles/displayName`) → 400
//!   `BadRequest`, OData's "not a single value" message.
//! * a `$filter` path through two navigation properties
//!   (`accessPackage/catalog/id`), which the emulator does not evaluate →
//!   400 `InvalidFilter`, `OData query is invalid: …`, the code and wording
//!   the service answers for filters it does not support.

use super::filter::Expr;
use super::query::{ExpandItem, QueryOptions};
use crate::error::{GraphError, GraphResult};
use crate::server::validate::{short_type, Declared, Schema};

/// What a path is checked for (the `$filter` rule on navigations).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Filter,
    Other,
}

pub(crate) fn not_found(name: &str, ty: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Could not find a property named '{name}' on type 'microsoft.graph.{ty}'."
    ))
}

/// Checks every option of `q` that names properties of `ty` (a type of `sc`).
/// `list` says whether the request reads a collection (`$filter` and
/// `$orderby` apply only there). Types the description does not model are not checked.
pub(crate) fn query(sc: &Schema, ty: &str, q: &QueryOptions, list: bool) -> GraphResult<()> {
    if !sc.has_type(ty) {
        return Ok(());
    }
    if list {
        if let Some(f) = &q.filter {
            check_filter(sc, ty, f)?;
        }
        for (path, _) in &q.orderby {
            path_of(sc, ty, path, Use::Other)?;
        }
    }
    if let Some(sel) = &q.select {
        select(sc, ty, sel)?;
    }
    expand(sc, ty, &q.expand)
}

/// Every property path of a `$filter` expression, against `ty`; inside a
/// lambda, paths that start with its variable against the collection's item type.
pub(crate) fn check_filter(sc: &Schema, ty: &str, f: &Expr) -> GraphResult<()> {
    expr(sc, ty, f, &mut Vec::new())
}

/// `scope`: lambda variables with their item type (`None`: not modelled).
/// Recursion follows the tree, which the parser bounds (`filter::MAX_DEPTH`).
fn expr<'a>(
    sc: &'a Schema,
    ty: &'a str,
    e: &'a Expr,
    scope: &mut Vec<(&'a str, Option<&'a str>)>,
) -> GraphResult<()> {
    match e {
        Expr::Literal(_) => Ok(()),
        Expr::Path(p) => filter_path(sc, ty, p, scope).map(|_| ()),
        Expr::Not(a) => expr(sc, ty, a, scope),
        Expr::Cmp(_, a, b) => {
            expr(sc, ty, a, scope)?;
            expr(sc, ty, b, scope)
        }
        Expr::And(items) | Expr::Or(items) | Expr::Call(_, items) => {
            items.iter().try_for_each(|a| expr(sc, ty, a, scope))
        }
        Expr::Lambda {
            path, var, body, ..
        } => {
            let item = match filter_path(sc, ty, path, scope)? {
                Some((_, false)) => {
                    return Err(GraphError::bad_request(format!(
                        "The '{}' property is not a collection; 'any' and 'all' apply only to collections.",
                        path.join("/")
                    )))
                }
                Some((t, true)) => Some(t),
                None => None,
            };
            if let Some(body) = body {
                scope.push((var, item));
                let r = expr(sc, ty, body, scope);
                scope.pop();
                r?;
            }
            Ok(())
        }
    }
}

/// A `$filter` path, from the type filtered or from a lambda variable's item type.
fn filter_path<'a>(
    sc: &'a Schema,
    ty: &'a str,
    p: &'a [String],
    scope: &[(&'a str, Option<&'a str>)],
) -> GraphResult<Option<(&'a str, bool)>> {
    match p
        .first()
        .and_then(|head| scope.iter().rev().find(|(var, _)| var == head))
    {
        Some((_, Some(item))) => path_of(sc, item, &p[1..], Use::Filter),
        Some((_, None)) => Ok(None),
        None => path_of(sc, ty, p, Use::Filter),
    }
}

fn select(sc: &Schema, ty: &str, items: &[String]) -> GraphResult<()> {
    for item in items {
        if item == "*" {
            continue;
        }
        let path: Vec<String> = item.split('/').map(str::to_string).collect();
        path_of(sc, ty, &path, Use::Other)?;
    }
    Ok(())
}

fn expand(sc: &Schema, ty: &str, items: &[ExpandItem]) -> GraphResult<()> {
    for item in items {
        let Some(p) = find(sc, ty, &item.name) else {
            return Err(not_found(&item.name, ty));
        };
        if !sc.has_type(p.ty) {
            return Err(GraphError::bad_request(format!(
                "Property '{}' on type 'microsoft.graph.{ty}' is not a navigation property or complex property. Only navigation properties can be expanded.",
                p.name
            )));
        }
        if let Some(sel) = &item.select {
            select(sc, p.ty, sel)?;
        }
        // depth is bounded by the parser (MAX_EXPAND_DEPTH)
        expand(sc, p.ty, &item.expand)?;
    }
    Ok(())
}

/// Property `name` of `ty` or of a type derived from it.
fn find<'s>(sc: &'s Schema, ty: &'s str, name: &str) -> Option<Declared<'s>> {
    sc.property(ty, name)
        .or_else(|| sc.subtypes(ty).find_map(|t| sc.property(t, name)))
}

/// Checks `path` from type `root`; the type it ends at and whether that is
/// a collection, when every step is modelled.
fn path_of<'a>(
    sc: &'a Schema,
    root: &'a str,
    path: &'a [String],
    usage: Use,
) -> GraphResult<Option<(&'a str, bool)>> {
    let mut ty: &'a str = root;
    let mut collection = false;
    let mut navigations = 0;
    for (i, seg) in path.iter().enumerate() {
        if seg.starts_with('@') {
            return Ok(None);
        }
        if seg.contains('.') {
            // a type cast (`microsoft.graph.singleUser/userId`)
            let t = short_type(seg);
            match sc.has_type(t) {
                true if sc.is_subtype(t, ty) => {
                    ty = t;
                    continue;
                }
                true => {
                    return Err(GraphError::bad_request(format!(
                        "The type 'microsoft.graph.{t}' is not compatible with the type 'microsoft.graph.{ty}'."
                    )))
                }
                false => return Ok(None),
            }
        }
        if !sc.has_type(ty) {
            // a primitive or a type the description does not model
            return Ok(None);
        }
        let Some(p) = find(sc, ty, seg) else {
            return Err(not_found(seg, ty));
        };
        if let Some(next) = path.get(i + 1) {
            if p.collection {
                return Err(GraphError::bad_request(format!(
                    "The parent value for a property access of a property '{next}' is not a single value. Property access can only be applied to a single value."
                )));
            }
        }
        if sc.is_entity(p.ty) {
            navigations += 1;
            if usage == Use::Filter && navigations > 1 {
                return Err(GraphError::new(
                    400,
                    "InvalidFilter",
                    format!(
                        "OData query is invalid: Filter on '{}' is not supported.",
                        path.join("/")
                    ),
                ));
            }
        }
        ty = p.ty;
        collection = p.collection;
    }
    Ok(Some((ty, collection)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::query::parse;
    use crate::server::validate::schema;
    use entitlement::api::ApiVersion;

    fn run(ty: &str, q: &str) -> Result<(), (String, String)> {
        let q = parse(Some(q)).expect("parses");
        query(schema(ApiVersion::V1), ty, &q, true).map_err(|e| (e.code, e.message))
    }

    #[test]
    fn names_are_checked_against_the_type() {
        assert!(run("accessPackage", "$filter=displayName eq 'x' and catalog/id eq 'y'&$select=id,DisplayName&$orderby=createdDateTime desc").is_ok());
        let e = run("accessPackage", "$filter=noSuchProperty eq 'x'").unwrap_err();
        assert_eq!(e, ("BadRequest".into(), "Could not find a property named 'noSuchProperty' on type 'microsoft.graph.accessPackage'.".into()));
        assert!(run(
            "accessPackage",
            "$expand=catalog($select=displayName;$expand=resources($select=originId))"
        )
        .is_ok());
        let e = run(
            "accessPackage",
            "$expand=catalog($expand=resources($select=nope))",
        )
        .unwrap_err();
        assert_eq!(e.1, "Could not find a property named 'nope' on type 'microsoft.graph.accessPackageResource'.");
        assert!(run("accessPackage", "$expand=displayName")
            .unwrap_err()
            .1
            .contains("Only navigation properties can be expanded"));
        // a subtype's property (directoryObject → user); an unmodelled type is not checked
        assert!(run(
            "directoryObject",
            "$filter=userPrincipalName eq 'a'&$select=mail"
        )
        .is_ok());
        assert!(run("notAModelledType", "$filter=anything eq 1").is_ok());
        // two navigations in one filter path
        assert_eq!(
            run(
                "accessPackageAssignment",
                "$filter=accessPackage/catalog/id eq 'x'"
            )
            .unwrap_err()
            .0,
            "InvalidFilter"
        );
        assert!(run(
            "accessPackageAssignment",
            "$orderby=accessPackage/catalog/displayName"
        )
        .is_ok());
    }
}
