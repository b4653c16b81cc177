//! Judging a [`Run`]: one module per invariant, each with its id, severity, the RFC
//! section it enforces and a check that turns run records into findings. This module
//! only collects findings into violations and compares them with the flow's expectation.

use crate::model::Run;
use crate::model::run::{StepId, TokenAnswer};
use crate::syntax::Flow;
use crate::{Diagnostic, Severity, Span};
use levels::Levels;

mod client_authenticated;
mod client_secret_not_in_url;
mod code_bound_to_client;
mod code_lifetime;
mod code_single_use;
mod consent_before_code;
mod denied_no_code;
mod iss_match;
pub mod levels;
mod no_redirect_to_unregistered;
mod no_token_in_front_channel;
pub mod paths;
mod pkce_no_downgrade;
mod pkce_required;
mod pkce_verifier_match;
mod redirect_uri_equal;
mod redirect_uri_registered;
mod refresh_token_valid;
mod response_type_code;
mod scope_not_widened;
mod sender_knows;
mod state_match;
mod state_single_use;
mod token_response_to_requester;
mod token_valid_at_rs;

#[cfg(test)]
mod tests;

/// A protocol rule the checker enforces. Everything but `check` is documentation that
/// `authflow invariants --explain ID` prints; a new invariant fills every field.
pub struct Invariant {
    /// Stable identifier, used in `expect:` and in every output format.
    pub id: &'static str,
    /// Severity unless a finding says otherwise.
    pub severity: Severity,
    /// The RFC section(s) the rule comes from.
    pub reference: &'static str,
    /// The rule in one sentence.
    pub statement: &'static str,
    /// Why the rule exists: the attack or failure it stops, in two to five sentences that
    /// cite the RFC. Plain text; `--explain` wraps it.
    pub rationale: &'static str,
    /// A few lines of flow text that violate the rule, with a `#` comment on the line
    /// where it fires. Printed as written, but for leading and trailing newlines (so the
    /// literal can start on a line of its own).
    pub example: &'static str,
    /// Whether the rule runs by default or only in preview.
    pub status: Status,
    /// Whether the messages of participants that do not follow the protocol (attackers,
    /// and participants declared `{ malicious: true }`) are judged too. Knowledge binds
    /// everyone: an attacker cannot send what it never learned. A protocol duty binds
    /// honest parties only: a malicious authorization server issuing tokens for a code it
    /// never issued is the attack, and what the rules judge is how the honest parties
    /// around it respond.
    pub binds_attackers: bool,
    /// Records a finding for every place where `run` breaks the rule.
    pub check: fn(&Run, &mut Vec<Finding>),
}

/// Whether an invariant runs by default. As with ruff's preview rules, a new invariant
/// can start in preview, so that its findings and wording are tried on real flows before
/// it can fail anyone's `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Runs on every check.
    Stable,
    /// Runs only with `check --preview` or `preview: true` in the flow's front matter;
    /// `expect:` may name it only then.
    Preview,
}

impl Status {
    /// The name `authflow invariants` shows (`stable`, `preview`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
        }
    }
}

/// What a check runs beyond the stable invariants. `Default` is what `check` does without
/// flags: stable invariants only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Run the preview invariants too (`check --preview`).
    pub preview: bool,
}

impl CheckOptions {
    /// Whether `invariant` runs under these options.
    pub fn enables(&self, invariant: &Invariant) -> bool {
        invariant.status == Status::Stable || self.preview
    }

    /// These options as they apply to `flow`: its front matter can turn preview on
    /// (`preview: true`) but not off, so `--preview` covers a whole directory.
    pub fn for_flow(self, flow: &Flow) -> CheckOptions {
        let front = flow.front_matter.as_ref().and_then(|f| f.value.preview);
        CheckOptions {
            preview: self.preview || front == Some(true),
        }
    }
}

/// One place where a run departs from what a correct actor would do.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The message at which the departure happens (the caret goes on its label).
    pub step: StepId,
    /// One sentence naming the values involved and where they came from.
    pub message: String,
    /// Other messages involved, with what they contributed.
    pub related: Vec<(StepId, String)>,
    /// Overrides the invariant's severity (e.g. `pkce_required` for confidential clients).
    pub severity: Option<Severity>,
}

impl Finding {
    /// A finding at `step`, with the invariant's own severity.
    pub fn new(step: StepId, message: impl Into<String>) -> Finding {
        Finding {
            step,
            message: message.into(),
            related: Vec::new(),
            severity: None,
        }
    }

