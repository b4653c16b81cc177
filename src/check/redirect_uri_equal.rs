//! The token request repeats the authorization request's redirect_uri exactly, so a code
//! stolen through a manipulated redirect cannot be redeemed.

use super::{Finding, Invariant};
use crate::model::Run;
use crate::syntax::Severity;

pub const INVARIANT: Invariant = Invariant {
    id: "redirect_uri_equal",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.3",
    statement: "the token request's redirect_uri is identical to the authorization request's",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in &run.redemptions {
        let (Some(code), Some(answer)) = (&redemption.code, &redemption.response) else {
            continue;
        };
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
        let finding = if answer.issued() {
            Finding::new(
                answer.step,
                format!(
                    "tokens issued for code `{}` although the token request ({}) sent {sent} and the code was issued for `{authorized}` ({})",
                    code.value,
                    run.line(redemption.request),
                    run.line(request)
                ),
            )
        } else if answer.error.as_deref() != Some("invalid_grant") {
            Finding::new(
                answer.step,
                format!(
                    "the token request ({}) sent {sent} for code `{}`, issued for `{authorized}` ({}), and is refused with `{}`; a correct AS answers `invalid_grant`",
                    run.line(redemption.request),
                    code.value,
                    run.line(request),
                    answer.error.as_deref().unwrap_or("?")
                ),
            )
            .severity(Severity::Warning)
        } else {
            continue;
        };
        findings.push(
            finding
                .related(redemption.request, "token request here")
                .related(request, "authorized redirect_uri here"),
        );
    }
}
