//! The token request repeats the authorization request's redirect_uri exactly, so a code
//! stolen through a manipulated redirect cannot be redeemed.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::vocab::Key;

pub const INVARIANT: Invariant = Invariant {
    id: "redirect_uri_equal",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.3",
    statement: "the token request's redirect_uri is identical to the authorization request's",
    rationale: "When the authorization request named a redirect_uri, RFC 6749 §4.1.3 requires the \
        token request to repeat it and the AS to compare the two. This binds the code to the \
        place it was delivered: a code an attacker had sent to a redirect URI of its \
        choosing cannot then be redeemed as though it had reached the legitimate client. A \
        mismatch must get `invalid_grant`.",
    example: r##"
fe -> auth_server_be: "redirect"   # redirect_uri https://client.example/callback
# login, code and callback as usual
be -> auth_server_be: "request token" { redirect_uri: "https://evil.example/cb" }
auth_server_be -> be: "access token"   # issued although the redirect_uri differs
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (redemption, code, answer) in run.answered_redemptions() {
        let Some(authorized) = &code.redirect_uri else {
            continue;
        };
        let sent = run.step(redemption.request).params.get(Key::RedirectUri);
        if sent == Some(&**authorized) {
            continue;
        }
        let sent = sent.map_or("no redirect_uri".to_string(), |s| {
            format!("redirect_uri `{s}`")
        });
        let request = run.transactions[code.transaction].request;
        let problem = format!(
            "the token request ({}) sent {sent} and code `{}` was issued for `{authorized}` ({})",
            run.line(redemption.request),
            code.value,
            run.line(request)
        );
        // A redirect_uri left out is a missing parameter, `invalid_request` (RFC 6749
        // §5.2); one that differs is `invalid_grant`.
        let due: &[&str] = if run
            .step(redemption.request)
            .params
            .get(Key::RedirectUri)
            .is_none()
        {
            &["invalid_request", "invalid_grant"]
        } else {
            &["invalid_grant"]
        };
        let Some(finding) = judge_token_answer(answer, &problem, due) else {
            continue;
        };
        findings.push(
            finding
                .related(redemption.request, "token request here")
                .related(request, "authorized redirect_uri here"),
        );
    }
}
