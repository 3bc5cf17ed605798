// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Adaptive concurrency for bulk work: AIMD on the number of requests in
//! flight, and one `Retry-After` gate shared by every worker.
//!
//! Graph throttles per app and per tenant with token buckets: a client that
//! keeps sending after a 429 only collects more 429s (and Graph may lengthen
//! the penalty). So the first throttled answer closes the gate for everyone
//! until its `Retry-After` has passed, and halves the concurrency; each
//! window of successes (one per slot) adds one slot back, up to the maximum.
//! A burst of 429s to requests that were already in flight when the limit
//! was cut counts as one congestion event (each permit remembers the epoch
//! it was taken in), as TCP's AIMD does per round trip.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// The shared limiter.
pub struct Limiter {
    state: Mutex<State>,
    changed: Notify,
    max: usize,
}

struct State {
    limit: f64,
    in_flight: usize,
    /// Nobody sends before this instant (the latest `Retry-After`).
    gate: Option<Instant>,
    epoch: u64,
    window: usize,
    throttled: u64,
}

/// One request's slot; give it back with [`Limiter::success`],
/// [`Limiter::throttled`] or [`Limiter::release`] (dropping it releases it).
pub struct Permit {
    limiter: Arc<Limiter>,
    epoch: u64,
    done: bool,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done {
            self.limiter.finish(|_| {});
        }
    }
}

impl Limiter {
    /// A limiter starting at `initial` requests in flight, never above `max`
    /// (both at least 1).
    pub fn new(initial: usize, max: usize) -> Arc<Limiter> {
        let max = max.max(1);
        Arc::new(Limiter {
            state: Mutex::new(State {
                limit: initial.clamp(1, max) as f64,
                in_flight: 0,
                gate: None,
                epoch: 0,
                window: 0,
                throttled: 0,
            }),
            changed: Notify::new(),
            max,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a slot and for the gate to be open.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wait_until = {
                let mut st = self.lock();
                match st.gate {
                    Some(g) if g > Instant::now() => Some(g),
                    _ if st.in_flight < st.limit as usize => {
                        st.in_flight += 1;
                        return Permit {
                            limiter: self.clone(),
                            epoch: st.epoch,
                            done: false,
                        };
                    }
                    _ => None,
                }
            };
            match wait_until {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => notified.await,
            }
        }
    }

    fn finish(&self, f: impl FnOnce(&mut State)) {
        {
            let mut st = self.lock();
            st.in_flight = st.in_flight.saturating_sub(1);
            f(&mut st);
        }
        self.changed.notify_waiters();
    }

    /// The request succeeded: a full window of successes adds a slot.
    pub fn success(&self, mut permit: Permit) {
        permit.done = true;
        let max = self.max as f64;
        self.finish(|st| {
            st.window += 1;
            if st.window >= st.limit as usize {
                st.window = 0;
                st.limit = (st.limit + 1.0).min(max);
            }
        });
    }

    /// The service throttled the request (429, or 503 with `Retry-After`):
    /// close the gate for `retry_after` and halve the limit, once per
    /// congestion event.
    pub fn throttled(&self, mut permit: Permit, retry_after: Duration) {
        permit.done = true;
        let epoch = permit.epoch;
        self.finish(|st| {
            st.throttled += 1;
            let until = Instant::now() + retry_after;
            if st.gate.is_none_or(|g| g < until) {
                st.gate = Some(until);
            }
            if epoch == st.epoch {
                st.epoch += 1;
                st.window = 0;
                st.limit = (st.limit / 2.0).floor().max(1.0);
            }
        });
    }

    /// The request ended some other way (a failure that says nothing about load).
    pub fn release(&self, mut permit: Permit) {
        permit.done = true;
        self.finish(|_| {});
    }

    /// The current limit (requests allowed in flight).
    pub fn concurrency(&self) -> usize {
        self.lock().limit as usize
    }

    /// Throttled answers seen so far.
    pub fn throttled_count(&self) -> u64 {
        self.lock().throttled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn additive_increase_multiplicative_decrease() {
        let l = Limiter::new(4, 8);
        for _ in 0..4 {
            let p = l.acquire().await;
            l.success(p);
        }
        assert_eq!(l.concurrency(), 5);
        let a = l.acquire().await;
        let b = l.acquire().await;
        l.throttled(a, Duration::from_millis(1));
        // b was in flight before the cut: the same congestion event.
        l.throttled(b, Duration::from_millis(1));
        assert_eq!(l.concurrency(), 2);
        for _ in 0..100 {
            let p = l.acquire().await;
            l.success(p);
        }
        assert_eq!(l.concurrency(), 8, "never above the maximum");
    }

    #[tokio::test]
    async fn nobody_passes_the_gate_early() {
        let l = Limiter::new(2, 2);
        let p = l.acquire().await;
        let started = Instant::now();
        l.throttled(p, Duration::from_millis(120));
        let p = l.acquire().await;
        assert!(
            started.elapsed() >= Duration::from_millis(120),
            "{:?}",
            started.elapsed()
        );
        l.release(p);
    }

    #[tokio::test]
    async fn slots_bound_the_requests_in_flight() {
        let l = Limiter::new(1, 1);
        let p = l.acquire().await;
        let l2 = l.clone();
        let waiter = tokio::spawn(async move {
            let q = l2.acquire().await;
            l2.release(q);
        });
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(
            !waiter.is_finished(),
            "a second request got a slot while the only one was taken"
        );
        drop(p);
        tokio::time::timeout(Duration::from_secs(2), waiter)
            .await
            .unwrap()
            .unwrap();
    }
}
