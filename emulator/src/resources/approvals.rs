// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Approvals of assignment requests: v1.0 stages, beta steps, filterByCurrentUser(on='approver').
