// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! A local emulator of the Microsoft Graph entitlement management service
//! (Entra ID Governance): Graph's `/v1.0` and `/beta` routes from the one API
//! description in core, an Entra-compatible token endpoint, SQLite state, and
//! request delivery in the background.
//!
//! Runtime policy: [`Emulator`] runs on the caller's tokio runtime;
//! [`EmulatorHandle`] owns a thread with its own runtime for hosts without one
//! (bindings, CLI).

// Every public item says what it is for; the `docs` suite of
// scripts/test-all.sh denies warnings, so a new undocumented item fails CI.
#![warn(missing_docs)]

mod auth;
mod batch;
pub mod clock;
pub mod identity;
mod error;
mod hosted;
#[doc(hidden)]
pub mod in_process;
mod lifecycle;
pub mod odata;
mod resources;
mod seed;
mod server;
mod store;
pub mod tls;
mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use clock::ClockMode;
pub use error::EmulatorError;
pub use hosted::{fixture_ids, HostedEmulator};
pub use seed::{Seed, SeedApplication, SeedFederatedCredential, SeedGroup, SeedUser};
pub use throttle::{BucketProfile, Quotas, RandomFaults, RetryAfterStyle, ThrottleConfig};

use server::State;
use store::kind;

/// Fixed identifiers of the built-in tenant (`Seed::default()`).
pub mod ids {
    /// The tenant's id (`tid` in tokens, the `{tenant}` segment of the token
    /// endpoint).
    pub const TENANT_ID: &str = "a1b2c3d4-0000-4000-8000-00000000e1a1";
    /// The tenant's verified domain; seeded users' UPNs end with it.
    pub const TENANT_DOMAIN: &str = "contoso.com";
    /// The built-in "General" catalog (`catalogType: serviceDefault`), present
    /// in every tenant as in Entra.
    pub const GENERAL_CATALOG_ID: &str = "cec5d6ab-c75d-47c0-9c1c-92e89f66e384";
    /// Object id of "Requestor1", a plain user with no directory role (the
    /// requestor in the tutorial).
    pub const REQUESTOR1_ID: &str = "007d1c7e-7fa8-4e33-b678-5e437acdcddc";
    /// Sign-in name of [`REQUESTOR1_ID`].
    pub const REQUESTOR1_UPN: &str = "requestor1@contoso.com";
    /// Object id of "Admin", an Identity Governance Administrator (may manage
    /// catalogs, packages and policies with a delegated token).
    pub const ADMIN_ID: &str = "5c0f3a7e-2d1b-4c8a-9e6f-0a1b2c3d4e5f";
    /// Sign-in name (and mail) of [`ADMIN_ID`].
    pub const ADMIN_UPN: &str = "admin@contoso.com";
    /// A seeded security group with no members, to add as a catalog resource.
    pub const GROUP_ID: &str = "e93e24d1-2b65-4a6c-a1dd-654a12225487";
    /// A second seeded group with no members, for tests that need two resources.
    pub const MARKETING_GROUP_ID: &str = "f4892fac-e81c-4712-bdf2-a4450008a4b0";
    /// The seeded application's client id, with the
    /// `EntitlementManagement.ReadWrite.All` application permission.
    pub const APP_CLIENT_ID: &str = "3f6d2b8e-9a41-4c07-b1e5-7d8c9e0f1a2b";
    /// The seeded application's client secret (client-credentials grant).
    pub const APP_CLIENT_SECRET: &str = "emulator-app-secret~0123456789";
    /// The seeded app's well-known development certificate and its private
    /// key (PEM; the same pair as PKCS#12 in `dev-app.pfx`, password
    /// [`APP_CERTIFICATE_PASSWORD`]). Public like Azurite's account key: it
    /// proves nothing anywhere but in the emulator.
    pub const APP_CERTIFICATE_PEM: &str = include_str!("identity/dev-app.pem");
    /// [`APP_CERTIFICATE_PEM`] as PKCS#12, protected by
    /// [`APP_CERTIFICATE_PASSWORD`].
    pub const APP_CERTIFICATE_PFX: &[u8] = include_bytes!("identity/dev-app.pfx");
    /// The password of [`APP_CERTIFICATE_PFX`].
    pub const APP_CERTIFICATE_PASSWORD: &str = "emulator";
    /// Every seeded user's password for the password grant, unless the seed
    /// gives one.
    pub const USER_PASSWORD: &str = "Emulator!Passw0rd";
}

