//! What a message does to the actors: the sender and the receiver update their own state,
//! and the facts the invariants judge are recorded (transactions, codes, callbacks,
//! redemptions, tokens, revocations, API calls).

use super::*;
use crate::model::params::{Scope, scope_within};
use crate::model::world::ClientType;

impl Replay<'_> {
    pub(super) fn act(&mut self, sent: &Sent) {
        // Lent out while the actors act on it, so that they can update the run.
        let params = std::mem::take(&mut self.run.steps[sent.id].params);
        self.act_on(sent, &params);
        self.run.steps[sent.id].params = params;
    }

    fn act_on(&mut self, sent: &Sent, params: &Params) {
        match sent.kind {
            StepKind::AuthorizationRedirect | StepKind::AuthorizationRequest => {
                let followed = match self.planted_link(sent) {
                    // The planter's link: the client bound nothing to it.
                    Some(planted) => {
                        let followed = Followed {
                            at: planted.at,
                            crafted: planted.link.get(Key::ClientId).is_none(),
                        };
                        if let Some(ua) = self.actors[sent.from].user_agent_mut() {
                            ua.planted = None;
                        }
                        Some(followed)
                    }
                    None => {
                        self.bind_session(sent, params);
                        None
                    }
                };
                if sent.kind == StepKind::AuthorizationRedirect {
                    let app = self.actors[sent.from].app();
                    if let Some(ua) = self.actors[sent.to].user_agent_mut() {
                        ua.front_end = app.or(ua.front_end);
                        ua.planted = None;
                    }
                }
                if sent.kind == StepKind::AuthorizationRequest
                    && self.actors[sent.to].role == Role::AuthorizationServer
                {
                    self.open_transaction(sent, params, followed);
                }
            }
            StepKind::LoginPage | StepKind::ErrorPage => self.page(sent),
            StepKind::Login => self.login(sent, params),
            StepKind::Deny => {
                if let Some(t) = self.login_transaction(sent) {
                    self.run.transactions[t].denied_at.get_or_insert(sent.id);
                }
            }
            StepKind::AuthorizationResponse => self.authorization_response(sent, params),
            StepKind::Callback => {
                if let Some(ua) = self.actors[sent.from].user_agent_mut()
                    && let Some(held) = ua.held.take()
                {
                    ua.followed = Some(held);
                }
                let browser = self.actors[sent.from].name.clone();
                self.callback(sent.id, &browser, sent.to, params);
            }
            StepKind::TokenRequest => self.token_request(sent, params),
            StepKind::TokenResponse => self.token_response(sent, params),
            StepKind::ApiRequest => {
                let call = self.run.api_calls.len();
                self.run.api_calls.push(ApiCall {
                    request: sent.id,
                    caller: self.actors[sent.from].name.clone(),
                    api: self.actors[sent.to].name.clone(),
                    token: params.value(Key::AccessToken),
                    scope: self.values.scope(params.get(Key::Scope)),
                    audience: match &self.actors[sent.to].kind {
                        ActorKind::ResourceServer { audience } => audience.clone(),
                        _ => None,
                    },
                    response: None,
                });
                self.actors[sent.to].serving.push_back(call);
            }
            StepKind::ApiResponse => {
                let caller = &self.actors[sent.to].name;
                let api = &self.actors[sent.from];
                // The latest call of the receiver: a drawn answer follows its request,
                // and an older call left unanswered was abandoned, not queued.
                if let Some(at) = api
                    .serving
                    .iter()
                    .rposition(|&c| &self.run.api_calls[c].caller == caller)
                {
                    let call = self.actors[sent.from].serving.remove(at).unwrap_or(0);
                    let served = !refused(sent, params);
                    self.run.api_calls[call].response = Some(ApiAnswer {
                        step: sent.id,
                        served,
                        time: self.clock,
                    });
                }
            }
            StepKind::Revocation => self.revocation(sent, params),
            StepKind::RevocationResponse => {
                let requester = self.actors[sent.to].name.clone();
                if let Some(server) = self.actors[sent.from].server_mut()
                    && let Some(at) = server
                        .revocations
                        .iter()
                        .position(|&r| self.run.revocations[r].requester == requester)
                {
                    let r = server.revocations.remove(at).unwrap_or(0);
                    self.run.revocations[r].answered_at = Some(sent.id);
                    // A refusal (`invalid_client`, `unsupported_token_type`, RFC 7009
                    // §2.2.1) revoked nothing: what the request revoked stands again.
                    if refused(sent, params) {
                        self.undo_revocation(self.run.revocations[r].request);
                    }
                }
            }
            StepKind::Other | StepKind::Leak => {
                // A user agent handed a link to a client's callback (a code in it) holds
                // it until it follows it, whoever planted it; anything else a dishonest
                // participant hands it is a link it may follow to the authorization
                // endpoint. A leak to an attacker is no link: it learns the values.
                // Who planted the link, when this message plants one.
                let by = self
                    .plants_link(sent)
                    .then(|| self.actors[sent.from].name.clone());
                if let Some(ua) = self.actors[sent.to].user_agent_mut()
                    && !ua.attacker
                {
                    if params.get(Key::Code).is_some() && sent.kind == StepKind::Other {
                        ua.held = Some(redirect_of(params));
                    } else if let Some(by) = by {
                        let mut link = params.clone();
                        link.place(|_| Location::Query);
                        ua.planted = Some(Planted {
                            link,
                            by,
                            at: sent.id,
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// What the client binds to the session is what it actually put in the request it
    /// built: overrides on that message change the binding; a browser tampering with a
    /// request prepared earlier does not. Its participants know what it bound.
    fn bind_session(&mut self, sent: &Sent, params: &Params) {
        let (app, session) = self.session_of(sent);
        let registration = &self.world.registrations[self.apps[app].registration];
        let client_id = Value::from(registration.id.as_str());
        let written_state = sent.written(Key::State).flatten();
        let apps = &mut self.apps[app];
        let index = apps.sessions.get(&*session).and_then(|requests| {
            requests
                .iter()
                .position(|p| p.bound_at == sent.id)
                .or_else(|| apps.unsent(&session, written_state))
        });
        let Some(prepared) = index.and_then(|i| apps.sessions.get_mut(&*session)?.get_mut(i))
        else {
            return;
        };
        if prepared.bound_at == sent.id {
            prepared.response_type = params.value(Key::ResponseType);
            prepared.client_id = params.value(Key::ClientId);
            prepared.redirect_uri = params.value(Key::RedirectUri);
            prepared.scope = params.value(Key::Scope);
            prepared.state = params.carried(Key::State).map(|c| c.value.clone());
            prepared.challenge = params.value(Key::CodeChallenge);
            prepared.method = params.value(Key::CodeChallengeMethod);
            if prepared.challenge.is_none() {
                prepared.verifier = None;
            }
        }
        if sent.kind == StepKind::AuthorizationRequest {
            prepared.sent = true;
        }
        let values: Vec<(Key, Value)> = [
            (Key::State, &prepared.state),
            (Key::CodeVerifier, &prepared.verifier),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value.clone()?)))
        .collect();
        if prepared.bound_at == sent.id {
            self.run.sessions.push(ClientSession {
                client_id,
                browser: session.clone(),
                state: prepared.state.clone(),
                verifier: prepared.verifier.clone(),
                bound_at: sent.id,
            });
        }
        for participant in self.apps[app].participants.clone() {
            for (key, value) in &values {
                self.learn(participant, *key, value, Some(sent.id));
            }
        }
    }

    fn open_transaction(&mut self, sent: &Sent, params: &Params, followed: Option<Followed>) {
        let browser = self.actors[sent.from].name.clone();
        let server_name = self.actors[sent.to].name.clone();
        let client_id = params.value(Key::ClientId);
        let scope = self.values.scope(params.get(Key::Scope));
        let id = self.run.transactions.len();
        let remember = self.world.remember_consent;
        let Some(server) = self.actors[sent.to].server_mut() else {
            return;
        };
        // The browser's login session: logged in already, and what it consented to.
        let session = server.sessions.get(&browser);
        let session_login = session.map(|s| s.since);
        let remembered_consent = session
            .filter(|_| remember)
            .and_then(|s| {
                s.consents
                    .iter()
                    .rev()
                    .find(|(c, consent)| *c == client_id && scope_within(&scope, &consent.scope))
            })
            .map(|(_, consent)| consent.clone());
        server.pending.insert(browser.clone(), id);
        server.latest_of.insert(browser.clone(), id);
        server.latest = Some(id);
        self.run.transactions.push(Transaction {
            request: sent.id,
            server: server_name,
            browser,
            response_type: params.value(Key::ResponseType),
            client_id,
            redirect_uri: params.value(Key::RedirectUri),
            scope,
            state: params.value(Key::State),
            code_challenge: params.value(Key::CodeChallenge),
            code_challenge_method: params.value(Key::CodeChallengeMethod),
            session_login,
            remembered_consent,
            link: followed.map(|f| f.at),
            crafted: followed.is_some_and(|f| f.crafted),
            ..Transaction::default()
        });
    }

    /// The AS shows its login page (it goes on with the request) or an error page (it
    /// refuses it).
    fn page(&mut self, sent: &Sent) {
        let transaction = match self.actors[sent.to].role {
            Role::LoginPage => {
                let server = self.server_of(sent.from);
                let latest = server.and_then(|s| self.actors[s].server()?.latest);
                if let (Some(server), Some(t)) = (server, latest)
                    && let Some(state) = self.actors[server].server_mut()
                {
                    state.page = Some(t);
                }
                latest
            }
            _ => self.answered_transaction(sent),
        };
        let Some(t) = transaction else { return };
        let transaction = &mut self.run.transactions[t];
        if sent.kind == StepKind::LoginPage {
            transaction.continued_at.get_or_insert(sent.id);
            // A page after the user logged in asks for consent separately.
            if transaction.logins.iter().any(|l| l.authenticated) {
                transaction.consent_page_at = Some(sent.id);
            }
        } else {
            transaction.refused_at.get_or_insert(sent.id);
        }
    }

    fn login(&mut self, sent: &Sent, params: &Params) {
        match &mut self.actors[sent.from].kind {
            ActorKind::UserAgent(ua) => ua.mistyped = false,
            ActorKind::LoginPage { mistyped, .. } => *mistyped = false,
            _ => {}
        }
        let username = params.value(Key::Username);
        let password = params.get(Key::Password);
        let Some(t) = self.login_transaction(sent) else {
            self.portal_login(sent, username.as_deref(), password);
            return;
        };
        let transaction = &self.run.transactions[t];
        let authenticated = match (&username, password) {
            // Consent on its own page rides on the earlier login.
            (None, None) => transaction.authenticated(),
            _ => self.world.authenticates(username.as_deref(), password),
        };
        let attempt = LoginAttempt {
            step: sent.id,
            username,
            authenticated,
            scope: self.values.scope(params.get(Key::Scope)),
        };
        self.run.transactions[t].logins.push(attempt);
        if !authenticated {
            return;
        }
        let transaction = &self.run.transactions[t];
        let browser = transaction.browser.clone();
        let client_id = transaction.client_id.clone();
        let consent = transaction.consent().filter(|c| c.step == sent.id).cloned();
        let Some(server) = self
            .by_name
            .get(&*transaction.server)
            .copied()
            .and_then(|s| self.actors[s].server_mut())
        else {
            return;
        };
        let session = server.sessions.entry(browser).or_insert(LoginSession {
            since: sent.id,
            consents: Vec::new(),
        });
        if let Some(consent) = consent {
            session.consents.push((client_id, consent));
        }
    }

    /// A login at the AS with no authorization request under way (its own portal): the
    /// browser gets a login session there, as at a real server, so a later request is
    /// answered without a new login, but with no consent to any client yet.
    fn portal_login(&mut self, sent: &Sent, username: Option<&str>, password: Option<&str>) {
        let browser = self.actors[sent.from].name.clone();
        if !self.world.authenticates(username, password)
            || !self.actors[sent.from].role.is_user_agent()
        {
            return;
        }
        if let Some(server) = self
            .server_of(sent.to)
            .and_then(|s| self.actors[s].server_mut())
        {
            server.sessions.entry(browser).or_insert(LoginSession {
                since: sent.id,
                consents: Vec::new(),
            });
        }
    }

    fn authorization_response(&mut self, sent: &Sent, params: &Params) {
        let transaction = self.answered_transaction(sent);
        let server_name = self.actors[sent.from].name.clone();
        let server = self.server_of(sent.from);
        if let Some(t) = transaction {
            let txn = &mut self.run.transactions[t];
            txn.answered = true;
            match (params.get(Key::Error), txn.continued_at) {
                (None, _) => {
                    txn.continued_at.get_or_insert(sent.id);
                }
                // An error before the AS went on refuses the request; after it (a denial)
                // it ends a transaction that was legitimately under way.
                (Some(_), None) => {
                    txn.refused_at.get_or_insert(sent.id);
                }
                (Some(_), Some(_)) => {}
            }
            let txn = &self.run.transactions[t];
            let granted = txn
                .consent()
                .map_or_else(|| txn.scope.clone(), |c| c.scope.clone());
            if let Some(code) = params.value(Key::Code)
                && let Some(server) = server
                && !self.actors[server]
                    .server()
                    .is_some_and(|s| s.codes.contains_key(&code))
            {
                let index = self.run.codes.len();
                self.run.codes.push(Code {
                    value: code.clone(),
                    server: self.actors[server].name.clone(),
                    transaction: t,
                    issued_at: sent.id,
                    issued_time: self.clock,
                    client_id: txn.client_id.clone(),
                    redirect_uri: txn.redirect_uri.clone(),
                    code_challenge: txn.code_challenge.clone(),
                    code_challenge_method: txn.code_challenge_method.clone(),
                    scope: granted.clone(),
                });
                self.run.index.codes.insert(code.clone(), index);
                if let Some(state) = self.actors[server].server_mut() {
                    state.codes.insert(code, index);
                }
            }
            // A token in the redirect (implicit or hybrid grant) is still one the AS
            // issued: the API judges it like any other, `no_token_in_front_channel` judges
            // the way it travelled.
            if params.get(Key::Error).is_none()
                && let Some(token) = params.value(Key::AccessToken)
            {
                let scope = params
                    .get(Key::Scope)
                    .map_or(granted, |s| self.values.scope(Some(s)));
                let client_id = self.run.transactions[t].client_id.clone();
                self.issue_token(sent.id, &server_name, &token, client_id, None, None, scope);
            }
            if let Some(server) = server
                && let Some(state) = self.actors[server].server_mut()
            {
                let browser = &self.run.transactions[t].browser;
                if state.pending.get(browser) == Some(&t) {
                    state.pending.remove(browser);
                }
            }
        }
        self.run
            .authorization_responses
            .push(AuthorizationResponse {
                step: sent.id,
                server: server_name,
                transaction,
                code: params.value(Key::Code),
                error: params.value(Key::Error),
                state: params.value(Key::State),
                access_token: params.value(Key::AccessToken),
            });
        match self.actors[sent.to].role {
            // Drawn straight to the client: the browser's hop to redirect_uri is implied.
            Role::Client => {
                let browser = transaction
                    .map(|t| self.run.transactions[t].browser.clone())
                    .unwrap_or_default();
                self.callback(sent.id, &browser, sent.to, params);
            }
            // The browser runs the client's front end: the redirect reaches the client
            // there, in the browser's own session (a single-page app redeems it itself),
            // and the browser holds it until it follows it to a back end.
            Role::Browser | Role::Attacker => {
                let browser = self.actors[sent.to].name.clone();
                if self.actors[sent.to].role == Role::Browser {
                    self.callback(sent.id, &browser, sent.to, params);
                }
                if let Some(ua) = self.actors[sent.to].user_agent_mut() {
                    ua.held = Some(redirect_of(params));
                }
            }
            _ => {}
        }
    }

    fn callback(&mut self, id: StepId, browser: &Value, client: ActorId, params: &Params) {
        let session_state = self.actors[client].app().and_then(|a| {
            let app = &mut self.apps[a];
            let index = app.answered_by(browser, params.get(Key::State))?;
            let prepared = &mut app.sessions.get_mut(&**browser)?[index];
            prepared.answered = true;
            prepared
                .state
                .as_ref()
                .map(|s| (s.clone(), prepared.bound_at))
        });
        let index = self.run.callbacks.len();
        self.run.callbacks.push(Callback {
            step: id,
            browser: browser.clone(),
            client: self.actors[client].name.clone(),
            code: params.value(Key::Code),
            state: params.value(Key::State),
            session_state,
            iss: params.value(Key::Iss),
        });
        let holds = &mut self.actors[client].holds;
        holds.callback = Some(index);
        if let Some(code) = params.carried(Key::Code) {
            holds.receive_code(&code.value, Some(index));
        }
    }

    fn token_request(&mut self, sent: &Sent, params: &Params) {
        let requester = self.actors[sent.from].name.clone();
        let server_name = self.actors[sent.to].name.clone();
        let code_grant = sent.grant == GrantType::AuthorizationCode;
        let code_value = params.get(Key::Code).filter(|_| code_grant);
        // The code leaves the sender's unredeemed ones, with the callback it came through.
        let holds = &mut self.actors[sent.from].holds;
        let came_through = match holds
            .unredeemed
            .iter()
            .position(|(c, _)| Some(&**c) == code_value)
        {
            Some(at) if code_grant => holds.unredeemed.remove(at).and_then(|(_, cb)| cb),
            _ => holds.callback,
        };
        let client_id = params.value(Key::ClientId);
        let Some(server) = self.actors[sent.to].server_mut() else {
            return;
        };
        let issuer = server.issuer.clone();
        let code = code_value
            .and_then(|v| server.codes.get(v))
            .map(|&i| self.run.codes[i].clone());
        let earlier: Vec<StepId> = code_value
            .and_then(|v| server.redemptions_of.get(v))
            .cloned()
            .unwrap_or_default();
        if let Some(v) = code_value {
            server
                .redemptions_of
                .entry(Value::from(v))
                .or_default()
                .push(sent.id);
        }
        let index = self.run.redemptions.len();
        server.token_requests.push_back(index);
        // A correct AS answers a replay by revoking everything the code bought, refresh
        // tokens and their rotations included (RFC 6749 §4.1.2, §10.5), but only when the
        // replay comes from the code's own client: otherwise anyone could revoke anyone's
        // tokens.
        if let Some(code) = &code
            && !earlier.is_empty()
            && code.client_id == client_id
        {
            let mut family = Vec::new();
            for refresh in self
                .run
                .refresh_tokens
                .iter_mut()
                .rev()
                .take_while(|r| r.issued_at > code.issued_at)
                .filter(|r| r.code.as_deref() == Some(&*code.value))
            {
                refresh.revoked_at.get_or_insert(sent.id);
                family.push(refresh.value.clone());
            }
            for token in self
                .run
                .tokens
                .iter_mut()
                .rev()
                .take_while(|t| t.issued_at > code.issued_at)
                .filter(|t| {
                    t.code.as_deref() == Some(&*code.value)
                        || t.refresh_token.as_ref().is_some_and(|r| family.contains(r))
                })
            {
                token.revoked_at.get_or_insert(sent.id);
            }
        }
        let callback =
            came_through.filter(|&c| self.run.callbacks[c].code.as_deref() == code_value);
        self.run.redemptions.push(Redemption {
            request: sent.id,
            requester,
            server: server_name,
            issuer,
            grant_type: params.value(Key::GrantType),
            grant: sent.grant,
            refresh_token: params.value(Key::RefreshToken).filter(|_| !code_grant),
            code,
            earlier,
            callback,
            response: None,
        });
    }

    /// The token request a response from `server` to `to` answers: `to`'s oldest
    /// unanswered one (an HTTP response goes back on the requester's connection, in
    /// order), else the oldest of anyone's, which `token_response_to_requester` then
    /// reports as misdirected.
    pub(super) fn answered_redemption(&self, server: ActorId, to: ActorId) -> Option<usize> {
        let pending = &self.actors[server].server()?.token_requests;
        let to = &self.actors[to].name;
        pending
            .iter()
            .find(|&&r| &self.run.redemptions[r].requester == to)
            .or(pending.front())
            .copied()
    }

    /// The scope the grant behind a token request stands for: its code's, or that of the
    /// refresh token it presents.
    pub(super) fn granted_scope(&self, redemption: usize) -> Scope {
        let redemption = &self.run.redemptions[redemption];
        match (&redemption.code, &redemption.refresh_token) {
            (Some(code), _) => code.scope.clone(),
            (None, Some(refresh)) => self
                .run
                .refresh_token(refresh)
                .map(|r| r.scope.clone())
                .unwrap_or_default(),
            (None, None) => Scope::default(),
        }
    }

    fn token_response(&mut self, sent: &Sent, params: &Params) {
        let Some(r) = self.answered_redemption(sent.from, sent.to) else {
            return;
        };
        if let Some(server) = self.actors[sent.from].server_mut() {
            server.token_requests.retain(|&u| u != r);
        }
        let access_token = params.value(Key::AccessToken);
        let refresh_token = params.value(Key::RefreshToken);
        let error = params.value(Key::Error);
        let redemption = &self.run.redemptions[r];
        let code_age = redemption
            .code
            .as_ref()
            .map(|c| self.clock.saturating_sub(c.issued_time));
        if error.is_none() {
            let client_id = redemption
                .code
                .as_ref()
                .and_then(|c| c.client_id.clone())
                .or_else(|| {
                    self.run.steps[redemption.request]
                        .params
                        .value(Key::ClientId)
                });
            let grant_scope = self.granted_scope(r);
            // Without a scope parameter the grant's scope is granted (RFC 6749 §5.1).
            let scope = params
                .get(Key::Scope)
                .map_or_else(|| grant_scope.clone(), |s| self.values.scope(Some(s)));
            let code = redemption.code.as_ref().map(|c| c.value.clone());
            // A rotated refresh token inherits the grant; a fresh one gets the scope
            // the resource owner granted (RFC 6749 §6).
            let family = redemption.refresh_token.clone();
            let server_name = self.actors[sent.from].name.clone();
            if let Some(refresh) = &refresh_token
                && !self.run.index.refresh_tokens.contains_key(refresh)
            {
                let index = self.run.refresh_tokens.len();
                self.run.refresh_tokens.push(RefreshToken {
                    value: refresh.clone(),
                    server: server_name.clone(),
                    issued_at: sent.id,
                    client_id: client_id.clone(),
                    scope: if grant_scope.is_empty() {
                        scope.clone()
                    } else {
                        grant_scope
                    },
                    code: code.clone().or_else(|| {
                        let family = family.as_deref()?;
                        self.run.refresh_token(family)?.code.clone()
                    }),
                    revoked_at: None,
                });
                self.run.index.refresh_tokens.insert(refresh.clone(), index);
                // A public client's refresh token is rotated: the one the grant
                // presented is spent once a new one is issued (RFC 9700 §4.14.2).
                let public = client_id
                    .as_deref()
                    .and_then(|id| self.world.registration(id))
                    .is_some_and(|c| c.client_type == ClientType::Public);
                if public
                    && let Some(&presented) = family
                        .as_ref()
                        .and_then(|f| self.run.index.refresh_tokens.get(f))
                {
                    self.run.refresh_tokens[presented]
                        .revoked_at
                        .get_or_insert(sent.id);
                }
            }
            if let Some(token) = &access_token {
                self.issue_token(
                    sent.id,
                    &server_name,
                    token,
                    client_id,
                    code,
                    refresh_token.clone().or(family),
                    scope,
                );
            }
        }
        self.run.redemptions[r].response = Some(TokenAnswer {
            step: sent.id,
            receiver: self.actors[sent.to].name.clone(),
            access_token,
            refresh_token,
            error,
            scope: self.values.scope(params.get(Key::Scope)),
            code_age,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn issue_token(
        &mut self,
        step: StepId,
        server: &Value,
        value: &Value,
        client_id: Option<Value>,
        code: Option<Value>,
        refresh_token: Option<Value>,
        scope: Scope,
    ) {
        if self.run.index.tokens.contains_key(value) {
            return;
        }
        self.run
            .index
            .tokens
            .insert(value.clone(), self.run.tokens.len());
        let issuer = self
            .by_name
            .get(&**server)
            .and_then(|&s| self.actors[s].server())
            .map(|s| s.issuer.clone())
            .unwrap_or_default();
        self.run.tokens.push(Token {
            value: value.clone(),
            server: server.clone(),
            issuer,
            issued_at: step,
            issued_time: self.clock,
            client_id,
            code,
            refresh_token,
            scope,
            revoked_at: None,
        });
    }

    /// The tokens and refresh tokens the revocation request `request` revoked are valid
    /// again: the AS refused it.
    fn undo_revocation(&mut self, request: StepId) {
        for token in &mut self.run.tokens {
            if token.revoked_at == Some(request) {
                token.revoked_at = None;
            }
        }
        for refresh in &mut self.run.refresh_tokens {
            if refresh.revoked_at == Some(request) {
                refresh.revoked_at = None;
            }
        }
    }

    /// RFC 7009 §2.1: the AS revokes a token only for the client it was issued to;
    /// revoking a refresh token revokes the access tokens of the same grant.
    fn revocation(&mut self, sent: &Sent, params: &Params) {
        let token = params.value(Key::Token);
        let client_id = params.value(Key::ClientId);
        let index = self.run.revocations.len();
        self.run.revocations.push(Revocation {
            request: sent.id,
            requester: self.actors[sent.from].name.clone(),
            server: self.actors[sent.to].name.clone(),
            token: token.clone(),
            client_id: client_id.clone(),
            answered_at: None,
        });
        if let Some(server) = self.actors[sent.to].server_mut() {
            server.revocations.push_back(index);
        }
        let Some(token) = token else { return };
        if let Some(&i) = self.run.index.refresh_tokens.get(&token) {
            let refresh = &mut self.run.refresh_tokens[i];
            if refresh.client_id == client_id {
                refresh.revoked_at.get_or_insert(sent.id);
                for t in self
                    .run
                    .tokens
                    .iter_mut()
                    .filter(|t| t.refresh_token.as_deref() == Some(&*token))
                {
                    t.revoked_at.get_or_insert(sent.id);
                }
            }
        } else if let Some(&i) = self.run.index.tokens.get(&token) {
            let access = &mut self.run.tokens[i];
            if access.client_id == client_id {
                access.revoked_at.get_or_insert(sent.id);
            }
        }
    }
}

/// Whether an answer refuses: its label draws a refusal, or it carries an `error`.
fn refused(sent: &Sent, params: &Params) -> bool {
    sent.words.refuses() || params.get(Key::Error).is_some()
}

/// The redirect a user agent holds: what a callback URL carries.
fn redirect_of(params: &Params) -> Params {
    let mut redirect = Params::default();
    for key in [
        Key::Code,
        Key::State,
        Key::Error,
        Key::AccessToken,
        Key::Iss,
    ] {
        redirect.set(key, params.get(key));
    }
    redirect
}

/// The link a browser's authorization request followed: where it was handed over, and
/// whether an attacker wrote it (rather than handing over a request a client prepared).
#[derive(Clone, Copy)]
struct Followed {
    at: StepId,
    crafted: bool,
}
