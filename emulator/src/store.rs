// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! SQLite storage: one canonical JSON record per object, keyed by kind and id,
//! plus group memberships. Records keep references to other objects in
//! `_`-prefixed fields that are never rendered.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::error::EmulatorError;

/// Object kinds (one per Graph entity set).
pub mod kind {
    pub const CATALOG: &str = "catalog";
    pub const RESOURCE: &str = "resource";
    pub const RESOURCE_ROLE: &str = "resourceRole";
    pub const RESOURCE_REQUEST: &str = "resourceRequest";
    pub const ACCESS_PACKAGE: &str = "accessPackage";
    pub const ROLE_SCOPE: &str = "resourceRoleScope";
    pub const POLICY: &str = "assignmentPolicy";
    pub const REQUEST: &str = "assignmentRequest";
    pub const ASSIGNMENT: &str = "assignment";
    pub const USER: &str = "user";
    pub const GROUP: &str = "group";
    pub const APPLICATION: &str = "application";
    pub const SERVICE_PRINCIPAL: &str = "servicePrincipal";
    pub const CONNECTED_ORG: &str = "connectedOrganization";
    /// v1.0 `customWorkflowExtensions` / beta `accessPackageCustomWorkflowExtensions` (parent: catalog).
    pub const CUSTOM_EXTENSION: &str = "customCalloutExtension";
    /// Deprecated beta `customAccessPackageWorkflowExtensions` (parent: catalog).
    pub const LEGACY_EXTENSION: &str = "customAccessPackageWorkflowExtension";
    /// Upload sessions (parent: resource).
    pub const UPLOAD_SESSION: &str = "uploadSession";
    /// Singletons: `settings` and `controlConfigurations/endUserSettings`.
    pub const SETTINGS: &str = "settings";
    /// Subject state not derived from the directory (`subjectLifecycle`…), keyed by object id.
    pub const SUBJECT: &str = "subject";
    pub const RESOURCE_ENVIRONMENT: &str = "resourceEnvironment";
    pub const CONNECTOR: &str = "externalOriginResourceConnector";
}

pub struct Store {
    conn: Mutex<Connection>,
}

/// One stored object.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub parent: Option<String>,
    pub json: Value,
}

