// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Typed Graph models, generated from `api/types/*.json` (`v1` and `beta`),
//! plus the hand-written scalar types (timestamps, durations).

pub mod beta;
pub mod support;
mod time;
pub mod v1;

pub use support::{Decoder, DynModel, DynPage, Extra, FieldName, Got, Model};
pub use time::{IsoDuration, Timestamp};
pub use v1::*;

use crate::api::ApiVersion;

/// Decoder for a Graph type name in a version (`None` if the type is not modelled).
pub fn decoder(version: ApiVersion, type_name: &str) -> Option<&'static Decoder> {
    match version {
        ApiVersion::V1 => v1::decoder(type_name),
        ApiVersion::Beta => beta::decoder(type_name),
    }
}
