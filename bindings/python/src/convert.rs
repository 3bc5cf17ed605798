// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! JSON values between Python and serde_json. Python values that have no
//! JSON form are argument errors, never silently stringified (except
//! `datetime`/`date`, sent as ISO 8601 text).

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::error::invalid;
use crate::model::Model;

pub fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any().unbind()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any().unbind()
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                f.into_pyobject(py)?.into_any().unbind()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(a) => {
            let items: PyResult<Vec<_>> = a.iter().map(|x| to_py(py, x)).collect();
            PyList::new(py, items?)?.into_any().unbind()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, to_py(py, x)?)?;
            }
            d.into_any().unbind()
        }
    })
}

/// `path` names the place for the error message (`body.displayName`).
pub fn from_py(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(invalid(py, format!("{path}: integer out of range")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(py, format!("{path}: {} has no JSON form", f.value())));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                let t = type_name(&k);
                return Err(invalid(py, format!("{path}: keys must be str, got {t}")));
            };
            let key = key.to_cow()?.into_owned();
            let sub = format!("{path}.{key}");
            m.insert(key, from_py(&v, &sub)?);
        }
        return Ok(Value::Object(m));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        return obj
            .try_iter()?
            .enumerate()
            .map(|(i, x)| from_py(&x?, &format!("{path}[{i}]")))
            .collect::<PyResult<_>>()
            .map(Value::Array);
    }
    if let Ok(m) = obj.cast::<Model>() {
        return Ok(m.get().json());
    }
    let tn = type_name(obj);
    if tn == "datetime" || tn == "date" {
        return Ok(Value::String(
            obj.call_method0("isoformat")?.extract::<String>()?,
        ));
    }
    Err(invalid(py, format!("{path}: {tn} has no JSON form")))
}

/// An optional host object as JSON (`None` → `null`).
pub fn value_of<T>(obj: Option<&Bound<'_, T>>, path: &str) -> PyResult<Value> {
    obj.map_or(Ok(Value::Null), |o| from_py(o.as_any(), path))
}

/// A `str` argument; `what` names it in the error.
pub fn str_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(invalid(
            obj.py(),
            format!("{what} must be str, not {}", type_name(obj)),
        )),
    }
}

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    let name = obj.get_type().name();
    name.map_or_else(|_| "object".into(), |n| n.to_string())
}
