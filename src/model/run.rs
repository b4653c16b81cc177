//! What a replay produces: one record per message, and the protocol objects the actors
//! created along the way (authorization transactions, codes, tokens, callbacks,
//! redemptions, API calls). Invariants judge these records; the records themselves hold
//! facts only, no verdicts.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::params::Params;
use super::role::Role;
use super::step::StepKind;
use super::world::World;
use crate::Span;

/// Index of a message in [`Run::steps`].
pub type StepId = usize;

#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based line of the message in its file, for explanations.
    pub line: usize,
    pub span: Span,
    /// Span of the label, where most carets go.
    pub label_span: Span,
    pub from: String,
    pub to: String,
    pub from_role: Role,
    pub to_role: Role,
    pub kind: StepKind,
    pub params: Params,
    /// Seconds since the flow started.
    pub time: u64,
    /// Secret values the sender carried without having generated or received them.
    pub unknown_to_sender: Vec<(String, String)>,
}

/// One authorization request and what became of it at the authorization server.
#[derive(Clone, Debug, Default)]
pub struct Transaction {
    pub request: StepId,
    /// The session (browser or attacker participant) the request was made in.
    pub browser: String,
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    /// Credentials and consent the user submitted, in order.
    pub logins: Vec<LoginAttempt>,
    /// Where the AS asked for consent on its own page, after the user logged in.
    pub consent_page_at: Option<StepId>,
    pub denied_at: Option<StepId>,
    /// The first step in which the AS went on with the request (login page, response).
    pub continued_at: Option<StepId>,
    /// The step in which the AS refused the request (error page or error response)
    /// before going on with it.
    pub refused_at: Option<StepId>,
}

impl Transaction {
    /// The submission that recorded the user's consent: the first authenticated one, or,
    /// when the AS asked for consent on a page of its own, the first after that page.
    pub fn consent(&self) -> Option<&LoginAttempt> {
        self.logins
            .iter()
            .filter(|l| self.consent_page_at.is_none_or(|page| l.step > page))
            .find(|l| l.authenticated)
    }

    /// Whether the user has logged in for this request.
    pub fn authenticated(&self) -> bool {
        self.logins.iter().any(|l| l.authenticated)
    }
}

#[derive(Clone, Debug)]
/// A submission at the login or consent page. A consent given after logging in carries
/// no credentials and is authenticated by the earlier login.
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
    pub transaction: Option<usize>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub state: Option<String>,
    pub access_token: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Code {
    pub value: String,
    pub transaction: usize,
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
    pub browser: String,
    pub client: String,
    pub code: Option<String>,
    pub state: Option<String>,
    /// The state the client bound to that session, and the step that bound it.
    pub session_state: Option<(String, StepId)>,
}

/// A token request (a code redemption, or another grant such as a refresh) and the
/// answer the flow shows for it.
#[derive(Clone, Debug)]
pub struct Redemption {
    pub request: StepId,
    pub requester: String,
    /// `authorization_code` for a code redemption; `refresh_token` and other grants carry
    /// no code, and only the invariants about any token request judge them.
    pub grant_type: Option<String>,
    /// The refresh token presented, for a refresh.
    pub refresh_token: Option<String>,
    /// The code as the AS knew it when the request arrived.
    pub code: Option<Code>,
    /// Earlier token requests for the same code.
    pub earlier: Vec<StepId>,
    /// The callback through which the requester obtained the code, if any.
    pub callback: Option<usize>,
    pub response: Option<TokenAnswer>,
}

#[derive(Clone, Debug)]
pub struct TokenAnswer {
    pub step: StepId,
    pub receiver: String,
    /// Tokens issued; empty when the AS refused.
    pub access_token: Option<String>,
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
    pub issued_at: StepId,
    pub issued_time: u64,
    pub client_id: Option<String>,
    pub code: Option<String>,
    /// The scope the token grants.
    pub scope: Vec<String>,
    pub revoked_at: Option<StepId>,
}

/// A call to the API and its answer.
#[derive(Clone, Debug)]
pub struct ApiCall {
    pub request: StepId,
    pub caller: String,
    pub api: String,
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
    pub api_calls: Vec<ApiCall>,
    pub provenance: Provenance,
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

    /// Token requests for a code the AS issued, with the answer the flow shows: what
    /// every token-endpoint invariant judges.
    pub fn answered_redemptions(&self) -> impl Iterator<Item = (&Redemption, &Code, &TokenAnswer)> {
        self.redemptions
            .iter()
            .filter_map(|r| Some((r, r.code.as_ref()?, r.response.as_ref()?)))
    }

    pub fn code(&self, value: &str) -> Option<&Code> {
        self.codes.iter().find(|c| c.value == value)
    }

    pub fn token(&self, value: &str) -> Option<&Token> {
        self.tokens.iter().find(|t| t.value == value)
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
    graph: DiGraph<StepId, String>,
    nodes: Vec<NodeIndex>,
    /// Where each value was first generated.
    generated: std::collections::HashMap<String, Origin>,
}

impl Provenance {
    pub(crate) fn add_step(&mut self, step: StepId) {
        let node = self.graph.add_node(step);
        self.nodes.push(node);
    }

    pub(crate) fn generated(&mut self, value: &str, origin: Origin) {
        self.generated.entry(value.to_string()).or_insert(origin);
    }

    pub(crate) fn carried(&mut self, from: StepId, to: StepId, value: &str) {
        if from != to {
            self.graph
                .add_edge(self.nodes[from], self.nodes[to], value.to_string());
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
            .find(|e| e.weight() == value)
        {
            node = edge.source();
            path.push(self.graph[node]);
        }
        path.reverse();
        path
    }
}
