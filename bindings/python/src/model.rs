// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `Model`: any Graph object, held as the typed Rust struct the response was
//! parsed into. Attributes are read lazily by snake_case name through
//! [`DynModel`]; nothing is converted to Python until it is asked for, and a
//! nested model (`assignment.target`) is a view into the same struct, not a
//! copy. `to_dict()` is Graph's JSON (camelCase, unknown properties kept).

use entitlement::models::{decoder, Decoder, DynModel, Got};
use entitlement::ApiVersion;
use pyo3::exceptions::{PyAttributeError, PyKeyError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde_json::Value;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::convert::{from_py, to_py, type_name};
use crate::error::invalid;

#[pyclass(module = "entitlement._native", name = "Model", frozen)]
pub struct Model {
    /// The decoded object this model is part of; never mutated.
    root: Arc<dyn DynModel>,
    /// This model: `root` itself or a model nested in it.
    this: NonNull<dyn DynModel>,
    version: ApiVersion,
}

// SAFETY: `this` points into `root`, which is immutable (DynModel has no
// mutating methods and the pyclass is frozen), `Send + Sync`, and kept alive
// by the `Arc` this struct holds.
unsafe impl Send for Model {}
unsafe impl Sync for Model {}

impl Model {
    pub fn new(inner: Box<dyn DynModel>, version: ApiVersion) -> Self {
        let root: Arc<dyn DynModel> = Arc::from(inner);
        let this = NonNull::from(&*root);
        Model { root, this, version }
    }

    /// A view of a model nested in this one.
    fn child(&self, m: &(dyn DynModel + 'static)) -> Model {
        Model { root: self.root.clone(), this: NonNull::from(m), version: self.version }
    }

    fn inner(&self) -> &dyn DynModel {
        // SAFETY: see the `Send`/`Sync` impls.
        unsafe { self.this.as_ref() }
    }

    pub fn json(&self) -> Value {
        self.inner().to_json()
    }

    fn got(&self, py: Python<'_>, got: Got<'_>) -> PyResult<Option<Py<PyAny>>> {
        Ok(Some(match got {
            Got::Missing => return Ok(None),
            Got::Null => py.None(),
            Got::Str(s) => PyString::new(py, s).into_any().unbind(),
            Got::Bool(b) => pyo3::types::PyBool::new(py, b).to_owned().into_any().unbind(),
            Got::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
            Got::Json(v) => to_py(py, &v)?,
            Got::Model(m) => Py::new(py, self.child(m))?.into_any(),
            Got::Models(ms) => {
                let items = ms.into_iter().map(|m| Py::new(py, self.child(m))).collect::<PyResult<Vec<_>>>()?;
                PyList::new(py, items)?.into_any().unbind()
            }
        }))
    }

    fn json_name(&self, attr: &str) -> String {
        if let Some(f) = self.inner().fields().iter().find(|f| f.snake == attr) {
            return f.json.to_string();
        }
        if attr == "odata_type" {
            return "@odata.type".into();
        }
        snake_to_camel(attr)
    }
}

pub fn snake_to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_version(py: Python<'_>, v: &str) -> PyResult<ApiVersion> {
    ApiVersion::parse(v).ok_or_else(|| {
        invalid(
            py,
            format!("unknown API version {v:?} (use \"v1.0\" or \"beta\")"),
        )
    })
}

pub fn find_decoder(
    py: Python<'_>,
    version: ApiVersion,
    type_name: &str,
) -> PyResult<&'static Decoder> {
    decoder(version, type_name).ok_or_else(|| {
        invalid(
            py,
            format!("unknown {} type {type_name:?}", version.as_str()),
        )
    })
}

/// Checks a JSON value against a Graph type (wrong property types are
/// argument errors) and returns the typed model.
pub fn validate(
    py: Python<'_>,
    version: ApiVersion,
    type_name: &str,
    value: Value,
) -> PyResult<Box<dyn DynModel>> {
    if !value.is_object() {
        return Err(invalid(
            py,
            format!("a {type_name} must be a JSON object, got {value}"),
        ));
    }
    let dec = find_decoder(py, version, type_name)?;
    (dec.from_value)(value).map_err(|e| invalid(py, format!("invalid {type_name}: {e}")))
}

#[pymethods]
impl Model {
    /// Declared properties first (no failed generic lookup, no exception
    /// on the hot path), then methods, then undeclared properties by their
    /// camelCase name.
    fn __getattribute__(slf: &Bound<'_, Self>, name: &Bound<'_, PyString>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let n = name.to_cow()?;
        if !n.starts_with('_') {
            if let Some(f) = me.inner().fields().iter().find(|f| f.snake == n) {
                return Ok(me
                    .got(py, me.inner().get(f.json))?
                    .unwrap_or_else(|| py.None()));
            }
        }
        // SAFETY: both pointers are live objects borrowed for the call; the
        // result is a new reference or NULL with an exception set.
        let generic = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                pyo3::ffi::PyObject_GenericGetAttr(slf.as_ptr(), name.as_ptr()),
            )
        };
        match generic {
            Ok(v) => Ok(v.unbind()),
            Err(e) if !n.starts_with('_') && e.is_instance_of::<PyAttributeError>(py) => {
                let json = me.json_name(&n);
                match me.got(py, me.inner().get(&json))? {
                    Some(v) => Ok(v),
                    None => Err(PyAttributeError::new_err(format!(
                        "'{}' object has no attribute '{n}'",
                        upper_first(me.inner().type_name())
                    ))),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// A property by its Graph (camelCase) name, declared or not.
    fn __getitem__(&self, py: Python<'_>, key: &str) -> PyResult<Py<PyAny>> {
        match self.inner().get(key) {
            Got::Missing | Got::Null => match self.json().get(key) {
                None => Err(PyKeyError::new_err(key.to_string())),
                Some(v) => to_py(py, v),
            },
            got => Ok(self.got(py, got)?.unwrap_or_else(|| py.None())),
        }
    }

    /// Whether Graph's JSON has `key`: read from the struct, serialized only
    /// to tell an absent declared property from an explicit `null`.
    fn __contains__(&self, key: &str) -> bool {
        match self.inner().get(key) {
            Got::Missing => false,
            Got::Null => self.json().get(key).is_some(),
            _ => true,
        }
    }

    #[pyo3(signature = (key, default=None))]
    fn get(&self, py: Python<'_>, key: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        match self.inner().get(key) {
            Got::Missing => Ok(default.unwrap_or_else(|| py.None())),
            got => Ok(self.got(py, got)?.unwrap_or_else(|| py.None())),
        }
    }

    /// Graph's JSON as Python values (camelCase keys, unknown properties kept).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.json())
    }

    /// Graph's JSON as text.
    fn to_json(&self) -> String {
        self.json().to_string()
    }

    /// The Graph type name (`accessPackage`).
    #[getter]
    fn _graph_type(&self) -> &'static str {
        self.inner().type_name()
    }

    /// `v1.0` or `beta`.
    #[getter]
    fn _api_version(&self) -> &'static str {
        self.version.as_str()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = other.py();
        if let Ok(o) = other.cast::<Model>() {
            let o = o.get();
            let same = self.inner().type_name() == o.inner().type_name() && self.json() == o.json();
            return Ok(same.into_pyobject(py)?.to_owned().into_any().unbind());
        }
        if other.cast::<PyDict>().is_ok() {
            let same = from_py(other, "other")
                .map(|v| v == self.json())
                .unwrap_or(false);
            return Ok(same.into_pyobject(py)?.to_owned().into_any().unbind());
        }
        Ok(py.NotImplemented())
    }

    fn __hash__(&self) -> PyResult<isize> {
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "unhashable type: '{}'",
            self.inner().type_name()
        )))
    }

    fn __repr__(&self) -> String {
        let json = self.json();
        let mut parts = Vec::new();
        for f in self.inner().fields() {
            if let Some(v) = json.get(f.json) {
                parts.push(format!("{}={}", f.snake, short_repr(v)));
            }
        }
        if let Value::Object(m) = &json {
            let declared = self.inner().fields();
            for (k, v) in m {
                if !declared.iter().any(|f| f.json == k) && !v.is_null() && k != "@odata.type" {
                    parts.push(format!("{k}={}", short_repr(v)));
                }
            }
        }
        format!(
            "{}({})",
            upper_first(self.inner().type_name()),
            parts.join(", ")
        )
    }

    fn __dir__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut names: Vec<&str> = self.inner().fields().iter().map(|f| f.snake).collect();
        names.extend(["to_dict", "to_json", "get", "_graph_type", "_api_version"]);
        Ok(PyList::new(py, names)?.into_any().unbind())
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let f = py
            .import("entitlement._native")?
            .getattr("model_from_json")?;
        let args = PyTuple::new(
            py,
            [
                self.version.as_str(),
                self.inner().type_name(),
                &self.to_json(),
            ],
        )?;
        Ok((f, args))
    }

    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn short_repr(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let mut o = String::with_capacity(s.len() + 2);
            o.push('\'');
            for c in s.chars() {
                match c {
                    '\'' => o.push_str("\\'"),
                    '\\' => o.push_str("\\\\"),
                    '\n' => o.push_str("\\n"),
                    c => o.push(c),
                }
            }
            o.push('\'');
            o
        }
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Array(a) => format!("[...{} items]", a.len()),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(_) => "{...}".into(),
        other => other.to_string(),
    }
}

