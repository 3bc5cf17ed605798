// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Native half of the npm package `entitlement`.
//!
//! Policy:
//! - One generic entry point, [`client::NativeClient::prepare`], checks any
//!   operation of the API description by its qualified name; the per-operation
//!   JS methods and the `.d.ts` are generated (`codegen/gen_node.py`).
//! - Models cross as JSON text: request bodies are validated here against the
//!   operation's body type, responses go back as the service's JSON text and
//!   JS parses them with `JSON.parse` (much cheaper than building objects
//!   field by field through N-API).
//! - Async work runs on napi-rs's tokio runtime; core never builds one.
//! - Errors reject with a structured reason ([`error`]) that the JS facade
//!   turns into `EntitlementError` subclasses; panics become `Internal`.

// core's `Error` is the cross-language error contract; its size is core's call.
#![allow(clippy::result_large_err)]

mod auth;
mod client;
#[cfg(feature = "emulator")]
mod emulator;
mod error;
mod job;
