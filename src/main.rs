//! `tenet`: check drafts against social computing guidelines.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};
use tenet::language::rules::Level;
use tenet::report::output::OutputFormat;

/// Check drafts against your organisation's social computing guidelines.
#[derive(Parser)]
#[command(name = "tenet", version = tenet::VERSION, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files, folders (walked) or standard input (`-`).
    Check(CheckArgs),
    /// Run, list or explain rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the effective configuration for a path.
    Config {
        /// The file or folder whose configuration to show.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Run the language server on standard input and output.
    Lsp {
        /// Accepted for clients that ask for it; standard input and output is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Read JSON lines ({"id","text","channel"}) and write one verdict line for each.
    Moderate(ModerateArgs),
    /// Answer verdicts over HTTP: POST /v1/check, /v1/check/batch; GET /healthz, /readyz, /metrics.
    Serve(ServeArgs),
    /// Check drafts from a NATS JetStream work queue and publish a verdict for each.
    Worker(WorkerArgs),
    /// Print a shell completion script (e.g. `tenet completions bash > /etc/bash_completion.d/tenet`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff), e.g. `tenet man check > ~/.local/share/man/man1/tenet-check.1`.
    Man {
        /// The command whose page to print (default: tenet itself).
        command: Option<String>,
    },
}

#[derive(Args, Clone, Default)]
struct RuleArgs {
    /// A rule file or folder of rule files to use too (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Leave out the built-in rules.
    #[arg(long)]
    no_default_rules: bool,
    /// Use this configuration file instead of looking for `tenet.toml`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Compile the rules afresh, neither reading nor writing the rule cache
    /// (kept in `TENET_CACHE_DIR`, else the user's cache folder).
    #[arg(long)]
    no_cache: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or folders to check (default: the current folder); `-` reads standard input.
    paths: Vec<PathBuf>,
    /// Print how many findings each rule reported instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Print the findings and nothing else (no summary line).
    #[arg(short, long)]
    quiet: bool,
    /// Leave out files and folders matching this glob, as a .gitignore line would (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Also check files that .gitignore and .ignore files leave out (hidden ones stay out).
    #[arg(long)]
    no_ignore: bool,
    /// Apply --exclude and the configuration's `exclude` to files named on the
    /// command line too (for hooks, which name every changed file).
    #[arg(long)]
    force_exclude: bool,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = format_parser())]
    format: OutputFormat,
    /// Exit with 1 when a finding is at or above this level (default: error, or the configuration's).
    #[arg(long, value_parser = parse_level)]
    fail_on: Option<Level>,
    /// The channel the drafts are for (e.g. external, internal).
    #[arg(long)]
    channel: Option<String>,
    /// The file name to use for standard input (picks the format and the configuration).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Apply the safe fixes to the files (standard input: print the fixed text).
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, apply every fix, also those a person should read first.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print what --fix would change as a unified diff, and change nothing.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding to this baseline file (they are accepted) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "fix", "diff"])]
    write_baseline: Option<PathBuf>,
    /// When to colour the output.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
    /// Exit 0 even when there are findings (configuration and usage errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Args)]
struct ModerateArgs {
    /// The channel for lines that name none.
    #[arg(long)]
    channel: Option<String>,
    /// Report at most this many findings of one rule per draft (the verdict still
    /// counts them all); the record says how many were left out.
    #[arg(long, value_name = "N", default_value_t = 100)]
    max_findings_per_rule: usize,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port, which the log names).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// A file holding the bearer token requests to /v1/ and /metrics must carry.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// The largest request body, in bytes, gzipped ones unpacked (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_body: usize,
    /// The most drafts in one batch.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_batch: usize,
    /// How long one request may take, in milliseconds (longer: 503).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    timeout_ms: u64,
    /// How often to look for changed rule files, in milliseconds (0: only on SIGHUP).
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    watch_ms: u64,
    /// Worker threads (default: one per core); also the most cores a batch,
    /// or a long draft, is checked on.
    #[arg(long)]
    threads: Option<usize>,
    /// The channel for drafts that name none.
    #[arg(long)]
    channel: Option<String>,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Args)]
