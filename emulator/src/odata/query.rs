// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Parses the system query options of one request.
//!
//! Parsing is bounded on any input: `$filter` by its own limits (see
//! [`filter`]), `$expand` by [`MAX_EXPAND_DEPTH`] and [`MAX_EXPAND_ITEMS`]
//! (checked before the nested text is looked at, so a 4,000-level
//! `a($expand=a($expand=…))` costs one scan), `$orderby` by [`MAX_ORDERBY_ITEMS`].
//! Whether the names exist on the type queried is checked by `super::check`,
//! which knows the type.

use super::filter::{self, Expr};

/// Deepest `$expand` nesting: `a($expand=b($expand=c))` is 3 levels.
/// ASP.NET OData's `MaxExpansionDepth` (default 2) answers the same error; the
/// documented entitlement management examples use two levels
/// (`resourceRoleScopes($expand=role,scope)`), and a third level is the most a
/// client needs, while cycles such as `catalog → accessPackages → catalog …`
/// multiply the response with every level.
pub const MAX_EXPAND_DEPTH: usize = 3;

/// Most navigation properties expanded by one request, all levels together.
pub const MAX_EXPAND_ITEMS: usize = 16;

/// Most `$orderby` keys (each is compared for every pair of rows sorted).
pub const MAX_ORDERBY_ITEMS: usize = 32;

/// One navigation property of `$expand`, with its nested options
/// (`role($expand=…;$select=…)`).
#[derive(Debug, Clone, Default)]
pub struct ExpandItem {
    /// The navigation property's name as written.
    pub name: String,
    /// Nested `$expand` inside the parentheses; empty when none.
    pub expand: Vec<ExpandItem>,
    /// Nested `$select` inside the parentheses; `None` when absent (all
    /// properties).
    pub select: Option<Vec<String>>,
}

/// The system query options of one request, parsed and bounded; names are
/// checked against the type later (`super::check`).
#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    /// `$filter`, parsed.
    pub filter: Option<Expr>,
    /// `$select` items, each once; `None` when absent (all properties).
    pub select: Option<Vec<String>>,
    /// `$expand` items, with their nested options.
    pub expand: Vec<ExpandItem>,
    /// `$top`, capped at 999 as Graph caps it.
    pub top: Option<usize>,
    /// Items to skip: `$skip`, or the offset of an offset `$skiptoken`.
    pub skip: usize,
    /// A keyset `$skiptoken` ([`encode_keyset`]): the page starts after the
    /// object with this position in creation order.
    pub after: Option<i64>,
    /// `$orderby` keys, most significant first: a property path and whether
    /// the order is descending.
    pub orderby: Vec<(Vec<String>, bool)>,
    /// `$count=true`: answer `@odata.count`.
    pub count: bool,
    /// Non-system parameters and the raw pairs, kept to build nextLink.
    pub raw: Vec<(String, String)>,
}

/// Parses a raw query string. Errors are messages for a Graph 400.
pub fn parse(query: Option<&str>) -> Result<QueryOptions, String> {
    let mut q = QueryOptions::default();
    let Some(query) = query else { return Ok(q) };
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let (k, v) = (k.into_owned(), v.into_owned());
        let name = k.trim_start_matches('$').to_ascii_lowercase();
        let system = k.starts_with('$') || matches!(name.as_str(), "filter" | "select" | "expand" | "top" | "orderby" | "count" | "skip" | "skiptoken");
        if system {
            match name.as_str() {
                "filter" => {
                    q.filter = Some(filter::parse(&v).map_err(|e| format!("Invalid filter clause: {e}"))?)
                }
                "select" => q.select = Some(split_list(&v)),
                "expand" => q.expand = parse_expand(&v)?,
                "top" => {
                    let n: usize = v.trim().parse().map_err(|_| format!("Invalid value '{v}' for $top; it must be a non-negative integer."))?;
                    q.top = Some(n.min(999));
                }
                "skip" => {
                    q.skip = v.trim().parse().map_err(|_| format!("Invalid value '{v}' for $skip."))?;
                }
                "skiptoken" => match decode_keyset(&v) {
                    Some(after) => q.after = Some(after),
                    None => q.skip = decode_skiptoken(&v).ok_or_else(|| "The $skiptoken is not valid.".to_string())?,
                },
                "orderby" => q.orderby = parse_orderby(&v)?,
                "count" => {
                    q.count = match v.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(format!("Invalid value '{v}' for $count.")),
                    }
                }
                "search" => return Err("Query option '$search' is not supported on this resource.".into()),
                "format" => {}
                other => return Err(format!("Query option '${other}' is not allowed.")),
            }
            if name != "skiptoken" && name != "skip" {
                q.raw.push((k, v));
            }
        } else {
            q.raw.push((k, v));
        }
    }
    Ok(q)
}

