//! Tokens never ride in URLs or redirects, where history, logs and Referer headers leak
//! them (a token in the authorization response is the implicit grant).

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::step::StepKind;
use crate::model::{Origin, Run};

pub const INVARIANT: Invariant = Invariant {
    id: "no_token_in_front_channel",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.2, §4.3.2",
    statement: "no access token travels in a URL or a redirect",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (id, step) in run.steps.iter().enumerate() {
        let how = match step.kind {
            StepKind::AuthorizationRedirect | StepKind::AuthorizationResponse => {
                "a redirect through the browser"
            }
            StepKind::AuthorizationRequest | StepKind::Callback => "a URL the browser requests",
            _ => continue,
        };
        for key in ["access_token", "refresh_token"] {
            let Some(token) = step.params.get(key) else {
                continue;
            };
            // Where the token was issued, when that was an earlier message.
            let origin = match run.provenance.origin(token) {
                Some(Origin::Step(at)) if at != id => Some(at),
                _ => None,
            };
            let issued = origin.map_or(String::new(), |at| format!(" (from {})", run.line(at)));
            let mut finding = Finding::new(
                id,
                format!(
                    "{key} `{token}`{issued} travels in the front channel: the {} from `{}` to `{}` is {how}; tokens belong in the token response and the Authorization header",
                    step.kind.name().replace('_', " "),
                    step.from,
                    step.to
                ),
            );
            if let Some(at) = origin {
                finding = finding.related(at, format!("`{token}` comes from here"));
            }
            findings.push(finding);
        }
    }
}
