//! The token response is the HTTP response to the back-channel request; drawing it to
//! anyone else means the tokens travel somewhere they should not (often the browser).

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "token_response_to_requester",
    severity: Severity::Warning,
    reference: "RFC 6749 §5.1; RFC 9700 §2.1",
    statement: "the token response goes back to whoever made the token request",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in &run.redemptions {
        let Some(answer) = &redemption.response else {
            continue;
        };
        if answer.receiver == redemption.requester {
            continue;
        }
        let carried = answer
            .access_token
            .as_deref()
            .map_or(String::new(), |t| format!(" with `{t}`"));
        findings.push(
            Finding::new(
                answer.step,
                format!(
                    "the token response{carried} goes to `{}`, but `{}` made the token request ({})",
                    answer.receiver,
                    redemption.requester,
                    run.line(redemption.request)
                ),
            )
            .related(redemption.request, "token request here"),
        );
    }
}
