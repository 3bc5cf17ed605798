// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement`: every operation of the API as `entitlement [beta]
//! <resource> <action>` (generated from api/operations.toml, see
//! `api.rs`), sign-in with a token cache, the tutorial scenario, bulk jobs,
//! exports and the local emulator.

mod api;
mod bulk;
mod cache;
mod connect;
mod export;
mod generated;
mod login;
mod output;
mod tutorial;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Microsoft Graph entitlement management from the command line.
///
/// `entitlement [OPTIONS] <resource> <action>` runs one API operation, e.g.
/// `entitlement --endpoint https://graph.microsoft.com --tenant-id T --client-id C
/// --client-secret S catalogs list --output table`; `entitlement beta …` the
/// beta API's. Without --endpoint, each command runs against an emulator started
/// for it.
#[derive(Parser)]
#[command(name = "entitlement", version)]
struct Cli {
    #[command(flatten)]
    conn: connect::Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in with the given credential and cache the token for later commands.
    Login(login::LoginArgs),
    /// Forget the cached token of this endpoint's tenant and client (or all with --all).
    Logout(login::LogoutArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions { shell: clap_complete::Shell },
    /// Run the entitlement management tutorial end to end (embedded emulator by default).
    Tutorial(tutorial::Args),
    /// Export every assignment or assignment request to JSONL or CSV (embedded emulator by default).
    Export(export::Args),
    /// Assign many targets to an access package (admin requests), under
    /// throttling, resumable with --journal.
    Assign(bulk::AssignArgs),
    /// Remove many assignments (admin requests), resumable with --journal.
    Remove(bulk::RemoveArgs),
    /// The local emulator of the service.
    Emulator {
        #[command(subcommand)]
        command: EmulatorCommand,
    },
}

#[derive(Subcommand)]
enum EmulatorCommand {
    /// Serve the emulator on loopback until Ctrl-C.
    Serve {
        /// Port to listen on (0 = any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// SQLite file to keep state in across restarts (default: in memory).
        #[arg(long)]
        db: Option<PathBuf>,
        /// JSON seed file describing the tenant (default: the built-in tenant).
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Items per page of collection responses.
        #[arg(long, default_value_t = 100)]
        page_size: usize,
        /// Another name the emulator answers to in the Host header besides
        /// `127.0.0.1`/`localhost`/`[::1]` (repeatable; "*" = any name). Other names
        /// get 400, which keeps web pages out through DNS rebinding.
        #[arg(long = "allowed-host", value_name = "NAME")]
        allowed_hosts: Vec<String>,
        /// "real" (the system time) or "manual": the clock stands still until
        /// `POST /_emulator/clock/advance {"by": "P3D"}` moves it, firing
        /// every expiry, scheduled start, escalation and timeout due on the way.
        #[arg(long, default_value = "real", value_name = "MODE")]
        clock: entitlement_emulator::ClockMode,
        /// Serve HTTPS with a certificate generated now, and print the line
        /// `tls certificate: <path to PEM>` for clients to trust (for
        /// clients such as azure-identity that require https authorities).
        #[arg(long)]
        tls: bool,
        /// Throttle like Graph: token buckets per app and per tenant. PROFILE is
        /// `graph` with optional overrides, e.g. `graph,app=10/2,write=3,retry-after=fractional`
        /// (see the emulator README, "Throttling"). Off by default.
        #[arg(long, value_name = "PROFILE")]
        throttle: Option<String>,
        /// Enforce the service's object quotas (300,000 assignments, 20,000
        /// access packages, 200,000 requests).
        #[arg(long)]
        quotas: bool,
        /// Fail this share of requests (0..1) with a random 429, 503 or 504.
        #[arg(long, value_name = "RATE")]
        fault_rate: Option<f64>,
        /// Seed of the random faults (the same seed gives the same faults).
        #[arg(long, value_name = "N", default_value_t = 0)]
        fault_seed: u64,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("ENTITLEMENT_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let matches = api::add_commands(Cli::command()).get_matches();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some((spec, leaf)) = api::find(&matches) {
        return match connect::Connection::from_arg_matches(&matches) {
            Ok(conn) => rt.block_on(api::run(spec, leaf, &conn)),
            Err(e) => e.exit(),
        };
    }
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let conn = &cli.conn;
    match cli.command {
        Command::Login(args) => rt.block_on(login::login(args, conn)),
        Command::Logout(args) => login::logout(args, conn),
        Command::Completions { shell } => {
            let mut cmd = api::add_commands(Cli::command());
            clap_complete::generate(shell, &mut cmd, "entitlement", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Tutorial(args) => rt.block_on(tutorial::run(args, conn)),
        Command::Export(args) => rt.block_on(export::run(args, conn)),
        Command::Assign(args) => rt.block_on(bulk::assign(args, conn)),
        Command::Remove(args) => rt.block_on(bulk::remove(args, conn)),
        Command::Emulator {
            command:
                EmulatorCommand::Serve {
                    port,
                    db,
                    seed,
                    page_size,
                    allowed_hosts,
                    clock,
                    tls,
                    throttle,
                    quotas,
                    fault_rate,
                    fault_seed,
                },
        } => {
            let buckets = match throttle
                .as_deref()
                .map(entitlement_emulator::BucketProfile::parse)
                .transpose()
            {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: --throttle: {e}");
                    return ExitCode::FAILURE;
                }
            };
            if let Some(r) = fault_rate.filter(|r| !(0.0..=1.0).contains(r)) {
                eprintln!("error: --fault-rate must be between 0 and 1, got {r}");
                return ExitCode::FAILURE;
            }
            let throttle = entitlement_emulator::ThrottleConfig {
                buckets,
                quotas: quotas.then(entitlement_emulator::Quotas::graph),
                faults: fault_rate.map(|rate| entitlement_emulator::RandomFaults {
                    rate,
                    seed: fault_seed,
                }),
            };
            let seed = match seed {
                Some(path) => match entitlement_emulator::Seed::from_file(&path) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("error: seed file {}: {e}", path.display());
                        return ExitCode::FAILURE;
                    }
                },
                None => entitlement_emulator::Seed::default(),
            };
            let tls_dir = tls.then(|| {
                std::env::temp_dir().join(format!("entitlement-emulator-{}", std::process::id()))
            });
            let config = entitlement_emulator::EmulatorConfig {
                port,
                db_path: db,
                seed,
                page_size,
                allowed_hosts,
                clock,
                tls_dir,
                throttle,
                ..Default::default()
            };
            match rt.block_on(entitlement_emulator::serve(config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
