//! The `authflow` command line: argument parsing only; each command lives in `cli/`.

mod cli;

#[global_allocator]
static ALLOCATOR: cli::alloc::Allocator = cli::alloc::Allocator;

use std::path::PathBuf;
use std::process::ExitCode;

use authflow::check::levels::{Level, Levels, validate_level_id};
use authflow::render::TextStyle;
use clap::error::ErrorKind;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use cli::Color;
use cli::check::CheckArgs;
use cli::render::RenderFormat;
use cli::report::Format;

const EXAMPLES: &str = "\
Examples:
  authflow render flows/authorization_code.flow          draw the diagram
  authflow render --ascii --trim flow.flow -o flow.txt   plain ASCII, no trailing spaces
  authflow render --verdict --number flow.flow           mark each broken rule on its arrow
  authflow check flows/                                  check every *.flow under flows/
  authflow check --format json -D warnings a.flow        machine-readable, strict
  authflow check -A state_single_use --report sarif=out/authflow.sarif flows/
  authflow trace flows/authorization_code.flow           what each message was read as and carried
  authflow trace --knowledge flows/authorization_code.flow   ... and what every party knows after it
  authflow html flows/authorization_code.flow -o seed.html   a page to step through in a browser
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
    propagate_version = true,
    about = "Read, run, check and draw OAuth 2.0 authorization code flows",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour diagnostics and reports: `auto` honours NO_COLOR and CLICOLOR_FORCE
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Subcommand)]
enum Command {
    /// Draw a flow as a box diagram (or an SVG or Mermaid export of it) on standard output
    Render {
        /// The flow file, or `-` for standard input
        #[arg(default_value = "-")]
        file: PathBuf,
        /// What to write [default: from the extension of `-o` (.svg, .mmd), else text]
        #[arg(long, value_enum)]
        format: Option<RenderFormat>,
        /// Plain ASCII (`+ - | > <`) instead of box-drawing characters (text only)
        #[arg(long)]
        ascii: bool,
        /// No trailing spaces on any line (text only)
        #[arg(long)]
        trim: bool,
        /// Write the diagram to this file instead of standard output (`-` is standard output)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Number every message, as `autonumber` in the flow does
        #[arg(long)]
        number: bool,
        /// Text: start with the front matter's title (SVG and Mermaid always show it)
        #[arg(long)]
        title: bool,
        /// Check the flow and mark each finding on its arrow, with a legend
        #[arg(long)]
        verdict: bool,
    },
    /// Execute flows against the actor models and check the protocol invariants
    ///
    /// Levels and world defaults also come from the nearest `authflow.toml` above each
    /// file (`[check] deny/warn/allow/preview`, `[world]`); the command line wins over it.
    Check {
        /// Flow files, or directories searched recursively for `*.flow`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The report on standard output [default: github when GITHUB_ACTIONS=true, else human]
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Also write a report to a file, beside the one on standard output (repeatable)
        #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_report)]
        report: Vec<(Format, PathBuf)>,
        /// Do not report an invariant's findings (repeatable)
        #[arg(short = 'A', long, value_name = "ID", value_parser = parse_level_id)]
        allow: Vec<String>,
        /// Report an invariant's findings as warnings, which do not fail a file (repeatable)
        #[arg(short = 'W', long, value_name = "ID", value_parser = parse_level_id)]
        warn: Vec<String>,
        /// Report an invariant's findings as errors; `-D warnings` makes every warning one
        #[arg(short = 'D', long, value_name = "ID", value_parser = parse_level_id)]
        deny: Vec<String>,
        /// Human output: show diagnostics only for files that fail
        #[arg(short, long, conflicts_with = "verbose")]
        quiet: bool,
        /// Human output: also show the findings each file expects, and every file's status
        #[arg(short, long)]
        verbose: bool,
        /// Also run the preview invariants (rules not yet stable), in every file
        #[arg(long)]
        preview: bool,
    },
    /// Show the replay: the protocol step each message was read as and what it carried
    Trace {
        /// The flow file, or `-` for standard input
        #[arg(default_value = "-")]
        file: PathBuf,
        /// After each message, what every participant knows (and where it learned it) and
        /// what the actors' stored objects became
        #[arg(long)]
        knowledge: bool,
        /// After each message, what the attacker knows (implies `--knowledge`, attacker only)
        #[arg(long)]
        attacker: bool,
    },
    /// Write the teaching page: one self-contained HTML file to step through the flow
    Html {
        /// The flow file, or `-` for standard input
        #[arg(default_value = "-")]
        file: PathBuf,
        /// Write the page to this file instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also run the preview invariants (rules not yet stable)
        #[arg(long)]
        preview: bool,
        /// For a flow with alt/opt/loop fragments: the path through them to step through,
        /// counted from 1 in the order `trace` lists them
        #[arg(long, value_name = "N", default_value_t = 1)]
        path: usize,
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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write one page per command into a directory
    Man {
        /// Write `authflow.1`, `authflow-check.1`, ... into this directory
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Run as an mdBook preprocessor: draw the diagrams of a book's `authflow` blocks
    ///
    /// In book.toml: `[preprocessor.authflow]` with `command = "authflow mdbook"`.
    Mdbook {
        #[command(subcommand)]
        supports: Option<MdbookQuery>,
    },
    /// Replay flows against a real authorization server and compare its answers with a
    /// correct AS's; exits 1 on a departure the config does not list as known
    Replay {
        /// Flow files, or directories searched recursively for `*.flow`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The server's base URL; its endpoints come from its metadata
        #[arg(long, value_name = "URL", required_unless_present = "config")]
        against: Option<String>,
        /// A TOML file naming the endpoints, client registrations, test users, code
        /// lifetime and known departures
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write every request and response, secrets masked: `--dump http FILE`
        #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"])]
        dump: Vec<String>,
        /// Also run the preview invariants
        #[arg(long)]
        preview: bool,
        /// For flows with alt/opt/loop fragments: the path through them to replay,
        /// counted from 1 in the order `trace` lists them (a server takes one path)
        #[arg(long, value_name = "N")]
        path: Option<usize>,
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

/// mdBook's question before a build.
#[derive(Subcommand)]
enum MdbookQuery {
    /// Exit 0 when the preprocessor works for this renderer (it does for all)
    Supports {
        /// The renderer mdBook asks about (`html`, `markdown`, ...)
        renderer: String,
    },
}

/// `--report FORMAT=PATH`.
fn parse_report(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FORMAT=PATH (e.g. `junit=out/junit.xml`)"))?;
    let format = Format::from_str(format, true)?;
    if path.is_empty() {
        return Err(format!("`{text}` names no file after `=`"));
    }
    if path == "-" {
        // Standard output already carries the `--format` report; two on one stream
        // would be neither.
        return Err(format!(
            "`{text}`: a report file cannot be standard output; use `--format {}` for that",
            format
                .to_possible_value()
                .map_or("…".into(), |v| v.get_name().to_string())
        ));
    }
    Ok((format, PathBuf::from(path)))
}

/// An id `-A`, `-W` or `-D` may name, with "did you mean" when it is mistyped.
fn parse_level_id(text: &str) -> Result<String, String> {
    validate_level_id(text).map(|()| text.to_string())
}

/// The levels of `-A`, `-W` and `-D` in the order given: as with rustc, a later flag for
/// the same id wins (`-D warnings -A state_single_use`).
fn levels(matches: &ArgMatches) -> Levels {
    let mut given: Vec<(usize, &String, Level)> = Vec::new();
    for (name, level) in [
        ("allow", Level::Allow),
        ("warn", Level::Warn),
        ("deny", Level::Deny),
    ] {
        if let (Some(indices), Some(ids)) =
            (matches.indices_of(name), matches.get_many::<String>(name))
        {
            given.extend(indices.zip(ids).map(|(index, id)| (index, id, level)));
        }
    }
    given.sort_by_key(|(index, _, _)| *index);
    let mut levels = Levels::new();
    for (_, id, level) in given {
        levels.set(id, level);
    }
    levels
}

/// The last `--color` on the command line, read before clap parses it: clap prints help
/// and usage errors while it parses, and they should follow the flag like everything else.
/// Arguments after `--` are operands, never the flag.
fn color_written(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<Color> {
    let mut written = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.to_str() {
            Some("--") => break,
            Some("--color") => args.next(),
            Some(flag) => flag.strip_prefix("--color=").map(Into::into),
            None => None,
        };
        if let Some(value) = value.as_ref().and_then(|v| v.to_str()) {
            written = Color::from_str(value, false).ok().or(written);
        }
    }
    written
}

fn main() -> ExitCode {
    let choice = color_written(std::env::args_os()).unwrap_or(Color::Auto);
    let matches = Cli::command().color(choice.for_clap()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    cli.color.apply();
    let outcome = match cli.command {
        Command::Render {
            file,
            format,
            ascii,
            trim,
            output,
            number,
            title,
            verdict,
        } => {
            let output = output.filter(|path| path.as_os_str() != "-");
            let format = format
                .or_else(|| output.as_deref().and_then(RenderFormat::from_extension))
                .unwrap_or(RenderFormat::Text);
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
            let options = cli::render::RenderOptions {
                format,
                style: TextStyle { ascii, trim },
                number,
                title: title || format != RenderFormat::Text,
                verdict,
            };
            cli::render::run(&file, &options, output.as_deref())
        }
        Command::Check {
            paths,
            format,
            report,
            quiet,
            verbose,
            preview,
            ..
        } => {
            let check = matches
                .subcommand_matches("check")
                .map(levels)
                .unwrap_or_default();
            let args = CheckArgs {
                format,
                reports: report,
                levels: check,
                quiet,
                verbose,
                preview,
            };
            cli::check::run(&paths, &args)
        }
        Command::Completions { shell } => cli::completions::completions(shell, Cli::command()),
        Command::Man { dir } => cli::completions::man(Cli::command(), dir.as_deref()),
        Command::Mdbook { supports: None } => cli::mdbook::run(),
        Command::Mdbook {
            supports: Some(MdbookQuery::Supports { renderer }),
        } => cli::mdbook::supports(&renderer),
        Command::Trace {
            file,
            knowledge,
            attacker,
        } => cli::trace::run(&file, knowledge || attacker, attacker),
        Command::Html {
            file,
            output,
            preview,
            path,
        } => cli::html::run(&file, output.as_deref(), preview, path),
        Command::Invariants { explain } => cli::invariants::run(explain.as_deref()),
        Command::Fmt { paths, check } => cli::fmt::run(&paths, check),
        Command::Docs { files, check } => cli::docs::run(&files, check),
        Command::Replay {
            paths,
            against,
            config,
            dump,
            preview,
            path,
        } => cli::replay::run(&paths, against, config.as_deref(), &dump, preview, path),
    };
    outcome.exit_code()
}
