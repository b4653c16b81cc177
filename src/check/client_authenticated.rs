//! A confidential client proves who it is at the token endpoint; without that, anyone
//! holding a code could redeem it in the client's name.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::vocab::Key;
use crate::model::world::ClientType;

pub const INVARIANT: Invariant = Invariant {
    id: "client_authenticated",
    severity: Severity::Error,
    reference: "RFC 6749 §2.3, §4.1.3",
    statement: "a confidential client authenticates at the token endpoint",
    rationale: "A confidential client has credentials, and RFC 6749 §4.1.3 requires the AS to \
        authenticate it at the token endpoint (§2.3 says how). That is what makes a leaked \
        code useless on its own: without it anyone holding the code can redeem it in the \
        client's name. A token request with no secret or the wrong one must get \
        `invalid_client`.",
    example: r##"
be -> auth_server_be: "request token" { client_secret: none }
auth_server_be -> be: "access token"   # the AS never checked who was asking
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in &run.redemptions {
        let Some(answer) = &redemption.response else {
            continue;
        };
        let params = &run.step(redemption.request).params;
        let Some(client_id) = params.get(Key::ClientId) else {
            continue;
        };
        let Some(client) = run.world.registration(client_id) else {
            continue;
        };
        if client.client_type != ClientType::Confidential {
            continue;
        }
        let sent = params.get(Key::ClientSecret);
        if sent.is_some() && sent == client.secret.as_deref() {
            continue;
        }
        let problem = match sent {
            None => "carried no client secret".to_string(),
            Some(secret) => format!("carried the wrong secret `{secret}`"),
        };
        let problem = format!(
            "the token request ({}) of confidential client `{client_id}` {problem}",
            run.line(redemption.request)
        );
        let Some(finding) = judge_token_answer(answer, &problem, &["invalid_client"]) else {
            continue;
        };
        findings.push(finding.related(redemption.request, "token request here"));
    }
}
