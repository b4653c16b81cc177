//! A code buys tokens once: a second redemption must get `invalid_grant` (and the tokens
//! of the first should be revoked), or a leaked code is as good as a password.

use rustc_hash::FxHashSet as HashSet;

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;
use crate::model::run::StepId;

pub const INVARIANT: Invariant = Invariant {
    id: "code_single_use",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.2, §10.5",
    statement: "a code is redeemed at most once; a second redemption gets invalid_grant",
    rationale: "An authorization code travels through the browser, so it can leak through history, \
        logs or a Referer header. RFC 6749 §4.1.2 makes it single-use: a second redemption \
        must be refused with `invalid_grant`, and the AS should revoke the tokens already \
        issued for it (§10.5). A copied code is then worth nothing to whoever replays it, \
        and the replay is noticed.",
    example: r##"
be -> auth_server_be: "request token"
auth_server_be -> be: "access token"
be -> auth_server_be: "request token"   # code-1 again
auth_server_be -> be: "access token"    # a second set of tokens for one code
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    // Token requests that bought tokens, by the step that made them.
    let bought: HashSet<StepId> = run
        .redemptions
        .iter()
        .filter(|r| r.response.as_ref().is_some_and(|a| a.issued()))
        .map(|r| r.request)
        .collect();
    for redemption in &run.redemptions {
        // Only a redemption that bought tokens used the code up: an attempt the AS refused
        // (another client's, a wrong verifier) redeemed nothing.
        let first = redemption
            .earlier
            .iter()
            .copied()
            .find(|earlier| bought.contains(earlier));
        let (Some(code), Some(first)) = (&redemption.code, first) else {
            continue;
        };
        let Some(answer) = &redemption.response else {
            continue;
        };
        let mut problem = format!(
            "code `{}` was already redeemed at {}",
            code.value,
            run.line(first)
        );
        // A replay by someone else is easier to follow when the code's way there is shown.
        let first_requester = &run.step(first).from;
        if *first_requester != redemption.requester
            && let Some(trail) = run.trail(&code.value, redemption.request)
        {
            problem.push_str(&format!(
                " and reached `{}` along {trail}",
                redemption.requester
            ));
        }
        let Some(finding) = judge_token_answer(answer, &problem, &["invalid_grant"]) else {
            continue;
        };
        findings.push(
            finding
                .related(first, "first redemption here")
                .related(redemption.request, "redeemed again here"),
        );
    }
}
