// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! A response on its way to a host language, in the representation the
//! host wants, checked by one rule: the body decodes as the operation's
//! documented type (an entity, or a page of them), else `Decode`.

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::api::{ApiVersion, OpKind, Operation};
use crate::client::{Client, RawResponse};
use crate::error::{Error, Result};
use crate::lifecycle::WaitOptions;
use crate::models::{decoder, DynModel, DynPage};

/// A typed result (Python).
pub enum Output {
    /// 204, or an operation without a response type.
    Nothing,
    /// One entity, decoded as the operation's response type.
    One(Box<dyn DynModel>),
    /// A page of a list (or a collection answered by an action or function).
    Page(DynPage),
}

/// A page's items as the service's JSON text, split without re-encoding (C).
pub struct ItemsJson {
    /// The `value` array's text, `[` to `]`, sharing the response's buffer.
    pub items: Bytes,
    /// `@odata.nextLink`, absent on the last page.
    pub next_link: Option<String>,
    /// `@odata.count`, when `$count=true` was asked.
    pub count: Option<i64>,
}

/// JSON arrays' text joined into one array without parsing them (a list's
/// pages' `value` slices): `[a,b]` + `[]` + `[c]` → `[a,b,c]`.
pub struct JoinedArrays(Vec<u8>);

impl Default for JoinedArrays {
    fn default() -> Self {
        JoinedArrays(b"[".to_vec())
    }
}

impl JoinedArrays {
    /// Adds the items of `array`, the text of one JSON array.
    pub fn push(&mut self, array: &[u8]) {
        let inner = array[1..array.len() - 1].trim_ascii();
        if !inner.is_empty() {
            if self.0.len() > 1 {
                self.0.push(b',');
            }
            self.0.extend_from_slice(inner);
        }
    }

    /// The joined array's text.
    pub fn finish(mut self) -> Vec<u8> {
        self.0.push(b']');
        self.0
    }
}

/// A successful response and the operation it answers.
pub struct Response {
    op: &'static Operation,
    raw: RawResponse,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.count")]
    count: Option<i64>,
}

impl Response {
    /// Pairs a response with the operation that asked for it, which decides how
    /// it is decoded.
    pub fn new(op: &'static Operation, raw: RawResponse) -> Response {
        Response { op, raw }
    }

    /// The operation this answers.
    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    /// Status, body, and request ids as received.
    pub fn raw(&self) -> &RawResponse {
        &self.raw
    }

    fn is_page(&self) -> bool {
        self.op.kind == OpKind::List || self.op.collection
    }

    fn empty(&self) -> bool {
        self.raw.status == 204 || self.raw.body.iter().all(u8::is_ascii_whitespace)
    }

    /// A `Decode` error carrying the response's status and ids.
    fn decode_error(&self, msg: String) -> Error {
        let mut e = Error::decode(msg);
        e.status = Some(self.raw.status);
        e.request_id = self.raw.request_id.clone();
        e.client_request_id = Some(self.raw.client_request_id.clone());
        e
    }

    /// The typed models: one parse, straight into the structs.
    pub fn typed(self) -> Result<Output> {
        let Some(ty) = self.op.response else {
            return Ok(Output::Nothing);
        };
        let dec = decoder(self.op.version, ty)
            .ok_or_else(|| Error::internal(format!("no model for {ty}")))?;
        if self.is_page() {
            return (dec.page)(&self.raw.body).map(Output::Page).map_err(|e| {
                self.decode_error(format!("unexpected {} response: {e}", self.op.name))
            });
        }
        if self.empty() {
            return Ok(Output::Nothing);
        }
        (dec.one)(&self.raw.body)
            .map(Output::One)
            .map_err(|e| self.decode_error(format!("unexpected {} response: {e}", self.op.name)))
    }

    /// Whether the typed decode would accept the body, without building it.
    fn check(&self) -> Result<()> {
        let Some(dec) = self.op.response.and_then(|t| decoder(self.op.version, t)) else {
            return serde_json::from_slice::<serde::de::IgnoredAny>(&self.raw.body)
                .map(drop)
                .map_err(|e| self.decode_error(format!("the response is not JSON: {e}")));
        };
        // The typed decode's rule without building the models (`Check`).
        let r = if self.is_page() {
            (dec.check_page)(&self.raw.body)
        } else {
            (dec.check_one)(&self.raw.body)
        };
        r.map_err(|e| self.decode_error(format!("unexpected {} response: {e}", self.op.name)))
    }

    /// The body as the service sent it, checked (None for 204 / no body).
    pub fn json(self) -> Result<Option<Bytes>> {
        if self.empty() && !self.is_page() {
            return Ok(None);
        }
        self.check()?;
        Ok(Some(self.raw.body))
    }

