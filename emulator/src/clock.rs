// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The emulator's clock and its timers.
//!
//! Policy: there is one clock per emulator. In `real` mode it is the system
//! time; in `manual` mode it is a stored instant that only moves when told
//! (`POST /_emulator/clock/advance`, `Emulator::advance`), so a test can live
//! through day 3 in a millisecond. Every timestamp a handler writes goes
//! through [`now`] (the clock of the request being handled, see [`enter`]),
//! and everything that happens *because time passed* (a scheduled start, an
//! expiry, an approval escalating or timing out, a custom extension that
//! never called back) is a row in the `timers` table, so a restart on the same
//! database keeps it. Timers fire in due order, each seeing the clock at its
//! due time; in real mode a background task fires them as they come due.
//!
//! Processing latency (a request moving from submitted to delivered
//! `delivery_delay` apart) stays on the wall clock in both modes: it stands
//! for the service's work, not for time in the business sense, and a test
//! waiting for delivery must not have to advance the clock to get it.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::error::EmulatorError;
use crate::server::State;

/// How the emulator tells time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockMode {
    /// The system time (the default).
    #[default]
    Real,
    /// A stored instant that moves only on `advance`; it starts at the
    /// system time (or where a database left it).
    Manual,
}

impl std::str::FromStr for ClockMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "real" => Ok(ClockMode::Real),
            "manual" => Ok(ClockMode::Manual),
            _ => Err(format!("unknown clock mode {s:?} (real, manual)")),
        }
    }
}

/// Graph's timestamp text: UTC with milliseconds. Also the sort key of the
/// timers table (fixed width, so text order is time order).
pub fn format(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A Graph timestamp back to an instant (any RFC 3339 offset).
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| t.with_timezone(&Utc))
}

/// An ISO 8601 duration (`P3D`, `PT2H30M`, `P1W`, `PT0.5S`) as a chrono
/// duration. Years and months count 365 and 30 days (what the service does
/// for access package durations). `None` for text that is not a duration or
/// is out of range.
pub fn duration(text: &str) -> Option<Duration> {
    let secs = crate::resources::approvals::iso_seconds(text)?;
    if !secs.is_finite() || !(0.0..=1e11).contains(&secs) {
        return None;
    }
    Duration::try_milliseconds((secs * 1000.0).round() as i64)
}

/// One emulator's clock.
pub struct Clock {
    mode: ClockMode,
    manual: Mutex<DateTime<Utc>>,
    /// One advance at a time: timers fire in order, never interleaved.
    pub(crate) advancing: tokio::sync::Mutex<()>,
    /// Wakes the real-mode timer task when a timer is added.
    pub(crate) wake: tokio::sync::Notify,
}

impl Clock {
    /// A clock in `mode`; a manual one starts at `start` (see [`start_time`]),
    /// a real one ignores it.
    pub fn new(mode: ClockMode, start: DateTime<Utc>) -> Clock {
        Clock { mode, manual: Mutex::new(start), advancing: tokio::sync::Mutex::new(()), wake: tokio::sync::Notify::new() }
    }
    /// Whether this clock is the system time or a stored instant.
    pub fn mode(&self) -> ClockMode {
        self.mode
    }
    /// This clock's time: the system time, or the manual instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self.mode {
            ClockMode::Real => Utc::now(),
            ClockMode::Manual => *self.manual.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }
    /// Moves a manual clock forward to `t` (never back).
    fn move_to(&self, t: DateTime<Utc>) {
        let mut m = self.manual.lock().unwrap_or_else(|p| p.into_inner());
        if t > *m {
            *m = t;
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Clock>>> = const { RefCell::new(None) };
}

/// Makes `clock` the one [`now`] reads on this thread until the guard drops.
/// Handlers run on the blocking pool; the server enters the emulator's clock
/// around each one, and the lifecycle around each synchronous step (never
/// across an `.await`).
pub fn enter(clock: &Arc<Clock>) -> Scope {
    let prev = CURRENT.with(|c| c.replace(Some(clock.clone())));
    Scope(prev)
}

/// Keeps a clock current on this thread (see [`enter`]); dropping it
/// restores the clock that was current before.
pub struct Scope(Option<Arc<Clock>>);

impl Drop for Scope {
    fn drop(&mut self) {
        let prev = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

/// The current emulator's time (system time outside any emulator scope).
pub fn now() -> DateTime<Utc> {
    CURRENT.with(|c| c.borrow().as_ref().map(|c| c.now())).unwrap_or_else(Utc::now)
}

/// Where a manual clock starts: where the database left it, else now.
pub fn start_time(store: &crate::store::Store) -> DateTime<Utc> {
    store.meta_get("clock").ok().flatten().and_then(|s| parse(&s)).unwrap_or_else(Utc::now)
}

/// One due action (a row of the `timers` table).
#[derive(Debug, Clone)]
pub struct Timer {
    /// Row id: the order timers were set in, which breaks ties of equal `due`.
    pub seq: i64,
    /// When it fires, in [`format()`]'s text (which sorts as time).
    pub due: String,
    /// What to do: one of the lifecycle's timer actions
    /// (`request.start`, `assignment.expire`, `approval.escalate`, …).
    pub action: String,
    /// The id of the object it acts on (a request, assignment or approval).
    pub target: String,
    /// Action-specific detail (an approval stage index, a callout id, a
    /// notice's stage); empty when unused.
    pub arg: String,
}

/// Schedules `action` on `target` at `due`, replacing the same action's
/// earlier timer for that target and argument.
pub fn schedule(st: &State, due: DateTime<Utc>, action: &str, target: &str, arg: &str) -> rusqlite::Result<()> {
    st.store.timer_set(&format(due), action, target, arg)?;
    st.clock.wake.notify_one();
    Ok(())
}

/// Fires every timer due at or before `until`, in due order. A manual clock
/// moves to each timer's due time before it fires. Timers that firing adds
/// (an escalation's denial, an expiry after a scheduled start) fire in the
/// same pass when they are due by `until`.
pub async fn fire_due(st: &Arc<State>, until: DateTime<Utc>) {
    // A bound on work per pass: a timer that keeps rescheduling itself at the
    // same instant cannot spin forever.
    for _ in 0..100_000 {
        let next = match st.store.timer_first_due(&format(until)) {
            Ok(Some(t)) => t,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the timers");
                return;
            }
        };
        match st.store.timer_take(next.seq) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "cannot take a timer");
                return;
            }
        }
        if st.clock.mode() == ClockMode::Manual {
            if let Some(due) = parse(&next.due) {
                st.clock.move_to(due);
                let _ = st.store.meta_set("clock", &format(st.clock.now()));
            }
        }
        crate::lifecycle::fire(st, &next).await;
    }
}