/// The `data` (Graph JSON: dict, JSON text or a model) merged with
/// snake_case keyword arguments, checked against the type.
/// `odata_type` is added when absent: a subtype built on its own (a
/// `singleUser` in `allowedRequestors`) must say what it is on the wire.
#[pyfunction]
#[pyo3(signature = (version, type_name, data=None, kwargs=None, odata_type=None))]
pub fn model_from_dict(
    py: Python<'_>,
    version: &str,
    type_name: &str,
    data: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
    odata_type: Option<&str>,
) -> PyResult<Model> {
    let version = parse_version(py, version)?;
    let dec = find_decoder(py, version, type_name)?;
    let mut value = match data {
        None => Value::Object(Default::default()),
        Some(d) if d.is_none() => Value::Object(Default::default()),
        Some(d) => body_value(d, type_name)?,
    };
    if let Some(kw) = kwargs {
        let empty = (dec.from_value)(Value::Object(Default::default()))
            .map_err(|e| invalid(py, e.to_string()))?;
        let probe = Model::new(empty, version);
        let obj = value
            .as_object_mut()
            .ok_or_else(|| invalid(py, format!("a {type_name} must be a JSON object")))?;
        for (k, v) in kw.iter() {
            let k: String = k.extract()?;
            let json = probe.json_name(&k);
            let v = from_py(&v, &k)?;
            obj.insert(json, v);
        }
    }
    if let (Some(t), Value::Object(obj)) = (odata_type, &mut value) {
        if !obj.contains_key("@odata.type") {
            let mut tagged = serde_json::Map::with_capacity(obj.len() + 1);
            tagged.insert("@odata.type".into(), Value::String(t.into()));
            tagged.extend(std::mem::take(obj));
            *obj = tagged;
        }
    }
    Ok(Model::new(
        validate(py, version, type_name, value)?,
        version,
    ))
}

