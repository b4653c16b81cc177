//! The API serves only tokens the AS issued and still stands behind: unknown, expired and
//! revoked tokens (e.g. after a code replay was detected) are refused.

use super::{Finding, Invariant};
use crate::model::Run;
use crate::syntax::Severity;

pub const INVARIANT: Invariant = Invariant {
    id: "token_valid_at_rs",
    severity: Severity::Error,
    reference: "RFC 6750 §3.1; RFC 9700 §2.3",
    statement: "the API accepts only a token the AS issued, unexpired and unrevoked",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for call in &run.api_calls {
        let Some(answer) = &call.response else {
            continue;
        };
        if !answer.served {
            continue;
        }
        let mut finding = match call.token.as_deref() {
            None => Finding::new(
                answer.step,
                format!(
                    "`{}` serves the resource to a request without an access token",
                    call.api
                ),
            ),
            Some(value) => match run.token(value) {
                None => Finding::new(
                    answer.step,
                    format!(
                        "`{}` serves the resource for `{value}`, which the AS never issued",
                        call.api
                    ),
                ),
                Some(token) => {
                    if let Some(revoked) = token.revoked_at.filter(|&r| r < answer.step) {
                        Finding::new(
                            answer.step,
                            format!(
                                "`{}` serves the resource for `{value}`, which the AS revoked at {} when its code was replayed",
                                call.api,
                                run.line(revoked)
                            ),
                        )
                        .related(revoked, "revoked here")
                    } else if answer.time.saturating_sub(token.issued_time)
                        > run.world.token_lifetime
                    {
                        Finding::new(
                            answer.step,
                            format!("`{}` serves the resource for `{value}`, which expired (issued at {})", call.api, run.line(token.issued_at)),
                        )
                        .related(token.issued_at, "issued here")
                    } else {
                        continue;
                    }
                }
            },
        };
        finding = finding.related(call.request, "API request here");
        findings.push(finding);
    }
}