    /// Adds another message involved, with what it contributed.
    pub fn related(mut self, step: StepId, what: impl Into<String>) -> Finding {
        self.related.push((step, what.into()));
        self
    }

    /// Gives this finding a severity other than the invariant's.
    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = Some(severity);
        self
    }
}

/// Judges the token endpoint's answer to a request it must refuse (RFC 6749 §5.2):
/// issuing tokens is the violation; refusing with an error other than the ones `due`
/// allows (the first is the one to name) is worth a warning that says which error a
/// correct AS sends; refusing rightly is no finding. `problem` says what is wrong with
/// the request, as a clause: "code `code-1` was already redeemed at line 9".
pub(crate) fn judge_token_answer(
    answer: &TokenAnswer,
    problem: &str,
    due: &[&str],
) -> Option<Finding> {
    let expected = due.first().copied().unwrap_or("invalid_grant");
    match answer.error.as_deref() {
        _ if answer.issued() => Some(Finding::new(
            answer.step,
            format!("tokens issued although {problem}; a correct AS answers `{expected}`"),
        )),
        Some(error) if due.contains(&error) => None,
        error => Some(
            Finding::new(
                answer.step,
                format!(
                    "the AS refuses with {} where RFC 6749 §5.2 calls for `{expected}`: {problem}",
                    error.map_or("no error code".to_string(), |e| format!("`{e}`"))
                ),
            )
            .severity(Severity::Warning),
        ),
    }
}

/// Every invariant, in catalogue order.
pub const INVARIANTS: &[&Invariant] = &[
    &state_match::INVARIANT,
    &code_single_use::INVARIANT,
    &redirect_uri_equal::INVARIANT,
    &redirect_uri_registered::INVARIANT,
    &code_bound_to_client::INVARIANT,
    &client_authenticated::INVARIANT,
    &consent_before_code::INVARIANT,
    &denied_no_code::INVARIANT,
    &code_lifetime::INVARIANT,
    &pkce_verifier_match::INVARIANT,
    &pkce_required::INVARIANT,
    &response_type_code::INVARIANT,
    &sender_knows::INVARIANT,
    &token_valid_at_rs::INVARIANT,
    &token_response_to_requester::INVARIANT,
    &scope_not_widened::INVARIANT,
    &pkce_no_downgrade::INVARIANT,
    &state_single_use::INVARIANT,
    &no_redirect_to_unregistered::INVARIANT,
    &no_token_in_front_channel::INVARIANT,
    &refresh_token_valid::INVARIANT,
    &iss_match::INVARIANT,
    &client_secret_not_in_url::INVARIANT,
];

/// The invariant with id `id`, if there is one.
pub fn invariant(id: &str) -> Option<&'static Invariant> {
    INVARIANTS.iter().copied().find(|i| i.id == id)
}

/// A finding placed in the source, ready to print.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The id of the invariant that fired.
    pub id: &'static str,
    /// Its severity for this finding.
    pub severity: Severity,
    /// Span of the message where the rule is broken.
    pub span: Span,
    /// What is wrong there, naming the values involved and where they came from.
    pub message: String,
    /// Beside the caret: how the model read the message (`token response`), which is
    /// what a reader needs to follow the explanation.
    pub label: String,
    /// Other messages involved, with what they contributed.
    pub related: Vec<(Span, String)>,
    /// The RFC section(s) the rule comes from.
    pub reference: &'static str,
}

impl Violation {
    /// The violation as a diagnostic, ready to render.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut diagnostic = Diagnostic::error(&self.message, self.span)
            .with_note(format!("note: {}", self.reference));
        diagnostic.severity = self.severity;
        diagnostic.code = Some(self.id.to_string());
        diagnostic.label = self.label.clone();
        diagnostic.related = self.related.clone();
        diagnostic
    }
}

/// Runs every stable invariant over `run`; the violations come in source order.
pub fn check_run(run: &Run) -> Vec<Violation> {
    check_run_with(run, &CheckOptions::default())
}

/// Runs the invariants `options` enable over `run`; the violations come in source order.
/// A run does not know its flow's front matter: callers that want `preview: true` honoured
/// pass `options.for_flow(flow)` (as [`verdict_with`] does).
pub fn check_run_with(run: &Run, options: &CheckOptions) -> Vec<Violation> {
    let mut violations = Vec::new();
    for invariant in INVARIANTS.iter().filter(|i| options.enables(i)) {
        let mut findings = Vec::new();
        (invariant.check)(run, &mut findings);
        for finding in findings {
            let step = run.step(finding.step);
            if !invariant.binds_attackers && !run.is_honest(&step.from) {
                continue;
            }
            violations.push(Violation {
                id: invariant.id,
                severity: finding.severity.unwrap_or(invariant.severity),
                span: step.span,
                message: finding.message,
                label: step.kind.name().replace('_', " "),
                related: finding
                    .related
                    .iter()
                    .map(|(s, what)| (run.step(*s).span, what.clone()))
                    .collect(),
                reference: invariant.reference,
            });
        }
    }
    violations.sort_by(|a, b| (a.span.start, a.id).cmp(&(b.span.start, b.id)));
    violations.dedup();
    violations
}

