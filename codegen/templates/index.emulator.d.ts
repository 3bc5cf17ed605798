// ---------------------------------------------------------------- emulator

export interface EmulatorOptions {
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** SQLite file that keeps state across restarts (absent: in memory). */
  dbPath?: string;
  /** A seed file (JSON) instead of the built-in tenant. */
  seedPath?: string;
  /** Default page size of lists. */
  pageSize?: number;
  /** Time between request state transitions (default 300). */
  deliveryDelayMs?: number;
  /** `'real'` (default) or `'manual'`: time stands still until `advance()`. */
  clock?: 'real' | 'manual';
  /** `'default'` (the tutorial tenant) or a seed object (tenantId, users, groups, applications, catalogs, objects). */
  seed?: 'default' | object;
  /** A throttle profile: `'graph'`, or with overrides (`'graph,app=100/50,tenant=1000/500,retry-after=fractional'`). */
  throttle?: string;
  /** Graph's object quotas (300,000 assignments, 20,000 access packages, ...). */
  quotas?: boolean;
  /** Share of requests failed with a random 429/503/504, and the seed of that randomness. */
  faultRate?: number;
  faultSeed?: number;
}

/** How far to move a manual clock: an ISO 8601 duration (`'P3D'`) or its parts. */
export type ClockStep = string | { days?: number; hours?: number; minutes?: number; seconds?: number };

export interface Fault {
  /** HTTP status to answer. */
  status: number;
  /** `Retry-After` header: seconds or an HTTP date. */
  retryAfter?: number | string;
  /** How many matching requests to answer with the fault (default 1). */
  count?: number;
  /** Only requests whose path contains this. */
  pathContains?: string;
}

declare global {
  /** `Symbol.asyncDispose` (`await using emu = ...`) without requiring lib `esnext.disposable` or
   * @types/node; it merges with either when present. */
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}

/** The service, emulated on 127.0.0.1 in this process. */
export declare class Emulator {
  private constructor();
  static start(options?: EmulatorOptions): Promise<Emulator>;
  /** The fixed ids of the built-in tenant (`Emulator.ids.GENERAL_CATALOG_ID`, ...). */
  static readonly ids: Readonly<Record<
    | 'TENANT_ID' | 'TENANT_DOMAIN' | 'GENERAL_CATALOG_ID' | 'REQUESTOR1_ID' | 'REQUESTOR1_UPN' | 'ADMIN_ID'
    | 'ADMIN_UPN' | 'GROUP_ID' | 'MARKETING_GROUP_ID' | 'APP_CLIENT_ID' | 'APP_CLIENT_SECRET' | 'USER_PASSWORD',
    string
  >>;
  /** Graph root: clients append `/v1.0` or `/beta`. */
  readonly baseUrl: string;
  /** Token endpoint root: `{authority}/{tenantId}/oauth2/v2.0/token`. */
  readonly authority: string;
  readonly tenantId: string;
  readonly appCredentials: { clientId: string; clientSecret: string };
  /** A delegated token for a seeded user (id or UPN). */
  userToken(user: string): string;
  /** An application token for the seeded application. */
  appToken(): string;
  injectFault(fault: Fault): void;
  /** The emulator's time (ISO 8601, UTC). */
  now(): string;
  /** Moves a manual clock forward, firing every timer due on the way in order (scheduled
   * starts, expiries, approval escalations and denials, callout timeouts); the new time. */
  advance(by: ClockStep): Promise<string>;
  /** A client with the seeded application's credentials. */
  client(options?: ClientOptions): Client;
  /** A delegated sign-in for a seeded user: the authorization code flow with PKCE (no browser). */
  userCredential(user: string): identity.InteractiveBrowserCredential;
  /** A delegated client for a seeded user (authorization code flow, see userCredential). */
  userClient(user: string, options?: ClientOptions): Client;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
