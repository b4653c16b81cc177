//! The `authflow` command line: argument parsing only; each command lives in `cli/`.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use authflow::render::TextStyle;
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use cli::render::RenderFormat;

const EXAMPLES: &str = "\
Examples:
  authflow render flows/authorization_code.flow          draw the diagram
  authflow render --ascii --trim flow.flow -o flow.txt   plain ASCII, no trailing spaces
  authflow check flows/                                  check every *.flow under flows/
  authflow check --format json --deny warnings a.flow    machine-readable, strict
  authflow trace flows/authorization_code.flow           what each message was read as and carried
  authflow invariants                                    the rules, with their RFC references
  authflow invariants --explain state_match              one rule: why it exists, an example
  authflow fmt --check flows/                            verify canonical formatting
  authflow docs --check README.md                        verify diagrams in Markdown are fresh

Exit codes: 0 ok, 1 check failed (violations, unformatted files, stale diagrams),
2 usage or input error (bad arguments, unreadable or malformed files).";

#[derive(Parser)]
#[command(
    name = "authflow",
    version,
    about = "Read, run, check and draw OAuth 2.0 authorization code flows",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Draw a flow as a box diagram (or an SVG or Mermaid export of it) on standard output
    Render {
        /// The flow file, or `-` for standard input
        #[arg(default_value = "-")]
        file: PathBuf,
        /// What to write
        #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
        format: RenderFormat,
        /// Plain ASCII (`+ - | > <`) instead of box-drawing characters (text only)
        #[arg(long)]
        ascii: bool,
        /// No trailing spaces on any line (text only)
        #[arg(long)]
        trim: bool,
        /// Write the diagram to this file instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Execute flows against the actor models and check the protocol invariants
    Check {
        /// Flow files, or directories searched recursively for `*.flow`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors (`--deny warnings`)
        #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
        deny: Option<String>,
        /// Colour the human output
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// Human output: show diagnostics only for files that fail
        #[arg(short, long)]
        quiet: bool,
        /// Also run the preview invariants (rules not yet stable), in every file
        #[arg(long)]
        preview: bool,
    },
    /// Show the replay: the protocol step each message was read as and what it carried
    Trace {
        /// The flow file, or `-` for standard input
        #[arg(default_value = "-")]
        file: PathBuf,
    },
    /// List the invariants `check` enforces, with their RFC references
    Invariants {
        /// Print one invariant in full: its rationale and an example that violates it
        #[arg(long, value_name = "ID")]
        explain: Option<String>,
    },
    /// Rewrite flow files in canonical form
    Fmt {
        /// Flow files, or directories searched recursively for `*.flow`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change nothing; list files that are not formatted and exit 1 if any
        #[arg(long)]
        check: bool,
    },
    /// Regenerate the diagrams of flow blocks in Markdown files
    Docs {
        /// Markdown files, or directories searched recursively for `*.md`
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing; report stale diagrams with the diff that would fix them, and
        /// exit 1 if any
        #[arg(long)]
        check: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Render {
            file,
            format,
            ascii,
            trim,
            output,
        } => {
            // `conflicts_with` cannot depend on a value, and `--format text` is fine.
            if format != RenderFormat::Text && (ascii || trim) {
                let flag = if ascii { "--ascii" } else { "--trim" };
                let format = format.to_possible_value().map(|v| v.get_name().to_owned());
                let message = format!(
                    "`{flag}` applies to `--format text` only, not `--format {}`",
                    format.unwrap_or_default()
                );
                let mut cli = Cli::command();
                cli.build();
                let mut render = cli.find_subcommand("render").cloned().unwrap_or(cli);
                render.error(ErrorKind::ArgumentConflict, message).exit();
            }
            let style = TextStyle { ascii, trim };
            cli::render::run(&file, format, style, output.as_deref())
        }
        Command::Check {
            paths,
            format,
            deny,
            color,
            quiet,
            preview,
        } => cli::check::run(&paths, format, deny.is_some(), color, quiet, preview),
        Command::Trace { file } => cli::trace::run(&file),
        Command::Invariants { explain } => cli::invariants::run(explain.as_deref()),
        Command::Fmt { paths, check } => cli::fmt::run(&paths, check),
        Command::Docs { files, check } => cli::docs::run(&files, check),
    };
    outcome.exit_code()
}
