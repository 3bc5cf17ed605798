// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Connected organizations, their identity sources and internal/external sponsors.
