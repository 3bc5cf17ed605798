// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! One error type with a flat, stable [`ErrorKind`]: the contract every
//! binding maps to its native errors. Messages are for humans; the kind, the
//! HTTP status, the Graph code and the request ids are for programs.

use std::fmt;
use std::time::Duration;

/// What went wrong, stable across versions and languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Rejected before anything was sent (bad argument, bad JSON, bad filter value).
    InvalidArgument,
    /// 400 from the service.
    BadRequest,
    /// 401, or no token could be obtained.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409 (and 412).
    Conflict,
    /// 429 after the retries allowed.
    Throttled,
    /// 5xx (504 Gateway Timeout included) after the retries allowed, or a
    /// response no operation expects (a redirect).
    Service,
    /// A time limit of this client passed (one attempt's timeout, the call's
    /// deadline, a wait for a request), or HTTP 408.
    Timeout,
    /// Connect, DNS or TLS failure.
    Network,
    /// The response body was not what the API documents.
    Decode,
    /// A bug (including a caught panic).
    Internal,
}

impl ErrorKind {
    /// Every kind, in the order of the C status numbers and the bindings'
    /// tables (a test checks it against `api/errors.toml`), for code that maps
    /// or lists them all.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::InvalidArgument,
        ErrorKind::BadRequest,
        ErrorKind::Authentication,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::Throttled,
        ErrorKind::Service,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::Decode,
        ErrorKind::Internal,
    ];

    /// The name every binding uses (`err.code` in JS, the Python class stem).
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "InvalidArgument",
            ErrorKind::BadRequest => "BadRequest",
            ErrorKind::Authentication => "Authentication",
            ErrorKind::PermissionDenied => "PermissionDenied",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::Conflict => "Conflict",
            ErrorKind::Throttled => "Throttled",
            ErrorKind::Service => "Service",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Network => "Network",
            ErrorKind::Decode => "Decode",
            ErrorKind::Internal => "Internal",
        }
    }

    /// The kind an HTTP error status maps to.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 | 405 | 406 | 413 | 415 | 422 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 | 410 => ErrorKind::NotFound,
            409 | 412 => ErrorKind::Conflict,
            429 => ErrorKind::Throttled,
            // 504 is the service's failure (a gateway gave up), not this
            // client's time limit: Service, like every other 5xx.
            408 => ErrorKind::Timeout,
            500..=599 => ErrorKind::Service,
            _ => ErrorKind::BadRequest,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of every fallible call.
#[derive(Debug, Clone)]
pub struct Error {
    /// What went wrong, for programs to branch on; stable across versions.
    pub kind: ErrorKind,
    /// For humans: the service's message or ours, with context; its wording may
    /// change between versions, so do not match on it.
    pub message: String,
    /// HTTP status, when a response was received.
    pub status: Option<u16>,
    /// Graph's `error.code` (e.g. `ResourceNotFound`), or the token endpoint's `error`.
    pub code: Option<String>,
    /// `request-id` of the failed response.
    pub request_id: Option<String>,
    /// `client-request-id` this client sent.
    pub client_request_id: Option<String>,
    /// `innerError.date`.
    pub date: Option<String>,
    /// `Retry-After` the service asked for.
    pub retry_after: Option<Duration>,
    /// The request may have been applied: a create or an action was sent and
    /// no answer says whether it was (504 or another 5xx, a connection lost
    /// or a timeout after sending). The client did not send it again; read
    /// the object back before repeating it. The message says so too.
    pub outcome_unknown: bool,
}

