// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Typed request builders: the query string is the builder's state, so a URL
//! can be checked without sending anything.

use std::marker::PhantomData;

use futures_util::stream::{self, Stream};
use serde::de::DeserializeOwned;

use super::{Body, Client, RawResponse};
use crate::api::Operation;
use crate::error::{Error, Result};
use crate::odata::{Filter, QueryOptions};
use crate::paging::Page;

fn decode<T: DeserializeOwned>(raw: &RawResponse) -> Result<T> {
    // Validating UTF-8 once for the whole body is cheaper than per string.
    let text = std::str::from_utf8(&raw.body).map_err(|e| Error::decode(format!("response is not UTF-8: {e}")))?;
    crate::models::support::speculate(|| serde_json::from_str(text)).map_err(|e| {
        let mut err = Error::decode(format!("unexpected response body: {e}"));
        err.status = Some(raw.status);
        err.request_id = raw.request_id.clone();
        err.client_request_id = Some(raw.client_request_id.clone());
        err
    })
}

/// A single (non-list) operation. `R` is the response type, `()` for 204.
#[must_use = "a request does nothing until .send() is awaited"]
pub struct Request<R> {
    client: Client,
    op: &'static Operation,
    args: Vec<String>,
    query: QueryOptions,
    body: Option<Result<Body>>,
    _r: PhantomData<fn() -> R>,
}

impl<R> Request<R> {
    pub(crate) fn new(client: &Client, op: &'static Operation, args: Vec<String>, body: Option<Result<Body>>) -> Self {
        Request { client: client.clone(), op, args, query: QueryOptions::default(), body, _r: PhantomData }
    }
    /// `$select`: properties to return.
    pub fn select<I: IntoIterator<Item = S>, S: Into<String>>(mut self, props: I) -> Self {
        self.query.select.extend(props.into_iter().map(Into::into));
        self
    }
    /// `$expand`: navigation properties to include.
    pub fn expand<I: IntoIterator<Item = S>, S: Into<String>>(mut self, props: I) -> Self {
        self.query.expand.extend(props.into_iter().map(Into::into));
        self
    }
    /// The URL this request would use.
    pub fn url(&self) -> Result<String> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.client.request_url(self.op, &args, &self.query)
    }
    /// What this request sends: operation, path arguments, query, body (a
    /// [`crate::batch::Batch`] item is exactly this).
    pub(crate) fn into_parts(self) -> Result<(&'static Operation, Vec<String>, QueryOptions, Option<Body>)> {
        let body = self.body.transpose()?;
        Ok((self.op, self.args, self.query, body))
    }
    async fn send_raw(self) -> Result<RawResponse> {
        let body = self.body.transpose()?;
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.client.call(self.op, &args, &self.query, body).await
    }
}

impl<R: DeserializeOwned> Request<R> {
    /// Sends the request (with the client's retries and deadline) and decodes
    /// the answer into `R`; a 204 or an empty body decodes as JSON `null`, which
    /// `()` and `Option<_>` accept.
    pub async fn send(self) -> Result<R> {
        let raw = self.send_raw().await?;
        if raw.body.is_empty() || raw.status == 204 {
            // Operations declared with a response but answered with no content.
            return serde_json::from_slice(b"null").map_err(|_| Error::decode("expected a response body, got none"));
        }
        decode(&raw)
    }
}

/// A list operation with OData options; yields typed pages.
#[must_use = "a request does nothing until it is sent"]
pub struct ListRequest<T> {
    client: Client,
    op: &'static Operation,
    args: Vec<String>,
    query: QueryOptions,
    _t: PhantomData<fn() -> T>,
}

