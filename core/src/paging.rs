// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Collections arrive in pages linked by `@odata.nextLink`.

use serde::Deserialize;

/// One page of a collection response.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// The items of this page, in the service's order (may be empty on any
    /// page, not only the last).
    pub value: Vec<T>,
    /// `@odata.nextLink`: the absolute URL of the next page, to be requested as
    /// is; `None` on the last page.
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
    /// `@odata.count`: the total number of items across all pages, present
    /// when `$count=true` was asked.
    #[serde(rename = "@odata.count", default)]
    pub count: Option<i64>,
}
