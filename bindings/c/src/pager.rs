// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_pager`: a list operation read page by page, following
//! `@odata.nextLink`. Each page is parsed once (the typed check); its items
//! are handed out as a slice of the service's text, never re-encoded.

use std::os::raw::c_char;
use std::sync::Arc;

use entitlement::bridge::{ItemsJson, JoinedArrays, Pages, Response};

use crate::client::{call_args, ent_client};
use crate::error::ent_error;
use crate::ffi::{c_string, guard, handle, null, out_arg, put_box, put_string, Result};
use crate::status::ent_status;
use entitlement::bridge::runtime::block_on;

/// The pages of one list operation. Created by ent_client_list(), read with
/// ent_pager_next(), released with ent_pager_free(). Not for concurrent use:
/// one thread at a time (it may move between threads). It holds its own
/// reference to the connection, so it outlives the ent_client it came from.
/// From the second page on, the next page is requested while the caller
/// works through the current one.
pub struct ent_pager {
    pages: Arc<Pages>,
}

impl ent_pager {
    /// One page's items (None once the last page was read). A failed page
    /// is fetched again by the next call.
    fn fetch(&mut self) -> Result<Option<ItemsJson>> {
        block_on(self.pages.clone().next_page(Response::items_json))?
    }
}

unsafe fn new_pager(
    client: *const ent_client,
    operation: *const c_char,
    args_json: *const c_char,
    query_json: *const c_char,
) -> Result<ent_pager> {
    let session = handle(client, "client")?.session()?.clone();
    let call = Arc::new(call_args(operation, args_json, query_json, None)?);
    let pages = Arc::new(Pages::new(session, call)?);
    Ok(ent_pager { pages })
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
        put_box(out, new_pager(client, operation, args_json, query_json)?)
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
        let pager = pager.as_mut().ok_or_else(|| null("pager"))?;
        let out = out_arg(page_items_json, "page_items_json")?;
        let done_out = out_arg(done, "done")?;
        let (text, last) = match pager.fetch()? {
            None => (b"[]".to_vec(), true),
            Some(p) => (p.items.to_vec(), p.next_link.is_none()),
        };
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
        let mut all = JoinedArrays::default();
        while let Some(page) = pager.fetch()? {
            all.push(&page.items);
        }
        put_string(out, all.finish())
    })
}
