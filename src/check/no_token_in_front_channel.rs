//! Tokens never ride in URLs or redirects, where history, logs and Referer headers leak
//! them (a token in the authorization response is the implicit grant).

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::step::StepKind;
use crate::model::vocab::{Key, Location};
use crate::model::{Origin, Run};

pub const INVARIANT: Invariant = Invariant {
    id: "no_token_in_front_channel",
    severity: Severity::Error,
    reference: "RFC 9700 §2.1.2, §4.3.2",
    statement: "no access token travels in a URL or a redirect",
    rationale: "Whatever travels in a URL or a redirect passes through the browser, where history, \
        server logs, Referer headers and scripts can read it (RFC 9700 §4.3.2). RFC 9700 \
        §2.1.2 therefore rules out returning access tokens in the authorization response. \
        Tokens belong in the back channel: the token response and the Authorization header.",
    example: r##"
auth_server_be -> fe: "code" { access_token: "token-1" }   # a token in the redirect
fe -> be: ""   # and in the callback URL the browser follows
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for (id, step) in run.steps.iter().enumerate() {
        // What an attacker is handed is a leak, judged by where it came from.
        if step.kind == StepKind::Leak {
            continue;
        }
        for key in [Key::AccessToken, Key::RefreshToken] {
            let Some(carried) = step.params.carried(key) else {
                continue;
            };
            let how = match carried.location {
                Location::Query => "in the query string of a URL",
                Location::Fragment => "in the fragment of a URL",
                _ => continue,
            };
            let token = &carried.value;
            // Where the token was issued, when that was an earlier message.
            let origin = match run.provenance.origin(token) {
                Some(Origin::Step(at)) if at != id => Some(at),
                _ => None,
            };
            let issued = origin.map_or(String::new(), |at| format!(" (from {})", run.line(at)));
            let mut finding = Finding::new(
                id,
                format!(
                    "{key} `{token}`{issued} travels {how}: {} from `{}` to `{}` puts it where history, logs and Referer headers keep it; tokens belong in the token response and the Authorization header",
                    step.kind
                        .with_article()
                        .replacen("an ", "the ", 1)
                        .replacen("a ", "the ", 1),
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