impl Store {
    pub fn open(path: Option<&Path>) -> Result<(Store, bool), EmulatorError> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS objects (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 kind TEXT NOT NULL,
                 id TEXT NOT NULL COLLATE NOCASE,
                 parent TEXT COLLATE NOCASE,
                 json TEXT NOT NULL,
                 UNIQUE(kind, id));
             CREATE INDEX IF NOT EXISTS objects_parent ON objects(kind, parent);
             CREATE TABLE IF NOT EXISTS group_members (
                 group_id TEXT NOT NULL COLLATE NOCASE,
                 member_id TEXT NOT NULL COLLATE NOCASE,
                 PRIMARY KEY (group_id, member_id));
             CREATE TABLE IF NOT EXISTS timers (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 due TEXT NOT NULL,
                 action TEXT NOT NULL,
                 target TEXT NOT NULL COLLATE NOCASE,
                 arg TEXT NOT NULL DEFAULT '',
                 UNIQUE(action, target, arg));
             CREATE INDEX IF NOT EXISTS timers_due ON timers(due, seq);",
        )?;
        let seeded: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'seeded'", [], |r| r.get(0))
            .optional()?;
        Ok((Store { conn: Mutex::new(conn) }, seeded.is_some()))
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn mark_seeded(&self) -> rusqlite::Result<()> {
        self.conn()
            .execute("INSERT OR REPLACE INTO meta(key, value) VALUES('seeded', '1')", [])
            .map(|_| ())
    }

    pub fn get(&self, kind: &str, id: &str) -> rusqlite::Result<Option<Record>> {
        self.conn()
            .query_row(
                "SELECT id, parent, json FROM objects WHERE kind = ?1 AND id = ?2",
                params![kind, id],
                row_to_record,
            )
            .optional()
    }

    pub fn put(&self, kind: &str, id: &str, parent: Option<&str>, json: &Value) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "INSERT INTO objects(kind, id, parent, json) VALUES(?1, ?2, ?3, ?4)
                 ON CONFLICT(kind, id) DO UPDATE SET parent = excluded.parent, json = excluded.json",
                params![kind, id, parent, json.to_string()],
            )
            .map(|_| ())
    }

    pub fn delete(&self, kind: &str, id: &str) -> rusqlite::Result<bool> {
        self.conn()
            .execute("DELETE FROM objects WHERE kind = ?1 AND id = ?2", params![kind, id])
            .map(|n| n > 0)
    }

    /// All objects of a kind (optionally under one parent), in creation order.
    pub fn list(&self, kind: &str, parent: Option<&str>) -> rusqlite::Result<Vec<Record>> {
        let conn = self.conn();
        let mut out = Vec::new();
        match parent {
            Some(p) => {
                let mut stmt = conn.prepare_cached(
                    "SELECT id, parent, json FROM objects WHERE kind = ?1 AND parent = ?2 ORDER BY seq",
                )?;
                for r in stmt.query_map(params![kind, p], row_to_record)? {
                    out.push(r?);
                }
            }
            None => {
                let mut stmt =
                    conn.prepare_cached("SELECT id, parent, json FROM objects WHERE kind = ?1 ORDER BY seq")?;
                for r in stmt.query_map(params![kind], row_to_record)? {
                    out.push(r?);
                }
            }
        }
        Ok(out)
    }

    pub fn add_member(&self, group: &str, member: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "INSERT OR IGNORE INTO group_members(group_id, member_id) VALUES(?1, ?2)",
                params![group, member],
            )
            .map(|_| ())
    }

    pub fn remove_member(&self, group: &str, member: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "DELETE FROM group_members WHERE group_id = ?1 AND member_id = ?2",
                params![group, member],
            )
            .map(|_| ())
    }

    pub fn members(&self, group: &str) -> rusqlite::Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT member_id FROM group_members WHERE group_id = ?1 ORDER BY rowid")?;
        let rows = stmt.query_map(params![group], |r| r.get::<_, String>(0))?;
        rows.collect()
    }

    /// Runs `f` in one transaction (bulk seeding).
    pub fn transaction<T>(&self, f: impl FnOnce(&Store) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        self.conn().execute_batch("BEGIN")?;
        match f(self) {
            Ok(v) => {
                self.conn().execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn().execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

fn row_to_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let json: String = r.get(2)?;
    Ok(Record {
        id: r.get(0)?,
        parent: r.get(1)?,
        json: serde_json::from_str(&json).unwrap_or(Value::Null),
    })
}

// ---------------------------------------------------------------- clock and timers (see clock.rs)

impl Store {
    pub fn meta_get(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.conn().query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0)).optional()
    }

    pub fn meta_set(&self, key: &str, value: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", params![key, value])
            .map(|_| ())
    }

    /// Adds a timer, or moves the same action's timer for `target`/`arg`.
    pub fn timer_set(&self, due: &str, action: &str, target: &str, arg: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "INSERT INTO timers(due, action, target, arg) VALUES(?1, ?2, ?3, ?4)
                 ON CONFLICT(action, target, arg) DO UPDATE SET due = excluded.due",
                params![due, action, target, arg],
            )
            .map(|_| ())
    }

    /// Drops every timer of `target` whose action starts with `action`.
    pub fn timer_cancel(&self, action: &str, target: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "DELETE FROM timers WHERE target = ?1 AND substr(action, 1, length(?2)) = ?2",
                params![target, action],
            )
            .map(|_| ())
    }

    /// The earliest timer due at or before `until`.
    pub fn timer_first_due(&self, until: &str) -> rusqlite::Result<Option<crate::clock::Timer>> {
        self.conn()
            .query_row(
                "SELECT seq, due, action, target, arg FROM timers WHERE due <= ?1 ORDER BY due, seq LIMIT 1",
                params![until],
                |r| {
                    Ok(crate::clock::Timer { seq: r.get(0)?, due: r.get(1)?, action: r.get(2)?, target: r.get(3)?, arg: r.get(4)? })
                },
            )
            .optional()
    }

    /// Removes a timer about to fire; false when another pass took it.
    pub fn timer_take(&self, seq: i64) -> rusqlite::Result<bool> {
        self.conn().execute("DELETE FROM timers WHERE seq = ?1", params![seq]).map(|n| n > 0)
    }

    /// When the next timer is due.
    pub fn timer_next(&self) -> rusqlite::Result<Option<String>> {
        self.conn().query_row("SELECT min(due) FROM timers", [], |r| r.get(0))
    }
}
