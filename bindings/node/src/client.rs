// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeClient`: core's bridge behind the generated JS facade. Options,
//! query and path arguments arrive as JS values (converted by napi's serde
//! support), bodies as JSON text; core's bridge checks them all. Responses
//! go back as the service's JSON text, checked against the operation's type
//! by the same rule as in every language, and JS parses them.

use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::{Arc, OnceLock};

use entitlement::bridge::{guarded, Call, ClientConfig, Session, WaitRequest};
use napi::bindgen_prelude::{Function, Promise, ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};
use napi_derive::napi;
use serde_json::Value;

use crate::auth;
use crate::error::IntoNapi;

/// Response JSON handed to JS as a string. Graph's JSON is almost always
/// ASCII, which V8 takes as a one-byte string without decoding UTF-8; where
/// Node has external strings, V8 reads the response buffer itself: a page
/// (~300 KB) copied into V8 would be a fresh large-object allocation per
/// page, page faults and all (a sixth of the paging CPU, measured).
pub struct JsonText(pub bytes::Bytes);

impl TypeName for JsonText {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

type Finalize = unsafe extern "C" fn(sys::napi_env, *mut c_void, *mut c_void);
type CreateExternal = unsafe extern "C" fn(
    sys::napi_env,
    *const c_char,
    isize,
    Option<Finalize>,
    *mut c_void,
    *mut sys::napi_value,
    *mut bool,
) -> sys::napi_status;

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// `node_api_create_external_string_latin1` (Node >= 20.4), looked up in the
/// process: an addon that linked it would not load on older Node.
fn create_external() -> Option<CreateExternal> {
    static F: OnceLock<Option<CreateExternal>> = OnceLock::new();
    *F.get_or_init(|| {
        let name = c"node_api_create_external_string_latin1";
        // SAFETY: RTLD_DEFAULT (null on Linux) searches the process's symbols.
        let p = unsafe { dlsym(ptr::null_mut(), name.as_ptr()) };
        // SAFETY: Node-API declares the function with this signature.
        (cfg!(target_os = "linux") && !p.is_null())
            .then(|| unsafe { std::mem::transmute::<*mut c_void, CreateExternal>(p) })
    })
}

unsafe extern "C" fn drop_bytes(_env: sys::napi_env, _data: *mut c_void, hint: *mut c_void) {
    // SAFETY: `hint` is the box made in `to_napi_value`, finalized once.
    drop(unsafe { Box::from_raw(hint.cast::<bytes::Bytes>()) });
}

impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        let (data, len) = (val.0.as_ptr().cast::<c_char>(), val.0.len() as isize);
        if !val.0.is_ascii() {
            check_status!(unsafe { sys::napi_create_string_utf8(env, data, len, &mut out) })?;
            return Ok(out);
        }
        if let Some(create) = create_external() {
            // V8 owns this reference to the text from here on (`drop_bytes`),
            // also when it copied the text.
            let hint = Box::into_raw(Box::new(val.0.clone())).cast::<c_void>();
            let (finalize, mut copied) = (Some(drop_bytes as Finalize), false);
            // SAFETY: `data` stays valid until V8 calls `drop_bytes`.
            let status = unsafe { create(env, data, len, finalize, hint, &mut out, &mut copied) };
            if status == sys::Status::napi_ok {
                return Ok(out);
            }
            // Not taken: the reference is still ours.
            drop(unsafe { Box::from_raw(hint.cast::<bytes::Bytes>()) });
        }
        check_status!(unsafe { sys::napi_create_string_latin1(env, data, len, &mut out) })?;
        Ok(out)
    }
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
    pub fn new(
        options: Option<Value>,
        token_provider: Option<Function<String, Promise<String>>>,
    ) -> napi::Result<Self> {
        let config = ClientConfig::from_value(options.unwrap_or_default()).napi()?;
        let host = token_provider.map(auth::provider).transpose()?;
        let session = Arc::new(Session::new(config, host).napi()?);
        Ok(NativeClient { session })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.session.base_url().to_string()
    }

    /// Checks a call (operation, path arguments, query options, body text)
    /// without sending it; throws at once on bad input.
    #[napi(catch_unwind)]
    pub fn prepare(
        &self,
        op: String,
        args: Option<Value>,
        query: Option<Value>,
        body: Option<String>,
    ) -> napi::Result<PreparedCall> {
        let (args, query) = (args.unwrap_or_default(), query.unwrap_or_default());
        let call = Arc::new(Call::new(&op, args, query, body.as_deref().into()).napi()?);
        Ok(PreparedCall { call })
    }

    /// Sends a prepared call; resolves to the response JSON text, or null
    /// when the service answers without a body (204).
    #[napi(ts_return_type = "Promise<string | null>")]
    pub async fn send(&self, prepared: &PreparedCall) -> napi::Result<Option<JsonText>> {
        let (session, call) = (self.session.clone(), prepared.call.clone());
        let body = guarded(async move { session.send(&call, None).await?.json() });
        Ok(body.await.napi()?.map(JsonText))
    }

    /// A page of a prepared list call: the first (`nextLink` absent) or the
    /// one at `nextLink`, as the page's JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub async fn page(
        &self,
        prepared: &PreparedCall,
        next_link: Option<String>,
    ) -> napi::Result<JsonText> {
        let (session, call) = (self.session.clone(), prepared.call.clone());
        let body = guarded(async move { session.send(&call, next_link.as_deref()).await?.json() });
        Ok(JsonText(body.await.napi()?.unwrap_or_default()))
    }

    /// Polls an assignment request until its state is final. `options`:
    /// `{timeoutMs, pollIntervalMs, apiVersion}`.
    #[napi(ts_return_type = "Promise<string>")]
    pub async fn wait_for_assignment_request(
        &self,
        id: String,
        options: Option<Value>,
    ) -> napi::Result<JsonText> {
        let session = self.session.clone();
        let json = guarded(async move {
            let w = WaitRequest::new(id, options.unwrap_or_default())?;
            w.run_json(&session.client()?).await
        });
        Ok(JsonText(json.await.napi()?.into()))
    }
}

/// Qualified names of every operation native code knows (the facade's tests
/// check that each has a generated method).
#[napi]
pub fn operation_names() -> Vec<String> {
    entitlement::bridge::operation_names()
}

/// `Filter.eq(...)` and friends in JS: core's builder. `value` is a string,
/// a safe integer, a boolean or null.
#[napi(catch_unwind)]
pub fn filter_compare(prop: String, op: String, value: Value) -> napi::Result<String> {
    entitlement::bridge::filter_compare(&prop, &op, value).napi()
}
