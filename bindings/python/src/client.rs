// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeClient`: core's bridge behind one generic entry point. The
//! generated Python methods call `call("beta.create_...", args, query, body)`;
//! host values become JSON values with the GIL held, core's bridge checks
//! them, and the request and the decoding into typed models run on the
//! runtime without the GIL. Only the Python objects are made with it.

use std::sync::Arc;

use entitlement::api::OPERATIONS;
use entitlement::bridge::runtime::{check_pid, runtime};
use entitlement::bridge::{
    self, Call, ClientConfig, Output, PageTask, RawBody, Response, Session, WaitRequest,
};
use entitlement::{ApiVersion, Error};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::auth::PyTokenProvider;
use crate::convert::{from_py, value_of};
use crate::error::{invalid, to_py_err};
use crate::model::{body_value, Model};
use crate::runtime::{block_on, future_into_py};

/// Turns a typed result into Python objects: a model, None, or for
/// collections `(items, next_link, count)`.
fn into_py(py: Python<'_>, out: Output, version: ApiVersion) -> PyResult<Py<PyAny>> {
    match out {
        Output::Nothing => Ok(py.None()),
        Output::One(m) => Ok(Py::new(py, Model::new(Arc::from(m), version))?.into_any()),
        Output::Page(p) => {
            let items = p
                .items
                .into_iter()
                .map(|m| Py::new(py, Model::new(m, version)))
                .collect::<PyResult<Vec<_>>>()?;
            let list = PyList::new(py, items)?;
            Ok((list, p.next_link, p.count)
                .into_pyobject(py)?
                .into_any()
                .unbind())
        }
    }
}

/// Sends a call (or fetches a next link of it).
async fn send(
    session: Arc<Session>,
    call: Arc<Call>,
    link: Option<String>,
) -> Result<Response, Error> {
    let client = session.client()?;
    match &link {
        None => call.send(&client).await,
        Some(l) => call.next_page(&client, l).await,
    }
}

/// The same, decoded (for asyncio: on the runtime, the loop must not block).
async fn fetch(
    session: Arc<Session>,
    call: Arc<Call>,
    link: Option<String>,
) -> Result<Output, Error> {
    send(session, call, link).await?.typed()
}

/// Blocking: sends with the GIL released, then decodes on this thread (the
/// one that will free the models) with the GIL still released.
fn fetch_blocking(
    py: Python<'_>,
    session: Arc<Session>,
    call: Arc<Call>,
    link: Option<String>,
) -> PyResult<Py<PyAny>> {
    let version = call.op.version;
    let resp = block_on(py, send(session, call, link))?;
    let out = py.detach(|| resp.typed()).map_err(|e| to_py_err(py, e))?;
    into_py(py, out, version)
}

#[pyclass(module = "entitlement._native", frozen)]
pub struct NativeClient {
    session: Arc<Session>,
    pid: u32,
}

/// A checked call: pagers keep one for every page they fetch.
#[pyclass(module = "entitlement._native", frozen)]
pub struct PreparedCall {
    call: Arc<Call>,
}

