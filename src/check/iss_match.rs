//! A client talking to several authorization servers must know which one answered: in a
//! mix-up attack the response comes from one AS and the client redeems its code at
//! another, the attacker's. RFC 9207's `iss` parameter names the issuer; the client
//! compares it with the AS it is about to send the code to.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "iss_match",
    severity: Severity::Error,
    reference: "RFC 9207 §2.4; RFC 9700 §4.4",
    statement: "a client redeems a code only at the authorization server whose `iss` came with it",
    rationale: "RFC 9700 §4.4 describes the mix-up attack: a client that uses several \
        authorization servers is tricked into sending a code issued by an honest AS to an \
        attacker's AS, which redeems it. RFC 9207 §2.4 has the client compare the \
        authorization response's `iss` with the issuer it sent the request to and reject a \
        mismatch. A response that names no issuer cannot be checked; only a named, \
        different issuer is a violation here.",
    example: r##"
auth_server_be -> fe: "code"        # iss = https://as.example
fe -> be: ""
be -> evil_as: "request token"      # the code goes to https://as2.example
"##,
    status: super::Status::Preview,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    for redemption in run.redemptions.iter().filter(|r| r.is_code_grant()) {
        let Some(callback) = redemption.callback.map(|c| &run.callbacks[c]) else {
            continue;
        };
        let Some(iss) = callback.iss.as_deref() else {
            continue;
        };
        if iss == redemption.issuer {
            continue;
        }
        findings.push(
            Finding::new(
                redemption.request,
                format!(
                    "`{}` sends code `{}` to `{}` ({}), but the authorization response it came with ({}) was issued by `{iss}`",
                    redemption.requester,
                    callback.code.as_deref().unwrap_or("?"),
                    redemption.server,
                    redemption.issuer,
                    run.line(callback.step)
                ),
            )
            .related(callback.step, format!("`iss={iss}` arrives here")),
        );
    }
}
