//! Judging a [`Run`]: one module per invariant, each with its id, severity, the RFC
//! section it enforces and a check that turns run records into findings. This module
//! only collects findings into violations and compares them with the flow's expectation.

use crate::model::Run;
use crate::model::run::{StepId, TokenAnswer};
use crate::syntax::Flow;
use crate::{Diagnostic, Severity, Span};

mod client_authenticated;
mod code_bound_to_client;
mod code_lifetime;
mod code_single_use;
mod consent_before_code;
mod denied_no_code;
mod no_redirect_to_unregistered;
mod no_token_in_front_channel;
mod pkce_no_downgrade;
mod pkce_required;
mod pkce_verifier_match;
mod redirect_uri_equal;
mod redirect_uri_registered;
mod response_type_code;
mod scope_not_widened;
mod sender_knows;
mod state_match;
mod state_single_use;
mod token_response_to_requester;
mod token_valid_at_rs;

/// A protocol rule the checker enforces.
pub struct Invariant {
    /// Stable identifier, used in `expect:` and in every output format.
    pub id: &'static str,
    /// Severity unless a finding says otherwise.
    pub severity: Severity,
    /// The RFC section(s) the rule comes from.
    pub reference: &'static str,
    /// The rule in one sentence.
    pub statement: &'static str,
    pub check: fn(&Run, &mut Vec<Finding>),
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
    pub fn new(step: StepId, message: impl Into<String>) -> Finding {
        Finding {
            step,
            message: message.into(),
            related: Vec::new(),
            severity: None,
        }
    }

    pub fn related(mut self, step: StepId, what: impl Into<String>) -> Finding {
        self.related.push((step, what.into()));
        self
    }

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
];

pub fn invariant(id: &str) -> Option<&'static Invariant> {
    INVARIANTS.iter().copied().find(|i| i.id == id)
}

/// A finding placed in the source, ready to print.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub id: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    /// Beside the caret: how the model read the message (`token response`), which is
    /// what a reader needs to follow the explanation.
    pub label: String,
    pub related: Vec<(Span, String)>,
    pub reference: &'static str,
}

impl Violation {
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

/// Runs every invariant over `run`, in source order.
pub fn check_run(run: &Run) -> Vec<Violation> {
    let mut violations = Vec::new();
    for invariant in INVARIANTS {
        let mut findings = Vec::new();
        (invariant.check)(run, &mut findings);
        for finding in findings {
            let step = run.step(finding.step);
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
    pub violations: Vec<Violation>,
    /// The ids the front matter expects to fire, if it says.
    pub expected: Option<Vec<String>>,
    /// Expected ids that did not fire, and fired ids that were not expected.
    pub missing: Vec<String>,
    pub unexpected: Vec<&'static str>,
    pub passed: bool,
}

impl Verdict {
    pub fn errors(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Warning)
            .count()
    }
}

/// Judges a run: with an expectation the file passes when exactly the expected ids fire;
/// without one it passes when no error fires (no warning either, with `deny_warnings`).
pub fn verdict(flow: &Flow, run: &Run, deny_warnings: bool) -> Verdict {
    let violations = check_run(run);
    let expected = flow
        .front_matter
        .as_ref()
        .and_then(|f| f.value.expect.clone());
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
        None => {
            let failing = |v: &&Violation| v.severity == Severity::Error || deny_warnings;
            (
                Vec::new(),
                Vec::new(),
                !violations.iter().any(|v| failing(&v)),
            )
        }
    };
    Verdict {
        violations,
        expected,
        missing,
        unexpected,
        passed,
    }
}

/// Checks that every id in `expect:` names an invariant, pointing into the front matter.
pub fn validate_expectation(flow: &Flow) -> Vec<Diagnostic> {
    let Some(front) = &flow.front_matter else {
        return Vec::new();
    };
    let Some(expected) = &front.value.expect else {
        return Vec::new();
    };
    expected
        .iter()
        .filter(|id| invariant(id).is_none())
        .map(|id| {
            let at = front.yaml.find(id.as_str()).unwrap_or(0);
            let span = Span::new(front.span.start + at, front.span.start + at + id.len());
            let ids: Vec<&str> = INVARIANTS.iter().map(|i| i.id).collect();
            Diagnostic::error(format!("`{id}` is not an invariant id"), span)
                .with_label("unknown invariant")
                .with_note(format!("note: invariant ids are {}", ids.join(", ")))
        })
        .collect()
}
