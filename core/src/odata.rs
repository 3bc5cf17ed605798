// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! OData query options and a `$filter` builder. String literals are escaped
//! by the builder (`'` doubled), and property paths are checked, so user
//! input placed in a filter can never change its structure.

use std::fmt;

use crate::error::{Error, Result};

/// `$filter`, `$select`, `$expand`, `$top`, `$orderby`, `$count`, `$search`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryOptions {
    /// `$filter` expression, as sent (build it with [`Filter`] to escape input).
    pub filter: Option<String>,
    /// `$select` properties (JSON names), joined with `,`.
    pub select: Vec<String>,
    /// `$expand` navigation properties, joined with `,`.
    pub expand: Vec<String>,
    /// `$top`: the page size asked for (the service may send fewer).
    pub top: Option<u32>,
    /// `$orderby` keys (`displayName desc`), most significant first.
    pub orderby: Vec<String>,
    /// `$count=true`: ask for `@odata.count`, the total across pages.
    pub count: bool,
    /// `$search` text, as sent.
    pub search: Option<String>,
}

impl QueryOptions {
    /// No option set: the URL has no query string.
    pub fn is_empty(&self) -> bool {
        *self == QueryOptions::default()
    }

    /// The query string (without `?`), percent-encoded for Graph.
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut push = |k: &str, v: &str| parts.push(format!("{k}={}", encode_query_value(v)));
        if let Some(f) = &self.filter {
            push("$filter", f);
        }
        if !self.select.is_empty() {
            push("$select", &self.select.join(","));
        }
        if !self.expand.is_empty() {
            push("$expand", &self.expand.join(","));
        }
        if let Some(t) = self.top {
            push("$top", &t.to_string());
        }
        if !self.orderby.is_empty() {
            push("$orderby", &self.orderby.join(","));
        }
        if self.count {
            push("$count", "true");
        }
        if let Some(s) = &self.search {
            push("$search", s);
        }
        parts.join("&")
    }
}

/// What stays readable in a query value: OData's punctuation (`$`, `,`,
/// `/`, `'`, `(`, `)`, `:`, `@`) besides the unreserved characters; `&`,
/// `=`, `+`, `#`, spaces and everything else are escaped.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'$')
    .remove(b',')
    .remove(b'/')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b':')
    .remove(b'@');

fn encode_query_value(v: &str) -> String {
    percent_encoding::utf8_percent_encode(v, QUERY_VALUE).to_string()
}

/// A `$filter` expression built from parts; literals are escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter(String);

/// A literal in a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string, written quoted with `'` doubled (`'O''Brien'`).
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// An integer, written as is.
    Int(i64),
    /// `null` (e.g. `endDateTime eq null`).
    Null,
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Str(s.to_string())
    }
}
impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::Str(s)
    }
}
impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}
impl From<i64> for Literal {
    fn from(i: i64) -> Self {
        Literal::Int(i)
    }
}
impl From<i32> for Literal {
    fn from(i: i32) -> Self {
        Literal::Int(i.into())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// Checks a property path such as `displayName` or `resource/id`.
pub fn check_property(path: &str) -> Result<()> {
    let ok = !path.is_empty()
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '@')
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '@')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_argument(format!("invalid property path in filter: {path:?}")))
    }
}

