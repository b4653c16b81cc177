//! What a replay produces: one record per message, and the protocol objects the actors
//! created along the way (authorization transactions, codes, tokens, refresh tokens,
//! callbacks, redemptions, revocations, API calls). Invariants judge these records; the
//! records hold facts only, no verdicts. Every lookup an invariant needs is indexed, so
//! checking stays linear in the length of the flow.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::params::{Params, Value};
use super::role::Role;
use super::step::StepKind;
use super::vocab::{GrantType, Key, Location};
use super::world::World;
use crate::span::Span;

/// Index of a message in [`Run::steps`].
pub type StepId = usize;
/// Index in [`Run::transactions`].
pub type TransactionId = usize;

/// How the model read a message, and why: `trace` shows it, explanations rely on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub kind: StepKind,
    /// The evidence that decided, as a clause: "`grant_type` written", "the browser holds
    /// a redirect to the client", "label says `refresh`".
    pub reason: Cow<'static, str>,
    /// Other readings the evidence left open, when the label had to break a tie it could
    /// not break: the author should say `as KIND`.
    pub ambiguous_with: Vec<StepKind>,
}

/// A value a step needs that its sender never had: the message is still that step.
#[derive(Clone, Debug, PartialEq)]
pub struct Missing {
    pub key: Key,
    /// Why the sender lacks it, as a clause: "no authorization response reached it".
    pub why: String,
    /// Where the value exists, if anywhere: the message that issued it.
    pub exists_at: Option<StepId>,
}

#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based line of the message in its file, for explanations.
    pub line: usize,
    pub span: Span,
    /// Span of the label, where most carets go.
    pub label_span: Span,
    pub from: Value,
    pub to: Value,
    pub from_role: Role,
    pub to_role: Role,
    pub kind: StepKind,
    pub reading: Reading,
    pub params: Params,
    /// Where the author said the values travel (`via`), if they did.
    pub via: Option<Location>,
    /// Seconds since the flow started.
    pub time: u64,
    /// Secret values the sender carried without having generated or received them.
    pub unknown_to_sender: Vec<(Key, Value)>,
    /// Values the step needs that the sender could not supply.
    pub missing: Vec<Missing>,
}

impl Step {
    /// Where `key` travelled in this message, if it carried it.
    pub fn location(&self, key: Key) -> Option<Location> {
        self.params.carried(key).map(|c| c.location)
    }

    /// Whether the sender could not supply `key`.
    pub fn lacks(&self, key: Key) -> bool {
        self.missing.iter().any(|m| m.key == key)
    }
}

/// One authorization request and what became of it at its authorization server.
#[derive(Clone, Debug, Default)]
pub struct Transaction {
    pub request: StepId,
    /// The authorization server participant the request went to.
    pub server: Value,
    /// The session (browser or attacker participant) the request was made in.
    pub browser: Value,
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    /// Credentials and consent the user submitted, in order.
    pub logins: Vec<LoginAttempt>,
    /// The browser's login session at the AS when the request arrived: the user is
    /// authenticated already (SSO), since the login at that step.
    pub session_login: Option<StepId>,
    /// Consent the login session remembers for this client and scope: the attempt that
    /// gave it, in an earlier transaction.
    pub remembered_consent: Option<LoginAttempt>,
    /// Where the AS asked for consent on its own page, after the user logged in.
    pub consent_page_at: Option<StepId>,
    pub denied_at: Option<StepId>,
    /// The first step in which the AS went on with the request (login page, response).
    pub continued_at: Option<StepId>,
    /// The step in which the AS refused the request (error page or error response)
    /// before going on with it.
    pub refused_at: Option<StepId>,
    /// Whether an authorization response answered it.
    pub answered: bool,
}

impl Transaction {
    /// The consent this request stands on: the first authenticated submission (after the
    /// consent page, when the AS showed one), or else consent the login session remembers.
    pub fn consent(&self) -> Option<&LoginAttempt> {
        self.logins
            .iter()
            .filter(|l| self.consent_page_at.is_none_or(|page| l.step > page))
            .find(|l| l.authenticated)
            .or(self.remembered_consent.as_ref())
    }

    /// The consent given before `step`: what a code issued at `step` may stand on.
    pub fn consent_before(&self, step: StepId) -> Option<&LoginAttempt> {
        self.consent().filter(|c| c.step < step)
    }

