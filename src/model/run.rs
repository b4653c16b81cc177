//! What a replay produces: one record per message, and the protocol objects the actors
//! created along the way (authorization transactions, codes, tokens, refresh tokens,
//! callbacks, redemptions, revocations, API calls). Invariants judge these records; the
//! records hold facts only, no verdicts. Every lookup an invariant needs is indexed, so
//! checking stays linear in the length of the flow.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use thin_vec::ThinVec;

use super::params::{Params, Scope, Value};
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
    /// The protocol step the message was read as.
    pub kind: StepKind,
    /// The evidence that decided, as a clause: "`grant_type` written", "the browser holds
    /// a redirect to the client", "label says `refresh`".
    pub reason: Cow<'static, str>,
    /// Other readings the evidence left open, when the label had to break a tie it could
    /// not break: the author should say `as KIND`.
    pub ambiguous_with: ThinVec<StepKind>,
}

/// A value a step needs that its sender never had: the message is still that step.
#[derive(Clone, Debug, PartialEq)]
pub struct Missing {
    /// The parameter the step needs.
    pub key: Key,
    /// Why the sender lacks it, as a clause: "no authorization response reached it".
    pub why: String,
    /// Where the value exists, if anywhere: the message that issued it.
    pub exists_at: Option<StepId>,
}

/// One message as the replay read and sent it: who sent it to whom, what it was read as,
/// and the parameters it carried.
#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based line of the message in its file, for explanations.
    pub line: usize,
    /// Span of the whole message statement.
    pub span: Span,
    /// Span of the label, where most carets go.
    pub label_span: Span,
    /// The sending participant's name.
    pub from: Value,
    /// The receiving participant's name.
    pub to: Value,
    /// The role the sender plays.
    pub from_role: Role,
    /// The role the receiver plays.
    pub to_role: Role,
    /// The protocol step the message was read as (`reading.kind`).
    pub kind: StepKind,
    /// How the model read the message as `kind`, and why.
    pub reading: Reading,
    /// The parameters the message carried: what the sender's model fills in, with the
    /// author's `{ key: value }` overrides applied on top.
    pub params: Params,
    /// Where the author said the values travel (`via`), if they did.
    pub via: Option<Location>,
    /// Seconds since the flow started.
    pub time: u64,
    /// Secret values the sender carried without having generated or received them.
    pub unknown_to_sender: ThinVec<(Key, Value)>,
    /// Values the step needs that the sender could not supply.
    pub missing: ThinVec<Missing>,
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
    /// The authorization request (RFC 6749 §4.1.1) that opened the transaction.
    pub request: StepId,
    /// The authorization server participant the request went to.
    pub server: Value,
    /// The session (browser or attacker participant) the request was made in.
    pub browser: Value,
    /// The `response_type` the request carried (RFC 6749 §3.1.1).
    pub response_type: Option<Value>,
    /// The `client_id` the request carried (RFC 6749 §4.1.1).
    pub client_id: Option<Value>,
    /// The `redirect_uri` the request carried (RFC 6749 §3.1.2).
    pub redirect_uri: Option<Value>,
    /// The scope the request asked for (RFC 6749 §3.3).
    pub scope: Scope,
    /// The `state` the authorization request carried (RFC 6749 §4.1.1).
    pub state: Option<Value>,
    /// The PKCE `code_challenge` the request carried (RFC 7636 §4.3).
    pub code_challenge: Option<Value>,
    /// The `code_challenge_method` the request carried (RFC 7636 §4.3).
    pub code_challenge_method: Option<Value>,
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
    /// The first message in which the user refused consent (`deny`), if any.
    pub denied_at: Option<StepId>,
    /// The first step in which the AS went on with the request (login page, response).
    pub continued_at: Option<StepId>,
    /// The step in which the AS refused the request (error page or error response)
    /// before going on with it.
    pub refused_at: Option<StepId>,
    /// Whether an authorization response answered it.
    pub answered: bool,
    /// The message that handed the browser the link this request followed, when it
    /// followed one rather than a request of the client's own for its session.
    pub link: Option<StepId>,
    /// No client prepared the request: the browser followed a link an attacker wrote
    /// (what it lacks, such as a PKCE challenge, is the attacker's doing).
    pub crafted: bool,
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

    /// Whether the AS is still working on it: not answered, denied or refused.
    pub fn is_open(&self) -> bool {
        !self.answered && self.denied_at.is_none() && self.refused_at.is_none()
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
    /// The message that submitted the login or consent form.
    pub step: StepId,
    /// The `username` submitted; `None` for a consent that rides on an earlier login.
    pub username: Option<Value>,
    /// Whether the credentials match a user the AS knows, or, for a consent without
    /// credentials, whether the user had logged in already.
    pub authenticated: bool,
    /// The scope the user consented to.
    pub scope: Scope,
}

