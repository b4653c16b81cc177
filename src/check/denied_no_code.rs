//! When the user says no, the client gets `error=access_denied` and nothing it could
//! exchange for tokens.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "denied_no_code",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.2.1",
    statement: "if the user denies, the response carries error=access_denied and no code",
    rationale: "When the user refuses, RFC 6749 §4.1.2.1 has the AS redirect back with \
        `error=access_denied`. A response that still carries a code gives the client, or \
        anyone who sees the redirect, something to exchange for the access the user refused. \
        Another error code hides the user's decision from the client.",
    example: r##"
auth_server_fe -> auth_server_be: "deny"
auth_server_be -> fe: "code" { code: code-1, error: none }   # a code despite the denial
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for response in &run.authorization_responses {
        let Some(transaction) = response.transaction.map(|t| &run.transactions[t]) else {
            continue;
        };
        let Some(denied) = transaction.denied_at else {
            continue;
        };
        let problem = match (&response.code, response.error.as_deref()) {
            (Some(code), _) => format!("carries code `{code}`"),
            (None, Some("access_denied")) => continue,
            (None, Some(other)) => {
                format!("carries `error={other}` instead of `error=access_denied`")
            }
            (None, None) => "carries no `error=access_denied`".to_string(),
        };
        findings.push(
            Finding::new(
                response.step,
                format!(
                    "the user denied at {}, but the authorization response {problem}",
                    run.line(denied)
                ),
            )
            .related(denied, "user denied here"),
        );
    }
}
