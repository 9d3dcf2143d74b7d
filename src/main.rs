//! `tenet`: check drafts against social computing guidelines.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tenet::output::OutputFormat;
use tenet::rules::Level;

/// Check drafts against your organisation's social computing guidelines.
#[derive(Parser)]
#[command(name = "tenet", version, about, propagate_version = true)]
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
    Lsp,
    /// Read JSON lines ({"id","text","channel"}) and write one verdict line for each.
    Moderate(ModerateArgs),
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
}

#[derive(Args)]
struct CheckArgs {
    /// Files or folders to check; `-` reads standard input.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
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
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Args)]
struct ModerateArgs {
    /// The channel for lines that name none.
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
    /// List the rules.
    List {
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

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| format!("expected error, warning, info or hint, not {s:?}"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => cli::check::run(cli::check::Request {
            paths: args.paths,
            format: args.format,
            fail_on: args.fail_on,
            channel: args.channel,
            stdin_filename: args.stdin_filename,
            rules: args.rules.into(),
        }),
        Command::Rules(RulesCommand::Test { paths, rules }) => {
            cli::rules::test(paths, rules.into())
        }
        Command::Rules(RulesCommand::List { rules }) => cli::rules::list(rules.into()),
        Command::Rules(RulesCommand::Explain { id, rules }) => {
            cli::rules::explain(&id, rules.into())
        }
        Command::Config { path, rules } => cli::rules::config(&path, rules.into()),
        Command::Lsp => tenet::lsp::run_stdio().map(|()| cli::Outcome::Clean),
        Command::Moderate(args) => cli::moderate::run(args.channel, args.rules.into()),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(e) => {
            eprintln!("tenet: {e:#}");
            ExitCode::from(2)
        }
    }
}

impl From<RuleArgs> for cli::RuleOptions {
    fn from(a: RuleArgs) -> cli::RuleOptions {
        cli::RuleOptions {
            rules: a.rules,
            no_default_rules: a.no_default_rules,
            config: a.config,
        }
    }
}
