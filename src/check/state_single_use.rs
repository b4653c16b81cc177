//! A state value answers one authorization request: accepting it again lets a leaked
//! callback URL (Referer, history) be replayed into the session.

use super::{Finding, Invariant};
use crate::Severity;
use crate::model::Run;

pub const INVARIANT: Invariant = Invariant {
    id: "state_single_use",
    severity: Severity::Warning,
    reference: "RFC 9700 §4.2.4",
    statement: "a state value is accepted in one callback only",
    check,
};

fn check(run: &Run, findings: &mut Vec<Finding>) {
    let mut accepted: Vec<(&str, &str, usize)> = Vec::new();
    for redemption in &run.redemptions {
        let Some(callback) = redemption.callback.map(|c| &run.callbacks[c]) else {
            continue;
        };
        let Some(state) = callback.state.as_deref() else {
            continue;
        };
        let client = callback.client.as_str();
        match accepted.iter().find(|(c, s, _)| *c == client && *s == state) {
            Some(&(_, _, first)) if first != callback.step => findings.push(
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
            None => accepted.push((client, state, callback.step)),
        }
    }
}
