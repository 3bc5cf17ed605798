// SPDX-License-Identifier: MIT

// ---------------------------------------------------------------- errors

/** The ErrorKind names, stable across languages. */
export type ErrorCode =
{{ERROR_CODE_UNION}};

export declare const ERROR_CODES: readonly ErrorCode[];

/** Every error this package throws or rejects with. */
export declare class EntitlementError extends Error {
  /** The ErrorKind name. */
  readonly code: ErrorCode;
  /** HTTP status, when a response was received. */
  readonly status: number | null;
  /** Graph's `error.code` (e.g. `ResourceNotFound`) or the token endpoint's `error`. */
  readonly graphCode: string | null;
  /** `request-id` of the failed response. */
  readonly requestId: string | null;
  /** `client-request-id` this client sent. */
  readonly clientRequestId: string | null;
  /** `innerError.date`. */
  readonly date: string | null;
  /** Seconds the service asked to wait (`Retry-After`). */
  readonly retryAfter: number | null;
  /** True when a create or action may have been carried out although it failed
   * (504, connection lost after sending): read the object back before repeating it. */
  readonly outcomeUnknown: boolean;
}

{{ERROR_CLASSES}}
