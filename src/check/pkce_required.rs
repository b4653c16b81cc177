//! Every authorization request should carry an S256 code_challenge: it is what stops code
//! injection. Public clients have nothing else, so for them it is an error; for
//! confidential clients current best practice still asks for it.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;
use crate::model::role::Role;
use crate::model::world::{ClientType, PkcePolicy};

pub const INVARIANT: Invariant = Invariant {
    id: "pkce_required",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.1",
    statement: "the authorization request carries an S256 code_challenge (error for public clients, warning otherwise)",
    rationale: "RFC 9700 §2.1.1 requires public clients to use PKCE and recommends it for \
        confidential ones, with the S256 method: it is the defence against authorization \
        code interception and injection. A public client has no secret, so without PKCE a \
        stolen code is all an attacker needs, which makes a missing challenge an error. For \
        a confidential client it is a warning, unless the AS requires PKCE (`pkce: \
        required`) and goes on anyway.",
    example: r##"
---
client: { type: public }
---
fe -> auth_server_be: "redirect"   # a public client without code_challenge
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for transaction in &run.transactions {
        // An attacker's own request, or one it wrote into a link a browser followed, is not
        // the client's conformance problem, and a request
        // the AS refused (`invalid_request`) was handled correctly.
        if run.step(transaction.request).from_role == Role::Attacker
            || transaction.crafted
            || transaction.refused_at.is_some()
        {
            continue;
        }
        let problem = match (
            &transaction.code_challenge,
            transaction.code_challenge_method.as_deref(),
        ) {
            (None, _) => "carries no code_challenge",
            (Some(_), Some("S256")) => continue,
            (Some(_), Some("plain")) => "uses code_challenge_method `plain` instead of `S256`",
            (Some(_), _) => "carries a code_challenge without `code_challenge_method=S256`",
        };
        let client = transaction
            .client_id
            .as_deref()
            .and_then(|id| run.world.registration(id));
        let public = client.is_some_and(|c| c.client_type == ClientType::Public);
        let required = run.world.pkce == PkcePolicy::Required;
        let demanded = public || required;
        let who = if public { "public client" } else { "client" };
        // An AS that requires PKCE and still goes on departs too: say what it should answer.
        let enforced = match transaction.continued_at {
            Some(_) if required => {
                "; the AS requires PKCE and should have answered `invalid_request`"
            }
            _ => "",
        };
        let mut finding = Finding::new(
            transaction.request,
            format!(
                "the authorization request of {who} `{}` {problem}{enforced}",
                transaction.client_id.as_deref().unwrap_or("?")
            ),
        );
        if let Some(continued) = transaction.continued_at.filter(|_| required) {
            finding = finding.related(continued, "the AS goes on here");
        }
        if !demanded {
            finding = finding.severity(Severity::Warning);
        }
        findings.push(finding);
    }
}
