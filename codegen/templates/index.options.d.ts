// ---------------------------------------------------------------- options and paging

/** OData options of list operations. */
export interface ListOptions {
  /** `$filter`, e.g. `displayName eq 'General'`, or a `Filter` (literals escaped). */
  filter?: string | Filter;
  /** `$select`: property names (array or comma-separated string). */
  select?: string | string[];
  /** `$expand`: navigation properties (array or comma-separated string). */
  expand?: string | string[];
  /** `$top`: page size to ask for. */
  top?: number;
  /** `$orderby`. */
  orderby?: string | string[];
  /** `$count=true`: the page carries `count`. */
  count?: boolean;
  /** `$search`. */
  search?: string;
}

/** A `$filter` built from parts; literals are escaped by the Rust core. */
export declare class Filter {
  private constructor();
  static eq(prop: string, value: string | number | boolean | null): Filter;
  static ne(prop: string, value: string | number | boolean | null): Filter;
  static gt(prop: string, value: string | number | boolean | null): Filter;
  static ge(prop: string, value: string | number | boolean | null): Filter;
  static lt(prop: string, value: string | number | boolean | null): Filter;
  static le(prop: string, value: string | number | boolean | null): Filter;
  static startswith(prop: string, value: string): Filter;
  /** A filter written by hand, passed through unchanged. */
  static raw(text: string): Filter;
  and(other: Filter): Filter;
  or(other: Filter): Filter;
  not(): Filter;
  toString(): string;
}

/** OData options of get operations. */
export interface GetOptions {
  select?: string | string[];
  expand?: string | string[];
}

/** One page of a collection. */
export interface Page<T> {
  value: T[];
  /** Present when there are more pages. */
  nextLink?: string;
  /** `@odata.count`, when `count: true` was asked. */
  count?: number;
}

/** Items of a collection, fetched a page at a time while iterating. */
export declare class PageIterator<T> implements AsyncIterable<T> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<T>;
  /** Every page, following `nextLink`. */
  pages(): AsyncIterable<Page<T>>;
  /** All items (fetches every page). */
  toArray(): Promise<T[]>;
  /** The first item, or undefined (fetches one page). */
  first(): Promise<T | undefined>;
}

/** How `waitForAssignmentRequest` polls. */
export interface WaitOptions {
  /** Give up (TimeoutError) after this long; default 300000. */
  timeoutMs?: number;
  /** Time between polls; default 2000. */
  pollIntervalMs?: number;
}

/** A request at the end of a wait and the states it was seen in, in order. */
export interface Followed<T> {
  request: T;
  states: string[];
}

/** What a `credential`'s `getToken` resolves to (@azure/identity's `AccessToken`). */
export interface AccessToken {
  token: string;
  /** When the token expires, in ms since the epoch. */
  expiresOnTimestamp: number;
}

/** Any @azure/identity `TokenCredential`: `getToken([scope])` is called once per scope and its token
 * kept until five minutes (or half its lifetime) before `expiresOnTimestamp`; concurrent calls share
 * one pending `getToken`. */
export interface TokenCredential {
  getToken(scopes: string | string[], options?: object): Promise<AccessToken | null>;
}

/** Sign-in kinds built into the Rust core (tokens fetched, cached per scope and refreshed there),
 * named and constructed as in @azure/identity: `new Client({ credential: new identity.ClientCertificateCredential(...) })`. */