    /// A page's `value` array as text (a slice of the body, no re-encoding),
    /// with its next link and count. Checked like [`Response::json`].
    pub fn items_json(self) -> Result<ItemsJson> {
        self.check()?;
        let env: Envelope<'_> = serde_json::from_slice(&self.raw.body)
            .map_err(|e| self.decode_error(format!("unexpected page: {e}")))?;
        let value = env
            .value
            .ok_or_else(|| self.decode_error("the page has no \"value\" array".into()))?;
        let text = value.get();
        if !text.starts_with('[') {
            return Err(self.decode_error("the page's \"value\" is not an array".into()));
        }
        let start = text.as_ptr() as usize - self.raw.body.as_ptr() as usize;
        Ok(ItemsJson {
            items: self.raw.body.slice(start..start + text.len()),
            next_link: env.next_link,
            count: env.count,
        })
    }
}

/// Waiting for an assignment request (v1.0 or beta) to reach a final state.
#[derive(Debug, Clone)]
pub struct WaitRequest {
    /// The assignment request's id.
    pub id: String,
    /// Which API the request lives in (v1.0 `assignmentRequests` or beta
    /// `accessPackageAssignmentRequests`).
    pub version: ApiVersion,
    /// How long to wait and how often to poll.
    pub options: WaitOptions,
    /// Answer `{"request": …, "states": [...]}` from [`WaitRequest::run_json`].
    pub states: bool,
}

/// `{"timeoutMs", "pollIntervalMs", "apiVersion", "states"}`, or seconds as
/// `timeout` / `pollInterval`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WaitConfig {
    timeout_ms: Option<f64>,
    poll_interval_ms: Option<f64>,
    timeout: Option<f64>,
    poll_interval: Option<f64>,
    api_version: Option<String>,
    states: Option<bool>,
}

fn wait_duration(what: &str, v: Option<f64>, scale: f64) -> Result<Option<Duration>> {
    v.map(|v| {
        Duration::try_from_secs_f64(v / scale)
            .ok()
            .filter(|d| d.as_secs() < 1 << 40)
            .ok_or_else(|| {
                Error::invalid_argument(format!("{what} must be a non-negative number, got {v}"))
            })
    })
    .transpose()
}

impl WaitRequest {
    /// The request id and the options object (`null`: defaults).
    pub fn new(id: String, options: Value) -> Result<WaitRequest> {
        if id.is_empty() {
            return Err(Error::invalid_argument("request id must not be empty"));
        }
        let c: WaitConfig = match options {
            Value::Null => WaitConfig::default(),
            v => serde_path_to_error::deserialize(v).map_err(|e| {
                Error::invalid_argument(format!("wait options: {}: {}", e.path(), e.inner()))
            })?,
        };
        let mut options = WaitOptions::default();
        if let Some(t) = wait_duration("timeoutMs", c.timeout_ms, 1000.0)?
            .or(wait_duration("timeout", c.timeout, 1.0)?)
        {
            options.timeout = t;
        }
        let poll = wait_duration("pollIntervalMs", c.poll_interval_ms, 1000.0)?.or(wait_duration(
            "pollInterval",
            c.poll_interval,
            1.0,
        )?);
        if let Some(p) = poll {
            options.poll_interval = p;
        }
        let version = match c.api_version.as_deref() {
            None => ApiVersion::V1,
            Some(v) => ApiVersion::parse(v).ok_or_else(|| {
                Error::invalid_argument(format!("unknown API version {v:?} (v1.0, beta)"))
            })?,
        };
        Ok(WaitRequest { id, version, options, states: c.states.unwrap_or(false) })
    }

    /// Polls until the request is final; the request as a typed model.
    pub async fn run(self, client: &Client) -> Result<Box<dyn DynModel>> {
        Ok(self.follow(client).await?.0)
    }

    /// The same, with the states the request passed through.
    pub async fn follow(self, client: &Client) -> Result<(Box<dyn DynModel>, Vec<String>)> {
        Ok(match self.version {
            ApiVersion::V1 => {
                let f = client.follow_assignment_request(&self.id, self.options).await?;
                (Box::new(f.request), f.states)
            }
            ApiVersion::Beta => {
                let f = client.beta().follow_access_package_assignment_request(&self.id, self.options).await?;
                (Box::new(f.request), f.states)
            }
        })
    }

    /// The request as Graph's JSON; with the `states` option,
    /// `{"request": <the request>, "states": ["submitted", …]}`.
    pub async fn run_json(self, client: &Client) -> Result<Vec<u8>> {
        let wrap = self.states;
        let (m, states) = self.follow(client).await?;
        let v = if wrap { serde_json::json!({"request": m.to_json(), "states": states}) } else { m.to_json() };
        serde_json::to_vec(&v).map_err(|e| Error::internal(format!("cannot encode the request: {e}")))
    }
}

/// A JSON value as a filter literal: `Filter.eq(...)` in every language goes
/// through core's builder, so literal escaping is the same everywhere.
pub fn filter_literal(v: Value) -> Result<crate::odata::Literal> {
    use crate::odata::Literal;
    Ok(match v {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Bool(b),
        Value::String(s) => Literal::Str(s),
        Value::Number(n) if n.is_i64() => Literal::Int(n.as_i64().unwrap_or_default()),
        other => {
            return Err(Error::invalid_argument(format!(
                "a filter value must be a string, integer, boolean or null, got {other}"
            )))
        }
    })
}
