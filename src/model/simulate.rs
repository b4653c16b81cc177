//! The replay: each message is classified, the sending actor's model fills in the
//! parameters a correct actor would send, the author's overrides are applied, and every
//! actor's knowledge and stored state is updated. Nothing here judges; it records.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::params::{Params, SECRET_KEYS, scope_list};
use super::role::Role;
use super::run::*;
use super::step::{Expecting, Hint, StepKind, classify, error_word};
use super::world::World;
use crate::syntax::{Message, Param};

mod authorization_server;
mod client;
mod resource_server;

use client::Prepared;

/// A message with its participants' roles resolved (by `model::bind`).
pub(crate) struct BoundMessage<'a> {
    pub message: &'a Message,
    pub line: usize,
    pub from_role: Role,
    pub to_role: Role,
    pub explicit_step: Option<StepKind>,
}

pub(crate) enum Event<'a> {
    Message(BoundMessage<'a>),
    Wait(u64),
}

/// S256 as RFC 7636 §4.2 defines it: BASE64URL(SHA256(ASCII(code_verifier))), unpadded.
pub fn s256(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub(crate) struct Simulator {
    world: World,
    roles: HashMap<String, Role>,
    clock: u64,
    steps: Vec<Step>,
    transactions: Vec<Transaction>,
    responses: Vec<AuthorizationResponse>,
    codes: Vec<Code>,
    callbacks: Vec<Callback>,
    redemptions: Vec<Redemption>,
    tokens: Vec<Token>,
    api_calls: Vec<ApiCall>,
    provenance: Provenance,
    /// What each participant knows: value -> where it learned it (None: configuration).
    knowledge: HashMap<String, HashMap<String, Option<StepId>>>,
    last_code: HashMap<String, String>,
    last_token: HashMap<String, String>,
    last_refresh: HashMap<String, String>,
    /// The scope each refresh token was issued with, for the tokens it buys later.
    refresh_scopes: HashMap<String, Vec<String>>,
    sessions: HashMap<String, Prepared>,
    counters: HashMap<&'static str, usize>,
    current_transaction: Option<usize>,
    /// Token requests not answered yet, oldest first.
    unanswered_redemptions: Vec<usize>,
    /// API calls not answered yet, oldest first.
    unanswered_api_calls: Vec<usize>,
    /// The redirect to a callback each user agent holds and has not followed yet.
    held_redirect: HashMap<String, Params>,
    last_callback: HashMap<String, usize>,
    mistyped_password: bool,
}

/// The message being replayed, as the actor models see it.
struct Sent<'a> {
    id: StepId,
    kind: StepKind,
    from: &'a str,
    to: &'a str,
    from_role: Role,
    to_role: Role,
    label: &'a str,
    hint: Hint,
    /// The parameters the author wrote on the message.
    written: &'a [Param],
}

impl Sent<'_> {
    /// What the author wrote for `key`: `Some(None)` for `none`.
    fn written(&self, key: &str) -> Option<Option<&str>> {
        self.written
            .iter()
            .find(|p| p.key.text == key)
            .map(|p| p.value.text())
    }
}

/// What the sender's model puts in a message, and the values it generates for it.
#[derive(Default)]
struct Outgoing {
    params: Params,
    generated: Vec<String>,
}

impl Simulator {
    pub(crate) fn new(world: World, roles: HashMap<String, Role>) -> Simulator {
        let mut simulator = Simulator {
            world,
            roles,
            clock: 0,
            steps: Vec::new(),
            transactions: Vec::new(),
            responses: Vec::new(),
            codes: Vec::new(),
            callbacks: Vec::new(),
            redemptions: Vec::new(),
            tokens: Vec::new(),
            api_calls: Vec::new(),
            provenance: Provenance::default(),
            knowledge: HashMap::new(),
            last_code: HashMap::new(),
            last_token: HashMap::new(),
            last_refresh: HashMap::new(),
            refresh_scopes: HashMap::new(),
            sessions: HashMap::new(),
            counters: HashMap::new(),
            current_transaction: None,
            unanswered_redemptions: Vec::new(),
            unanswered_api_calls: Vec::new(),
            held_redirect: HashMap::new(),
            last_callback: HashMap::new(),
            mistyped_password: false,
        };
        simulator.seed_configuration();
        simulator
    }