/// A body argument as JSON: a dict, a model, or JSON text.
pub fn body_value(d: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    let py = d.py();
    if let Ok(s) = d.cast::<PyString>() {
        let text = s.to_cow()?;
        return serde_json::from_str(&text)
            .map_err(|e| invalid(py, format!("{what}: not valid JSON: {e}")));
    }
    if let Ok(b) = d.extract::<Vec<u8>>() {
        if d.cast::<pyo3::types::PyBytes>().is_ok() {
            return serde_json::from_slice(&b)
                .map_err(|e| invalid(py, format!("{what}: not valid JSON: {e}")));
        }
    }
    if d.cast::<PyDict>().is_ok() || d.cast::<Model>().is_ok() {
        return from_py(d, what);
    }
    Err(invalid(
        py,
        format!(
            "{what} must be a dict, a model or JSON text, not {}",
            type_name(d)
        ),
    ))
}

#[pyfunction]
pub fn model_from_json(
    py: Python<'_>,
    version: &str,
    type_name: &str,
    text: &str,
) -> PyResult<Model> {
    let version = parse_version(py, version)?;
    let dec = find_decoder(py, version, type_name)?;
    let m =
        (dec.one)(text.as_bytes()).map_err(|e| invalid(py, format!("invalid {type_name}: {e}")))?;
    Ok(Model::new(m, version))
}

/// `[(snake, json), ...]` of a type's declared properties.
#[pyfunction]
pub fn model_fields(
    py: Python<'_>,
    version: &str,
    type_name: &str,
) -> PyResult<Vec<(&'static str, &'static str)>> {
    let version = parse_version(py, version)?;
    let dec = find_decoder(py, version, type_name)?;
    let empty = (dec.from_value)(Value::Object(Default::default()))
        .map_err(|e| invalid(py, e.to_string()))?;
    Ok(empty.fields().iter().map(|f| (f.snake, f.json)).collect())
}
