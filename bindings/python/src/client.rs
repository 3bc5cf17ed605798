// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeClient`: core's bridge behind one generic entry point. The
//! generated Python methods call `call("beta.create_...", args, query, body)`;
//! host values become JSON values with the GIL held, core's bridge checks
//! them, and the request and the decoding into typed models run without the
//! GIL. Only the Python objects are made with it. Every method has a
//! blocking and an asyncio form, one body for both ([`Mode`]).

use std::sync::Arc;

use entitlement::bridge::{
    self, Call, ClientConfig, Output, RawBody, Response, Session, WaitRequest,
};
use entitlement::ApiVersion;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde_json::Value;

use crate::auth;
use crate::convert::{from_py, str_of, value_of};
use crate::error::OrRaise;
use crate::model::{body_value, Model};
use crate::runtime::{answer, Mode};

/// Turns a typed result into Python objects: a model, None, or for
/// collections `(items, next_link, count)`.
fn into_py(py: Python<'_>, out: Output, version: ApiVersion) -> PyResult<Py<PyAny>> {
    match out {
        Output::Nothing => Ok(py.None()),
        Output::One(m) => Ok(Py::new(py, Model::new(Arc::from(m), version))?.into_any()),
        Output::Page(p) => {
            let models = p.items.into_iter().map(|m| Model::new(m, version));
            let list = PyList::new(py, models)?;
            let page = (list, p.next_link, p.count).into_pyobject(py)?;
            Ok(page.into_any().unbind())
        }
    }
}

#[pyclass(module = "entitlement._native", frozen)]
pub struct NativeClient {
    session: Arc<Session>,
}

/// A checked call: pagers keep one for every page they fetch.
#[pyclass(module = "entitlement._native", frozen)]
pub struct PreparedCall {
    call: Arc<Call>,
}

impl NativeClient {
    /// The connection, for this and the other native classes (jobs); a
    /// client made before a fork() is refused in the child.
    pub(crate) fn session(&self, py: Python<'_>) -> PyResult<Arc<Session>> {
        crate::log::poll(py);
        self.session.check_fork().or_raise(py)?;
        Ok(self.session.clone())
    }

    /// Checks a call: `body` None for a list call (pagers).
    fn prepare(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
        body: Option<Option<&Bound<'_, PyAny>>>,
    ) -> PyResult<Arc<Call>> {
        self.session(py)?;
        let args = from_py(args.as_any(), "args")?;
        let query = value_of(query, "query")?;
        let call = match body.map(|b| b.filter(|b| !b.is_none())) {
            None => Call::list(op, args, query),
            Some(None) => Call::new(op, args, query, RawBody::None),
            Some(Some(b)) => Call::new(op, args, query, RawBody::Json(body_value(b, "body")?)),
        };
        call.map(Arc::new).or_raise(py)
    }

    /// Sends a call (or fetches the page at `link` of it), typed.
    fn send(
        &self,
        py: Python<'_>,
        mode: Mode,
        call: Arc<Call>,
        link: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let (session, version) = (self.session(py)?, call.op.version);
        let fut = async move { session.send(&call, link.as_deref()).await };
        let convert = move |py: Python<'_>, out| into_py(py, out, version);
        answer(py, mode, fut, Response::typed, convert)
    }

    /// Polls an assignment request until its state is final.
    fn wait(
        &self,
        py: Python<'_>,
        mode: Mode,
        id: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let session = self.session(py)?;
        let id = str_of(id, "request id")?;
        let w = WaitRequest::new(id, value_of(options, "options")?).or_raise(py)?;
        let version = w.version;
        let fut = async move { w.run(&session.client()?).await.map(Output::One) };
        answer(py, mode, fut, Ok, move |py, out| into_py(py, out, version))
    }
}

#[pymethods]
impl NativeClient {
    /// `options`: the client options (snake_case or camelCase keys, see
    /// core's `ClientConfig`); `token_provider`: a callable returning a
    /// token, or a credential with `get_token`.
    #[new]
    #[pyo3(signature = (options=None, token_provider=None))]
    fn new(
        py: Python<'_>,
        options: Option<&Bound<'_, PyDict>>,
        token_provider: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = ClientConfig::from_value(value_of(options, "options")?).or_raise(py)?;
        let host = auth::provider(token_provider)?;
        let session = Arc::new(Session::new(config, host).or_raise(py)?);
        Ok(NativeClient { session })
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

    /// Sends an operation by its qualified name: blocks until done, or with `asyncio` answers an
    /// asyncio future of the running loop. A model, None, or `(items, next_link, count)`.
    #[pyo3(signature = (op, args, query=None, body=None, asyncio=false))]
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
        body: Option<&Bound<'_, PyAny>>,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        let call = self.prepare(py, op, args, query, Some(body))?;
        self.send(py, Mode::of(asyncio), call, None)
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
        let call = self.prepare(py, op, args, query, None)?;
        Ok(PreparedCall { call })
    }

    /// One page of a prepared list call: the first (`next_link` None) or
    /// the one at `next_link`: `(items, next_link, count)`.
    #[pyo3(signature = (prepared, next_link=None, asyncio=false))]
    fn page(
        &self,
        py: Python<'_>,
        prepared: &PreparedCall,
        next_link: Option<String>,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        self.send(py, Mode::of(asyncio), prepared.call.clone(), next_link)
    }

    /// Every page of a prepared list call, the next one fetched in the
    /// background while the caller works through the current one.
    fn pages(&self, py: Python<'_>, prepared: &PreparedCall) -> PyResult<Pages> {
        let pages = bridge::Pages::new(self.session(py)?, prepared.call.clone()).or_raise(py)?;
        let pages = Arc::new(pages);
        Ok(Pages { pages })
    }

    /// Polls an assignment request until its state is final. `options`:
    /// `timeout`, `poll_interval` (seconds), `api_version`.
    #[pyo3(signature = (request_id, options=None, asyncio=false))]
    fn wait_for_request(
        &self,
        py: Python<'_>,
        request_id: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        self.wait(py, Mode::of(asyncio), request_id, options)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.session)
    }
}

/// The pages of one list call, the next one requested while the caller
/// works through the current one (core's [`bridge::Pages`]).
#[pyclass(module = "entitlement._native", frozen)]
pub struct Pages {
    pages: Arc<bridge::Pages>,
}

#[pymethods]
impl Pages {
    /// The next page as `(items, next_link, count)`, or None after the last.
    #[pyo3(signature = (asyncio=false))]
    fn next_page(&self, py: Python<'_>, asyncio: bool) -> PyResult<Py<PyAny>> {
        let (pages, version) = (self.pages.clone(), self.pages.call().op.version);
        let next = self.pages.clone().next_response();
        let decode = move |got| match got {
            Some((task, resp)) => pages.finish(task, resp, Response::typed).map(Some),
            None => Ok(None),
        };
        let convert = move |py: Python<'_>, out: Option<Output>| match out {
            Some(out) => into_py(py, out, version),
            None => Ok(py.None()),
        };
        answer(py, Mode::of(asyncio), next, decode, convert)
    }
}

/// Qualified names of every operation core knows (`name`, `beta.name`).
#[pyfunction]
pub fn operations() -> Vec<String> {
    bridge::operation_names()
}

/// `entitlement.Filter.eq(...)` and friends: core's builder.
#[pyfunction]
pub fn filter_compare(
    py: Python<'_>,
    prop: &Bound<'_, PyAny>,
    op: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let prop = str_of(prop, "property")?;
    let value: Value = from_py(value, "value")?;
    bridge::filter_compare(&prop, op, value).or_raise(py)
}
