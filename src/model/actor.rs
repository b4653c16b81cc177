//! The actors: one per participant, each owning its typed state. The replay routes a
//! message from its sender's actor to its receiver's and records what happened; what an
//! actor knows, holds and keeps lives here, in the actor.
//!
//! A client application is one actor per registration even when a flow draws it as two
//! participants (`fe`, the browser running its front end, and `be`, its back end): the
//! sessions in which it binds `state` and the PKCE verifier to a browser are the
//! application's, so its back end finds what its front end bound.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;

use super::params::{Params, Value};
use super::role::Role;
use super::run::{LoginAttempt, StepId, TransactionId};
use super::vocab::Key;

/// Index of an actor in the replay.
pub(crate) type ActorId = usize;

/// One participant of the flow.
pub(crate) struct Actor {
    pub name: Value,
    pub role: Role,
    /// Every secret value it has, and the message it learned it from (`None`: it was
    /// configured with it).
    pub knows: HashMap<Value, Option<StepId>>,
    /// The protocol values it would use next.
    pub holds: Holdings,
    /// API calls made to it that it has not answered, oldest first.
    pub serving: VecDeque<usize>,
    pub kind: ActorKind,
}

/// What an actor would use next: its latest code, token, refresh token.
#[derive(Default)]
pub(crate) struct Holdings {
    /// The latest code it received.
    pub code: Option<Value>,
    /// Codes it received and has not redeemed yet, oldest first, each with the callback
    /// it arrived through: a client serving several browsers redeems each once, the
    /// latest first. At most [`Holdings::PENDING_CODES`]: a browser that never redeems
    /// would otherwise keep every code of a long flow.
    pub unredeemed: VecDeque<(Value, Option<usize>)>,
    pub token: Option<Value>,
    pub refresh: Option<Value>,
    /// The latest callback it received (a client).
    pub callback: Option<usize>,
}

pub(crate) enum ActorKind {
    UserAgent(UserAgent),
    /// A participant of a client application: `app` indexes the replay's applications.
    Client {
        app: usize,
    },
    /// The login and consent page of `server` (an authorization server actor).
    LoginPage {
        server: Option<ActorId>,
        mistyped: bool,
    },
    AuthorizationServer(Box<AuthorizationServer>),
    ResourceServer {
        /// The issuer whose tokens it accepts (declared `{ issuer: … }`); `None`: any.
        audience: Option<String>,
    },
}

/// A browser, or an attacker's.
#[derive(Default)]
pub(crate) struct UserAgent {
    pub attacker: bool,
    /// A redirect to a client's callback it was handed and has not followed yet.
    pub held: Option<Params>,
    /// The last callback URL it followed (its history, a bookmark).
    pub followed: Option<Params>,
    /// The client application whose front end it runs now: the one that last sent it to
    /// the AS, else the flow's first client.
    pub front_end: Option<usize>,
    /// The user mistyped the password: the next login fails.
    pub mistyped: bool,
    /// A link a dishonest participant handed it (a mail, a page) that it has not
    /// followed: its next authorization request follows that link, not a request of the
    /// client's own, unless a client sends it to the AS first.
    pub planted: Option<Planted>,
}

impl Prepared {
    /// Writes the authorization request (RFC 6749 §4.1.1) this is into `params`.
    pub fn write_request(&self, params: &mut Params) {
        params.set(Key::ResponseType, self.response_type.clone());
        params.set(Key::ClientId, self.client_id.clone());
        params.set(Key::RedirectUri, self.redirect_uri.clone());
        params.set(Key::Scope, self.scope.clone());
        params.set(Key::State, self.state.clone());
        params.set(Key::CodeChallenge, self.challenge.clone());
        params.set(Key::CodeChallengeMethod, self.method.clone());
    }
}

/// A link to the authorization endpoint a dishonest participant handed a browser.
#[derive(Clone, Debug)]
pub(crate) struct Planted {
    /// The values the link carries: the planter's own authorization request when a
    /// client prepared one for it (it hands over its authorization URL), else only what
    /// the author wrote on the message.
    pub link: Params,
    /// Who handed it over, and in which message: `trace` says so.
    pub by: Value,
    pub at: StepId,
}

/// A client application (one registration) and its session store.
pub(crate) struct ClientApp {
    /// Index in the world's registrations.
    pub registration: usize,
    /// The authorization requests bound to each browser's session, oldest first. A
    /// browser can have several under way (two tabs), and a callback's `state` says which
    /// one it answers, as a client keeping one record per request does.
    pub sessions: HashMap<Value, Vec<Prepared>>,
    /// The participants that are this application.
    pub participants: Vec<ActorId>,
}

/// The authorization request a client bound to one browser session.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prepared {
    /// `code`, unless the author wrote another on the message that bound it.
    pub response_type: Option<Value>,
    pub client_id: Option<Value>,
    pub redirect_uri: Option<Value>,
    pub scope: Option<Value>,
    pub state: Option<Value>,
    pub verifier: Option<Value>,
    pub challenge: Option<Value>,
    pub method: Option<Value>,
    /// The step that bound this request to the session.
    pub bound_at: StepId,
    /// Whether the browser has already taken it to the authorization endpoint.
    pub sent: bool,
    /// Whether a callback answered it.
    pub answered: bool,
}

impl ClientApp {
    /// Binds a new request to `browser`'s session and returns its index there. Answered
    /// requests go, except the latest, whose verifier the token request still needs:
    /// a long flow's session holds a request or two, not every login's.
    pub fn bind(&mut self, browser: Value, prepared: Prepared) -> usize {
        let requests = self.sessions.entry(browser).or_default();
        if let Some(keep) = requests.iter().rposition(|p| p.answered) {
            let mut index = 0;
            requests.retain(|p| {
                index += 1;
                !p.answered || index - 1 == keep
            });
        }
        requests.push(prepared);
        requests.len() - 1
    }