/// How an emulator starts: where it listens and keeps state, who is in the
/// tenant, and how it behaves (paging, delivery speed, clock, TLS,
/// throttling). `Default` is an in-memory tenant from [`Seed::default`] on
/// an ephemeral loopback port.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// 0 = an ephemeral port.
    pub port: u16,
    /// `None` = in-memory SQLite; a path keeps state across restarts.
    pub db_path: Option<PathBuf>,
    /// The tenant to create on first start: users, groups, applications,
    /// catalogs and other objects. Ignored when `db_path` already holds a tenant.
    pub seed: Seed,
    /// Default page size of lists (`$top` may ask for less).
    pub page_size: usize,
    /// Time between request state transitions.
    pub delivery_delay: Duration,
    /// Host names (optionally `name:port`) accepted in the `Host` header
    /// besides the loopback names (`127.0.0.1`, `localhost`, `[::1]`), for an
    /// emulator reached under another name (a docker compose service, a
    /// reverse proxy). `"*"` accepts any name. Other names get 400: the check
    /// keeps web pages from reaching a loopback emulator through DNS rebinding.
    pub allowed_hosts: Vec<String>,
    /// Real (system time) or manual (moves only on `advance`); see `clock.rs`.
    pub clock: ClockMode,
    /// Serve HTTPS with a certificate generated at startup, written to this
    /// directory as `tls-certificate.pem` (see [`tls`]); `None` = plain HTTP.
    pub tls_dir: Option<PathBuf>,
    /// Graph's throttling: token buckets, object quotas, random faults
    /// (README "Throttling"). All off by default.
    pub throttle: ThrottleConfig,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            db_path: None,
            seed: Seed::default(),
            page_size: 100,
            delivery_delay: Duration::from_millis(300),
            allowed_hosts: Vec::new(),
            clock: ClockMode::Real,
            tls_dir: None,
            throttle: ThrottleConfig::default(),
        }
    }
}

/// A fault answered instead of the next `count` matching requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The HTTP status to answer (429, 500, 503, 504 get Graph's error code for
    /// them; others `UnknownError`).
    pub status: u16,
    /// `Retry-After` header text.
    pub retry_after: Option<String>,
    /// How many matching requests to fail; the fault is dropped after that.
    pub count: u32,
    /// Only requests whose path contains this (None = any). The token endpoint is never faulted.
    pub path_contains: Option<String>,
}

/// Accessors shared by [`Emulator`] and [`EmulatorHandle`].
#[derive(Clone)]
struct Shared {
    st: Arc<State>,
    app: (String, String),
}

impl Shared {
    fn user_token(&self, user: &str) -> Result<String, EmulatorError> {
        let u = auth::find_user(&self.st, user).ok_or_else(|| EmulatorError::UnknownUser(user.to_string()))?;
        auth::user_token(&self.st, &u, &self.app.0)
    }
    fn app_token(&self) -> String {
        match self.st.store.get(kind::APPLICATION, &self.app.0) {
            Ok(Some(app)) => auth::app_token(&self.st, &app.json).unwrap_or_default(),
            _ => String::new(),
        }
    }
    fn inject_fault(&self, fault: Fault) {
        self.st.faults.lock().unwrap_or_else(|p| p.into_inner()).push(fault);
    }
    fn now(&self) -> String {
        clock::format(self.st.clock.now())
    }
}

/// A running emulator on the caller's tokio runtime: bound to 127.0.0.1,
/// serving until [`shutdown`](Self::shutdown) or drop. Use
/// [`EmulatorHandle`] from code without a runtime.
pub struct Emulator {
    shared: Shared,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// Real mode: the task firing timers as they come due.
    ticker: Option<tokio::task::JoinHandle<()>>,
    tls_certificate: Option<PathBuf>,
}

