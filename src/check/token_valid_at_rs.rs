//! The API serves only tokens the AS issued and still stands behind: unknown, expired and
//! revoked tokens (e.g. after a code replay was detected) are refused.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;
use crate::model::step::StepKind;
use crate::model::vocab::Key;
use crate::model::world::format_duration;

pub const INVARIANT: Invariant = Invariant {
    id: "token_valid_at_rs",
    severity: Severity::Error,
    reference: "RFC 6750 §3.1; RFC 9700 §2.3",
    statement: "the API accepts only a token the AS issued, unexpired, unrevoked, with the scope the resource needs, from the issuer it trusts",
    rationale: "A resource server must validate the bearer token of every request and refuse one \
        that is unknown, expired, revoked or lacks the scope the resource needs (RFC 6750 \
        §3.1: `invalid_token`, `insufficient_scope`). Short lifetimes and revocation, such \
        as the AS revoking tokens after it detects a code replay, protect nothing unless the \
        API honours them. RFC 9700 §2.3 asks for access tokens restricted to the resources \
        and privileges they were issued for: an API bound to one issuer \
        (`participant api as resource_server { issuer: … }`) refuses another's tokens.",
    example: r##"
auth_server_be -> be: "access token"
wait 2h
be -> rs: "access token"
rs -> be: "response"   # token-1 expired an hour ago
"##,
    status: super::Status::Stable,
    binds_attackers: false,
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
            // A caller that could not form the request is `sender_knows`'s finding.
            None if run.step(call.request).lacks(Key::AccessToken) => continue,
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
                        let (why, what) = if run.step(revoked).kind == StepKind::Revocation {
                            (
                                format!("was revoked (RFC 7009) at {}", run.line(revoked)),
                                format!("`{value}` revoked here"),
                            )
                        } else {
                            // A token bought with a refresh token has the code of its
                            // grant through that refresh token.
                            let grant_code = || {
                                let refresh = run.refresh_token(token.refresh_token.as_deref()?)?;
                                refresh.code.as_deref()
                            };
                            let (code, marked) = match (token.code.as_deref(), grant_code()) {
                                (Some(c), _) => (format!("its code `{c}`"), format!("`{c}`")),
                                (None, Some(c)) => {
                                    (format!("the code `{c}` of its grant"), format!("`{c}`"))
                                }
                                (None, None) => (
                                    "the code of its grant".to_string(),
                                    "its grant's code".to_string(),
                                ),
                            };
                            (
                                format!(
                                    "the AS revoked when {code} was redeemed again at {}",
                                    run.line(revoked)
                                ),
                                format!("{marked} redeemed again here: `{value}` revoked"),
                            )
                        };
                        Finding::new(
                            answer.step,
                            format!(
                                "`{}` serves the resource for `{value}`, which {why}",
                                call.api
                            ),
                        )
                        .related(revoked, what)
                    } else if answer.time.saturating_sub(token.issued_time)
                        > run.world.token_lifetime
                    {
                        Finding::new(
                            answer.step,
                            format!(
                                "`{}` serves the resource for `{value}`, which expired: issued at {}, it is {} old and valid for {}",
                                call.api,
                                run.line(token.issued_at),
                                format_duration(answer.time.saturating_sub(token.issued_time)),
                                format_duration(run.world.token_lifetime)
                            ),
                        )
                        .related(token.issued_at, "issued here")
                    } else if let Some(missing) = call
                        .scope
                        .iter()
                        .find(|needed| !token.scope.contains(needed))
                    {
                        Finding::new(
                            answer.step,
                            format!(
                                "`{}` serves a resource that needs scope `{missing}` for `{value}`, which grants only `{}`; a correct API answers `insufficient_scope`",
                                call.api,
                                token.scope.join(" ")
                            ),
                        )
                        .related(token.issued_at, "issued here")
                    } else if let Some(audience) =
                        call.audience.as_ref().filter(|&a| *a != token.issuer)
                    {
                        Finding::new(
                            answer.step,
                            format!(
                                "`{}` serves the resource for `{value}`, a token of `{}` ({}), but it accepts only tokens of `{audience}`; a correct API answers `invalid_token`",
                                call.api, token.issuer, token.server
                            ),
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