/// The verdict on one flow file.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// What the invariants found, in source order.
    pub violations: Vec<Violation>,
    /// Messages the model could read two ways (`ambiguous_reading` warnings). They are
    /// about the flow's wording, not the protocol: never in `expect:`, never failing.
    pub notes: Vec<Violation>,
    /// The ids the front matter expects to fire, if it says.
    pub expected: Option<Vec<String>>,
    /// Expected ids that did not fire, and fired ids that were not expected.
    pub missing: Vec<String>,
    /// Ids that fired although the front matter does not expect them.
    pub unexpected: Vec<&'static str>,
    /// Whether the file passes `check`: exactly the expected ids fired, or without an
    /// expectation, no error (nor, with `--deny warnings`, any warning).
    pub passed: bool,
}

impl Verdict {
    /// How many violations are errors.
    pub fn errors(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Error)
            .count()
    }

    /// Whether `violation` is one the file's `expect:` names: shown as expected, not as
    /// a problem, when the file passes.
    pub fn is_expected(&self, violation: &Violation) -> bool {
        self.expected
            .as_ref()
            .is_some_and(|e| e.iter().any(|id| id == violation.id))
    }

    /// How many violations are warnings.
    pub fn warnings(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Warning)
            .count()
    }

    /// What departs from the file's `expect:`, in one clause: the ids expected but not
    /// fired, and those fired but not expected.
    pub fn departures(&self) -> String {
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!(
                "expected but not fired: {}",
                self.missing.join(", ")
            ));
        }
        if !self.unexpected.is_empty() {
            parts.push(format!(
                "fired but not expected: {}",
                self.unexpected.join(", ")
            ));
        }
        parts.join("; ")
    }

    /// One line on how a checked file fared against its expectation (or conformance).
    pub fn status(&self) -> String {
        let counts = format!("{} error(s), {} warning(s)", self.errors(), self.warnings());
        match (&self.expected, self.passed) {
            (None, true) => format!("conformant ({counts})"),
            (None, false) => format!("NOT conformant ({counts})"),
            (Some(expected), true) if expected.is_empty() => {
                format!("ok: nothing fired, as expected ({counts})")
            }
            (Some(expected), true) => {
                format!("ok: fired exactly as expected: {}", expected.join(", "))
            }
            (Some(_), false) => format!("FAILED expectation: {}", self.departures()),
        }
    }
}

/// Judges a run with the stable invariants (and the preview ones if the flow's front
/// matter says `preview: true`): with an expectation the file passes when exactly the
/// expected ids fire; without one it passes when no error fires (no warning either, with
/// `deny_warnings`).
pub fn verdict(flow: &Flow, run: &Run, deny_warnings: bool) -> Verdict {
    verdict_with(flow, run, deny_warnings, &CheckOptions::default())
}

/// [`verdict`] with the invariants `options` enable, or the flow's front matter does.
pub fn verdict_with(
    flow: &Flow,
    run: &Run,
    deny_warnings: bool,
    options: &CheckOptions,
) -> Verdict {
    verdict_at(flow, run, &Levels::deny_warnings(deny_warnings), options)
}

/// [`verdict_with`] under lint levels: findings of ids the file expects are kept as they
/// are (the expectation is the file's own statement); the others are allowed away or take
/// their level's severity before the file is judged.
pub fn verdict_at(flow: &Flow, run: &Run, levels: &Levels, options: &CheckOptions) -> Verdict {
    let violations = check_run_with(run, &options.for_flow(flow));
    judge(flow, violations, ambiguous_readings(run), levels)
}

