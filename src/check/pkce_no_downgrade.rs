//! A code issued without a challenge must not be redeemed with a verifier: accepting it
//! lets an attacker strip PKCE from the victim's request and still look compliant.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::vocab::Key;

pub const INVARIANT: Invariant = Invariant {
    id: "pkce_no_downgrade",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.1, §4.8.2",
    statement: "a token request carrying a code_verifier is rejected when the code was issued without a challenge",
    rationale: "In a PKCE downgrade the attacker strips code_challenge from the victim's \
        authorization request, so the code is issued without one, and the client's token \
        request still carries its code_verifier (RFC 9700 §4.8.2). An AS that accepts that \
        combination cannot notice the attack. RFC 9700 §2.1.1 therefore requires it to \
        refuse a code_verifier for a code issued without a challenge.",
    example: r##"
fe -> auth_server_be: "redirect" { code_challenge: none, code_challenge_method: none }   # stripped on the way
# login, code and callback as usual
be -> auth_server_be: "request token"   # the client still sends its code_verifier
auth_server_be -> be: "access token"    # code-1 had no challenge
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (redemption, code, answer) in run.answered_redemptions() {
        if code.code_challenge.is_some() {
            continue;
        }
        let Some(verifier) = run.step(redemption.request).params.get(Key::CodeVerifier) else {
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
