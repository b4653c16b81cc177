//! From what the server did to a verdict on the server. The flow's drawn AS answers are
//! replaced, line for line, by the server's real ones; the model replays that flow and
//! the checker judges it like any other, so the findings against the server come from
//! the same invariants as every other verdict and nothing here judges. What remains is
//! the three-way table: what the flow drew, what the server did, what a correct AS
//! answers.

use std::collections::HashMap;

use super::driver::{Answer, Answered, is_server};
use crate::check::{CheckOptions, Violation, check_run_with};
use crate::diagnostic::Diagnostic;
use crate::model::run::{Step, StepId};
use crate::model::vocab::Key;
use crate::model::{Run, StepKind, execute};
use crate::span::SourceFile;
use crate::syntax::parse;

/// One AS answer, three ways.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The answer's line in the flow.
    pub line: usize,
    /// `from -> to` as drawn.
    pub message: String,
    /// What the flow drew.
    pub drawn: String,
    /// What the server did.
    pub server: String,
    /// What a correct AS answers there.
    pub correct: String,
    /// The invariants that fire on the server's answer.
    pub named_by: Vec<&'static str>,
}

/// A place where the server departs from a correct AS.
#[derive(Clone, Debug, PartialEq)]
pub struct Departure {
    /// The answer's line in the flow.
    pub line: usize,
    /// The invariant that names it; `None` for a refusal no invariant judges.
    pub invariant: Option<&'static str>,
    /// Whether it is an error (else a warning).
    pub error: bool,
    /// The finding's explanation.
    pub message: String,
}

/// The comparison of one flow with one server.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// One row per AS answer the flow draws.
    pub rows: Vec<Row>,
    /// Where the server departs from a correct AS.
    pub departures: Vec<Departure>,
    /// The flow with the server's answers in place of the drawn ones.
    pub rewritten: String,
    /// Findings about the flow's other participants (client, browsers), which say
    /// nothing about the server.
    pub other_findings: Vec<Violation>,
}

/// Rewrites `source` with the server's `answers`, replays and checks it, and lines the
/// result up with the drawn `run`.
pub fn compare(
    source: &SourceFile,
    drawn: &Run,
    drawn_violations: &[Violation],
    answers: &HashMap<StepId, Answered>,
    options: &CheckOptions,
) -> Result<Comparison, String> {
    let rewritten = rewrite(&source.text, drawn, answers);
    let file = SourceFile::new(source.name.clone(), rewritten.clone());
    // The rewritten text is ours, not the user's: a failure here is a bug to report
    // plainly, never spans into a text the user did not write.
    let unreplayable = |diagnostics: Vec<Diagnostic>| {
        let first = diagnostics.first().map_or(String::new(), |d| {
            format!(": {} (line {})", d.message, file.line_col(d.span.start).0)
        });
        format!("the flow with the server's answers in place cannot be replayed{first}")
    };
    let flow = parse(&file).map_err(unreplayable)?;
    let live = execute(&flow, &file).map_err(unreplayable)?;
    if live.steps.len() != drawn.steps.len() {
        return Err("the flow with the server's answers in place has other messages".into());
    }
    let violations = check_run_with(&live, &options.for_flow(&flow));
    let mut rows = Vec::new();
    let mut departures = Vec::new();
    let mut ids: Vec<StepId> = answers.keys().copied().collect();
    ids.sort_unstable();
    for id in ids {
        let answered = &answers[&id];
        let answer = &answered.answer;
        let (drawn_step, live_step) = (&drawn.steps[id], &live.steps[id]);
        let at = |violations: &'_ [Violation], step: &Step| -> Vec<Violation> {
            violations
                .iter()
                .filter(|v| v.span == step.span)
                .cloned()
                .collect()
        };
        // An answer to a request that was never sent is the drawn one, still in the
        // flow: what fires on it says nothing about the server.
        let findings = if *answer == Answer::NotSent {
            Vec::new()
        } else {
            at(&violations, live_step)
        };
        let mut correct = correct_answer(answer, &findings);
        let refused = matches!(
            answer,
            Answer::RedirectError(_) | Answer::ErrorPage(_) | Answer::EndpointError(..)
        );
        let drawn_issues = issues(drawn, id);
        let drawn_errors = at(drawn_violations, drawn_step)
            .iter()
            .any(|v| v.severity == crate::Severity::Error);
        // A request the sender could not form (a value it never got, because the server
        // answered an earlier request differently) is rightly refused.
        let well_formed = !answered.guessed
            && answered.request.is_some_and(|request| {
                let request = &live.steps[request];
                request.missing.is_empty() && request.unknown_to_sender.is_empty()
            });
        if findings.is_empty() && refused && drawn_issues && !drawn_errors && well_formed {
            // No invariant judges a refusal; the drawn run shows a correct AS grants it.
            correct = describe(drawn, id);
            departures.push(Departure {
                line: live_step.line,
                invariant: None,
                error: true,
                message: format!(
                    "the server answers `{answer}` where a correct AS answers `{correct}`"
                ),
            });
        }
        for finding in &findings {
            departures.push(Departure {
                line: live_step.line,
                invariant: Some(finding.id),
                error: finding.severity == crate::Severity::Error,
                message: finding.message.clone(),
            });
        }
        rows.push(Row {
            line: drawn_step.line,
            message: format!("{} -> {}", drawn_step.from, drawn_step.to),
            drawn: describe(drawn, id),
            server: answer.to_string(),
            correct,
            named_by: findings.iter().map(|v| v.id).collect(),
        });
    }
    let server_spans: Vec<_> = ids_of_server_steps(&live);
    let other_findings = violations
        .into_iter()
        .filter(|v| !server_spans.contains(&v.span))
        .collect();
    Ok(Comparison {
        rows,
        departures,
        rewritten,
        other_findings,
    })
}

