// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Parses the system query options of one request.

use super::filter::{self, Expr};

#[derive(Debug, Clone, Default)]
pub struct ExpandItem {
    pub name: String,
    pub expand: Vec<ExpandItem>,
    pub select: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    pub filter: Option<Expr>,
    pub select: Option<Vec<String>>,
    pub expand: Vec<ExpandItem>,
    pub top: Option<usize>,
    pub skip: usize,
    pub orderby: Vec<(Vec<String>, bool)>,
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
                "skiptoken" => {
                    q.skip = decode_skiptoken(&v).ok_or_else(|| "The $skiptoken is not valid.".to_string())?;
                }
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

pub fn encode_skiptoken(offset: usize) -> String {
    format!("X{offset:x}")
}

fn decode_skiptoken(t: &str) -> Option<usize> {
    usize::from_str_radix(t.strip_prefix('X')?, 16).ok()
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn parse_orderby(v: &str) -> Result<Vec<(Vec<String>, bool)>, String> {
    let mut out = Vec::new();
    for part in v.split(',') {
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
        out.push((prop.split('/').map(str::to_string).collect(), desc));
    }
    Ok(out)
}

/// `a,b($expand=c;$select=x,y)` → items; commas inside parentheses belong to the item.
pub fn parse_expand(v: &str) -> Result<Vec<ExpandItem>, String> {
    let mut items = Vec::new();
    for part in split_top(v, ',')? {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, opts) = match part.find('(') {
            Some(i) => {
                if !part.ends_with(')') {
                    return Err(format!("Invalid $expand clause '{part}'."));
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
            return Err(format!("Invalid $expand clause '{part}'."));
        }
        let mut item = ExpandItem { name: name.to_string(), ..Default::default() };
        if let Some(opts) = opts {
            for opt in split_top(opts, ';')? {
                let Some((k, val)) = opt.split_once('=') else {
                    return Err(format!("Invalid $expand option '{opt}'."));
                };
                match k.trim().trim_start_matches('$').to_ascii_lowercase().as_str() {
                    "expand" => item.expand = parse_expand(val)?,
                    "select" => item.select = Some(split_list(val)),
                    other => return Err(format!("Nested query option '${other}' is not supported in $expand.")),
                }
            }
        }
        items.push(item);
    }
    Ok(items)
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
    }
}
