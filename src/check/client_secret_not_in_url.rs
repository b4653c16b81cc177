//! Client credentials travel in the Authorization header or the request body, never in a
//! URL: a URL ends up in server logs, proxies and browser history, and a client secret
//! there is a client secret shared with everyone who reads them.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;
use crate::model::vocab::{Key, Location};

pub const INVARIANT: Invariant = Invariant {
    id: "client_secret_not_in_url",
    severity: Severity::Error,
    reference: "RFC 6749 §2.3.1",
    statement: "a client secret travels in the Authorization header or the request body, never in a URL",
    rationale: "RFC 6749 §2.3.1 lets a confidential client authenticate with HTTP Basic or, \
        where it cannot, with `client_id` and `client_secret` in the request body, and \
        says the parameters MUST NOT be included in the request URI. URLs are written to \
        access logs, kept by proxies and shown in browser history: a secret in one is no \
        secret, and anyone who reads it can redeem the client's codes and refresh tokens \
        in its name.",
    example: r##"
be -> auth_server_be: "POST /token?client_id=client-1&client_secret=secret-1"   # the secret in the URL
"##,
    status: super::Status::Preview,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (id, step) in run.steps.iter().enumerate() {
        let Some(secret) = step.params.carried(Key::ClientSecret) else {
            continue;
        };
        let how = match secret.location {
            Location::Query => "in the query string",
            Location::Fragment => "in the fragment",
            _ => continue,
        };
        findings.push(Finding::new(
            id,
            format!(
                "`{}` sends its client secret `{}` {how} of the URL of {}: client credentials go in the Authorization header (HTTP Basic) or the request body",
                step.from,
                secret.value,
                step.kind.with_article(),
            ),
        ));
    }
}
