// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement assign` and `entitlement remove`: core's bulk engine
//! (`entitlement::bulk`) with a progress line on a terminal and a summary
//! (or the whole per-item report with `--output json`).

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use entitlement::bulk::{self, BulkOptions, Event, Item, Outcome, Precheck, Summary};
use entitlement::Client;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::connect::{connect, Connection};

/// How the run goes.
#[derive(clap::Args)]
pub struct RunArgs {
    /// JSONL journal: a rerun with the same file skips what is done and
    /// reconciles what was in flight (e.g. after a crash).
    #[arg(long)]
    journal: Option<PathBuf>,
    /// Requests in flight at most (the engine adapts below it to throttling).
    #[arg(long, default_value_t = 16)]
    max_concurrency: usize,
    /// How existing assignments are found: auto, package, target or none.
    #[arg(long, default_value = "auto")]
    precheck: String,
    /// `text` (a summary) or `json` (the summary and every item's outcome).
    #[arg(long, default_value = "text")]
    output: String,
}

#[derive(clap::Args)]
pub struct AssignArgs {
    #[arg(long)]
    access_package: String,
    #[arg(long)]
    policy: String,
    /// File of targets, `-` for stdin: one object id or email per line (or a
    /// JSON object `{"objectId"}`/`{"email"}` per line, or one JSON array).
    #[arg(long, conflicts_with = "target")]
    targets: Option<String>,
    /// A target (object id or email); repeatable.
    #[arg(long)]
    target: Vec<String>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Args)]
pub struct RemoveArgs {
    /// File of assignment ids (`-` for stdin), one per line or a JSON array.
    #[arg(long, conflicts_with_all = ["access_package", "filter"])]
    assignments: Option<String>,
    /// Remove every delivered assignment of this access package...
    #[arg(long)]
    access_package: Option<String>,
    /// ...that also matches this OData filter (e.g. `target/objectId eq '...'`).
    #[arg(long, requires = "access_package")]
    filter: Option<String>,
    #[command(flatten)]
    run: RunArgs,
}

/// Reads entries: one per line (blank lines and `#` comments skipped), or a JSON array.
fn read_list(source: &str) -> Result<Vec<Value>, String> {
    let mut text = String::new();
    if source == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("stdin: {e}"))?;
    } else {
        text = std::fs::read_to_string(source).map_err(|e| format!("{source}: {e}"))?;
    }
    if text.trim_start().starts_with('[') {
        return match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => Ok(items),
            Ok(_) | Err(_) => Err(format!("{source}: not a JSON array")),
        };
    }
    let mut out = Vec::new();
    for (n, line) in text.as_bytes().lines().enumerate() {
        let line = line.map_err(|e| format!("{source}: {e}"))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('{') {
            out.push(serde_json::from_str(line).map_err(|e| format!("{source}:{}: {e}", n + 1))?);
        } else {
            out.push(Value::String(line.to_string()));
        }
    }
    Ok(out)
}

fn options(run: &RunArgs) -> Result<BulkOptions, String> {
    if run.max_concurrency == 0 {
        return Err("--max-concurrency must be at least 1".into());
    }
    if !matches!(run.output.as_str(), "text" | "json") {
        return Err(format!("--output {}: text or json", run.output));
    }
    let precheck = match run.precheck.as_str() {
        "auto" => Precheck::Auto,
        "package" => Precheck::Package,
        "target" => Precheck::Target,
        "none" => Precheck::None,
        other => return Err(format!("--precheck {other}: auto, package, target or none")),
    };
    let initial = BulkOptions::default()
        .initial_concurrency
        .min(run.max_concurrency);
    Ok(BulkOptions {
        max_concurrency: run.max_concurrency,
        initial_concurrency: initial,
        journal: run.journal.clone(),
        precheck,
        ..Default::default()
    })
}

fn progress_line(s: &Summary) -> String {
    format!(
        "\r[{}/{}] created {} · skipped {} · reconciled {} · failed {} · concurrency {} · throttled {} · {:.1} s ",
        s.done,
        s.total,
        s.created,
        s.skipped,
        s.reconciled,
        s.failed,
        s.concurrency,
        s.throttled,
        s.elapsed.as_secs_f64()
    )
}

/// Runs `items` and prints as asked; failure exit when an item failed.
async fn execute(
    client: Client,
    items: Vec<Item>,
    run: &RunArgs,
    options: BulkOptions,
) -> ExitCode {
    let json_out = run.output == "json";
    let tty = std::io::stderr().is_terminal();
    let (tx, mut rx) = mpsc::channel(256);
    let engine = tokio::spawn(async move { bulk::run(&client, items, options, tx).await });
    let mut reports = Vec::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(200));
    let mut last = None;
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(Event::Item(r)) => {
                    if r.outcome == Outcome::Failed && !json_out {
                        let why = r.error.as_ref().map_or_else(String::new, |e| format!("{}: {}", e.kind.as_str(), e.message));
                        if tty { eprint!("\r\x1b[K"); }
                        eprintln!("failed: {}: {why}", r.target);
                    }
                    if json_out { reports.push(r.to_json()); }
                }
                Some(Event::Progress(s)) => last = Some(s),
                None => break,
            },
            _ = ticker.tick() => {
                if let (true, Some(s)) = (tty, &last) {
                    eprint!("{}", progress_line(s));
                    let _ = std::io::stderr().flush();
                }
            }
        }
    }
    if tty {
        eprint!("\r\x1b[K");
    }
    let summary = match engine.await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: the bulk run stopped: {e}");
            return ExitCode::FAILURE;
        }
    };
    if json_out {
        let mut out = summary.to_json();
        out["items"] = Value::Array(reports);
        println!("{out}");
    } else {
        println!(
            "{} items in {:.1} s: {} created, {} skipped, {} reconciled, {} failed ({} requests, {} throttled, concurrency {} at the end)",
            summary.total,
            summary.elapsed.as_secs_f64(),
            summary.created,
            summary.skipped,
            summary.reconciled,
            summary.failed,
            summary.requests,
            summary.throttled,
            summary.concurrency
        );
    }
    if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

pub async fn assign(args: AssignArgs, conn: &Connection) -> ExitCode {
    let targets = match &args.targets {
        Some(src) => match read_list(src) {
            Ok(t) => t,
            Err(e) => return usage(e),
        },
        None => args.target.iter().map(|t| json!(t)).collect(),
    };
    if targets.is_empty() {
        return usage("no targets: give --targets FILE or --target ID");
    }
    let items = match bulk::job::assign_items(&args.access_package, &args.policy, &targets) {
        Ok(i) => i,
        Err(e) => return usage(e.message),
    };
    let options = match options(&args.run) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let (client, _emulator) = match connect(conn).await {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    execute(client, items, &args.run, options).await
}

pub async fn remove(args: RemoveArgs, conn: &Connection) -> ExitCode {
    let options = match options(&args.run) {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let (client, _emulator) = match connect(conn).await {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let ids: Vec<String> = match (&args.assignments, &args.access_package) {
        (Some(src), None) => match read_list(src) {
            Ok(list) => list
                .into_iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
            Err(e) => return usage(e),
        },
        (None, Some(pkg)) => {
            match bulk::job::held_assignments(&client, pkg, args.filter.as_deref()).await {
                Ok(ids) => ids,
                Err(e) => {
                    eprintln!("error: listing the package's assignments: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        _ => return usage("give --assignments FILE or --access-package ID"),
    };
    let items = ids
        .into_iter()
        .map(|assignment_id| Item::Remove { assignment_id })
        .collect();
    execute(client, items, &args.run, options).await
}