    /// Whether the user has logged in for this request, or was logged in already.
    pub fn authenticated(&self) -> bool {
        self.session_login.is_some() || self.logins.iter().any(|l| l.authenticated)
    }
}

/// A submission at the login or consent page. A consent given after logging in carries
/// no credentials and is authenticated by the earlier login.
#[derive(Clone, Debug)]
pub struct LoginAttempt {
    pub step: StepId,
    pub username: Option<String>,
    pub authenticated: bool,
    /// The scope the user consented to.
    pub scope: Vec<String>,
}

/// An authorization response (a redirect back to the client).
#[derive(Clone, Debug)]
pub struct AuthorizationResponse {
    pub step: StepId,
    pub server: Value,
    pub transaction: Option<TransactionId>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub state: Option<String>,
    pub access_token: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Code {
    pub value: String,
    /// The authorization server that issued it.
    pub server: Value,
    pub transaction: TransactionId,
    pub issued_at: StepId,
    pub issued_time: u64,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub scope: Vec<String>,
}

/// The client receiving an authorization response at its redirect_uri.
#[derive(Clone, Debug)]
pub struct Callback {
    pub step: StepId,
    /// Whose session the response arrived in.
    pub browser: Value,
    pub client: Value,
    pub code: Option<String>,
    pub state: Option<String>,
    /// The state the client bound to that session, and the step that bound it.
    pub session_state: Option<(String, StepId)>,
}

/// A token request (a code redemption or a refresh) and the answer the flow shows.
#[derive(Clone, Debug)]
pub struct Redemption {
    pub request: StepId,
    pub requester: Value,
    /// The authorization server participant it went to.
    pub server: Value,
    /// The grant, as the request names it (`None`: no `grant_type` parameter).
    pub grant_type: Option<String>,
    /// The grant as the model reads it.
    pub grant: GrantType,
    /// The refresh token presented, for a refresh.
    pub refresh_token: Option<String>,
    /// The code as the AS knew it when the request arrived (`None`: unknown to this AS).
    pub code: Option<Code>,
    /// Earlier token requests for the same code at the same AS.
    pub earlier: Vec<StepId>,
    /// The callback through which the requester obtained the code, if any.
    pub callback: Option<usize>,
    pub response: Option<TokenAnswer>,
}

impl Redemption {
    pub fn is_code_grant(&self) -> bool {
        self.grant == GrantType::AuthorizationCode
    }
}

#[derive(Clone, Debug)]
pub struct TokenAnswer {
    pub step: StepId,
    pub receiver: Value,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub error: Option<String>,
    pub scope: Vec<String>,
    /// Seconds the code had existed when the answer was given.
    pub code_age: Option<u64>,
}

impl TokenAnswer {
    pub fn issued(&self) -> bool {
        self.error.is_none() && self.access_token.is_some()
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    pub value: String,
    pub server: Value,
    pub issued_at: StepId,
    pub issued_time: u64,
    pub client_id: Option<String>,
    pub code: Option<String>,
    /// The refresh token of the same grant, if one was issued with it or bought it.
    pub refresh_token: Option<String>,
    /// The scope the token grants.
    pub scope: Vec<String>,
    pub revoked_at: Option<StepId>,
}

/// A refresh token: what a later refresh grant is judged against.
#[derive(Clone, Debug)]
pub struct RefreshToken {
    pub value: String,
    pub server: Value,
    pub issued_at: StepId,
    pub client_id: Option<String>,
    /// The scope the resource owner granted (RFC 6749 §6).
    pub scope: Vec<String>,
    pub revoked_at: Option<StepId>,
}

/// A revocation request (RFC 7009) and its answer.
#[derive(Clone, Debug)]
pub struct Revocation {
    pub request: StepId,
    pub requester: Value,
    pub server: Value,
    pub token: Option<String>,
    pub client_id: Option<String>,
    pub answered_at: Option<StepId>,
}

/// A call to the API and its answer.
#[derive(Clone, Debug)]
pub struct ApiCall {
    pub request: StepId,
    pub caller: Value,
    pub api: Value,
    pub token: Option<String>,
    /// The scope the resource needs, when the flow says (`{ scope: admin }` on the call).
    pub scope: Vec<String>,
    pub response: Option<ApiAnswer>,
}

#[derive(Clone, Debug)]
pub struct ApiAnswer {
    pub step: StepId,
    /// The API handed out the resource (rather than refusing).
    pub served: bool,
    pub time: u64,
}

/// The outcome of replaying a flow.
#[derive(Clone, Debug)]
pub struct Run {
    pub world: World,
    pub steps: Vec<Step>,
    pub transactions: Vec<Transaction>,
    pub authorization_responses: Vec<AuthorizationResponse>,
    pub codes: Vec<Code>,
    pub callbacks: Vec<Callback>,
    pub redemptions: Vec<Redemption>,
    pub tokens: Vec<Token>,
    pub refresh_tokens: Vec<RefreshToken>,
    pub revocations: Vec<Revocation>,
    pub api_calls: Vec<ApiCall>,
    pub provenance: Provenance,
    pub(crate) index: Index,
}

/// Value → record lookups, kept by the replay as records are made.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    pub codes: HashMap<String, usize>,
    pub tokens: HashMap<String, usize>,
    pub refresh_tokens: HashMap<String, usize>,
}

impl Run {
    pub fn step(&self, id: StepId) -> &Step {
        &self.steps[id]
    }