    /// Configuration secrets: the client's credentials live with the client, the users'
    /// passwords with the users (their browsers and the login page they type into); the
    /// extra registrations of the front matter are the attacker's own.
    fn seed_configuration(&mut self) {
        let participants: Vec<(String, Role)> =
            self.roles.iter().map(|(n, r)| (n.clone(), *r)).collect();
        let client_secret = self.world.client.secret.clone();
        let other_secrets: Vec<String> = self
            .world
            .registrations
            .iter()
            .skip(1)
            .filter_map(|c| c.secret.clone())
            .collect();
        let passwords: Vec<String> = self
            .world
            .users
            .iter()
            .map(|u| u.password.clone())
            .collect();
        // The first user is the one the flow is about; further users, like further
        // registrations, are accounts the attacker holds (e.g. for login CSRF).
        let attacker_passwords: Vec<String> = passwords.iter().skip(1).cloned().collect();
        let mut config = Vec::new();
        config.extend(client_secret.iter().cloned());
        config.extend(other_secrets.iter().cloned());
        config.extend(passwords.iter().cloned());
        for value in config {
            self.provenance.generated(&value, Origin::Config);
        }
        for (name, role) in participants {
            let known: Vec<String> = match role {
                Role::Client => client_secret.iter().cloned().collect(),
                Role::Browser | Role::LoginPage => passwords.clone(),
                Role::Attacker => other_secrets
                    .iter()
                    .chain(&attacker_passwords)
                    .cloned()
                    .collect(),
                Role::AuthorizationServer => {
                    let mut all: Vec<String> = self
                        .world
                        .registrations
                        .iter()
                        .filter_map(|c| c.secret.clone())
                        .collect();
                    all.extend(passwords.iter().cloned());
                    all
                }
                Role::ResourceServer => Vec::new(),
            };
            let entry = self.knowledge.entry(name).or_default();
            for value in known {
                entry.insert(value, None);
            }
        }
    }

    pub(crate) fn finish(self) -> Run {
        Run {
            world: self.world,
            steps: self.steps,
            transactions: self.transactions,
            authorization_responses: self.responses,
            codes: self.codes,
            callbacks: self.callbacks,
            redemptions: self.redemptions,
            tokens: self.tokens,
            api_calls: self.api_calls,
            provenance: self.provenance,
        }
    }

    pub(crate) fn wait(&mut self, seconds: u64) {
        self.clock = self.clock.saturating_add(seconds);
    }

    /// A fresh readable value (`state-1`, `code-2`, ...) not yet used in this run.
    fn fresh(&mut self, prefix: &'static str) -> String {
        loop {
            let counter = self.counters.entry(prefix).or_insert(0);
            *counter += 1;
            let value = format!("{prefix}-{counter}");
            if self.provenance.origin(&value).is_none() {
                return value;
            }
        }
    }

    /// A PKCE verifier: RFC 7636 §4.1 asks for 43 to 128 characters.
    fn fresh_verifier(&mut self) -> String {
        let base = self.fresh("verifier");
        format!(
            "{base}-{}",
            "x".repeat(43usize.saturating_sub(base.len() + 1))
        )
    }

    fn expecting(&self, from: &str, to: &str) -> Expecting {
        Expecting {
            token_response: !self.unanswered_redemptions.is_empty(),
            login: self.current_transaction.is_some_and(|t| {
                self.transactions[t].consent().is_none() && self.transactions[t].denied_at.is_none()
            }),
            callback: self.held_redirect.contains_key(from),
            api_response: self.api_call_answered(from, to).is_some(),
            has_token: self.last_token.contains_key(from),
            session_bound: self.sessions.contains_key(to),
            consent_page: self.current_transaction.is_some_and(|t| {
                let transaction = &self.transactions[t];
                transaction.authenticated()
                    && transaction.denied_at.is_none()
                    && !self.responses.iter().any(|r| r.transaction == Some(t))
            }),
        }
    }

    /// Replays one message: classify it, let the sender's model fill in what a correct
    /// actor sends, apply the author's overrides, check causality, record the step, update
    /// the actors' state, and let the receiver observe what arrived.
    pub(crate) fn message(&mut self, bound: &BoundMessage<'_>) {
        let message = bound.message;
        let from = message.from.text.as_str();
        let to = message.to.text.as_str();
        let hint = Hint::new(&message.label.text);
        let kind = bound.explicit_step.unwrap_or_else(|| {
            classify(
                bound.from_role,
                bound.to_role,
                message.is_self(),
                &hint,
                self.expecting(from, to),
            )
        });
        let id = self.steps.len();
        self.provenance.add_step(id);
        let sent = Sent {
            id,
            kind,
            from,
            to,
            from_role: bound.from_role,
            to_role: bound.to_role,
            label: &message.label.text,
            hint,
            written: &message.params,
        };

        let mut out = Outgoing::default();
        self.fill_defaults(&sent, &mut out);
        out.params.apply(&message.params);
        let unknown = self.causality(&sent, &mut out);
        let params = out.params;

        self.steps.push(Step {
            line: bound.line,
            span: message.span,
            label_span: message.label.span,
            from: from.to_string(),
            to: to.to_string(),
            from_role: bound.from_role,
            to_role: bound.to_role,
            kind,
            params: params.clone(),
            time: self.clock,
            unknown_to_sender: unknown,
        });

        self.apply_effects(&sent, &params);
        self.hold_redirect(&sent, &params);
        self.observe(&sent, &params);
    }

