// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The API description as data: every operation declared once in
//! `api/operations.toml` becomes one [`Operation`] in [`OPERATIONS`]
//! (generated into `operations.rs`), identified by an [`OpId`]. The client
//! builds requests from it, the emulator routes with it and dispatches on
//! `op.id`, and the bindings call operations by name.

mod operations;

pub use operations::{OpId, OPERATIONS};

/// Graph API version segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    /// `v1.0`: the generally available surface, under a support contract.
    V1,
    /// `beta`: preview operations and the older model (policies as
    /// `accessPackageAssignmentPolicies`, requests as
    /// `accessPackageAssignmentRequests`); may change without notice.
    Beta,
}

impl ApiVersion {
    /// The URL segment after the host (`v1.0`, `beta`), as Graph spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }

    /// Reads a version as users write it: `v1.0` or `v1`, and `beta`.
    /// `None` for anything else (callers turn it into their own
    /// invalid-argument error).
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
    /// `GET` of a collection: takes the OData query options (`$filter`,
    /// `$top`, `$count`, …) and answers one page of items, with
    /// `@odata.nextLink` when there are more.
    List,
    /// `GET` of one entity or singleton: `$select` and `$expand` apply.
    Get,
    /// `POST` to a collection: makes a new entity and answers it (201).
    Create,
    /// `PATCH`: sets the properties given, leaves the others as they are.
    Update,
    /// `PUT`: replaces the entity (or singleton) as a whole.
    Replace,
    /// `DELETE` of one entity.
    Delete,
    /// `POST` of an OData action (`.../reprocess`, `.../cancel`): may change
    /// state, so it is not retried after an unknown outcome unless it only
    /// answers a collection (see [`Operation::is_idempotent`]).
    Action,
    /// `GET` of an OData function (`.../filterByCurrentUser(on='target')`):
    /// changes nothing; may answer a collection.
    Function,
    /// `POST .../$ref`: links an existing entity into a navigation collection.
    RefAdd,
    /// `DELETE .../{id}/$ref`: removes a link, not the linked entity.
    RefRemove,
}

impl OpKind {
    /// Whether sending the request twice has the effect of sending it once,
    /// so it may be retried after an unknown outcome: reads, PUT and DELETE
    /// (by HTTP's definition), and PATCH (Graph's updates set properties to
    /// the values given). Creates, `$ref` additions and actions (POST) are
    /// not: a second create makes a second object.
    pub const fn is_idempotent(self) -> bool {
        matches!(
            self,
            OpKind::List
                | OpKind::Get
                | OpKind::Function
                | OpKind::Update
                | OpKind::Replace
                | OpKind::Delete
                | OpKind::RefRemove
        )
    }
}

/// One declared operation.
#[derive(Debug)]
pub struct Operation {
    /// The operation's identifier (`OpId::ListCatalogs`, `OpId::BetaListAccessPackages`).
    pub id: OpId,
    /// snake_case name, unique within a version.
    pub name: &'static str,
    /// The version prefix the path lives under (`/v1.0` or `/beta`).
    pub version: ApiVersion,
    /// What the operation does, which decides the OData options it takes,
    /// whether it is retried, and how its response is read.
    pub kind: OpKind,
    /// HTTP method in upper case (`GET`, `POST`, `PATCH`, `PUT`, `DELETE`).
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
    /// The Microsoft Graph PowerShell cmdlet this operation corresponds to
    /// (`Get-MgEntitlementManagementCatalog`); the generated PowerShell
    /// module derives its own `Ent` cmdlet name from it and the docs map one
    /// to the other for users porting scripts.
    pub cmdlet: &'static str,
    /// One line for humans, used by the generated docs, stubs and help
    /// texts of every binding.
    pub summary: &'static str,
    /// A non-list operation that answers `{"value": [...]}` of `response`.
    pub collection: bool,
    /// A plain (non-administrator) user may call it for themselves
    /// (`self_service = true` in `api/operations.toml`).
    pub self_service: bool,
}

impl OpId {
    /// The declared operation this identifies.
    pub fn operation(self) -> &'static Operation {
        &OPERATIONS[self as usize]
    }
}

impl Operation {
    /// Whether this operation may be sent again after an unknown outcome
    /// (see [`OpKind::is_idempotent`]). An action that answers a collection
    /// (`getApplicablePolicyRequirements`) is a query sent as POST: it
    /// changes nothing, so it is retried like a read.
    pub const fn is_idempotent(&self) -> bool {
        self.kind.is_idempotent() || (matches!(self.kind, OpKind::Action) && self.collection)
    }

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
            if rest[..start].ends_with('\'') {
                // A function parameter, `on='{on}'`: an OData string literal,
                // quotes doubled, then percent-encoded like a segment.
                encode_segment(&value.replace('\'', "''"), &mut out);
            } else {
                encode_segment(value, &mut out);
            }
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
                    // An id segment; `name(...)` is a function call, never an id.
                    if ps.is_empty() || ps.contains('(') {
                        return None;
                    }
                    args.push(decode_segment(ps)?);
                } else if ts.contains('(') {
                    match_call(ts, ps, &mut args)?;
                } else if !ts.eq_ignore_ascii_case(ps) {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// The arguments of a function call segment: `(Some(key), value)` for
/// `key='value'`, `(None, value)` for a positional `'value'`.
pub type CallArgs = Vec<(Option<String>, String)>;

/// Splits `name(a='x',b='y')` / `name('x')` into the name and its arguments,
/// string literals unquoted.
pub fn parse_call(segment: &str) -> Option<(String, CallArgs)> {
    let segment = decode_segment(segment)?;
    let open = segment.find('(')?;
    let inner = segment[open + 1..].strip_suffix(')')?;
    let name = segment[..open].to_string();
    let mut args = Vec::new();
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let mut key = String::new();
        let mut value = String::new();
        let mut cur = String::new();
        // one argument: [key=]value, value '...' (quotes doubled inside) or bare
        loop {
            if i >= chars.len() || chars[i] == ',' {
                break;
            }
            let c = chars[i];
            if c == '=' && key.is_empty() && !cur.is_empty() {
                key = std::mem::take(&mut cur).trim().to_string();
                i += 1;
                continue;
            }
            if is_quote(c) && cur.trim().is_empty() {
                i += 1;
                loop {
                    if i >= chars.len() {
                        return None; // unterminated literal
                    }
                    if is_quote(chars[i]) {
                        if i + 1 < chars.len() && chars[i + 1] == '\'' && chars[i] == '\'' {
                            value.push('\'');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    value.push(chars[i]);
                    i += 1;
                }
                cur = "\u{0}".to_string(); // marks a literal was read
                continue;
            }
            cur.push(c);
            i += 1;
        }
        let v = if cur == "\u{0}" { value } else { cur.trim().to_string() };
        args.push(((!key.is_empty()).then_some(key), v));
        i += 1;
    }
    Some((name, args))
}

/// `'` and the typographic quotes some documentation examples use.
fn is_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}')
}