    /// The request `browser` takes to the authorization endpoint next, if one is bound
    /// and not yet taken: the one whose state the author wrote, else the oldest.
    pub fn unsent(&self, browser: &str, state: Option<&str>) -> Option<usize> {
        let requests = self.sessions.get(browser)?;
        state
            .and_then(|state| {
                requests
                    .iter()
                    .position(|p| !p.sent && p.state.as_deref() == Some(state))
            })
            .or_else(|| requests.iter().position(|p| !p.sent))
    }

    /// The request a callback carrying `state` answers: the one bound with that state,
    /// else the latest (which the mismatch is then reported against).
    pub fn answered_by(&self, browser: &str, state: Option<&str>) -> Option<usize> {
        let requests = self.sessions.get(browser)?;
        state
            .and_then(|state| {
                requests
                    .iter()
                    .rposition(|p| p.state.as_deref() == Some(state))
            })
            .or(requests.len().checked_sub(1))
    }

    /// The request bound to `browser`'s session at `step`, else the latest one.
    pub fn bound_at(&self, browser: &str, step: Option<StepId>) -> Option<&Prepared> {
        let requests = self.sessions.get(browser)?;
        step.and_then(|step| requests.iter().find(|p| p.bound_at == step))
            .or(requests.last())
    }
}

/// An authorization server: its own issuer, transactions, login sessions, codes and
/// tokens. Codes and tokens it issued are its own: another AS does not know them.
#[derive(Default)]
pub(crate) struct AuthorizationServer {
    pub issuer: String,
    /// The open transaction of each browser, latest first.
    pub pending: HashMap<Value, TransactionId>,
    /// The latest transaction of each browser, answered or not: a late answer to its
    /// consent page still belongs to it.
    pub latest_of: HashMap<Value, TransactionId>,
    /// The transaction its login page shows.
    pub page: Option<TransactionId>,
    /// The latest transaction opened.
    pub latest: Option<TransactionId>,
    /// The login session of each browser: who is logged in, and what they consented to.
    pub sessions: HashMap<Value, LoginSession>,
    /// Codes it issued: value → index in the run's codes.
    pub codes: HashMap<Value, usize>,
    /// Token requests for each code, in order.
    pub redemptions_of: HashMap<Value, Vec<StepId>>,
    /// Token requests not answered yet, oldest first.
    pub token_requests: VecDeque<usize>,
    /// Revocation requests not answered yet, oldest first.
    pub revocations: VecDeque<usize>,
}

/// A browser's login session at an authorization server (RFC 6749 leaves how the AS
/// authenticates the user to it; real servers keep a session cookie).
#[derive(Clone, Debug)]
pub(crate) struct LoginSession {
    /// The login that opened it.
    pub since: StepId,
    /// Consents given in it: client_id and the consent.
    pub consents: Vec<(Option<Value>, LoginAttempt)>,
}

impl Holdings {
    /// How many unredeemed codes an actor keeps: more sign-ins in flight at one client
    /// than this is beyond any flow a person writes, and the bound keeps each receipt O(1).
    pub const PENDING_CODES: usize = 16;

    /// Takes note of a code received (through `callback`, when it came with one).
    pub fn receive_code(&mut self, code: &Value, callback: Option<usize>) {
        match self.unredeemed.iter_mut().find(|(c, _)| c == code) {
            Some(entry) => entry.1 = callback.or(entry.1),
            None => {
                if self.unredeemed.len() == Self::PENDING_CODES {
                    self.unredeemed.pop_front();
                }
                self.unredeemed.push_back((code.clone(), callback));
            }
        }
        self.code = Some(code.clone());
    }
}

impl Actor {
    pub fn user_agent(&self) -> Option<&UserAgent> {
        match &self.kind {
            ActorKind::UserAgent(ua) => Some(ua),
            _ => None,
        }
    }

    pub fn user_agent_mut(&mut self) -> Option<&mut UserAgent> {
        match &mut self.kind {
            ActorKind::UserAgent(ua) => Some(ua),
            _ => None,
        }
    }

    pub fn server(&self) -> Option<&AuthorizationServer> {
        match &self.kind {
            ActorKind::AuthorizationServer(server) => Some(server),
            _ => None,
        }
    }

    pub fn server_mut(&mut self) -> Option<&mut AuthorizationServer> {
        match &mut self.kind {
            ActorKind::AuthorizationServer(server) => Some(server),
            _ => None,
        }
    }

    /// The client application this participant is part of.
    pub fn app(&self) -> Option<usize> {
        match &self.kind {
            ActorKind::Client { app } => Some(*app),
            ActorKind::UserAgent(ua) => ua.front_end,
            _ => None,
        }
    }

    /// Records that it has `value` since `step` (`None`: configuration). The latest
    /// receipt wins: when a value is passed on, the message it most recently arrived
    /// with is the one that explains it. Returns whether that changed what it knows.
    /// One probe of the table (a long flow's tables are large, and a probe is a cache
    /// miss): the entry is found or made in the same lookup.
    pub fn learn(&mut self, value: &Value, step: Option<StepId>) -> bool {
        use std::collections::hash_map::Entry;
        match self.knows.entry(value.clone()) {
            Entry::Occupied(mut known) => {
                let slot = known.get_mut();
                let before = *slot;
                *slot = step.or(before);
                *slot != before
            }
            Entry::Vacant(new) => {
                new.insert(step);
                true
            }
        }
    }
}