/// The verdict on `violations` (and `notes` beside it) against the flow's expectation,
/// under `levels`.
fn judge(
    flow: &Flow,
    violations: Vec<Violation>,
    notes: Vec<Violation>,
    levels: &Levels,
) -> Verdict {
    let expected = flow
        .front_matter
        .as_ref()
        .and_then(|f| f.value.expect.clone());
    let is_expected = |id: &str| expected.as_ref().is_some_and(|e| e.iter().any(|x| x == id));
    let (kept, leveled): (Vec<Violation>, Vec<Violation>) =
        violations.into_iter().partition(|v| is_expected(v.id));
    let mut violations = kept;
    violations.extend(levels.apply(leveled));
    violations.sort_by(|a, b| (a.span.start, a.id).cmp(&(b.span.start, b.id)));
    let mut fired: Vec<&'static str> = violations.iter().map(|v| v.id).collect();
    fired.sort_unstable();
    fired.dedup();
    let (missing, unexpected, passed) = match &expected {
        Some(expected) => {
            let missing: Vec<String> = expected
                .iter()
                .filter(|e| !fired.contains(&e.as_str()))
                .cloned()
                .collect();
            let unexpected: Vec<&'static str> = fired
                .iter()
                .copied()
                .filter(|f| !expected.iter().any(|e| e == f))
                .collect();
            let passed = missing.is_empty() && unexpected.is_empty();
            (missing, unexpected, passed)
        }
        None => (
            Vec::new(),
            Vec::new(),
            !violations.iter().any(|v| v.severity == Severity::Error),
        ),
    };
    Verdict {
        violations,
        notes,
        expected,
        missing,
        unexpected,
        passed,
    }
}

/// A warning for every message the evidence left with two readings, naming the `as KIND`
/// that settles it: the model never guesses silently.
pub fn ambiguous_readings(run: &Run) -> Vec<Violation> {
    run.steps
        .iter()
        .filter(|step| !step.reading.ambiguous_with.is_empty())
        .map(|step| {
            let others: Vec<&str> = step.reading.ambiguous_with.iter().map(|k| k.name()).collect();
            Violation {
                id: "ambiguous_reading",
                severity: Severity::Warning,
                span: step.span,
                message: format!(
                    "read as {} ({}), but it could also be {}; write `as {}` or `as {}` to say which",
                    step.kind.prose(),
                    step.reading.reason,
                    others.join(" or "),
                    step.kind.name(),
                    others.join("` or `as "),
                ),
                label: step.kind.prose(),
                related: Vec::new(),
                reference: "how authflow reads a message: see `authflow trace`",
            }
        })
        .collect()
}

/// Checks that every id in `expect:` names an invariant that runs for this file (a
/// preview invariant needs `preview: true` in the front matter), pointing into the front
/// matter.
pub fn validate_expectation(flow: &Flow) -> Vec<Diagnostic> {
    validate_expectation_with(flow, &CheckOptions::default())
}

/// [`validate_expectation`] under `options`: with `preview`, `expect:` may name preview
/// invariants in every file.
pub fn validate_expectation_with(flow: &Flow, options: &CheckOptions) -> Vec<Diagnostic> {
    expectation_problems(flow, INVARIANTS, options)
}

fn expectation_problems(
    flow: &Flow,
    invariants: &[&Invariant],
    options: &CheckOptions,
) -> Vec<Diagnostic> {
    let Some(front) = &flow.front_matter else {
        return Vec::new();
    };
    let Some(expected) = &front.value.expect else {
        return Vec::new();
    };
    let options = options.for_flow(flow);
    // Look for the id after the `expect` key first, so a title that mentions it is skipped.
    let after = front.yaml.find("expect").unwrap_or(0);
    let span_of = |id: &str| {
        let at = front.yaml[after..]
            .find(id)
            .map(|i| after + i)
            .or_else(|| front.yaml.find(id))
            .unwrap_or(0);
        Span::new(front.span.start + at, front.span.start + at + id.len())
    };
    let ids: Vec<&str> = invariants.iter().map(|i| i.id).collect();
    let mut problems = Vec::new();
    for id in expected {
        let span = span_of(id);
        let problem = match invariants.iter().find(|i| i.id == id.as_str()) {
            Some(invariant) if options.enables(invariant) => continue,
            Some(_) => Diagnostic::error(
                format!("`{id}` is a preview invariant; {PREVIEW_HINT}"),
                span,
            )
            .with_label("not run without preview"),
            None => match crate::suggest::hint(id, ids.iter().copied()) {
                Some(hint) => {
                    Diagnostic::error(format!("`{id}` is not an invariant id; {hint}"), span)
                }
                // Without a suggestion, the list of ids is the next best help.
                None => Diagnostic::error(format!("`{id}` is not an invariant id"), span)
                    .with_note(format!("note: invariant ids are {}", ids.join(", "))),
            }
            .with_label("unknown invariant"),
        };
        problems.push(problem);
    }
    problems
}

/// How to turn preview on, for messages about preview invariants.
const PREVIEW_HINT: &str = "enable it with `preview: true` or `--preview`";
