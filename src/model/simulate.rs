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
use crate::syntax::Message;

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

/// Where a value was first generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Part of the world's configuration (a client secret, a password).
    Config,
    Step(StepId),
}

/// The authorization request a client prepared in one browser session.
#[derive(Clone, Debug, Default)]
struct Prepared {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    verifier: Option<String>,
    challenge: Option<String>,
    method: Option<String>,
    /// The step that bound this request to the session.
    bound_at: StepId,
    /// Whether the browser has already taken it to the authorization endpoint.
    sent: bool,
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
    origins: HashMap<String, Origin>,
    last_code: HashMap<String, String>,
    last_token: HashMap<String, String>,
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
            origins: HashMap::new(),
            last_code: HashMap::new(),
            last_token: HashMap::new(),
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
            self.origins.insert(value, Origin::Config);
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
            if !self.origins.contains_key(&value) {
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
        }
    }

    pub(crate) fn message(&mut self, bound: &BoundMessage<'_>) {
        let message = bound.message;
        let from = message.from.text.as_str();
        let to = message.to.text.as_str();
        let kind = bound.explicit_step.unwrap_or_else(|| {
            classify(
                bound.from_role,
                bound.to_role,
                message.is_self(),
                &message.label.text,
                self.expecting(from, to),
            )
        });
        let id = self.steps.len();
        self.provenance.add_step(id);
        let hint = Hint::new(&message.label.text);
        let mut params = Params::default();
        let mut generated: Vec<String> = Vec::new();

        // Defaults a correct actor would send.
        match kind {
            StepKind::AuthorizationRedirect | StepKind::AuthorizationRequest => {
                let session = if kind == StepKind::AuthorizationRedirect {
                    to
                } else {
                    from
                };
                let reuse = kind == StepKind::AuthorizationRequest
                    && self.sessions.get(session).is_some_and(|p| !p.sent);
                if !reuse {
                    let prepared = self.prepare(id, &mut generated);
                    self.sessions.insert(session.to_string(), prepared);
                }
                let prepared = &self.sessions[session];
                params.set("response_type", Some("code"));
                params.set("client_id", prepared.client_id.clone());
                params.set("redirect_uri", prepared.redirect_uri.clone());
                params.set("scope", prepared.scope.clone());
                params.set("state", prepared.state.clone());
                params.set("code_challenge", prepared.challenge.clone());
                params.set("code_challenge_method", prepared.method.clone());
            }
            StepKind::EnterCredentials
                if hint.any(&["wrong", "invalid", "typo", "incorrect", "bad"]) =>
            {
                self.mistyped_password = true;
            }
            StepKind::Login => {
                // An attacker logs in to its own account, the first of the further users.
                let user = match bound.from_role {
                    Role::Attacker => self.world.users.get(1),
                    _ => self.world.users.first(),
                }
                .cloned();
                let wrong =
                    self.mistyped_password || hint.any(&["wrong", "invalid", "incorrect", "typo"]);
                params.set("username", user.as_ref().map(|u| u.name.clone()));
                let password = if wrong {
                    Some("wrong-password".to_string())
                } else {
                    user.map(|u| u.password)
                };
                params.set("password", password);
                let requested = self
                    .current_transaction
                    .map(|t| self.transactions[t].scope.join(" "));
                params.set("scope", requested.filter(|s| !s.is_empty()));
            }
            StepKind::AuthorizationResponse => {
                let transaction = self.current_transaction.map(|t| &self.transactions[t]);
                let denied = transaction.is_some_and(|t| t.denied_at.is_some()) || hint.denial();
                let state = transaction.and_then(|t| t.state.clone());
                if denied {
                    params.set("error", Some("access_denied"));
                } else if hint.error() {
                    params.set(
                        "error",
                        Some(error_word(&message.label.text).unwrap_or("invalid_request")),
                    );
                } else {
                    let code = self.fresh("code");
                    generated.push(code.clone());
                    params.set("code", Some(code));
                }
                params.set("state", state);
            }
            StepKind::Callback => {
                if let Some(held) = self.held_redirect.get(from) {
                    params = held.clone();
                }
            }
            StepKind::TokenRequest => {
                self.token_request_defaults(from, bound.from_role, &mut params)
            }
            StepKind::TokenResponse => {
                if hint.error() {
                    params.set(
                        "error",
                        Some(error_word(&message.label.text).unwrap_or("invalid_grant")),
                    );
                } else {
                    let token = self.fresh("token");
                    generated.push(token.clone());
                    params.set("access_token", Some(token));
                    params.set("token_type", Some("Bearer"));
                    let scope = self
                        .redemption_answered_to(to)
                        .and_then(|r| self.redemptions[r].code.as_ref())
                        .map(|c| c.scope.join(" "));
                    params.set("scope", scope.filter(|s| !s.is_empty()));
                }
            }
            StepKind::ApiRequest => params.set("access_token", self.last_token.get(from).cloned()),
            StepKind::Leak => {
                if hint.any(&[
                    "code", "url", "referer", "referrer", "history", "redirect", "callback",
                ]) {
                    let code = self.last_code.get(from).cloned();
                    params.set("code", code.clone());
                    // A leaked URL (Referer, history, the redirect itself) is the whole
                    // callback URL: the state travels with the code, when the sender has it.
                    if hint.any(&[
                        "url", "referer", "referrer", "history", "callback", "redirect",
                    ]) {
                        let state = code
                            .as_ref()
                            .and_then(|c| {
                                self.responses
                                    .iter()
                                    .rev()
                                    .find(|r| r.code.as_ref() == Some(c))
                            })
                            .and_then(|r| r.state.clone())
                            .filter(|s| {
                                self.knowledge.get(from).is_some_and(|k| k.contains_key(s))
                            });
                        params.set("state", state);
                    }
                }
                if hint.any(&["token"]) {
                    params.set("access_token", self.last_token.get(from).cloned());
                }
            }
            _ => {}
        }
        params.apply(&message.params);

        // Causality: every secret value carried must be known to the sender.
        let mut unknown = Vec::new();
        for carried in params
            .iter()
            .filter(|c| SECRET_KEYS.contains(&c.key.as_str()))
        {
            if generated.contains(&carried.value) {
                continue;
            }
            match self.knowledge.get(from).and_then(|k| k.get(&carried.value)) {
                Some(Some(learned)) => self.provenance.carried(*learned, id, &carried.value),
                Some(None) => {}
                None if self.origins.contains_key(&carried.value) => {
                    unknown.push((carried.key.clone(), carried.value.clone()));
                }
                // A value nobody had before: the sender makes it up here.
                None => generated.push(carried.value.clone()),
            }
        }
        for value in &generated {
            self.origins
                .entry(value.clone())
                .or_insert(Origin::Step(id));
            self.provenance.generated(value, id);
            self.learn(from, value, id);
        }

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

        // Effects on the actors' state.
        match kind {
            StepKind::AuthorizationRedirect | StepKind::AuthorizationRequest => {
                self.bind_session(kind, from, to, id, &params);
                if kind == StepKind::AuthorizationRequest && bound.to_role.is_authorization_server()
                {
                    self.open_transaction(from, id, &params);
                }
            }
            StepKind::LoginPage | StepKind::ErrorPage => {
                if let Some(t) = self.current_transaction {
                    let transaction = &mut self.transactions[t];
                    match kind {
                        StepKind::LoginPage => transaction.continued_at.get_or_insert(id),
                        _ => transaction.refused_at.get_or_insert(id),
                    };
                }
            }
            StepKind::Login => self.login(id, &params),
            StepKind::Deny => {
                if let Some(t) = self.current_transaction {
                    self.transactions[t].denied_at.get_or_insert(id);
                }
            }
            StepKind::AuthorizationResponse => {
                self.authorization_response(id, to, bound.to_role, &params)
            }
            StepKind::Callback => {
                self.held_redirect.remove(from);
                self.callback(id, from, to, &params);
            }
            StepKind::TokenRequest => self.token_request(id, from, &params),
            StepKind::TokenResponse => self.token_response(id, to, &params),
            StepKind::ApiRequest => {
                self.unanswered_api_calls.push(self.api_calls.len());
                self.api_calls.push(ApiCall {
                    request: id,
                    caller: from.to_string(),
                    api: to.to_string(),
                    token: params.get("access_token").map(str::to_string),
                    response: None,
                });
            }
            StepKind::ApiResponse => {
                if let Some(call) = self.api_call_answered(from, to) {
                    self.unanswered_api_calls.retain(|&c| c != call);
                    let served = !(hint.error() || params.get("error").is_some());
                    self.api_calls[call].response = Some(ApiAnswer {
                        step: id,
                        served,
                        time: self.clock,
                    });
                }
            }
            _ => {}
        }

        // A user agent handed a redirect to the client's callback, by the AS or through a
        // link an attacker planted, holds it until it follows it.
        if bound.to_role.is_user_agent()
            && (kind == StepKind::AuthorizationResponse || params.get("code").is_some())
        {
            let mut redirect = Params::default();
            for key in ["code", "state", "error", "access_token"] {
                redirect.set(key, params.get(key));
            }
            self.held_redirect.insert(to.to_string(), redirect);
        }

        // The receiver observes everything the message carried.
        for carried in params.iter() {
            if SECRET_KEYS.contains(&carried.key.as_str()) || carried.key == "code_challenge" {
                self.learn(to, &carried.value, id);
                match carried.key.as_str() {
                    "code" => {
                        self.last_code.insert(to.to_string(), carried.value.clone());
                    }
                    "access_token" => {
                        self.last_token
                            .insert(to.to_string(), carried.value.clone());
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

    /// The client prepares an authorization request: fresh state and, for PKCE clients,
    /// a verifier whose S256 challenge goes into the request.
    fn prepare(&mut self, step: StepId, generated: &mut Vec<String>) -> Prepared {
        let client = self.world.client.clone();
        let state = self.fresh("state");
        generated.push(state.clone());
        let (verifier, challenge, method) = if client.uses_pkce {
            let verifier = self.fresh_verifier();
            generated.push(verifier.clone());
            let challenge = s256(&verifier);
            (Some(verifier), Some(challenge), Some("S256".to_string()))
        } else {
            (None, None, None)
        };
        Prepared {
            client_id: Some(client.id.clone()),
            redirect_uri: client.redirect_uris.first().cloned(),
            scope: Some(client.scope.clone()),
            state: Some(state),
            verifier,
            challenge,
            method,
            bound_at: step,
            sent: false,
        }
    }

    /// What the client binds to the session is what it actually put in the request it
    /// built: overrides on that message change the binding; a browser tampering with a
    /// request prepared earlier does not.
    fn bind_session(&mut self, kind: StepKind, from: &str, to: &str, id: StepId, params: &Params) {
        let session_owner = if kind == StepKind::AuthorizationRedirect {
            to
        } else {
            from
        };
        let clients: Vec<String> = self
            .roles
            .iter()
            .filter(|(_, r)| **r == Role::Client)
            .map(|(n, _)| n.clone())
            .collect();
        let Some(prepared) = self.sessions.get_mut(session_owner) else {
            return;
        };
        if prepared.bound_at == id {
            prepared.client_id = params.get("client_id").map(str::to_string);
            prepared.redirect_uri = params.get("redirect_uri").map(str::to_string);
            prepared.scope = params.get("scope").map(str::to_string);
            prepared.state = params.get("state").map(str::to_string);
            prepared.challenge = params.get("code_challenge").map(str::to_string);
            prepared.method = params.get("code_challenge_method").map(str::to_string);
            if prepared.challenge.is_none() {
                prepared.verifier = None;
            }
        }
        if kind == StepKind::AuthorizationRequest {
            prepared.sent = true;
        }
        // The session lives in the client: its back end knows what the front end bound.
        let values: Vec<String> = [&prepared.state, &prepared.verifier]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for client in clients {
            for value in &values {
                self.learn(&client, value, id);
            }
        }
    }

    fn open_transaction(&mut self, browser: &str, id: StepId, params: &Params) {
        self.transactions.push(Transaction {
            request: id,
            browser: browser.to_string(),
            response_type: params.get("response_type").map(str::to_string),
            client_id: params.get("client_id").map(str::to_string),
            redirect_uri: params.get("redirect_uri").map(str::to_string),
            scope: scope_list(params.get("scope")),
            state: params.get("state").map(str::to_string),
            code_challenge: params.get("code_challenge").map(str::to_string),
            code_challenge_method: params.get("code_challenge_method").map(str::to_string),
            ..Transaction::default()
        });
        self.current_transaction = Some(self.transactions.len() - 1);
    }

    fn login(&mut self, id: StepId, params: &Params) {
        self.mistyped_password = false;
        let Some(t) = self.current_transaction else {
            return;
        };
        let username = params.get("username").map(str::to_string);
        let password = params.get("password");
        let authenticated = self.world.users.iter().any(|u| {
            Some(u.name.as_str()) == username.as_deref() && Some(u.password.as_str()) == password
        });
        self.transactions[t].logins.push(LoginAttempt {
            step: id,
            username,
            authenticated,
            scope: scope_list(params.get("scope")),
        });
    }

    fn authorization_response(&mut self, id: StepId, to: &str, to_role: Role, params: &Params) {
        let transaction = self.current_transaction;
        if let Some(t) = transaction {
            let txn = &mut self.transactions[t];
            match (params.get("error"), txn.continued_at) {
                (None, _) => {
                    txn.continued_at.get_or_insert(id);
                }
                // An error before the AS went on refuses the request; after it (a denial)
                // it ends a transaction that was legitimately under way.
                (Some(_), None) => {
                    txn.refused_at.get_or_insert(id);
                }
                (Some(_), Some(_)) => {}
            }
            if let Some(code) = params.get("code")
                && !self.codes.iter().any(|c| c.value == code)
            {
                let txn = &self.transactions[t];
                let scope = txn
                    .consent()
                    .map_or_else(|| txn.scope.clone(), |c| c.scope.clone());
                self.codes.push(Code {
                    value: code.to_string(),
                    transaction: t,
                    issued_at: id,
                    issued_time: self.clock,
                    client_id: txn.client_id.clone(),
                    redirect_uri: txn.redirect_uri.clone(),
                    code_challenge: txn.code_challenge.clone(),
                    code_challenge_method: txn.code_challenge_method.clone(),
                    scope,
                });
            }
            // A token in the redirect (implicit or hybrid grant) is still one the AS
            // issued: the API judges it like any other, `no_token_in_front_channel` judges
            // the way it travelled.
            if params.get("error").is_none()
                && let Some(token) = params.get("access_token")
                && !self.tokens.iter().any(|tk| tk.value == token)
            {
                self.tokens.push(Token {
                    value: token.to_string(),
                    issued_at: id,
                    issued_time: self.clock,
                    client_id: self.transactions[t].client_id.clone(),
                    code: None,
                    revoked_at: None,
                });
            }
        }
        self.responses.push(AuthorizationResponse {
            step: id,
            transaction,
            code: params.get("code").map(str::to_string),
            error: params.get("error").map(str::to_string),
            state: params.get("state").map(str::to_string),
            access_token: params.get("access_token").map(str::to_string),
        });
        // Drawn straight to the client: the browser's hop to redirect_uri is implied.
        if to_role == Role::Client {
            let browser = transaction
                .map(|t| self.transactions[t].browser.clone())
                .unwrap_or_default();
            self.callback(id, &browser, to, params);
        }
    }

    fn callback(&mut self, id: StepId, browser: &str, client: &str, params: &Params) {
        let session_state = self
            .sessions
            .get(browser)
            .and_then(|p| p.state.clone().map(|s| (s, p.bound_at)));
        self.last_callback
            .insert(client.to_string(), self.callbacks.len());
        self.callbacks.push(Callback {
            step: id,
            browser: browser.to_string(),
            client: client.to_string(),
            code: params.get("code").map(str::to_string),
            state: params.get("state").map(str::to_string),
            session_state,
        });
    }

    fn token_request_defaults(&self, from: &str, role: Role, params: &mut Params) {
        let client = &self.world.client;
        let (code, session) = match role {
            Role::Client => match self.last_callback.get(from).map(|&c| &self.callbacks[c]) {
                Some(callback) => (callback.code.clone(), self.sessions.get(&callback.browser)),
                None => (self.last_code.get(from).cloned(), None),
            },
            _ => (self.last_code.get(from).cloned(), self.sessions.get(from)),
        };
        params.set("grant_type", Some("authorization_code"));
        params.set("code", code);
        let redirect_uri = session
            .and_then(|s| s.redirect_uri.clone())
            .or_else(|| client.redirect_uris.first().cloned());
        params.set("redirect_uri", redirect_uri);
        params.set("client_id", Some(client.id.clone()));
        if role == Role::Client {
            params.set("client_secret", client.secret.clone());
        }
        params.set("code_verifier", session.and_then(|s| s.verifier.clone()));
    }

    fn token_request(&mut self, id: StepId, from: &str, params: &Params) {
        let code_value = params.get("code");
        let code = code_value
            .and_then(|v| self.codes.iter().find(|c| c.value == v))
            .cloned();
        let earlier: Vec<StepId> = self
            .redemptions
            .iter()
            .filter(|r| {
                code_value.is_some() && self.steps[r.request].params.get("code") == code_value
            })
            .map(|r| r.request)
            .collect();
        // A correct AS answers a replay by revoking what the code bought, but only when the
        // replay comes from the code's own client: otherwise anyone could revoke anyone's tokens.
        if let Some(code) = &code
            && !earlier.is_empty()
            && code.client_id.as_deref() == params.get("client_id")
        {
            for token in self
                .tokens
                .iter_mut()
                .filter(|t| t.code.as_deref() == Some(code.value.as_str()))
            {
                token.revoked_at.get_or_insert(id);
            }
        }
        let callback = self
            .callbacks
            .iter()
            .rposition(|c| c.client == from && c.code.as_deref() == code_value);
        self.redemptions.push(Redemption {
            request: id,
            requester: from.to_string(),
            code,
            earlier,
            callback,
            response: None,
        });
        self.unanswered_redemptions.push(self.redemptions.len() - 1);
    }

    /// The token request a response to `to` answers: `to`'s oldest unanswered one (an
    /// HTTP response goes back on the requester's connection, in order), else the oldest
    /// of anyone's, which `token_response_to_requester` then reports as misdirected.
    fn redemption_answered_to(&self, to: &str) -> Option<usize> {
        let unanswered = &self.unanswered_redemptions;
        unanswered
            .iter()
            .find(|&&r| self.redemptions[r].requester == to)
            .or(unanswered.first())
            .copied()
    }

    /// The oldest call `caller` made to `api` that is still unanswered.
    fn api_call_answered(&self, api: &str, caller: &str) -> Option<usize> {
        self.unanswered_api_calls
            .iter()
            .find(|&&c| self.api_calls[c].api == api && self.api_calls[c].caller == caller)
            .copied()
    }

    fn token_response(&mut self, id: StepId, to: &str, params: &Params) {
        let Some(r) = self.redemption_answered_to(to) else {
            return;
        };
        self.unanswered_redemptions.retain(|&u| u != r);
        let access_token = params.get("access_token").map(str::to_string);
        let error = params.get("error").map(str::to_string);
        let redemption = &self.redemptions[r];
        let code_age = redemption
            .code
            .as_ref()
            .map(|c| self.clock.saturating_sub(c.issued_time));
        if error.is_none()
            && let Some(token) = &access_token
            && !self.tokens.iter().any(|t| &t.value == token)
        {
            let client_id = redemption
                .code
                .as_ref()
                .and_then(|c| c.client_id.clone())
                .or_else(|| {
                    self.steps[redemption.request]
                        .params
                        .get("client_id")
                        .map(str::to_string)
                });
            self.tokens.push(Token {
                value: token.clone(),
                issued_at: id,
                issued_time: self.clock,
                client_id,
                code: redemption.code.as_ref().map(|c| c.value.clone()),
                revoked_at: None,
            });
        }
        self.redemptions[r].response = Some(TokenAnswer {
            step: id,
            receiver: to.to_string(),
            access_token,
            error,
            scope: scope_list(params.get("scope")),
            code_age,
        });
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