impl NativeClient {
    fn prepare(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Arc<Call>> {
        check_pid(self.pid).map_err(|e| to_py_err(py, e))?;
        let args = from_py(args.as_any(), "args")?;
        let query = value_of(query.map(|q| q.as_any()), "query")?;
        let body = match body.filter(|b| !b.is_none()) {
            None => RawBody::None,
            Some(b) => RawBody::Json(body_value(b, "body")?),
        };
        Call::new(op, args, query, body)
            .map(Arc::new)
            .map_err(|e| to_py_err(py, e))
    }

    fn check_pid(&self, py: Python<'_>) -> PyResult<()> {
        check_pid(self.pid).map_err(|e| to_py_err(py, e))
    }

    /// The connection, for the other native classes (jobs).
    pub(crate) fn session(&self, py: Python<'_>) -> PyResult<Arc<Session>> {
        self.check_pid(py)?;
        Ok(self.session.clone())
    }
}

#[pymethods]
impl NativeClient {
    /// `options`: the client options (snake_case or camelCase keys, see
    /// core's `ClientConfig`); `token_provider`: a callable returning a token.
    #[new]
    #[pyo3(signature = (options=None, token_provider=None))]
    fn new(
        py: Python<'_>,
        options: Option<&Bound<'_, PyDict>>,
        token_provider: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = ClientConfig::from_value(value_of(options.map(|o| o.as_any()), "options")?)
            .map_err(|e| to_py_err(py, e))?;
        let host = match token_provider.filter(|p| !p.is_none()) {
            None => None,
            Some(cb) if cb.is_callable() || cb.hasattr("get_token").unwrap_or(false) => {
                Some(Arc::new(PyTokenProvider::new(py, cb.unbind()))
                    as Arc<dyn entitlement::auth::TokenProvider>)
            }
            Some(_) => {
                return Err(invalid(
                    py,
                    "token_provider must be callable (or a credential with get_token)",
                ))
            }
        };
        let session = Session::new(config, host).map_err(|e| to_py_err(py, e))?;
        Ok(NativeClient {
            session: Arc::new(session),
            pid: std::process::id(),
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        self.session.base_url()
    }

    #[getter]
    fn api_version(&self) -> &'static str {
        self.session.api_version().as_str()
    }

    /// Which kind of credential is configured (never the secret itself).
    #[getter]
    fn credential(&self) -> &'static str {
        self.session.credential_kind()
    }

    /// Sends an operation by its qualified name and blocks until it is done.
    /// Returns a model, None, or for collections `(items, next_link, count)`.
    #[pyo3(signature = (op, args, query=None, body=None))]
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let call = self.prepare(py, op, args, query, body)?;
        fetch_blocking(py, self.session.clone(), call, None)
    }

    /// Like `call`, as an asyncio future of the running loop.
    #[pyo3(signature = (op, args, query=None, body=None))]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        args: &Bound<'py, PyTuple>,
        query: Option<&Bound<'py, PyDict>>,
        body: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = self.prepare(py, op, args, query, body)?;
        let version = call.op.version;
        future_into_py(
            py,
            fetch(self.session.clone(), call, None),
            move |py, out| into_py(py, out, version),
        )
    }

    /// Checks a list call without sending it; pagers keep the result.
    #[pyo3(signature = (op, args, query=None))]
    fn prepare_list(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PreparedCall> {
        self.check_pid(py)?;
        let args = from_py(args.as_any(), "args")?;
        let query = value_of(query.map(|q| q.as_any()), "query")?;
        let call = Call::list(op, args, query).map_err(|e| to_py_err(py, e))?;
        Ok(PreparedCall {
            call: Arc::new(call),
        })
    }

    /// One page of a prepared list call: the first (`next_link` None) or
    /// the one at `next_link`: `(items, next_link, count)`.
    #[pyo3(signature = (prepared, next_link=None))]
    fn page(
        &self,
        py: Python<'_>,
        prepared: &PreparedCall,
        next_link: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        self.check_pid(py)?;
        fetch_blocking(py, self.session.clone(), prepared.call.clone(), next_link)
    }

    #[pyo3(signature = (prepared, next_link=None))]
    fn page_async<'py>(
        &self,
        py: Python<'py>,
        prepared: &PreparedCall,
        next_link: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.check_pid(py)?;
        let version = prepared.call.op.version;
        future_into_py(
            py,
            fetch(self.session.clone(), prepared.call.clone(), next_link),
            move |py, out| into_py(py, out, version),
        )
    }

    /// Every page of a prepared list call, the next one fetched and decoded
    /// in the background while the caller works through the current one.
    fn pages(&self, py: Python<'_>, prepared: &PreparedCall) -> PyResult<Pages> {
        self.check_pid(py)?;
        let rt = runtime().map_err(|e| to_py_err(py, e))?.handle().clone();
        let pages = bridge::Pages::new(self.session.clone(), prepared.call.clone(), rt);
        Ok(Pages {
            pages: Arc::new(pages),
        })
    }

    /// Polls an assignment request until its state is final. `options`:
    /// `timeout`, `poll_interval` (seconds), `api_version`.
    #[pyo3(signature = (request_id, options=None))]
    fn wait_for_request(
        &self,
        py: Python<'_>,
        request_id: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let (w, session) = self.waiter(py, request_id, options)?;
        let version = w.version;
        let m = block_on(py, async move { w.run(&session.client()?).await })?;
        Ok(Py::new(py, Model::new(Arc::from(m), version))?.into_any())
    }

    #[pyo3(signature = (request_id, options=None))]
    fn wait_for_request_async<'py>(
        &self,
        py: Python<'py>,
        request_id: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (w, session) = self.waiter(py, request_id, options)?;
        let version = w.version;
        future_into_py(
            py,
            async move { w.run(&session.client()?).await },
            move |py, m| Ok(Py::new(py, Model::new(Arc::from(m), version))?.into_any()),
        )
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.session)
    }
}

