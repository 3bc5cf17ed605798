// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! What an API command prints on stdout: `--query` (JMESPath, as in `az`)
//! applied to the result, then `--output json` (the default: a list is one
//! JSON array, a single object the object), `table` (chosen columns) or
//! `yaml`.

use std::fmt::Write as _;

use entitlement::Error;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Table,
    Yaml,
}

impl Format {
    pub fn parse(s: &str) -> Format {
        match s {
            "table" => Format::Table,
            "yaml" => Format::Yaml,
            _ => Format::Json,
        }
    }
}

/// A compiled `--query`; compiling before anything is sent makes a typo an
/// `InvalidArgument` that costs no request.
pub struct Query(jmespath::Expression<'static>);

impl Query {
    pub fn compile(text: &str) -> Result<Query, Error> {
        jmespath::compile(text)
            .map(Query)
            .map_err(|e| Error::invalid_argument(format!("--query: {e}")))
    }

    pub fn apply(&self, v: &Value) -> Result<Value, Error> {
        let out = self
            .0
            .search(v)
            .map_err(|e| Error::invalid_argument(format!("--query: {e}")))?;
        serde_json::to_value(&*out).map_err(|e| Error::internal(format!("--query result: {e}")))
    }
}

/// The text to print for `value`; `columns` are the table's when no
/// `--query` reshaped the result.
pub fn render(
    value: &Value,
    format: Format,
    columns: &[&str],
    queried: bool,
) -> Result<String, Error> {
    match format {
        Format::Json => serde_json::to_string_pretty(value)
            .map(|s| s + "\n")
            .map_err(|e| Error::internal(format!("JSON output: {e}"))),
        Format::Yaml => {
            serde_norway::to_string(value).map_err(|e| Error::internal(format!("YAML output: {e}")))
        }
        Format::Table => Ok(table(value, if queried { &[] } else { columns })),
    }
}

/// A cell: strings as they are, nothing for null, other values as compact
/// JSON, cut at 60 characters.
fn cell(v: Option<&Value>) -> String {
    let s = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() > 60 {
        s.chars().take(59).collect::<String>() + "…"
    } else {
        s
    }
}

/// Rows of objects under their columns (the given ones, else every key of
/// the rows in order of appearance); scalars under one `Result` column.
fn table(value: &Value, columns: &[&str]) -> String {
    let rows: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    let objects = rows.iter().all(|r| r.is_object());
    let cols: Vec<String> = if !objects {
        vec!["Result".into()]
    } else if !columns.is_empty() {
        columns.iter().map(|c| c.to_string()).collect()
    } else {
        let mut seen: Vec<String> = Vec::new();
        for r in &rows {
            if let Value::Object(m) = r {
                for k in m.keys() {
                    if !k.starts_with("@odata.") && !seen.contains(k) {
                        seen.push(k.clone());
                    }
                }
            }
        }
        seen
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| match r {
            Value::Object(m) if objects => cols.iter().map(|c| cell(m.get(c))).collect(),
            other => vec![cell(Some(other))],
        })
        .collect();
    let width = |i: usize| {
        cells
            .iter()
            .map(|r| r[i].chars().count())
            .chain([cols[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols.len()).map(width).collect();
    let mut out = String::new();
    let line = |out: &mut String, values: &[String]| {
        let parts: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&mut out, &cols);
    line(
        &mut out,
        &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
    );
    for r in &cells {
        line(&mut out, r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_pads_columns_and_leaves_missing_cells_empty() {
        let v = json!([{"id": "1", "displayName": "General", "state": "published"}, {"id": "22", "displayName": null}]);
        let t = table(&v, &["id", "displayName", "state"]);
        assert_eq!(
            t,
            "id  displayName  state\n--  -----------  ---------\n1   General      published\n22\n"
        );
    }

    #[test]
    fn query_reshapes_and_a_bad_one_is_an_argument_error() {
        let v = json!([{"id": "1", "n": 1}, {"id": "2", "n": 2}]);
        assert_eq!(
            Query::compile("[?n > `1`].id").unwrap().apply(&v).unwrap(),
            json!(["2"])
        );
        assert_eq!(
            Query::compile("[").err().map(|e| e.kind),
            Some(entitlement::ErrorKind::InvalidArgument)
        );
    }
}
