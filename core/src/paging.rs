// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Collections arrive in pages linked by `@odata.nextLink`.

use serde::Deserialize;

/// One page of a collection response.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
    #[serde(rename = "@odata.count", default)]
    pub count: Option<i64>,
}
