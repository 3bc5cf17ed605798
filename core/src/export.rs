// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Export of every assignment or assignment request (v1.0) to JSONL or CSV,
//! in flat memory whatever the tenant's size.
//!
//! Pages are written as they arrive. A pager takes a slot in a bounded
//! channel *before* it fetches, so at most `concurrency` pages (one without
//! segmentation) are fetched ahead of the page being written: memory is a
//! few pages, never the tenant. JSONL lines are the service's own text of
//! each object (a slice of the page, unknown properties and all; only
//! whitespace outside strings is removed when a server pretty-prints). CSV
//! has one fixed column set per resource ([`Resource::columns`]), nested
//! objects as dotted columns, quoted per RFC 4180, so the header can be
//! written before the first page.
//!
//! With [`ExportOptions::segment_by_access_package`] the access packages are
//! listed first and each package's objects are paged with
//! `$filter=accessPackage/id eq '…'` (and the caller's filter), up to
//! `concurrency` packages at a time, into one file or one file per package.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, watch};

use crate::bridge::{Call, JobContext};
use crate::error::{Error, ErrorKind, Result};
use crate::Client;

/// What is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `GET /identityGovernance/entitlementManagement/assignments`
    Assignments,
    /// `GET /identityGovernance/entitlementManagement/assignmentRequests`
    AssignmentRequests,
}

impl Resource {
    /// `"assignments"` or `"assignmentRequests"` (`"requests"` too).
    pub fn parse(name: &str) -> Result<Resource> {
        match name {
            "assignments" => Ok(Resource::Assignments),
            "assignmentRequests" | "requests" => Ok(Resource::AssignmentRequests),
            other => Err(Error::invalid_argument(format!(
                "unknown export resource {other:?} (assignments, assignmentRequests)"
            ))),
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Resource::Assignments => "list_assignments",
            Resource::AssignmentRequests => "list_assignment_requests",
        }
    }

    /// The CSV columns, in order: dotted paths into each object. A column
    /// whose value is absent or null is empty; the navigation columns
    /// (`target.*`, `accessPackage.*`, …) are filled when the service
    /// returns them (`expand`). A value that is itself an object or a list
    /// is written as its JSON text.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Resource::Assignments => &[
                "id",
                "state",
                "status",
                "expiredDateTime",
                "accessPackageId",
                "assignmentPolicyId",
                "targetId",
                "schedule.startDateTime",
                "schedule.expiration.type",
                "schedule.expiration.endDateTime",
                "schedule.expiration.duration",
                "target.id",
                "target.objectId",
                "target.displayName",
                "target.principalName",
                "target.email",
                "target.subjectType",
                "accessPackage.id",
                "accessPackage.displayName",
                "assignmentPolicy.id",
                "assignmentPolicy.displayName",
            ],
            Resource::AssignmentRequests => &[
                "id",
                "requestType",
                "state",
                "status",
                "createdDateTime",
                "completedDateTime",
                "justification",
                "schedule.startDateTime",
                "schedule.expiration.type",
                "schedule.expiration.endDateTime",
                "schedule.expiration.duration",
                "requestor.id",
                "requestor.objectId",
                "requestor.displayName",
                "requestor.principalName",
                "accessPackage.id",
                "accessPackage.displayName",
                "assignment.id",
                "assignment.targetId",
            ],
        }
    }
}

/// The file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, as the service sent it.
    Jsonl,
    /// RFC 4180: a header row, CRLF line ends, fields quoted when needed.
    Csv,
}

