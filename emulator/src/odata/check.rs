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
//! queried is accepted too (a policy list filtered on a subtype's property),
//! as are annotations (`@odata.type`) and paths through types the
//! description does not model. Errors, in Graph's wording:
//!
//! * an undeclared name → 400 `BadRequest`, `Could not find a property named
//!   'x' on type 'microsoft.graph.T'.`
//! * a property read through a collection (`roles/displayName`) → 400
//!   `BadRequest`, OData's "not a single value" message.
//! * a `$filter` path through two navigation properties
//!   (`accessPackage/catalog/id`), which the service does not evaluate →
//!   400 `InvalidFilter`, `OData query is invalid: …`.

use super::filter::{self, Expr};
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

/// Every property path of a `$filter` expression, against `ty`.
pub(crate) fn check_filter(sc: &Schema, ty: &str, f: &Expr) -> GraphResult<()> {
    let mut paths = Vec::new();
    filter::paths(f, &mut paths);
    for p in paths {
        path_of(sc, ty, p, Use::Filter)?;
    }
    Ok(())
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

fn path_of<'a>(sc: &'a Schema, root: &'a str, path: &'a [String], usage: Use) -> GraphResult<()> {
    let mut ty: &'a str = root;
    let mut navigations = 0;
    for (i, seg) in path.iter().enumerate() {
        if seg.starts_with('@') {
            return Ok(());
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
                false => return Ok(()),
            }
        }
        if !sc.has_type(ty) {
            // a primitive or a type the description does not model
            return Ok(());
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
    }
    Ok(())
}
