// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement export assignments|requests`: core's export to a file or
//! stdout, over the embedded emulator or `--endpoint`, with a progress line
//! on stderr when it is a terminal and a summary at the end.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use entitlement::export::{export, Destination, ExportOptions, Format, Progress, Resource};
use entitlement::Client;

use crate::connect::{connect, Connection};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum What {
    Assignments,
    Requests,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Jsonl,
    Csv,
}

#[derive(clap::Args)]
pub struct Args {
    /// What to export.
    what: What,
    /// jsonl: each object as the service sent it, one per line; csv: a fixed
    /// column set with nested objects as dotted columns (RFC 4180).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: FormatArg,
    /// File to write, or `-` for stdout; with --per-package-files, a folder.
    #[arg(long, default_value = "-")]
    out: String,
    /// OData $filter (ANDed with the package's with --by-access-package).
    #[arg(long)]
    filter: Option<String>,
    /// OData $expand, e.g. `target,accessPackage`.
    #[arg(long)]
    expand: Option<String>,
    /// List the access packages, then export each package's objects.
    #[arg(long)]
    by_access_package: bool,
    /// Packages exported at once with --by-access-package.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// With --by-access-package: one `<packageId>.<format>` per package in the --out folder.
    #[arg(long, requires = "by_access_package")]
    per_package_files: bool,
    /// $top of each page (default: the service's page size).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=999))]
    page_size: Option<u32>,
}

pub async fn run(args: Args, conn: &Connection) -> ExitCode {
    let (client, embedded) = match connect(conn).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = exec(&client, &args).await;
    if let Some(emu) = embedded {
        emu.shutdown().await;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn fail(msg: String) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::FAILURE
}

async fn exec(client: &Client, args: &Args) -> Result<(), String> {
    let resource = match args.what {
        What::Assignments => Resource::Assignments,
        What::Requests => Resource::AssignmentRequests,
    };
    let format = match args.format {
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Csv => Format::Csv,
    };
    let mut options = ExportOptions::new(resource, format);
    options.filter = args.filter.clone();
    options.expand = args.expand.clone();
    options.segment_by_access_package = args.by_access_package;
    options.concurrency = usize::from(args.concurrency);
    options.page_size = args.page_size;
    let dest = match (args.per_package_files, args.out.as_str()) {
        (true, "-") => return Err("--per-package-files needs --out FOLDER".into()),
        (true, dir) => Destination::PerPackage(dir.into()),
        (false, "-") => Destination::Writer(Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout(),
        ))),
        (false, file) => Destination::File(file.into()),
    };
    let tty = std::io::stderr().is_terminal();
    let mut last_shown = Instant::now();
    let mut show = |p: &Progress| {
        if tty && last_shown.elapsed() >= Duration::from_millis(200) {
            last_shown = Instant::now();
            let packages = if p.packages_total > 0 {
                format!(", {}/{} packages", p.packages_done, p.packages_total)
            } else {
                String::new()
            };
            eprint!(
                "\r\x1b[K{} objects, {:.0}/s, {:.1} MB{packages}",
                p.count,
                p.objects_per_second(),
                p.bytes as f64 / 1e6
            );
            let _ = std::io::stderr().flush();
        }
        true
    };
    let summary = export(client, &options, dest, &mut show).await;
    if tty {
        eprint!("\r\x1b[K");
    }
    let s = summary.map_err(|e| e.to_string())?;
    let rate = if s.seconds > 0.0 {
        s.count as f64 / s.seconds
    } else {
        0.0
    };
    let packages = s
        .packages
        .map(|p| format!(" from {p} access packages"))
        .unwrap_or_default();
    eprintln!(
        "exported {} objects{packages} ({} bytes) in {:.2} s ({rate:.0} objects/s)",
        s.count, s.bytes, s.seconds
    );
    Ok(())
}
