//! Access never grows along the way: the user consents to at most what was requested, and
//! the tokens carry at most what the user consented to.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "scope_not_widened",
    severity: Severity::Error,
    reference: "RFC 6749 §3.3",
    statement: "granted scope ⊆ consented scope ⊆ requested scope",
    check,
};

fn extra<'a>(wider: &'a [String], narrower: &[String]) -> Vec<&'a str> {
    wider
        .iter()
        .filter(|s| !narrower.contains(s))
        .map(String::as_str)
        .collect()
}

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for transaction in &run.transactions {
        for login in transaction.logins.iter().filter(|l| l.authenticated) {
            let added = extra(&login.scope, &transaction.scope);
            if !added.is_empty() {
                findings.push(
                    Finding::new(
                        login.step,
                        format!(
                            "the consent given here covers `{}` beyond the `{}` requested at {}",
                            added.join(" "),
                            transaction.scope.join(" "),
                            run.line(transaction.request)
                        ),
                    )
                    .related(transaction.request, "requested scope here"),
                );
            }
        }
    }
    for (_, code, answer) in run.answered_redemptions() {
        if !answer.issued() {
            continue;
        }
        let added = extra(&answer.scope, &code.scope);
        if !added.is_empty() {
            let mut finding = Finding::new(
                answer.step,
                format!(
                    "the token response grants `{}` beyond the `{}` consented to for code `{}` (issued at {})",
                    added.join(" "),
                    code.scope.join(" "),
                    code.value,
                    run.line(code.issued_at)
                ),
            );
            if let Some(consent) = run.transactions[code.transaction].consent() {
                finding = finding.related(consent.step, "consent given here");
            }
            findings.push(finding.related(code.issued_at, "code issued here"));
        }
    }
}