impl Format {
    /// Reads a format name as the CLI and the bindings pass it: `jsonl` or
    /// `csv`.
    pub fn parse(name: &str) -> Result<Format> {
        match name {
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            other => Err(Error::invalid_argument(format!(
                "unknown export format {other:?} (jsonl, csv)"
            ))),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

/// What to export and how.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Which collection to export.
    pub resource: Resource,
    /// How each object is written.
    pub format: Format,
    /// `$filter`, ANDed with the package's when segmenting.
    pub filter: Option<String>,
    /// `$expand` (e.g. `target,accessPackage`).
    pub expand: Option<String>,
    /// List the access packages, then export each package's objects.
    pub segment_by_access_package: bool,
    /// Packages paged at once when segmenting (at least 1).
    pub concurrency: usize,
    /// `$top` of each page (the service's default page size when absent).
    pub page_size: Option<u32>,
}

impl ExportOptions {
    /// Defaults: no filter or expand, not segmented, 4 packages at once when
    /// segmenting, the service's page size.
    pub fn new(resource: Resource, format: Format) -> ExportOptions {
        ExportOptions {
            resource,
            format,
            filter: None,
            expand: None,
            segment_by_access_package: false,
            concurrency: 4,
            page_size: None,
        }
    }
}

/// Where the export goes.
pub enum Destination {
    /// An open writer (a file, stdout); flushed at the end.
    Writer(Box<dyn Write + Send>),
    /// A file, created or truncated.
    File(PathBuf),
    /// A folder with one `<accessPackageId>.<jsonl|csv>` per package (needs
    /// segmentation); created if missing.
    PerPackage(PathBuf),
}

/// How far an export is (reported after each page written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Objects written.
    pub count: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Since the export started.
    pub seconds: f64,
    /// Packages finished and listed (segmented exports only).
    pub packages_done: usize,
    /// Packages to export in all, once they are listed (segmented exports
    /// only; 0 otherwise).
    pub packages_total: usize,
}

impl Progress {
    /// Average rate since the start (0 before any time has passed).
    pub fn objects_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.count as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// The job event: `{"type": "progress", "count", "bytes", "seconds", "objectsPerSecond", ...}`.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "type": "progress",
            "count": self.count,
            "bytes": self.bytes,
            "seconds": self.seconds,
            "objectsPerSecond": self.objects_per_second().round(),
        });
        if self.packages_total > 0 {
            v["packagesDone"] = json!(self.packages_done);
            v["packagesTotal"] = json!(self.packages_total);
        }
        v
    }
}

/// The outcome: what was written, and whether the caller stopped it early.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSummary {
    /// Objects written.
    pub count: u64,
    /// Bytes written.
    pub bytes: u64,
    /// How long the export took.
    pub seconds: f64,
    /// Access packages exported (segmented exports only).
    pub packages: Option<usize>,
    /// The caller stopped the export (its progress callback answered
    /// `false`) before the last page; the pages written until then are
    /// complete and flushed.
    pub cancelled: bool,
}

impl ExportSummary {
    /// The summary as the job's result object: `count`, `bytes`, `seconds`,
    /// and `packages` / `cancelled` only when they apply.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"count": self.count, "bytes": self.bytes, "seconds": self.seconds});
        if let Some(p) = self.packages {
            v["packages"] = json!(p);
        }
        if self.cancelled {
            v["cancelled"] = json!(true);
        }
        v
    }
}

/// A page (the `value` array's text) or the end of one package's pages.
enum Msg {
    Page {
        package: Option<Arc<str>>,
        items: Bytes,
    },
    End {
        package: Option<Arc<str>>,
    },
}

/// Exports every object `options` selects to `dest`, calling `progress`
/// after each page written; `progress` returning `false` stops the export
/// (the summary then says `cancelled`). Errors of the service, the
/// network or the destination end the export with an [`Error`]; what was
/// written until then stays written.
pub async fn export(
    client: &Client,
    options: &ExportOptions,
    dest: Destination,
    progress: &mut (dyn FnMut(&Progress) -> bool + Send),
) -> Result<ExportSummary> {
    if matches!(dest, Destination::PerPackage(_)) && !options.segment_by_access_package {
        return Err(Error::invalid_argument(
            "one file per access package needs segmentation by access package",
        ));
    }
    // Checked before any I/O (a bad expand or filter type is InvalidArgument here).
    base_call(options, None)?;
    let started = Instant::now();
    let ahead = if options.segment_by_access_package {
        options.concurrency.max(1)
    } else {
        1
    };
    let (tx, rx) = mpsc::channel::<Msg>(ahead);
    let (total_tx, total_rx) = watch::channel(0usize);
    let producer = tokio::spawn(produce(client.clone(), options.clone(), tx, total_tx));
    let written = write_all(options, dest, rx, total_rx, started, progress).await;
    // The writer stopped (finished, cancelled or failed): a pager still
    // waiting for a slot sees the channel closed; stop it either way.
    producer.abort();
    let produced = match producer.await {
        Ok(r) => r,
        Err(e) if e.is_panic() => Err(crate::bridge::panic_error(e.into_panic())),
        Err(_) => Ok(()),
    };
    let summary = written?;
    if !summary.cancelled {
        produced?;
    }
    Ok(summary)
}

