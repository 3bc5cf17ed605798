// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Rust events to `logging` via pyo3-log, importing `logging` (a third of `import entitlement`)
//! once the application has (seen at its next call) or for a warning: unconfigured, it drops the rest.
use log::{Level, LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;
use pyo3_log::{Caching, Logger};
use std::sync::OnceLock;

static FORWARD: OnceLock<Logger> = OnceLock::new();
struct Lazy;
fn forward(py: Python<'_>) -> Option<&'static Logger> {
    let made = Logger::new(py, Caching::LoggersAndLevels).ok()?;
    Some(FORWARD.get_or_init(|| made))
}

fn logger(level: Level) -> Option<&'static Logger> {
    match FORWARD.get() {
        None if level <= Level::Warn => Python::attach(forward),
        got => got,
    }
}

impl Log for Lazy {
    fn enabled(&self, m: &Metadata) -> bool {
        logger(m.level()).is_some_and(|l| l.enabled(m))
    }
    fn log(&self, r: &Record) {
        logger(r.level()).inspect(|l| l.log(r));
    }
    fn flush(&self) {}
}

/// Installs the forwarder (module init).
pub fn install() {
    log::set_logger(&Lazy).map_or((), |()| log::set_max_level(LevelFilter::Debug))
}

/// Forwards every event from the first call after the application imported `logging`.
pub fn poll(py: Python<'_>) {
    let imported = || py.import("sys")?.getattr("modules")?.contains("logging");
    (FORWARD.get().is_none() && imported().unwrap_or(false)).then(|| forward(py));
}
