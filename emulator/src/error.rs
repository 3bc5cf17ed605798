// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Errors of the emulator as a library, and Graph-format errors on the wire.

use serde_json::{json, Value};

/// Failure to start or configure the emulator.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// Binding the port, reading the seed or TLS files, or starting the
    /// emulator's thread failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The SQLite store failed (unreadable or incompatible `db_path`, disk full).
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// The seed file or value is not a valid tenant (bad JSON, duplicate or
    /// missing ids); the message names the file and the problem.
    #[error("invalid seed: {0}")]
    Seed(String),
    /// No seeded user has this id or UPN (a token was asked for someone who is
    /// not in the tenant).
    #[error("unknown user: {0}")]
    UnknownUser(String),
    /// A token could not be signed or its claims built (a bad override in a
    /// test hook, a signing key that failed to generate).
    #[error("token error: {0}")]
    Token(String),
    /// The emulator's own thread or runtime stopped before answering
    /// ([`EmulatorHandle`](crate::EmulatorHandle)).
    #[error("emulator runtime error: {0}")]
    Runtime(String),
    /// A clock request that cannot be done (a real clock, a bad duration).
    #[error("clock: {0}")]
    Clock(String),
}

/// An error answered in Graph's `{"error":{...}}` format.
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Extra headers (e.g. `WWW-Authenticate`, `Retry-After`).
    pub headers: Vec<(&'static str, String)>,
}

impl GraphError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        GraphError { status, code: code.to_string(), message: message.into(), headers: Vec::new() }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }
    pub fn forbidden() -> Self {
        Self::new(
            403,
            "Forbidden",
            "Insufficient privileges to complete the operation.",
        )
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        let mut e = Self::new(401, "InvalidAuthenticationToken", message);
        e.headers.push((
            "www-authenticate",
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"".to_string(),
        ));
        e
    }
    pub fn missing(prop: &str) -> Self {
        Self::bad_request(format!("The required property '{prop}' is missing or empty."))
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalServerError", message)
    }

    /// The body, with Graph's `innerError` ids.
    pub fn body(&self, request_id: &str, client_request_id: &str) -> Value {
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": crate::clock::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                    "request-id": request_id,
                    "client-request-id": client_request_id,
                }
            }
        })
    }
}

impl From<rusqlite::Error> for GraphError {
    fn from(e: rusqlite::Error) -> Self {
        GraphError::internal(format!("storage error: {e}"))
    }
}

pub type GraphResult<T> = Result<T, GraphError>;

/// Graph timestamp on the emulator's clock (see `clock::enter`): UTC with
/// milliseconds, `2024-03-26T17:36:45.411Z`.
pub fn now() -> String {
    crate::clock::format(crate::clock::now())
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
