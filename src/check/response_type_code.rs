//! Only the code grant: the implicit grant puts tokens in the URL.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "response_type_code",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.2",
    statement: "the flow uses response_type=code (no implicit grant)",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for transaction in &run.transactions {
        // Refusing (`unsupported_response_type`) is what a correct AS does.
        let Some(continued) = transaction.continued_at else {
            continue;
        };
        let problem = match transaction.response_type.as_deref() {
            Some("code") => continue,
            Some(other) => format!("asks for response_type `{other}`"),
            None => "has no response_type".to_string(),
        };
        findings.push(
            Finding::new(
                continued,
                format!(
                    "the AS goes on with the authorization request of {}, which {problem}; only `code` is allowed (a correct AS answers `unsupported_response_type`)",
                    run.line(transaction.request)
                ),
            )
            .related(transaction.request, "authorization request here"),
        );
    }
}