/// The `$skiptoken` of a page read by offset (`X` and the offset in hex):
/// opaque to clients, who follow `@odata.nextLink` as given.
pub fn encode_skiptoken(offset: usize) -> String {
    format!("X{offset:x}")
}

fn decode_skiptoken(t: &str) -> Option<usize> {
    usize::from_str_radix(t.strip_prefix('X')?, 16).ok()
}

/// The `$skiptoken` of a page read from the store's indexes: the position of
/// the last object answered, so the next page is an index seek (an offset
/// would cost as many index steps as objects skipped).
pub fn encode_keyset(after: i64) -> String {
    format!("K{after:x}")
}

fn decode_keyset(t: &str) -> Option<i64> {
    i64::from_str_radix(t.strip_prefix('K')?, 16).ok().filter(|n| *n >= 0)
}

/// The items of `$select`, each once (case-insensitively): repeating a name
/// changes nothing, and the list is compared with every property rendered.
fn split_list(v: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if seen.insert(item.to_ascii_lowercase()) {
            out.push(item.to_string());
        }
    }
    out
}

fn parse_orderby(v: &str) -> Result<Vec<(Vec<String>, bool)>, String> {
    let mut out: Vec<(Vec<String>, bool)> = Vec::new();
    for part in v.split(',') {
        if out.len() == MAX_ORDERBY_ITEMS {
            return Err(format!("The $orderby clause has more than {MAX_ORDERBY_ITEMS} properties."));
        }
        let mut words = part.split_whitespace();
        let Some(prop) = words.next() else { return Err("Invalid $orderby clause.".into()) };
        let desc = match words.next().map(|w| w.to_ascii_lowercase()) {
            None => false,
            Some(w) if w == "asc" => false,
            Some(w) if w == "desc" => true,
            Some(w) => return Err(format!("Invalid $orderby direction '{w}'.")),
        };
        if words.next().is_some() || !prop.chars().all(|c| c.is_alphanumeric() || c == '/' || c == '_') {
            return Err(format!("Invalid $orderby clause '{part}'."));
        }
        let path: Vec<String> = prop.split('/').map(str::to_string).collect();
        if path.iter().any(String::is_empty) {
            return Err(format!("Invalid $orderby clause '{part}'."));
        }
        if out.iter().any(|(p, _)| p.len() == path.len() && p.iter().zip(&path).all(|(a, b)| a.eq_ignore_ascii_case(b))) {
            return Err(format!("Duplicate property named '{prop}' is not supported in '$orderby'."));
        }
        out.push((path, desc));
    }
    Ok(out)
}

/// `a,b($expand=c;$select=x,y)` → items; commas inside parentheses belong to the item.
pub fn parse_expand(v: &str) -> Result<Vec<ExpandItem>, String> {
    let mut count = 0;
    parse_expand_at(v, 1, &mut count)
}

/// Items of one `$expand` level (`depth` 1 is the request's own); `count`
/// totals the items of all levels so far.
fn parse_expand_at(v: &str, depth: usize, count: &mut usize) -> Result<Vec<ExpandItem>, String> {
    if depth > MAX_EXPAND_DEPTH {
        return Err(format!("The request includes a $expand path which is too deep. The maximum depth allowed is {MAX_EXPAND_DEPTH}."));
    }
    let mut items = Vec::new();
    for part in split_top(v, ',')? {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        *count += 1;
        if *count > MAX_EXPAND_ITEMS {
            return Err(format!("The request includes more than {MAX_EXPAND_ITEMS} $expand items. Expand fewer navigation properties."));
        }
        let (name, opts) = match part.find('(') {
            Some(i) => {
                if !part.ends_with(')') {
                    return Err(format!("Invalid $expand clause '{}'.", clip(part)));
                }
                (&part[..i], Some(&part[i + 1..part.len() - 1]))
            }
            None => (part, None),
        };
        let name = name.trim();
        if name == "*" {
            return Err("$expand=* is not supported.".into());
        }
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("Invalid $expand clause '{}'.", clip(part)));
        }
        let mut item = ExpandItem { name: name.to_string(), ..Default::default() };
        if let Some(opts) = opts {
            for opt in split_top(opts, ';')? {
                let Some((k, val)) = opt.split_once('=') else {
                    return Err(format!("Invalid $expand option '{}'.", clip(opt)));
                };
                match k.trim().trim_start_matches('$').to_ascii_lowercase().as_str() {
                    "expand" => item.expand = parse_expand_at(val, depth + 1, count)?,
                    "select" => item.select = Some(split_list(val)),
                    other => return Err(format!("Nested query option '${}' is not supported in $expand.", clip(other))),
                }
            }
        }
        items.push(item);
    }
    Ok(items)
}