/// The list call of one segment.
fn base_call(options: &ExportOptions, package: Option<&str>) -> Result<Call> {
    let package_filter = package
        .map(|id| crate::Filter::eq("accessPackage/id", id))
        .transpose()?
        .map(String::from);
    let filter = match (
        options.filter.as_deref().filter(|f| !f.trim().is_empty()),
        package_filter,
    ) {
        (Some(f), Some(p)) => Some(format!("({f}) and {p}")),
        (Some(f), None) => Some(f.to_string()),
        (None, p) => p,
    };
    let mut q = Map::new();
    if let Some(f) = filter {
        q.insert("filter".into(), json!(f));
    }
    if let Some(e) = options.expand.as_deref().filter(|e| !e.trim().is_empty()) {
        q.insert("expand".into(), json!(e));
    }
    if let Some(top) = options.page_size {
        q.insert("top".into(), json!(top));
    }
    Call::list(options.resource.operation(), Value::Null, Value::Object(q))
}

async fn produce(
    client: Client,
    options: ExportOptions,
    tx: mpsc::Sender<Msg>,
    total: watch::Sender<usize>,
) -> Result<()> {
    if !options.segment_by_access_package {
        return pages(&client, base_call(&options, None)?, None, &tx).await;
    }
    let packages = package_ids(&client).await?;
    total.send_replace(packages.len());
    let calls = packages
        .into_iter()
        .map(|id| base_call(&options, Some(&id)).map(|call| (call, Arc::<str>::from(id))))
        .collect::<Result<Vec<_>>>()?;
    stream::iter(calls)
        .map(|(call, id)| {
            let (client, tx) = (&client, &tx);
            async move { pages(client, call, Some(id), tx).await }
        })
        .buffer_unordered(options.concurrency.max(1))
        .try_collect::<Vec<()>>()
        .await
        .map(drop)
}

/// Every access package id (v1.0, `$select=id`).
async fn package_ids(client: &Client) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let call = Call::list("list_access_packages", Value::Null, json!({"select": "id"}))?;
    let mut out = Vec::new();
    let mut response = call.send(client).await?;
    loop {
        let page = response.items_json()?;
        let ids: Vec<Id> = serde_json::from_slice(&page.items)
            .map_err(|e| Error::decode(format!("access package without an id: {e}")))?;
        out.extend(ids.into_iter().map(|i| i.id));
        match page.next_link {
            Some(link) => response = call.next_page(client, &link).await?,
            None => return Ok(out),
        }
    }
}

/// Pages one list call into the channel. A slot is reserved before each
/// fetch: the channel's capacity bounds the pages fetched ahead.
async fn pages(
    client: &Client,
    call: Call,
    package: Option<Arc<str>>,
    tx: &mpsc::Sender<Msg>,
) -> Result<()> {
    let stopped = || Error::new(ErrorKind::Internal, "the export's writer stopped");
    let mut link: Option<String> = None;
    loop {
        let slot = tx.reserve().await.map_err(|_| stopped())?;
        let response = match &link {
            None => call.send(client).await?,
            Some(l) => call.next_page(client, l).await?,
        };
        let page = response.items_json()?;
        slot.send(Msg::Page {
            package: package.clone(),
            items: page.items,
        });
        match page.next_link {
            Some(l) => link = Some(l),
            None => break,
        }
    }
    tx.send(Msg::End { package }).await.map_err(|_| stopped())
}

/// A destination file or writer, counting what it writes.
struct Sink {
    out: Box<dyn Write + Send>,
    bytes: u64,
    what: String,
}

