// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Tenant settings, end-user settings, subjects, resource environments and external origin resource connectors.
