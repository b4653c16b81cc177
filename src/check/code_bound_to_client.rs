//! A code is redeemable only by the client it was issued to; otherwise a code stolen from
//! one client buys tokens for another. A code the AS never issued belongs to no client,
//! so tokens for it break the same rule (RFC 6749 §4.1.3: the AS verifies the code).

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::world::ClientType;

pub const INVARIANT: Invariant = Invariant {
    id: "code_bound_to_client",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.3",
    statement: "a code is redeemed only by the client it was issued to (and a code the AS never issued by none)",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    unknown_codes(run, findings);
    for (redemption, code, answer) in run.answered_redemptions() {
        let requested_by = run.step(redemption.request).params.get("client_id");
        if code.client_id.as_deref() == requested_by {
            continue;
        }
        let params = &run.step(redemption.request).params;
        let authenticated = requested_by
            .and_then(|id| run.world.registration(id))
            .is_some_and(|c| {
                c.client_type == ClientType::Public
                    || (c.secret.is_some() && params.get("client_secret") == c.secret.as_deref())
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
        let code_grant = matches!(
            redemption.grant_type.as_deref(),
            None | Some("authorization_code")
        );
        let (true, None, Some(answer)) = (code_grant, &redemption.code, &redemption.response)
        else {
            continue;
        };
        let problem = match run.step(redemption.request).params.get("code") {
            Some(value) => format!(
                "the token request ({}) presents code `{value}`, which the AS never issued",
                run.line(redemption.request)
            ),
            None => format!(
                "the token request ({}) carries no code",
                run.line(redemption.request)
            ),
        };
        let due: &[&str] = &["invalid_grant", "invalid_request"];
        if let Some(finding) = judge_token_answer(answer, &problem, due) {
            findings.push(finding.related(redemption.request, "token request here"));
        }
    }
}
