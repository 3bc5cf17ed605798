// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeClient`: core's bridge behind the generated JS facade. Options,
//! query and path arguments arrive as JS values (converted by napi's serde
//! support), bodies as JSON text; core's bridge checks them all. Responses
//! go back as the service's JSON text, checked against the operation's type
//! by the same rule as in every language, and JS parses them.

use std::panic::AssertUnwindSafe;
use std::ptr;
use std::sync::Arc;

use entitlement::api::{Operation, OPERATIONS};
use entitlement::bridge::{Call, ClientConfig, RawBody, Session, WaitRequest};
use futures_util::FutureExt;
use napi::bindgen_prelude::{Function, Promise, ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};
use napi_derive::napi;
use serde_json::Value;

use crate::auth::JsTokenProvider;
use crate::error::{from_panic, IntoNapi};

/// Response JSON handed to JS as a string. Graph's JSON is almost always
/// ASCII, which V8 takes as a one-byte string without decoding UTF-8.
pub struct JsonText(pub bytes::Bytes);

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

/// Runs a future, turning a panic into an `Internal` error.
pub(crate) async fn guarded<T>(f: impl std::future::Future<Output = napi::Result<T>>) -> napi::Result<T> {
    AssertUnwindSafe(f).catch_unwind().await.map_err(from_panic)?
}

/// A Graph connection. Holds no JS state; cheap to share.
#[napi]
pub struct NativeClient {
    session: Arc<Session>,
}

/// A checked call, sent with `send` / `page` (pagers keep one).
#[napi]
pub struct PreparedCall {
    call: Arc<Call>,
}

impl NativeClient {
    /// The connection, for the other native classes (jobs).
    pub(crate) fn session(&self) -> Arc<Session> {
        self.session.clone()
    }
}

#[napi]
impl NativeClient {
    /// `options`: core's `ClientConfig` (camelCase keys); `tokenProvider`:
    /// `async (scope) => token`.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: Option<Value>, token_provider: Option<Function<String, Promise<String>>>) -> napi::Result<Self> {
        let config = ClientConfig::from_value(options.unwrap_or(Value::Null)).napi()?;
        let host = match token_provider {
            Some(f) => {
                let tsfn = f.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?;
                Some(Arc::new(JsTokenProvider::new(tsfn)) as Arc<dyn entitlement::auth::TokenProvider>)
            }
            None => None,
        };
        Ok(NativeClient { session: Arc::new(Session::new(config, host).napi()?) })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.session.base_url().to_string()
    }

    /// Checks a call (operation, path arguments, query options, body text)
    /// without sending it; throws at once on bad input.
    #[napi(catch_unwind)]
    pub fn prepare(&self, op: String, args: Option<Value>, query: Option<Value>, body: Option<String>) -> napi::Result<PreparedCall> {
        let body = body.as_deref().map_or(RawBody::None, |b| RawBody::Text(b.as_bytes()));
        let call = Call::new(&op, args.unwrap_or(Value::Null), query.unwrap_or(Value::Null), body).napi()?;
        Ok(PreparedCall { call: Arc::new(call) })
    }

    /// Sends a prepared call; resolves to the response JSON text, or null
    /// when the service answers without a body (204).
    #[napi(ts_return_type = "Promise<string | null>")]
    pub async fn send(&self, prepared: &PreparedCall) -> napi::Result<Option<JsonText>> {
        let (session, call) = (self.session.clone(), prepared.call.clone());
        guarded(async move {
            let client = session.client().napi()?;
            call.send(&client).await.napi()?.json().napi().map(|b| b.map(JsonText))
        })
        .await
    }

    /// A page of a prepared list call: the first (`nextLink` absent) or the
    /// one at `nextLink`, as the page's JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub async fn page(&self, prepared: &PreparedCall, next_link: Option<String>) -> napi::Result<JsonText> {
        let (session, call) = (self.session.clone(), prepared.call.clone());
        guarded(async move {
            let client = session.client().napi()?;
            let resp = match next_link {
                None => call.send(&client).await,
                Some(link) => call.next_page(&client, &link).await,
            };
            let body = resp.napi()?.json().napi()?;
            Ok(JsonText(body.unwrap_or_default()))
        })
        .await
    }

    /// Polls an assignment request until its state is final. `options`:
    /// `{timeoutMs, pollIntervalMs, apiVersion}`.
    #[napi(ts_return_type = "Promise<string>")]
    pub async fn wait_for_assignment_request(&self, id: String, options: Option<Value>) -> napi::Result<JsonText> {
        let session = self.session.clone();
        guarded(async move {
            let w = WaitRequest::new(id, options.unwrap_or(Value::Null)).napi()?;
            let json = w.run_json(&session.client().napi()?).await.napi()?;
            Ok(JsonText(json.into()))
        })
        .await
    }
}

/// Qualified names of every operation native code knows (the facade's tests
/// check that each has a generated method).
#[napi]
pub fn operation_names() -> Vec<String> {
    OPERATIONS.iter().map(Operation::qualified_name).collect()
}

/// `Filter.eq(...)` and friends in JS: core's builder. `value` is a string,
/// a safe integer, a boolean or null.
#[napi(catch_unwind)]
pub fn filter_compare(prop: String, op: String, value: Value) -> napi::Result<String> {
    entitlement::bridge::filter_compare(&prop, &op, value).napi()
}
