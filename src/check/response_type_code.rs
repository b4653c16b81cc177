//! Only the code grant: the implicit grant puts tokens in the URL.

use super::{Finding, Invariant};
use crate::model::Run;
use crate::syntax::Severity;

pub const INVARIANT: Invariant = Invariant {
    id: "response_type_code",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.2",
    statement: "the flow uses response_type=code (no implicit grant)",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for transaction in &run.transactions {
        let problem = match transaction.response_type.as_deref() {
            Some("code") => continue,
            Some(other) => format!("asks for response_type `{other}`"),
            None => "has no response_type".to_string(),
        };
        findings.push(Finding::new(
            transaction.request,
            format!("the authorization request {problem}; only `code` is allowed"),
        ));
    }
}
