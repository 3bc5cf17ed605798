// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement [beta] <resource> <action>`: one command per operation of
//! api/operations.toml, built at run time from the generated table
//! (`crate::generated::COMMANDS`) and run through core's bridge — the same
//! `Call` (argument, query and body checks), `Response` (checked body) and
//! errors every binding uses. Nothing here knows a particular endpoint.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use entitlement::bridge::{Call, RawBody};
use entitlement::{Error, ErrorKind, Filter};
use serde_json::{Map, Value};

use crate::connect::{connect_typed, Connection};
use crate::generated::{CommandSpec, Query, COMMANDS, EXIT_CODES};
use crate::output::{self, Format};

/// The exit code of an error: 10 + its C status number (see README,
/// "Command line").
pub fn exit_code(kind: ErrorKind) -> ExitCode {
    let code = EXIT_CODES
        .iter()
        .find(|(name, _)| *name == kind.as_str())
        .map_or(1, |(_, c)| *c);
    ExitCode::from(code)
}

/// Prints an error as the service gave it (kind, HTTP status, Graph code and
/// message, request ids) on stderr and returns its exit code.
pub fn fail(e: &Error) -> ExitCode {
    let mut head = format!("error: {}", e.kind);
    if let Some(s) = e.status {
        head.push_str(&format!(" (HTTP {s})"));
    }
    if let Some(c) = &e.code {
        head.push_str(&format!(": {c}"));
    }
    eprintln!("{head}: {}", e.message);
    for (name, v) in [
        ("request-id", &e.request_id),
        ("client-request-id", &e.client_request_id),
        ("date", &e.date),
    ] {
        if let Some(v) = v {
            eprintln!("  {name}: {v}");
        }
    }
    if let Some(r) = e.retry_after {
        eprintln!("  retry-after: {:.1} s", r.as_secs_f64());
    }
    if e.outcome_unknown {
        eprintln!(
            "  the outcome is unknown: read the object back before running the command again"
        );
    }
    exit_code(e.kind)
}

fn leaf(spec: &'static CommandSpec) -> Command {
    let mut about = format!(
        "{}\n\n{} {}\nOperation: {}",
        spec.summary, spec.method, spec.path, spec.operation
    );
    if let Some(body) = spec.body {
        about.push_str(&format!("\nBody: a {body} (JSON)"));
    }
    let mut cmd = Command::new(spec.action)
        .about(spec.summary)
        .long_about(about);
    for (flag, param) in spec.params {
        cmd = cmd.arg(
            Arg::new(*param)
                .long(*flag)
                .required(true)
                .value_name("ID")
                .help(format!("The {param}")),
        );
    }
    if spec.body.is_some() {
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE")
                .required(spec.body_required)
                .help("The request body as JSON: a file, or - for stdin"),
        );
    }
    if let Some(sc) = &spec.shortcut {
        for opt in sc.options {
            cmd = cmd.arg(
                Arg::new(*opt)
                    .long(*opt)
                    .value_name("TEXT")
                    .help(format!("The {opt} of the body")),
            );
        }
    }
    if spec.query == Query::Collection {
        cmd = cmd
            .arg(Arg::new("filter").long("filter").value_name("ODATA").help("OData $filter, sent as written"))
            .arg(
                Arg::new("where")
                    .long("where")
                    .value_name("PROPERTY=VALUE")
                    .action(ArgAction::Append)
                    .help("An equality test, the value escaped as a string literal (repeatable; ANDed with --filter)"),
            )
            .arg(Arg::new("orderby").long("orderby").value_name("FIELDS").help("OData $orderby"))
            .arg(
                Arg::new("top")
                    .long("top")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u32))
                    .help("OData $top: items per page"),
            )
            .arg(Arg::new("search").long("search").value_name("TEXT").help("OData $search"))
            .arg(Arg::new("count").long("count").action(ArgAction::SetTrue).help("Ask for @odata.count"));
    }
    if spec.query != Query::None {
        cmd = cmd
            .arg(
                Arg::new("select")
                    .long("select")
                    .value_name("FIELDS")
                    .help("OData $select (comma-separated)"),
            )
            .arg(
                Arg::new("expand")
                    .long("expand")
                    .value_name("FIELDS")
                    .help("OData $expand (comma-separated)"),
            );
    }
    if spec.pages {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Follow @odata.nextLink to the last page (default: the first page)"),
        );
    }
    cmd.arg(
        Arg::new("output")
            .long("output")
            .short('o')
            .value_name("FORMAT")
            .value_parser(["json", "table", "yaml"])
            .default_value("json")
            .help("Output format"),
    )
    .arg(
        Arg::new("query")
            .long("query")
            .value_name("JMESPATH")
            .help("JMESPath query applied to the result"),
    )
}