struct WorkerArgs {
    /// The NATS server.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// The JetStream stream drafts are published to (created as a work queue if missing).
    #[arg(long, default_value = "TENET_DRAFTS")]
    stream: String,
    /// The subject drafts are published on.
    #[arg(long, default_value = "tenet.drafts")]
    subject: String,
    /// The durable consumer every worker shares.
    #[arg(long, default_value = "tenet-worker")]
    consumer: String,
    /// The subject verdicts are published on (stored in the stream --verdict-stream).
    #[arg(long, default_value = "tenet.verdicts")]
    reply_subject: String,
    /// The stream that stores verdicts, de-duplicated by draft (created if missing).
    #[arg(long, default_value = "TENET_VERDICTS")]
    verdict_stream: String,
    /// Where drafts that cannot be read go, with the reason.
    #[arg(long, default_value = "tenet.dead")]
    dead_letter: String,
    /// How long a draft may go unacknowledged before it is redelivered, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    ack_wait_ms: u64,
    /// Drafts fetched at a time.
    #[arg(long, value_name = "N", default_value_t = 256)]
    batch: usize,
    /// The channel for drafts that name none.
    #[arg(long)]
    channel: Option<String>,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Run every rule's `bad`, `good` and `fixed` examples.
    Test {
        /// Rule files or folders (default: the configured rules).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// List the rules (those the configuration turned off last, as `off`).
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Explain a rule: its documentation, level, link and examples.
    Explain {
        /// The rule id, `guideline.rule`.
        id: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

fn format_parser() -> impl clap::builder::TypedValueParser<Value = OutputFormat> {
    let names: Vec<&'static str> = OutputFormat::ALL.iter().map(|(n, _)| *n).collect();
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| OutputFormat::parse(&name).unwrap_or(OutputFormat::Human))
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| format!("expected error, warning, info or hint, not {s:?}"))
}

fn main() -> ExitCode {
    // A panic's message may quote a draft: every command tells only where it happened.
    tenet::report::panics::tell_only_where();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) if args.unsafe_fixes && !(args.fix || args.diff) => {
            eprintln!("tenet: --unsafe-fixes applies fixes only with --fix or --diff");
            Ok(cli::Outcome::Error)
        }
        Command::Check(args) => cli::check::run(cli::check::Request {
            fix: (args.fix || args.diff).then_some(if args.unsafe_fixes {
                tenet::report::fix::Applicability::All
            } else {
                tenet::report::fix::Applicability::Safe
            }),
            diff: args.diff,
            baseline: args.baseline,
            write_baseline: args.write_baseline,
            color: match args.color.as_str() {
                "always" => cli::check::Color::Always,
                "never" => cli::check::Color::Never,
                _ => cli::check::Color::Auto,
            },
            exit_zero: args.exit_zero,
            paths: args.paths,
            format: args.format,
            fail_on: args.fail_on,
            stdin_filename: args.stdin_filename,
            statistics: args.statistics,
            quiet: args.quiet,
            walk: cli::walk::Walk {
                exclude: args.exclude,
                no_ignore: args.no_ignore,
                force_exclude: args.force_exclude,
            },
            setup: args.rules.setup(args.channel),
        }),
        Command::Rules(RulesCommand::Test { paths, rules }) => {
            cli::rules::test(paths, rules.setup(None))
        }
        Command::Rules(RulesCommand::List { rules, json }) => {
            cli::rules::list(rules.setup(None), json)
        }
        Command::Rules(RulesCommand::Explain { id, rules }) => {
            cli::rules::explain(&id, rules.setup(None))
        }
        Command::Config { path, rules } => cli::rules::config(&path, rules.setup(None)),
        Command::Lsp { stdio: _ } => match tenet::lsp::run_stdio() {
            // `exit` without `shutdown` ends with 1, as the protocol asks.
            Ok(clean) => Ok(if clean {
                cli::Outcome::Clean
            } else {
                cli::Outcome::Findings
            }),
            Err(e) => Err(e.into()),
        },
        Command::Serve(args) => tenet::serve::run(
            args.rules.setup(args.channel),
            tenet::serve::Config {
                listen: args.listen,
                token_file: args.token_file,
                max_body: args.max_body,
                max_batch: args.max_batch.max(1),
                timeout: std::time::Duration::from_millis(args.timeout_ms.max(1)),
                watch: (args.watch_ms > 0).then(|| std::time::Duration::from_millis(args.watch_ms)),
                threads: args.threads,
            },
        )
        .map(|()| cli::Outcome::Clean)
        .map_err(|e| anyhow::anyhow!(e)),
        Command::Worker(args) => tenet::worker::run(
            args.rules.setup(args.channel),
            tenet::worker::Config {
                nats: args.nats,
                stream: args.stream,
                subject: args.subject,
                consumer: args.consumer,
                reply_subject: args.reply_subject,
                verdict_stream: args.verdict_stream,
                dead_letter: args.dead_letter,
                ack_wait: std::time::Duration::from_millis(args.ack_wait_ms.max(100)),
                batch: args.batch.max(1),
            },
        )
        .map(|()| cli::Outcome::Clean)
        .map_err(|e| anyhow::anyhow!(e)),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "tenet", &mut std::io::stdout());
            Ok(cli::Outcome::Clean)
        }
        Command::Man { command } => man(command.as_deref()),
        Command::Moderate(args) => cli::moderate::run(tenet::workspace::Setup {
            max_per_rule: Some(args.max_findings_per_rule.max(1)),
            ..args.rules.setup(args.channel)
        }),
    };
    let code = match result {
        Ok(outcome) => outcome as u8,
        // A reader that stopped reading (`tenet check | head`) is not an error.
        Err(e) if broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("tenet: {e:#}");
            2
        }
    };
    exit_now(code);
    ExitCode::from(code)
}

