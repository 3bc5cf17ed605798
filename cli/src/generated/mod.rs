// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The shape of the generated command table (`commands.rs`, written by
//! codegen/gen_cli.py from api/operations.toml). `crate::api` turns the
//! rows into clap commands at run time, so a new operation needs no CLI code.

mod commands;

pub use commands::{COMMANDS, EXIT_CODES};

/// Which OData options a command takes (the bridge's rule: every option on
/// collections, `$select`/`$expand` on a GET answering an entity, none on
/// writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    Collection,
    SelectExpand,
    None,
}

/// A verb that is an operation with part of its body fixed
/// (`approvals approve` = PATCH the stage with `reviewResult: Approve`).
#[derive(Debug)]
pub struct Shortcut {
    /// The fixed part of the body, as JSON text.
    pub fixed: &'static str,
    /// Body properties taken as options (`justification` → `--justification`).
    pub options: &'static [&'static str],
}

/// One API command: `entitlement [beta] <resource> <action>`.
#[derive(Debug)]
pub struct CommandSpec {
    pub beta: bool,
    /// Kebab-case, plural (`catalogs`, `assignment-requests`).
    pub resource: &'static str,
    /// `list`, `get`, `create`, `update`, `replace`, `delete`, `add`, `remove`, or the action's name.
    pub action: &'static str,
    /// The bridge's qualified operation name (`list_catalogs`, `beta.get_access_package`).
    pub operation: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// `(flag, path parameter)`: `("catalog-id", "catalogId")`, in path order.
    pub params: &'static [(&'static str, &'static str)],
    /// Answers pages of a collection (`--all` follows `@odata.nextLink`).
    pub pages: bool,
    /// The request body type, taken with `--body FILE|-`.
    pub body: Option<&'static str>,
    pub body_required: bool,
    pub query: Query,
    /// Columns of `--output table`.
    pub columns: &'static [&'static str],
    pub summary: &'static str,
    pub shortcut: Option<Shortcut>,
}
