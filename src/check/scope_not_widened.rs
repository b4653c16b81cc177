//! Access never grows along the way: the user consents to at most what was requested, and
//! the tokens carry at most what the user consented to.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;
use crate::model::params::{Value, scope_list};
use crate::model::vocab::Key;

pub const INVARIANT: Invariant = Invariant {
    id: "scope_not_widened",
    severity: Severity::Error,
    reference: "RFC 6749 §3.3",
    statement: "granted scope ⊆ consented scope ⊆ requested scope",
    rationale: "RFC 6749 §3.3 lets the AS grant less than the requested scope, never more. The user \
        consents to at most what the client asked for, and the tokens carry at most what the \
        user consented to; otherwise a client, or an attacker tampering with the consent, \
        obtains access the user never saw.",
    example: r##"
fe -> auth_server_be: "redirect"   # the client asks for scope profile
auth_server_fe -> auth_server_be: "login, permission" { scope: "profile email" }   # consent to more
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn extra<'a>(wider: &'a [Value], narrower: &[Value]) -> Vec<&'a str> {
    wider
        .iter()
        .filter(|s| !narrower.contains(s))
        .map(|s| &**s)
        .collect()
}

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for transaction in &run.transactions {
        for login in transaction.logins.iter().filter(|l| l.authenticated) {
            let added = extra(&login.scope, &transaction.scope);
            if !added.is_empty() {
                findings.push(
                    Finding::new(
                        login.step,
                        format!(
                            "the consent given here covers `{}` beyond the `{}` requested at {}",
                            added.join(" "),
                            transaction.scope.join(" "),
                            run.line(transaction.request)
                        ),
                    )
                    .related(transaction.request, "requested scope here"),
                );
            }
        }
    }
    for (_, code, answer) in run.answered_redemptions() {
        if !answer.issued() {
            continue;
        }
        let added = extra(&answer.scope, &code.scope);
        if !added.is_empty() {
            let mut finding = Finding::new(
                answer.step,
                format!(
                    "the token response grants `{}` beyond the `{}` consented to for code `{}` (issued at {})",
                    added.join(" "),
                    code.scope.join(" "),
                    code.value,
                    run.line(code.issued_at)
                ),
            );
            if let Some(consent) = run.transactions[code.transaction].consent() {
                finding = finding.related(consent.step, "consent given here");
            }
            findings.push(finding.related(code.issued_at, "code issued here"));
        }
    }
    refresh_grants(run, findings);
}

/// RFC 6749 §6: a refresh may ask for the scope originally granted or less, and the
/// tokens it buys carry no more.
fn refresh_grants(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in run.redemptions.iter().filter(|r| !r.is_code_grant()) {
        let (Some(answer), Some(refresh)) = (
            &redemption.response,
            redemption
                .refresh_token
                .as_deref()
                .and_then(|v| run.refresh_token(v)),
        ) else {
            continue;
        };
        if !answer.issued() {
            continue;
        }
        let requested = scope_list(run.step(redemption.request).params.get(Key::Scope));
        let (widened, at, what) = if !extra(&requested, &refresh.scope).is_empty() {
            (
                extra(&requested, &refresh.scope),
                redemption.request,
                "the refresh grant asks for",
            )
        } else {
            (
                extra(&answer.scope, &refresh.scope),
                answer.step,
                "the token response grants",
            )
        };
        if widened.is_empty() {
            continue;
        }
        findings.push(
            Finding::new(
                answer.step,
                format!(
                    "{what} `{}` beyond the `{}` originally granted with refresh token `{}` ({}), and the AS issues tokens; a correct AS answers `invalid_scope`",
                    widened.join(" "),
                    refresh.scope.join(" "),
                    refresh.value,
                    run.line(refresh.issued_at)
                ),
            )
            .related(at, "wider scope here")
            .related(refresh.issued_at, "refresh token issued here"),
        );
    }
}
