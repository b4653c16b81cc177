//! Checking a flow with fragments: every path through them (`syntax::fragments`) is
//! replayed as its own trace and judged, and the verdict is the union.
//!
//! A fragment is a set of alternatives a real deployment may take, so a flow is conformant
//! only when every path is. A finding that fires on some paths only names the path (the
//! choices that lead to it, with their lines); one that fires on every path needs no path
//! to explain it and reads as in a flow without fragments. `expect:` is met when the ids
//! fired over all paths are exactly the expected ones.

use super::levels::Levels;
use super::{CheckOptions, Verdict, Violation, ambiguous_readings, check_run_with, judge};
use crate::Diagnostic;
use crate::model::{Run, execute};
use crate::span::SourceFile;
use crate::syntax::Flow;
use crate::syntax::fragments::{FlowPath, has_fragments, paths};

/// Each path through `flow`'s fragments with its replay, in path order. A flow without
/// fragments is one path, replayed as it is. Input errors (in the fragments' nesting,
/// too many paths, or a message the model rejects) come back as diagnostics, each once.
pub fn replay_paths(
    flow: &Flow,
    source: &SourceFile,
) -> Result<Vec<(FlowPath, Run)>, Vec<Diagnostic>> {
    if !has_fragments(flow) {
        let run = execute(flow, source)?;
        let path = FlowPath {
            lines: (0..flow.lines.len()).collect(),
            choices: Vec::new(),
        };
        return Ok(vec![(path, run)]);
    }
    let mut replayed = Vec::new();
    for path in paths(flow)? {
        let run = execute(&path.flow(flow), source)?;
        replayed.push((path, run));
    }
    Ok(replayed)
}

/// The verdict over every path: violations and notes from all of them, each once and in
/// source order, those that fire on some paths only prefixed with the first such path.
pub fn verdict_over_paths(
    flow: &Flow,
    source: &SourceFile,
    replayed: &[(FlowPath, Run)],
    levels: &Levels,
    options: &CheckOptions,
) -> Verdict {
    let options = options.for_flow(flow);
    let mut violations: Vec<(Violation, Vec<usize>)> = Vec::new();
    let mut notes: Vec<(Violation, Vec<usize>)> = Vec::new();
    for (index, (_, run)) in replayed.iter().enumerate() {
        gather(&mut violations, check_run_with(run, &options), index);
        gather(&mut notes, ambiguous_readings(run), index);
    }
    let name = |found: Vec<(Violation, Vec<usize>)>| -> Vec<Violation> {
        let mut named: Vec<Violation> = found
            .into_iter()
            .map(|(mut violation, on)| {
                if on.len() < replayed.len() {
                    violation.message = format!(
                        "{}: {}",
                        path_phrase(source, &replayed[on[0]].0, on.len() - 1),
                        violation.message
                    );
                }
                violation
            })
            .collect();
        named.sort_by(|a, b| (a.span.start, a.id).cmp(&(b.span.start, b.id)));
        named
    };
    let violations = name(violations);
    let notes = name(notes);
    judge(flow, violations, notes, levels)
}

/// Replays every path and judges them: [`replay_paths`] then [`verdict_over_paths`].
pub fn verdict_paths(
    flow: &Flow,
    source: &SourceFile,
    levels: &Levels,
    options: &CheckOptions,
) -> Result<Verdict, Vec<Diagnostic>> {
    let replayed = replay_paths(flow, source)?;
    Ok(verdict_over_paths(flow, source, &replayed, levels, options))
}

/// Adds what path `index` found, merging it with the same finding from earlier paths.
fn gather(into: &mut Vec<(Violation, Vec<usize>)>, found: Vec<Violation>, index: usize) {
    for violation in found {
        match into.iter_mut().find(|(v, _)| *v == violation) {
            Some((_, on)) => {
                if on.last() != Some(&index) {
                    on.push(index);
                }
            }
            None => into.push((violation, vec![index])),
        }
    }
}