impl Sink {
    fn open(path: &Path, format: Format, resource: Resource) -> Result<Sink> {
        let file = File::create(path).map_err(|e| {
            Error::invalid_argument(format!("cannot create {}: {e}", path.display()))
        })?;
        Sink::new(
            Box::new(BufWriter::with_capacity(1 << 16, file)),
            path.display().to_string(),
            format,
            resource,
        )
    }

    fn new(
        out: Box<dyn Write + Send>,
        what: String,
        format: Format,
        resource: Resource,
    ) -> Result<Sink> {
        let mut sink = Sink {
            out,
            bytes: 0,
            what,
        };
        if format == Format::Csv {
            let mut header = Vec::new();
            csv_row(
                &mut header,
                resource.columns().iter().map(|c| Cow::Borrowed(*c)),
            );
            sink.write(&header)?;
        }
        Ok(sink)
    }

    fn write(&mut self, data: &[u8]) -> Result<()> {
        self.out.write_all(data).map_err(|e| self.io_error(e))?;
        self.bytes += data.len() as u64;
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| self.io_error(e))
    }

    fn io_error(&self, e: std::io::Error) -> Error {
        Error::new(
            ErrorKind::Internal,
            format!("writing the export to {}: {e}", self.what),
        )
    }
}

async fn write_all(
    options: &ExportOptions,
    dest: Destination,
    mut rx: mpsc::Receiver<Msg>,
    total: watch::Receiver<usize>,
    started: Instant,
    progress: &mut (dyn FnMut(&Progress) -> bool + Send),
) -> Result<ExportSummary> {
    let (format, resource) = (options.format, options.resource);
    let (mut single, dir) = match dest {
        Destination::Writer(w) => (
            Some(Sink::new(w, "the output".into(), format, resource)?),
            None,
        ),
        Destination::File(p) => (Some(Sink::open(&p, format, resource)?), None),
        Destination::PerPackage(dir) => {
            std::fs::create_dir_all(&dir).map_err(|e| {
                Error::invalid_argument(format!("cannot create the folder {}: {e}", dir.display()))
            })?;
            (None, Some(dir))
        }
    };
    let mut open: HashMap<Arc<str>, Sink> = HashMap::new();
    let mut state = Progress::default();
    let mut closed_bytes = 0u64;
    let mut line = Vec::with_capacity(4096);
    let mut cancelled = false;
    while let Some(msg) = rx.recv().await {
        let (package, items) = match msg {
            Msg::Page { package, items } => (package, Some(items)),
            Msg::End { package } => (package, None),
        };
        let sink = match (&mut single, &dir, &package) {
            (Some(s), _, _) => s,
            (None, Some(dir), Some(id)) => match open.entry(id.clone()) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(Sink::open(
                    &dir.join(package_file_name(id, format)),
                    format,
                    resource,
                )?),
            },
            _ => return Err(Error::internal("export: a page without its destination")),
        };
        match items {
            Some(items) => {
                line.clear();
                state.count += write_page(format, resource, &items, &mut line)?;
                sink.write(&line)?;
            }
            None => {
                state.packages_done += 1;
                if let Some(id) = package.filter(|_| dir.is_some()) {
                    if let Some(mut s) = open.remove(&id) {
                        s.flush()?;
                        closed_bytes += s.bytes;
                    }
                }
            }
        }
        state.bytes = closed_bytes
            + single.as_ref().map_or(0, |s| s.bytes)
            + open.values().map(|s| s.bytes).sum::<u64>();
        state.seconds = started.elapsed().as_secs_f64();
        state.packages_total = *total.borrow();
        if !progress(&state) {
            cancelled = true;
            break;
        }
    }
    for s in single.iter_mut().chain(open.values_mut()) {
        s.flush()?;
    }
    Ok(ExportSummary {
        count: state.count,
        bytes: state.bytes,
        seconds: started.elapsed().as_secs_f64(),
        packages: options
            .segment_by_access_package
            .then_some(state.packages_done),
        cancelled,
    })
}

/// `<id>.<ext>`, with anything but letters, digits, `-` and `_` replaced
/// (an id never names a path outside the folder).
fn package_file_name(id: &str, format: Format) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.{}", format.extension())
}