impl Error {
    /// An error of `kind` with no response details; set the public fields for
    /// more.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            status: None,
            code: None,
            request_id: None,
            client_request_id: None,
            date: None,
            retry_after: None,
            outcome_unknown: false,
        }
    }

    /// The caller's input was rejected before anything was sent.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    /// A bug or broken invariant in this library (never the caller's fault).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// The service answered 2xx with a body that is not what the API documents.
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode, message)
    }

    /// The same as the public `kind` field, for use in closures and generic code.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Builds the error for a non-success response, reading Graph's error
    /// body (`{"error":{"code","message","innerError":{...}}}`) or the token
    /// endpoint's (`{"error","error_description"}`) when there is one.
    pub fn from_response(status: u16, body: &[u8], request_id: Option<String>, client_request_id: Option<String>) -> Self {
        let mut err = Error::new(ErrorKind::from_status(status), format!("HTTP {status}"));
        err.status = Some(status);
        err.request_id = request_id;
        err.client_request_id = client_request_id;
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
            match v.get("error") {
                Some(serde_json::Value::Object(e)) => {
                    err.code = e.get("code").and_then(|c| c.as_str()).map(str::to_string);
                    if let Some(m) = e.get("message").and_then(|m| m.as_str()) {
                        err.message = m.to_string();
                    }
                    let inner = e.get("innerError").or_else(|| e.get("innererror"));
                    if let Some(inner) = inner {
                        let s = |k: &str| inner.get(k).and_then(|x| x.as_str()).map(str::to_string);
                        err.date = s("date");
                        if let Some(r) = s("request-id") {
                            err.request_id = Some(r);
                        }
                        if err.client_request_id.is_none() {
                            err.client_request_id = s("client-request-id");
                        }
                    }
                }
                Some(serde_json::Value::String(code)) => {
                    err.code = Some(code.clone());
                    if let Some(d) = v.get("error_description").and_then(|d| d.as_str()) {
                        err.message = d.lines().next().unwrap_or(d).to_string();
                    }
                }
                _ => {}
            }
        } else if !body.is_empty() {
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            err.message = format!("HTTP {status}: {text}");
        }
        err
    }

    /// Marks a non-idempotent request whose outcome is unknown (see
    /// [`Error::outcome_unknown`]); the message says so, since bindings carry
    /// the message to every language.
    pub(crate) fn with_unknown_outcome(mut self) -> Self {
        if !self.outcome_unknown {
            self.outcome_unknown = true;
            self.message.push_str(
                " (outcome unknown: the request was sent and may have been applied; it was not sent again, \
                 read the object back before repeating it)",
            );
        }
        self
    }

    pub(crate) fn with_client_request_id(mut self, id: &str) -> Self {
        if self.client_request_id.is_none() {
            self.client_request_id = Some(id.to_string());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(s) = self.status {
            write!(f, " ({s}")?;
            if let Some(c) = &self.code {
                write!(f, " {c}")?;
            }
            write!(f, ")")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(r) = &self.request_id {
            write!(f, " [request-id {r}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The result of every fallible call in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_graph_error_body() {
        let body = br#"{"error":{"code":"ResourceNotFound","message":"Not here","innerError":{"date":"2024-01-01T00:00:00","request-id":"r1","client-request-id":"c1"}}}"#;
        let e = Error::from_response(404, body, None, None);
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.code.as_deref(), Some("ResourceNotFound"));
        assert_eq!(e.message, "Not here");
        assert_eq!(e.request_id.as_deref(), Some("r1"));
        assert_eq!(e.client_request_id.as_deref(), Some("c1"));
        assert_eq!(e.date.as_deref(), Some("2024-01-01T00:00:00"));
    }

    #[test]
    fn parses_token_endpoint_error_and_garbage() {
        let e = Error::from_response(401, br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.\r\nTrace ID: x"}"#, None, None);
        assert_eq!(e.kind, ErrorKind::Authentication);
        assert_eq!(e.code.as_deref(), Some("invalid_client"));
        assert_eq!(e.message, "AADSTS7000215: Invalid client secret.");
        let e = Error::from_response(502, b"<html>bad gateway</html>", Some("rid".into()), None);
        assert_eq!(e.kind, ErrorKind::Service);
        assert!(e.message.contains("bad gateway"));
        assert_eq!(e.request_id.as_deref(), Some("rid"));
    }

    /// 504 is the service's failure (Service, like every 5xx); Timeout is this
    /// client's own time limit, and 408.
    #[test]
    fn gateway_timeout_is_a_service_error() {
        assert_eq!(ErrorKind::from_status(504), ErrorKind::Service);
        assert_eq!(ErrorKind::from_status(502), ErrorKind::Service);
        assert_eq!(ErrorKind::from_status(408), ErrorKind::Timeout);
        let e = Error::from_response(504, b"", None, None).with_unknown_outcome();
        assert!(e.outcome_unknown && e.to_string().starts_with("Service (504): HTTP 504 (outcome unknown:"), "{e}");
    }

    /// `api/errors.toml` (the table every binding's errors are generated from)
    /// lists exactly `ErrorKind::ALL`, in order, and the HTTP statuses it gives
    /// each kind are the ones `from_status` maps to it.
    #[test]
    fn kinds_match_api_errors_toml() {
        let table = include_str!("../../api/errors.toml");
        // One `[[kind]]` block per kind; only `name`, `http`, `http_range` and
        // `http_default` are read (a TOML subset: one `key = value` per line).
        let mut kinds: Vec<(String, Vec<u16>, Option<(u16, u16)>, bool)> = Vec::new();
        let mut in_kind = false;
        for line in table.lines().map(str::trim) {
            if line.starts_with("[[") {
                in_kind = line == "[[kind]]";
                if in_kind {
                    kinds.push((String::new(), Vec::new(), None, false));
                }
                continue;
            }
            let (Some(k), true) = (kinds.last_mut(), in_kind) else { continue };
            let Some((key, value)) = line.split_once('=') else { continue };
            let value = value.trim();
            let numbers = || -> Vec<u16> {
                value.trim_matches(['[', ']']).split(',').filter_map(|n| n.trim().parse().ok()).collect()
            };
            match key.trim() {
                "name" => k.0 = value.trim_matches('"').to_string(),
                "http" => k.1 = numbers(),
                "http_range" => k.2 = Some((numbers()[0], numbers()[1])),
                "http_default" => k.3 = value == "true",
                _ => {}
            }
        }
        let names: Vec<&str> = kinds.iter().map(|k| k.0.as_str()).collect();
        let ours: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ours, "api/errors.toml and ErrorKind::ALL differ");
        let listed: Vec<u16> = kinds.iter().flat_map(|k| k.1.clone()).collect();
        for (kind, (_, http, range, default)) in ErrorKind::ALL.iter().zip(&kinds) {
            for s in http {
                assert_eq!(ErrorKind::from_status(*s), *kind, "status {s}");
            }
            if let Some((first, last)) = range {
                for s in (*first..=*last).filter(|s| !listed.contains(s)) {
                    assert_eq!(ErrorKind::from_status(s), *kind, "status {s}");
                }
            }
            if *default {
                assert_eq!(ErrorKind::from_status(418), *kind, "unlisted status");
            }
        }
        for s in 400..600u16 {
            let kind = ErrorKind::from_status(s);
            let (_, http, range, default) = &kinds[ErrorKind::ALL.iter().position(|k| *k == kind).unwrap()];
            let in_range = range.is_some_and(|(a, b)| (a..=b).contains(&s)) && !listed.contains(&s);
            assert!(http.contains(&s) || in_range || *default, "status {s} maps to {kind}, which api/errors.toml does not say");
        }
    }
}