/// An authorization response (a redirect back to the client).
#[derive(Clone, Debug)]
pub struct AuthorizationResponse {
    /// The message that carried the response (RFC 6749 §4.1.2).
    pub step: StepId,
    /// The authorization server participant that sent it.
    pub server: Value,
    /// The transaction it answers, if the AS had one under way.
    pub transaction: Option<TransactionId>,
    /// The authorization code it carried.
    pub code: Option<Value>,
    /// The `error` it carried instead of a code (RFC 6749 §4.1.2.1).
    pub error: Option<Value>,
    /// The `state` it carried back, which must equal the request's (RFC 6749 §4.1.2).
    pub state: Option<Value>,
    /// An access token in the redirect itself (implicit or hybrid grant, RFC 6749 §4.2.2).
    pub access_token: Option<Value>,
}

/// An authorization code the AS issued (RFC 6749 §4.1.2), with what it is bound to.
#[derive(Clone, Debug)]
pub struct Code {
    /// The code itself.
    pub value: Value,
    /// The authorization server that issued it.
    pub server: Value,
    /// The authorization request it answers, as an index into [`Run::transactions`].
    pub transaction: TransactionId,
    /// The authorization response that issued it.
    pub issued_at: StepId,
    /// Seconds since the flow started when it was issued: its lifetime counts from here.
    pub issued_time: u64,
    /// The client it was issued to, the only one that may redeem it (RFC 6749 §4.1.3).
    pub client_id: Option<Value>,
    /// The `redirect_uri` of its request, which the token request must repeat
    /// (RFC 6749 §4.1.3).
    pub redirect_uri: Option<Value>,
    /// The PKCE challenge of its request, which the `code_verifier` must match
    /// (RFC 7636 §4.6).
    pub code_challenge: Option<Value>,
    /// The challenge method of its request (RFC 7636 §4.3).
    pub code_challenge_method: Option<Value>,
    /// The scope it grants: what the user consented to, else what the request asked for.
    pub scope: Scope,
}

/// The client receiving an authorization response at its redirect_uri.
#[derive(Clone, Debug)]
pub struct Callback {
    /// The message through which the response reached the client.
    pub step: StepId,
    /// Whose session the response arrived in.
    pub browser: Value,
    /// The client participant that received it.
    pub client: Value,
    /// The authorization code the response carried.
    pub code: Option<Value>,
    /// The `state` the response carried, which the client compares with `session_state`
    /// (RFC 6749 §10.12).
    pub state: Option<Value>,
    /// The state the client bound to that session, and the step that bound it.
    pub session_state: Option<(Value, StepId)>,
    /// The issuer the response names (RFC 9207 §2), if it names one.
    pub iss: Option<Value>,
}

/// A token request (a code redemption or a refresh) and the answer the flow shows.
#[derive(Clone, Debug)]
pub struct Redemption {
    /// The token request message (RFC 6749 §4.1.3, §6).
    pub request: StepId,
    /// The participant that sent it.
    pub requester: Value,
    /// The authorization server participant it went to.
    pub server: Value,
    /// That server's issuer identifier (RFC 9207 §2).
    pub issuer: String,
    /// The grant, as the request names it (`None`: no `grant_type` parameter).
    pub grant_type: Option<Value>,
    /// The grant as the model reads it.
    pub grant: GrantType,
    /// The refresh token presented, for a refresh.
    pub refresh_token: Option<Value>,
    /// The code as the AS knew it when the request arrived (`None`: unknown to this AS).
    pub code: Option<Code>,
    /// Earlier token requests for the same code at the same AS.
    pub earlier: Vec<StepId>,
    /// The callback through which the requester obtained the code, if any.
    pub callback: Option<usize>,
    /// The token endpoint's answer, if the flow shows one.
    pub response: Option<TokenAnswer>,
}

