//! A code issued without a challenge must not be redeemed with a verifier: accepting it
//! lets an attacker strip PKCE from the victim's request and still look compliant.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "pkce_no_downgrade",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.1, §4.8.2",
    statement: "a token request carrying a code_verifier is rejected when the code was issued without a challenge",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (redemption, code, answer) in run.answered_redemptions() {
        if code.code_challenge.is_some() {
            continue;
        }
        let Some(verifier) = run.step(redemption.request).params.get("code_verifier") else {
            continue;
        };
        let request = run.transactions[code.transaction].request;
        let problem = format!(
            "the token request ({}) sent code_verifier `{verifier}` for code `{}`, whose authorization request ({}) had no code_challenge",
            run.line(redemption.request),
            code.value,
            run.line(request)
        );
        let Some(finding) = judge_token_answer(answer, &problem, &["invalid_grant"]) else {
            continue;
        };
        findings.push(
            finding
                .related(request, "no challenge here")
                .related(redemption.request, "verifier sent here"),
        );
    }
}
