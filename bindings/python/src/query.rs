// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The keyword-only OData options (`filter=`, `select=`, ...) as core's
//! [`QueryOptions`]; wrong types are argument errors before anything is sent.

use entitlement::QueryOptions;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};

use crate::convert::type_name;
use crate::error::invalid;

fn string(v: &Bound<'_, PyAny>, key: &str) -> PyResult<String> {
    match v.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(invalid(
            v.py(),
            format!("{key} must be str, not {}", type_name(v)),
        )),
    }
}

fn strings(v: &Bound<'_, PyAny>, key: &str) -> PyResult<Vec<String>> {
    if v.cast::<PyString>().is_ok() {
        return Ok(vec![string(v, key)?]);
    }
    if v.cast::<PyList>().is_ok() || v.cast::<PyTuple>().is_ok() {
        return v.try_iter()?.map(|x| string(&x?, key)).collect();
    }
    Err(invalid(
        v.py(),
        format!("{key} must be a str or a list of str, not {}", type_name(v)),
    ))
}

pub fn query_options(q: Option<&Bound<'_, PyDict>>) -> PyResult<QueryOptions> {
    let mut out = QueryOptions::default();
    let Some(q) = q else { return Ok(out) };
    for (k, v) in q.iter() {
        if v.is_none() {
            continue;
        }
        let key: String = k.extract()?;
        match key.as_str() {
            "filter" => out.filter = Some(string(&v, "filter")?),
            "search" => out.search = Some(string(&v, "search")?),
            "select" => out.select = strings(&v, "select")?,
            "expand" => out.expand = strings(&v, "expand")?,
            "orderby" => out.orderby = strings(&v, "orderby")?,
            "top" => {
                if v.cast::<PyBool>().is_ok() || v.cast::<PyInt>().is_err() {
                    return Err(invalid(
                        v.py(),
                        format!("top must be int, not {}", type_name(&v)),
                    ));
                }
                out.top = Some(
                    v.extract::<u32>()
                        .map_err(|_| invalid(v.py(), "top must be between 0 and 4294967295"))?,
                );
            }
            "count" => match v.cast::<PyBool>() {
                Ok(b) => out.count = b.is_true(),
                Err(_) => {
                    return Err(invalid(
                        v.py(),
                        format!("count must be bool, not {}", type_name(&v)),
                    ))
                }
            },
            other => return Err(invalid(q.py(), format!("unknown query option {other:?}"))),
        }
    }
    Ok(out)
}

/// `entitlement.Filter.eq(...)` and friends: core's builder, so literal
/// escaping and property-path checks are the same in every language.
#[pyfunction]
pub fn filter_compare(py: Python<'_>, prop: &Bound<'_, PyAny>, op: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    use entitlement::odata::Literal;
    let prop = string(prop, "property")?;
    let lit = if value.is_none() {
        Literal::Null
    } else if let Ok(b) = value.cast::<PyBool>() {
        Literal::Bool(b.is_true())
    } else if value.cast::<PyInt>().is_ok() {
        Literal::Int(value.extract::<i64>().map_err(|_| invalid(py, "integer filter value out of range"))?)
    } else if let Ok(s) = value.cast::<PyString>() {
        Literal::Str(s.to_cow()?.into_owned())
    } else {
        return Err(invalid(py, format!("a filter value must be str, int, bool or None, not {}", type_name(value))));
    };
    entitlement::Filter::compare(&prop, op, lit)
        .map(String::from)
        .map_err(|e| crate::error::to_py_err(py, e))
}