/// Appends a page's objects to `out` in `format`; returns how many.
fn write_page(format: Format, resource: Resource, items: &[u8], out: &mut Vec<u8>) -> Result<u64> {
    match format {
        Format::Jsonl => {
            let objects: Vec<&RawValue> = serde_json::from_slice(items)
                .map_err(|e| Error::decode(format!("unexpected page: {e}")))?;
            for o in &objects {
                compact_into(o.get(), out);
                out.push(b'\n');
            }
            Ok(objects.len() as u64)
        }
        Format::Csv => {
            let objects: Vec<Value> = serde_json::from_slice(items)
                .map_err(|e| Error::decode(format!("unexpected page: {e}")))?;
            for o in &objects {
                csv_row(
                    out,
                    resource.columns().iter().map(|c| match lookup(o, c) {
                        None | Some(Value::Null) => Cow::Borrowed(""),
                        Some(Value::String(s)) => Cow::Borrowed(s.as_str()),
                        Some(other) => Cow::Owned(other.to_string()),
                    }),
                );
            }
            Ok(objects.len() as u64)
        }
    }
}

/// The value at a dotted path (`schedule.expiration.type`).
fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, key| v.get(key))
}

/// JSON text with the whitespace outside strings removed (Graph sends
/// compact JSON, so this is a copy; a pretty-printed object must still be
/// one line).
fn compact_into(text: &str, out: &mut Vec<u8>) {
    if !text.bytes().any(|b| b == b'\n' || b == b'\r') {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            out.push(b);
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = b == b'"';
            out.push(b);
        }
    }
}