/// Ends the process with `code` without running exit handlers. Everything is
/// written by now and what is left to free goes with the process; the
/// allocator's handler would return each freed page run to the system first,
/// one call each, about a millisecond of a one-line check.
#[cfg(unix)]
fn exit_now(code: u8) {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` only ends the process. Standard output, the one buffered
    // stream, was flushed above; files are written and closed, and threads
    // joined, before the commands return.
    unsafe { libc::_exit(i32::from(code)) }
}

/// Elsewhere the process ends as `main` returns.
#[cfg(not(unix))]
fn exit_now(_code: u8) {}

/// `tenet man [COMMAND]`: the page of tenet or of one of its commands.
fn man(name: Option<&str>) -> anyhow::Result<cli::Outcome> {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    let page = match name {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name).cloned() else {
                eprintln!("tenet: no command `{name}`; `tenet --help` lists them");
                return Ok(cli::Outcome::Error);
            };
            // clap names commands with static strings; a page is printed once per run.
            let title: &'static str = Box::leak(format!("tenet-{name}").into_boxed_str());
            sub.name(title).bin_name(title)
        }
    };
    clap_mangen::Man::new(page).render(&mut std::io::stdout())?;
    Ok(cli::Outcome::Clean)
}

/// Whether the error is a write to a closed pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

impl RuleArgs {
    /// The workspace setup these options (and a channel) ask for.
    fn setup(self, channel: Option<String>) -> tenet::workspace::Setup {
        tenet::workspace::Setup {
            extra_rules: self.rules,
            no_default_rules: self.no_default_rules,
            config: self.config,
            packs: None,
            channel,
            max_per_rule: None,
            warm: false,
            cache: if self.no_cache {
                None
            } else {
                tenet::workspace::cache::Cache::default_dir()
            },
        }
    }
}
