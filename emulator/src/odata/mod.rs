// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! OData query options: parsing (`query`), `$filter` (`filter`), and the
//! check of the names they use against the type queried (`check`).

pub(crate) mod check;
pub mod filter;
pub mod query;