/// One RFC 4180 record: fields with `,`, `"`, CR or LF quoted (quotes
/// doubled), CRLF at the end.
fn csv_row<'a>(out: &mut Vec<u8>, fields: impl Iterator<Item = Cow<'a, str>>) {
    for (i, s) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            out.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(s.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// The `"export"` job: options `{"resource": "assignments" |
/// "assignmentRequests", "format": "jsonl" | "csv", "path": "...",
/// "filter"?, "expand"?, "segmentByAccessPackage"?, "concurrency"?,
/// "perPackageFiles"? (path is then a folder), "pageSize"?}`; a
/// `{"type": "progress", ...}` event per page written (the latest one when
/// the consumer is behind), summary `{count, bytes, seconds[, packages]}`.
pub(crate) async fn job(ctx: JobContext, options: Value) -> Result<Value> {
    let (opts, dest) = job_options(options)?;
    let (progress_tx, mut progress_rx) = watch::channel(None::<Progress>);
    let client = ctx.client.clone();
    let watcher = ctx.clone();
    let work = async move {
        let mut report = move |p: &Progress| {
            progress_tx.send_replace(Some(p.clone()));
            !watcher.is_cancelled()
        };
        export(&client, &opts, dest, &mut report).await
    };
    // Forwards the latest progress; ends when the export drops its sender.
    let forward = async {
        while progress_rx.changed().await.is_ok() {
            let event = progress_rx
                .borrow_and_update()
                .as_ref()
                .map(Progress::to_json);
            if let Some(event) = event {
                if !ctx.emit(event).await {
                    break;
                }
            }
        }
    };
    let (summary, ()) = tokio::join!(work, forward);
    Ok(summary?.to_json())
}

fn job_options(options: Value) -> Result<(ExportOptions, Destination)> {
    let Value::Object(m) = options else {
        return Err(Error::invalid_argument("export options must be an object"));
    };
    let known = [
        "resource",
        "format",
        "path",
        "filter",
        "expand",
        "segmentByAccessPackage",
        "concurrency",
        "perPackageFiles",
        "pageSize",
    ];
    if let Some(k) = m.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(Error::invalid_argument(format!(
            "unknown export option {k:?} ({})",
            known.join(", ")
        )));
    }
    let string = |k: &str| -> Result<Option<String>> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(Error::invalid_argument(format!(
                "export option {k} must be a string, got {other}"
            ))),
        }
    };
    let flag = |k: &str| -> Result<bool> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(Error::invalid_argument(format!(
                "export option {k} must be a boolean, got {other}"
            ))),
        }
    };
    let number = |k: &str, max: u64| -> Result<Option<u64>> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .filter(|n| (1..=max).contains(n))
                .map(Some)
                .ok_or_else(|| {
                    Error::invalid_argument(format!(
                        "export option {k} must be an integer from 1 to {max}, got {v}"
                    ))
                }),
        }
    };
    let resource = Resource::parse(&string("resource")?.unwrap_or_else(|| "assignments".into()))?;
    let format = Format::parse(&string("format")?.unwrap_or_else(|| "jsonl".into()))?;
    let path = string("path")?.filter(|p| !p.is_empty()).ok_or_else(|| {
        Error::invalid_argument("export option path is required (the file to write)")
    })?;
    let mut opts = ExportOptions::new(resource, format);
    opts.filter = string("filter")?;
    opts.expand = string("expand")?;
    opts.segment_by_access_package = flag("segmentByAccessPackage")?;
    if let Some(n) = number("concurrency", 64)? {
        opts.concurrency = n as usize;
    }
    opts.page_size = number("pageSize", 999)?.map(|n| n as u32);
    let dest = if flag("perPackageFiles")? {
        Destination::PerPackage(PathBuf::from(path))
    } else {
        Destination::File(PathBuf::from(path))
    };
    Ok((opts, dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_per_rfc_4180() {
        let mut out = Vec::new();
        csv_row(
            &mut out,
            ["a", "b,c", "say \"hi\"", "two\nlines", ""]
                .into_iter()
                .map(Cow::Borrowed),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn jsonl_lines_keep_the_text_and_lose_only_outer_whitespace() {
        let mut out = Vec::new();
        compact_into("{\"a\":1.50,\"x\":\"é\"}", &mut out);
        assert_eq!(out, b"{\"a\":1.50,\"x\":\"\xc3\xa9\"}");
        out.clear();
        compact_into("{\n  \"a\": \"x y\\\" z\",\n  \"b\": [1, 2]\n}", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"a\":\"x y\\\" z\",\"b\":[1,2]}"
        );
    }

    #[test]
    fn csv_columns_read_dotted_paths() {
        let page = br#"[{"id":"1","state":"delivered","schedule":{"expiration":{"type":"noExpiration"}},"target":{"displayName":"A, B"},"extra":{"n":1}}]"#;
        let mut out = Vec::new();
        assert_eq!(
            write_page(Format::Csv, Resource::Assignments, page, &mut out).unwrap(),
            1
        );
        let row = String::from_utf8(out).unwrap();
        let cols = Resource::Assignments.columns();
        let fields: Vec<&str> = row.trim_end().split(',').collect();
        assert_eq!(fields[0], "1");
        assert_eq!(
            fields[cols
                .iter()
                .position(|c| *c == "schedule.expiration.type")
                .unwrap()],
            "noExpiration"
        );
        assert!(row.contains("\"A, B\""), "{row}");
    }

    #[test]
    fn job_options_are_checked() {
        let err = job_options(json!({"format": "csv"})).err().unwrap();
        assert!(err.message.contains("path"), "{}", err.message);
        let err = job_options(json!({"path": "x", "colour": 1}))
            .err()
            .unwrap();
        assert!(err.message.contains("colour"), "{}", err.message);
        let err = job_options(json!({"path": "x", "resource": "users"}))
            .err()
            .unwrap();
        assert_eq!(err.kind, ErrorKind::InvalidArgument);
        let err = job_options(json!({"path": "x", "concurrency": 0}))
            .err()
            .unwrap();
        assert!(err.message.contains("concurrency"), "{}", err.message);
        let (o, d) = job_options(
            json!({"path": "out", "resource": "assignmentRequests", "format": "csv",
            "segmentByAccessPackage": true, "perPackageFiles": true, "concurrency": 3}),
        )
        .unwrap();
        assert_eq!(
            (
                o.resource,
                o.format,
                o.concurrency,
                o.segment_by_access_package
            ),
            (Resource::AssignmentRequests, Format::Csv, 3, true)
        );
        assert!(matches!(d, Destination::PerPackage(_)));
    }

    #[test]
    fn package_file_names_stay_in_the_folder() {
        assert_eq!(package_file_name("../x/y", Format::Csv), "___x_y.csv");
        assert_eq!(package_file_name("a1-b2", Format::Jsonl), "a1-b2.jsonl");
    }
}
