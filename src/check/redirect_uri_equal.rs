//! The token request repeats the authorization request's redirect_uri exactly, so a code
//! stolen through a manipulated redirect cannot be redeemed.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "redirect_uri_equal",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.3",
    statement: "the token request's redirect_uri is identical to the authorization request's",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (redemption, code, answer) in run.answered_redemptions() {
        let Some(authorized) = &code.redirect_uri else {
            continue;
        };
        let sent = run.step(redemption.request).params.get("redirect_uri");
        if sent == Some(authorized.as_str()) {
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
        let Some(finding) = judge_token_answer(answer, &problem, &["invalid_grant"]) else {
            continue;
        };
        findings.push(
            finding
                .related(redemption.request, "token request here")
                .related(request, "authorized redirect_uri here"),
        );
    }
}
