// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeClient`: core's [`Client`] behind one generic entry point. The
//! generated Python methods call `call("beta.create_...", args, query, body)`;
//! arguments are checked and copied into owned Rust values with the GIL
//! held, the request and the decoding of the response into typed models run
//! on the runtime without it, and only the Python objects are made with it.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use entitlement::api::{OpKind, OPERATIONS};
use entitlement::auth::{Secret, TokenProvider};
use entitlement::lifecycle::WaitOptions;
use entitlement::models::{decoder, DynModel, DynPage};
use entitlement::{
    ApiVersion, Client, ClientBuilder, Error, NationalCloud, Operation, QueryOptions, RawResponse,
    RetryPolicy,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::auth::PyTokenProvider;
use crate::convert::type_name;
use crate::error::{invalid, to_py_err};
use crate::model::{body_value, find_decoder, Model};
use crate::query::query_options;
use crate::runtime::{block_on, check_pid, future_into_py};

#[pyclass(module = "entitlement._native", frozen)]
pub struct NativeClient {
    client: Arc<LazyClient>,
    base_url: String,
    pid: u32,
    version: ApiVersion,
    credential: &'static str,
}

/// The credential as given; turned into a token provider on first use.
enum Credential {
    None,
    Token(Secret),
    Provider(Arc<dyn TokenProvider>),
    ClientSecret {
        tenant: String,
        client_id: String,
        secret: Secret,
    },
    Password {
        tenant: String,
        client_id: String,
        username: String,
        password: Secret,
    },
}

/// core's client, built on first use: building one sets up an HTTP client
/// (TLS roots included), which would make `Client(...)` cost tens of ms.
struct LazyClient {
    builder: ClientBuilder,
    credential: Credential,
    cell: OnceLock<Result<Client, Error>>,
}

impl LazyClient {
    fn get(&self) -> Result<Client, Error> {
        self.cell
            .get_or_init(|| {
                let b = self.builder.clone();
                let b = match &self.credential {
                    Credential::None => b,
                    Credential::Token(t) => b.token(t.clone()),
                    Credential::Provider(p) => b.credential(p.clone()),
                    Credential::ClientSecret {
                        tenant,
                        client_id,
                        secret,
                    } => b.client_secret(tenant, client_id, secret.clone()),
                    Credential::Password {
                        tenant,
                        client_id,
                        username,
                        password,
                    } => b.username_password(tenant, client_id, username, password.clone()),
                };
                b.build()
            })
            .clone()
    }
}

/// What a call produced, still without Python objects.
enum Output {
    Nothing,
    One(Box<dyn DynModel>, ApiVersion),
    Page(DynPage, ApiVersion),
}

impl Output {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Output::Nothing => Ok(py.None()),
            Output::One(m, v) => Ok(Py::new(py, Model::new(m, v))?.into_any()),
            Output::Page(p, v) => {
                let items = p
                    .items
                    .into_iter()
                    .map(|m| Py::new(py, Model::new(m, v)))
                    .collect::<PyResult<Vec<_>>>()?;
                let list = PyList::new(py, items)?;
                Ok((list, p.next_link, p.count)
                    .into_pyobject(py)?
                    .into_any()
                    .unbind())
            }
        }
    }
}

fn decode_error(raw: &RawResponse, e: serde_json::Error) -> Error {
    let mut err = Error::decode(format!("unexpected response body: {e}"));
    err.status = Some(raw.status);
    err.request_id = raw.request_id.clone();
    err.client_request_id = Some(raw.client_request_id.clone());
    err
}

fn decode(op: &'static Operation, raw: RawResponse) -> Result<Output, Error> {
    let Some(ty) = op.response else {
        return Ok(Output::Nothing);
    };
    let dec =
        decoder(op.version, ty).ok_or_else(|| Error::internal(format!("no model for {ty}")))?;
    if op.kind == OpKind::List || op.collection {
        return (dec.page)(&raw.body)
            .map(|p| Output::Page(p, op.version))
            .map_err(|e| decode_error(&raw, e));
    }
    if raw.body.is_empty() || raw.status == 204 {
        return Ok(Output::Nothing);
    }
    (dec.one)(&raw.body)
        .map(|m| Output::One(m, op.version))
        .map_err(|e| decode_error(&raw, e))
}