fn resources(beta: bool) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let mut current: Option<(&str, Command)> = None;
    for spec in COMMANDS.iter().filter(|s| s.beta == beta) {
        current = match current {
            Some((name, cmd)) if name == spec.resource => Some((name, cmd.subcommand(leaf(spec)))),
            other => {
                if let Some((_, done)) = other {
                    out.push(done);
                }
                let about = if beta {
                    "Beta operations on "
                } else {
                    "Operations on "
                };
                let cmd = Command::new(spec.resource)
                    .about(format!("{about}{}", spec.resource.replace('-', " ")))
                    .subcommand_required(true)
                    .arg_required_else_help(true)
                    .subcommand(leaf(spec));
                Some((spec.resource, cmd))
            }
        };
    }
    out.extend(current.map(|(_, c)| c));
    out
}

/// The root command with every API command (and `beta`) added.
pub fn add_commands(root: Command) -> Command {
    let beta = Command::new("beta")
        .about("The beta API's operations (/beta), as `entitlement beta <resource> <action>`")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(resources(true));
    root.subcommands(resources(false)).subcommand(beta)
}

/// The API command the arguments name, with its own matches.
pub fn find(m: &ArgMatches) -> Option<(&'static CommandSpec, &ArgMatches)> {
    let (name, sub) = m.subcommand()?;
    let (beta, (resource, sub)) = if name == "beta" {
        (true, sub.subcommand()?)
    } else {
        (false, (name, sub))
    };
    let (action, leaf) = sub.subcommand()?;
    COMMANDS
        .iter()
        .find(|s| s.beta == beta && s.resource == resource && s.action == action)
        .map(|s| (s, leaf))
}

fn read_body(source: &str) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    if source == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::invalid_argument(format!("--body -: cannot read stdin: {e}")))?;
    } else {
        bytes = std::fs::read(source)
            .map_err(|e| Error::invalid_argument(format!("--body {source}: {e}")))?;
    }
    Ok(bytes)
}

/// The OData options as the bridge takes them.
fn query_options(spec: &CommandSpec, m: &ArgMatches) -> Result<Value, Error> {
    let mut q = Map::new();
    let text = |id: &str| {
        if spec.query == Query::None {
            None
        } else {
            m.try_get_one::<String>(id).ok().flatten()
        }
    };
    for key in ["select", "expand", "orderby", "search"] {
        if let Some(v) = text(key) {
            q.insert(key.into(), Value::String(v.clone()));
        }
    }
    if spec.query == Query::Collection {
        let mut filters = Vec::new();
        if let Some(f) = text("filter") {
            filters.push(Filter::raw(format!("({f})")));
        }
        for w in m.get_many::<String>("where").into_iter().flatten() {
            let (prop, value) = w.split_once('=').ok_or_else(|| {
                Error::invalid_argument(format!("--where {w}: expected PROPERTY=VALUE"))
            })?;
            filters.push(Filter::eq(prop.trim(), value)?);
        }
        if let Some(f) = Filter::all(filters) {
            let f = f.to_string();
            // A lone --filter is sent as written, without the parentheses.
            let f = if m.get_many::<String>("where").is_none() {
                text("filter").cloned().unwrap_or(f)
            } else {
                f
            };
            q.insert("filter".into(), Value::String(f));
        }
        if let Some(top) = m.get_one::<u32>("top") {
            q.insert("top".into(), Value::from(*top));
        }
        if m.get_flag("count") {
            q.insert("count".into(), Value::Bool(true));
        }
    }
    Ok(Value::Object(q))
}

/// The call the arguments describe, checked by the bridge before anything
/// is sent (a bad body is `InvalidArgument`).
fn prepare(spec: &CommandSpec, m: &ArgMatches) -> Result<Call, Error> {
    let args: Vec<Value> = spec
        .params
        .iter()
        .map(|(_, p)| Value::String(m.get_one::<String>(p).cloned().unwrap_or_default()))
        .collect();
    let query = query_options(spec, m)?;
    let bytes;
    let body = if let Some(sc) = &spec.shortcut {
        let mut b: Map<String, Value> = serde_json::from_str(sc.fixed)
            .map_err(|e| Error::internal(format!("shortcut body of {}: {e}", spec.operation)))?;
        for opt in sc.options {
            if let Some(v) = m.get_one::<String>(opt) {
                b.insert(opt.to_string(), Value::String(v.clone()));
            }
        }
        RawBody::Json(Value::Object(b))
    } else {
        match m.try_get_one::<String>("body").ok().flatten() {
            Some(src) => {
                bytes = read_body(src)?;
                RawBody::Text(&bytes)
            }
            None => RawBody::None,
        }
    };
    Call::new(spec.operation, Value::Array(args), query, body)
}

/// A live item counter on stderr, shown only on a terminal and at most
/// five times a second (as `assign`'s and `export`'s progress lines).
struct Progress {
    tty: bool,
    shown: bool,
    last: Option<std::time::Instant>,
}

