//! With an unknown client or an unregistered redirect_uri the AS must show an error page:
//! redirecting, even with an error, would make it an open redirector for attackers.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "no_redirect_to_unregistered",
    severity: Severity::Error,
    reference: "RFC 6749 §3.1.2.4, §4.1.2.1",
    statement: "an authorization request with an unknown client_id or unregistered redirect_uri gets an error page, never a redirect",
    rationale: "If the client_id is unknown or the redirect_uri not registered, RFC 6749 §3.1.2.4 \
        and §4.1.2.1 have the AS tell the user and forbid it to redirect to the invalid URI. \
        Redirecting, even with nothing but an error, makes the AS an open redirector that \
        lends its trusted origin to phishing pages (§10.15). The answer is an error page.",
    example: r##"
fe -> auth_server_be: "redirect" { redirect_uri: "https://evil.example/cb" }
auth_server_be -> fe: "redirect to https://evil.example/cb with error=invalid_request"   # an error page was due
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
        let Some(client_id) = transaction.client_id.as_deref() else {
            findings.push(
                Finding::new(
                    response.step,
                    format!(
                        "the AS answers the request of {} with a redirect although it names no client_id, so no redirect_uri can be trusted; it must show an error page (`invalid_request`) instead",
                        run.line(transaction.request)
                    ),
                )
                .related(transaction.request, "request here"),
            );
            continue;
        };
        let problem = match run.world.registration(client_id) {
            None => format!("client_id `{client_id}` is not registered"),
            Some(client) => match &transaction.redirect_uri {
                Some(uri) if !client.allows_redirect_uri(uri) => {
                    format!("redirect_uri `{uri}` is not registered for `{client_id}`")
                }
                _ => continue,
            },
        };
        let what = if response.error.is_some() {
            "an error redirect"
        } else {
            "a redirect"
        };
        findings.push(
            Finding::new(
                response.step,
                format!("the AS answers the request of {} with {what} although its {problem}; it must show an error page instead", run.line(transaction.request)),
            )
            .related(transaction.request, "request here"),
        );
    }
}
