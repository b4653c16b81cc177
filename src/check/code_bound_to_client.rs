//! A code is redeemable only by the client it was issued to; otherwise a code stolen from
//! one client buys tokens for another. A code the AS never issued belongs to no client,
//! so tokens for it break the same rule (RFC 6749 §4.1.3: the AS verifies the code).

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::vocab::Key;
use crate::model::world::ClientType;

pub const INVARIANT: Invariant = Invariant {
    id: "code_bound_to_client",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.3",
    statement: "a code is redeemed only by the client it was issued to (and a code the AS never issued by none)",
    rationale: "RFC 6749 §4.1.3 requires the AS to ensure that a code was issued to the \
        authenticated client that redeems it. Without that binding a code stolen from one \
        client, through a leak or a malicious app, can be redeemed with another client's \
        credentials, and the thief gets tokens for the victim's account. A code the AS never \
        issued belongs to no client, so tokens for it break the same rule.",
    example: r##"
fe -> attacker: "callback URL" as leak
attacker -> auth_server_be: "request token" { client_id: attacker-app, client_secret: attacker-secret }
auth_server_be -> attacker: "access token"   # code-1 was issued to client-1
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    unknown_codes(run, findings);
    for (redemption, code, answer) in run.answered_redemptions() {
        let requested_by = run.step(redemption.request).params.get(Key::ClientId);
        if code.client_id.as_deref() == requested_by {
            continue;
        }
        let params = &run.step(redemption.request).params;
        let authenticated = requested_by
            .and_then(|id| run.world.registration(id))
            .is_some_and(|c| {
                c.client_type == ClientType::Public
                    || (c.secret.is_some() && params.get(Key::ClientSecret) == c.secret.as_deref())
            });
        // A client that also failed to authenticate is rightly told `invalid_client` first.
        let due: &[&str] = if authenticated {
            &["invalid_grant"]
        } else {
            &["invalid_grant", "invalid_client"]
        };
        let problem = format!(
            "code `{}` was issued to `{}` ({}) and `{}` presents it ({})",
            code.value,
            code.client_id.as_deref().unwrap_or("?"),
            run.line(code.issued_at),
            requested_by.unwrap_or("an unidentified client"),
            run.line(redemption.request)
        );
        let Some(finding) = judge_token_answer(answer, &problem, due) else {
            continue;
        };
        findings.push(
            finding
                .related(
                    redemption.request,
                    if answer.issued() {
                        "redeemed here"
                    } else {
                        "presented here"
                    },
                )
                .related(code.issued_at, "code issued here"),
        );
    }
}

/// Code redemptions naming no code the AS issued (or no code at all).
fn unknown_codes(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in &run.redemptions {
        let code_grant = redemption.is_code_grant();
        let (true, None, Some(answer)) = (code_grant, &redemption.code, &redemption.response)
        else {
            continue;
        };
        // A request its sender could not form is `sender_knows`'s finding, not the AS's.
        if run.step(redemption.request).lacks(Key::Code) {
            continue;
        }
        let problem = match run.step(redemption.request).params.get(Key::Code) {
            Some(value) => match run.code(value) {
                Some(elsewhere) => format!(
                    "the token request ({}) presents code `{value}` to `{}`, which never issued it (`{}` did, at {})",
                    run.line(redemption.request),
                    redemption.server,
                    elsewhere.server,
                    run.line(elsewhere.issued_at)
                ),
                None => format!(
                    "the token request ({}) presents code `{value}`, which the AS never issued",
                    run.line(redemption.request)
                ),
            },
            None => format!(
                "the token request ({}) carries no code",
                run.line(redemption.request)
            ),
        };
        // A missing parameter is `invalid_request` (RFC 6749 §5.2); an unknown code
        // `invalid_grant`.
        let due: &[&str] = match run.step(redemption.request).params.get(Key::Code) {
            Some(_) => &["invalid_grant"],
            None => &["invalid_request"],
        };
        if let Some(finding) = judge_token_answer(answer, &problem, due) {
            findings.push(finding.related(redemption.request, "token request here"));
        }
    }
}
