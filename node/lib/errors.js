// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Typed errors. Native code rejects with a structured reason behind MARKER
// (bindings/node/src/error.rs); fromNative turns it into one of these.

const MARKER = '\u0001entitlement-error:';

class EntitlementError extends Error {
  constructor(message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    /** The ErrorKind name, stable across languages. */
    this.code = new.target.code || fields.code || 'Internal';
    this.status = fields.status ?? null;
    this.graphCode = fields.graphCode ?? null;
    this.requestId = fields.requestId ?? null;
    this.clientRequestId = fields.clientRequestId ?? null;
    this.date = fields.date ?? null;
    /** Seconds the service asked to wait (Retry-After), if any. */
    this.retryAfter = fields.retryAfter ?? null;
    /** True when a create or action may have been carried out although it failed
     * (504, connection lost after sending): read the object back before repeating it. */
    this.outcomeUnknown = fields.outcomeUnknown === true;
  }
}

// The kinds, in order, generated from api/errors.toml.
const KINDS = require('./error_kinds').map((k) => k.kind);

const classes = { EntitlementError };
const byKind = {};
for (const kind of KINDS) {
  const name = `${kind}Error`;
  // A named class per kind, so `err instanceof NotFoundError` and stack traces read well.
  const cls = { [name]: class extends EntitlementError {} }[name];
  Object.defineProperty(cls, 'code', { value: kind });
  classes[name] = cls;
  byKind[kind] = cls;
}

// napi-rs's own argument-conversion failures: the caller passed a wrong type.
const NAPI_ARGUMENT_CODES = new Set([
  'InvalidArg', 'ObjectExpected', 'StringExpected', 'NameExpected', 'FunctionExpected', 'NumberExpected',
  'BooleanExpected', 'ArrayExpected', 'BigintExpected', 'DateExpected', 'ArrayBufferExpected',
  'DetachableArraybufferExpected',
]);

/** Converts anything native code threw into an EntitlementError. */
function fromNative(err) {
  if (err instanceof EntitlementError) return err;
  const message = err && typeof err.message === 'string' ? err.message : String(err);
  if (message.startsWith(MARKER)) {
    let detail;
    try {
      detail = JSON.parse(message.slice(MARKER.length));
    } catch {
      return new classes.InternalError(`unreadable native error: ${message}`);
    }
    const cls = byKind[detail.kind] || classes.InternalError;
    return new cls(detail.message, detail);
  }
  if (err && NAPI_ARGUMENT_CODES.has(err.code)) {
    return new classes.InvalidArgumentError(message, { cause: err });
  }
  return new classes.InternalError(message, { cause: err });
}

function invalidArgument(message) {
  return new classes.InvalidArgumentError(message);
}

module.exports = { ...classes, ERROR_CODES: KINDS, fromNative, invalidArgument, MARKER };
