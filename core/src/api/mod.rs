// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The API description as data: every operation declared once in
//! `api/operations.toml` becomes one [`Operation`] in [`OPERATIONS`]
//! (generated into `operations.rs`). The client builds requests from it, the
//! emulator routes with it, and the bindings call operations by name.

mod operations;

pub use operations::OPERATIONS;

/// Graph API version segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    V1,
    Beta,
}

impl ApiVersion {
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "v1.0" | "v1" => Some(ApiVersion::V1),
            "beta" => Some(ApiVersion::Beta),
            _ => None,
        }
    }
}

/// What an operation does; decides which OData options apply and how the
/// response is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    List,
    Get,
    Create,
    Update,
    Replace,
    Delete,
    Action,
    Function,
    RefAdd,
    RefRemove,
}

impl OpKind {
    /// Only reads are retried after a network error with an unknown outcome;
    /// PUT and DELETE are idempotent by HTTP's definition too.
    pub const fn is_idempotent(self) -> bool {
        matches!(
            self,
            OpKind::List | OpKind::Get | OpKind::Function | OpKind::Replace | OpKind::Delete
        )
    }
}

/// One declared operation.
#[derive(Debug)]
pub struct Operation {
    /// snake_case name, unique within a version.
    pub name: &'static str,
    pub version: ApiVersion,
    pub kind: OpKind,
    pub method: &'static str,
    /// Path template under the version prefix, e.g. `/identityGovernance/entitlementManagement/catalogs/{catalogId}`.
    pub path: &'static str,
    /// Other spellings of the path that the service accepts.
    pub aliases: &'static [&'static str],
    /// Path parameter names, in path order.
    pub params: &'static [&'static str],
    /// Request body type (Graph type name), if any.
    pub body: Option<&'static str>,
    /// Response type (Graph type name); for list operations the item type.
    pub response: Option<&'static str>,
    /// Documented success status.
    pub status: u16,
    pub cmdlet: &'static str,
    pub summary: &'static str,
}

impl Operation {
    /// Finds an operation by version and snake_case or camelCase name.
    pub fn find(version: ApiVersion, name: &str) -> Option<&'static Operation> {
        OPERATIONS
            .iter()
            .find(|op| op.version == version && (op.name == name || camel_eq(op.name, name)))
    }

    /// Looks up `"name"` (v1.0) or `"beta.name"`.
    pub fn find_qualified(qualified: &str) -> Option<&'static Operation> {
        match qualified.strip_prefix("beta.") {
            Some(rest) => Self::find(ApiVersion::Beta, rest),
            None => Self::find(ApiVersion::V1, qualified),
        }
    }

    /// Fills the path template. Each value is percent-encoded as one path
    /// segment, so an id can never add segments or a query.
    pub fn render_path(&self, args: &[&str]) -> Result<String, String> {
        if args.len() != self.params.len() {
            return Err(format!(
                "{} takes {} path argument(s) ({}), got {}",
                self.name,
                self.params.len(),
                self.params.join(", "),
                args.len()
            ));
        }
        let mut out = String::with_capacity(self.path.len() + 40);
        let mut rest = self.path;
        let mut i = 0;
        while let Some(start) = rest.find('{') {
            let end = rest[start..].find('}').map(|e| start + e).unwrap_or(rest.len() - 1);
            out.push_str(&rest[..start]);
            let value = args[i];
            if value.is_empty() {
                return Err(format!("{}: {} must not be empty", self.name, self.params[i]));
            }
            encode_segment(value, &mut out);
            i += 1;
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Matches a request path (without version prefix) against this
    /// operation's template and aliases. Graph segments are case-insensitive.
    pub fn match_path(&self, path: &str) -> Option<Vec<String>> {
        std::iter::once(self.path)
            .chain(self.aliases.iter().copied())
            .find_map(|template| match_template(template, path))
    }

    /// Finds the operation a request addresses (used by the emulator).
    pub fn route(
        version: ApiVersion,
        method: &str,
        path: &str,
    ) -> Option<(&'static Operation, Vec<String>)> {
        let path = path.trim_end_matches('/');
        OPERATIONS
            .iter()
            .filter(|op| op.version == version && op.method.eq_ignore_ascii_case(method))
            .find_map(|op| op.match_path(path).map(|args| (op, args)))
    }

    /// Whether any operation of `version` has this path (for 405 vs 404).
    pub fn path_known(version: ApiVersion, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        OPERATIONS
            .iter()
            .any(|op| op.version == version && op.match_path(path).is_some())
    }

    /// `"name"` for v1.0, `"beta.name"` for beta.
    pub fn qualified_name(&self) -> String {
        match self.version {
            ApiVersion::V1 => self.name.to_string(),
            ApiVersion::Beta => format!("beta.{}", self.name),
        }
    }
}

fn camel_eq(snake: &str, camel: &str) -> bool {
    let mut it = camel.chars();
    let mut upper_next = false;
    for c in snake.chars() {
        if c == '_' {
            upper_next = true;
            continue;
        }
        let want = if upper_next { c.to_ascii_uppercase() } else { c };
        upper_next = false;
        if it.next() != Some(want) {
            return false;
        }
    }
    it.next().is_none()
}

fn match_template(template: &str, path: &str) -> Option<Vec<String>> {
    let mut t = template.split('/');
    let mut p = path.split('/');
    let mut args = Vec::new();
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(args),
            (Some(ts), Some(ps)) => {
                if ts.starts_with('{') && ts.ends_with('}') {
                    if ps.is_empty() {
                        return None;
                    }
                    args.push(decode_segment(ps)?);
                } else if !ts.eq_ignore_ascii_case(ps) {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

fn encode_segment(value: &str, out: &mut String) {
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                out.push('%');
                out.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
                out.push(char::from(b"0123456789ABCDEF"[(b & 15) as usize]));
            }
        }
    }
}

fn decode_segment(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_and_route_round_trip() {
        let op = Operation::find(ApiVersion::V1, "get_catalog").unwrap();
        let path = op.render_path(&["a b/c"]).unwrap();
        assert_eq!(path, "/identityGovernance/entitlementManagement/catalogs/a%20b%2Fc");
        let (found, args) = Operation::route(ApiVersion::V1, "GET", &path).unwrap();
        assert_eq!(found.name, "get_catalog");
        assert_eq!(args, vec!["a b/c".to_string()]);
    }

    #[test]
    fn routes_case_insensitively_and_by_alias() {
        let (op, args) = Operation::route(
            ApiVersion::V1,
            "POST",
            "/identityGovernance/entitlementManagement/accessPackages/x/accessPackageResourceRoleScopes",
        )
        .unwrap();
        assert_eq!(op.name, "create_access_package_resource_role_scope");
        assert_eq!(args, vec!["x"]);
        assert!(Operation::route(ApiVersion::V1, "GET", "/IDENTITYGOVERNANCE/entitlementManagement/CATALOGS").is_some());
    }

    #[test]
    fn camel_names_resolve() {
        assert_eq!(Operation::find_qualified("listCatalogs").unwrap().name, "list_catalogs");
        assert_eq!(
            Operation::find_qualified("beta.createAccessPackageAssignmentRequest").unwrap().version,
            ApiVersion::Beta
        );
        assert!(Operation::find_qualified("nope").is_none());
    }

    #[test]
    fn render_rejects_wrong_arity_and_empty_ids() {
        let op = Operation::find(ApiVersion::V1, "get_catalog").unwrap();
        assert!(op.render_path(&[]).is_err());
        assert!(op.render_path(&[""]).is_err());
    }
}