fn ids_of_server_steps(run: &Run) -> Vec<crate::Span> {
    run.steps
        .iter()
        .filter(|s| is_server(s.from_role))
        .map(|s| s.span)
        .collect()
}

/// Whether a drawn answer gives the requester what it asked for.
fn issues(run: &Run, id: StepId) -> bool {
    let step = &run.steps[id];
    step.params.get(Key::Error).is_none()
        && match step.kind {
            StepKind::AuthorizationResponse => step.params.get(Key::Code).is_some(),
            StepKind::TokenResponse => step.params.get(Key::AccessToken).is_some(),
            StepKind::RevocationResponse => true,
            StepKind::ApiResponse => served(run, id) != Some(false),
            _ => false,
        }
}

/// Whether the API answer at `id` served the resource, as the model read it (a label
/// such as `401 invalid_token` refuses).
fn served(run: &Run, id: StepId) -> Option<bool> {
    run.api_calls
        .iter()
        .filter_map(|call| call.response.as_ref())
        .find(|answer| answer.step == id)
        .map(|answer| answer.served)
}

/// An answer as the table shows it, from the step the model recorded.
pub fn describe(run: &Run, id: StepId) -> String {
    let step = &run.steps[id];
    if let Some(error) = step.params.get(Key::Error) {
        return format!("error={error}");
    }
    match step.kind {
        StepKind::ApiResponse if served(run, id) == Some(false) => "refused".into(),
        StepKind::AuthorizationResponse if step.params.get(Key::Code).is_some() => "code".into(),
        StepKind::TokenResponse if step.params.get(Key::RefreshToken).is_some() => {
            "tokens + refresh".into()
        }
        StepKind::TokenResponse => "tokens".into(),
        StepKind::RevocationResponse => "revoked".into(),
        StepKind::ApiResponse => "resource".into(),
        kind => kind.prose(),
    }
}

/// What a correct AS answers where the server answered `answer` and the checker found
/// `findings`: the server's own answer when nothing fired, else what the findings name.
fn correct_answer(answer: &Answer, findings: &[Violation]) -> String {
    if findings.is_empty() {
        return answer.to_string();
    }
    for finding in findings {
        for cue in [
            "a correct AS answers `",
            "calls for `",
            "should have answered `",
        ] {
            if let Some(code) = quoted_after(&finding.message, cue) {
                return format!("error={code}");
            }
        }
    }
    if findings.iter().any(|f| f.message.contains("error page")) {
        return "error page".into();
    }
    if findings.iter().any(|f| f.id == "denied_no_code") {
        return "error=access_denied".into();
    }
    match answer {
        Answer::Code { .. } => "no code".into(),
        Answer::Tokens { .. } => "error=invalid_grant".into(),
        // RFC 6750 §3.1: a token the resource server must not honour.
        Answer::Resource => "error=invalid_token".into(),
        other => format!("not {other}"),
    }
}