export declare namespace identity {
  abstract class BuiltinCredential {
    protected constructor(config: Record<string, unknown>);
  }
  class ClientSecretCredential extends BuiltinCredential {
    constructor(tenantId: string, clientId: string, clientSecret: string);
  }
  /** `certificate`: a PEM or PKCS#12 (`.pfx`, with `certificatePassword`) file's path, `{ certificatePath }` or `{ certificate: PEM text }`. */
  class ClientCertificateCredential extends BuiltinCredential {
    constructor(
      tenantId: string,
      clientId: string,
      certificate: string | { certificatePath: string; certificatePassword?: string } | { certificate: string; certificatePassword?: string },
      options?: { sendCertificateChain?: boolean },
    );
  }
  /** Workload identity federation: the assertion is read from `tokenFilePath` (default `AZURE_FEDERATED_TOKEN_FILE`) on every fetch. */
  class WorkloadIdentityCredential extends BuiltinCredential {
    constructor(options?: { tenantId?: string; clientId?: string; tokenFilePath?: string });
  }
  /** IMDS, or App Service's `IDENTITY_ENDPOINT`; a string is a user-assigned identity's client id. */
  class ManagedIdentityCredential extends BuiltinCredential {
    constructor(options?: string | { clientId?: string; endpoint?: string; identityHeader?: string });
  }
  /** `az account get-access-token`. */
  class AzureCliCredential extends BuiltinCredential {
    constructor(options?: { tenantId?: string });
  }
  /** Prints the sign-in instructions to stderr and polls. */
  class DeviceCodeCredential extends BuiltinCredential {
    constructor(options?: { tenantId?: string; clientId?: string });
  }
  /** The authorization code flow with PKCE: the user signs in in a browser (MFA included), the redirect
   * comes back to a listener on `http://localhost:PORT`; later tokens come from the refresh token.
   * `browser`: `system` (default), `print` (print the URL), or `http` (no browser, for the emulator,
   * which signs `loginHint` in at once). */
  class InteractiveBrowserCredential extends BuiltinCredential {
    constructor(options: { tenantId: string; clientId: string; loginHint?: string; redirectPort?: number; browser?: 'system' | 'print' | 'http' });
  }
  /** `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` with `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH` or `AZURE_FEDERATED_TOKEN_FILE`. */
  class EnvironmentCredential extends BuiltinCredential {
    constructor();
  }
  /** Environment, workload identity, managed identity, Azure CLI: the first that can run. */
  class DefaultAzureCredential extends BuiltinCredential {
    constructor();
  }
}

/** `new Client(options)`. Give at most one credential: `credential`, `token`, `tokenProvider`,
 * `clientSecret` (with `tenantId`, `clientId`) or `username`/`password` (with `tenantId`, `clientId`). */
export interface ClientOptions {
  /** Graph root without version (default: the cloud's, e.g. `https://graph.microsoft.com`). */
  baseUrl?: string;
  /** `global` (default), `usGov`, `usGovDod`, `china`. */
  cloud?: string;
  /** Version of the flat operations: `v1.0` (default) or `beta`. */
  apiVersion?: 'v1.0' | 'beta';
  /** Sign-in authority (default: the cloud's). */
  authority?: string;
  /** OAuth scope (default: the cloud's `.default`). */
  scope?: string;
  /** An @azure/identity `TokenCredential`, or one of the built-in kinds of `identity`. */
  credential?: TokenCredential | identity.BuiltinCredential;
  /** A bearer token you already have. */
  token?: string;
  /** Called (with the scope) whenever a token is needed. */
  tokenProvider?: (scope: string) => string | Promise<string>;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** Time limit of one HTTP attempt, in ms (default 100000). */
  timeoutMs?: number;
  /** Time limit of a whole call, in ms (default 300000): the token, every attempt, every backoff and
   * `Retry-After` wait. A `Retry-After` that would end past it fails the call at once, with `err.retryAfter`. */
  deadlineMs?: number;
  /** Retries of 429/503/504 and network failures (default 4). A create or action is sent again only when
   * the service said it did not process it (429, 503 with Retry-After) or the connection was refused. */
  maxRetries?: number;
}

/** One event of a Job: `type` is 'progress', 'item', ... and finally 'done' (with the summary). */
export interface JobEvent {
  type: string;
  [key: string]: unknown;
}

/** Long-running work (a $batch, a bulk operation, an export) as a stream of events. */
export declare class Job<E extends JobEvent = JobEvent, S extends JobEvent = JobEvent> implements AsyncIterable<E | S> {
  /** The last event (`type: 'done'`), once it was read. */
  summary: S | null;
  /** The next event, or null after the last. A failed job rejects with its error. */
  next(): Promise<E | S | null>;
  [Symbol.asyncIterator](): AsyncIterator<E | S>;
  /** Runs the job to its end; `progress` receives every event but the last. Resolves to the summary. */
  wait(progress?: (event: E) => void): Promise<S | null>;
  /** Stops the job; the events then end with the summary so far. */
  cancel(): void;
}

