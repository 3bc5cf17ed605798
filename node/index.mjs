// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// ESM entry of the `entitlement` package (`import { Client } from 'entitlement'`).
// Node detects a CommonJS module's named exports only when its source assigns
// them plainly, so every name is re-exported here by hand;
// tests/packaging/node.sh fails when this list and index.js differ.

import cjs from './index.js';

export const {
  identity,
  Client,
  BetaClient,
  Emulator,
  PageIterator,
  Filter,
  Job,
  EntitlementError,
  InvalidArgumentError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  ThrottledError,
  ServiceError,
  TimeoutError,
  NetworkError,
  DecodeError,
  InternalError,
  ERROR_CODES,
} = cjs;

export default cjs;