    /// What a correct sender puts in the message, by step.
    fn fill_defaults(&mut self, sent: &Sent, out: &mut Outgoing) {
        match sent.kind {
            StepKind::AuthorizationRedirect | StepKind::AuthorizationRequest => {
                self.authorization_request_defaults(sent, out)
            }
            StepKind::EnterCredentials => self.enter_credentials(sent),
            StepKind::Login => self.login_defaults(sent, out),
            StepKind::AuthorizationResponse => self.authorization_response_defaults(sent, out),
            StepKind::Callback => self.callback_defaults(sent, out),
            StepKind::TokenRequest => self.token_request_defaults(sent, &mut out.params),
            StepKind::TokenResponse => self.token_response_defaults(sent, out),
            StepKind::ApiRequest => self.api_request_defaults(sent, out),
            StepKind::Leak => self.leak_defaults(sent, out),
            _ => {}
        }
    }

    /// Every secret value carried must be known to the sender; returns the ones it could
    /// not know. A value nobody had before is one the sender makes up here.
    fn causality(&mut self, sent: &Sent, out: &mut Outgoing) -> Vec<(String, String)> {
        let mut unknown = Vec::new();
        for carried in out
            .params
            .iter()
            .filter(|c| SECRET_KEYS.contains(&c.key.as_str()))
        {
            if out.generated.contains(&carried.value) {
                continue;
            }
            match self
                .knowledge
                .get(sent.from)
                .and_then(|k| k.get(&carried.value))
            {
                Some(Some(learned)) => self.provenance.carried(*learned, sent.id, &carried.value),
                Some(None) => {}
                None if self.provenance.origin(&carried.value).is_some() => {
                    unknown.push((carried.key.clone(), carried.value.clone()));
                }
                None => out.generated.push(carried.value.clone()),
            }
        }
        for value in &out.generated {
            self.provenance.generated(value, Origin::Step(sent.id));
            self.learn(sent.from, value, sent.id);
        }
        unknown
    }

    /// What the message does to the actors' stored state, by step.
    fn apply_effects(&mut self, sent: &Sent, params: &Params) {
        match sent.kind {
            StepKind::AuthorizationRedirect | StepKind::AuthorizationRequest => {
                self.bind_session(sent.kind, sent.from, sent.to, sent.id, params);
                if sent.kind == StepKind::AuthorizationRequest
                    && sent.to_role.is_authorization_server()
                {
                    self.open_transaction(sent.from, sent.id, params);
                }
            }
            StepKind::LoginPage | StepKind::ErrorPage => self.page(sent),
            StepKind::Login => self.login(sent.id, params),
            StepKind::Deny => self.deny(sent),
            StepKind::AuthorizationResponse => {
                self.authorization_response(sent.id, sent.to, sent.to_role, params)
            }
            StepKind::Callback => {
                self.held_redirect.remove(sent.from);
                self.callback(sent.id, sent.from, sent.to, params);
            }
            StepKind::TokenRequest => self.token_request(sent.id, sent.from, params),
            StepKind::TokenResponse => self.token_response(sent.id, sent.to, params),
            StepKind::ApiRequest => self.api_request(sent, params),
            StepKind::ApiResponse => self.api_response(sent, params),
            _ => {}
        }
    }

    /// The receiver observes every secret the message carried.
    fn observe(&mut self, sent: &Sent, params: &Params) {
        for carried in params.iter() {
            if SECRET_KEYS.contains(&carried.key.as_str()) || carried.key == "code_challenge" {
                self.learn(sent.to, &carried.value, sent.id);
                match carried.key.as_str() {
                    "code" => {
                        self.last_code
                            .insert(sent.to.to_string(), carried.value.clone());
                    }
                    "access_token" => {
                        self.last_token
                            .insert(sent.to.to_string(), carried.value.clone());
                    }
                    "refresh_token" => {
                        self.last_refresh
                            .insert(sent.to.to_string(), carried.value.clone());
                    }
                    _ => {}
                }
            }
        }
    }

    /// Records that `who` has `value` since `step`. The latest receipt wins: when a value
    /// is passed on, the message it most recently arrived with is the one that explains it.
    fn learn(&mut self, who: &str, value: &str, step: StepId) {
        self.knowledge
            .entry(who.to_string())
            .or_default()
            .insert(value.to_string(), Some(step));
    }
}

impl Simulator {
    pub(crate) fn replay(mut self, events: &[Event<'_>]) -> Run {
        for event in events {
            match event {
                Event::Message(bound) => self.message(bound),
                Event::Wait(seconds) => self.wait(*seconds),
            }
        }
        self.finish()
    }
}
