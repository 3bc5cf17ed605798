// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement`: runs the tutorial scenario and the local emulator.

mod tutorial;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "entitlement", version, about = "Microsoft Graph entitlement management: tutorial and local emulator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the entitlement management tutorial end to end (embedded emulator by default).
    Tutorial(tutorial::Args),
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
        /// 127.0.0.1/localhost/[::1] (repeatable; "*" = any name). Other names
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
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("ENTITLEMENT_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Tutorial(args) => rt.block_on(tutorial::run(args)),
        Command::Emulator { command: EmulatorCommand::Serve { port, db, seed, page_size, allowed_hosts, clock, tls } } => {
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
            let tls_dir = tls.then(|| std::env::temp_dir().join(format!("entitlement-emulator-{}", std::process::id())));
            let config = entitlement_emulator::EmulatorConfig {
                port,
                db_path: db,
                seed,
                page_size,
                allowed_hosts,
                clock,
                tls_dir,
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