/// `in the path through `else "bad code"` (line 14)`, and how many other paths.
fn path_phrase(source: &SourceFile, path: &FlowPath, others: usize) -> String {
    let choices: Vec<String> = path
        .choices
        .iter()
        .map(|choice| {
            format!(
                "`{}` (line {})",
                choice.text,
                source.line_col(choice.span.start).0
            )
        })
        .collect();
    // A path of several always has choices: only `alt` and `opt` make more than one.
    let through = format!("the path through {}", choices.join(", "));
    match others {
        0 => format!("in {through}"),
        1 => format!("in {through} (and 1 other path)"),
        n => format!("in {through} (and {n} other paths)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    const LOGIN: &str = "fe -> fe: \"click\"\nfe -> auth_server_be: \"redirect\"\n\
        auth_server_be -> auth_server_fe: \"redirect\"\nauth_server_fe -> auth_server_fe: \"enter \"\n\
        auth_server_fe -> auth_server_be: \"login, permission\"\nauth_server_be -> fe: \"code\"\n\
        fe -> be: \"\"\nbe -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n";

    const REPLAY: &str =
        "  be -> auth_server_be: \"request token\"\n  auth_server_be -> be: \"access token\"\n";

    fn verdict_of(text: &str) -> Verdict {
        let file = SourceFile::new(
            "t.flow",
            format!("---\nclient: {{ pkce: true }}\n---\n{text}"),
        );
        let flow = parse(&file).unwrap();
        verdict_paths(&flow, &file, &Levels::default(), &CheckOptions::default()).unwrap()
    }

    #[test]
    fn a_finding_on_some_paths_names_the_first_and_counts_the_others() {
        // Three paths: the replay happens on the two through `alt "replay"`.
        let text = format!(
            "{LOGIN}alt \"replay\"\n  opt \"log\"\n    be -> fe: \"log\"\n  end\n{REPLAY}\
             else \"no replay\"\n  be -> fe: \"ok\"\nend\n"
        );
        let verdict = verdict_of(&text);
        let ids: Vec<&str> = verdict.violations.iter().map(|v| v.id).collect();
        assert_eq!(ids, ["code_single_use"], "{:?}", verdict.violations);
        assert_eq!(
            verdict.violations[0].message,
            "in the path through `alt \"replay\"` (line 13), `opt \"log\"` (line 14) (and 1 \
             other path): tokens issued although code `code-1` was already redeemed at line 11; \
             a correct AS answers `invalid_grant`"
        );
        assert!(!verdict.passed);
    }

    #[test]
    fn a_finding_on_every_path_needs_no_path() {
        let text = format!("{LOGIN}{REPLAY}opt \"bye\"\n  be -> fe: \"ok\"\nend\n");
        let verdict = verdict_of(&text);
        assert_eq!(verdict.violations.len(), 1);
        assert!(verdict.violations[0].message.starts_with("tokens issued"));
        // Twice as often as it is reported: once per path, merged.
        let file = SourceFile::new(
            "t.flow",
            format!("---\nclient: {{ pkce: true }}\n---\n{text}"),
        );
        let flow = parse(&file).unwrap();
        assert_eq!(replay_paths(&flow, &file).unwrap().len(), 2);
    }

    #[test]
    fn the_verdict_is_the_union_over_paths() {
        let text = format!(
            "---\nclient: {{ pkce: true }}\nexpect: [code_single_use]\n---\n{LOGIN}opt\n{REPLAY}end\n"
        );
        let file = SourceFile::new("t.flow", text);
        let flow = parse(&file).unwrap();
        let verdict =
            verdict_paths(&flow, &file, &Levels::default(), &CheckOptions::default()).unwrap();
        assert!(verdict.passed, "{:?}", verdict.violations);
        assert!(
            verdict.violations[0]
                .message
                .contains("in the path through `opt`")
        );
    }
}
