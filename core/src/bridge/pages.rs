// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The pages of one list call, with one page of read-ahead: while the
//! caller works through page k, page k+1 is requested and received on the
//! runtime. Python and C read their pages through it; what each does with a
//! response (typed models, JSON text) stays theirs.

use std::sync::{Arc, Mutex};

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::{Call, ItemsJson, Output, Response, Session};
use crate::error::{Error, Result};

/// A page's response, requested but maybe not received yet.
pub struct PageTask {
    task: JoinHandle<Result<Response>>,
    /// Its link (None: the first page).
    link: Option<String>,
}

impl PageTask {
    /// Waits for the response.
    pub async fn response(&mut self) -> Result<Response> {
        (&mut self.task)
            .await
            .map_err(|e| Error::internal(format!("page task failed: {e}")))?
    }
}

enum State {
    First,
    /// The second page, not requested yet: a caller that stops after the
    /// first page (`first()`, `next(iter(...))`) costs no extra request.
    Link(String),
    Pending(PageTask),
    Busy,
    Done,
}

/// A list call's pager as the bindings hold it: one page at a time through
/// `next` and `advance`, the next page
/// already under way while the caller reads the current one. Dropping it
/// aborts a read-ahead in flight.
pub struct Pages {
    session: Arc<Session>,
    call: Arc<Call>,
    rt: Handle,
    state: Mutex<State>,
}

impl Pages {
    /// The requests run on the process's runtime ([`runtime`](super::runtime::runtime)).
    pub fn new(session: Arc<Session>, call: Arc<Call>) -> Result<Pages> {
        let rt = super::runtime::runtime()?.handle().clone();
        Ok(Pages { session, call, rt, state: Mutex::new(State::First) })
    }

    /// The list call this pager follows (its first page's request).
    pub fn call(&self) -> &Call {
        &self.call
    }

    fn spawn(&self, link: Option<String>) -> PageTask {
        let (session, call, l) = (self.session.clone(), self.call.clone(), link.clone());
        let task = self
            .rt
            .spawn(async move { session.send(&call, l.as_deref()).await });
        PageTask { task, link }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next page's task (the read-ahead, when one is under way), or None
    /// after the last page. Hand its outcome to [`Pages::finish`].
    fn next(&self) -> Result<Option<PageTask>> {
        let mut st = self.lock();
        match std::mem::replace(&mut *st, State::Busy) {
            State::First => Ok(Some(self.spawn(None))),
            State::Link(l) => Ok(Some(self.spawn(Some(l)))),
            State::Pending(t) => Ok(Some(t)),
            State::Done => {
                *st = State::Done;
                Ok(None)
            }
            State::Busy => Err(Error::invalid_argument(
                "a page of this pager is already being fetched",
            )),
        }
    }

    /// Where the pages go on after the page of `task`: `Ok(next link)`
    /// (None: that was the last page), or `Err(())` when it failed, and the
    /// next call fetches the same page again. From the second page on, the
    /// next page is requested at once.
    fn advance(&self, task: PageTask, next: std::result::Result<Option<String>, ()>) {
        let state = match (next, task.link) {
            (Ok(Some(link)), None) => State::Link(link),
            (Ok(Some(link)), Some(_)) => State::Pending(self.spawn(Some(link))),
            (Ok(None), _) => State::Done,
            (Err(()), None) => State::First,
            (Err(()), Some(link)) => State::Link(link),
        };
        *self.lock() = state;
    }

    /// Waits for the next page's response (None after the last page); hand
    /// it to [`Pages::finish`]. A caller that gives up waiting (the future
    /// is dropped: Ctrl-C, an asyncio cancel) ends the pages.
    pub async fn next_response(self: Arc<Self>) -> Result<Option<(PageTask, Result<Response>)>> {
        struct GaveUp<'a>(&'a Pages);
        impl Drop for GaveUp<'_> {
            fn drop(&mut self) {
                self.0.stop();
            }
        }
        let Some(mut task) = self.next()? else {
            return Ok(None);
        };
        let gave_up = GaveUp(&self);
        let resp = task.response().await;
        std::mem::forget(gave_up);
        Ok(Some((task, resp)))
    }

    /// The next page decoded by `decode` where this future is polled (None
    /// after the last page): [`Pages::next_response`], then [`Pages::finish`].
    pub async fn next_page<T: PageOut>(
        self: Arc<Self>,
        decode: impl FnOnce(Response) -> Result<T>,
    ) -> Result<Option<T>> {
        let Some((task, resp)) = self.clone().next_response().await? else {
            return Ok(None);
        };
        self.finish(task, resp, decode).map(Some)
    }

    /// Decodes the response of `task` (typed for Python, JSON text for C)
    /// and moves the pages on past it; a page that failed, to arrive or to
    /// decode, is fetched again by the next call.
    pub fn finish<T: PageOut>(
        &self,
        task: PageTask,
        resp: Result<Response>,
        decode: impl FnOnce(Response) -> Result<T>,
    ) -> Result<T> {
        let out = resp.and_then(decode);
        self.advance(task, out.as_ref().map(PageOut::next_link).map_err(drop));
        out
    }

    /// Ends the pages (a caller that gave up waiting for one).
    pub fn stop(&self) {
        *self.lock() = State::Done;
    }
}

/// A decoded page: where the pages go on.
pub trait PageOut {
    /// The page's `@odata.nextLink`, when there is a next page.
    fn next_link(&self) -> Option<String>;
}

impl PageOut for Output {
    fn next_link(&self) -> Option<String> {
        match self {
            Output::Page(p) => p.next_link.clone(),
            _ => None,
        }
    }
}

impl PageOut for ItemsJson {
    fn next_link(&self) -> Option<String> {
        self.next_link.clone()
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        if let State::Pending(t) = &*self.lock() {
            t.task.abort();
        }
    }
}