fn match_call(template: &str, segment: &str, args: &mut Vec<String>) -> Option<()> {
    let (t_name, t_args) = parse_call(template)?;
    let (p_name, p_args) = parse_call(segment)?;
    if !t_name.eq_ignore_ascii_case(&p_name) || t_args.len() != p_args.len() {
        return None;
    }
    for (i, (t_key, t_val)) in t_args.iter().enumerate() {
        // template values are `{param}` placeholders
        let _ = t_val;
        let value = match t_key {
            Some(k) => p_args.iter().find(|(pk, _)| pk.as_deref().is_some_and(|pk| pk.eq_ignore_ascii_case(k)))?.1.clone(),
            None => p_args[i].1.clone(),
        };
        // An empty argument addresses nothing, as an empty path segment does
        // (`accessPackages(id='')/…` like `accessPackages//…`; found by fuzzing).
        if value.is_empty() {
            return None;
        }
        args.push(value);
    }
    Some(())
}

/// Everything but RFC 3986's unreserved characters is escaped, so a value
/// is always exactly one path segment.
pub(crate) const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn encode_segment(value: &str, out: &mut String) {
    out.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
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
    fn op_ids_index_the_table() {
        for (i, op) in OPERATIONS.iter().enumerate() {
            assert_eq!(op.id as usize, i, "{}", op.name);
            assert!(std::ptr::eq(op.id.operation(), op));
        }
        assert_eq!(OpId::BetaListAccessPackages.operation().version, ApiVersion::Beta);
        assert_eq!(OpId::ListCatalogs.operation().name, "list_catalogs");
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
    fn function_parameters_render_as_literals_and_route_back() {
        let op = Operation::find(ApiVersion::V1, "filter_access_packages_by_current_user").unwrap();
        let path = op.render_path(&["it's"]).unwrap();
        assert_eq!(path, "/identityGovernance/entitlementManagement/accessPackages/filterByCurrentUser(on='it%27%27s')");
        let (found, args) = Operation::route(ApiVersion::V1, "GET", &path).unwrap();
        assert_eq!(found.name, "filter_access_packages_by_current_user");
        assert_eq!(args, vec!["it's".to_string()]);
        // the id route does not swallow a function call
        let (op, _) = Operation::route(
            ApiVersion::V1,
            "GET",
            "/identityGovernance/entitlementManagement/accessPackages/filterByCurrentUser(on='allowedRequestor')",
        )
        .unwrap();
        assert_eq!(op.name, "filter_access_packages_by_current_user");
        let add = Operation::find(ApiVersion::V1, "list_additional_access").unwrap();
        let p = add.render_path(&["a", "b"]).unwrap();
        let (found, args) = Operation::route(ApiVersion::V1, "GET", &p).unwrap();
        assert_eq!(found.name, "list_additional_access");
        assert_eq!(args, vec!["a", "b"]);
        // parameters by name in any order
        let (_, args) = Operation::route(
            ApiVersion::V1,
            "GET",
            "/identityGovernance/entitlementManagement/assignments/additionalAccess(incompatibleAccessPackageId='y',accessPackageId='x')",
        )
        .unwrap();
        assert_eq!(args, vec!["x", "y"]);
        // key-in-parentheses alias with typographic quotes (a documentation example)
        let (op, args) = Operation::route(
            ApiVersion::Beta,
            "POST",
            "/identityGovernance/entitlementManagement/accessPackages(\u{2018}abc\u{2019})/getApplicablePolicyRequirements",
        )
        .unwrap();
        assert_eq!(op.name, "get_applicable_policy_requirements");
        assert_eq!(args, vec!["abc"]);
        assert!(parse_call("f(on='x").is_none());
        let empty = "/identityGovernance/entitlementManagement/accessPackages(id='')/getApplicablePolicyRequirements";
        assert!(Operation::route(ApiVersion::V1, "POST", empty).is_none());
    }

    #[test]
    fn render_rejects_wrong_arity_and_empty_ids() {
        let op = Operation::find(ApiVersion::V1, "get_catalog").unwrap();
        assert!(op.render_path(&[]).is_err());
        assert!(op.render_path(&[""]).is_err());
    }
}
