// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_pager`: a list operation read page by page, following
//! `@odata.nextLink`.

use std::os::raw::c_char;

use entitlement::api::OpKind;
use entitlement::{Client, Operation, QueryOptions};
use serde_json::Value;

use crate::client::{decode_error, ent_client, response_text};
use crate::error::ent_error;
use crate::ffi::{c_string, guard, handle, invalid, opt_str_arg, out_arg, str_arg, Result};
use crate::query;
use crate::runtime::block_on;
use crate::status::ent_status;

enum Next {
    First,
    Link(String),
    Done,
}

/// The pages of one list operation. Created by ent_client_list(), read with
/// ent_pager_next(), released with ent_pager_free(). Not for concurrent use:
/// one thread at a time (it may move between threads). It holds its own
/// reference to the connection, so it outlives the ent_client it came from.
pub struct ent_pager {
    client: Client,
    op: &'static Operation,
    args: Vec<String>,
    query: QueryOptions,
    next: Next,
}

impl ent_pager {
    /// One page: its items as a JSON array, and whether it was the last.
    fn fetch(&mut self) -> Result<(String, bool)> {
        let raw = match &self.next {
            Next::Done => return Ok(("[]".into(), true)),
            Next::First => block_on(async {
                let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
                self.client.call(self.op, &args, &self.query, None).await
            })??,
            Next::Link(link) => block_on(self.client.fetch_next(link))??,
        };
        // Checks the page against the item model first.
        response_text(self.op, &raw)?;
        let mut page: Value = serde_json::from_slice(&raw.body)
            .map_err(|e| decode_error(&raw, format!("page is not JSON: {e}")))?;
        let items = match page.get_mut("value").map(Value::take) {
            Some(v @ Value::Array(_)) => v,
            _ => return Err(decode_error(&raw, "page has no \"value\" array".into())),
        };
        let next = page
            .get("@odata.nextLink")
            .and_then(Value::as_str)
            .map(str::to_string);
        let done = next.is_none();
        let text = serde_json::to_string(&items).map_err(|e| decode_error(&raw, e.to_string()))?;
        self.next = next.map_or(Next::Done, Next::Link);
        Ok((text, done))
    }
}

unsafe fn new_pager(
    client: *const ent_client,
    operation: *const c_char,
    args_json: *const c_char,
    query_json: *const c_char,
) -> Result<ent_pager> {
    let client = handle(client, "client")?.client.clone();
    let op = query::operation(str_arg(operation, "operation")?)?;
    if op.kind != OpKind::List {
        return Err(invalid(format!(
            "{} is not a list operation; use ent_client_call",
            op.name
        )));
    }
    let args = query::path_args(op, opt_str_arg(args_json, "args_json")?)?;
    let query = query::query_options(opt_str_arg(query_json, "query_json")?)?;
    Ok(ent_pager {
        client,
        op,
        args,
        query,
        next: Next::First,
    })
}

/// Starts reading a list operation (e.g. "list_access_packages",
/// "beta.list_access_package_assignments"); arguments as for
/// ent_client_call(). Nothing is sent until ent_pager_next(). A
/// non-list operation is ENT_INVALID_ARGUMENT.
///
/// On success `*out` receives a pager the caller releases with
/// ent_pager_free(). Thread-safe with respect to `client`.
#[no_mangle]
pub unsafe extern "C" fn ent_client_list(
    client: *const ent_client,
    operation: *const c_char,
    args_json: *const c_char,
    query_json: *const c_char,
    out: *mut *mut ent_pager,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let out = out_arg(out, "out")?;
        let pager = new_pager(client, operation, args_json, query_json)?;
        *out = Box::into_raw(Box::new(pager));
        Ok(())
    })
}

/// Fetches the next page. On success `*page_items_json` receives the page's
/// items as a JSON array (release with ent_string_free()) and `*done` is
/// true when this was the last page. Called again after the last page, it
/// returns "[]" with `*done` true and sends nothing. On failure the pager is
/// unchanged, so the same page can be retried. Blocks the calling thread.
#[no_mangle]
pub unsafe extern "C" fn ent_pager_next(
    pager: *mut ent_pager,
    page_items_json: *mut *mut c_char,
    done: *mut bool,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let pager = pager
            .as_mut()
            .ok_or_else(|| invalid("pager must not be NULL"))?;
        let out = out_arg(page_items_json, "page_items_json")?;
        let done_out = out_arg(done, "done")?;
        let (text, last) = pager.fetch()?;
        *out = c_string(text)?;
        *done_out = last;
        Ok(())
    })
}

/// Releases a pager. `ent_pager_free(NULL)` is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ent_pager_free(pager: *mut ent_pager) {
    crate::ffi::free_box(pager)
}

/// Reads every page of a list operation and returns all items as one JSON
/// array in `*out_json` (release with ent_string_free()). Arguments as for
/// ent_client_list(). Convenient for small collections; use a pager for
/// large ones. Blocks; thread-safe.
#[no_mangle]
pub unsafe extern "C" fn ent_client_list_all(
    client: *const ent_client,
    operation: *const c_char,
    args_json: *const c_char,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let out = out_arg(out_json, "out_json")?;
        let mut pager = new_pager(client, operation, args_json, query_json)?;
        let mut all = Vec::new();
        loop {
            let (text, last) = pager.fetch()?;
            if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) {
                all.extend(items);
            }
            if last {
                break;
            }
        }
        *out = c_string(Value::Array(all).to_string())?;
        Ok(())
    })
}
