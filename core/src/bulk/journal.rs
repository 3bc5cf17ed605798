// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The resumable journal: a JSONL file with one record per step of an item,
//! written (one `write` of a whole line, append mode) before the step's
//! effect can matter, so a process killed at any instant leaves a journal
//! that says enough:
//!
//! - `{"key": K, "state": "sent"}` before a create or action is sent;
//! - `{"key": K, "outcome": "created"|"skipped"|"reconciled"|"failed", ...}`
//!   once the item is settled.
//!
//! Rerun with the same journal: an item whose last record is a success
//! outcome is not touched again (no request); one whose last record is
//! `sent` may or may not have been applied, so it is reconciled by reading;
//! a failed one is tried again. A torn last line (a crash mid-write) is
//! ignored. Items are keyed by what they do (`assign|<package>|<target>`),
//! not by position, so the input may be reordered or extended between runs.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::{Error, ErrorKind, Result};

/// What an earlier run recorded for an item.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// Sent, no outcome recorded: reconcile by reading.
    Sent,
    /// Settled with this outcome (`created`, `skipped`, `reconciled`) and request id.
    Done {
        /// `created`, `skipped` or `reconciled`.
        outcome: String,
        /// The assignment request (or existing object) the item mapped to.
        request_id: Option<String>,
    },
    /// Failed: try again.
    Failed,
}

/// An open journal: what earlier runs recorded, read once at open, and the
/// file new records are appended to (see the module docs for the format).
pub struct Journal {
    file: Mutex<File>,
    earlier: HashMap<String, Recorded>,
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        format!("journal {}: cannot {what}: {e}", path.display()),
    )
}

impl Journal {
    /// Opens (creating it if need be) the journal at `path` and reads what
    /// earlier runs recorded.
    pub fn open(path: &Path) -> Result<Journal> {
        let mut earlier = HashMap::new();
        match File::open(path) {
            Ok(f) => {
                for line in BufReader::new(f).lines() {
                    let line = line.map_err(|e| io_error(path, "read it", e))?;
                    // A torn line (the process died mid-write) reads as nothing.
                    let Ok(rec) = serde_json::from_str::<Value>(&line) else {
                        continue;
                    };
                    let Some(key) = rec.get("key").and_then(Value::as_str) else {
                        continue;
                    };
                    let state = match rec.get("outcome").and_then(Value::as_str) {
                        Some("failed") => Recorded::Failed,
                        Some(outcome) => Recorded::Done {
                            outcome: outcome.to_string(),
                            request_id: rec
                                .get("requestId")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                        },
                        None if rec.get("state").and_then(Value::as_str) == Some("sent") => {
                            Recorded::Sent
                        }
                        None => continue,
                    };
                    earlier.insert(key.to_string(), state);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(path, "open it", e)),
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| io_error(path, "open it for writing", e))?;
        // End a torn last line, so the next record starts on a line of its own.
        let torn = std::fs::read(path)
            .map_err(|e| io_error(path, "read it", e))?
            .last()
            .is_some_and(|b| *b != b'\n');
        if torn {
            file.write_all(b"\n")
                .map_err(|e| io_error(path, "write to it", e))?;
        }
        Ok(Journal {
            file: Mutex::new(file),
            earlier,
        })
    }

    /// What an earlier run recorded for `key`.
    pub fn earlier(&self, key: &str) -> Option<&Recorded> {
        self.earlier.get(key)
    }

    /// Items recorded by earlier runs.
    pub fn len(&self) -> usize {
        self.earlier.len()
    }

    /// No earlier run recorded anything (a new journal).
    pub fn is_empty(&self) -> bool {
        self.earlier.is_empty()
    }

    fn append(&self, record: Value) -> Result<()> {
        let mut line = record.to_string();
        line.push('\n');
        let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // One write of the whole line: another process reading the file, or
        // this one after a crash, never sees half of two records interleaved.
        f.write_all(line.as_bytes())
            .and_then(|_| f.flush())
            .map_err(|e| {
                Error::new(
                    ErrorKind::Internal,
                    format!("journal: cannot append a record: {e}"),
                )
            })
    }

    /// Records that `key`'s create or action is about to be sent.
    pub fn sent(&self, key: &str) -> Result<()> {
        self.append(json!({"key": key, "state": "sent"}))
    }

    /// Records `key`'s outcome.
    pub fn settled(
        &self,
        key: &str,
        outcome: &str,
        request_id: Option<&str>,
        error_kind: Option<&str>,
    ) -> Result<()> {
        let mut rec = json!({"key": key, "outcome": outcome});
        if let Some(id) = request_id {
            rec["requestId"] = json!(id);
        }
        if let Some(kind) = error_kind {
            rec["error"] = json!(kind);
        }
        self.append(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_wrote_and_ignores_a_torn_line() {
        let dir = std::env::temp_dir().join(format!(
            "ent-journal-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.jsonl");
        {
            let j = Journal::open(&path).unwrap();
            j.sent("a").unwrap();
            j.settled("a", "created", Some("r1"), None).unwrap();
            j.sent("b").unwrap();
            j.settled("c", "failed", None, Some("Throttled")).unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"key\": \"d\", \"outc")
            .unwrap();
        let j = Journal::open(&path).unwrap();
        j.settled("e", "skipped", None, None).unwrap();
        let j = Journal::open(&path).unwrap();
        assert_eq!(
            j.earlier("e"),
            Some(&Recorded::Done {
                outcome: "skipped".into(),
                request_id: None
            })
        );
        assert_eq!(
            j.earlier("a"),
            Some(&Recorded::Done {
                outcome: "created".into(),
                request_id: Some("r1".into())
            })
        );
        assert_eq!(j.earlier("b"), Some(&Recorded::Sent));
        assert_eq!(j.earlier("c"), Some(&Recorded::Failed));
        assert_eq!(j.earlier("d"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