/// A response and the operation it answers, not decoded yet.
type Fetched = (&'static Operation, RawResponse);

/// Decodes on the calling thread with the GIL released: the models are
/// then allocated on the thread that will free them, which glibc's
/// allocator does markedly faster than freeing another thread's memory.
fn finish(py: Python<'_>, (op, raw): Fetched) -> PyResult<Py<PyAny>> {
    py.detach(move || decode(op, raw))
        .map_err(|e| to_py_err(py, e))?
        .into_py(py)
}

/// For asyncio: decoded on the runtime (the loop thread must not block).
async fn decoded(
    fut: impl std::future::Future<Output = Result<Fetched, Error>>,
) -> Result<Output, Error> {
    let (op, raw) = fut.await?;
    decode(op, raw)
}

fn find_op(py: Python<'_>, name: &str) -> PyResult<&'static Operation> {
    Operation::find_qualified(name)
        .ok_or_else(|| invalid(py, format!("unknown operation {name:?}")))
}

fn secs(py: Python<'_>, what: &str, v: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v).map_err(|_| {
        invalid(
            py,
            format!("{what} must be a non-negative number of seconds, got {v}"),
        )
    })
}

impl NativeClient {
    fn prepare(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<impl std::future::Future<Output = Result<Fetched, Error>> + Send + 'static> {
        check_pid(self.pid).map_err(|e| to_py_err(py, e))?;
        let op = find_op(py, op)?;
        if args.len() != op.params.len() {
            return Err(invalid(
                py,
                format!(
                    "{} takes {} path argument(s) ({}), got {}",
                    op.name,
                    op.params.len(),
                    op.params.join(", "),
                    args.len()
                ),
            ));
        }
        let mut owned = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let s = a.cast::<PyString>().map_err(|_| {
                invalid(
                    py,
                    format!(
                        "{}: {} must be str, not {}",
                        op.name,
                        op.params[i],
                        type_name(&a)
                    ),
                )
            })?;
            owned.push(s.to_cow()?.into_owned());
        }
        let query: QueryOptions = query_options(query)?;
        let body = match (body.filter(|b| !b.is_none()), op.body) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(invalid(py, format!("{} takes no request body", op.name)))
            }
            (Some(b), Some(ty)) => {
                let value = body_value(b, "body")?;
                if !value.is_object() {
                    return Err(invalid(
                        py,
                        format!("body of {} must be a JSON object ({ty})", op.name),
                    ));
                }
                let bytes = serde_json::to_vec(&value).map_err(|e| invalid(py, e.to_string()))?;
                // Wrong property types fail here, before anything is sent.
                let dec = find_decoder(py, op.version, ty)?;
                (dec.one)(&bytes)
                    .map_err(|e| invalid(py, format!("invalid {ty} body for {}: {e}", op.name)))?;
                Some(bytes)
            }
        };
        let lazy = self.client.clone();
        Ok(async move {
            let client = lazy.get()?;
            let args: Vec<&str> = owned.iter().map(String::as_str).collect();
            let raw = client.call(op, &args, &query, body).await?;
            Ok((op, raw))
        })
    }

    fn next_page(
        &self,
        py: Python<'_>,
        op: &str,
        link: String,
    ) -> PyResult<impl std::future::Future<Output = Result<Fetched, Error>> + Send + 'static> {
        check_pid(self.pid).map_err(|e| to_py_err(py, e))?;
        let op = find_op(py, op)?;
        if op.kind != OpKind::List {
            return Err(invalid(py, format!("{} is not a list operation", op.name)));
        }
        let lazy = self.client.clone();
        Ok(async move {
            let client = lazy.get()?;
            let raw = client.fetch_next(&link).await?;
            Ok((op, raw))
        })
    }

    fn waiter(
        &self,
        py: Python<'_>,
        beta: bool,
        id: &Bound<'_, PyAny>,
        timeout: f64,
        poll_interval: f64,
    ) -> PyResult<impl std::future::Future<Output = Result<Output, Error>> + Send + 'static> {
        check_pid(self.pid).map_err(|e| to_py_err(py, e))?;
        let id: String = id
            .cast::<PyString>()
            .map_err(|_| invalid(py, format!("request id must be str, not {}", type_name(id))))?
            .to_cow()?
            .into_owned();
        if id.is_empty() {
            return Err(invalid(py, "request id must not be empty"));
        }
        let opts = WaitOptions {
            timeout: secs(py, "timeout", timeout)?,
            poll_interval: secs(py, "poll_interval", poll_interval)?,
        };
        let lazy = self.client.clone();
        Ok(async move {
            let client = lazy.get()?;
            if beta {
                let r = client
                    .beta()
                    .wait_for_access_package_assignment_request(&id, opts)
                    .await?;
                Ok(Output::One(Box::new(r), ApiVersion::Beta))
            } else {
                let r = client.wait_for_assignment_request(&id, opts).await?;
                Ok(Output::One(Box::new(r), ApiVersion::V1))
            }
        })
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (base_url=None, *, cloud="global", api_version="v1.0", token=None, tenant_id=None, client_id=None,
        client_secret=None, username=None, password=None, token_provider=None, timeout=None, max_retries=None,
        authority=None, scope=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: Option<String>,
        cloud: &str,
        api_version: &str,
        token: Option<String>,
        tenant_id: Option<String>,
        client_id: Option<String>,
        client_secret: Option<String>,
        username: Option<String>,
        password: Option<String>,
        token_provider: Option<Bound<'_, PyAny>>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        authority: Option<String>,
        scope: Option<String>,
    ) -> PyResult<Self> {
        let cloud = NationalCloud::parse(cloud)
            .ok_or_else(|| invalid(py, format!("unknown cloud {cloud:?}")))?;
        let version = ApiVersion::parse(api_version).ok_or_else(|| {
            invalid(
                py,
                format!("unknown api_version {api_version:?} (use \"v1.0\" or \"beta\")"),
            )
        })?;
        let mut b = Client::builder().cloud(cloud).api_version(version);
        let base = base_url
            .clone()
            .unwrap_or_else(|| cloud.graph_url().to_string())
            .trim_end_matches('/')
            .to_string();
        // The checks ClientBuilder::build makes, done now so mistakes surface here.
        match url::Url::parse(&base) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            Ok(_) => return Err(invalid(py, format!("base URL must be http(s): {base:?}"))),
            Err(e) => return Err(invalid(py, format!("invalid base URL {base:?}: {e}"))),
        }
        if let Some(u) = base_url {
            b = b.base_url(u);
        }
        if let Some(a) = authority {
            b = b.authority(a);
        }
        if let Some(s) = scope {
            b = b.scope(s);
        }
        if let Some(t) = timeout {
            b = b.timeout(secs(py, "timeout", t)?);
        }
        if let Some(n) = max_retries {
            b = b.retry(RetryPolicy {
                max_attempts: n.saturating_add(1),
                ..RetryPolicy::default()
            });
        }
        let sources = [
            token.is_some(),
            token_provider.is_some(),
            client_secret.is_some(),
            password.is_some(),
        ];
        if sources.iter().filter(|x| **x).count() > 1 {
            return Err(invalid(
                py,
                "give one of token, token_provider, client_secret or username/password",
            ));
        }
        let need = |v: &Option<String>, name: &str, flow: &str| -> PyResult<String> {
            v.clone()
                .ok_or_else(|| invalid(py, format!("{flow} needs {name}")))
        };
        let (credential, name) = if let Some(t) = token {
            (Credential::Token(Secret::new(t)), "token")
        } else if let Some(cb) = token_provider {
            if !cb.is_callable() {
                return Err(invalid(py, "token_provider must be callable"));
            }
            (
                Credential::Provider(Arc::new(PyTokenProvider::new(cb.unbind()))),
                "token_provider",
            )
        } else if let Some(secret) = client_secret {
            let flow = "client_secret";
            let c = Credential::ClientSecret {
                tenant: need(&tenant_id, "tenant_id", flow)?,
                client_id: need(&client_id, "client_id", flow)?,
                secret: Secret::new(secret),
            };
            (c, "client_secret")
        } else if let Some(pw) = password {
            let flow = "password";
            let c = Credential::Password {
                tenant: need(&tenant_id, "tenant_id", flow)?,
                client_id: need(&client_id, "client_id", flow)?,
                username: need(&username, "username", flow)?,
                password: Secret::new(pw),
            };
            (c, "password")
        } else {
            (Credential::None, "none")
        };
        let client = Arc::new(LazyClient {
            builder: b,
            credential,
            cell: OnceLock::new(),
        });
        Ok(NativeClient {
            client,
            base_url: base,
            pid: std::process::id(),
            version,
            credential: name,
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    #[getter]
    fn api_version(&self) -> &'static str {
        self.version.as_str()
    }

    /// Which kind of credential is configured (never the secret itself).
    #[getter]
    fn credential(&self) -> &'static str {
        self.credential
    }

    /// Sends an operation by its qualified name and blocks until it is done.
    /// Returns a model, None, or for list operations `(items, next_link, count)`.
    #[pyo3(signature = (op, args, query=None, body=None))]
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let fut = self.prepare(py, op, args, query, body)?;
        finish(py, block_on(py, fut)?)
    }

    /// Checks the arguments of a call without sending it (pagers check at creation).
    #[pyo3(signature = (op, args, query=None))]
    fn check(
        &self,
        py: Python<'_>,
        op: &str,
        args: &Bound<'_, PyTuple>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        self.prepare(py, op, args, query, None).map(drop)
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
        let fut = self.prepare(py, op, args, query, body)?;
        future_into_py(py, decoded(fut), |py, out| out.into_py(py))
    }

    /// The page at `next_link` of list operation `op`: `(items, next_link, count)`.
    fn fetch_next(&self, py: Python<'_>, op: &str, next_link: String) -> PyResult<Py<PyAny>> {
        let fut = self.next_page(py, op, next_link)?;
        finish(py, block_on(py, fut)?)
    }

    fn fetch_next_async<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        next_link: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fut = self.next_page(py, op, next_link)?;
        future_into_py(py, decoded(fut), |py, out| out.into_py(py))
    }

    /// Polls an assignment request until its state is final.
    #[pyo3(signature = (beta, request_id, timeout, poll_interval))]
    fn wait_for_request(
        &self,
        py: Python<'_>,
        beta: bool,
        request_id: &Bound<'_, PyAny>,
        timeout: f64,
        poll_interval: f64,
    ) -> PyResult<Py<PyAny>> {
        let fut = self.waiter(py, beta, request_id, timeout, poll_interval)?;
        block_on(py, fut)?.into_py(py)
    }

    #[pyo3(signature = (beta, request_id, timeout, poll_interval))]
    fn wait_for_request_async<'py>(
        &self,
        py: Python<'py>,
        beta: bool,
        request_id: &Bound<'py, PyAny>,
        timeout: f64,
        poll_interval: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fut = self.waiter(py, beta, request_id, timeout, poll_interval)?;
        future_into_py(py, fut, |py, out| out.into_py(py))
    }

    fn __repr__(&self) -> String {
        format!(
            "NativeClient(base_url={:?}, api_version={:?}, credential={:?})",
            self.base_url,
            self.version.as_str(),
            self.credential
        )
    }
}

/// Qualified names of every operation core knows (`name`, `beta.name`).
#[pyfunction]
pub fn operations() -> Vec<String> {
    OPERATIONS.iter().map(|op| op.qualified_name()).collect()
}