/** `client.export(resource, options)`. */
export interface ExportOptions {
  /** The file to write (with `perPackageFiles`, a folder). */
  path: string;
  /** `'jsonl'` (default): each object as the service sent it; `'csv'`: fixed columns, nested objects dotted (RFC 4180). */
  format?: 'jsonl' | 'csv';
  filter?: string;
  expand?: string;
  /** List the access packages, then export each package's objects. */
  byAccessPackage?: boolean;
  /** Packages exported at once with `byAccessPackage` (default 4). */
  concurrency?: number;
  /** With `byAccessPackage`: one `<packageId>.<format>` per package in the folder `path`. */
  perPackageFiles?: boolean;
  /** `$top` of each page. */
  pageSize?: number;
  /** Called after each page written. */
  onProgress?: (event: ExportProgress) => void;
}

export interface ExportProgress {
  type: 'progress';
  count: number;
  bytes: number;
  seconds: number;
  objectsPerSecond: number;
  packagesDone?: number;
  packagesTotal?: number;
}

export interface ExportSummary {
  count: number;
  bytes: number;
  seconds: number;
  packages?: number;
  cancelled?: boolean;
}

// ---------------------------------------------------------------- bulk

/** A target of `bulkAssign`: an object id, an email address, or either as an object. */
export type BulkTarget = string | { objectId: string } | { email: string };
export interface BulkOptions {
  /** A JSONL file the run appends to; a rerun with the same file continues without duplicates. */
  journal?: string;
  /** Requests in flight at most (default 16); the run adapts below it on 429 (AIMD). */
  maxConcurrency?: number;
  /** Requests in flight at the start (default 4). */
  initialConcurrency?: number;
  /** How existing assignments are looked up before sending: `'auto'` (default), `'package'`, `'target'`, `'none'`. */
  precheck?: 'auto' | 'package' | 'target' | 'none';
  /** Attempts per request on refused connections and transient failures (default 30); throttled answers get ten times as many. */
  maxAttempts?: number;
}
/** One settled item of a bulk run. */
export interface BulkItem {
  type: 'item';
  index: number;
  target: string;
  outcome: 'created' | 'skipped' | 'reconciled' | 'failed';
  /** The assignment request (or the existing object) the item maps to. */
  requestId?: string;
  /** Why it was skipped: `'exists'`, `'journal'`, `'gone'`. */
  reason?: string;
  error?: {
    kind: ErrorCode; message: string; status: number | null; code: string | null; requestId: string | null;
    clientRequestId: string | null; retryAfterMs: number | null; outcomeUnknown: boolean;
  };
}
/** Counts so far (a `'progress'` event) or at the end. */
export interface BulkCounts {
  total: number;
  done: number;
  created: number;
  skipped: number;
  reconciled: number;
  failed: number;
  /** Throttled answers (429, 503 with Retry-After) met on the way. */
  throttled: number;
  requests: number;
  /** Requests in flight allowed at the time. */
  concurrency: number;
  elapsedMs: number;
}
export interface BulkReport extends BulkCounts {
  cancelled: boolean;
  items: BulkItem[];
  failures: BulkItem[];
}
/** A running bulk operation: an async iterator of settled items, and an emitter of `'item'`, `'progress'` and `'done'`. */
export interface BulkRun extends AsyncIterable<BulkItem> {
  /** Number of items, when known before the run. */
  readonly total: number | undefined;
  /** The report, once the run has ended. */
  readonly report: BulkReport | undefined;
  on(event: 'item', listener: (item: BulkItem) => void): this;
  on(event: 'progress', listener: (progress: BulkCounts & { type: 'progress' }) => void): this;
  on(event: 'done', listener: (report: BulkReport) => void): this;
  /** Runs to the end; resolves to the report. */
  done(): Promise<BulkReport>;
  /** Stops sending; items in flight are left for a journal rerun to reconcile. */
  cancel(): void;
}
