//! Codes are short-lived so that a leaked one is soon worthless.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::world::format_duration;

pub const INVARIANT: Invariant = Invariant {
    id: "code_lifetime",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.2",
    statement: "a code older than its lifetime (default 10 min) is rejected",
    rationale: "RFC 6749 §4.1.2 requires a code to expire shortly after it is issued and recommends \
        a lifetime of at most 10 minutes. The short lifetime bounds the window in which a \
        leaked code (from logs, history or a Referer header) can still be redeemed. The \
        front matter's `code_lifetime` sets the limit; a late redemption must get \
        `invalid_grant`.",
    example: r##"
auth_server_be -> fe: "code"
fe -> be: ""
wait 11m
be -> auth_server_be: "request token"
auth_server_be -> be: "access token"   # code-1 is 11m old; it lives 10m
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    let lifetime = run.world.code_lifetime;
    for (redemption, code, answer) in run.answered_redemptions() {
        let Some(age) = answer.code_age else { continue };
        if age <= lifetime {
            continue;
        }
        let problem = format!(
            "code `{}` is {} old (issued at {}) and expired after {}",
            code.value,
            format_duration(age),
            run.line(code.issued_at),
            format_duration(lifetime)
        );
        let Some(finding) = judge_token_answer(answer, &problem, &["invalid_grant"]) else {
            continue;
        };
        findings.push(
            finding
                .related(code.issued_at, "code issued here")
                .related(redemption.request, "token request here"),
        );
    }
}