impl Redemption {
    /// Whether it redeems an authorization code (rather than a refresh token).
    pub fn is_code_grant(&self) -> bool {
        self.grant == GrantType::AuthorizationCode
    }
}

/// The token endpoint's answer to a token request (RFC 6749 §5.1, §5.2).
#[derive(Clone, Debug)]
pub struct TokenAnswer {
    /// The token response message.
    pub step: StepId,
    /// The participant the answer went to, which should be the requester.
    pub receiver: Value,
    /// The access token issued, if any.
    pub access_token: Option<Value>,
    /// The refresh token issued, if any.
    pub refresh_token: Option<Value>,
    /// The error the AS refused with (RFC 6749 §5.2), if any.
    pub error: Option<Value>,
    /// The scope the answer names; empty when it names none, which grants the scope of the
    /// grant (RFC 6749 §5.1).
    pub scope: Scope,
    /// Seconds the code had existed when the answer was given.
    pub code_age: Option<u64>,
}

impl TokenAnswer {
    /// Whether the AS issued tokens: an access token and no error.
    pub fn issued(&self) -> bool {
        self.error.is_none() && self.access_token.is_some()
    }
}

/// An access token the AS issued, at its token endpoint or in a redirect.
#[derive(Clone, Debug)]
pub struct Token {
    /// The token itself.
    pub value: Value,
    /// The authorization server that issued it.
    pub server: Value,
    /// That server's issuer identifier (RFC 9207 §2), which an API bound to one issuer
    /// compares (RFC 9700 §2.3: tokens restricted to their audience).
    pub issuer: String,
    /// The message that issued it.
    pub issued_at: StepId,
    /// Seconds since the flow started when it was issued: its lifetime counts from here.
    pub issued_time: u64,
    /// The client it was issued to.
    pub client_id: Option<Value>,
    /// The authorization code it was bought with, if any.
    pub code: Option<Value>,
    /// The refresh token of the same grant, if one was issued with it or bought it.
    pub refresh_token: Option<Value>,
    /// The scope the token grants.
    pub scope: Scope,
    /// The message that revoked it (a revocation, or a replay of its code), if any.
    pub revoked_at: Option<StepId>,
}

/// A refresh token: what a later refresh grant is judged against.
#[derive(Clone, Debug)]
pub struct RefreshToken {
    /// The refresh token itself.
    pub value: Value,
    /// The authorization server that issued it.
    pub server: Value,
    /// The token response that issued it.
    pub issued_at: StepId,
    /// The client it was issued to, the only one that may use or revoke it (RFC 6749 §6,
    /// RFC 7009 §2.1).
    pub client_id: Option<Value>,
    /// The scope the resource owner granted (RFC 6749 §6).
    pub scope: Scope,
    /// The authorization code its grant began with, passed on when it is rotated: a
    /// replay of that code revokes it (RFC 6749 §4.1.2, §10.5).
    pub code: Option<Value>,
    /// The revocation request that revoked it, if any.
    pub revoked_at: Option<StepId>,
}

/// A revocation request (RFC 7009) and its answer.
#[derive(Clone, Debug)]
pub struct Revocation {
    /// The revocation request message.
    pub request: StepId,
    /// The participant that sent it.
    pub requester: Value,
    /// The authorization server participant it went to.
    pub server: Value,
    /// The `token` the request names (RFC 7009 §2.1).
    pub token: Option<Value>,
    /// The `client_id` the request carries: the AS revokes only that client's tokens.
    pub client_id: Option<Value>,
    /// The revocation response, if the flow shows one (RFC 7009 §2.2).
    pub answered_at: Option<StepId>,
}

