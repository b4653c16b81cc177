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
    rationale: "The token response is the HTTP response to the client's back-channel token request \
        (RFC 6749 §5.1), so only the requester can receive it. A trace that draws it to \
        someone else, usually the browser, shows tokens travelling where scripts, extensions \
        and history can reach them, which current best practice (RFC 9700) works to avoid. \
        It is a warning because it is often only a drawing shortcut, as in the seed flow.",
    example: r##"
be -> auth_server_be: "request token"
auth_server_be -> fe: "access token"   # the back end asked; the browser gets the tokens
"##,
    status: super::Status::Stable,
    binds_attackers: false,
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
