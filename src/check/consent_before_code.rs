//! A code stands for the user's authenticated consent; issuing one before the user logged
//! in and agreed hands out access nobody granted.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "consent_before_code",
    severity: Severity::Error,
    reference: "RFC 6749 §4.1.1–4.1.2",
    statement: "a code is issued only after the user authenticated and consented to this request",
    rationale: "An authorization code stands for the resource owner's decision: RFC 6749 §4.1.1 has \
        the AS authenticate the user and obtain their authorization before §4.1.2 lets it \
        issue a code. A code issued after a failed login, without any login, or before the \
        user consented grants access nobody agreed to, and lets anyone obtain tokens by \
        merely starting a flow.",
    example: r##"
fe -> auth_server_be: "redirect"
auth_server_be -> fe: "code" as authorization_response   # nobody logged in or consented
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for response in &run.authorization_responses {
        let Some(code) = &response.code else { continue };
        let Some(transaction) = response.transaction.map(|t| &run.transactions[t]) else {
            continue;
        };
        let at = response.step;
        // A denial is `denied_no_code`'s concern.
        if transaction.consent_before(at).is_some() || transaction.denied_at.is_some_and(|d| d < at)
        {
            continue;
        }
        let earlier: Vec<_> = transaction.logins.iter().filter(|l| l.step < at).collect();
        let logged_in = earlier.iter().any(|l| l.authenticated);
        let (why, related) = match (transaction.consent(), transaction.consent_page_at) {
            (Some(late), _) => (
                format!(
                    "the user approved only at {}, after the code was issued",
                    run.line(late.step)
                ),
                Some((late.step, "approval arrives here, too late")),
            ),
            (None, Some(page)) if logged_in && page < at => (
                format!(
                    "the user logged in but never approved the consent page ({})",
                    run.line(page)
                ),
                Some((page, "consent asked here")),
            ),
            _ => match (earlier.last(), transaction.session_login) {
                // A consent with no credentials before anyone logged in.
                (Some(login), _) if !login.authenticated && login.username.is_none() => (
                    format!(
                        "the user consented ({}) without ever logging in",
                        run.line(login.step)
                    ),
                    Some((login.step, "consent with no login here")),
                ),
                (Some(login), _) if !login.authenticated => (
                    format!("the last login attempt ({}) failed", run.line(login.step)),
                    Some((login.step, "failed login here")),
                ),
                (_, Some(since)) => (
                    format!(
                        "the browser's login session (since {}) holds no consent of the user to `{}` for `{}`",
                        run.line(since),
                        transaction.client_id.as_deref().unwrap_or("?"),
                        transaction.scope.join(" ")
                    ),
                    Some((since, "logged in here")),
                ),
                _ => ("the user never logged in".to_string(), None),
            },
        };
        let mut finding = Finding::new(
            response.step,
            format!(
                "code `{code}` issued for the request of {} although {why}",
                run.line(transaction.request)
            ),
        )
        .related(transaction.request, "authorization request here");
        if let Some((step, what)) = related {
            finding = finding.related(step, what);
        }
        findings.push(finding);
    }
}