/// A call to the API and its answer.
#[derive(Clone, Debug)]
pub struct ApiCall {
    /// The API request message.
    pub request: StepId,
    /// The participant that made the call.
    pub caller: Value,
    /// The participant that serves the API.
    pub api: Value,
    /// The bearer access token presented (RFC 6750 §2).
    pub token: Option<Value>,
    /// The scope the resource needs, when the flow says (`{ scope: admin }` on the call).
    pub scope: Scope,
    /// The issuer whose tokens the API accepts, when its participant declares one
    /// (`participant api as resource_server { issuer: … }`); `None`: any issuer's.
    pub audience: Option<String>,
    /// The API's answer, if the flow shows one.
    pub response: Option<ApiAnswer>,
}

/// The API's answer to a call.
#[derive(Clone, Debug)]
pub struct ApiAnswer {
    /// The API response message.
    pub step: StepId,
    /// The API handed out the resource (rather than refusing).
    pub served: bool,
    /// Seconds since the flow started when it answered: token expiry is judged then.
    pub time: u64,
}

/// A participant coming to know a secret value (or the PKCE challenge), or learning it
/// again from a later message: the latest receipt is the one that explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct Learning {
    /// The participant that knows it.
    pub participant: Value,
    /// The parameter the value is.
    pub key: Key,
    /// The value.
    pub value: Value,
    /// The message it came with, or was generated for; `None`: configured with it.
    pub step: Option<StepId>,
}

/// The authorization request a client bound to one browser's session (RFC 6749 §10.12:
/// the state, RFC 7636 §4.1: the verifier), which the callback is later compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientSession {
    /// The registration of the client application.
    pub client_id: Value,
    /// The browser (or attacker) participant whose session it is.
    pub browser: Value,
    /// The state bound to the session.
    pub state: Option<Value>,
    /// The PKCE verifier kept for the session.
    pub verifier: Option<Value>,
    /// The message that bound it.
    pub bound_at: StepId,
}

/// The outcome of replaying a flow.
#[derive(Clone, Debug)]
pub struct Run {
    /// The world the flow ran in: registrations, users, policies, lifetimes.
    pub world: World,
    /// Every message, in flow order; a [`StepId`] indexes it.
    pub steps: Vec<Step>,
    /// Authorization requests that reached an authorization server.
    pub transactions: Vec<Transaction>,
    /// Authorization responses (redirects back to the client), in order.
    pub authorization_responses: Vec<AuthorizationResponse>,
    /// Authorization codes the authorization servers issued.
    pub codes: Vec<Code>,
    /// Authorization responses as the clients received them.
    pub callbacks: Vec<Callback>,
    /// Token requests: code redemptions and refreshes.
    pub redemptions: Vec<Redemption>,
    /// Access tokens the authorization servers issued.
    pub tokens: Vec<Token>,
    /// Refresh tokens the authorization servers issued.
    pub refresh_tokens: Vec<RefreshToken>,
    /// Token revocation requests (RFC 7009).
    pub revocations: Vec<Revocation>,
    /// Calls to the API.
    pub api_calls: Vec<ApiCall>,
    /// Every change in what a participant knows, in the order it happened: the teaching
    /// view rebuilds each party's knowledge at any step from it.
    pub learnings: Vec<Learning>,
    /// The authorization requests clients bound to browser sessions, in order.
    pub sessions: Vec<ClientSession>,
    /// Where every secret value came from, and the hands it passed through.
    pub provenance: Provenance,
    /// Participants that do not follow the protocol: attackers, and participants declared
    /// `{ malicious: true }` (an authorization server run by the attacker, as in a mix-up).
    /// Protocol duties bind honest parties only.
    pub dishonest: Vec<Value>,
    /// Whether some message was replayed more than once (a path through a `loop`).
    pub(crate) repeats: bool,
    pub(crate) index: Index,
}

/// Value → record lookups, kept by the replay as records are made.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    pub codes: HashMap<Value, usize>,
    pub tokens: HashMap<Value, usize>,
    pub refresh_tokens: HashMap<Value, usize>,
}

impl Run {
    /// Whether `participant` follows the protocol: neither an attacker nor declared
    /// `{ malicious: true }`.
    pub fn is_honest(&self, participant: &str) -> bool {
        !self.dishonest.iter().any(|d| &**d == participant)
    }

    /// The message `id`.
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

