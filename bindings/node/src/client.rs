// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeClient`: the one generic entry point the generated JS facade calls.
//! Nothing here knows a particular operation; it looks operations up in
//! core's table by qualified name (`"get_catalog"`, `"beta.get_access_package"`).

use std::panic::AssertUnwindSafe;
use std::ptr;
use std::time::Duration;

use entitlement::api::{ApiVersion, Operation, OPERATIONS};
use entitlement::lifecycle::WaitOptions;
use entitlement::models::decoder;
use entitlement::{Client, NationalCloud, QueryOptions, RetryPolicy};
use futures_util::FutureExt;
use napi::bindgen_prelude::{Function, Promise, ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};
use napi_derive::napi;

use crate::error::{from_panic, invalid, IntoNapi};
use crate::auth::JsTokenProvider;

/// Options of `new Client(...)` (the token provider comes separately).
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    pub base_url: Option<String>,
    pub cloud: Option<String>,
    pub api_version: Option<String>,
    pub authority: Option<String>,
    pub scope: Option<String>,
    pub token: Option<String>,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
}

/// OData query options, already normalised by the facade.
#[napi(object)]
#[derive(Default)]
pub struct QueryArgs {
    pub filter: Option<String>,
    pub select: Option<Vec<String>>,
    pub expand: Option<Vec<String>>,
    pub top: Option<u32>,
    pub orderby: Option<Vec<String>>,
    pub count: Option<bool>,
    pub search: Option<String>,
}

impl From<QueryArgs> for QueryOptions {
    fn from(q: QueryArgs) -> Self {
        QueryOptions {
            filter: q.filter,
            select: q.select.unwrap_or_default(),
            expand: q.expand.unwrap_or_default(),
            top: q.top,
            orderby: q.orderby.unwrap_or_default(),
            count: q.count.unwrap_or(false),
            search: q.search,
        }
    }
}

/// Response JSON handed to JS as a string. Graph's JSON is almost always
/// ASCII, which V8 takes as a one-byte string without decoding UTF-8.
pub struct JsonText(pub Vec<u8>);

impl TypeName for JsonText {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        let bytes = &val.0;
        let len = bytes.len() as isize;
        if bytes.is_ascii() {
            check_status!(unsafe { sys::napi_create_string_latin1(env, bytes.as_ptr().cast(), len, &mut out) })?;
        } else {
            check_status!(unsafe { sys::napi_create_string_utf8(env, bytes.as_ptr().cast(), len, &mut out) })?;
        }
        Ok(out)
    }
}

