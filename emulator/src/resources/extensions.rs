// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Custom workflow extensions of catalogs (v1.0 and beta paths) and upload sessions.
