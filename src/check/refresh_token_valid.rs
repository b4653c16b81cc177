//! A refresh token is a long-lived credential bound to the client it was issued to; the AS
//! must check every refresh grant against it, or a stolen, revoked or made-up refresh
//! token buys fresh access tokens.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::step::StepKind;
use crate::model::vocab::Key;

pub const INVARIANT: Invariant = Invariant {
    id: "refresh_token_valid",
    severity: Severity::Error,
    reference: "RFC 6749 §6, §10.4; RFC 7009 §2.1; RFC 9700 §4.14.2",
    statement: "a refresh grant gets tokens only with a refresh token this AS issued to this client and has not revoked or rotated",
    rationale: "RFC 6749 §6 has the AS validate the refresh token and check that it was issued to \
        the authenticated client; §10.4 makes refresh tokens bound to their client so a leaked \
        one is useless to anyone else. RFC 7009 §2.1 makes a revoked refresh token (and the \
        access tokens of its grant) invalid at once. A public client's refresh token is \
        rotated (RFC 9700 §4.14.2): once a new one is issued, the old one is spent. A correct \
        AS answers `invalid_grant`, or \
        `invalid_request` when the request has no refresh_token at all.",
    example: r##"
be -> auth_server_be: "POST /revoke" { token: refresh-1 }
auth_server_be -> be: "200"
be -> auth_server_be: "refresh" { grant_type: refresh_token, refresh_token: refresh-1 }
auth_server_be -> be: "new access token"   # refresh-1 was revoked
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in run.redemptions.iter().filter(|r| !r.is_code_grant()) {
        let Some(answer) = &redemption.response else {
            continue;
        };
        let request = run.step(redemption.request);
        let client_id = request.params.get(Key::ClientId);
        let (problem, due, related) = match &redemption.refresh_token {
            // A client that could not form the request is `sender_knows`'s finding.
            None if request.lacks(Key::RefreshToken) => continue,
            None => (
                format!(
                    "the refresh grant ({}) carries no refresh_token",
                    run.line(redemption.request)
                ),
                "invalid_request",
                None,
            ),
            Some(value) => match run.refresh_token(value) {
                None => (
                    format!(
                        "the refresh grant ({}) presents `{value}`, which no AS ever issued",
                        run.line(redemption.request)
                    ),
                    "invalid_grant",
                    None,
                ),
                Some(refresh) if refresh.server != redemption.server => (
                    format!(
                        "the refresh grant ({}) presents `{value}`, which `{}` issued, not `{}`",
                        run.line(redemption.request),
                        refresh.server,
                        redemption.server
                    ),
                    "invalid_grant",
                    Some((refresh.issued_at, "issued here, by another AS")),
                ),
                Some(refresh) if refresh.client_id.as_deref() != client_id => (
                    format!(
                        "the refresh grant ({}) of `{}` presents `{value}`, which was issued to `{}`",
                        run.line(redemption.request),
                        client_id.unwrap_or("an unidentified client"),
                        refresh.client_id.as_deref().unwrap_or("?")
                    ),
                    "invalid_grant",
                    Some((refresh.issued_at, "issued here, to another client")),
                ),
                Some(refresh) => match refresh.revoked_at.filter(|&at| at < redemption.request) {
                    Some(revoked) => {
                        // Spent by rotation when a token response replaced it.
                        let (how, mark) = if run.step(revoked).kind == StepKind::TokenResponse {
                            (
                                format!(
                                    "which the AS replaced with a new refresh token at {}: a public client's refresh token is rotated, and the old one is spent (RFC 9700 §4.14.2)",
                                    run.line(revoked)
                                ),
                                "rotated here",
                            )
                        } else {
                            (
                                format!("which was revoked at {}", run.line(revoked)),
                                "revoked here",
                            )
                        };
                        (
                            format!(
                                "the refresh grant ({}) presents `{value}`, {how}",
                                run.line(redemption.request)
                            ),
                            "invalid_grant",
                            Some((revoked, mark)),
                        )
                    }
                    None => continue,
                },
            },
        };
        let Some(mut finding) = judge_token_answer(answer, &problem, &[due]) else {
            continue;
        };
        finding = finding.related(redemption.request, "refresh grant here");
        if let Some((step, what)) = related {
            finding = finding.related(step, what);
        }
        findings.push(finding);
    }
}