impl Progress {
    fn update(&mut self, items: usize, pages: usize) {
        let due = self
            .last
            .is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(200));
        if self.tty && due {
            self.last = Some(std::time::Instant::now());
            eprint!("\r\x1b[K{items} items, {pages} pages…");
            let _ = std::io::stderr().flush();
            self.shown = true;
        }
    }

    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[K");
            let _ = std::io::stderr().flush();
        }
    }
}

async fn execute(
    spec: &CommandSpec,
    m: &ArgMatches,
    conn: &Connection,
) -> Result<Option<Value>, Error> {
    let query = m
        .get_one::<String>("query")
        .map(|q| output::Query::compile(q))
        .transpose()?;
    let call = prepare(spec, m)?;
    let (client, embedded) = connect_typed(conn).await?;
    let result = async {
        let first = call.send(&client).await?;
        if !spec.pages {
            return match first.json()? {
                Some(bytes) => {
                    let mut v: Value = serde_json::from_slice(&bytes)
                        .map_err(|e| Error::decode(format!("the response is not JSON: {e}")))?;
                    // The object, as a list's items are: without the response's metadata URL.
                    if let Value::Object(o) = &mut v {
                        o.shift_remove("@odata.context");
                    }
                    Ok(Some(v))
                }
                None => Ok(None),
            };
        }
        let all = m.get_flag("all");
        let mut progress = Progress {
            tty: std::io::stderr().is_terminal(),
            shown: false,
            last: None,
        };
        let mut items: Vec<Value> = Vec::new();
        let mut page = first;
        let mut pages = 0;
        let outcome = loop {
            let chunk = page.items_json()?;
            if let (0, Some(n)) = (pages, chunk.count) {
                eprintln!("@odata.count: {n}");
            }
            let values: Vec<Value> = serde_json::from_slice(&chunk.items)
                .map_err(|e| Error::decode(format!("the page's items are not JSON: {e}")))?;
            items.extend(values);
            pages += 1;
            match chunk.next_link {
                Some(link) if all => {
                    progress.update(items.len(), pages);
                    match call.next_page(&client, &link).await {
                        Ok(next) => page = next,
                        Err(e) => break Err(e),
                    }
                }
                Some(_) => {
                    progress.clear();
                    eprintln!(
                        "note: {} items shown; more pages follow (add --all to read them all)",
                        items.len()
                    );
                    break Ok(());
                }
                None => break Ok(()),
            }
        };
        progress.clear();
        outcome.map(|()| Some(Value::Array(items)))
    }
    .await;
    if let Some(emu) = embedded {
        emu.shutdown().await;
    }
    let value = result?;
    match (value, query) {
        (Some(v), Some(q)) => q.apply(&v).map(Some),
        (v, _) => Ok(v),
    }
}

/// Runs an API command and prints its result.
pub async fn run(spec: &'static CommandSpec, m: &ArgMatches, conn: &Connection) -> ExitCode {
    let value = match execute(spec, m, conn).await {
        Ok(v) => v,
        Err(e) => return fail(&e),
    };
    let Some(value) = value else {
        return ExitCode::SUCCESS;
    };
    let format = Format::parse(m.get_one::<String>("output").map_or("json", String::as_str));
    match output::render(
        &value,
        format,
        spec.columns,
        m.contains_id("query") && m.get_one::<String>("query").is_some(),
    ) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error of the command.
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entitlement::api::OPERATIONS;

    /// The generated table and core's operation table agree: every
    /// operation has one command, with its path parameters as options.
    #[test]
    fn every_operation_has_one_command() {
        for op in OPERATIONS {
            let name = op.qualified_name();
            let specs: Vec<_> = COMMANDS
                .iter()
                .filter(|s| s.operation == name && s.shortcut.is_none())
                .collect();
            assert_eq!(specs.len(), 1, "{name}");
            let spec = specs[0];
            let params: Vec<&str> = spec.params.iter().map(|(_, p)| *p).collect();
            assert_eq!(params, op.params, "{name}");
            assert_eq!(spec.beta, name.starts_with("beta."), "{name}");
        }
        for spec in COMMANDS {
            assert!(
                Call::operation(spec.operation).is_ok(),
                "{}",
                spec.operation
            );
        }
    }

    #[test]
    fn the_tree_finds_every_command_by_its_words() {
        let root = add_commands(Command::new("entitlement"));
        for spec in COMMANDS {
            let mut words = vec!["entitlement"];
            if spec.beta {
                words.push("beta");
            }
            words.extend([spec.resource, spec.action]);
            let flags: Vec<String> = spec
                .params
                .iter()
                .map(|(f, _)| format!("--{f}=x"))
                .collect();
            words.extend(flags.iter().map(String::as_str));
            if spec.body_required {
                words.extend(["--body", "-"]);
            }
            let m = root
                .clone()
                .try_get_matches_from(&words)
                .unwrap_or_else(|e| panic!("{words:?}: {e}"));
            let (found, _) = find(&m).unwrap_or_else(|| panic!("{words:?}"));
            assert!(std::ptr::eq(found, spec), "{words:?}");
        }
    }
}