/// Advances a manual clock by `by` (ISO 8601), firing every timer due in
/// between in order; answers the new time.
pub async fn advance(st: &Arc<State>, by: &str) -> Result<DateTime<Utc>, EmulatorError> {
    if st.clock.mode() != ClockMode::Manual {
        return Err(EmulatorError::Clock(
            "the clock is real; start the emulator with a manual clock (`--clock manual`, clock: \"manual\") to advance it".into(),
        ));
    }
    let d = duration(by).ok_or_else(|| EmulatorError::Clock(format!("{by:?} is not an ISO 8601 duration such as P3D or PT2H")))?;
    let _one = st.clock.advancing.lock().await;
    let target = st.clock.now().checked_add_signed(d).ok_or_else(|| EmulatorError::Clock(format!("advancing by {by} leaves the calendar")))?;
    fire_due(st, target).await;
    st.clock.move_to(target);
    st.store.meta_set("clock", &format(target))?;
    Ok(target)
}

/// Real mode: fires timers as they come due. Runs until aborted (the
/// emulator aborts it when it stops).
pub fn spawn_ticker(st: Arc<State>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            fire_due(&st, Utc::now()).await;
            let wait = match st.store.timer_next() {
                Ok(Some(due)) => parse(&due).map(|d| (d - Utc::now()).to_std().unwrap_or_default()),
                _ => None,
            }
            .unwrap_or(std::time::Duration::from_secs(60))
            .min(std::time::Duration::from_secs(60));
            let _ = tokio::time::timeout(wait, st.clock.wake.notified()).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_modes() {
        assert_eq!(duration("P3D"), Some(Duration::days(3)));
        assert_eq!(duration("PT1H30M"), Some(Duration::minutes(90)));
        assert_eq!(duration("P1W"), Some(Duration::days(7)));
        assert_eq!(duration("3 days"), None);
        assert_eq!(duration("P99999999999D"), None);
        assert_eq!("Manual".parse::<ClockMode>(), Ok(ClockMode::Manual));
        assert!("fast".parse::<ClockMode>().is_err());
    }

    #[test]
    fn scope_sets_and_restores_the_clock() {
        let t = parse("2030-01-02T03:04:05.000Z").unwrap();
        let c = Arc::new(Clock::new(ClockMode::Manual, t));
        {
            let _g = enter(&c);
            assert_eq!(now(), t);
            c.move_to(t + Duration::days(1));
            assert_eq!(now(), t + Duration::days(1));
            c.move_to(t);
            assert_eq!(now(), t + Duration::days(1), "a manual clock never goes back");
        }
        assert!(now() > parse("2026-01-01T00:00:00Z").unwrap() && now() != t + Duration::days(1));
    }
}
