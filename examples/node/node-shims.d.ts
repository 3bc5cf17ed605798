// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// The few Node APIs these examples use, typed here so that they compile with
// `tsc --strict` and lib es2022 alone. In your own project, `npm install -D
// @types/node` instead and delete this file.

declare const process: {
  env: Record<string, string | undefined>;
  argv: string[];
  exitCode?: number;
};
declare const console: {
  log(...values: unknown[]): void;
  error(...values: unknown[]): void;
};
declare function setTimeout(callback: () => void, ms: number): unknown;

declare module 'node:fs' {
  export function readFileSync(path: string, encoding: 'utf8'): string;
  export function mkdirSync(path: string, options: { recursive: true }): string | undefined;
  export function rmSync(path: string, options: { force: true }): void;
}
declare module 'node:path' {
  export function join(...parts: string[]): string;
}
