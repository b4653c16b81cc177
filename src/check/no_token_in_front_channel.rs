//! Tokens never ride in URLs or redirects, where history, logs and Referer headers leak
//! them (a token in the authorization response is the implicit grant).

use super::{Finding, Invariant};
use crate::model::Run;
use crate::model::step::StepKind;
use crate::syntax::Severity;

pub const INVARIANT: Invariant = Invariant {
    id: "no_token_in_front_channel",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.2, §4.3.2",
    statement: "no access token travels in a URL or a redirect",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (id, step) in run.steps.iter().enumerate() {
        let front_channel = matches!(
            step.kind,
            StepKind::AuthorizationRedirect
                | StepKind::AuthorizationRequest
                | StepKind::AuthorizationResponse
                | StepKind::Callback
        );
        if !front_channel {
            continue;
        }
        for key in ["access_token", "refresh_token"] {
            if let Some(token) = step.params.get(key) {
                findings.push(Finding::new(
                    id,
                    format!(
                        "{key} `{token}` travels in the front channel ({} from `{}` to `{}`)",
                        step.kind, step.from, step.to
                    ),
                ));
            }
        }
    }
}
