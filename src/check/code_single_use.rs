//! A code buys tokens once: a second redemption must get `invalid_grant` (and the tokens
//! of the first should be revoked), or a leaked code is as good as a password.

use super::{Finding, Invariant, judge_token_answer};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "code_single_use",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.2, §10.5",
    statement: "a code is redeemed at most once; a second redemption gets invalid_grant",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in &run.redemptions {
        // Only a redemption that bought tokens used the code up: an attempt the AS refused
        // (another client's, a wrong verifier) redeemed nothing.
        let first = redemption.earlier.iter().copied().find(|&earlier| {
            run.redemptions
                .iter()
                .any(|r| r.request == earlier && r.response.as_ref().is_some_and(|a| a.issued()))
        });
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
        let first_requester = run.step(first).from.as_str();
        if first_requester != redemption.requester
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
