// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! SQLite storage: one canonical JSON record per object, keyed by kind and id,
//! plus group memberships. Records keep references to other objects in
//! `_`-prefixed fields that are never rendered.
//!
//! Scale: the properties lists filter on ([`Col`]: package, target, policy,
//! state, catalog, requestor) are copied into indexed columns on every
//! [`Store::put`], and `seq` (creation order) is the rowid, so a page
//! ([`Store::page`], keyset on `seq`), a filtered page and a `$count`
//! ([`Store::count`]) read only index entries and the rows answered, whatever
//! the number of objects stored (300,000 assignments is the service's quota).

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
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

/// Most seeded objects an in-memory store holds (see [`Store::open_for`]).
pub const LARGE_SEED: usize = 20_000;

/// One stored object.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub parent: Option<String>,
    pub json: Value,
}

impl Store {
    pub fn open(path: Option<&Path>) -> Result<(Store, bool), EmulatorError> {
        Store::open_for(path, 0)
    }

    /// Opens the database at `path`; without one, a tenant of `objects`
    /// seeded objects. Up to [`LARGE_SEED`] it lives in memory; a larger one
    /// in a private temporary file SQLite deletes when it closes, read
    /// through a bounded page cache: a quota-sized tenant (300,000
    /// assignments and their users, ~500 MB of records and indexes) then
    /// costs the process its cache, not its size.
    pub fn open_for(path: Option<&Path>, objects: usize) -> Result<(Store, bool), EmulatorError> {
        let conn = match path {
            Some(p) => {
                let conn = Connection::open(p)?;
                conn.execute_batch("PRAGMA journal_mode=WAL;")?;
                conn
            }
            None if objects > LARGE_SEED => {
                let conn = Connection::open("")?;
                // Nothing outlives the process: no sync, the journal in memory.
                conn.execute_batch("PRAGMA cache_size=-65536; PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
        add_key_columns(&conn)?;
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
            .prepare_cached("SELECT id, parent, json FROM objects WHERE kind = ?1 AND id = ?2")?
            .query_row(params![kind, id], row_to_record)
            .optional()
    }

    /// Inserts or replaces an object; its indexed columns ([`Col`]) are
    /// derived from `json` here, so every writer keeps them current.
    pub fn put(&self, kind: &str, id: &str, parent: Option<&str>, json: &Value) -> rusqlite::Result<()> {
        let keys = Col::ALL.map(|c| c.key(kind, json));
        self.conn()
            .prepare_cached(
                "INSERT INTO objects(kind, id, parent, json, pkg, target, policy, state, catalog, requestor)
                 VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(kind, id) DO UPDATE SET parent = excluded.parent, json = excluded.json,
                     pkg = excluded.pkg, target = excluded.target, policy = excluded.policy,
                     state = excluded.state, catalog = excluded.catalog, requestor = excluded.requestor",
            )?
            .execute(params![kind, id, parent, json.to_string(), keys[0], keys[1], keys[2], keys[3], keys[4], keys[5]])
            .map(|_| ())
    }

    pub fn delete(&self, kind: &str, id: &str) -> rusqlite::Result<bool> {
        self.conn()
            .prepare_cached("DELETE FROM objects WHERE kind = ?1 AND id = ?2")?
            .execute(params![kind, id])
            .map(|n| n > 0)
    }

    /// One page of the objects of `kind` matching `cond`, in creation order:
    /// those created after `after` (a [`Row::seq`] from the previous page),
    /// `offset` skipped, at most `limit`. Answered from the indexes, so a page
    /// costs the same at any depth and for any number of stored objects.
    pub fn page(&self, kind: &str, cond: Option<&Cond>, after: Option<i64>, offset: usize, limit: usize) -> rusqlite::Result<Vec<Row>> {
        let (mut sql, mut args) = where_clause(kind, cond);
        if let Some(after) = after {
            sql.push_str(" AND seq > ?");
            args.push(SqlValue::Integer(after));
        }
        sql.push_str(" ORDER BY seq LIMIT ? OFFSET ?");
        args.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        args.push(SqlValue::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT seq, id, parent, json FROM objects {sql}"))?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok(Row { seq: r.get(0)?, record: record_at(r, 1)? })
        })?;
        rows.collect()
    }

    /// One page of the objects of `kind` matching `cond`, sorted by indexed
    /// columns (`$orderby` pushed down; ties in creation order), `offset`
    /// skipped, at most `limit`.
    pub fn page_ordered(&self, kind: &str, cond: Option<&Cond>, order: &[(Col, bool)], offset: usize, limit: usize) -> rusqlite::Result<Vec<Record>> {
        let (mut sql, mut args) = where_clause(kind, cond);
        sql.push_str(" ORDER BY ");
        for (col, desc) in order {
            sql.push_str(col.name());
            sql.push_str(if *desc { " DESC, " } else { " ASC, " });
        }
        sql.push_str("seq LIMIT ? OFFSET ?");
        args.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        args.push(SqlValue::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT id, parent, json FROM objects {sql}"))?;
        let rows = stmt.query_map(params_from_iter(args), row_to_record)?;
        rows.collect()
    }

    /// All objects of `kind` matching `cond`, in creation order (a `$filter`
    /// whose other terms the caller evaluates).
    pub fn select(&self, kind: &str, cond: Option<&Cond>) -> rusqlite::Result<Vec<Record>> {
        let (sql, args) = where_clause(kind, cond);
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT id, parent, json FROM objects {sql} ORDER BY seq"))?;
        let rows = stmt.query_map(params_from_iter(args), row_to_record)?;
        rows.collect()
    }

    /// The objects of `kind` whose indexed columns equal the given values (in
    /// any case), in creation order: the few records a rule about one target
    /// or package reads, without reading the whole kind.
    pub fn select_eq(&self, kind: &str, eq: &[(Col, &str)]) -> rusqlite::Result<Vec<Record>> {
        let cond = Cond::And(eq.iter().map(|(c, v)| Cond::Eq(*c, v.to_lowercase())).collect());
        self.select(kind, Some(&cond))
    }

    /// How many objects of `kind` match `cond` (`$count`), from the indexes.
    pub fn count(&self, kind: &str, cond: Option<&Cond>) -> rusqlite::Result<usize> {
        let (sql, args) = where_clause(kind, cond);
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT count(*) FROM objects {sql}"))?;
        let n: i64 = stmt.query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
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

    /// Runs `f` in one transaction.
    pub fn transaction<T>(&self, f: impl FnOnce(&Store) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        self.conn().execute_batch("BEGIN")?;
        self.finish(f(self))
    }

    /// Runs `f` (seeding) in one transaction, building the indexes on [`Col`]
    /// once at the end instead of row by row (one sort instead of 300,000
    /// B-tree inserts per index for a quota-sized seed).
    pub fn bulk_load<T>(&self, f: impl FnOnce(&Store) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        {
            let conn = self.conn();
            conn.execute_batch("BEGIN")?;
            if let Err(e) = drop_key_indexes(&conn) {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
        let r = f(self).and_then(|v| create_key_indexes(&self.conn()).map(|_| v));
        self.finish(r)
    }

    /// Commits after `r` succeeded, else rolls back.
    fn finish<T>(&self, r: rusqlite::Result<T>) -> rusqlite::Result<T> {
        match r {
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
    record_at(r, 0)
}

/// The record in columns `at..at + 3` (id, parent, json).
fn record_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Record> {
    let json: String = r.get(at + 2)?;
    Ok(Record {
        id: r.get(at)?,
        parent: r.get(at + 1)?,
        json: serde_json::from_str(&json).unwrap_or(Value::Null),
    })
}

/// One object of a [`Store::page`] with its position in creation order.
#[derive(Debug, Clone)]
pub struct Row {
    pub seq: i64,
    pub record: Record,
}

/// Properties kept in indexed columns besides the JSON: the ones clients
/// filter the large collections on (assignments and requests by package,
/// target, policy, state, catalog, requestor). Values are stored lowercased
/// (Rust's `to_lowercase`, as the `$filter` evaluator compares strings), or
/// NULL when the record has no string there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Package,
    Target,
    Policy,
    State,
    Catalog,
    Requestor,
}

impl Col {
    pub const ALL: [Col; 6] = [Col::Package, Col::Target, Col::Policy, Col::State, Col::Catalog, Col::Requestor];

    fn name(self) -> &'static str {
        match self {
            Col::Package => "pkg",
            Col::Target => "target",
            Col::Policy => "policy",
            Col::State => "state",
            Col::Catalog => "catalog",
            Col::Requestor => "requestor",
        }
    }

    /// The record field this column holds for `kind` (None: not indexed for it).
    pub fn field(self, kind: &str) -> Option<&'static str> {
        Some(match (kind, self) {
            (kind::ASSIGNMENT | kind::REQUEST | kind::POLICY, Col::Package) => "_accessPackageId",
            (kind::ASSIGNMENT | kind::REQUEST, Col::Target) => "_targetId",
            (kind::ASSIGNMENT | kind::REQUEST, Col::Policy) => "_policyId",
            (kind::ASSIGNMENT | kind::REQUEST, Col::State) => "state",
            (kind::ASSIGNMENT, Col::Catalog) => "_catalogId",
            (kind::ACCESS_PACKAGE, Col::Catalog) => "catalogId",
            (kind::REQUEST, Col::Requestor) => "_requestorId",
            _ => return None,
        })
    }

    fn key(self, kind: &str, json: &Value) -> Option<String> {
        json.get(self.field(kind)?).and_then(Value::as_str).map(str::to_lowercase)
    }
}

/// A condition on indexed columns: a `$filter` (or the part of one) the
/// store answers. Values are compared as stored, lowercased.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Eq(Col, String),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

type SqlValue = rusqlite::types::Value;

/// `WHERE kind = ? AND (cond)` with its arguments. Column names come from
/// [`Col`], values are bound; the tree is as deep as the `$filter` parsed
/// (bounded by its limits).
fn where_clause(kind: &str, cond: Option<&Cond>) -> (String, Vec<SqlValue>) {
    fn emit(c: &Cond, sql: &mut String, args: &mut Vec<SqlValue>) {
        match c {
            Cond::Eq(col, v) => {
                sql.push_str(col.name());
                sql.push_str(" = ?");
                args.push(SqlValue::Text(v.clone()));
            }
            Cond::And(items) | Cond::Or(items) => {
                let op = if matches!(c, Cond::And(_)) { " AND " } else { " OR " };
                sql.push('(');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(op);
                    }
                    emit(item, sql, args);
                }
                sql.push(')');
            }
        }
    }
    let mut sql = String::from("WHERE kind = ?");
    let mut args = vec![SqlValue::Text(kind.to_string())];
    if let Some(c) = cond {
        sql.push_str(" AND ");
        emit(c, &mut sql, &mut args);
    }
    (sql, args)
}

/// Adds the indexed columns to a database written before they existed and
/// fills them from the stored JSON; creates their indexes (partial: most
/// kinds leave them NULL).
fn add_key_columns(conn: &Connection) -> rusqlite::Result<()> {
    let have: Vec<String> =
        conn.prepare("SELECT name FROM pragma_table_info('objects')")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let missing: Vec<Col> = Col::ALL.into_iter().filter(|c| !have.iter().any(|h| h == c.name())).collect();
    for c in &missing {
        conn.execute_batch(&format!("ALTER TABLE objects ADD COLUMN {} TEXT COLLATE BINARY", c.name()))?;
    }
    if !missing.is_empty() {
        let rows: Vec<(i64, String, String)> = conn
            .prepare("SELECT seq, kind, json FROM objects")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut update = conn.prepare(
            "UPDATE objects SET pkg = ?2, target = ?3, policy = ?4, state = ?5, catalog = ?6, requestor = ?7 WHERE seq = ?1",
        )?;
        for (seq, k, json) in rows {
            let json: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
            let keys = Col::ALL.map(|c| c.key(&k, &json));
            update.execute(params![seq, keys[0], keys[1], keys[2], keys[3], keys[4], keys[5]])?;
        }
    }
    create_key_indexes(conn)
}

fn create_key_indexes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("CREATE INDEX IF NOT EXISTS objects_parent ON objects(kind, parent);")?;
    // `kind` alone (with the implicit rowid) orders a kind's objects by creation.
    conn.execute_batch("CREATE INDEX IF NOT EXISTS objects_kind ON objects(kind);")?;
    for c in Col::ALL {
        let n = c.name();
        conn.execute_batch(&format!("CREATE INDEX IF NOT EXISTS objects_{n} ON objects(kind, {n}) WHERE {n} IS NOT NULL;"))?;
    }
    Ok(())
}

fn drop_key_indexes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("DROP INDEX IF EXISTS objects_parent; DROP INDEX IF EXISTS objects_kind;")?;
    for c in Col::ALL {
        conn.execute_batch(&format!("DROP INDEX IF EXISTS objects_{};", c.name()))?;
    }
    Ok(())
}

/// Gives the heap pages freed after seeding back to the system: a 300,000
/// assignment seed is parsed into about a gigabyte of JSON values that are
/// dropped once stored, and glibc keeps freed small allocations otherwise.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has no
    // preconditions and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
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
