//! Only the code grant: the implicit grant puts tokens in the URL.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "response_type_code",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.2",
    statement: "the flow uses response_type=code (no implicit grant)",
    rationale: "The implicit grant (`response_type=token`) returns the access token in the redirect, \
        where it leaks through history, Referer headers and injected scripts and cannot be \
        bound to the client. RFC 9700 §2.1.2 says clients should not use it, nor any \
        response type that issues tokens in the authorization response, and use the code \
        grant instead. An AS that goes on with such a request, instead of answering \
        `unsupported_response_type`, keeps the hole open.",
    example: r##"
fe -> auth_server_be: "redirect" { response_type: token }
auth_server_be -> auth_server_fe: "redirect"   # the AS goes on with the implicit grant
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for transaction in &run.transactions {
        // Refusing (`unsupported_response_type`) is what a correct AS does.
        let Some(continued) = transaction.continued_at else {
            continue;
        };
        // A missing parameter is `invalid_request`; one the AS does not support is
        // `unsupported_response_type` (RFC 6749 §4.1.2.1).
        let (problem, due) = match transaction.response_type.as_deref() {
            Some("code") => continue,
            Some(other) => (
                format!("asks for response_type `{other}`"),
                "unsupported_response_type",
            ),
            None => ("has no response_type".to_string(), "invalid_request"),
        };
        findings.push(
            Finding::new(
                continued,
                format!(
                    "the AS goes on with the authorization request of {}, which {problem}; only `code` is allowed (a correct AS answers `{due}`)",
                    run.line(transaction.request)
                ),
            )
            .related(transaction.request, "authorization request here"),
        );
    }
}