impl<T> ListRequest<T> {
    /// What the first page's request sends (a [`crate::batch::Batch`] item).
    pub(crate) fn into_parts(self) -> (&'static Operation, Vec<String>, QueryOptions) {
        (self.op, self.args, self.query)
    }
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    pub(crate) fn new(client: &Client, op: &'static Operation, args: Vec<String>) -> Self {
        ListRequest { client: client.clone(), op, args, query: QueryOptions::default(), _t: PhantomData }
    }
    /// `$filter`, from a [`Filter`] (escaped) or a string written by hand.
    pub fn filter(mut self, f: impl Into<String>) -> Self {
        self.query.filter = Some(f.into());
        self
    }
    /// `$filter` from the [`Filter`] builder, whose literals are escaped (the
    /// same as [`filter`](Self::filter), which takes a `Filter` too; this one
    /// says so at the call site).
    pub fn filter_by(self, f: Filter) -> Self {
        self.filter(f)
    }
    /// `$select`: only these properties in each item (JSON names such as
    /// `displayName`); added to any given before.
    pub fn select<I: IntoIterator<Item = S>, S: Into<String>>(mut self, props: I) -> Self {
        self.query.select.extend(props.into_iter().map(Into::into));
        self
    }
    /// `$expand`: inline these navigation properties in each item (`target`,
    /// `accessPackage`); added to any given before.
    pub fn expand<I: IntoIterator<Item = S>, S: Into<String>>(mut self, props: I) -> Self {
        self.query.expand.extend(props.into_iter().map(Into::into));
        self
    }
    /// `$top`: page size hint.
    pub fn top(mut self, n: u32) -> Self {
        self.query.top = Some(n);
        self
    }
    /// `$orderby`: one sort key such as `displayName desc`; call again for
    /// secondary keys, in order of precedence.
    pub fn orderby(mut self, expr: impl Into<String>) -> Self {
        self.query.orderby.push(expr.into());
        self
    }
    /// `$count=true`: the total arrives in [`Page::count`].
    pub fn count(mut self, yes: bool) -> Self {
        self.query.count = yes;
        self
    }
    /// `$search`: the service's free-text search, passed on as given (Graph
    /// expects the terms in double quotes).
    pub fn search(mut self, s: impl Into<String>) -> Self {
        self.query.search = Some(s.into());
        self
    }
    /// The OData options set so far (bindings and tests read them without
    /// sending anything).
    pub fn query(&self) -> &QueryOptions {
        &self.query
    }
    /// The first page's full URL as it would be sent; nothing is sent.
    pub fn url(&self) -> Result<String> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.client.request_url(self.op, &args, &self.query)
    }

    /// The first page.
    pub async fn send(&self) -> Result<Page<T>> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let raw = self.client.call(self.op, &args, &self.query, None).await?;
        decode(&raw)
    }

    /// Every item of every page, following `@odata.nextLink`. From the
    /// second page on, the next page is fetched on the runtime while the
    /// caller works through the current one (a caller that stops
    /// after the first page costs no extra request; dropping the stream
    /// cancels a page in flight).
    pub fn stream(self) -> impl Stream<Item = Result<T>> + Send {
        enum State<T> {
            Start(ListRequest<T>),
            Items(Client, std::vec::IntoIter<T>, Next),
            Done,
        }
        stream::unfold(State::Start(self), |mut state| async move {
            loop {
                state = match state {
                    State::Start(req) => match req.send().await {
                        Ok(p) => State::Items(req.client.clone(), p.value.into_iter(), Next::Link(p.next_link)),
                        Err(e) => return Some((Err(e), State::Done)),
                    },
                    State::Items(client, mut items, next) => {
                        if let Some(x) = items.next() {
                            return Some((Ok(x), State::Items(client, items, next)));
                        }
                        let page = match next {
                            Next::Link(None) => return None,
                            Next::Link(Some(link)) => fetch_page::<T>(&client, &link).await,
                            // Decoded here, on the caller's task: the thread that frees the items builds them.
                            Next::Ahead(mut task) => match (&mut task.0).await {
                                Ok(r) => r.and_then(|raw| decode::<Page<T>>(&raw)),
                                Err(e) => Err(Error::internal(format!("the next page's task failed: {e}"))),
                            },
                        };
                        match page {
                            Ok(p) => {
                                let next = Next::ahead(&client, p.next_link);
                                State::Items(client, p.value.into_iter(), next)
                            }
                            Err(e) => return Some((Err(e), State::Done)),
                        }
                    }
                    State::Done => return None,
                }
            }
        })
    }

    /// Collects every page.
    pub async fn all(self) -> Result<Vec<T>> {
        let mut page = self.send().await?;
        let mut out = std::mem::take(&mut page.value);
        let mut next = page.next_link;
        while let Some(link) = next {
            let raw = self.client.fetch_next(&link).await?;
            let p: Page<T> = decode(&raw)?;
            out.extend(p.value);
            next = p.next_link;
        }
        Ok(out)
    }
}

async fn fetch_page<T: DeserializeOwned>(client: &Client, link: &str) -> Result<Page<T>> {
    client.fetch_next(link).await.and_then(|r| decode::<Page<T>>(&r))
}

/// What comes after the current page of [`ListRequest::stream`].
enum Next {
    /// The next page's link, not requested yet (`None`: the last page).
    Link(Option<String>),
    /// The next page, being fetched on the runtime.
    Ahead(AbortOnDrop<Result<RawResponse>>),
}

/// A task that is cancelled when its handle is dropped.
struct AbortOnDrop<R>(tokio::task::JoinHandle<R>);

impl<R> Drop for AbortOnDrop<R> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Next {
    /// Starts fetching `link` on the current tokio runtime (outside one, it is
    /// fetched when needed).
    fn ahead(client: &Client, link: Option<String>) -> Next {
        match (link, tokio::runtime::Handle::try_current()) {
            (Some(link), Ok(rt)) => {
                let client = client.clone();
                Next::Ahead(AbortOnDrop(rt.spawn(async move { client.fetch_next(&link).await })))
            }
            (link, _) => Next::Link(link),
        }
    }
}
