//! What each actor stores, step by step: a client's sessions, an authorization server's
//! transactions, login sessions, codes and tokens. Each stored object is a list of dated
//! changes (issued, redeemed, revoked, ...), so any step's state is the latest change at
//! or before it, and the page can show it without a snapshot per step.
//!
//! Facts only, taken from the run's records: whether a change broke a rule is `check`'s.

use serde::Serialize;

use rustc_hash::FxHashMap as HashMap;

use crate::model::Run;
use crate::model::run::{AuthorizationResponse, Callback, Redemption, StepId, TransactionId};

/// One object an actor stores, and how it changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stored {
    /// Who stores it: a participant, or a client application (`client client-1`).
    pub holder: String,
    /// What it is: `code code-1`, `session of fe`, ...
    pub object: String,
    /// Its changes in step order, each the state it is in from that step on.
    pub changes: Vec<Change>,
}

/// A change of a stored object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The message that changed it.
    pub step: StepId,
    /// The line of that message.
    pub line: usize,
    /// The object's state from then on, as a phrase: `issued to client-1, not redeemed`.
    pub state: String,
}

impl Stored {
    fn new(holder: impl Into<String>, object: impl Into<String>) -> Stored {
        Stored {
            holder: holder.into(),
            object: object.into(),
            changes: Vec::new(),
        }
    }

    fn change(&mut self, run: &Run, step: StepId, state: impl Into<String>) {
        self.changes.push(Change {
            step,
            line: run.steps[step].line,
            state: state.into(),
        });
    }

    /// Its state just after `step`, if it existed by then.
    pub fn at(&self, step: StepId) -> Option<&Change> {
        self.changes.iter().take_while(|c| c.step <= step).last()
    }
}

/// Every object the actors stored during the run, grouped by holder in order of first
/// appearance, each with its changes in step order.
pub fn stored_objects(run: &Run) -> Vec<Stored> {
    let mut stored = Vec::new();
    client_sessions(run, &mut stored);
    transactions(run, &mut stored);
    codes(run, &mut stored);
    tokens(run, &mut stored);
    for object in &mut stored {
        object.changes.sort_by_key(|c| c.step);
    }
    // Stable: objects of one holder keep their order of creation.
    stored.sort_by_key(|o| o.changes.first().map_or(usize::MAX, |c| c.step));
    let mut holders: HashMap<String, usize> = HashMap::default();
    for object in &stored {
        let next = holders.len();
        holders.entry(object.holder.clone()).or_insert(next);
    }
    stored.sort_by_key(|o| holders[&o.holder]);
    stored
}

fn or_none(value: Option<&str>) -> &str {
    value.unwrap_or("none")
}

fn client_sessions(run: &Run, stored: &mut Vec<Stored>) {
    // Each callback belongs to the session bound at the step its state was bound at.
    let mut callbacks: HashMap<(&str, StepId), Vec<&Callback>> = HashMap::default();
    for callback in &run.callbacks {
        if let Some((_, bound_at)) = &callback.session_state {
            callbacks
                .entry((&callback.browser, *bound_at))
                .or_default()
                .push(callback);
        }
    }
    for session in &run.sessions {
        let mut object = Stored::new(
            format!("client {}", session.client_id),
            format!("session of {}", session.browser),
        );
        let verifier = session
            .verifier
            .as_deref()
            .map_or(String::new(), |v| format!(", verifier {v}"));
        object.change(
            run,
            session.bound_at,
            format!(
                "bound: state {}{verifier}",
                or_none(session.state.as_deref())
            ),
        );
        let arrived = callbacks.get(&(&*session.browser, session.bound_at));
        for callback in arrived.into_iter().flatten() {
            object.change(
                run,
                callback.step,
                format!(
                    "authorization response arrived: code {}, state {}",
                    or_none(callback.code.as_deref()),
                    or_none(callback.state.as_deref())
                ),
            );
        }
        stored.push(object);
    }
}

