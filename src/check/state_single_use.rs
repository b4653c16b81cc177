//! A state value answers one authorization request: accepting it again lets a leaked
//! callback URL (Referer, history) be replayed into the session.

use std::collections::HashMap;

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "state_single_use",
    severity: Severity::Warning,
    reference: "RFC 9700 §4.2.4",
    statement: "a state value is accepted in one callback only",
    rationale: "RFC 9700 §4.2.4 asks clients to invalidate a state value after its first use: \
        callback URLs leak through Referer headers, logs and browser history, and a client \
        that accepts the same state again lets a leaked URL be replayed into the session. \
        One-time state turns such a replay into an error the client notices. It is a warning \
        because the code's single use usually stops the replay at the AS as well.",
    example: r##"
fe -> be: ""   # the callback with code-1 and state-1
fe -> be: "Back: callback URL again" as callback { code: "code-1", state: "state-1" }
be -> auth_server_be: "request token"   # the client accepts state-1 a second time
"##,
    status: super::Status::Stable,
    binds_attackers: false,
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    // (client, state) → the callback that first used it.
    let mut accepted: HashMap<(&str, &str), usize> = HashMap::new();
    for redemption in &run.redemptions {
        let Some(callback) = redemption.callback.map(|c| &run.callbacks[c]) else {
            continue;
        };
        let Some(state) = callback.state.as_deref() else {
            continue;
        };
        let client = &*callback.client;
        match accepted.get(&(client, state)) {
            Some(&first) if first != callback.step => findings.push(
                Finding::new(
                    redemption.request,
                    format!(
                        "`{client}` redeems the code of the callback at {} although its state `{state}` was already used by the callback at {}",
                        run.line(callback.step),
                        run.line(first)
                    ),
                )
                .related(first, "first accepted here")
                .related(callback.step, "accepted again here"),
            ),
            Some(_) => {}
            None => {
                accepted.insert((client, state), callback.step);
            }
        }
    }
}
