//! A code is redeemable only by the client it was issued to; otherwise a code stolen from
//! one client buys tokens for another.

use super::{Finding, Invariant};
use crate::model::Run;
use crate::syntax::Severity;

pub const INVARIANT: Invariant = Invariant {
    id: "code_bound_to_client",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.3",
    statement: "a code is redeemed only by the client it was issued to",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in &run.redemptions {
        let (Some(code), Some(answer)) = (&redemption.code, &redemption.response) else {
            continue;
        };
        let requested_by = run.step(redemption.request).params.get("client_id");
        if code.client_id.as_deref() == requested_by || !answer.issued() {
            continue;
        }
        findings.push(
            Finding::new(
                answer.step,
                format!(
                    "tokens issued to `{}` for code `{}`, which was issued to `{}` ({})",
                    requested_by.unwrap_or("an unidentified client"),
                    code.value,
                    code.client_id.as_deref().unwrap_or("?"),
                    run.line(code.issued_at)
                ),
            )
            .related(redemption.request, "redeemed here")
            .related(code.issued_at, "code issued here"),
        );
    }
}
