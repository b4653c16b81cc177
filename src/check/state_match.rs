//! The client accepts an authorization response only if its `state` is the one it bound
//! to this user's session; otherwise an attacker can splice its own code into the
//! victim's session (login CSRF). Acceptance shows as the client redeeming the code. A
//! client that sends no state but binds a PKCE verifier relies on PKCE instead.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;
use crate::model::role::Role;
use crate::model::vocab::Key;

pub const INVARIANT: Invariant = Invariant {
    id: "state_match",
    severity: Severity::Error,
    reference: "RFC 6749 §10.12; RFC 9700 §4.7",
    statement: "the client accepts an authorization response only if its state equals the state bound to this user's session",
    rationale: "Without a check of `state` the client's callback accepts any authorization response, \
        so an attacker can make the victim's browser deliver a code of the attacker's \
        choosing: the victim is logged in to the attacker's account, or the attacker's code \
        is spliced into the victim's session (cross-site request forgery, RFC 6749 §10.12). \
        The client must bind a one-time state value to the user agent's session and compare \
        it before redeeming the code. RFC 9700 §4.7.1 lets a client that uses PKCE rely on \
        it instead, so a client that sends no state but binds a code_verifier is not \
        flagged.",
    example: r##"
auth_server_be -> fe: "code" { state: "forged" }
fe -> be: ""
be -> auth_server_be: "request token"   # the client redeems a code whose state it never issued
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in &run.redemptions {
        // The client redeems from its back end, or from its front end in the browser.
        if !matches!(
            run.step(redemption.request).from_role,
            Role::Client | Role::Browser
        ) {
            continue;
        }
        let Some(callback) = redemption.callback.map(|c| &run.callbacks[c]) else {
            continue;
        };
        let code = callback.code.as_deref().unwrap_or("?");
        // A state the client bound to another browser's session too matches anywhere,
        // and tells the two sessions apart no more than no state does: the code's own
        // login, when it was in such a browser.
        let shared = match (&callback.state, &callback.session_state) {
            (Some(got), Some((bound, _))) if got == bound => redemption
                .code
                .as_ref()
                .map(|c| &run.transactions[c.transaction])
                .filter(|t| t.browser != callback.browser)
                // Only codes from another browser get here, which honest flows do not
                // have: the scan of the bindings stays rare.
                .filter(|t| {
                    run.sessions
                        .iter()
                        .any(|s| s.browser == t.browser && s.state.as_ref() == Some(got))
                })
                .map(|t| (t, got)),
            _ => None,
        };
        if let Some((origin, got)) = shared {
            let other = &origin.browser;
            findings.push(
                Finding::new(
                    redemption.request,
                    format!(
                        "`{}` redeems code `{code}`, which comes from a login in the browser `{other}`: the state `{got}` the response carried back ({}) matches only because the client bound the same state to the sessions of `{}` and `{other}`; a state must be unguessable and bound to one session",
                        redemption.requester,
                        run.line(callback.step),
                        callback.browser,
                    ),
                )
                .related(callback.step, "the authorization response arrives here")
                .related(origin.request, "the code's login starts here"),
            );
            continue;
        }
        let problem = match (&callback.state, &callback.session_state) {
            (Some(got), Some((bound, _))) if got == bound => continue,
            (Some(got), Some((bound, _))) => {
                format!(
                    "carried state `{got}` while the session of `{}` is bound to `{bound}`",
                    callback.browser
                )
            }
            (None, Some((bound, _))) => {
                format!(
                    "carried no state while the session of `{}` is bound to `{bound}`",
                    callback.browser
                )
            }
            (Some(got), None) => {
                format!(
                    "carried state `{got}` while the session of `{}` has no state bound to it",
                    callback.browser
                )
            }
            // A client that binds a PKCE verifier to the session instead of a state may
            // rely on PKCE against CSRF (RFC 9700 §4.7.1): a planted code fails at the
            // token endpoint, which `pkce_verifier_match` judges.
            (None, None)
                if run
                    .step(redemption.request)
                    .params
                    .get(Key::CodeVerifier)
                    .is_some() =>
            {
                continue;
            }
            (None, None) => format!(
                "carried no state and the session of `{}` has neither a state nor a PKCE verifier bound to it",
                callback.browser
            ),
        };
        let mut finding = Finding::new(
            redemption.request,
            format!(
                "`{}` redeems code `{code}` although the authorization response it arrived with ({}) {problem}",
                redemption.requester,
                run.line(callback.step),
            ),
        )
        .related(callback.step, "the authorization response arrives here");
        if let Some((_, bound_at)) = &callback.session_state {
            finding = finding.related(*bound_at, "state bound to the session here");
        }
        // A request the browser made by following someone's link: the client never
        // started this sign-in.
        if let Some(link) = redemption
            .code
            .as_ref()
            .and_then(|c| run.transactions[c.transaction].link)
        {
            finding = finding.related(link, "the browser follows this link to the AS");
        }
        findings.push(finding);
    }
}