    /// `line N` of the message, for explanations; `line N, pass K` for a message a loop
    /// repeats, so that two passes over one line are told apart.
    pub fn line(&self, id: StepId) -> String {
        let step = &self.steps[id];
        if self.repeats {
            let same = |other: &Step| other.span.start == step.span.start;
            let pass = 1 + self.steps[..id].iter().filter(|s| same(s)).count();
            if pass > 1 || self.steps[id + 1..].iter().any(same) {
                return format!("line {}, pass {pass}", step.line);
            }
        }
        format!("line {}", step.line)
    }

    /// Code redemptions of a code the AS issued, with the answer the flow shows: what
    /// every token-endpoint invariant about codes judges.
    pub fn answered_redemptions(&self) -> impl Iterator<Item = (&Redemption, &Code, &TokenAnswer)> {
        self.redemptions
            .iter()
            .filter(|r| r.is_code_grant())
            .filter_map(|r| Some((r, r.code.as_ref()?, r.response.as_ref()?)))
    }

    /// The authorization code `value`, if an AS issued it.
    pub fn code(&self, value: &str) -> Option<&Code> {
        self.index.codes.get(value).map(|&i| &self.codes[i])
    }

    /// The access token `value`, if an AS issued it.
    pub fn token(&self, value: &str) -> Option<&Token> {
        self.index.tokens.get(value).map(|&i| &self.tokens[i])
    }

    /// The refresh token `value`, if an AS issued it.
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
    /// Generated by the sender of this message.
    Step(StepId),
}

/// Where every secret value came from: a graph whose nodes are messages and whose edge
/// `a -> b` labelled `v` says that the sender of `b` carried `v` having learned it from `a`
/// (or generated it in `a`). Explanations follow it back to the origin. Most messages of a
/// long flow neither carry a secret nor pass one on, so a message gets its node when its
/// first edge is added.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    graph: DiGraph<StepId, Value>,
    /// Each message's node, by step: most have none.
    nodes: Vec<Option<NodeIndex>>,
    /// Where each value was first generated.
    generated: HashMap<Value, Origin>,
}

impl Provenance {
    pub(crate) fn with_capacity(steps: usize) -> Provenance {
        Provenance {
            graph: DiGraph::with_capacity(steps, steps),
            nodes: Vec::with_capacity(steps),
            generated: HashMap::default(),
        }
    }

    pub(crate) fn generated(&mut self, value: &Value, origin: Origin) {
        if !self.generated.contains_key(value) {
            self.generated.insert(value.clone(), origin);
        }
    }

    fn node(&mut self, step: StepId) -> NodeIndex {
        if self.nodes.len() <= step {
            self.nodes.resize(step + 1, None);
        }
        match self.nodes[step] {
            Some(node) => node,
            None => {
                let node = self.graph.add_node(step);
                self.nodes[step] = Some(node);
                node
            }
        }
    }

    /// The sender of `to` carried `value`, learned in `from`.
    pub(crate) fn carried(&mut self, from: StepId, to: StepId, value: &Value) {
        if from != to {
            let (from, to) = (self.node(from), self.node(to));
            self.graph.add_edge(from, to, value.clone());
        }
    }

    /// Where `value` was generated; `None` for a value nobody has had.
    pub fn origin(&self, value: &str) -> Option<Origin> {
        self.generated.get(value).copied()
    }

    /// The shared value `text` is, if some message has generated it.
    pub(crate) fn known(&self, text: &str) -> Option<&Value> {
        self.generated.get_key_value(text).map(|(value, _)| value)
    }

    /// The chain of steps that brought `value` to `step`, oldest first. Of two edges into
    /// one message with the same value, the latest counts (petgraph lists it first).
    pub fn path(&self, value: &str, step: StepId) -> Vec<StepId> {
        let mut path = vec![step];
        if let Some(&Some(start)) = self.nodes.get(step) {
            let mut node = start;
            while let Some(edge) = self
                .graph
                .edges_directed(node, petgraph::Direction::Incoming)
                .find(|e| &**e.weight() == value)
            {
                node = edge.source();
                path.push(self.graph[node]);
            }
        }
        path.reverse();
        path
    }
}