impl Filter {
    fn cmp(prop: &str, op: &str, value: impl Into<Literal>) -> Result<Filter> {
        check_property(prop)?;
        Ok(Filter(format!("{prop} {op} {}", value.into())))
    }
    /// `prop eq value`.
    pub fn eq(prop: &str, value: impl Into<Literal>) -> Result<Filter> {
        Self::cmp(prop, "eq", value)
    }
    /// `prop ne value`; errors as [`Filter::eq`].
    pub fn ne(prop: &str, value: impl Into<Literal>) -> Result<Filter> {
        Self::cmp(prop, "ne", value)
    }
    /// `prop gt value`; errors as [`Filter::eq`].
    pub fn gt(prop: &str, value: impl Into<Literal>) -> Result<Filter> {
        Self::cmp(prop, "gt", value)
    }
    /// `prop lt value`; errors as [`Filter::eq`].
    pub fn lt(prop: &str, value: impl Into<Literal>) -> Result<Filter> {
        Self::cmp(prop, "lt", value)
    }
    /// `prop ge value`; errors as [`Filter::eq`].
    pub fn ge(prop: &str, value: impl Into<Literal>) -> Result<Filter> {
        Self::cmp(prop, "ge", value)
    }
    /// `prop le value`; errors as [`Filter::eq`].
    pub fn le(prop: &str, value: impl Into<Literal>) -> Result<Filter> {
        Self::cmp(prop, "le", value)
    }
    /// `prop op value` with `op` one of eq, ne, gt, lt, ge, le, startswith
    /// (bindings build filters through this, so escaping lives here only).
    pub fn compare(prop: &str, op: &str, value: Literal) -> Result<Filter> {
        match op {
            "eq" | "ne" | "gt" | "lt" | "ge" | "le" => Self::cmp(prop, op, value),
            "startswith" => match value {
                Literal::Str(s) => Self::startswith(prop, &s),
                other => Err(Error::invalid_argument(format!("startswith takes a string, got {other}"))),
            },
            _ => Err(Error::invalid_argument(format!("unknown filter operator {op:?}"))),
        }
    }
    /// `startswith(prop, 'value')`, for prefix search on names; errors as
    /// [`Filter::eq`].
    pub fn startswith(prop: &str, value: &str) -> Result<Filter> {
        check_property(prop)?;
        Ok(Filter(format!("startswith({prop}, {})", Literal::from(value))))
    }
    /// Both must hold; each side is parenthesised, so precedence is as written.
    pub fn and(self, other: Filter) -> Filter {
        Filter(format!("({}) and ({})", self.0, other.0))
    }
    /// Either may hold; each side is parenthesised, so precedence is as written.
    pub fn or(self, other: Filter) -> Filter {
        Filter(format!("({}) or ({})", self.0, other.0))
    }
    /// The negation, parenthesised.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter(format!("not ({})", self.0))
    }
    /// All of the filters joined with `and` (`None` when empty).
    pub fn all(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::and)
    }
    /// A filter written by hand, passed through unchanged.
    pub fn raw(text: impl Into<String>) -> Filter {
        Filter(text.into())
    }
    /// The expression as it goes into `$filter` (before percent-encoding).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Filter> for String {
    fn from(f: Filter) -> String {
        f.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_literals_so_input_cannot_change_the_filter() {
        let f = Filter::eq("displayName", "x' or 1 eq 1 or displayName eq 'y").unwrap();
        assert_eq!(f.as_str(), "displayName eq 'x'' or 1 eq 1 or displayName eq ''y'");
        let f = Filter::eq("originSystem", "AadGroup")
            .unwrap()
            .and(Filter::eq("resource/id", "O'Brien").unwrap());
        assert_eq!(f.as_str(), "(originSystem eq 'AadGroup') and (resource/id eq 'O''Brien')");
        assert_eq!(Filter::eq("isHidden", false).unwrap().as_str(), "isHidden eq false");
        assert_eq!(Filter::startswith("displayName", "Mar").unwrap().not().as_str(), "not (startswith(displayName, 'Mar'))");
    }

    #[test]
    fn rejects_bad_property_paths() {
        for bad in ["", "a b", "x eq 'y' or a", "a//b", "1abc", "a)"] {
            assert!(Filter::eq(bad, "v").is_err(), "{bad}");
        }
    }

    #[test]
    fn query_string_is_percent_encoded() {
        let q = QueryOptions {
            filter: Some("displayName eq 'A&B'".into()),
            expand: vec!["target".into(), "accessPackage".into()],
            top: Some(5),
            count: true,
            ..Default::default()
        };
        assert_eq!(
            q.to_query_string(),
            "$filter=displayName%20eq%20'A%26B'&$expand=target,accessPackage&$top=5&$count=true"
        );
    }
}