fn ms(what: &str, v: f64) -> napi::Result<Duration> {
    if !v.is_finite() || !(0.0..=1e12).contains(&v) {
        return Err(invalid(format!("{what} must be a non-negative number of milliseconds, got {v}")));
    }
    Ok(Duration::from_secs_f64(v / 1000.0))
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

fn build(o: ClientOptions, provider: Option<JsTokenProvider>) -> napi::Result<Client> {
    let mut b = Client::builder();
    if let Some(c) = some(&o.cloud) {
        b = b.cloud(NationalCloud::parse(c).ok_or_else(|| invalid(format!("unknown cloud {c:?} (global, usGov, usGovDod, china)")))?);
    }
    if let Some(u) = some(&o.base_url) {
        b = b.base_url(u);
    }
    if let Some(a) = some(&o.authority) {
        b = b.authority(a);
    }
    if let Some(v) = some(&o.api_version) {
        b = b.api_version(ApiVersion::parse(v).ok_or_else(|| invalid(format!("unknown apiVersion {v:?} (v1.0, beta)")))?);
    }
    if let Some(s) = some(&o.scope) {
        b = b.scope(s);
    }
    if let Some(t) = o.timeout_ms {
        b = b.timeout(ms("timeoutMs", t)?);
    }
    if let Some(n) = o.max_retries {
        b = b.retry(RetryPolicy { max_attempts: n.saturating_add(1), ..RetryPolicy::default() });
    }
    let secret = some(&o.client_secret);
    let password = some(&o.password);
    let kinds = [provider.is_some(), some(&o.token).is_some(), secret.is_some(), password.is_some()];
    if kinds.iter().filter(|k| **k).count() > 1 {
        return Err(invalid("give one credential: tokenProvider, token, clientSecret or username/password"));
    }
    let need = |v: &Option<String>, name: &str, with: &str| {
        some(v).map(str::to_string).ok_or_else(|| invalid(format!("{with} needs {name}")))
    };
    if let Some(p) = provider {
        b = b.credential(std::sync::Arc::new(p));
    } else if let Some(t) = some(&o.token) {
        b = b.token(t);
    } else if let Some(s) = secret {
        let tenant = need(&o.tenant_id, "tenantId", "clientSecret")?;
        let client = need(&o.client_id, "clientId", "clientSecret")?;
        b = b.client_secret(&tenant, &client, s);
    } else if let Some(p) = password {
        let tenant = need(&o.tenant_id, "tenantId", "password")?;
        let client = need(&o.client_id, "clientId", "password")?;
        let user = need(&o.username, "username", "password")?;
        b = b.username_password(&tenant, &client, &user, p);
    }
    b.build().napi()
}

/// Parses and checks a request body before anything is sent.
fn check_body(op: &Operation, body: Option<String>) -> napi::Result<Option<Vec<u8>>> {
    let Some(text) = body else { return Ok(None) };
    let Some(type_name) = op.body else {
        return Err(invalid(format!("{} takes no request body", op.name)));
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(format!("{}: body is not valid JSON: {e}", op.name)))?;
    if !value.is_object() {
        return Err(invalid(format!("{}: body must be a JSON object", op.name)));
    }
    if let Some(d) = decoder(op.version, type_name) {
        (d.from_value)(value).map_err(|e| invalid(format!("{}: body is not a valid {type_name}: {e}", op.name)))?;
    }
    Ok(Some(text.into_bytes()))
}

fn wait_options(timeout_ms: Option<f64>, poll_interval_ms: Option<f64>) -> napi::Result<WaitOptions> {
    let mut w = WaitOptions::default();
    if let Some(t) = timeout_ms {
        w.timeout = ms("timeoutMs", t)?;
    }
    if let Some(p) = poll_interval_ms {
        w.poll_interval = ms("pollIntervalMs", p)?;
    }
    Ok(w)
}

/// A Graph connection. Holds no JS state; cheap to share.
#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    #[napi(constructor, catch_unwind)]
    pub fn new(options: Option<ClientOptions>, token_provider: Option<Function<String, Promise<String>>>) -> napi::Result<Self> {
        let provider = match token_provider {
            Some(f) => Some(JsTokenProvider::new(f.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?)),
            None => None,
        };
        Ok(NativeClient { inner: build(options.unwrap_or_default(), provider)? })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// Sends one operation; resolves to the response JSON text, or null when
    /// the service answers without a body (204).
    #[napi(ts_return_type = "Promise<string | null>")]
    pub async fn call(
        &self,
        op: String,
        args: Vec<String>,
        query: Option<QueryArgs>,
        body: Option<String>,
    ) -> napi::Result<Option<JsonText>> {
        let client = self.inner.clone();
        let fut = async move {
            let op = Operation::find_qualified(&op).ok_or_else(|| invalid(format!("unknown operation {op:?}")))?;
            let body = check_body(op, body)?;
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let query: QueryOptions = query.map(Into::into).unwrap_or_default();
            let resp = client.call(op, &args, &query, body).await.napi()?;
            Ok(if resp.body.is_empty() { None } else { Some(JsonText(resp.body.into())) })
        };
        AssertUnwindSafe(fut).catch_unwind().await.map_err(from_panic)?
    }

    /// Follows an `@odata.nextLink`.
    #[napi(ts_return_type = "Promise<string>")]
    pub async fn fetch_next(&self, next_link: String) -> napi::Result<JsonText> {
        let client = self.inner.clone();
        let fut = async move { client.fetch_next(&next_link).await.napi().map(|r| JsonText(r.body.into())) };
        AssertUnwindSafe(fut).catch_unwind().await.map_err(from_panic)?
    }

    /// Polls an assignment request (v1.0 or beta) until its state is final.
    #[napi(ts_return_type = "Promise<string>")]
    pub async fn wait_for_assignment_request(
        &self,
        id: String,
        beta: bool,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
    ) -> napi::Result<JsonText> {
        let client = self.inner.clone();
        let fut = async move {
            let opts = wait_options(timeout_ms, poll_interval_ms)?;
            let json = if beta {
                let r = client.beta().wait_for_access_package_assignment_request(&id, opts).await.napi()?;
                serde_json::to_vec(&r)
            } else {
                let r = client.wait_for_assignment_request(&id, opts).await.napi()?;
                serde_json::to_vec(&r)
            };
            json.map(JsonText).map_err(|e| crate::error::internal(e.to_string()))
        };
        AssertUnwindSafe(fut).catch_unwind().await.map_err(from_panic)?
    }
}

/// Qualified names of every operation native code knows (the facade's tests
/// check that each has a generated method).
#[napi]
pub fn operation_names() -> Vec<String> {
    OPERATIONS.iter().map(Operation::qualified_name).collect()
}

/// `Filter.eq(...)` and friends in JS: core's builder, so literal escaping
/// and property-path checks are the same in every language. `value` is a
/// string, a safe integer, a boolean or null, passed as JSON text.
#[napi(catch_unwind)]
pub fn filter_compare(prop: String, op: String, value_json: String) -> napi::Result<String> {
    use entitlement::odata::Literal;
    let value: serde_json::Value =
        serde_json::from_str(&value_json).map_err(|e| crate::error::invalid(format!("filter value: {e}")))?;
    let lit = match value {
        serde_json::Value::Null => Literal::Null,
        serde_json::Value::Bool(b) => Literal::Bool(b),
        serde_json::Value::String(s) => Literal::Str(s),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) if n.is_i64() || n.is_u64() => Literal::Int(i),
            _ => return Err(crate::error::invalid(format!("a filter number must be an integer, got {n}"))),
        },
        other => return Err(crate::error::invalid(format!("a filter value must be a string, integer, boolean or null, got {other}"))),
    };
    entitlement::Filter::compare(&prop, &op, lit).map(String::from).map_err(crate::error::to_napi)
}
