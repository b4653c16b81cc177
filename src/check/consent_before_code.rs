//! A code stands for the user's authenticated consent; issuing one before the user logged
//! in and agreed hands out access nobody granted.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "consent_before_code",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.1–4.1.2",
    statement: "a code is issued only after the user authenticated and consented to this request",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for response in &run.authorization_responses {
        let Some(code) = &response.code else { continue };
        let Some(transaction) = response.transaction.map(|t| &run.transactions[t]) else {
            continue;
        };
        // A denial is `denied_no_code`'s concern.
        if transaction.consent().is_some() || transaction.denied_at.is_some() {
            continue;
        }
        let (why, related) = match (transaction.consent_page_at, transaction.logins.last()) {
            (Some(page), _) if transaction.authenticated() => (
                format!(
                    "the user logged in but never approved the consent page ({})",
                    run.line(page)
                ),
                Some((page, "consent asked here")),
            ),
            (_, Some(login)) => (
                format!("the last login attempt ({}) failed", run.line(login.step)),
                Some((login.step, "failed login here")),
            ),
            (_, None) => ("the user never logged in".to_string(), None),
        };
        let mut finding = Finding::new(
            response.step,
            format!(
                "code `{code}` issued for the request of {} although {why}",
                run.line(transaction.request)
            ),
        )
        .related(transaction.request, "authorization request here");
        if let Some((step, what)) = related {
            finding = finding.related(step, what);
        }
        findings.push(finding);
    }
}
