//! What a correct sender puts in each kind of message, from what its actor holds. A value
//! the step needs and the sender does not have is not made up and not dropped silently:
//! it is recorded as missing, and `sender_knows` names it.

use super::*;

impl Replay<'_> {
    pub(super) fn form(&mut self, sent: &Sent, out: &mut Outgoing) {
        match sent.kind {
            StepKind::AuthorizationRedirect | StepKind::AuthorizationRequest => {
                self.authorization_request_form(sent, out)
            }
            StepKind::EnterCredentials => self.enter_credentials(sent),
            StepKind::Login => self.login_form(sent, out),
            StepKind::AuthorizationResponse => self.authorization_response_form(sent, out),
            StepKind::Callback => self.callback_form(sent, out),
            StepKind::TokenRequest => self.token_request_form(sent, out),
            StepKind::TokenResponse => self.token_response_form(sent, out),
            StepKind::ApiRequest => self.api_request_form(sent, out),
            StepKind::Revocation => self.revocation_form(sent, out),
            StepKind::Other if self.plants_link(sent) => self.planted_link_form(sent, out),
            StepKind::Leak => self.leak_form(sent, out),
            _ => {}
        }
    }

    /// Whether a missing value is the sender's failure: a correct browser or client would
    /// have it; an attacker simply sends what it has.
    fn owes(&self, sender: ActorId) -> bool {
        matches!(self.actors[sender].role, Role::Browser | Role::Client)
    }

    fn missing(
        &self,
        sent: &Sent,
        out: &mut Outgoing,
        key: Key,
        why: String,
        exists_at: Option<StepId>,
    ) {
        if self.owes(sent.from) && sent.written(key).is_none() {
            out.missing.push(Missing {
                key,
                why,
                exists_at,
            });
        }
    }

    /// The link a browser's authorization request follows, if it follows one rather than
    /// a request of the client's own.
    pub(super) fn planted_link(&self, sent: &Sent) -> Option<&Planted> {
        if sent.kind != StepKind::AuthorizationRequest {
            return None;
        }
        self.actors[sent.from].user_agent()?.planted.as_ref()
    }

    /// Whether `sent` hands a browser a link from a dishonest participant.
    pub(super) fn plants_link(&self, sent: &Sent) -> bool {
        matches!(sent.kind, StepKind::Other | StepKind::Leak)
            && !self.run.is_honest(&self.actors[sent.from].name)
            && self.actors[sent.to]
                .user_agent()
                .is_some_and(|ua| !ua.attacker)
    }

    /// The session a browser's authorization request belongs to, and the application
    /// that binds it: for a redirect, the sending client's session for the receiving
    /// browser; for a request, the browser's own, in the front end it runs.
    pub(super) fn session_of(&self, sent: &Sent) -> (usize, Value) {
        let browser = if sent.kind == StepKind::AuthorizationRedirect {
            sent.to
        } else {
            sent.from
        };
        let app = self.actors[sent.from].app().unwrap_or(0);
        (app, self.actors[browser].name.clone())
    }

    /// The request a browser takes to the authorization endpoint: the one its client
    /// already bound to its session, or a new one the client (front end) prepares now.
    fn authorization_request_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        if let Some(link) = self.planted_link(sent) {
            let link = link.link.clone();
            return self.planted_request_form(sent, link, out);
        }
        let (app, session) = self.session_of(sent);
        let reuse = match sent.kind {
            StepKind::AuthorizationRequest => {
                self.apps[app].unsent(&session, sent.written(Key::State).flatten())
            }
            _ => None,
        };
        let index = match reuse {
            Some(index) => index,
            None => {
                let prepared = self.prepare(sent, app, &mut out.generated);
                self.apps[app].bind(session.clone(), prepared)
            }
        };
        let prepared = &self.apps[app].sessions[&session][index];
        prepared.write_request(&mut out.params);
    }

    /// The request a browser makes when it follows a link a dishonest participant planted:
    /// the link's values, and, when the link is not a request a client prepared, what is
    /// public about the client (its id, registered redirect_uri and scope) and no state or
    /// PKCE challenge unless the author writes them. The client binds nothing to it.
    fn planted_request_form(&mut self, sent: &Sent, link: Params, out: &mut Outgoing) {
        if link.get(Key::ClientId).is_none() {
            let app = self.actors[sent.from].app().unwrap_or(0);
            self.public_request(app, sent.id)
                .write_request(&mut out.params);
        } else {
            out.params
                .set(Key::ResponseType, Some(self.values.get("code")));
        }
        for carried in link.iter() {
            out.params.set(carried.key, Some(carried.value.clone()));
        }
    }

    /// The authorization request anyone can write for the application `app`: what is
    /// public about its registration (client_id, its first redirect_uri, its scope), with
    /// no state and no PKCE challenge.
    fn public_request(&mut self, app: usize, at: StepId) -> Prepared {
        let client = &self.world.registrations[self.apps[app].registration];
        Prepared {
            response_type: Some(self.values.get("code")),
            client_id: Some(self.values.get(&client.id)),
            redirect_uri: client.redirect_uris.first().map(|u| self.values.get(u)),
            scope: Some(self.values.get(&client.scope)),
            state: None,
            verifier: None,
            challenge: None,
            method: None,
            bound_at: at,
            sent: false,
            answered: false,
        }
    }

    /// A dishonest participant hands a browser a link: when a client prepared an
    /// authorization request for the planter that it has not taken to the AS, the link
    /// is that request (the attacker hands over its own authorization URL).
    fn planted_link_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        let app = self.actors[sent.to].app().unwrap_or(0);
        let planter = &self.actors[sent.from].name;
        let Some(index) = self.apps[app].unsent(planter, None) else {
            return;
        };
        let prepared = &self.apps[app].sessions[planter][index];
        prepared.write_request(&mut out.params);
    }

    /// The client prepares an authorization request: fresh state and, for PKCE clients,
    /// a verifier whose challenge goes into the request. The challenge follows the method
    /// the author wrote (S256 unless it says `plain`), so that a plain-PKCE client is
    /// modelled, not a broken S256 one.
    fn prepare(&mut self, sent: &Sent, app: usize, generated: &mut Vec<(Key, Value)>) -> Prepared {
        let uses_pkce = self.world.registrations[self.apps[app].registration].uses_pkce;
        let public = self.public_request(app, sent.id);
        let state = self.fresh("state");
        generated.push((Key::State, state.clone()));
        let (verifier, challenge, method) = if uses_pkce {
            let base = self.fresh("verifier");
            // RFC 7636 §4.1 asks for 43 to 128 characters.
            let verifier = Value::from(format!(
                "{base}-{}",
                "x".repeat(43usize.saturating_sub(base.len() + 1))
            ));
            generated.push((Key::CodeVerifier, verifier.clone()));
            let (challenge, method) = match sent.written(Key::CodeChallengeMethod) {
                Some(Some("plain")) => (verifier.clone(), "plain"),
                _ => (Value::from(s256(&verifier)), "S256"),
            };
            (
                Some(verifier),
                Some(challenge),
                Some(self.values.get(method)),
            )
        } else {
            (None, None, None)
        };
        Prepared {
            state: Some(state),
            verifier,
            challenge,
            method,
            ..public
        }
    }

    /// The user types credentials: a label saying they are wrong makes the next login fail.
    fn enter_credentials(&mut self, sent: &Sent) {
        let wrong = sent.words.has(Cue::Wrong);
        match &mut self.actors[sent.from].kind {
            ActorKind::UserAgent(ua) => ua.mistyped = wrong,
            ActorKind::LoginPage { mistyped, .. } => *mistyped = wrong,
            _ => {}
        }
    }

    /// The transaction a login or denial belongs to: the one the login page shows, or
    /// the browser's own at that AS.
    pub(super) fn login_transaction(&self, sent: &Sent) -> Option<TransactionId> {
        let (page_or_browser, other) = (sent.from, sent.to);
        let server = self.server_of(other).or(self.server_of(page_or_browser))?;
        match self.actors[page_or_browser].role {
            Role::LoginPage => {
                let server_state = self.actors[server].server()?;
                server_state.page.or(server_state.latest)
            }
            // A browser answers its own request only: a login or consent posted from
            // another browser (an attacker's) is no consent to this one's request.
            _ => self.pending(server, page_or_browser).or_else(|| {
                let browser = &self.actors[page_or_browser].name;
                self.actors[server]
                    .server()?
                    .latest_of
                    .get(browser)
                    .copied()
            }),
        }
    }

    /// Credentials and consent as the user submits them: the first user (an attacker logs
    /// in to its own account, the second), the right password unless the user mistyped,
    /// consent to the requested scope. Once logged in, or when the label names consent
    /// alone, only the consent is submitted.
    fn login_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        let attacker = self.actors[sent.from].role == Role::Attacker;
        let world = self.world;
        let user = if attacker {
            world.users.get(1)
        } else {
            world.users.first()
        };
        let mistyped = match &self.actors[sent.from].kind {
            ActorKind::UserAgent(ua) => ua.mistyped,
            ActorKind::LoginPage { mistyped, .. } => *mistyped,
            _ => false,
        };
        let wrong = mistyped || sent.words.has(Cue::Wrong);
        let transaction = self
            .login_transaction(sent)
            .map(|t| &self.run.transactions[t]);
        let logged_in = transaction.is_some_and(|t| t.logins.iter().any(|l| l.authenticated));
        // "Allow" answers a consent page: the user types no password into it, and a
        // consent before any login authenticates nobody.
        let consent_only = sent.words.has(Cue::Consent) && !sent.words.has(Cue::Login);
        if !logged_in && !consent_only {
            out.params
                .set(Key::Username, user.map(|u| self.values.get(&u.name)));
            let password = if wrong {
                Some(self.values.get("wrong-password"))
            } else {
                user.map(|u| self.values.get(&u.password))
            };
            out.params.set(Key::Password, password);
        }
        let requested = transaction
            .map(|t| t.scope.join(" "))
            .filter(|s| !s.is_empty());
        out.params
            .set(Key::Scope, requested.map(|s| self.values.get(&s)));
    }

    /// The transaction an authorization response answers: the receiving browser's open
    /// one; drawn straight to a client, the latest one of that client; else the latest.
    pub(super) fn answered_transaction(&self, sent: &Sent) -> Option<TransactionId> {
        let server = self.server_of(sent.from)?;
        let state = self.actors[server].server()?;
        match self.actors[sent.to].role {
            Role::Browser | Role::Attacker => state
                .pending
                .get(&self.actors[sent.to].name)
                .copied()
                .or(state.latest),
            _ => {
                let client_id = self.actors[sent.to].app().map(|a| {
                    self.world.registrations[self.apps[a].registration]
                        .id
                        .as_str()
                });
                state
                    .pending
                    .values()
                    .copied()
                    .filter(|&t| self.run.transactions[t].client_id.as_deref() == client_id)
                    .max()
                    .or(state.latest)
            }
        }
    }

    /// The redirect back to the client: `access_denied` after a denial, the error a label
    /// names, otherwise a fresh code; the request's state either way.
    fn authorization_response_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        let transaction = self
            .answered_transaction(sent)
            .map(|t| &self.run.transactions[t]);
        // After the user denied, a correct AS refuses; but the flow says what this AS does,
        // and a label that names a code with no word of refusal says it sends one, as a
        // token response that names a token serves it.
        let code_despite_denial = sent.words.has(Cue::Code)
            && !sent.words.has(Cue::Error)
            && !sent.words.has(Cue::Denial);
        let denied = transaction.is_some_and(|t| t.denied_at.is_some() && !code_despite_denial)
            || sent.words.has(Cue::Denial);
        let state = transaction.and_then(|t| t.state.clone());
        if denied {
            out.params
                .set(Key::Error, Some(self.values.get("access_denied")));
        } else if sent.words.has(Cue::Error) {
            out.params.set(
                Key::Error,
                Some(sent.words.error_code().unwrap_or("invalid_request")),
            );
        } else {
            // A label that names a token says the AS hands one out in the redirect itself
            // (the implicit grant, or with a code the hybrid one): the token then travels
            // the front channel, which is for the invariants to judge.
            let names_token = sent.words.has(Cue::Token);
            if sent.words.has(Cue::Code) || !names_token {
                let code = self.fresh("code");
                out.generated.push((Key::Code, code.clone()));
                out.params.set(Key::Code, Some(code));
            }
            if names_token {
                let token = self.fresh("token");
                out.generated.push((Key::AccessToken, token.clone()));
                out.params.set(Key::AccessToken, Some(token));
            }
        }
        out.params.set(Key::State, state);
        // RFC 9207: the response names its issuer, so a client talking to several
        // servers can tell whose code it holds.
        let issuer = self
            .server_of(sent.from)
            .and_then(|s| self.actors[s].server())
            .map(|s| s.issuer.as_str());
        let issuer = issuer.map(|i| self.values.get(i));
        out.params.set(Key::Iss, issuer);
    }

    /// A user agent follows the redirect it holds; with none, it opens the last callback
    /// URL it followed (history, a bookmark), if any.
    fn callback_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        if let Some(ua) = self.actors[sent.from].user_agent()
            && let Some(params) = ua.held.as_ref().or(ua.followed.as_ref())
        {
            out.params = params.clone();
        }
    }

    /// Where a value of `key` issued by the AS exists, for explanations: the latest
    /// message that carried one to anyone.
    fn issued_anywhere(&self, key: Key) -> Option<StepId> {
        match key {
            Key::Code => self.run.codes.last().map(|c| c.issued_at),
            Key::AccessToken => self.run.tokens.last().map(|t| t.issued_at),
            Key::RefreshToken => self.run.refresh_tokens.last().map(|t| t.issued_at),
            _ => None,
        }
    }

    fn why_missing(&self, what: &str, key: Key) -> (String, Option<StepId>) {
        match self.issued_anywhere(key) {
            Some(at) => (
                format!(
                    "no {what} reached it (the latest was issued at {})",
                    self.run.line(at)
                ),
                Some(at),
            ),
            None => (format!("no {what} was ever issued"), None),
        }
    }

    /// What a token request carries. For the code grant: the code the sender received
    /// (a back end: through its latest callback), and the redirect_uri and PKCE verifier
    /// bound to that session; for a refresh: the sender's refresh token. A client's back
    /// end authenticates with its secret either way.
    fn token_request_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        let sender = &self.actors[sent.from];
        let app = sender.app();
        let registration = app.map_or(0, |a| self.apps[a].registration);
        let client = &self.world.registrations[registration];
        let params = &mut out.params;
        params.set(Key::GrantType, Some(self.values.get(sent.grant.as_str())));
        let mut session = None;
        match sent.grant {
            GrantType::AuthorizationCode => {
                // The latest code not yet redeemed (the callback being handled now);
                // with none, the last one again (a replay, which the AS must refuse).
                let (code, callback) = match sender.holds.unredeemed.back() {
                    Some((code, callback)) => (Some(code.clone()), *callback),
                    None => (sender.holds.code.clone(), sender.holds.callback),
                };
                let browser = match (sender.role, callback) {
                    (Role::Client, Some(c)) => &self.run.callbacks[c].browser,
                    _ => &sender.name,
                };
                let bound_at = callback
                    .and_then(|c| self.run.callbacks[c].session_state.as_ref())
                    .map(|(_, at)| *at);
                session = app.and_then(|a| self.apps[a].bound_at(browser, bound_at));
                params.set(Key::Code, code.clone());
                let redirect_uri = session
                    .and_then(|s| s.redirect_uri.clone())
                    .or_else(|| client.redirect_uris.first().map(|u| self.values.get(u)));
                params.set(Key::RedirectUri, redirect_uri);
                if code.is_none() {
                    let (why, at) = self.why_missing("authorization code", Key::Code);
                    self.missing(sent, out, Key::Code, why, at);
                }
            }
            GrantType::RefreshToken => {
                let refresh = sender.holds.refresh.clone();
                params.set(Key::RefreshToken, refresh.clone());
                if refresh.is_none() {
                    let (why, at) = self.why_missing("refresh token", Key::RefreshToken);
                    self.missing(sent, out, Key::RefreshToken, why, at);
                }
            }
        }
        let params = &mut out.params;
        params.set(Key::ClientId, Some(self.values.get(&client.id)));
        if self.actors[sent.from].role == Role::Client {
            params.set(
                Key::ClientSecret,
                client.secret.as_deref().map(|s| self.values.get(s)),
            );
        }
        if sent.grant == GrantType::AuthorizationCode {
            params.set(Key::CodeVerifier, session.and_then(|s| s.verifier.clone()));
        }
    }

    /// The token endpoint's answer: a refusal when the label draws one (the status it
    /// starts with first, then its words), with the error it names; else a fresh bearer
    /// token with the scope of the grant.
    fn token_response_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        if sent.words.refuses() {
            // A 401 from the token endpoint is its answer to failed client authentication
            // (RFC 6749 §5.2, `invalid_client`); any other refusal of a grant is
            // `invalid_grant` unless the label names the error.
            let unnamed = match sent.words.status() {
                Some(401) => "invalid_client",
                _ => "invalid_grant",
            };
            out.params
                .set(Key::Error, Some(sent.words.error_code().unwrap_or(unnamed)));
            return;
        }
        let token = self.fresh("token");
        out.generated.push((Key::AccessToken, token.clone()));
        out.params.set(Key::AccessToken, Some(token));
        out.params
            .set(Key::TokenType, Some(self.values.get("Bearer")));
        // A refresh token is issued when the flow shows one: written, or named in the
        // label ("access and refresh tokens"), as RFC 6749 §4.1.4's example response does.
        if sent.words.has(Cue::RefreshToken) {
            let refresh = self.fresh("refresh");
            out.generated.push((Key::RefreshToken, refresh.clone()));
            out.params.set(Key::RefreshToken, Some(refresh));
        }
        let scope = self
            .answered_redemption(sent.from, sent.to)
            .map(|r| self.granted_scope(r).join(" "));
        out.params.set(Key::Scope, scope.filter(|s| !s.is_empty()));
    }

    /// An API call carries the caller's access token.
    fn api_request_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        let token = self.actors[sent.from].holds.token.clone();
        out.params.set(Key::AccessToken, token.clone());
        if token.is_none() {
            let (why, at) = self.why_missing("access token", Key::AccessToken);
            self.missing(sent, out, Key::AccessToken, why, at);
        }
    }

    /// A revocation names the sender's refresh token, else its access token (RFC 7009
    /// §2.1), and the client authenticates as at the token endpoint.
    fn revocation_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        let sender = &self.actors[sent.from];
        let (token, hint) = match (&sender.holds.refresh, &sender.holds.token) {
            (Some(refresh), _) => (Some(refresh.clone()), Some("refresh_token")),
            (None, Some(token)) => (Some(token.clone()), Some("access_token")),
            (None, None) => (None, None),
        };
        let registration = sender.app().map_or(0, |a| self.apps[a].registration);
        let client = &self.world.registrations[registration];
        out.params.set(Key::Token, token.clone());
        out.params.set(Key::TokenTypeHint, hint);
        out.params
            .set(Key::ClientId, Some(self.values.get(&client.id)));
        if sender.role == Role::Client {
            out.params.set(
                Key::ClientSecret,
                client.secret.as_deref().map(|s| self.values.get(s)),
            );
        }
        if token.is_none() {
            let (why, at) = self.why_missing("token", Key::AccessToken);
            self.missing(sent, out, Key::Token, why, at);
        }
    }

    /// What a leak hands the attacker, read from the label: a URL (Referer, history, the
    /// redirect itself) is the whole callback URL, the state travelling with the code when
    /// the sender has it; a token is the sender's latest.
    fn leak_form(&mut self, sent: &Sent, out: &mut Outgoing) {
        const URL: &[&str] = &["url", "referer", "referrer", "history", "log", "logs"];
        let words = sent.words;
        let says_url = URL.iter().any(|w| words_has_word(sent.label, w))
            || words.has(Cue::Redirect)
            || words.has(Cue::Callback);
        let sender = &self.actors[sent.from];
        if words.has(Cue::Code) || says_url {
            let code = sender.holds.code.clone().or_else(|| {
                sender.user_agent().and_then(|ua| {
                    ua.followed
                        .as_ref()?
                        .carried(Key::Code)
                        .map(|c| c.value.clone())
                })
            });
            out.params.set(Key::Code, code.clone());
            if says_url {
                let state = code
                    .as_ref()
                    .and_then(|c| {
                        self.run
                            .authorization_responses
                            .iter()
                            .rev()
                            .find(|r| r.code.as_deref() == Some(&**c))
                    })
                    .and_then(|r| r.state.clone())
                    .filter(|s| sender.knows.contains_key(&**s));
                out.params.set(Key::State, state);
            }
        }
        if words.has(Cue::Token) {
            out.params.set(Key::AccessToken, sender.holds.token.clone());
        }
    }
}

fn words_has_word(label: &str, word: &str) -> bool {
    label
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case(word))
}
