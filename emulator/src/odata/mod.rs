// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! OData query options: parsing (`query`), `$filter` (`filter`).

pub mod filter;
pub mod query;
