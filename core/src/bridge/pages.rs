// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The pages of one list call, with one page of read-ahead: while the
//! caller works through page k, page k+1 is requested and received on the
//! runtime. Python and C read their pages through it; what each does with a
//! response (typed models, JSON text) stays theirs.

use std::sync::{Arc, Mutex};

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::{Call, Response, Session};
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
/// [`next`](Self::next) and [`advance`](Self::advance), the next page
/// already under way while the caller reads the current one. Dropping it
/// aborts a read-ahead in flight.
pub struct Pages {
    session: Arc<Session>,
    call: Arc<Call>,
    rt: Handle,
    state: Mutex<State>,
}

impl Pages {
    /// `rt`: where the requests run.
    pub fn new(session: Arc<Session>, call: Arc<Call>, rt: Handle) -> Pages {
        Pages {
            session,
            call,
            rt,
            state: Mutex::new(State::First),
        }
    }

    /// The list call this pager follows (its first page's request).
    pub fn call(&self) -> &Call {
        &self.call
    }

    fn spawn(&self, link: Option<String>) -> PageTask {
        let (session, call, l) = (self.session.clone(), self.call.clone(), link.clone());
        let task = self.rt.spawn(async move {
            let client = session.client()?;
            match &l {
                None => call.send(&client).await,
                Some(l) => call.next_page(&client, l).await,
            }
        });
        PageTask { task, link }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next page's task (the read-ahead, when one is under way), or None
    /// after the last page. Hand its outcome to [`Pages::advance`].
    pub fn next(&self) -> Result<Option<PageTask>> {
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
    pub fn advance(&self, task: PageTask, next: std::result::Result<Option<String>, ()>) {
        let state = match (next, task.link) {
            (Ok(Some(link)), None) => State::Link(link),
            (Ok(Some(link)), Some(_)) => State::Pending(self.spawn(Some(link))),
            (Ok(None), _) => State::Done,
            (Err(()), None) => State::First,
            (Err(()), Some(link)) => State::Link(link),
        };
        *self.lock() = state;
    }

    /// Ends the pages (a caller that gave up waiting for one).
    pub fn stop(&self) {
        *self.lock() = State::Done;
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        if let State::Pending(t) = &*self.lock() {
            t.task.abort();
        }
    }
}