fn quoted_after<'a>(text: &'a str, cue: &str) -> Option<&'a str> {
    let start = text.find(cue)? + cue.len();
    let end = text[start..].find('`')?;
    Some(&text[start..start + end])
}

/// The flow's text with each answered message replaced by the server's answer, sent to
/// whoever the server answered (the requester, on the back channel). Lines are replaced
/// whole and one for one, so step numbers and line numbers stay the same.
pub fn rewrite(text: &str, run: &Run, answers: &HashMap<StepId, Answered>) -> String {
    let mut edits: Vec<(crate::Span, String)> = answers
        .iter()
        .filter_map(|(&id, answered)| {
            let (answer, step) = (&answered.answer, &run.steps[id]);
            let to = match step.kind {
                StepKind::TokenResponse | StepKind::RevocationResponse | StepKind::ApiResponse => {
                    answered.to.as_str()
                }
                _ => &step.to,
            };
            let (label, kind) = match answer {
                Answer::NotSent => return None,
                Answer::Code { .. } => ("code".to_string(), "authorization_response"),
                Answer::RedirectError(error) => (error.clone(), "authorization_response"),
                Answer::LoginPage => ("login page".to_string(), "login_page"),
                Answer::ErrorPage(_) => ("error page".to_string(), "error_page"),
                Answer::Tokens { refresh: false } => ("access token".to_string(), "token_response"),
                Answer::Tokens { refresh: true } => (
                    "access token and refresh token".to_string(),
                    "token_response",
                ),
                Answer::EndpointError(error, _) => (
                    error.clone().unwrap_or_else(|| "error".into()),
                    step.kind.name(),
                ),
                Answer::Revoked => ("revoked".to_string(), "revocation_response"),
                Answer::Resource => ("response".to_string(), "api_response"),
            };
            // What the redirect carried where it differs from what a correct AS sends:
            // no `iss` (RFC 9207), or a `state` other than the request's (RFC 6749
            // §4.1.2), so that the invariants judge the server's values, not the model's.
            let mut carried = Vec::new();
            if let Answer::Code { state, iss } = answer {
                if !iss {
                    carried.push("iss: none".to_string());
                }
                if state.as_deref() != step.params.get(Key::State) {
                    carried.push(match state {
                        Some(state) => format!("state: {}", quote(state)),
                        None => "state: none".to_string(),
                    });
                }
            }
            let params = if carried.is_empty() {
                String::new()
            } else {
                format!(" {{ {} }}", carried.join(", "))
            };
            let line = format!(
                "{} -> {}: {} as {kind}{params}",
                quote(&step.from),
                quote(to),
                quote(&label)
            );
            Some((step.span, line))
        })
        .collect();
    // The requests stay what the driver sent. A server's answer can change what the
    // client holds (a refresh token the drawing did not issue), and the replay must not
    // read the next token request as another grant than the one that went out.
    for (id, step) in run.steps.iter().enumerate() {
        if step.kind != StepKind::TokenRequest || answers.contains_key(&id) {
            continue;
        }
        let Some(grant) = step
            .params
            .carried(Key::GrantType)
            .filter(|g| g.written_at.is_none())
        else {
            continue;
        };
        let original = &text[step.span.start..step.span.end];
        let after_label = step.label_span.end - step.span.start;
        let pinned = format!("grant_type: {}", quote(&grant.value));
        let line = match original[after_label..].find('{') {
            Some(brace) => {
                let at = after_label + brace + 1;
                format!("{}{{ {pinned},{}", &original[..at - 1], &original[at..])
            }
            None => format!("{original} {{ {pinned} }}"),
        };
        edits.push((step.span, line));
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = text.to_string();
    for (span, line) in edits {
        out.replace_range(span.start..span.end, &line);
    }
    out
}

/// `text` as a quoted name or label of the flow language, which reads any name quoted.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
