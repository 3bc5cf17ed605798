// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `Model`: any Graph object, held as the typed Rust struct the response was
//! parsed into. Attributes are read lazily by snake_case name through
//! [`DynModel`]; nothing is converted to Python until it is asked for, and a
//! nested model (`assignment.target`) is a view into the same struct, not a
//! copy. `to_dict()` is Graph's JSON (camelCase, unknown properties kept).
//! Construction, names and `repr` are core's (`bridge::model`).

use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

use entitlement::bridge::model;
use entitlement::models::{DynModel, FieldName, Got};
use entitlement::ApiVersion;
use pyo3::exceptions::{PyAttributeError, PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyTuple};
use serde_json::Value;

use crate::convert::{from_py, to_py, type_name};
use crate::error::{invalid, OrRaise};

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
    pub fn new(root: Arc<dyn DynModel>, version: ApiVersion) -> Self {
        let this = NonNull::from(&*root);
        Model {
            root,
            this,
            version,
        }
    }

    /// A view of a model nested in this one.
    fn child(&self, m: &(dyn DynModel + 'static)) -> Model {
        Model {
            root: self.root.clone(),
            this: NonNull::from(m),
            version: self.version,
        }
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
            Got::Bool(b) => PyBool::new(py, b).to_owned().into_any().unbind(),
            Got::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
            Got::Json(v) => to_py(py, &v)?,
            Got::Model(m) => Py::new(py, self.child(m))?.into_any(),
            Got::Models(ms) => {
                let list = PyList::new(py, ms.into_iter().map(|m| self.child(m)))?;
                list.into_any().unbind()
            }
        }))
    }

    fn get_or_none(&self, py: Python<'_>, got: Got<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.got(py, got)?.unwrap_or_else(|| py.None()))
    }
}

/// Per type, attribute name → index of the declared property. Attribute
/// names are interned `str`s, so the lookup is a pointer match with no
/// UTF-8 conversion (under abi3 for 3.9 every conversion allocates).
fn field_of(
    py: Python<'_>,
    fields: &'static [FieldName],
    name: &Bound<'_, PyString>,
) -> PyResult<Option<&'static FieldName>> {
    static NAMES: Mutex<Option<HashMap<usize, Py<PyDict>>>> = Mutex::new(None);
    let dict = {
        let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
        let names = names.get_or_insert_with(HashMap::new);
        match names.get(&(fields.as_ptr() as usize)) {
            Some(d) => d.clone_ref(py),
            None => {
                let d = PyDict::new(py);
                for (i, f) in fields.iter().enumerate() {
                    d.set_item(PyString::intern(py, f.snake), i)?;
                }
                names.insert(fields.as_ptr() as usize, d.clone().unbind());
                d.unbind()
            }
        }
    };
    match dict.bind(py).get_item(name)? {
        Some(i) => Ok(fields.get(i.extract::<usize>()?)),
        None => Ok(None),
    }
}

#[pymethods]
impl Model {
    /// Declared properties first (no failed generic lookup, no exception
    /// on the hot path), then methods, then undeclared properties by their
    /// camelCase name.
    fn __getattribute__(slf: &Bound<'_, Self>, name: &Bound<'_, PyString>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let me = slf.get();
        if let Some(f) = field_of(py, me.inner().fields(), name)? {
            return me.get_or_none(py, me.inner().get(f.json));
        }
        // SAFETY: both pointers are live objects borrowed for the call; the
        // result is a new reference or NULL with an exception set.
        let generic = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                pyo3::ffi::PyObject_GenericGetAttr(slf.as_ptr(), name.as_ptr()),
            )
        };
        let n = name.to_cow()?;
        match generic {
            Ok(v) => Ok(v.unbind()),
            Err(e) if !n.starts_with('_') && e.is_instance_of::<PyAttributeError>(py) => {
                let json = model::json_name(me.inner().fields(), &n);
                me.got(py, me.inner().get(&json))?.ok_or_else(|| {
                    let class = model::class_name(me.inner());
                    PyAttributeError::new_err(format!("'{class}' object has no attribute '{n}'"))
                })
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
            got => self.get_or_none(py, got),
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
            got => self.get_or_none(py, got),
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
        let same = if let Ok(o) = other.cast::<Model>() {
            let o = o.get();
            self.inner().type_name() == o.inner().type_name() && self.json() == o.json()
        } else if other.cast::<PyDict>().is_ok() {
            from_py(other, "other").is_ok_and(|v| v == self.json())
        } else {
            return Ok(py.NotImplemented());
        };
        Ok(PyBool::new(py, same).to_owned().into_any().unbind())
    }

    fn __hash__(&self) -> PyResult<isize> {
        let t = self.inner().type_name();
        Err(PyTypeError::new_err(format!("unhashable type: '{t}'")))
    }

    fn __repr__(&self) -> String {
        model::repr(self.inner())
    }

    fn __dir__(&self) -> Vec<&'static str> {
        let mut names: Vec<&str> = self.inner().fields().iter().map(|f| f.snake).collect();
        names.extend(["to_dict", "to_json", "get", "_graph_type", "_api_version"]);
        names
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let native = py.import("entitlement._native")?;
        let f = native.getattr("model_from_json")?;
        let (version, ty) = (self.version.as_str(), self.inner().type_name());
        let args = [version, ty, &self.to_json()];
        Ok((f, PyTuple::new(py, args)?))
    }

    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }
}

/// The `data` (Graph JSON: dict, JSON text or a model) merged with
/// snake_case keyword arguments, checked against the type.
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
    let data = match data.filter(|d| !d.is_none()) {
        None => Value::Null,
        Some(d) => body_value(d, type_name)?,
    };
    let mut props = Vec::new();
    for (k, v) in kwargs.iter().flat_map(|kw| kw.iter()) {
        let k: String = k.extract()?;
        let v = from_py(&v, &k)?;
        props.push((k, v));
    }
    let (v, dec) = model::find(version, type_name).or_raise(py)?;
    let m = model::build(dec, type_name, data, props, odata_type).or_raise(py)?;
    Ok(Model::new(Arc::from(m), v))
}

/// A body argument as JSON: a dict, a model, or JSON text.
pub fn body_value(d: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    let py = d.py();
    let text = if let Ok(s) = d.cast::<PyString>() {
        s.to_cow()?.into_owned().into_bytes()
    } else if let Ok(b) = d.cast::<pyo3::types::PyBytes>() {
        b.as_bytes().to_vec()
    } else if d.cast::<PyDict>().is_ok() || d.cast::<Model>().is_ok() {
        return from_py(d, what);
    } else {
        let t = type_name(d);
        return Err(invalid(
            py,
            format!("{what} must be a dict, a model or JSON text, not {t}"),
        ));
    };
    serde_json::from_slice(&text).map_err(|e| invalid(py, format!("{what}: not valid JSON: {e}")))
}

#[pyfunction]
pub fn model_from_json(
    py: Python<'_>,
    version: &str,
    type_name: &str,
    text: &str,
) -> PyResult<Model> {
    let (v, m) = model::from_json(version, type_name, text).or_raise(py)?;
    Ok(Model::new(Arc::from(m), v))
}

/// `[(snake, json), ...]` of a type's declared properties.
#[pyfunction]
pub fn model_fields(
    py: Python<'_>,
    version: &str,
    type_name: &str,
) -> PyResult<Vec<(&'static str, &'static str)>> {
    model::field_names(version, type_name).or_raise(py)
}