impl NativeClient {
    fn waiter(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(WaitRequest, Arc<Session>)> {
        self.check_pid(py)?;
        let id = match from_py(id, "request_id")? {
            serde_json::Value::String(s) => s,
            _ => {
                return Err(invalid(
                    py,
                    format!(
                        "request id must be str, not {}",
                        crate::convert::type_name(id)
                    ),
                ))
            }
        };
        let w = WaitRequest::new(id, value_of(options.map(|o| o.as_any()), "options")?)
            .map_err(|e| to_py_err(py, e))?;
        Ok((w, self.session.clone()))
    }
}

/// The pages of one list call, the next one requested while the caller
/// works through the current one (core's [`bridge::Pages`]). Decoding
/// happens on the thread that will free the models (glibc frees memory of
/// its own thread markedly faster), with the GIL released for blocking calls.
#[pyclass(module = "entitlement._native", frozen)]
pub struct Pages {
    pages: Arc<bridge::Pages>,
}

/// Decodes a page's response and lets the pager go on past it.
fn decoded(
    pages: &bridge::Pages,
    task: PageTask,
    resp: Result<Response, Error>,
) -> Result<Output, Error> {
    let out = resp.and_then(Response::typed);
    let next = match &out {
        Ok(Output::Page(p)) => Ok(p.next_link.clone()),
        Ok(_) => Ok(None),
        Err(_) => Err(()),
    };
    pages.advance(task, next);
    out
}

#[pymethods]
impl Pages {
    /// The next page as `(items, next_link, count)`, or None after the last.
    fn next_page(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let Some(mut task) = self.pages.next().map_err(|e| to_py_err(py, e))? else {
            return Ok(py.None());
        };
        let (resp, task) = match block_on(py, async move { Ok((task.response().await, task)) }) {
            Ok(got) => got,
            Err(e) => {
                self.pages.stop();
                return Err(e);
            }
        };
        let out = py.detach(|| decoded(&self.pages, task, resp));
        into_py(
            py,
            out.map_err(|e| to_py_err(py, e))?,
            self.pages.call().op.version,
        )
    }

    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (pages, version) = (self.pages.clone(), self.pages.call().op.version);
        let task = pages.next().map_err(|e| to_py_err(py, e))?;
        // asyncio: decoded on the runtime (the loop thread must not block).
        let fut = async move {
            let Some(mut task) = task else {
                return Ok(None);
            };
            let resp = task.response().await;
            decoded(&pages, task, resp).map(Some)
        };
        future_into_py(py, fut, move |py, out| match out {
            Some(out) => into_py(py, out, version),
            None => Ok(py.None()),
        })
    }
}

/// Qualified names of every operation core knows (`name`, `beta.name`).
#[pyfunction]
pub fn operations() -> Vec<String> {
    OPERATIONS.iter().map(|op| op.qualified_name()).collect()
}

/// `entitlement.Filter.eq(...)` and friends: core's builder.
#[pyfunction]
pub fn filter_compare(
    py: Python<'_>,
    prop: &Bound<'_, PyAny>,
    op: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let prop = match from_py(prop, "property")? {
        serde_json::Value::String(s) => s,
        _ => {
            return Err(invalid(
                py,
                format!(
                    "property must be str, not {}",
                    crate::convert::type_name(prop)
                ),
            ))
        }
    };
    let value = from_py(value, "value")?;
    entitlement::bridge::filter_compare(&prop, op, value).map_err(|e| to_py_err(py, e))
}