impl Emulator {
    /// Binds 127.0.0.1 and serves until [`Emulator::shutdown`].
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let (store, seeded) = store::Store::open_for(config.db_path.as_deref(), config.seed.size())?;
        if !seeded {
            config.seed.apply(&store)?;
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let app = config.seed.app().map(|a| (a.client_id.clone(), a.client_secret.clone())).unwrap_or_default();
        let st = new_state(&config, store, &addr);
        let real_clock = config.clock == ClockMode::Real;
        let config_tls = config.tls_dir.clone();
        // The seed is in the store now: free its parsed form.
        drop(config);
        store::release_freed_memory();
        lifecycle::resume(&st);
        let ticker = real_clock.then(|| clock::spawn_ticker(st.clone()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = server::router(st.clone());
        let tls = config_tls.as_deref().map(tls::generate).transpose()?;
        let tls_certificate = tls.as_ref().map(|t| t.cert_path.clone());
        let task = match tls {
            Some(t) => tokio::spawn(tls::serve(listener, t.acceptor, router, rx)),
            None => tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = rx.await;
                    })
                    .await;
            }),
        };
        Ok(Emulator { shared: Shared { st, app }, addr, shutdown: Some(tx), task: Some(task), ticker, tls_certificate })
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS), the Graph root:
    /// clients append `/v1.0` or `/beta`.
    pub fn base_url(&self) -> String {
        self.shared.st.base_url.clone()
    }

    /// The bound address (`127.0.0.1:PORT`).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// With TLS: the PEM file of the certificate clients must trust.
    pub fn tls_certificate(&self) -> Option<&std::path::Path> {
        self.tls_certificate.as_deref()
    }
    /// Same root: the token endpoint is `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn authority(&self) -> String {
        self.base_url()
    }
    /// The seeded tenant's id, for the token endpoint path and the `tid` claim.
    pub fn tenant_id(&self) -> &str {
        &self.shared.st.tenant_id
    }
    /// `(client_id, client_secret)` of the seeded application.
    pub fn app_credentials(&self) -> (String, String) {
        self.shared.app.clone()
    }
    /// A delegated token for a seeded user (by id or UPN).
    pub fn user_token(&self, user_id_or_upn: &str) -> Result<String, EmulatorError> {
        self.shared.user_token(user_id_or_upn)
    }
    /// An application token for the seeded application.
    pub fn app_token(&self) -> String {
        self.shared.app_token()
    }
    /// Queues a fault: the next `fault.count` Graph requests matching it are
    /// answered with its status (and `Retry-After`) instead of being served, to
    /// test a client's retries. Faults are consumed in the order queued.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.inject_fault(fault)
    }
    /// Token-issuing requests answered so far (token endpoint and managed
    /// identity endpoints), for tests that count fetches.
    pub fn token_requests(&self) -> u64 {
        self.shared.st.keys.token_requests()
    }
    /// Test hook: a token signed with this emulator's key for a seeded user
    /// (`Some(id or UPN)`) or the seeded application (`None`), with `overrides`
    /// (a JSON object of claims: `exp`, `nbf`, `aud`, `iss`, `tid`, …) merged
    /// over the claims the token endpoint would issue.
    #[doc(hidden)]
    pub fn mint_token(&self, user: Option<&str>, overrides: &serde_json::Value) -> Result<String, EmulatorError> {
        auth::mint_with(&self.shared.st, user, &self.shared.app.0, overrides)
    }
    /// The emulator's time, as Graph writes timestamps.
    pub fn now(&self) -> String {
        self.shared.now()
    }
    /// Advances a manual clock by an ISO 8601 duration (`"P3D"`, `"PT2H"`),
    /// firing every timer due in between in order (expiries, scheduled
    /// starts, escalations, automatic denials, callout timeouts); answers the
    /// new time. A real clock answers `EmulatorError::Clock`.
    pub async fn advance(&self, by: &str) -> Result<String, EmulatorError> {
        clock::advance(&self.shared.st, by).await.map(clock::format)
    }
    /// Stops accepting connections, lets requests in flight finish, and waits
    /// for the server task. Dropping the emulator stops it without waiting.
    pub async fn shutdown(mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// The shared state of a server (or an in-process emulator) over `store`.
fn new_state(config: &EmulatorConfig, store: store::Store, addr: &std::net::SocketAddr) -> Arc<State> {
    let scheme = if config.tls_dir.is_some() { "https" } else { "http" };
    let base_url = format!("{scheme}://{addr}");
    let allowed_hosts = server::allowed_hosts(addr, &base_url, &config.allowed_hosts);
    let clock = Arc::new(clock::Clock::new(config.clock, clock::start_time(&store)));
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Callouts go to loopback webhooks: short limits, no redirects.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    Arc::new(State {
        store,
        tenant_id: config.seed.tenant_id.clone(),
        domains: config.seed.domains.clone(),
        base_url,
        allowed_hosts,
        heavy: Arc::new(tokio::sync::Semaphore::new(server::heavy_permits())),
        page_size: config.page_size.max(1),
        delivery_delay: config.delivery_delay,
        keys: auth::Keys::random(),
        faults: Mutex::new(Vec::new()),
        clock,
        http,
        throttle: throttle::Throttle::new(config.throttle.clone()),
    })
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The emulator on its own thread and runtime, for hosts without tokio.
pub struct EmulatorHandle {
    shared: Shared,
    rt: tokio::runtime::Handle,
    base_url: String,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EmulatorHandle {
    /// Starts an emulator on a new thread with its own two-worker runtime and
    /// returns once it is listening.
    pub fn spawn(config: EmulatorConfig) -> Result<EmulatorHandle, EmulatorError> {
        type Ready = (Shared, String, tokio::runtime::Handle);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<Ready, EmulatorError>>();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new().name("entitlement-emulator".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(EmulatorError::Io(e)));
                    return;
                }
            };
            let handle = rt.handle().clone();
            rt.block_on(async move {
                match Emulator::start(config).await {
                    Ok(emu) => {
                        let _ = ready_tx.send(Ok((emu.shared.clone(), emu.base_url(), handle)));
                        let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                        emu.shutdown().await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })?;
        let (shared, base_url, rt) = ready_rx.recv().map_err(|_| EmulatorError::Runtime("emulator thread exited".into()))??;
        Ok(EmulatorHandle { shared, rt, base_url, stop: Some(stop_tx), thread: Some(thread) })
    }
    /// See [`Emulator::base_url`].
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }
    /// See [`Emulator::authority`].
    pub fn authority(&self) -> String {
        self.base_url.clone()
    }
    /// See [`Emulator::tenant_id`].
    pub fn tenant_id(&self) -> &str {
        &self.shared.st.tenant_id
    }
    /// See [`Emulator::app_credentials`].
    pub fn app_credentials(&self) -> (String, String) {
        self.shared.app.clone()
    }
    /// See [`Emulator::user_token`].
    pub fn user_token(&self, user_id_or_upn: &str) -> Result<String, EmulatorError> {
        self.shared.user_token(user_id_or_upn)
    }
    /// See [`Emulator::app_token`].
    pub fn app_token(&self) -> String {
        self.shared.app_token()
    }
    /// See [`Emulator::inject_fault`].
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.inject_fault(fault)
    }
    /// The emulator's time, as Graph writes timestamps.
    pub fn now(&self) -> String {
        self.shared.now()
    }
    /// [`Emulator::advance`], run on the emulator's runtime; blocks the
    /// calling thread (never call it from inside a tokio runtime's worker).
    pub fn advance(&self, by: &str) -> Result<String, EmulatorError> {
        let (tx, rx) = std::sync::mpsc::channel();
        let (st, by) = (self.shared.st.clone(), by.to_string());
        self.rt.spawn(async move {
            let _ = tx.send(clock::advance(&st, &by).await.map(clock::format));
        });
        rx.recv().map_err(|_| EmulatorError::Runtime("the emulator stopped while advancing its clock".into()))?
    }
    /// Stops the server and joins its thread.
    pub fn stop(mut self) {
        self.stop_inner();
    }
    fn stop_inner(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        self.stop_inner();
    }
}

/// Runs until ctrl-c, printing the base URL and credentials (`entitlement emulator serve`).
pub async fn serve(config: EmulatorConfig) -> Result<(), EmulatorError> {
    let emu = Emulator::start(config).await?;
    let (id, secret) = emu.app_credentials();
    println!("Graph emulator listening on {}", emu.base_url());
    println!("  Graph root:     {}/v1.0  (and /beta)", emu.base_url());
    println!("  token endpoint: {}/{}/oauth2/v2.0/token", emu.authority(), emu.tenant_id());
    println!("  tenant id:      {}", emu.tenant_id());
    println!("  client id:      {id}");
    println!("  client secret:  {secret}");
    println!("  user password:  {} (seeded users: {}, {})", ids::USER_PASSWORD, ids::REQUESTOR1_UPN, ids::ADMIN_UPN);
    match emu.shared.st.clock.mode() {
        ClockMode::Real => println!("  clock:          real"),
        ClockMode::Manual => println!(
            "  clock:          manual, at {} (GET {base}/_emulator/clock; POST {base}/_emulator/clock/advance {{\"by\": \"P3D\"}})",
            emu.now(),
            base = emu.base_url()
        ),
    }
    if let Some(cert) = emu.tls_certificate() {
        println!("tls certificate: {}", cert.display());
    }
    tokio::signal::ctrl_c().await?;
    emu.shutdown().await;
    Ok(())
}