/// At most 100 characters of a clause quoted in an error message.
fn clip(s: &str) -> String {
    match s.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn split_top(v: &str, sep: char) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in v.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("Unbalanced parentheses in $expand.".into());
                }
            }
            c if c == sep && depth == 0 => {
                out.push(&v[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("Unbalanced parentheses in $expand.".into());
    }
    out.push(&v[start..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        let q = parse(Some("$filter=displayName%20eq%20'General'&$top=5&$count=true&$expand=resourceRoleScopes($expand=role,scope),catalog&$orderby=displayName%20desc&$select=id,displayName")).unwrap();
        assert!(q.filter.is_some());
        assert_eq!(q.top, Some(5));
        assert!(q.count);
        assert_eq!(q.expand.len(), 2);
        assert_eq!(q.expand[0].expand.len(), 2);
        assert_eq!(q.orderby, vec![(vec!["displayName".to_string()], true)]);
        assert_eq!(q.select.unwrap(), vec!["id", "displayName"]);
    }

    #[test]
    fn rejects_bad_options() {
        assert!(parse(Some("$top=abc")).is_err());
        assert!(parse(Some("$filter=a eq")).is_err());
        assert!(parse(Some("$expand=a(b")).is_err());
        assert!(parse(Some("$bogus=1")).is_err());
        assert!(parse(Some("$orderby=a sideways")).is_err());
        assert_eq!(parse(Some(&format!("$skiptoken={}", encode_skiptoken(300)))).unwrap().skip, 300);
        assert_eq!(parse(Some(&format!("$skiptoken={}", encode_keyset(90_001)))).unwrap().after, Some(90_001));
        assert!(parse(Some("$skiptoken=K-1")).is_err());
        assert!(parse(Some("$skiptoken=Kzz")).is_err());
        assert!(parse(Some("$orderby=displayName,DisplayName desc")).unwrap_err().starts_with("Duplicate property named 'DisplayName'"));
        assert!(parse(Some("$orderby=a//b")).is_err());
    }

    #[test]
    fn expand_is_bounded() {
        let nest = |n: usize| format!("$expand={}a{}", "a($expand=".repeat(n - 1), ")".repeat(n - 1));
        let q = parse(Some(&nest(MAX_EXPAND_DEPTH))).unwrap();
        assert_eq!(q.expand[0].expand[0].expand[0].name, "a");
        let deep = "The request includes a $expand path which is too deep. The maximum depth allowed is 3.";
        assert_eq!(parse(Some(&nest(MAX_EXPAND_DEPTH + 1))).unwrap_err(), deep);
        // the reported crash: 4,000 levels in a 44 KB URL
        assert_eq!(parse(Some(&nest(4_000))).unwrap_err(), deep);
        let wide = vec!["a"; MAX_EXPAND_ITEMS].join(",");
        assert_eq!(parse(Some(&format!("$expand={wide}"))).unwrap().expand.len(), MAX_EXPAND_ITEMS);
        assert!(parse(Some(&format!("$expand={wide},b"))).unwrap_err().contains("more than 16 $expand items"));
        assert!(parse(Some(&format!("$expand=a($expand={wide})"))).is_err());
        assert!(parse(Some(&format!("$expand={}", "(".repeat(50_000)))).is_err());
    }

    #[test]
    fn select_names_once_and_orderby_is_bounded() {
        let q = parse(Some(&format!("$select={}", vec!["id"; 10_000].join(",")))).unwrap();
        assert_eq!(q.select.unwrap(), vec!["id"]);
        let keys = (0..=MAX_ORDERBY_ITEMS).map(|i| format!("p{i}")).collect::<Vec<_>>();
        assert!(parse(Some(&format!("$orderby={}", keys[..MAX_ORDERBY_ITEMS].join(",")))).is_ok());
        assert!(parse(Some(&format!("$orderby={}", keys.join(",")))).is_err());
    }
}