    /// How `value` travelled to `step`: `line 7 → line 12 → line 14`, when it passed
    /// through more hands than its origin's; `None` when it came straight from there.
    pub fn trail(&self, value: &str, step: StepId) -> Option<String> {
        let path = self.provenance.path(value, step);
        (path.len() > 2).then(|| {
            path.iter()
                .map(|&s| self.line(s))
                .collect::<Vec<_>>()
                .join(" → ")
        })
    }

    /// `line N` of the message, for explanations.
    pub fn line(&self, id: StepId) -> String {
        format!("line {}", self.steps[id].line)
    }

    /// Code redemptions of a code the AS issued, with the answer the flow shows: what
    /// every token-endpoint invariant about codes judges.
    pub fn answered_redemptions(&self) -> impl Iterator<Item = (&Redemption, &Code, &TokenAnswer)> {
        self.redemptions
            .iter()
            .filter(|r| r.is_code_grant())
            .filter_map(|r| Some((r, r.code.as_ref()?, r.response.as_ref()?)))
    }

    pub fn code(&self, value: &str) -> Option<&Code> {
        self.index.codes.get(value).map(|&i| &self.codes[i])
    }

    pub fn token(&self, value: &str) -> Option<&Token> {
        self.index.tokens.get(value).map(|&i| &self.tokens[i])
    }

    pub fn refresh_token(&self, value: &str) -> Option<&RefreshToken> {
        self.index
            .refresh_tokens
            .get(value)
            .map(|&i| &self.refresh_tokens[i])
    }
}

/// Where a value was first generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Part of the world's configuration (a client secret, a password).
    Config,
    Step(StepId),
}

/// Where every secret value came from: a graph whose nodes are messages and whose edge
/// `a -> b` labelled `v` says that the sender of `b` carried `v` having learned it from `a`
/// (or generated it in `a`). Explanations follow it back to the origin.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    graph: DiGraph<StepId, Value>,
    nodes: Vec<NodeIndex>,
    /// Where each value was first generated.
    generated: HashMap<Value, Origin>,
}

impl Provenance {
    pub(crate) fn add_step(&mut self, step: StepId) {
        let node = self.graph.add_node(step);
        self.nodes.push(node);
    }

    pub(crate) fn generated(&mut self, value: &Value, origin: Origin) {
        if !self.generated.contains_key(value) {
            self.generated.insert(value.clone(), origin);
        }
    }

    pub(crate) fn carried(&mut self, from: StepId, to: StepId, value: &Value) {
        if from != to {
            self.graph
                .add_edge(self.nodes[from], self.nodes[to], value.clone());
        }
    }

    /// Where `value` was generated; `None` for a value nobody has had.
    pub fn origin(&self, value: &str) -> Option<Origin> {
        self.generated.get(value).copied()
    }

    /// The chain of steps that brought `value` to `step`, oldest first.
    pub fn path(&self, value: &str, step: StepId) -> Vec<StepId> {
        let mut path = vec![step];
        let mut node = self.nodes[step];
        while let Some(edge) = self
            .graph
            .edges_directed(node, petgraph::Direction::Incoming)
            .find(|e| &**e.weight() == value)
        {
            node = edge.source();
            path.push(self.graph[node]);
        }
        path.reverse();
        path
    }
}
