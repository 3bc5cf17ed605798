// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Typed client for the Microsoft Graph entitlement management API.
//!
//! ```no_run
//! # async fn run() -> entitlement::Result<()> {
//! use entitlement::{Client, odata::Filter};
//! let client = Client::builder().client_secret("tenant-id", "app-id", "secret").build()?;
//! let general = client
//!     .list_catalogs()
//!     .filter_by(Filter::eq("displayName", "General")?)
//!     .send()
//!     .await?;
//! println!("{:?}", general.value.first().and_then(|c| c.id.clone()));
//! # Ok(()) }
//! ```

// `Error` carries every field of the contract by value; boxing it would cost
// an allocation on every error for no gain at these sizes.
#![allow(clippy::result_large_err)]
// Every public item says what it is for; the `docs` suite of
// scripts/test-all.sh denies warnings, so a new undocumented item fails CI.
#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod batch;
pub mod bridge;
pub mod bulk;
pub mod client;
pub mod credential;
pub mod cloud;
pub mod error;
pub mod export;
pub mod lifecycle;
pub mod models;
pub mod odata;
pub mod paging;
pub mod retry;

pub use api::{ApiVersion, Operation};
pub use client::{BetaClient, Client, ClientBuilder, ListRequest, RawResponse, Request};
pub use cloud::NationalCloud;
pub use error::{Error, ErrorKind, Result};
pub use odata::{Filter, QueryOptions};
pub use paging::Page;
pub use retry::RetryPolicy;
