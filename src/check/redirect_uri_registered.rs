//! The AS goes on with an authorization request only if its redirect_uri exactly matches
//! one registered for the client (no prefix or pattern matching), so codes are only ever
//! delivered where the client said they may go.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "redirect_uri_registered",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1, §4.1; RFC 6749 §3.1.2; RFC 8252 §7.3",
    statement: "the authorization request's redirect_uri exactly matches a registered one (a native app's loopback port aside)",
    rationale: "The AS sends the code to the redirect_uri the request names, so that URI must be one \
        the client registered, compared as an exact string (RFC 6749 §3.1.2, RFC 9700 §2.1). \
        Prefix and pattern matching have repeatedly let attackers use look-alike hosts or \
        paths such as `https://client.example.evil.example/cb` and receive victims' codes \
        (RFC 9700 §4.1). An AS that goes on to the login page with an unregistered URI is \
        about to deliver a code to whoever chose it. The one exception is the port of an \
        `http` loopback URI, which a native app picks when it starts (RFC 8252 §7.3).",
    example: r##"
fe -> auth_server_be: "redirect" { redirect_uri: "https://client.example.evil.example/cb" }
auth_server_be -> auth_server_fe: "redirect"   # the AS goes on instead of showing an error page
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for transaction in &run.transactions {
        let Some(continued) = transaction.continued_at else {
            continue;
        };
        let Some(client_id) = &transaction.client_id else {
            continue;
        };
        let Some(client) = run.world.registration(client_id) else {
            continue;
        };
        let Some(uri) = &transaction.redirect_uri else {
            continue;
        };
        if client.allows_redirect_uri(uri) {
            continue;
        }
        findings.push(
            Finding::new(
                continued,
                format!(
                    "the AS goes on with the request of {} although its redirect_uri `{uri}` is not registered for `{client_id}` (registered: {})",
                    run.line(transaction.request),
                    client.redirect_uris.join(", ")
                ),
            )
            .related(transaction.request, "unregistered redirect_uri requested here"),
        );
    }
}
