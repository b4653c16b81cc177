//! With PKCE the code is only redeemable by whoever holds the verifier behind the
//! challenge; the AS recomputes S256 and compares, so a stolen or injected code is useless.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::vocab::Key;
use crate::model::{Run, s256};

pub const INVARIANT: Invariant = Invariant {
    id: "pkce_verifier_match",
    severity: Severity::Error,
    reference: "RFC 7636 §4.6",
    statement: "when a code_challenge was sent, the token request's code_verifier must match it",
    rationale: "With PKCE the client sends the S256 hash of a secret verifier in the authorization \
        request, and RFC 7636 §4.6 has the AS hash the token request's code_verifier and \
        compare. That comparison makes an intercepted or injected code useless: only the \
        client session that created the challenge knows the verifier. An AS that skips it \
        accepts a stolen code from anyone (authorization code injection, RFC 9700 §4.5).",
    example: r##"
be -> auth_server_be: "request token" { code_verifier: "not-the-verifier-of-this-session-0123456789ab" }
auth_server_be -> be: "access token"   # the verifier does not hash to code-1's challenge
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (redemption, code, answer) in run.answered_redemptions() {
        let Some(challenge) = &code.code_challenge else {
            continue;
        };
        let verifier = run.step(redemption.request).params.get(Key::CodeVerifier);
        // Without a method the challenge is the verifier itself (RFC 7636 §4.3: the
        // method defaults to `plain`).
        let plain = matches!(code.code_challenge_method.as_deref(), None | Some("plain"));
        let request = run.transactions[code.transaction].request;
        let problem = match verifier {
            None => format!(
                "carries no code_verifier for the challenge `{challenge}` sent at {}",
                run.line(request)
            ),
            Some(v) if plain => {
                if *v == **challenge {
                    continue;
                }
                format!(
                    "carries code_verifier `{v}`, not the plain challenge `{challenge}` sent at {}",
                    run.line(request)
                )
            }
            Some(v) => {
                let computed = s256(v);
                if *computed == **challenge {
                    continue;
                }
                format!(
                    "carries code_verifier `{v}`, whose S256 is `{computed}`, not the challenge `{challenge}` sent at {}",
                    run.line(request)
                )
            }
        };
        let problem = format!(
            "the token request ({}) for code `{}` {problem}",
            run.line(redemption.request),
            code.value
        );
        let Some(finding) = judge_token_answer(answer, &problem, &["invalid_grant"]) else {
            continue;
        };
        findings.push(
            finding
                .related(redemption.request, "token request here")
                .related(request, "code_challenge sent here"),
        );
    }
}
