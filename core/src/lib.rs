// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Typed client for the Microsoft Graph entitlement management API.

pub mod api;
pub mod error;
pub mod models;
pub mod paging;

pub use error::{Error, ErrorKind, Result};
