// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Typed client for the Microsoft Graph entitlement management API.

pub mod api;
