//! `authflow replay`: each flow's AS-bound messages sent to a real server, its answers
//! judged, a three-way table per flow. One fresh set of browsers (cookie jars) per flow,
//! so flows do not share login sessions.

use std::path::Path;
use std::path::PathBuf;

use authflow::check::CheckOptions;
use authflow::live::config::Config;
use authflow::live::http::{NetworkTransport, dump_http};
use authflow::live::{LiveError, replay_live, report, resolve_endpoints};
use authflow::render_diagnostics;
use authflow::teach::teaching_path;
use std::borrow::Cow;

use super::{
    Outcome, display_name, expand_paths, load_flow, read_bytes, stderr_color, walk_outcome,
    write_stdout,
};

pub fn run(
    paths: &[PathBuf],
    against: Option<String>,
    config_path: Option<&Path>,
    dump: &[String],
    preview: bool,
    which_path: Option<usize>,
) -> Outcome {
    let fail = |message: String| {
        super::print_error(&message);
        Outcome::InputError
    };
    let dump_file = match dump {
        [] => None,
        [format, file] if format == "http" => Some(PathBuf::from(file)),
        [format, _] => return fail(format!("`--dump {format}`: the only dump format is `http`")),
        _ => return fail("`--dump` takes a format and a file: `--dump http FILE`".into()),
    };
    let mut config = match config_path {
        None => Config::default(),
        Some(path) => {
            let text = match read_bytes(path).and_then(|bytes| {
                String::from_utf8(bytes)
                    .map_err(|_| format!("`{}` is not UTF-8", display_name(path)))
            }) {
                Ok(text) => text,
                Err(error) => return fail(error),
            };
            match Config::from_toml(&text) {
                Ok(config) => config,
                Err(error) => return fail(format!("in `{}`: {error}", display_name(path))),
            }
        }
    };
    if against.is_some() {
        config.server = against;
    }
    let timeout = match config.request_timeout() {
        Ok(timeout) => timeout,
        Err(error) => return fail(error),
    };
    let mut transport = NetworkTransport::new(timeout);
    let endpoints = match resolve_endpoints(&config, &mut transport) {
        Ok(endpoints) => endpoints,
        Err(error) => return fail(error),
    };
    let (files, unreadable) = expand_paths(paths, "flow");
    if !unreadable.is_empty() {
        // Each was reported as the walk found it; a replay with holes would mislead.
        return walk_outcome(&unreadable);
    }
    let options = CheckOptions { preview };
    // Each flow's report is printed as soon as it is done: waits make long runs.
    let mut separator = "";
    let mut dumped = String::new();
    let mut outcome = Outcome::Success;
    for path in &files {
        let (file, flow) = match load_flow(path) {
            Ok(loaded) => loaded,
            Err(outcome) => return outcome,
        };
        // A server takes one path through a flow's fragments: the one `--path` names.
        let flow = match which_path.map(|which| teaching_path(&flow, which)) {
            None => Cow::Borrowed(&flow),
            Some(Ok((one, about))) => {
                if let Some(about) = about {
                    super::print_stderr(&format!(
                        "note: {}: replaying {about}\n",
                        display_name(path)
                    ));
                }
                one
            }
            Some(Err(diagnostics)) => {
                super::print_stderr(&render_diagnostics(&diagnostics, &file, stderr_color()));
                return Outcome::InputError;
            }
        };
        let live = match replay_live(&file, &flow, &config, &endpoints, &mut transport, &options) {
            Ok(live) => live,
            Err(LiveError::Flow(diagnostics)) => {
                super::print_stderr(&render_diagnostics(&diagnostics, &file, stderr_color()));
                return Outcome::InputError;
            }
            Err(LiveError::Server(error)) => {
                return fail(format!("{}: {error}", display_name(path)));
            }
        };
        let name = display_name(path);
        let report = report::render(&name, &config, &live.comparison);
        outcome = outcome.max(write_stdout(&format!("{separator}{report}")));
        separator = "\n";
        if !report::new_departures(&name, &config, &live.comparison).is_empty() {
            outcome = outcome.max(Outcome::CheckFailed);
        }
        dumped.push_str(&dump_http(&live.exchanges, &live.secrets));
    }
    if let Some(dump_file) = dump_file
        && let Err(error) = super::write_atomically(&dump_file, dumped.as_bytes())
    {
        return fail(format!("cannot write `{}`: {error}", dump_file.display()));
    }
    outcome
}