fn transactions(run: &Run, stored: &mut Vec<Stored>) {
    let mut responses: HashMap<TransactionId, Vec<&AuthorizationResponse>> = HashMap::default();
    for response in &run.authorization_responses {
        if let Some(transaction) = response.transaction {
            responses.entry(transaction).or_default().push(response);
        }
    }
    for (id, transaction) in run.transactions.iter().enumerate() {
        let mut object = Stored::new(
            transaction.server.to_string(),
            format!(
                "authorization request of {} (line {})",
                transaction.browser, run.steps[transaction.request].line
            ),
        );
        object.change(
            run,
            transaction.request,
            format!(
                "open: client {}, scope {}, state {}, challenge {}",
                or_none(transaction.client_id.as_deref()),
                transaction.scope.join(" "),
                or_none(transaction.state.as_deref()),
                or_none(transaction.code_challenge.as_deref())
            ),
        );
        if let Some(at) = transaction.session_login {
            object.change(
                run,
                transaction.request,
                format!("user already logged in (line {})", run.steps[at].line),
            );
        }
        for login in &transaction.logins {
            let who = login.username.as_deref().unwrap_or("the logged-in user");
            let what = if login.authenticated {
                format!(
                    "{who} authenticated, consented to {}",
                    login.scope.join(" ")
                )
            } else {
                format!("login as {who} failed")
            };
            object.change(run, login.step, what);
        }
        if let Some(at) = transaction.consent_page_at {
            object.change(run, at, "consent asked");
        }
        if let Some(at) = transaction.denied_at {
            object.change(run, at, "denied by the user");
        }
        if let Some(at) = transaction.refused_at {
            object.change(run, at, "refused by the authorization server");
        }
        for response in responses.get(&id).into_iter().flatten() {
            let what = match (&response.code, &response.error) {
                (Some(code), _) => format!("answered with code {code}"),
                (None, Some(error)) => format!("answered with error {error}"),
                (None, None) => "answered".to_string(),
            };
            object.change(run, response.step, what);
        }
        stored.push(object);
    }
}

fn codes(run: &Run, stored: &mut Vec<Stored>) {
    // Token requests for each code, at the server that knew it.
    let mut redemptions: HashMap<(&str, &str), Vec<&Redemption>> = HashMap::default();
    for redemption in &run.redemptions {
        if let Some(code) = &redemption.code {
            redemptions
                .entry((&redemption.server, &code.value))
                .or_default()
                .push(redemption);
        }
    }
    for code in &run.codes {
        let mut object = Stored::new(code.server.to_string(), format!("code {}", code.value));
        object.change(
            run,
            code.issued_at,
            format!(
                "issued to {}, not redeemed",
                or_none(code.client_id.as_deref())
            ),
        );
        let of_code = redemptions.get(&(&*code.server, &*code.value));
        for (n, redemption) in of_code.into_iter().flatten().enumerate() {
            let what = if n == 0 {
                format!("redeemed by {}", redemption.requester)
            } else {
                format!(
                    "presented again by {} ({} redemptions)",
                    redemption.requester,
                    n + 1
                )
            };
            object.change(run, redemption.request, what);
        }
        stored.push(object);
    }
}

fn tokens(run: &Run, stored: &mut Vec<Stored>) {
    let access = run.tokens.iter().map(|t| {
        (
            "access token",
            &t.value,
            &t.server,
            t.issued_at,
            &t.client_id,
            t.revoked_at,
        )
    });
    let refresh = run.refresh_tokens.iter().map(|t| {
        (
            "refresh token",
            &t.value,
            &t.server,
            t.issued_at,
            &t.client_id,
            t.revoked_at,
        )
    });
    for (what, value, server, issued_at, client_id, revoked_at) in access.chain(refresh) {
        let mut object = Stored::new(server.to_string(), format!("{what} {value}"));
        object.change(
            run,
            issued_at,
            format!("issued to {}, valid", or_none(client_id.as_deref())),
        );
        if let Some(at) = revoked_at {
            object.change(run, at, "revoked");
        }
        stored.push(object);
    }
}
